//! Terraform fields as checks read them: known, absent or unresolved, and findings about values
//! that cannot be read.

use launchgate_core::{Finding, Location};
use launchgate_evidence::Loc;
use launchgate_evidence::terraform::{Attr, Body, Resource, TfValue};

/// A Terraform attribute as a check reads it.
#[derive(Debug, Clone, Copy)]
pub enum TfField<'a, T> {
    /// Not written (or `null`): the provider default applies.
    Absent,
    /// Written with a known value.
    Known(T, &'a Attr),
    /// Written, but its value cannot be known without running Terraform (a variable without a
    /// default, a module output, a function that is not evaluated), or of an unexpected type.
    Unresolved(&'a Attr),
}

/// Reads attribute `name` of `body` with `read` (`TfValue::as_bool`, `TfValue::as_i64`...).
pub fn tf_field<'a, T>(
    body: &'a Body,
    name: &str,
    read: impl Fn(&'a TfValue) -> Option<T>,
) -> TfField<'a, T> {
    match body.attr(name) {
        None => TfField::Absent,
        Some(a) if a.value.is_null() => TfField::Absent,
        Some(a) => read(&a.value).map_or(TfField::Unresolved(a), |v| TfField::Known(v, a)),
    }
}

/// A boolean attribute (`storage_encrypted`, also from `"true"`).
pub fn field_bool<'a>(body: &'a Body, name: &str) -> TfField<'a, bool> {
    tf_field(body, name, TfValue::as_bool)
}

/// A whole-number attribute (`backup_retention_period`, also from `"7"`).
pub fn field_int<'a>(body: &'a Body, name: &str) -> TfField<'a, i64> {
    tf_field(body, name, TfValue::as_i64)
}

/// A string attribute.
pub fn field_str<'a>(body: &'a Body, name: &str) -> TfField<'a, &'a str> {
    tf_field(body, name, TfValue::as_str)
}

/// Whether attribute `name` is written with a non-null value, known or not
/// (`replicate_source_db = aws_db_instance.main.identifier`).
pub fn tf_sets(body: &Body, name: &str) -> bool {
    body.attr(name).is_some_and(|a| !a.value.is_null())
}

/// `lifecycle { prevent_destroy = ... }`.
pub fn tf_prevent_destroy(r: &Resource) -> TfField<'_, bool> {
    r.body
        .block("lifecycle")
        .map_or(TfField::Absent, |b| field_bool(&b.body, "prevent_destroy"))
}

/// A Terraform value that is not an attribute (a field of a container definition, a nested
/// map entry) read like [`tf_field`]: `Ok(None)` when absent or `null`, `Ok(Some(v))` when
/// `read` knows it, `Err(why)` ([`why_unresolved`]) otherwise.
pub fn tf_value<'a, T>(
    value: Option<&'a TfValue>,
    read: impl Fn(&'a TfValue) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, String> {
    match value {
        None | Some(TfValue::Null) => Ok(None),
        Some(v) => read(v).map(Some).ok_or_else(|| why_unresolved(v, expected)),
    }
}

/// A boolean value as far as it is known (`true` / `false`, also the strings): [`tf_value`].
pub fn tf_bool(value: Option<&TfValue>) -> Result<Option<bool>, String> {
    tf_value(value, TfValue::as_bool, "a boolean")
}

/// A whole-number attribute of `r` as far as it is known: `Ok(None)` when absent or `null`,
/// `Err(finding)` ([`unknown_value`]) when written but not known or not a number.
pub fn tf_int(r: &Resource, attr: &str) -> Result<Option<(i64, Loc)>, Finding> {
    match field_int(&r.body, attr) {
        TfField::Absent => Ok(None),
        TfField::Known(n, a) => Ok(Some((n, a.loc.clone()))),
        TfField::Unresolved(a) => Err(unknown_value(r, attr, &a.value, &a.loc)),
    }
}

/// Why a Terraform value could not be read, in words: what it refers to, why it was not
/// evaluated, or that it is not the `expected` kind of value (`a number`). The one describer
/// of unresolved values: every finding about one words it so.
pub fn why_unresolved(v: &TfValue, expected: &str) -> String {
    match v {
        TfValue::Ref(r) => format!("it refers to `{r}`, which is not known before apply"),
        TfValue::Unknown(why) => why.clone(),
        other => format!("`{other}` is not {expected}"),
    }
}

/// [`why_unresolved`] for a value that should be a literal.
pub fn unresolved_reason(v: &TfValue) -> String {
    why_unresolved(v, "a literal value")
}

/// The finding for a number attribute of `r` that could not be read.
pub fn unknown_value(r: &Resource, attr: &str, v: &TfValue, loc: &Loc) -> Finding {
    Finding::new(format!(
        "{} `{attr}` cannot be verified: {}",
        r.address(),
        why_unresolved(v, "a number")
    ))
    .at(Some(loc.location()))
    .resource(r.address())
}

/// A finding about an attribute whose value cannot be read: `r`'s `a` is unresolved, so
/// `what` cannot be verified.
pub fn tf_unresolved(r: &Resource, a: &Attr, what: &str) -> Finding {
    Finding::new(format!(
        "{}: `{}` cannot be read ({}), so {what} cannot be verified from the repository",
        r.address(),
        a.name,
        why_unresolved(&a.value, "a value this check can read")
    ))
    .at(Some(a.loc.location()))
    .resource(r.address())
}

/// Where an attribute's value came from when that is elsewhere (a variable default, a
/// local): the related location of a finding about the attribute.
pub fn tf_origin(a: &Attr) -> Option<Location> {
    let origin = a.origin();
    (origin.path != a.loc.path || origin.line != a.loc.line).then(|| origin.location())
}
