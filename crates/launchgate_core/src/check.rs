//! What a check is, as data: its permanent ID, slug, category, severity, tier matrix and docs.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::TierMatrix;

/// The eight readiness categories, each answering one 2am question.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Observability,
    Safety,
    Runbooks,
    Data,
    Security,
    Capacity,
    Incident,
    Operations,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Observability,
        Category::Safety,
        Category::Runbooks,
        Category::Data,
        Category::Security,
        Category::Capacity,
        Category::Incident,
        Category::Operations,
    ];

    /// The ID prefix of the category's checks (`OBS`, `SAF`, ...).
    pub fn prefix(self) -> &'static str {
        match self {
            Category::Observability => "OBS",
            Category::Safety => "SAF",
            Category::Runbooks => "RUN",
            Category::Data => "DAT",
            Category::Security => "SEC",
            Category::Capacity => "CAP",
            Category::Incident => "INC",
            Category::Operations => "OPS",
        }
    }

    /// The machine name used in policy files and JSON (`observability`, `safety`, ...).
    pub fn key(self) -> &'static str {
        match self {
            Category::Observability => "observability",
            Category::Safety => "safety",
            Category::Runbooks => "runbooks",
            Category::Data => "data",
            Category::Security => "security",
            Category::Capacity => "capacity",
            Category::Incident => "incident",
            Category::Operations => "operations",
        }
    }

    /// The human title used in reports.
    pub fn title(self) -> &'static str {
        match self {
            Category::Observability => "Observability",
            Category::Safety => "Safety Patterns",
            Category::Runbooks => "Runbooks",
            Category::Data => "Data Safety",
            Category::Security => "Security",
            Category::Capacity => "Capacity & Scaling",
            Category::Incident => "Incident Response",
            Category::Operations => "Operations & Delivery",
        }
    }

    /// The question the category answers.
    pub fn question(self) -> &'static str {
        match self {
            Category::Observability => "Can I understand it at 2am without SSH?",
            Category::Safety => "Will this fail safely or cascade?",
            Category::Runbooks => "Can I fix it half asleep?",
            Category::Data => "If I corrupt user data, can I restore it?",
            Category::Security => "Will I leak secrets while debugging?",
            Category::Capacity => "Can this handle 10x traffic?",
            Category::Incident => "Who do I call, and what do I tell them?",
            Category::Operations => "Can we ship and roll back safely?",
        }
    }

    pub fn from_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// How much a failing check matters. A failing required blocker makes the decision NO_GO.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Blocker,
    Major,
    Minor,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Major => "major",
            Severity::Minor => "minor",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A rough estimate of the work to make a failing check pass, in working hours.
/// Used for "estimated time to production-ready" and action items.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Effort(pub u32);

impl Effort {
    pub fn hours(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Effort {
    /// Hours below a day, days (of 8 hours) below a week, then weeks (of 5 days).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        let h = self.0;
        if h == 0 {
            f.write_str("none")
        } else if h < 8 {
            write!(f, "{h} hour{}", plural(h))
        } else if h < 40 {
            let d = h.div_ceil(8);
            write!(f, "{d} day{}", plural(d))
        } else {
            let w = h.div_ceil(40);
            write!(f, "{w} week{}", plural(w))
        }
    }
}

/// Everything about a check except its logic. Built-in checks declare it with `declare_check!`;
/// a library user can write one as a `static` for their own checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMeta {
    /// Permanent ID, `PREFIX-NNN` (e.g. `CAP-006`).
    pub id: &'static str,
    /// The requirement in kebab-case (`health-probes`), never the defect.
    pub slug: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub tiers: TierMatrix,
    /// Evidence letters from the catalog (`D`, `K`, `T`, ...), space separated.
    pub evidence: &'static str,
    pub effort: Effort,
    /// Version of the check's logic; bumped when results can change for the same input.
    pub version: u32,
    /// User documentation in Markdown with the headings `## What it checks`,
    /// `## Why it matters`, `## How to fix`, `## Example`, `## References`.
    pub docs: &'static str,
}

impl CheckMeta {
    /// The first sentence under "What it checks": a one-line summary.
    pub fn summary(&self) -> String {
        let body = doc_section(self.docs, "What it checks").unwrap_or_default();
        let para: Vec<&str> = body
            .lines()
            .map(str::trim)
            .take_while(|l| !l.is_empty())
            .collect();
        let joined = para.join(" ");
        match first_sentence_end(&joined) {
            Some(i) => joined[..=i].to_string(),
            None => joined,
        }
    }

