//! What a document is: a runbook, a rollback procedure, an escalation path, an incident
//! response plan, a post-incident review template. Each recognition is a small function over a
//! [`Document`] that says where it found what it found.

use std::sync::LazyLock;

use launchgate_manifest::RunbookSection;
use regex::Regex;

use super::{CodeBlock, Document, Heading, Section, TextBlock, TextKind};
use crate::Loc;

/// The lowercase words of a text (runs of letters and digits).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `want` occurs in `words` as consecutive words.
pub fn contains_words(words: &[String], want: &[String]) -> bool {
    !want.is_empty() && words.windows(want.len()).any(|w| w == want)
}

/// Whether `text` contains `needle` (lowercase) ignoring ASCII case: a cheap test that rules
/// most texts out before they are split into words.
pub fn contains_ignore_case(text: &str, needle: &str) -> bool {
    let (t, n) = (text.as_bytes(), needle.as_bytes());
    n.is_empty() || t.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether `text` contains one of `phrases` as whole words (case-insensitive).
fn says_any(text: &str, phrases: &[&str]) -> bool {
    let candidates: Vec<&&str> = phrases
        .iter()
        .filter(|p| {
            p.split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty())
                .is_some_and(|first| contains_ignore_case(text, first))
        })
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let w = words(text);
    candidates.iter().any(|p| contains_words(&w, &words(p)))
}

/// Folder names that hold runbooks.
const RUNBOOK_DIRS: [&str; 4] = ["runbook", "runbooks", "playbook", "playbooks"];

/// Whether a document is a runbook: it lives in a `runbook(s)/` or `playbook(s)/` folder (or its
/// file name says runbook or playbook), except a folder's `README.md` / `index.md` (an index);
/// or, wherever it is, its headings name at least three of the required runbook `sections`.
pub fn is_runbook(doc: &Document, sections: &SectionNames<'_>) -> bool {
    let lower = doc.path.to_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let (dirs, file) = parts.split_at(parts.len().saturating_sub(1));
    let file = file.first().copied().unwrap_or("");
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let is_index = matches!(stem, "readme" | "index");
    let in_dir = dirs.iter().any(|d| RUNBOOK_DIRS.contains(d));
    let named = ["runbook", "playbook"].iter().any(|n| stem.contains(n));
    if (in_dir || named) && !is_index {
        return true;
    }
    sections.found(doc).len() >= 3
}

/// The required runbook sections, their names and synonyms split into lowercase words once to
/// match the headings of many documents.
#[derive(Debug)]
pub struct SectionNames<'a> {
    sections: &'a [RunbookSection],
    wanted: Vec<Vec<Vec<String>>>,
}

impl<'a> SectionNames<'a> {
    pub fn new(sections: &'a [RunbookSection]) -> SectionNames<'a> {
        SectionNames {
            sections,
            wanted: sections.iter().map(RunbookSection::wanted).collect(),
        }
    }

    /// The sections a document's headings name, each with the first heading that counts as it
    /// (by [`RunbookSection::matches`]).
    pub fn found<'d>(&self, doc: &'d Document) -> Vec<(&'a RunbookSection, &'d Heading)> {
        // Each heading lowercased, and split when a first word occurs in it, once.
        let lower: Vec<String> = doc.headings.iter().map(|h| h.text.to_lowercase()).collect();
        let mut words: Vec<Option<Vec<String>>> = vec![None; lower.len()];
        let mut found = Vec::new();
        for (s, wanted) in self.sections.iter().zip(&self.wanted) {
            for (h, (l, w)) in doc.headings.iter().zip(lower.iter().zip(words.iter_mut())) {
                if RunbookSection::names_in(wanted, l, w) {
                    found.push((s, h));
                    break;
                }
            }
        }
        found
    }
}

