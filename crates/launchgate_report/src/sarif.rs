//! SARIF 2.1.0 (`--format sarif`) for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers),
//! and what every CI format shares: [`CiOptions`], the sites a check reports, paths and
//! fingerprints.
//!
//! One run. `tool.driver.rules` is the whole built-in catalog, so a viewer can explain any rule;
//! results are the FAIL, WARN and WAIVED checks, one result per finding, each with one location.
//! WAIVED results carry an accepted external suppression, so code scanning shows them as
//! dismissed, not open.

use std::collections::{BTreeMap, HashMap};

use launchgate_core::{Category, CheckMeta, Location, Requirement, Severity, Status};
use launchgate_policy::CheckResult;
use serde_json::{Value, json};

use crate::Review;

/// The `$schema` written into SARIF logs: the OASIS schema of SARIF 2.1.0 (errata 01).
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of launchgate's own entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "launchgate/v1";

/// What the CI formats (SARIF, JUnit, GitHub, GitLab) need besides the review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiOptions {
    /// The exit code launchgate returns for this review (SARIF `invocations[0].exitCode`).
    pub exit_code: i32,
    /// Put before every repository-relative path: the reviewed directory relative to the root
    /// of its Git repository (e.g. `services/payment/`), because code scanning, workflow
    /// annotations and GitLab resolve paths from the repository root. Empty when the reviewed
    /// directory is that root (or not in a Git repository).
    pub path_prefix: String,
    /// Where the generated check pages (`docs/checks/<ID>.md`) are published, e.g.
    /// `https://github.com/acme/launchgate/blob/v1.4.0/docs/checks` (`--docs-url`). Links
    /// (SARIF `helpUri`, `informationUri`, the JUnit "More:" line) appear only when it is set; every
    /// format carries the check's own documentation either way.
    pub docs_url: Option<String>,
    /// The organisation's custom checks (Rego) of this review: described as SARIF rules from
    /// their own documentation, like the built-in catalog.
    pub custom_rules: Vec<launchgate_core::CheckMeta>,
}

impl CiOptions {
    /// `path` (repository-relative, `/`-separated) as the CI system sees it.
    pub fn path(&self, path: &str) -> String {
        let prefix = self.path_prefix.trim_end_matches('/');
        let path = path.trim_start_matches("./");
        if prefix.is_empty() {
            path.to_string()
        } else if path.is_empty() || path == "." {
            prefix.to_string()
        } else {
            format!("{prefix}/{path}")
        }
    }
}

/// One place a check reports: a finding, or for a check without findings (an attested WARN,
/// an inconclusive FAIL) the check's own message at its first piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site<'a> {
    pub message: &'a str,
    /// `None`: the finding has no place in the repository; formats point at the manifest.
    pub location: Option<&'a Location>,
    pub resource: Option<&'a str>,
    /// Other places that matter (a contradicted claim, the rest of the evidence).
    pub related: Vec<&'a Location>,
}

/// The sites of a FAIL, WARN or WAIVED check, in the check's order; never empty.
pub(crate) fn sites(check: &CheckResult) -> Vec<Site<'_>> {
    if check.findings.is_empty() {
        // What the code accepted is a result of its own (`accepted_sites`).
        let mut located = check
            .evidence
            .iter()
            .filter(|e| e.accepted.is_none())
            .filter_map(|e| e.location.as_ref());
        let location = located.next();
        let mut related: Vec<&Location> = located.collect();
        related.dedup();
        return vec![Site {
            message: &check.message,
            location,
            resource: None,
            related,
        }];
    }
    check
        .findings
        .iter()
        .map(|f| {
            let mut related: Vec<&Location> = f
                .related
                .iter()
                .filter(|r| Some(*r) != f.location.as_ref())
                .collect();
            related.sort();
            related.dedup();
            Site {
                message: &f.message,
                location: f.location.as_ref(),
                resource: f.resource.as_deref(),
                related,
            }
        })
        .collect()
}