    /// The body of one `## ` section of the docs, trimmed.
    pub fn section(&self, heading: &str) -> Option<String> {
        doc_section(self.docs, heading)
    }

    /// The docs as Markdown, without the doc-comment indentation.
    pub fn docs_markdown(&self) -> String {
        let mut s = doc_lines(self.docs).collect::<Vec<_>>().join("\n");
        s.push('\n');
        s
    }
}

/// Doc comments arrive with one leading space per line (`/// text`); this removes it.
/// The byte index of the full stop that ends the first sentence of `text`: a `.` followed by a
/// space, outside a code span (`` `a. b` `` does not end a sentence) and not ending a common
/// abbreviation (`e.g.`, `i.e.`, `etc.`, `vs.`, `cf.`).
fn first_sentence_end(text: &str) -> Option<usize> {
    const ABBREVIATIONS: [&str; 5] = ["e.g", "i.e", "etc", "vs", "cf"];
    let mut in_code = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_code = !in_code,
            b'.' if !in_code && bytes.get(i + 1) == Some(&b' ') => {
                let word = text[..i].rsplit([' ', '(']).next().unwrap_or_default();
                if !ABBREVIATIONS.contains(&word.to_ascii_lowercase().as_str()) {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

pub fn doc_lines(docs: &str) -> impl Iterator<Item = &str> {
    docs.lines().map(|l| l.strip_prefix(' ').unwrap_or(l))
}

fn doc_section(docs: &str, heading: &str) -> Option<String> {
    let mut out: Option<Vec<&str>> = None;
    let mut in_fence = false;
    for line in doc_lines(docs) {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if let Some(h) = line.strip_prefix("## ").filter(|_| !in_fence) {
            if out.is_some() {
                break;
            }
            if h.trim() == heading {
                out = Some(Vec::new());
                continue;
            }
        }
        if let Some(o) = out.as_mut() {
            o.push(line);
        }
    }
    out.map(|l| l.join("\n").trim().to_string())
}

/// `PREFIX-NNN` with a prefix of 2 to 8 upper-case letters and exactly three digits.
pub fn is_valid_check_id(id: &str) -> bool {
    let Some((prefix, num)) = id.split_once('-') else {
        return false;
    };
    (2..=8).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && num.len() == 3
        && num.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_prefix_dash_three_digits() {
        assert!(is_valid_check_id("CAP-006"));
        assert!(is_valid_check_id("ACME-100"));
        assert!(!is_valid_check_id("CAP-06"));
        assert!(!is_valid_check_id("cap-006"));
        assert!(!is_valid_check_id("CAP006"));
        assert!(!is_valid_check_id("C-006"));
    }

    #[test]
    fn effort_prints_hours_then_days() {
        assert_eq!(Effort(1).to_string(), "1 hour");
        assert_eq!(Effort(4).to_string(), "4 hours");
        assert_eq!(Effort(8).to_string(), "1 day");
        assert_eq!(Effort(20).to_string(), "3 days");
        assert_eq!(Effort(0).to_string(), "none");
        assert_eq!(Effort(41).to_string(), "2 weeks");
    }

    #[test]
    fn summary_is_first_sentence_of_what_it_checks() {
        let meta = CheckMeta {
            id: "X-001",
            slug: "x",
            category: Category::Safety,
            severity: Severity::Minor,
            tiers: TierMatrix([crate::Requirement::Required; 3]),
            evidence: "D",
            effort: Effort(1),
            version: 1,
            docs: " ## What it checks\n Every dependency has\n a timeout. More text.\n\n ## Why it matters\n Because.",
        };
        assert_eq!(meta.summary(), "Every dependency has a timeout.");
        assert_eq!(meta.section("Why it matters").as_deref(), Some("Because."));
        assert_eq!(meta.section("Nope"), None);
        // A full stop inside a code span or after an abbreviation does not end the sentence.
        let meta = CheckMeta {
            docs: " ## What it checks\n Containers set `securityContext. runAsNonRoot`, e.g. in\n the pod template. Then more.",
            ..meta
        };
        assert_eq!(
            meta.summary(),
            "Containers set `securityContext. runAsNonRoot`, e.g. in the pod template."
        );
    }
}