/// A written rollback procedure: where it is and its commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackProcedure<'a> {
    /// The heading about rolling back, or `None` when the whole document is about it.
    pub heading: Option<&'a Heading>,
    /// The command blocks of the procedure.
    pub commands: Vec<&'a CodeBlock>,
}

impl RollbackProcedure<'_> {
    /// Where the procedure starts.
    pub fn loc<'b>(&'b self, doc: &'b Document) -> &'b Loc {
        self.heading.map_or_else(|| doc.title_loc(), |h| &h.loc)
    }
}

const ROLLBACK: [&str; 7] = [
    "rollback",
    "roll back",
    "rolling back",
    "roll-back",
    "revert",
    "undo the deploy",
    "undo a deploy",
];

/// Whether a text is about rolling back (rollback, roll back, revert).
pub fn about_rollback(text: &str) -> bool {
    says_any(text, &ROLLBACK)
}

/// The rollback procedure of a document: the first heading about rolling back (rollback, roll
/// back, revert) whose section has a copy-paste command block; or, when the document itself is
/// about rolling back (title or file name), its command blocks. `None` without commands: a
/// procedure that only says "roll back" is not a procedure.
pub fn rollback_procedure(doc: &Document) -> Option<RollbackProcedure<'_>> {
    for (h, s) in doc.headings.iter().zip(&doc.sections) {
        if about_rollback(&h.text) {
            let commands: Vec<&CodeBlock> =
                doc.code_blocks_in(s).filter(|c| c.is_command()).collect();
            if !commands.is_empty() {
                return Some(RollbackProcedure {
                    heading: Some(h),
                    commands,
                });
            }
        }
    }
    let file = doc.path.rsplit('/').next().unwrap_or("");
    let titled = doc.title.as_ref().is_some_and(|t| about_rollback(&t.value));
    if titled || about_rollback(file) {
        let commands: Vec<&CodeBlock> = doc.command_blocks().collect();
        if !commands.is_empty() {
            return Some(RollbackProcedure {
                heading: None,
                commands,
            });
        }
    }
    None
}

/// One step of a written escalation path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationStep<'a> {
    /// The list item, table row or arrow-separated part.
    pub text: String,
    /// Whether the step says how to reach them: a handle (`@lead`), a channel (`#incidents`),
    /// a phone number, an email address, a pager or chat tool, or a link.
    pub reachable: bool,
    pub block: &'a TextBlock,
}

/// A written escalation path: an escalation heading and the ordered steps under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPath<'a> {
    pub heading: &'a Heading,
    pub steps: Vec<EscalationStep<'a>>,
}

static TIER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(l[1-4]|level [1-4]|tier [1-4]|primary|secondary|tertiary|first|second|third|then|lead|manager|director|head of|cto|vp)(?-u:\b)").ok()
});

static CONTACT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(^|[\s(|])[@#][[:word:]-]|\+?[[:digit:]][[:digit:] ()-]{7,}[[:digit:]]|[[:word:].+-]+@[[:word:]-]+\.[[:word:].]+|(?-u:\b)(pagerduty|opsgenie|victorops|slack|teams|phone|page|pager|email|e-mail|zoom)(?-u:\b)|https?://|mailto:|tel:",
    )
    .ok()
});

static ARROW: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s*(?:->|→|=>|⟶|>>)\s*").ok());