/// A site's message without the waiver the policy wrote into a waived check's own message
/// (`waived until E (K): R; was FAIL: ...`): the CI formats state the waiver once, in their own
/// place (an annotation's note, a SARIF suppression). Other messages are returned unchanged.
pub(crate) fn unwaived<'a>(check: &CheckResult, message: &'a str) -> &'a str {
    let Some(w) = check
        .waiver
        .as_ref()
        .filter(|_| check.status == Status::Waived)
    else {
        return message;
    };
    let prefix = format!(
        "waived until {} ({}): {}; was {}: ",
        w.expires,
        w.kind,
        w.reason.trim().trim_end_matches('.'),
        w.original_status.label()
    );
    message.strip_prefix(prefix.as_str()).unwrap_or(message)
}

/// The checks the CI formats report (FAIL, WARN, WAIVED), in review order.
pub(crate) fn reported(review: &Review) -> impl Iterator<Item = &CheckResult> {
    review
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn | Status::Waived))
}

/// Stable fingerprints for the sites of one check: SHA-256 of the service, check ID, path
/// (relative to the reviewed directory, so where launchgate runs from does not matter),
/// resource and the ordinal among sites that share all of those. Line numbers and messages
/// are left out on purpose: messages carry dates ("173 days ago") and lines move with
/// unrelated edits, and neither makes a finding a new one.
pub(crate) fn fingerprints(
    review: &Review,
    check: &CheckResult,
    sites: &[Site<'_>],
) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let mut seen: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    sites
        .iter()
        .map(|s| {
            let path = s.location.map_or(review.manifest.as_str(), |l| &l.path);
            let n = seen.entry((path, s.resource)).or_insert(0);
            *n += 1;
            let key = format!(
                "{}\0{}\0{}\0{}\0{}",
                review.service,
                check.id,
                path,
                s.resource.unwrap_or_default(),
                n
            );
            crate::hex(&Sha256::digest(key.as_bytes()))
        })
        .collect()
}

/// The generated documentation page of a check (`docs/checks/<ID>.md`, written by
/// `cargo xtask generate` from [`crate::docs::check_page`]) under the published docs folder
/// `base`, anchored at its title.
pub fn check_docs_url(base: &str, id: &str, slug: &str) -> String {
    format!(
        "{}/{id}.md#{}",
        base.trim_end_matches('/'),
        launchgate_evidence::docs::slug(&format!("{id} {slug}"))
    )
}

/// A check's help from its documentation: "What it checks", "Why it matters" and "How to fix",
/// as Markdown (`##` headings) and as plain text (headings as lines of their own).
pub(crate) fn check_help(m: &CheckMeta) -> (String, String) {
    use std::fmt::Write as _;
    let mut markdown = String::new();
    let mut text = String::new();
    for heading in ["What it checks", "Why it matters", "How to fix"] {
        if let Some(body) = m.section(heading) {
            let body = body.trim();
            if !markdown.is_empty() {
                markdown.push_str("\n\n");
                text.push_str("\n\n");
            }
            let _ = write!(markdown, "## {heading}\n\n{body}");
            let _ = write!(text, "{heading}:\n{body}");
        }
    }
    (text, markdown)
}

/// The "How to fix" section of a built-in check's documentation.
pub(crate) fn how_to_fix(id: &str) -> Option<String> {
    launchgate_checks::builtin()
        .iter()
        .map(|c| c.meta())
        .find(|m| m.id == id)
        .and_then(|m| m.section("How to fix"))
}

/// A repository-relative path as a relative URI reference: every byte outside the unreserved
/// set and `/` percent-encoded (spaces, `#`, `?`, `%`, non-ASCII).
pub fn uri_path(path: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn level(status: Status) -> &'static str {
    match status {
        Status::Fail => "error",
        Status::Warn => "warning",
        _ => "note",
    }
}

fn default_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocker | Severity::Major => "error",
        Severity::Minor => "warning",
    }
}

/// GitHub's `security-severity` (a CVSS-like score) for security checks.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocker => "9.0",
        Severity::Major => "7.0",
        Severity::Minor => "4.0",
    }
}

fn requirement_word(r: Requirement) -> &'static str {
    match r {
        Requirement::Required => "required",
        Requirement::Recommended => "recommended",
        Requirement::Skipped => "skipped",
    }
}

fn text(s: &str) -> Value {
    json!({ "text": s })
}

