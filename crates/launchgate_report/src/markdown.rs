//! The Markdown report (seed 003's format): executive summary, category scores, detailed
//! findings with recommendations, P0/P1/P2 action items, launch plan and sign-off table.

use std::fmt::Write as _;

use launchgate_core::{Basis, Category, Effort, Status};
use launchgate_policy::{WaiverState, short_hash};

use crate::{Priority, Review};

fn mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Skip => "⏭️",
        Status::Waived => "🏳️",
    }
}

/// Escapes the characters that would break a table cell or start Markdown syntax mid-line.
/// `s` as an inline code span that no backtick in it can close (a file name is repository
/// text: it must not end the span and inject Markdown).
fn code(s: impl std::fmt::Display) -> String {
    let s = s.to_string();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render_markdown(r: &Review) -> String {
    let r = &*crate::safe::for_people(r);
    let mut o = String::new();
    let _ = writeln!(o, "# Production Readiness Report: {}\n", r.service);
    let _ = writeln!(o, "**Evaluated:** {}  ", r.evaluated_on);
    let _ = writeln!(o, "**Service:** {}  ", r.service);
    let _ = writeln!(o, "**Criticality:** Tier {}  ", r.tier);
    let _ = writeln!(
        o,
        "**Owner:** {}  ",
        r.owner.as_deref().unwrap_or("not declared")
    );
    let _ = writeln!(
        o,
        "**Exposure / data / stage:** {} / {} / {}  ",
        r.exposure, r.data, r.stage
    );
    let _ = writeln!(o, "**Evaluator:** {} {}\n", r.tool.name, r.tool.version);
    for n in &r.notices {
        let _ = writeln!(o, "> **Warning:** {n}\n");
    }

    let _ = writeln!(o, "## Executive Summary\n");
    let overridden = match r.applied_override() {
        Some(_) => format!(" by override; computed {}", r.computed_decision.label()),
        None => String::new(),
    };
    let _ = writeln!(
        o,
        "**Overall status:** {} ({}{overridden}; score {}, pass rate {}, {} of {} checks evaluated)\n",
        r.decision.readiness(),
        r.decision.label(),
        r.score_text(),
        r.pass_rate,
        r.counts.evaluated,
        r.counts.total
    );
    override_summary(&mut o, r);
    let fails: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    let warns: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status == Status::Warn)
        .collect();
    let _ = writeln!(o, "**Blockers (must fix before production):**");
    if fails.is_empty() {
        let _ = writeln!(o, "None.");
    }
    for (i, c) in fails.iter().enumerate() {
        let forced = if c.blocking {
            " **(forces NO_GO)**"
        } else {
            ""
        };
        let _ = writeln!(o, "{}. {} {}: {}{forced}", i + 1, c.id, c.slug, c.message);
    }
    let _ = writeln!(o, "\n**Warnings (should fix soon):**");
    if warns.is_empty() {
        let _ = writeln!(o, "None.");
    }
    for (i, c) in warns.iter().enumerate() {
        let _ = writeln!(o, "{}. {} {}: {}", i + 1, c.id, c.slug, c.message);
    }
    let waived: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(o, "\n**Waived (accepted until the waiver expires):**");
        for (i, c) in waived.iter().enumerate() {
            let _ = writeln!(o, "{}. {} {}: {}", i + 1, c.id, c.slug, c.message);
        }
    }
    let p0: u32 = r
        .action_items
        .iter()
        .filter(|a| a.priority == Priority::P0)
        .map(|a| a.effort_hours)
        .sum();
    let _ = writeln!(
        o,
        "\n**Estimated time to production-ready:** {} (P0 alone: {})\n",
        Effort(r.estimated_effort_hours),
        Effort(p0)
    );

    let _ = writeln!(o, "## Category Scores\n");
    let _ = writeln!(o, "| Category | Score | Blockers | Warnings | Total |");
    let _ = writeln!(o, "|----------|-------|----------|----------|-------|");
    let (mut sum, mut out_of, mut blockers, mut warnings, mut checks_total) = (0.0, 0, 0, 0, 0);
    for c in &r.categories {
        let total = c.pass + c.warn + c.fail + c.skip + c.waived;
        if total == 0 {
            continue;
        }
        let score = c
            .score
            .map_or_else(|| "skipped".to_string(), |s| format!("{}/10", trim(s)));
        if let Some(s) = c.score {
            sum += s;
            out_of += 10;
        }
        blockers += c.fail;
        warnings += c.warn;
        checks_total += total;
        let _ = writeln!(
            o,
            "| {} | {score} | {} | {} | {total} |",
            c.title, c.fail, c.warn
        );
    }
    let _ = writeln!(
        o,
        "| **Total** | **{}/{out_of}** | **{blockers}** | **{warnings}** | **{checks_total}** |\n",
        trim((sum * 10.0).round() / 10.0)
    );

    let _ = writeln!(o, "## Detailed Findings\n");
    for cat in Category::ALL {
        let checks: Vec<_> = r.checks.iter().filter(|c| c.category == cat).collect();
        if checks.is_empty() {
            continue;
        }
        let score = r
            .categories
            .iter()
            .find(|c| c.category == cat)
            .and_then(|c| c.score)
            .map_or_else(|| "skipped".to_string(), |s| format!("{}/10", trim(s)));
        let _ = writeln!(o, "### {} ({score})\n", cat.title());
        for status in [
            Status::Fail,
            Status::Warn,
            Status::Waived,
            Status::Pass,
            Status::Skip,
        ] {
            let group: Vec<_> = checks.iter().filter(|c| c.status == status).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(o, "**{}:**", status.label());
            for c in group {
                let _ = writeln!(
                    o,
                    "- {} **{}** {}: {}",
                    mark(status),
                    c.id,
                    c.slug,
                    c.message
                );
                if let Some(w) = &c.waiver {
                    let mut line = format!(
                        "  - Waiver: {} until {}, was {}",
                        w.kind,
                        w.expires,
                        w.original_status.label()
                    );
                    if let Some(a) = &w.approved_by {
                        let _ = write!(line, ", approved by {a}");
                    }
                    if let Some(t) = &w.ticket {
                        let _ = write!(line, ", ticket {t}");
                    }
                    if let Some(l) = &w.location {
                        let _ = write!(line, " ({})", code(l));
                    }
                    let _ = writeln!(o, "{line}");
                }
                if matches!(status, Status::Fail | Status::Warn | Status::Waived) {
                    let located: Vec<&launchgate_core::Finding> = c
                        .findings
                        .iter()
                        // A failing check's evidence is what the code accepted.
                        .chain(c.evidence.iter())
                        .filter(|f| f.location.is_some())
                        .collect();
                    for group in crate::group::group_alike(&located) {
                        let Some((f, rest)) = group.split_first() else {
                            continue;
                        };
                        if let Some(l) = &f.location {
                            let _ = writeln!(o, "  - {}: {}", code(l), f.message);
                        }
                        if !rest.is_empty() {
                            // Alike findings on one line, every place kept.
                            let places: Vec<String> = rest
                                .iter()
                                .map(|g| {
                                    let at = g.location.as_ref().map(code).unwrap_or_default();
                                    match crate::group::subject_name(g) {
                                        "" => at,
                                        name if name.starts_with('`') => format!("{name} ({at})"),
                                        name => format!("{} ({at})", code(name)),
                                    }
                                })
                                .collect();
                            let _ = writeln!(
                                o,
                                "  - and {} more like it: {}",
                                rest.len(),
                                places.join(", ")
                            );
                        }
                    }
                }
            }
            let _ = writeln!(o);
        }
        let recs: Vec<_> = r
            .action_items
            .iter()
            .filter(|a| checks.iter().any(|c| c.id == a.id))
            .collect();
        if !recs.is_empty() {
            let _ = writeln!(o, "**Recommendations:**");
            for (i, a) in recs.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "{}. {} ({}, {})",
                    i + 1,
                    if a.fix.is_empty() { &a.title } else { &a.fix },
                    a.id,
                    a.effort
                );
            }
            let _ = writeln!(o);
        }
    }

    let _ = writeln!(o, "## Action Items\n");
    for (p, heading) in [
        (Priority::P0, "P0: Must fix before production (blockers)"),
        (Priority::P1, "P1: Should fix soon (warnings)"),
        (Priority::P2, "P2: Nice to have"),
    ] {
        let _ = writeln!(o, "### {heading}\n");
        let items: Vec<_> = r.action_items.iter().filter(|a| a.priority == p).collect();
        if items.is_empty() {
            let _ = writeln!(o, "None.\n");
        }
        for (i, a) in items.iter().enumerate() {
            let _ = writeln!(
                o,
                "{}. **{}** ({})",
                i + 1,
                a.title.trim_end_matches('.'),
                a.id
            );
            if !a.fix.is_empty() {
                let _ = writeln!(o, "   - Fix: {}", a.fix);
            }
            let _ = writeln!(
                o,
                "   - Owner: {}",
                a.owner.as_deref().unwrap_or("unassigned")
            );
            let _ = writeln!(o, "   - Effort: {}", a.effort);
            if !a.files.is_empty() {
                let _ = writeln!(o, "   - Files: {}", a.files.join(", "));
            }
        }
        if !items.is_empty() {
            let _ = writeln!(o);
        }
    }

    let _ = writeln!(o, "## Production Launch Plan\n");
    let _ = writeln!(o, "**Prerequisites:**");
    let check_of = |id: &str| r.checks.iter().find(|c| c.id == id);
    let tick = |done: bool| if done { "x" } else { " " };
    let _ = writeln!(
        o,
        "- [{}] All P0 items completed",
        tick(!r.action_items.iter().any(|a| a.priority == Priority::P0))
    );
    // Ticked only when the review proved it: a pass on the manifest's word alone, a skipped
    // check and a manual step stay open, with the reason.
    for (id, what) in [
        ("CAP-007", "Load test passed (10x traffic)"),
        ("DAT-003", "Backup restoration tested"),
        ("RUN-004", "Rollback procedure documented and tested"),
    ] {
        let (done, note) = match check_of(id) {
            Some(c) if c.status == Status::Pass && c.basis == Some(Basis::Proven) => {
                (true, format!("{id} passed"))
            }
            Some(c) if c.status == Status::Pass => (
                false,
                format!("{id} passed on the manifest's claim alone: no file shows it"),
            ),
            Some(c) if c.status == Status::Skip => (false, format!("{id} skipped: {}", c.message)),
            Some(c) => (false, format!("{id} is {}", c.status.label())),
            None => (
                false,
                format!("not evaluated yet: {id} is not in this review"),
            ),
        };
        let _ = writeln!(o, "- [{}] {what} ({note})", tick(done));
    }
    // Steps people do: no file can show them, so they are never ticked.
    let related = |id: &str, passed: &str| match check_of(id) {
        Some(c) if c.status == Status::Pass => format!("{id} passed: {passed}"),
        Some(c) if c.status == Status::Skip => format!("{id} skipped: {}", c.message),
        Some(c) => format!("{id} is {}", c.status.label()),
        None => format!("{id} is not in this review"),
    };
    let _ = writeln!(
        o,
        "- [ ] Runbooks reviewed by on-call team (a manual step; {})",
        related("RUN-002", "the runbooks have every section")
    );
    let _ = writeln!(
        o,
        "- [ ] Alerts tested by triggering each one (a manual step; {})",
        related("OBS-007", "the rules are valid")
    );
    let _ = writeln!(o, "\n**Launch stages:**");
    let _ = writeln!(o, "1. Fix all blockers (P0 items)");
    let _ = writeln!(o, "2. Load testing and alert tuning");
    let _ = writeln!(o, "3. Canary deployment (1% traffic)");
    let _ = writeln!(o, "4. Gradual rollout to 100%\n");

    measurement_section(&mut o, r);
    waivers_section(&mut o, r);
    overrides_section(&mut o, r);
    signoff_section(&mut o, r);

    let _ = writeln!(o, "\n## Decision Trace\n");
    for t in &r.trace {
        let _ = writeln!(o, "- `{}`: {}", t.rule, cell(&t.message));
    }
    scan_section(&mut o, r);
    o
}

