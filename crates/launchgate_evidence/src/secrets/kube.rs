//! Kubernetes `kind: Secret` manifests: a Secret written into the repository with literal
//! values is itself a finding. `data` values are base64-decoded and the format-specific rules
//! run on the decoded text, so a GitHub token in a Secret is reported as one.
//!
//! Only files that mention a `kind: Secret` line are parsed (again) as YAML: that is rare, so
//! the cost stays off the hot path. Templates that do not parse (Helm) are skipped silently:
//! their values are template expressions, not literals.

use std::sync::LazyLock;

use regex::Regex;

use super::engine::{Candidate, Ctx, scan_text};
use super::rules::{Check, RULES, index_of};
use super::values::{decode_base64, is_placeholder, is_reference};
use crate::Source;
use crate::yaml::Node;

static KIND_SECRET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t-]*kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?\r?$"#).ok()
});

/// Keys of a Secret that hold connection details rather than secrets.
const NOT_SECRET_KEYS: &[&str] = &[
    "username",
    "user",
    "host",
    "hostname",
    "port",
    "database",
    "dbname",
    "db",
    "namespace",
    "region",
    "endpoint",
    "url",
    "uri",
    "ca.crt",
    "tls.crt",
    "email",
];

/// Appends candidates for the literal values of the Secret manifests among `docs`, the
/// documents of `src`.
pub(super) fn scan(src: &Source, docs: &[Node], cands: &mut Vec<Candidate>) {
    if !src.text.contains("Secret") {
        return;
    }
    if !KIND_SECRET
        .as_ref()
        .is_some_and(|re| re.is_match(&src.text))
    {
        return;
    }
    for doc in docs {
        visit(doc, src, cands);
    }
}

fn visit(node: &Node, src: &Source, cands: &mut Vec<Candidate>) {
    match node.get("kind").and_then(Node::as_str) {
        Some("Secret") => secret(node, src, cands),
        Some("List") => {
            for item in node.get("items").map(Node::as_seq).unwrap_or_default() {
                if item.get("kind").and_then(Node::as_str) == Some("Secret") {
                    secret(item, src, cands);
                }
            }
        }
        _ => {}
    }
}

fn secret(node: &Node, src: &Source, cands: &mut Vec<Candidate>) {
    let literal = index_of(Check::Kube);
    for (section, base64) in [("data", true), ("stringData", false)] {
        let Some(map) = node.get(section) else {
            continue;
        };
        for entry in map.as_map() {
            if NOT_SECRET_KEYS.contains(&entry.key.to_ascii_lowercase().as_str()) {
                continue;
            }
            let Some(raw) = entry.value.as_str() else {
                continue;
            };
            let Some((start, end)) = value_span(src, &entry.value, raw) else {
                continue;
            };
            let bytes = if base64 {
                match decode_base64(raw) {
                    Some(b) => b,
                    None => continue,
                }
            } else {
                raw.as_bytes().to_vec()
            };
            let rule = match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    if trivial(text) {
                        continue;
                    }
                    specific_rule(text).unwrap_or(literal)
                }
                // Binary data (keystores, DER keys) is a literal secret.
                Err(_) => literal,
            };
            cands.push(Candidate {
                rule,
                start,
                end,
                decoded: base64 && rule != literal,
            });
        }
    }
}

/// Values that are not secrets: empty, placeholders, references, numbers, booleans, public
/// certificates.
fn trivial(text: &str) -> bool {
    let t = text.trim();
    is_placeholder(t)
        || is_reference(t)
        || t.bytes().all(|b| b.is_ascii_digit())
        || ["true", "false", "yes", "no"].contains(&t.to_ascii_lowercase().as_str())
        || (t.starts_with("-----BEGIN CERTIFICATE") && !t.contains("PRIVATE KEY"))
}

/// The first format-specific rule that matches a decoded value.
fn specific_rule(text: &str) -> Option<usize> {
    let mut found = Vec::new();
    let mut markers = Vec::new();
    let ctx = Ctx {
        quoted_only: false,
        generic: false,
        dotenv: false,
    };
    scan_text(text, ctx, &mut found, &mut markers);
    found
        .iter()
        .map(|c| c.rule)
        .filter(|&r| RULES.get(r).is_some_and(|r| r.check != Check::Url))
        .min()
}

/// The byte span of a scalar's value in the file, without its quotes.
fn value_span(src: &Source, node: &Node, raw: &str) -> Option<(usize, usize)> {
    let (s, e) = (node.loc.start, node.loc.end);
    let slice = src.text.get(s..e)?;
    if slice.is_empty() {
        return None;
    }
    if slice == raw {
        return Some((s, e));
    }
    let quoted = slice.len() >= 2
        && ((slice.starts_with('"') && slice.ends_with('"'))
            || (slice.starts_with('\'') && slice.ends_with('\'')));
    if quoted && slice.len() > 2 {
        return Some((s + 1, e - 1));
    }
    let trimmed = slice.trim_end();
    (!trimmed.is_empty()).then(|| (s, s + trimmed.len()))
}