fn rule_properties(category: Category, severity: Severity, tiers: Option<Value>) -> Value {
    let mut props = serde_json::Map::new();
    props.insert("category".into(), json!(category.key()));
    props.insert("severity".into(), json!(severity.key()));
    if let Some(t) = tiers {
        props.insert("tiers".into(), t);
    }
    props.insert(
        "tags".into(),
        json!(["production-readiness", category.key()]),
    );
    if category == Category::Security {
        props.insert(
            "security-severity".into(),
            json!(security_severity(severity)),
        );
    }
    Value::Object(props)
}

/// A `reportingDescriptor` for a catalog check.
fn rule(m: &CheckMeta, opts: &CiOptions) -> Value {
    let summary = m.summary();
    let what = m
        .section("What it checks")
        .unwrap_or_else(|| summary.clone());
    let (help_text, help_markdown) = check_help(m);
    let tiers = json!({
        "0": requirement_word(m.tiers.0[0]),
        "1": requirement_word(m.tiers.0[1]),
        "2": requirement_word(m.tiers.0[2]),
    });
    let mut rule = json!({
        "id": m.id,
        "name": m.slug,
        "shortDescription": text(&summary),
        "fullDescription": { "text": what, "markdown": what },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": default_level(m.severity) },
        "properties": rule_properties(m.category, m.severity, Some(tiers)),
    });
    if let Some(base) = &opts.docs_url {
        rule["helpUri"] = json!(check_docs_url(base, m.id, m.slug));
    }
    rule
}

/// A rule for a check the catalog does not know (a review read from another launchgate).
fn rule_of_result(c: &CheckResult, opts: &CiOptions) -> Value {
    let help = format!("{}: {}", c.title, c.message);
    let mut rule = json!({
        "id": c.id,
        "name": c.slug,
        "shortDescription": text(&c.title),
        "help": { "text": help, "markdown": help },
        "defaultConfiguration": { "level": default_level(c.severity) },
        "properties": rule_properties(c.category, c.severity, None),
    });
    if let Some(base) = &opts.docs_url {
        rule["helpUri"] = json!(check_docs_url(base, &c.id, &c.slug));
    }
    rule
}

fn physical(opts: &CiOptions, loc: Option<&Location>, manifest: &str) -> Value {
    let path = opts.path(loc.map_or(manifest, |l| &l.path));
    let mut physical = serde_json::Map::new();
    physical.insert(
        "artifactLocation".into(),
        json!({ "uri": uri_path(&path), "uriBaseId": "%SRCROOT%" }),
    );
    // Every location has a region (GitHub code scanning needs one): a finding about a whole
    // file, or about the service with no place at all, points at the file's first line.
    let mut region = serde_json::Map::new();
    match loc.filter(|l| l.line > 0) {
        Some(l) => {
            region.insert("startLine".into(), json!(l.line));
            if l.column > 0 {
                region.insert("startColumn".into(), json!(l.column));
            }
        }
        None => {
            region.insert("startLine".into(), json!(1));
        }
    }
    physical.insert("region".into(), Value::Object(region));
    Value::Object(physical)
}

fn location(opts: &CiOptions, loc: Option<&Location>, manifest: &str) -> Value {
    json!({ "physicalLocation": physical(opts, loc, manifest) })
}

fn suppression(c: &CheckResult, opts: &CiOptions, manifest: &str) -> Option<Value> {
    let w = c.waiver.as_ref()?;
    let mut props = serde_json::Map::new();
    props.insert("waiverKind".into(), json!(w.kind));
    props.insert("expires".into(), json!(w.expires));
    if let Some(a) = &w.approved_by {
        props.insert("approvedBy".into(), json!(a));
    }
    if let Some(t) = &w.ticket {
        props.insert("ticket".into(), json!(t));
    }
    let mut s = serde_json::Map::new();
    s.insert("kind".into(), json!("external"));
    s.insert("status".into(), json!("accepted"));
    s.insert("justification".into(), json!(w.reason));
    if let Some(l) = &w.location {
        s.insert("location".into(), location(opts, Some(l), manifest));
    }
    s.insert("properties".into(), Value::Object(props));
    Some(Value::Object(s))
}

