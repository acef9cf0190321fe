//! Canonical JSON: the one byte form that hashes and signatures are computed over.
//!
//! The form is: object keys sorted by their UTF-8 bytes at every depth, no whitespace anywhere,
//! numbers as serde_json prints them (integers as digits, floats in shortest round-trip form,
//! e.g. `87.5`, `1.0`), strings with only `"`, `\` and U+0000–U+001F escaped (`\b \t \n \f \r`
//! short forms, every other control character as `\u00xx` with lowercase hex) and everything
//! else written as raw UTF-8. This is exactly what serde_json writes for a value whose maps are
//! already sorted; it is spelled out here because the workspace builds serde_json with
//! `preserve_order`, so serde_json alone would keep insertion order.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of `value` (see the module documentation for the exact form).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Runs of characters that need no escape are copied whole. Every escaped character is ASCII,
    // so the byte positions cut the text at character boundaries.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(short);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_digest(Sha256::digest(bytes))
}

/// Lowercase hex of a finished SHA-256.
pub(crate) fn hex_digest(digest: impl IntoIterator<Item = u8>) -> String {
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    out
}

/// Whether `s` is 64 lowercase hex digits (the form of every hash in the ledger).
pub fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_there_is_no_whitespace() {
        let mut inner = serde_json::Map::new();
        inner.insert("zeta".into(), json!(1));
        inner.insert("alpha".into(), json!([true, null, "x"]));
        let mut outer = serde_json::Map::new();
        outer.insert("b".into(), Value::Object(inner));
        outer.insert("a".into(), json!(87.5));
        outer.insert("B".into(), json!(-3));
        assert_eq!(
            canonical_json(&Value::Object(outer)),
            r#"{"B":-3,"a":87.5,"b":{"alpha":[true,null,"x"],"zeta":1}}"#
        );
    }

    #[test]
    fn strings_are_escaped_exactly_as_serde_json_escapes_them() {
        let mut all = String::new();
        for b in 0u8..0x80 {
            all.push(char::from(b));
        }
        all.push_str("é€😀\u{2028}");
        let value = Value::String(all);
        assert_eq!(
            canonical_json(&value),
            serde_json::to_string(&value).unwrap()
        );
        assert_eq!(canonical_json(&json!("a\u{1}\u{1f}")), r#""a\u0001\u001f""#);
    }

    #[test]
    fn numbers_keep_their_serde_json_form_and_round_trip() {
        let text = "[0,-1,18446744073709551615,1.0,0.1,87.5,1e300]";
        let value: Value = serde_json::from_str(text).unwrap();
        let canonical = canonical_json(&value);
        assert_eq!(canonical, "[0,-1,18446744073709551615,1.0,0.1,87.5,1e+300]");
        let again: Value = serde_json::from_str(&canonical).unwrap();
        assert_eq!(canonical_json(&again), canonical);
    }

    #[test]
    fn sha256_hex_matches_the_published_test_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_hash(&sha256_hex(b"")));
        assert!(!is_hash(&sha256_hex(b"").to_uppercase()));
        assert!(!is_hash("00"));
    }
}
