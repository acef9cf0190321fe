//! Evaluated Terraform values: what an expression is known to be after literal `var`/`local`
//! resolution, with references and unknowns kept explicit instead of guessed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The value of a Terraform expression, as far as it can be known without running Terraform.
#[derive(Debug, Clone, PartialEq)]
pub enum TfValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<TfValue>),
    Object(BTreeMap<String, TfValue>),
    /// An unresolved reference, as written: `aws_sqs_queue.dlq.arn`, `var.subnets` (a variable
    /// without a default), `each.value`, `data.aws_iam_policy_document.x.json`.
    Ref(String),
    /// Not evaluated, with the reason (`function \`templatefile\` is not evaluated`, a
    /// conditional, a template with an unresolved interpolation, a cycle between locals).
    Unknown(String),
}

/// Roots of traversals that never name a resource.
const NON_RESOURCE_ROOTS: &[&str] = &["var", "local", "each", "count", "self", "path", "terraform"];

impl TfValue {
    /// `true`/`false`, also from the strings `"true"` / `"false"` (Terraform converts them).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            TfValue::Bool(b) => Some(*b),
            TfValue::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A number, also from a numeric string (`"256"`).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            TfValue::Number(n) => Some(*n),
            TfValue::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        }
    }

    /// A whole number (also from a numeric string); `None` for fractions.
    pub fn as_i64(&self) -> Option<i64> {
        let f = self.as_f64()?;
        (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            TfValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[TfValue]> {
        match self {
            TfValue::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&BTreeMap<String, TfValue>> {
        match self {
            TfValue::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The text of an unresolved reference.
    pub fn as_ref_text(&self) -> Option<&str> {
        match self {
            TfValue::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Why the value is unknown, if it is.
    pub fn unknown_reason(&self) -> Option<&str> {
        match self {
            TfValue::Unknown(r) => Some(r),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, TfValue::Null)
    }

    /// Whether the value itself is known (not a reference, not unknown). Collections count as
    /// known even when some element is not; see [`TfValue::is_fully_known`].
    pub fn is_known(&self) -> bool {
        !matches!(self, TfValue::Ref(_) | TfValue::Unknown(_))
    }

    /// Whether the value and everything inside it is known.
    pub fn is_fully_known(&self) -> bool {
        match self {
            TfValue::Ref(_) | TfValue::Unknown(_) => false,
            TfValue::List(l) => l.iter().all(TfValue::is_fully_known),
            TfValue::Object(o) => o.values().all(TfValue::is_fully_known),
            _ => true,
        }
    }

    /// The value of object key `key`.
    pub fn get(&self, key: &str) -> Option<&TfValue> {
        self.as_object()?.get(key)
    }

    /// Follows object keys and list indices (`["Statement", "0", "Action"]`).
    pub fn at(&self, path: &[&str]) -> Option<&TfValue> {
        path.iter().try_fold(self, |v, seg| match v {
            TfValue::Object(o) => o.get(*seg),
            TfValue::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)),
            _ => None,
        })
    }

    /// The value as JSON-like data: itself when it is a list or an object (`jsonencode(...)`),
    /// or the parsed content of a string holding a JSON array or object (a heredoc policy).
    /// `None` for anything else, including strings that are not valid JSON.
    pub fn as_json_like(&self) -> Option<Cow<'_, TfValue>> {
        match self {
            TfValue::List(_) | TfValue::Object(_) => Some(Cow::Borrowed(self)),
            TfValue::String(s) if looks_like_json(s) => parse_json(s).ok().map(Cow::Owned),
            _ => None,
        }
    }

    /// Every unresolved reference inside the value (`aws_sqs_queue.dlq.arn`), in order.
    pub fn refs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            TfValue::Ref(r) => out.push(r),
            TfValue::List(l) => l.iter().for_each(|v| v.collect_refs(out)),
            TfValue::Object(o) => o.values().for_each(|v| v.collect_refs(out)),
            _ => {}
        }
    }

    /// The resource, data source and module addresses the value refers to
    /// (`aws_sqs_queue.dlq`), sorted and without duplicates.
    pub fn ref_addresses(&self) -> Vec<String> {
        let mut out: Vec<String> = self.refs().into_iter().filter_map(address_of).collect();
        out.sort();
        out.dedup();
        out
    }

    /// A string, or a list of strings, as strings; `has_unknown` tells that some element (or
    /// the whole value) was not a known string. `Null` gives an empty set.
    pub fn to_str_set(&self) -> StrSet {
        let mut set = StrSet::default();
        match self {
            TfValue::Null => {}
            TfValue::List(items) => {
                for item in items {
                    match item {
                        TfValue::String(s) => set.known.push(s.clone()),
                        _ => set.has_unknown = true,
                    }
                }
            }
            TfValue::String(s) => set.known.push(s.clone()),
            _ => set.has_unknown = true,
        }
        set
    }

    /// The text a template interpolation makes of a scalar (`4`, `true`, `web`).
    pub(crate) fn template_text(&self) -> Option<String> {
        match self {
            TfValue::String(s) => Some(s.clone()),
            TfValue::Bool(b) => Some(b.to_string()),
            TfValue::Number(n) => Some(number_text(*n)),
            _ => None,
        }
    }
}

/// Strings that may be several: IAM `Action` (a string or a list), CIDR lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrSet {
    /// The known strings, in order.
    pub known: Vec<String>,
    /// Some element, or the whole value, could not be resolved.
    pub has_unknown: bool,
}

impl StrSet {
    pub fn contains(&self, s: &str) -> bool {
        self.known.iter().any(|k| k == s)
    }

    pub fn any(&self, f: impl Fn(&str) -> bool) -> bool {
        self.known.iter().any(|k| f(k))
    }

    /// Nothing known and nothing unknown: the field was absent or empty.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty() && !self.has_unknown
    }
}