/// The findings of a check that the code accepted with a comment, as sites, with the comment.
fn accepted_sites(check: &CheckResult) -> Vec<(Site<'_>, &str)> {
    check
        .evidence
        .iter()
        .filter_map(|f| {
            let comment = f.accepted.as_deref()?;
            let site = Site {
                message: &f.message,
                location: f.location.as_ref(),
                resource: f.resource.as_deref(),
                related: f.related.iter().collect(),
            };
            Some((site, comment))
        })
        .collect()
}

fn results(review: &Review, opts: &CiOptions, rule_index: &BTreeMap<String, usize>) -> Vec<Value> {
    let mut out = Vec::new();
    for c in &review.checks {
        let Some(&index) = rule_index.get(&c.id) else {
            continue;
        };
        let reported = matches!(c.status, Status::Fail | Status::Warn | Status::Waived);
        let effective = match (&c.waiver, c.status) {
            (Some(w), Status::Waived) => w.original_status,
            (None, Status::Waived) => Status::Warn,
            (_, s) => s,
        };
        // What the code accepted is a result suppressed in the source, whatever the check's
        // status, so that code scanning shows it as accepted rather than not at all.
        let accepted = accepted_sites(c);
        let mut sites = if reported { sites(c) } else { Vec::new() };
        let failing = sites.len();
        sites.extend(accepted.iter().map(|(site, _)| site.clone()));
        // One set of fingerprints over both, so that no two results share one.
        let prints = fingerprints(review, c, &sites);
        for (i, (site, print)) in sites.iter().zip(prints).enumerate() {
            let comment = i
                .checked_sub(failing)
                .and_then(|k| accepted.get(k))
                .map(|(_, comment)| *comment);
            let mut r = serde_json::Map::new();
            r.insert("ruleId".into(), json!(c.id));
            r.insert("ruleIndex".into(), json!(index));
            let level = match comment {
                Some(_) => default_level(c.severity),
                None => level(effective),
            };
            r.insert("level".into(), json!(level));
            r.insert("message".into(), text(unwaived(c, site.message)));
            r.insert(
                "locations".into(),
                json!([location(opts, site.location, &review.manifest)]),
            );
            if !site.related.is_empty() {
                let related: Vec<Value> = site
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut v = location(opts, Some(l), &review.manifest);
                        v["id"] = json!(i);
                        v
                    })
                    .collect();
                r.insert("relatedLocations".into(), Value::Array(related));
            }
            r.insert(
                "partialFingerprints".into(),
                json!({ FINGERPRINT_KEY: print }),
            );
            if let Some(comment) = comment {
                r.insert(
                    "suppressions".into(),
                    json!([{ "kind": "inSource", "status": "accepted", "justification": comment }]),
                );
            } else if let Some(s) = suppression(c, opts, &review.manifest) {
                r.insert("suppressions".into(), json!([s]));
            } else if c.status == Status::Waived {
                r.insert(
                    "suppressions".into(),
                    json!([{ "kind": "external", "status": "accepted" }]),
                );
            }
            let mut props = serde_json::Map::new();
            props.insert("status".into(), json!(c.status.label()));
            props.insert("severity".into(), json!(c.severity.key()));
            props.insert("category".into(), json!(c.category.key()));
            props.insert("blocking".into(), json!(c.blocking));
            props.insert("inconclusive".into(), json!(c.inconclusive));
            if let Some(res) = site.resource {
                props.insert("resource".into(), json!(res));
            }
            r.insert("properties".into(), Value::Object(props));
            out.push(Value::Object(r));
        }
    }
    out
}

/// Scan problems as tool execution notifications: files that could not be parsed (the checks
/// that needed them are inconclusive) and files recognised but not evaluated.
fn notifications(review: &Review, opts: &CiOptions) -> Vec<Value> {
    let Some(scan) = &review.scan else {
        return Vec::new();
    };
    let errors = scan.errors.iter().map(|e| ("warning", e));
    let skipped = scan.not_evaluated.iter().map(|e| ("note", e));
    errors
        .chain(skipped)
        .map(|(level, e)| {
            json!({
                "locations": [location(opts, Some(&e.location), &review.manifest)],
                "message": text(&e.message),
                "level": level,
            })
        })
        .collect()
}

