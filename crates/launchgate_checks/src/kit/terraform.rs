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

/// A Terraform attribute read as a whole number: `Ok(None)` when absent or `null`,
/// `Err(finding)` when present but not known (a reference, an unevaluated function) or not
/// a number.
pub fn tf_int(r: &Resource, attr: &str) -> Result<Option<(i64, Loc)>, Finding> {
    let Some(a) = r.attr(attr) else {
        return Ok(None);
    };
    match &a.value {
        TfValue::Null => Ok(None),
        v => match v.as_i64() {
            Some(n) => Ok(Some((n, a.loc.clone()))),
            None => Err(unknown_value(r, attr, v, &a.loc)),
        },
    }
}

/// A Terraform boolean as far as it is known: `Ok(None)` when absent or `null`,
/// `Ok(Some(b))` for `true` / `false` (also the strings), `Err(why)` when it is a reference
/// or was not evaluated.
pub fn tf_bool(value: Option<&TfValue>) -> Result<Option<bool>, String> {
    match value {
        None | Some(TfValue::Null) => Ok(None),
        Some(v) => match (v.as_bool(), v) {
            (Some(b), _) => Ok(Some(b)),
            (None, TfValue::Ref(r)) => Err(format!("it refers to `{r}`")),
            (None, TfValue::Unknown(why)) => Err(why.clone()),
            (None, other) => Err(format!("{other} is not a boolean")),
        },
    }
}

/// The finding for a Terraform value that could not be evaluated.
pub fn unknown_value(r: &Resource, attr: &str, v: &TfValue, loc: &Loc) -> Finding {
    let why = match v {
        TfValue::Ref(x) => format!("refers to `{x}`, which is not known before apply"),
        TfValue::Unknown(reason) => reason.clone(),
        other => format!("is `{other}`, not a number"),
    };
    Finding::new(format!(
        "{} `{attr}` {why}; it cannot be verified",
        r.address()
    ))
    .at(Some(loc.location()))
    .resource(r.address())
}

/// Why a Terraform value could not be judged, in words (`it refers to \`var.x\``).
pub fn unresolved_reason(v: &launchgate_evidence::terraform::TfValue) -> String {
    use launchgate_evidence::terraform::TfValue;
    match v {
        TfValue::Ref(r) => format!("it refers to `{r}`"),
        TfValue::Unknown(why) => why.clone(),
        other => format!("`{other}` is not a literal value"),
    }
}

/// A finding about an attribute whose value cannot be read: `r`'s `a` is unresolved, so
/// `what` cannot be verified.
pub fn tf_unresolved(r: &Resource, a: &Attr, what: &str) -> Finding {
    let why = match &a.value {
        TfValue::Ref(x) => format!("`{x}`, which the repository does not resolve"),
        TfValue::Unknown(reason) => format!("not evaluated ({reason})"),
        v => format!("`{v}`, which is not a value this check can read"),
    };
    Finding::new(format!(
        "{}: `{}` is {why}, so {what} cannot be verified from the repository",
        r.address(),
        a.name
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
