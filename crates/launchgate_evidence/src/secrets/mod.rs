//! Hardcoded secrets (SEC-001): our own rule set, a keyword prefilter, an entropy test, and
//! redaction: a secret's value never leaves this module.
//!
//! Every text file is scanned (`scan`, in the walk's worker threads): an Aho-Corasick
//! automaton over all rules' keywords picks the lines worth a look, and only those lines meet
//! the rules' regexes. Findings carry the location and byte span of the secret value and a
//! redacted form ([`redact`]); no type here holds the value itself.
//!
//! Not reported: placeholders (`changeme`, `<password>`, `your-api-key`, `xxxx`, `example`,
//! ...), references (`${VAR}`, `$VAR`, `{{ .Values.x }}`, `%(x)s`, `process.env.X`), AWS's
//! documented example keys, empty values, and any value on a line carrying
//! `launchgate:allow-secret <reason>` or below a comment line carrying it. Such values are listed in [`Secrets::allowed`]. A marker without a reason suppresses
//! nothing and is itself a finding (`bare-allow-marker`).

mod engine;
mod kube;
mod redaction;
mod rules;
mod values;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use crate::yaml::Node;
use crate::{Loc, Source};
use engine::{Candidate, Ctx, Marker, scan_text};
use rules::{Check, RULES, index_of};

pub use redaction::{Redaction, find_secrets, redact_text};

/// Every secret found in the repository, and the values allowed by an inline marker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Findings, sorted by path, line and column.
    pub findings: Vec<SecretFinding>,
    /// Values a `launchgate:allow-secret <reason>` marker allowed, sorted by path, line, column.
    pub allowed: Vec<AllowedSecret>,
}

/// One secret found (or a bare allow marker). Holds no part of the value beyond [`redact`]'s
/// output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFinding {
    /// The rule id (`github-token`, `generic-secret`, ...).
    pub rule: &'static str,
    /// What was found, in words.
    pub description: String,
    /// Where the secret value is: its first line and column, and its byte span.
    pub loc: Loc,
    /// The redacted value: a few first characters and the length (`ghp_… (40 chars)`).
    pub redacted: String,
    /// The reason of the allow marker covering this value (moved to [`Secrets::allowed`]).
    allowed: Option<String>,
}

impl SecretFinding {
    /// A finding (for check authors' tests); `redacted` should come from [`redact`].
    pub fn new(
        rule: &'static str,
        description: impl Into<String>,
        loc: Loc,
        redacted: impl Into<String>,
    ) -> SecretFinding {
        SecretFinding {
            rule,
            description: description.into(),
            loc,
            redacted: redacted.into(),
            allowed: None,
        }
    }
}

impl fmt::Display for SecretFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({}): {}",
            self.loc, self.description, self.rule, self.redacted
        )
    }
}

/// A value an inline marker allowed: where, which rule would have reported it, and why it is
/// allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSecret {
    /// Where the allowed value is.
    pub loc: Loc,
    /// The rule that would have reported it.
    pub rule: &'static str,
    /// The reason written after `launchgate:allow-secret`.
    pub reason: String,
}

/// The rules: (id, description), in priority order.
pub fn rules() -> Vec<(&'static str, &'static str)> {
    RULES.iter().map(|r| (r.id, r.description)).collect()
}

/// The redacted form of a secret value: its first characters and its length in characters,
/// e.g. `ghp_… (40 chars)`. At most 4 characters and at most a quarter of the value are shown,
/// so a short password keeps most of itself hidden.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    let shown: String = value.chars().take((n / 4).min(4)).collect();
    format!("{shown}\u{2026} ({n} chars)")
}

/// Scans one text file; `docs` are its YAML documents when the scanner loaded them (Kubernetes
/// files), so Secret data is read without parsing the file again.
pub(crate) fn scan(src: &Source, docs: Option<&[Node]>) -> Vec<SecretFinding> {
    let ctx = Ctx {
        quoted_only: quoted_only(&src.path),
        // A SealedSecret's values are ciphertext that only the cluster can open.
        generic: !(is_yaml(&src.path) && src.text.contains("kind: SealedSecret")),
        dotenv: is_dotenv(&src.path),
    };
    let mut cands = Vec::new();
    let mut markers = Vec::new();
    scan_text(&src.text, ctx, &mut cands, &mut markers);
    if let Some(docs) = docs {
        kube::scan(src, docs, &mut cands);
    }
    if cands.is_empty() && markers.is_empty() {
        return Vec::new();
    }
    findings(src, resolve(cands), &markers)
}

/// Sorts all files' findings and moves the allowed ones to [`Secrets::allowed`].
pub(crate) fn assemble(findings: Vec<SecretFinding>) -> Secrets {
    let mut out = Secrets::default();
    for f in findings {
        match f.allowed {
            Some(reason) => out.allowed.push(AllowedSecret {
                loc: f.loc,
                rule: f.rule,
                reason,
            }),
            None => out.findings.push(f),
        }
    }
    out.findings.sort_by(|a, b| {
        (&a.loc.path, a.loc.line, a.loc.column, a.rule).cmp(&(
            &b.loc.path,
            b.loc.line,
            b.loc.column,
            b.rule,
        ))
    });
    out.allowed.sort_by(|a, b| {
        (&a.loc.path, a.loc.line, a.loc.column, a.rule).cmp(&(
            &b.loc.path,
            b.loc.line,
            b.loc.column,
            b.rule,
        ))
    });
    out
}