/// Figures the pipeline moved and the policy's versioned baseline notes; nothing when there
/// are neither.
fn measurement_section(o: &mut String, r: &Review) {
    if r.measurement_changes.is_empty() && r.baseline_notes.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Measurement Baselines\n");
    for c in &r.measurement_changes {
        let _ = writeln!(o, "- **{}**", cell(&c.summary()));
        match &c.note {
            Some(n) => {
                let _ = writeln!(o, "  - Baseline note: {}", cell(n));
            }
            None => {
                let _ = writeln!(
                    o,
                    "  - No baseline note for {}: {} asks for one before the figure counts as the new baseline",
                    code(&c.to_commit),
                    c.gate
                );
            }
        }
    }
    if !r.baseline_notes.is_empty() {
        let _ = writeln!(o, "\n| Figure | Commit | Note |\n|---|---|---|");
        for n in &r.baseline_notes {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                cell(&n.figure),
                code(&n.commit),
                cell(&n.note)
            );
        }
    }
    let _ = writeln!(o);
}

/// What the scan read, skipped and could not parse.
fn scan_section(o: &mut String, r: &Review) {
    let _ = writeln!(o, "\n## Repository Scan\n");
    let Some(scan) = &r.scan else {
        let _ = writeln!(
            o,
            "The repository was not scanned (`--no-scan`): checks that need repository evidence are inconclusive."
        );
        return;
    };
    let kinds: Vec<String> = scan.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        o,
        "{} files read ({}); {} skipped; {} could not be parsed; {} not evaluated.",
        scan.files,
        kinds.join(", "),
        scan.skipped.len(),
        scan.errors.len(),
        scan.not_evaluated.len()
    );
    if !scan.errors.is_empty() || !scan.not_evaluated.is_empty() || !scan.skipped.is_empty() {
        let _ = writeln!(o, "\n| Where | Problem |");
        let _ = writeln!(o, "|-------|---------|");
        for e in scan.errors.iter().chain(&scan.not_evaluated) {
            let _ = writeln!(o, "| {} | {} |", cell(&code(&e.location)), cell(&e.message));
        }
        for s in &scan.skipped {
            let _ = writeln!(
                o,
                "| {} | skipped: {} |",
                cell(&code(&s.path)),
                cell(&s.reason)
            );
        }
    }
    if !scan.choices.is_empty() {
        let _ = writeln!(o, "\nWhat the review took:\n");
        for c in &scan.choices {
            let _ = writeln!(
                o,
                "- {}: {} ({})",
                cell(&c.subject),
                cell(&code(&c.chosen)),
                cell(&c.why)
            );
        }
    }
    if !scan.excluded.is_empty() {
        let _ = writeln!(
            o,
            "\n{} files out of scope (read for secrets only):\n",
            scan.excluded_files()
        );
        let _ = writeln!(o, "| Out of scope | Files | Rule |");
        let _ = writeln!(o, "|--------------|------:|------|");
        for e in &scan.excluded {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                cell(&code(&e.path)),
                e.files,
                cell(&e.rule)
            );
        }
    }
}

fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Under the overall status: the applied override, prominently, and the refused ones.
fn override_summary(o: &mut String, r: &Review) {
    if let Some(v) = r.applied_override() {
        let mut line = format!(
            "> **Decision overridden:** {} by {} ({}), until {}: {}. Computed decision: {}.",
            v.decision.label(),
            v.approver,
            if v.roles.is_empty() {
                "no role".to_string()
            } else {
                v.roles.join(", ")
            },
            v.expires,
            cell(&v.reason),
            r.computed_decision.label()
        );
        if let Some(c) = v.cosigned_by.as_ref().filter(|c| **c != v.approver) {
            let _ = write!(line, " Security co-sign: {c}.");
        }
        let _ = writeln!(o, "{line} Ledger event `{}`.\n", short_hash(&v.event_hash));
    }
    let refused: Vec<_> = r.overrides.iter().filter(|v| v.refused.is_some()).collect();
    if !refused.is_empty() {
        let _ = writeln!(o, "**Overrides not applied:**");
        for v in refused {
            let _ = writeln!(
                o,
                "- {} by {} (event `{}`): {}",
                v.decision.label(),
                v.approver,
                short_hash(&v.event_hash),
                v.refused.as_deref().unwrap_or_default()
            );
        }
        let _ = writeln!(o);
    }
}