fn matches(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// Whether a text says how to reach someone (see [`EscalationStep::reachable`]).
pub fn reachable(text: &str) -> bool {
    matches(&CONTACT, text)
}

/// Whether a heading is about escalating (`Escalation`, `Escalate`, `Escalation policy`,
/// `Who to call`).
pub fn about_escalation(text: &str) -> bool {
    (contains_ignore_case(text, "escalat") && words(text).iter().any(|w| w.starts_with("escalat")))
        || says_any(text, &["who to call"])
}

/// The escalation path of a document: the first escalation heading whose section lists at least
/// two steps in order: ordered list items, table rows (not the header), items or rows naming
/// tiers (L1/L2/L3, primary/secondary, lead), or one line of steps joined by arrows
/// (`L1 on-call -> L2 payments-eng -> engineering lead`). When several headings qualify (a
/// title and a subsection), the narrowest section is the path. A heading with a single step
/// is returned with it when no heading has more, so a check can say the path has one level.
pub fn escalation_path(doc: &Document) -> Option<EscalationPath<'_>> {
    let mut best: Option<(usize, EscalationPath<'_>)> = None;
    let mut single: Option<EscalationPath<'_>> = None;
    for (h, s) in doc.headings.iter().zip(&doc.sections) {
        if !about_escalation(&h.text) {
            continue;
        }
        let steps = escalation_steps(doc, s);
        let size = s.end - s.start;
        if steps.len() >= 2 {
            // The narrowest section wins: `## Escalation path` under `# Payments escalation`.
            if best.as_ref().is_none_or(|(b, _)| size < *b) {
                best = Some((size, EscalationPath { heading: h, steps }));
            }
        } else if single.is_none() && !steps.is_empty() {
            single = Some(EscalationPath { heading: h, steps });
        }
    }
    best.map(|(_, p)| p).or(single)
}

fn escalation_steps<'a>(doc: &'a Document, s: &'a Section) -> Vec<EscalationStep<'a>> {
    let blocks: Vec<&TextBlock> = doc.blocks_in(s).collect();
    let step = |text: &str, b: &'a TextBlock| {
        let has_link = doc.links.iter().any(|l| {
            l.loc.start >= b.loc.start && l.loc.start < b.loc.end && !l.target.starts_with('#')
        });
        EscalationStep {
            text: text.to_string(),
            reachable: reachable(text) || has_link,
            block: b,
        }
    };
    let ordered: Vec<EscalationStep<'a>> = blocks
        .iter()
        .filter(|b| b.kind == TextKind::ListItem { ordered: true })
        .map(|b| step(&b.text, b))
        .collect();
    if ordered.len() >= 2 {
        return ordered;
    }
    let rows: Vec<EscalationStep<'a>> = blocks
        .iter()
        .filter(|b| b.kind == TextKind::TableRow { header: false })
        .map(|b| step(&b.text, b))
        .collect();
    if rows.len() >= 2 {
        return rows;
    }
    let tiered: Vec<EscalationStep<'a>> = blocks
        .iter()
        .filter(|b| matches!(b.kind, TextKind::ListItem { .. }) && matches(&TIER, &b.text))
        .map(|b| step(&b.text, b))
        .collect();
    if tiered.len() >= 2 {
        return tiered;
    }
    if let Some(re) = ARROW.as_ref() {
        // Every arrow holds `>` or starts with byte 0xE2 (`→`, `⟶`): most blocks hold neither.
        for b in blocks
            .iter()
            .filter(|b| memchr::memchr2(b'>', 0xE2, b.text.as_bytes()).is_some())
        {
            let parts: Vec<&str> = re.split(&b.text).map(str::trim).collect();
            if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty()) {
                return parts.iter().map(|p| step(p, b)).collect();
            }
        }
    }
    let mut one = ordered;
    if one.is_empty() {
        one = rows;
    }
    if one.is_empty() {
        one = tiered;
    }
    one
}

/// A written incident response plan: the heading that names it and the severity levels it
/// defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentPlan<'a> {
    pub heading: &'a Heading,
    /// The distinct severity levels written (`SEV1`, `P2`...), normalised to upper case
    /// without separators, in order of first appearance.
    pub severities: Vec<String>,
}

static PLAN_HEADING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)incidents?(?-u:\b).*(?-u:\b)(response|management|process|handling|plan|procedures?|playbook|lifecycle|command|severit(y|ies))(?-u:\b)").ok()
});

static SEVERITY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(sev|p|severity)[ -]?([0-5])(?-u:\b)").ok());