/// The review as a SARIF 2.1.0 log (pretty JSON with a trailing newline). Deterministic: the
/// same review and options give the same bytes.
pub fn render_sarif(review: &Review, opts: &CiOptions) -> String {
    let review = &*crate::safe::redacted(review);
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    for c in launchgate_checks::builtin() {
        let m = c.meta();
        rule_index.insert(m.id.to_string(), rules.len());
        rules.push(rule(m, opts));
    }
    for m in &opts.custom_rules {
        if !rule_index.contains_key(m.id) {
            rule_index.insert(m.id.to_string(), rules.len());
            rules.push(rule(m, opts));
        }
    }
    for c in reported(review) {
        if !rule_index.contains_key(&c.id) {
            rule_index.insert(c.id.clone(), rules.len());
            rules.push(rule_of_result(c, opts));
        }
    }
    let results = results(review, opts, &rule_index);
    let mut invocation = serde_json::Map::new();
    invocation.insert("executionSuccessful".into(), json!(true));
    invocation.insert("exitCode".into(), json!(opts.exit_code));
    let notes = notifications(review, opts);
    if !notes.is_empty() {
        invocation.insert("toolExecutionNotifications".into(), Value::Array(notes));
    }
    let mut driver = json!({
        "name": review.tool.name,
        "version": review.tool.version,
        "semanticVersion": review.tool.version,
        "rules": rules,
    });
    if let Some(base) = &opts.docs_url {
        driver["informationUri"] = json!(base);
    }
    let mut log = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "automationDetails": { "id": format!("launchgate/{}/", review.service) },
            "originalUriBaseIds": {
                "%SRCROOT%": {
                    "description": text("The root of the repository that holds the reviewed service.")
                }
            },
            "invocations": [Value::Object(invocation)],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "service": review.service,
                "tier": review.tier,
                "manifest": opts.path(&review.manifest),
                "evaluatedOn": review.evaluated_on,
                "decision": review.decision.key(),
                "computedDecision": review.computed_decision.key(),
                "score": review.score,
                "passRate": review.pass_rate,
                "counts": review.counts,
                "contentHash": review.content_hash,
            }
        }]
    });
    if let Some(scope) = scope_properties(review, opts) {
        log["runs"][0]["properties"]["scope"] = scope;
    }
    crate::safe::json_escape_c1(serde_json::to_string_pretty(&log).unwrap_or_default()) + "\n"
}

/// What the review left out (each path with its rule and file count) and what it chose, as
/// run properties; `None` when there is neither.
fn scope_properties(review: &Review, opts: &CiOptions) -> Option<Value> {
    let scan = review.scan.as_ref()?;
    if scan.excluded.is_empty() && scan.choices.is_empty() {
        return None;
    }
    let excluded: Vec<Value> = scan
        .excluded
        .iter()
        .map(|e| json!({ "path": opts.path(&e.path), "rule": e.rule, "files": e.files }))
        .collect();
    Some(json!({ "excluded": excluded, "choices": scan.choices }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use launchgate_evidence::docs::slug;

    #[test]
    fn anchors_follow_github_heading_ids() {
        assert_eq!(slug("CAP-001 resource-limits"), "cap-001-resource-limits");
        assert_eq!(slug("How to fix"), "how-to-fix");
        assert_eq!(slug("A `code` & b_c!"), "a-code--b_c");
    }

    #[test]
    fn uri_paths_escape_what_a_uri_cannot_hold() {
        assert_eq!(uri_path("deploy/k8s/app.yaml"), "deploy/k8s/app.yaml");
        assert_eq!(uri_path("my dir/a#b?.yaml"), "my%20dir/a%23b%3F.yaml");
        assert_eq!(uri_path("50%/é"), "50%25/%C3%A9");
    }

    #[test]
    fn prefix_joins_with_one_slash() {
        let o = CiOptions {
            custom_rules: Vec::new(),
            exit_code: 0,
            path_prefix: "services/pay/".into(),
            ..CiOptions::default()
        };
        assert_eq!(o.path("launchgate.yaml"), "services/pay/launchgate.yaml");
        assert_eq!(o.path("./deploy/a.yaml"), "services/pay/deploy/a.yaml");
        assert_eq!(CiOptions::default().path("a/b"), "a/b");
    }
}
