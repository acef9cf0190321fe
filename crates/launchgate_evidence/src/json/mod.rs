//! Positions in JSON text. serde_json gives values but no positions, so small linear passes
//! over the text find where keys ([`keys`]) and values ([`positions`]) are.

pub(crate) mod keys;
pub(crate) mod positions;

use crate::{Loc, Source};

/// The index just past the closing quote of the string token starting at `start` (a `"`), or
/// the end of the text.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The location serde_json reports for a syntax error (1-based line and byte column).
pub(crate) fn error_loc(src: &Source, e: &serde_json::Error) -> Loc {
    if e.line() == 0 {
        return src.file_start();
    }
    let line = src.line_loc(e.line());
    let at = line.start + e.column().saturating_sub(1);
    src.loc(at, at)
}

/// The JSON type name of a value, for messages.
pub(crate) fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