/// The severity levels a text names (`SEV-1`, `sev 2`, `P1`, `Severity 3`), normalised
/// (`SEV1`, `P1`).
pub fn severity_levels(text: &str) -> Vec<String> {
    let Some(re) = SEVERITY.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .map(|c| {
            let prefix = c[1].to_ascii_uppercase();
            let prefix = if prefix == "SEVERITY" { "SEV" } else { &prefix };
            format!("{prefix}{}", &c[2])
        })
        .collect()
}

/// The incident response plan of a document: a heading about incident response (incident
/// response, management, process, handling, severity levels...) and at least two distinct
/// severity levels (`SEV1`/`SEV-1`, `P1`...) written in the document.
pub fn incident_response_plan(doc: &Document) -> Option<IncidentPlan<'_>> {
    let heading = doc
        .headings
        .iter()
        .find(|h| matches(&PLAN_HEADING, &h.text))?;
    let mut severities: Vec<String> = Vec::new();
    let texts = doc
        .headings
        .iter()
        .map(|h| (h.loc.start, h.text.as_str()))
        .chain(doc.blocks.iter().map(|b| (b.loc.start, b.text.as_str())));
    let mut texts: Vec<(usize, &str)> = texts.collect();
    texts.sort_by_key(|(s, _)| *s);
    for (_, t) in texts {
        for level in severity_levels(t) {
            if !severities.contains(&level) {
                severities.push(level);
            }
        }
    }
    (severities.len() >= 2).then_some(IncidentPlan {
        heading,
        severities,
    })
}

/// A post-incident review (postmortem) template or record: where it is named and which of the
/// template's sections it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewTemplate<'a> {
    /// Where the document says it is a review: its title or first such heading; `None` when
    /// only the file name says so.
    pub heading: Option<&'a Heading>,
    /// The template sections found, by name.
    pub found: Vec<&'static str>,
    /// The template sections missing, by name.
    pub missing: Vec<&'static str>,
}

impl ReviewTemplate<'_> {
    /// Whether it has every template section.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// Where the review starts.
    pub fn loc<'b>(&'b self, doc: &'b Document) -> &'b Loc {
        self.heading.map_or_else(|| doc.title_loc(), |h| &h.loc)
    }
}

const REVIEW: [&str; 9] = [
    "postmortem",
    "post mortem",
    "post incident review",
    "post incident",
    "incident review",
    "retrospective",
    "retro",
    "incident report",
    "root cause analysis",
];

/// The sections a post-incident review template needs, with the heading words that count.
pub const REVIEW_SECTIONS: [(&str, &[&str]); 3] = [
    (
        "timeline",
        &["timeline", "chronology", "sequence of events"],
    ),
    (
        "root cause",
        &[
            "root cause",
            "root causes",
            "contributing factors",
            "causes",
            "what went wrong",
            "five whys",
            "5 whys",
        ],
    ),
    (
        "action items",
        &[
            "action items",
            "actions",
            "follow up",
            "follow ups",
            "followups",
            "corrective actions",
            "next steps",
            "remediation items",
        ],
    ),
];

/// Whether a text names a post-incident review (postmortem, post-mortem, post-incident
/// review, retrospective, incident report, root cause analysis).
pub fn about_review(text: &str) -> bool {
    says_any(text, &REVIEW)
}