/// A dotenv file that tools load as it is: `.env`, `.env.production`, `prod.env`; not the
/// documented templates beside them (`.env.example`, `.env.sample`, `.env.template`,
/// `.env.dist`, `example.env`).
fn is_dotenv(path: &str) -> bool {
    const TEMPLATES: &[&str] = &[
        "example", "examples", "sample", "samples", "template", "tmpl", "tpl", "dist", "default",
        "defaults", "schema", "spec",
    ];
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let parts: Vec<&str> = name.split('.').filter(|p| !p.is_empty()).collect();
    // `name` is lowercased above.
    let dotenv = name == ".env" || name.starts_with(".env.") || parts.last() == Some(&"env");
    dotenv && !parts.iter().any(|p| TEMPLATES.contains(p))
}

fn is_yaml(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("yaml" | "yml" | "json"))
}

/// Code and strictly typed formats, where the generic rule reads only quoted values.
fn quoted_only(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "Jenkinsfile" {
        return true;
    }
    let Some((_, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "rs" | "go"
            | "py"
            | "pyi"
            | "js"
            | "jsx"
            | "mjs"
            | "cjs"
            | "ts"
            | "tsx"
            | "vue"
            | "svelte"
            | "java"
            | "kt"
            | "kts"
            | "scala"
            | "groovy"
            | "gradle"
            | "cs"
            | "fs"
            | "vb"
            | "c"
            | "h"
            | "cc"
            | "cpp"
            | "cxx"
            | "hpp"
            | "hh"
            | "m"
            | "mm"
            | "swift"
            | "rb"
            | "php"
            | "dart"
            | "lua"
            | "r"
            | "ex"
            | "exs"
            | "erl"
            | "clj"
            | "hs"
            | "ml"
            | "pl"
            | "pm"
            | "sql"
            | "json"
            | "jsonc"
            | "toml"
            | "tf"
            | "tfvars"
            | "hcl"
            | "nix"
            | "jsonnet"
            | "libsonnet"
            | "cue"
    )
}

/// Keeps, among overlapping candidates, the one of the highest-priority rule; sorted by start.
fn resolve(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by_key(|c| (c.rule, c.start, c.end));
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(cands.len());
    for c in cands {
        // Accepted spans are disjoint, so the last one starting before `c.end` is the only
        // one that can reach into `c`.
        let overlaps = taken
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, &e)| e > c.start);
        if !overlaps && c.end > c.start {
            taken.insert(c.start, c.end);
            out.push(c);
        }
    }
    out.sort_by_key(|c| (c.start, c.rule));
    out
}

/// Turns byte offsets into 1-based lines and character columns, walking forward once.
struct Locator<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl Locator<'_> {
    fn at(&mut self, p: usize) -> (u32, u32) {
        if p < self.pos {
            (self.pos, self.line, self.column) = (0, 1, 1);
        }
        for ch in self.text.get(self.pos..p).unwrap_or("").chars() {
            if ch == '\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else {
                self.column = self.column.saturating_add(1);
            }
        }
        self.pos = p;
        (self.line, self.column)
    }
}

fn findings(src: &Source, cands: Vec<Candidate>, markers: &[Marker]) -> Vec<SecretFinding> {
    let mut at = Locator {
        text: &src.text,
        pos: 0,
        line: 1,
        column: 1,
    };
    let loc = |at: &mut Locator<'_>, start: usize, end: usize| {
        let (line, column) = at.at(start);
        Loc {
            path: src.path.clone(),
            line,
            column,
            start,
            end,
        }
    };
    // Marker lines: the reason of a marker on the line, and whether it covers the next line.
    let mut by_line: BTreeMap<u32, (Option<&str>, bool)> = BTreeMap::new();
    let mut out = Vec::new();
    let bare = index_of(Check::Marker);
    for m in markers {
        let l = loc(&mut at, m.start, m.end);
        let slot = by_line.entry(l.line).or_insert((None, false));
        if let Some(reason) = &m.reason {
            *slot = (Some(reason.as_str()), m.comment_only);
        } else if let Some(rule) = RULES.get(bare) {
            out.push(SecretFinding::new(
                rule.id,
                rule.description,
                l,
                rules::MARKER,
            ));
        }
    }
    for c in cands {
        let Some(rule) = RULES.get(c.rule) else {
            continue;
        };
        let l = loc(&mut at, c.start, c.end);
        let allowed = match by_line.get(&l.line) {
            Some((Some(reason), _)) => Some(*reason),
            _ => match by_line.get(&l.line.saturating_sub(1)) {
                Some((Some(reason), true)) if l.line > 1 => Some(*reason),
                _ => None,
            },
        };
        let description = if c.decoded {
            format!(
                "{} (base64-encoded in a Kubernetes Secret)",
                rule.description
            )
        } else {
            rule.description.to_string()
        };
        let Some(value) = src.text.get(c.start..c.end) else {
            continue;
        };
        out.push(SecretFinding {
            rule: rule.id,
            description,
            loc: l,
            redacted: redact(value),
            allowed: allowed.map(str::to_string),
        });
    }
    out.sort_by_key(|f| (f.loc.start, f.rule));
    out
}