/// A number as Terraform prints it: integers without a fraction.
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for TfValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TfValue::Null => f.write_str("null"),
            TfValue::Bool(b) => write!(f, "{b}"),
            TfValue::Number(n) => f.write_str(&number_text(*n)),
            TfValue::String(s) => write!(f, "{s:?}"),
            TfValue::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            TfValue::Object(o) => {
                f.write_str("{")?;
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str("}")
            }
            TfValue::Ref(r) => f.write_str(r),
            TfValue::Unknown(reason) => write!(f, "(unknown: {reason})"),
        }
    }
}

/// The address a reference names: `aws_sqs_queue.dlq.arn` -> `aws_sqs_queue.dlq`,
/// `data.aws_iam_policy_document.x.json` -> `data.aws_iam_policy_document.x`,
/// `module.db.endpoint` -> `module.db`; `None` for `var.`, `local.`, `each.` and the like.
pub fn address_of(reference: &str) -> Option<String> {
    let mut segs = reference.split('.');
    let root = segs.next()?;
    if root.is_empty() || root.contains('[') || NON_RESOURCE_ROOTS.contains(&root) {
        return None;
    }
    let mut next = || {
        segs.next()
            .and_then(|s| s.split('[').next())
            .filter(|s| !s.is_empty() && !s.contains(['"', ' ', '*']))
    };
    if root == "data" {
        let (t, n) = (next()?, next()?);
        Some(format!("data.{t}.{n}"))
    } else {
        let n = next()?;
        Some(format!("{root}.{n}"))
    }
}

/// Whether a string is worth trying as JSON: it opens an array or an object.
pub(crate) fn looks_like_json(s: &str) -> bool {
    matches!(s.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Parses JSON text into a value.
pub(crate) fn parse_json(s: &str) -> Result<TfValue, serde_json::Error> {
    serde_json::from_str::<serde_json::Value>(s).map(|v| from_json(&v))
}

/// Converts parsed JSON into a value.
pub(crate) fn from_json(v: &serde_json::Value) -> TfValue {
    match v {
        serde_json::Value::Null => TfValue::Null,
        serde_json::Value::Bool(b) => TfValue::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(
            || TfValue::Unknown(format!("number {n} out of range")),
            TfValue::Number,
        ),
        serde_json::Value::String(s) => TfValue::String(s.clone()),
        serde_json::Value::Array(a) => TfValue::List(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            TfValue::Object(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}