/// The post-incident review template of a document: the document is a review by its title,
/// a heading or its file name (`postmortem-template.md`), with the template sections
/// ([`REVIEW_SECTIONS`]: timeline, root cause, action items) it has as headings. `None` when
/// nothing names a review, or when it has none of the sections.
pub fn review_template(doc: &Document) -> Option<ReviewTemplate<'_>> {
    let heading = doc.headings.iter().find(|h| about_review(&h.text));
    let file = doc.path.rsplit('/').next().unwrap_or("");
    if heading.is_none() && !about_review(file) {
        return None;
    }
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (name, synonyms) in REVIEW_SECTIONS {
        if doc.headings.iter().any(|h| says_any(&h.text, synonyms)) {
            found.push(name);
        } else {
            missing.push(name);
        }
    }
    (!found.is_empty()).then_some(ReviewTemplate {
        heading,
        found,
        missing,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::Source;
    use launchgate_manifest::default_runbook_sections;

    fn doc(path: &str, text: &str) -> Document {
        super::super::markdown::read(&Source::new(path, text))
    }

    #[test]
    fn runbooks_by_folder_name_or_sections() {
        let sections = default_runbook_sections();
        let s = SectionNames::new(&sections);
        assert!(is_runbook(
            &doc("docs/runbooks/high-error-rate.md", "# x\n"),
            &s
        ));
        assert!(is_runbook(&doc("ops/Playbooks/queue.md", "# x\n"), &s));
        assert!(is_runbook(&doc("docs/payments-runbook.md", "# x\n"), &s));
        assert!(!is_runbook(
            &doc("docs/runbooks/README.md", "# Index\n"),
            &s
        ));
        assert!(!is_runbook(
            &doc("docs/design.md", "# Design\n## Overview\n"),
            &s
        ));
        let structured = "# Queue backlog\n## Impact\n## Triage\n## Mitigation\n";
        assert!(is_runbook(&doc("docs/queue.md", structured), &s));
        let found: Vec<(&str, u32)> = s
            .found(&doc("docs/queue.md", structured))
            .iter()
            .map(|(s, h)| (s.name.as_str(), h.loc.line))
            .collect();
        assert_eq!(found, vec![("context", 2), ("assess", 3), ("mitigate", 4)]);
    }

    #[test]
    fn rollback_procedure_needs_a_rollback_heading_or_title_and_commands() {
        let d = doc(
            "docs/deploy.md",
            "# Deploying\n\n## Release\n\n```bash\nmake release\n```\n\n## Roll back a bad deploy\n\n```bash\nkubectl rollout undo deployment/api\n```\n",
        );
        let r = rollback_procedure(&d).unwrap();
        assert_eq!(r.heading.map(|h| h.loc.line), Some(9));
        assert_eq!(r.commands.len(), 1);
        assert_eq!(r.commands[0].loc.line, 11);
        // A rollback heading without commands is no procedure.
        let d = doc(
            "docs/deploy.md",
            "# Deploying\n\n## Rollback\n\nAsk the team.\n",
        );
        assert!(rollback_procedure(&d).is_none());
        // A title about rolling back covers the whole document.
        let d = doc(
            "docs/runbooks/revert.md",
            "# How to revert\n\n## Steps\n\n```console\n$ helm rollback payments 41\n```\n",
        );
        let r = rollback_procedure(&d).unwrap();
        assert_eq!((r.loc(&d).line, r.commands[0].loc.line), (1, 5));
        // A file named for rollback: its commands anywhere.
        let d = doc(
            "docs/runbooks/rollback.md",
            "# Payments API\n\n## Steps\n\n```console\n$ helm rollback payments 41\n```\n",
        );
        let r = rollback_procedure(&d).unwrap();
        assert_eq!((r.heading, r.loc(&d).line), (None, 1));
    }

    #[test]
    fn escalation_path_from_ordered_lists_tables_tiers_or_arrows() {
        let d = doc(
            "docs/oncall.md",
            "# On-call\n\n## Escalation\n\n1. Primary on-call: page via PagerDuty `payments-primary`\n2. Secondary: @payments-secondary\n3. Engineering lead\n",
        );
        let p = escalation_path(&d).unwrap();
        assert_eq!(p.heading.loc.line, 3);
        let got: Vec<(u32, bool)> = p
            .steps
            .iter()
            .map(|s| (s.block.loc.line, s.reachable))
            .collect();
        assert_eq!(got, vec![(5, true), (6, true), (7, false)]);

        let d = doc(
            "docs/oncall.md",
            "## Escalation policy\n\n| Level | Who | Reach |\n|---|---|---|\n| L1 | on-call | #payments-oncall |\n| L2 | payments-eng | +44 20 7946 0018 |\n",
        );
        let p = escalation_path(&d).unwrap();
        let got: Vec<(&str, u32)> = p
            .steps
            .iter()
            .map(|s| (s.text.as_str(), s.block.loc.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("L1 | on-call | #payments-oncall", 5),
                ("L2 | payments-eng | +44 20 7946 0018", 6)
            ]
        );

        let d = doc(
            "README.md",
            "## Who to call\n\nL1 on-call -> L2 payments-eng → lead\n",
        );
        let p = escalation_path(&d).unwrap();
        let got: Vec<&str> = p.steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(got, vec!["L1 on-call", "L2 payments-eng", "lead"]);

        let d = doc(
            "README.md",
            "## Escalation\n\n- Primary: @payments-oncall\n- Secondary: @payments-lead\n",
        );
        assert_eq!(escalation_path(&d).unwrap().steps.len(), 2);

        // The narrowest qualifying section wins over the title's.
        let d = doc(
            "docs/escalation.md",
            "# Escalation\n\nIntro.\n\n## Escalation order\n\n1. @primary\n2. @lead\n",
        );
        assert_eq!(escalation_path(&d).unwrap().heading.loc.line, 5);

        // One step is returned as one step; no escalation heading, no path.
        let d = doc("README.md", "## Escalation\n\n1. Ask in #payments\n");
        assert_eq!(escalation_path(&d).unwrap().steps.len(), 1);
        assert!(escalation_path(&doc("README.md", "## Contacts\n\n1. a\n2. b\n")).is_none());
    }

    #[test]
    fn incident_plan_needs_a_heading_and_two_severity_levels() {
        let d = doc(
            "docs/incident-response.md",
            "# Incident response\n\n## Severity levels\n\n| Level | Meaning |\n|---|---|\n| SEV-1 | outage |\n| SEV-2 | degraded |\n| sev 1 | again |\n",
        );
        let p = incident_plan_of(&d);
        assert_eq!(p, Some((1, vec!["SEV1".to_string(), "SEV2".to_string()])));
        let d = doc(
            "docs/incident.md",
            "# Incident process\n\nEverything is a P1.\n",
        );
        assert_eq!(incident_plan_of(&d), None);
        let d = doc("docs/x.md", "# Notes\n\nP1 and P2 exist.\n");
        assert_eq!(incident_plan_of(&d), None);
        assert_eq!(
            severity_levels("Sev1, SEV-2, p3, severity 4, P10, sp1"),
            vec!["SEV1", "SEV2", "P3", "SEV4"]
        );
    }

    fn incident_plan_of(d: &Document) -> Option<(u32, Vec<String>)> {
        incident_response_plan(d).map(|p| (p.heading.loc.line, p.severities))
    }

    #[test]
    fn review_templates_by_name_with_their_sections() {
        let d = doc(
            "docs/templates/postmortem.md",
            "# Post-incident review: <title>\n\n## Summary\n\n## Timeline\n\n## Contributing factors\n\n## Action items\n",
        );
        let t = review_template(&d).unwrap();
        assert_eq!(t.heading.map(|h| h.loc.line), Some(1));
        assert!(t.complete());
        let d = doc(
            "docs/postmortem-template.md",
            "# Template\n\n## Timeline\n\n## Impact\n",
        );
        let t = review_template(&d).unwrap();
        assert_eq!(
            (t.heading, t.found.clone(), t.missing.clone()),
            (None, vec!["timeline"], vec!["root cause", "action items"])
        );
        assert!(review_template(&doc("docs/retro.md", "# Retro\n\nNotes.\n")).is_none());
        assert!(review_template(&doc("docs/x.md", "# Timeline\n")).is_none());
    }
}
