//! Runbooks and links: the runbook an alert links, how a link written in the manifest or an
//! alert resolves, and the runbooks of the repository.

use launchgate_evidence::docs::{Document, Resolution, classify};
use launchgate_evidence::prometheus::Rule;
use launchgate_evidence::{Located, ScannedFile};

use crate::CheckContext;

/// The annotations that link an alert's runbook, in order of preference.
pub const RUNBOOK_ANNOTATIONS: [&str; 5] = [
    "runbook_url",
    "runbook",
    "runbook_link",
    "playbook",
    "playbook_url",
];

/// An alert's runbook annotation (key as written, value), by [`RUNBOOK_ANNOTATIONS`] order;
/// keys compare case-insensitively.
pub fn runbook_annotation(rule: &Rule) -> Option<(&str, &Located<String>)> {
    RUNBOOK_ANNOTATIONS.iter().find_map(|want| {
        rule.annotations
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(want))
            .map(|(k, v)| (k.as_str(), v))
    })
}

/// Follows a link written in a manifest or an alert: from the repository root first, then, for
/// a relative link that leads nowhere from there, from the file it is written in (`from`).
pub fn resolve_link<'a>(cx: &CheckContext<'a>, link: &str, from: Option<&str>) -> Resolution<'a> {
    let docs = &cx.evidence.docs;
    let prefixes = &cx.options.runbook_url_prefixes;
    let first = docs.resolve(link, None, prefixes);
    let relative = link.starts_with("./") || link.starts_with("../");
    match (&first, from) {
        (Resolution::NotFound { .. } | Resolution::OutsideRepository, Some(f)) if relative => {
            match docs.resolve(link, Some(f), prefixes) {
                r @ Resolution::Document { .. } => r,
                _ => first,
            }
        }
        _ => first,
    }
}

/// A scanned file (not Markdown) at one of the paths a link was tried as.
pub fn existing_file<'a>(cx: &CheckContext<'a>, tried: &[String]) -> Option<&'a ScannedFile> {
    tried
        .iter()
        .find_map(|t| cx.evidence.files.iter().find(|f| &*f.path == t.as_str()))
}

/// The runbooks of the service: documents linked from its alerts, and documents that are
/// runbooks by place or structure ([`classify::is_runbook`]); by path, each once.
pub fn runbooks<'a>(cx: &CheckContext<'a>) -> Vec<&'a Document> {
    let mut out: Vec<&Document> = Vec::new();
    for rule in cx.evidence.prometheus.service_alerts(&cx.manifest.alerts) {
        if let Some((_, v)) = runbook_annotation(rule)
            && let Resolution::Document { doc, .. } =
                resolve_link(cx, &v.value, Some(&rule.loc.path))
        {
            out.push(doc);
        }
    }
    let sections = classify::SectionNames::new(&cx.options.runbook_sections);
    out.extend(
        cx.evidence
            .docs
            .documents
            .iter()
            .filter(|d| classify::is_runbook(d, &sections)),
    );
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// `path:line` of a location, for messages.
pub fn place(loc: &launchgate_evidence::Loc) -> String {
    format!("{}:{}", loc.path, loc.line)
}