/// Every manifest waiver with its state: applied (and expiring soon), expired, unmatched, refused.
fn waivers_section(o: &mut String, r: &Review) {
    if r.waivers.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Waivers\n");
    let _ = writeln!(
        o,
        "| Check | State | Kind | Scope | Expires | Approved by | Ticket | Reason | What happened |"
    );
    let _ = writeln!(
        o,
        "|-------|-------|------|-------|---------|-------------|--------|--------|---------------|"
    );
    for w in &r.waivers {
        let state = match w.state {
            WaiverState::Applied if w.expiring_soon => "applied, **expiring soon**".to_string(),
            WaiverState::Applied => "applied".to_string(),
            other => format!("**{}**", other.label().to_lowercase()),
        };
        let scope = if w.scope.is_empty() {
            "whole check".to_string()
        } else {
            w.scope.iter().map(code).collect::<Vec<_>>().join(", ")
        };
        let at = w
            .location
            .as_ref()
            .map(|l| format!(" ({})", code(l)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "| {} | {state} | {} | {} | {} | {} | {} | {} | {}{at} |",
            w.check,
            w.kind,
            cell(&scope),
            w.expires,
            cell(w.approved_by.as_deref().unwrap_or("")),
            cell(w.ticket.as_deref().unwrap_or("")),
            cell(&w.reason),
            cell(&w.message)
        );
    }
    let _ = writeln!(o);
}

/// Every override the ledger holds for this service, newest first.
fn overrides_section(o: &mut String, r: &Review) {
    if r.overrides.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Overrides\n");
    let _ = writeln!(
        o,
        "| Decision | Approver | Roles | Reason | Expires | Recorded | Event | Status |"
    );
    let _ = writeln!(
        o,
        "|----------|----------|-------|--------|---------|----------|-------|--------|"
    );
    for v in &r.overrides {
        let status = if v.applied {
            match v.cosigned_by.as_ref().filter(|c| **c != v.approver) {
                Some(c) => format!("**applied** (security co-sign: {c})"),
                None => "**applied**".to_string(),
            }
        } else if v.cosign {
            "security co-sign of the applied override".to_string()
        } else {
            format!("not applied: {}", v.refused.as_deref().unwrap_or_default())
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | `{}` | {} |",
            v.decision.label(),
            cell(&v.approver),
            cell(&v.roles.join(", ")),
            cell(&v.reason),
            v.expires,
            v.recorded_at,
            short_hash(&v.event_hash),
            cell(&status)
        );
    }
    let _ = writeln!(o);
}

/// `engineering` -> `Engineering`, `sre` -> `SRE`.
fn role_title(role: &str) -> String {
    if role.len() <= 3 {
        return role.to_uppercase();
    }
    let mut c = role.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The sign-off table: a row per sign-off, and an empty row for each asked-for role nobody
/// signed.
fn signoff_section(o: &mut String, r: &Review) {
    let _ = writeln!(o, "## Sign-off\n");
    let _ = writeln!(o, "| Role | Name | Date | Status |");
    let _ = writeln!(o, "|------|------|------|--------|");
    let row = |o: &mut String, s: &launchgate_policy::SignoffView| {
        let status = match (&s.refused, s.stale) {
            (Some(why), _) => format!("refused: {why}"),
            (None, true) => "stale: signed results that have changed since".to_string(),
            (None, false) => "signed".to_string(),
        };
        let mut status = status;
        if let Some(n) = &s.note {
            let _ = write!(status, " ({n})");
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            role_title(&s.role),
            cell(&s.approver),
            s.recorded_at.get(..10).unwrap_or(&s.recorded_at),
            cell(&status)
        );
    };
    for role in &r.signoff_roles {
        let mut any = false;
        for s in r.signoffs.iter().filter(|s| &s.role == role) {
            row(o, s);
            any = true;
        }
        if !any {
            let _ = writeln!(o, "| {} | | | |", role_title(role));
        }
    }
    for s in r
        .signoffs
        .iter()
        .filter(|s| !r.signoff_roles.contains(&s.role))
    {
        row(o, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backtick_in_a_file_name_cannot_close_its_code_span() {
        assert_eq!(code("deploy/app.yaml"), "`deploy/app.yaml`");
        assert_eq!(code("a`b.yaml"), "``a`b.yaml``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(cell(&code("a|b")), "`a\\|b`");
    }

    #[test]
    fn alike_findings_are_one_line_with_every_place_kept() {
        use crate::html::sample;
        let mut c = sample::check("CAP-003", launchgate_core::Status::Fail, "m");
        c.findings = ["api", "web", "worker", "cron", "mailer"]
            .iter()
            .enumerate()
            .map(|(i, n)| {
                launchgate_core::Finding::new(format!(
                    "Deployment/{n} runs as few as 1 replica; tier 1 asks for at least 2"
                ))
                .resource(format!("Deployment/{n}"))
                .at(Some(launchgate_core::Location::new(
                    "k8s/app.yaml",
                    (i as u32 + 1) * 10,
                    1,
                )))
            })
            .collect();
        let r = sample::review(
            "api",
            1,
            None,
            launchgate_policy::Verdict::NoGo,
            50.0,
            "2026-11-22",
            vec![c],
        );
        let md = render_markdown(&r);
        assert!(
            md.contains(
                "  - `k8s/app.yaml:10:1`: Deployment/api runs as few as 1 replica; tier 1 asks for at least 2\n  - and 4 more like it: `Deployment/web` (`k8s/app.yaml:20:1`), `Deployment/worker` (`k8s/app.yaml:30:1`), `Deployment/cron` (`k8s/app.yaml:40:1`), `Deployment/mailer` (`k8s/app.yaml:50:1`)\n"
            ),
            "{md}"
        );
    }
}
