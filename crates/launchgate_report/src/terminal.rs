//! The terminal view: grouped by category, one line per check, locations under failures,
//! the decision and its reasons last (where the eye lands). Styling is ANSI; the binary strips it
//! when colour is off (NO_COLOR, not a terminal).

use std::fmt::Write as _;

use anstyle::{AnsiColor, Effects, Style};
use launchgate_core::{Category, Status};
use launchgate_policy::{Verdict, WaiverState, short_hash};

use crate::Review;
use crate::group::{group_alike, subject};

/// How to draw the terminal view.
#[derive(Debug, Clone, Copy)]
pub struct TerminalOptions {
    /// Columns available; long lines are cut with `…` when `cut` is set.
    pub width: usize,
    /// Cut long lines to `width` (on a terminal). Off, every line is printed whole: in CI logs
    /// and files the reason must never be lost to a cut.
    pub cut: bool,
    /// Show the evidence behind passing checks.
    pub verbose: bool,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            width: 100,
            cut: true,
            verbose: false,
        }
    }
}

fn style(s: Status) -> Style {
    match s {
        Status::Pass => AnsiColor::Green.on_default(),
        Status::Warn => AnsiColor::Yellow.on_default(),
        Status::Fail => AnsiColor::Red.on_default().effects(Effects::BOLD),
        Status::Skip => Style::new().effects(Effects::DIMMED),
        Status::Waived => AnsiColor::Magenta.on_default(),
    }
}

/// The one-line verdict: final decision (and the computed one when an override replaced it),
/// pass rate, score and counts. The terminal report's summary line, and all `--quiet` prints.
pub fn decision_line(r: &Review) -> String {
    let r = &*crate::safe::for_people(r);
    let bold = Style::new().effects(Effects::BOLD);
    let vs = verdict_style(r.decision);
    let overridden = if r.decision == r.computed_decision && r.applied_override().is_none() {
        String::new()
    } else {
        let cs = verdict_style(r.computed_decision);
        format!(
            " (override; computed {cs}{}{cs:#})",
            r.computed_decision.label()
        )
    };
    let waived = if r.counts.waived > 0 {
        format!(" · {} waived", r.counts.waived)
    } else {
        String::new()
    };
    format!(
        "{bold}Decision:{bold:#} {vs}{}{vs:#}{overridden}  pass rate {} · score {} · {} pass · {} warn · {} fail · {} skip{waived}\n",
        r.decision.label(),
        r.pass_rate,
        r.score_text(),
        r.counts.pass,
        r.counts.warn,
        r.counts.fail,
        r.counts.skip
    )
}

fn verdict_style(v: Verdict) -> Style {
    match v {
        Verdict::Go => AnsiColor::Green.on_default().effects(Effects::BOLD),
        Verdict::ConditionalGo => AnsiColor::Yellow.on_default().effects(Effects::BOLD),
        Verdict::NoGo => AnsiColor::Red.on_default().effects(Effects::BOLD),
    }
}

/// Cuts `s` to `max` terminal columns (display width: a CJK character or an emoji takes two,
/// a combining mark none), ending with `…` when cut.
fn fit(s: &str, max: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let mut used = 0;
    let mut out = String::new();
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(ch);
    }
    out.push('…');
    out
}

/// Out-of-scope paths the terminal lists without `--verbose`.
const EXCLUDED_SHOWN: usize = 8;

/// The scan in a line, then what could not be read or evaluated: never lost silently.
fn scan_lines(o: &mut String, r: &Review, opts: TerminalOptions, width: usize) {
    let dim = Style::new().effects(Effects::DIMMED);
    let warn = AnsiColor::Yellow.on_default();
    let Some(scan) = &r.scan else {
        let _ = writeln!(
            o,
            "{dim}repository not scanned (--no-scan): checks that need repository evidence are inconclusive{dim:#}"
        );
        return;
    };
    let mut parts = vec![format!(
        "scanned {} file{}",
        scan.files,
        if scan.files == 1 { "" } else { "s" }
    )];
    if !scan.skipped.is_empty() {
        parts.push(format!("{} skipped", scan.skipped.len()));
    }
    if !scan.errors.is_empty() {
        parts.push(format!("{} could not be parsed", scan.errors.len()));
    }
    if !scan.not_evaluated.is_empty() {
        parts.push(format!("{} not evaluated", scan.not_evaluated.len()));
    }
    let out = scan.excluded_files();
    if out > 0 {
        parts.push(format!("{out} out of scope"));
    }
    let _ = writeln!(o, "{dim}{}{dim:#}", parts.join(" · "));
    for c in &scan.choices {
        let line = format!("{}: {} ({})", c.subject, c.chosen, c.why);
        let _ = writeln!(o, "  {dim}{}{dim:#}", fit(&line, width.saturating_sub(2)));
    }
    let shown = if opts.verbose {
        scan.excluded.len()
    } else {
        EXCLUDED_SHOWN
    };
    for e in scan.excluded.iter().take(shown) {
        let line = match e.files {
            0 => format!("out of scope in {}: {}", e.path, e.rule),
            1 => format!("out of scope {} (1 file, {})", e.path, e.rule),
            n => format!("out of scope {} ({n} files, {})", e.path, e.rule),
        };
        let _ = writeln!(o, "  {dim}{}{dim:#}", fit(&line, width.saturating_sub(2)));
    }
    if scan.excluded.len() > shown {
        let _ = writeln!(
            o,
            "  {dim}... and {} more out-of-scope paths (--verbose or --format json lists them){dim:#}",
            scan.excluded.len() - shown
        );
    }
    for e in &scan.errors {
        let line = format!("parse error {}: {}", e.location, e.message);
        let _ = writeln!(o, "  {warn}{}{warn:#}", fit(&line, width.saturating_sub(2)));
    }
    for e in &scan.not_evaluated {
        let _ = writeln!(
            o,
            "  {warn}{}{warn:#}",
            fit(&e.message, width.saturating_sub(2))
        );
    }
    if opts.verbose {
        for s in &scan.skipped {
            let line = format!("skipped {}: {}", s.path, s.reason);
            let _ = writeln!(o, "  {dim}{}{dim:#}", fit(&line, width.saturating_sub(2)));
        }
    }
}

pub fn render_terminal(r: &Review, opts: TerminalOptions) -> String {
    let r = &*crate::safe::for_people(r);
    // Uncut, no line is long enough to be cut: the width only bounds `fit`.
    let width = if opts.cut {
        opts.width.max(60)
    } else {
        usize::MAX / 2
    };
    let bold = Style::new().effects(Effects::BOLD);
    let dim = Style::new().effects(Effects::DIMMED);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{bold}{}{bold:#} · tier {} · {} · data {} · {} · reviewed {}",
        r.service, r.tier, r.exposure, r.data, r.stage, r.evaluated_on
    );
    for n in &r.notices {
        let s = AnsiColor::Red.on_default().effects(Effects::BOLD);
        let _ = writeln!(o, "{s}{n}{s:#}");
    }
    scan_lines(&mut o, r, opts, width);
    let slug_w = r
        .checks
        .iter()
        .map(|c| c.slug.len())
        .max()
        .unwrap_or(0)
        .min(30);
    // WAIVED is wider than the other labels; pad them all only when it appears.
    let label_w = if r.checks.iter().any(|c| c.status == Status::Waived) {
        6
    } else {
        4
    };
    for cat in Category::ALL {
        let checks: Vec<_> = r.checks.iter().filter(|c| c.category == cat).collect();
        if checks.is_empty() {
            continue;
        }
        let view = r.categories.iter().find(|c| c.category == cat);
        let score = view
            .and_then(|v| v.score)
            .map_or_else(|| "skipped".to_string(), |s| format!("{s:.1}/10"));
        let _ = writeln!(o, "\n{bold}{}{bold:#} {dim}{score}{dim:#}", cat.title());
        for c in checks {
            let st = style(c.status);
            let prefix_len = 2 + label_w + 2 + c.id.len() + 1 + slug_w + 2;
            let msg = fit(&c.message, width.saturating_sub(prefix_len));
            let _ = writeln!(
                o,
                "  {st}{:<label_w$}{st:#}  {} {:<slug_w$}  {}",
                c.status.label(),
                c.id,
                c.slug,
                if c.status == Status::Skip {
                    format!("{dim}{msg}{dim:#}")
                } else {
                    msg
                }
            );
            let indent = " ".repeat(8);
            if let Some(w) = &c.waiver {
                let mut line = format!("waiver: {} until {}", w.kind, w.expires);
                if let Some(a) = &w.approved_by {
                    let _ = write!(line, ", approved by {a}");
                }
                if let Some(t) = &w.ticket {
                    let _ = write!(line, ", ticket {t}");
                }
                if let Some(l) = &w.location {
                    line = format!("{l}  {line}");
                }
                let ws = style(Status::Waived);
                let _ = writeln!(
                    o,
                    "{indent}{ws}{}{ws:#}",
                    fit(&line, width.saturating_sub(8))
                );
            }
            let show: Vec<_> = match c.status {
                // Then what the code accepted, if anything: never out of view.
                Status::Fail | Status::Warn | Status::Waived if !c.findings.is_empty() => {
                    c.findings.iter().chain(&c.evidence).collect()
                }
                Status::Warn => c.evidence.iter().collect(),
                Status::Pass if opts.verbose => c.evidence.iter().collect(),
                _ => Vec::new(),
            };
            // Findings that say the same thing about different subjects (139 alerts routed to
            // one silent receiver) are one problem: its first finding, then the others folded
            // into a countable line. --verbose lists every one.
            let groups = if opts.verbose {
                show.iter().map(|f| vec![*f]).collect()
            } else {
                group_alike(&show)
            };
            for group in groups {
                let Some(&f) = group.first() else { continue };
                let loc = f
                    .location
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let line = if c.findings.len() + c.evidence.len() > 1 || opts.verbose {
                    format!("{loc}  {}", f.message)
                } else {
                    loc
                };
                if !line.is_empty() {
                    let _ = writeln!(
                        o,
                        "{indent}{dim}{}{dim:#}",
                        fit(&line, width.saturating_sub(8))
                    );
                }
                for rel in &f.related {
                    let _ = writeln!(o, "{indent}{dim}  see {rel}{dim:#}");
                }
                if group.len() > 1 {
                    let line = folded(&group[1..]);
                    let _ = writeln!(
                        o,
                        "{indent}{dim}  {}{dim:#}",
                        fit(&line, width.saturating_sub(10))
                    );
                }
            }
        }
    }
    waiver_lines(&mut o, r, width);
    let _ = write!(o, "\n{}", decision_line(r));
    override_lines(&mut o, r, width);
    for t in r
        .trace
        .iter()
        .filter(|t| t.effect.is_some() && !matches!(t.rule.as_str(), "decision" | "override"))
    {
        let _ = writeln!(o, "  {}", fit(&t.message, width.saturating_sub(2)));
    }
    signoff_line(&mut o, r, width);
    if !r.action_items.is_empty() {
        let p0 = r
            .action_items
            .iter()
            .filter(|a| a.priority == crate::Priority::P0)
            .count();
        let _ = writeln!(
            o,
            "  {} action item{} ({p0} P0), about {} of work; `--format markdown` for the full report",
            r.action_items.len(),
            if r.action_items.len() == 1 { "" } else { "s" },
            launchgate_core::Effort(r.estimated_effort_hours)
        );
    }
    if opts.cut && o.contains('…') {
        let _ = writeln!(
            o,
            "  {dim}lines are cut to {width} columns; piped or with `--output FILE` they are printed whole{dim:#}"
        );
    }
    o
}

/// `+ 138 more like it: `B` (x.yaml:30), `C` (x.yaml:44), ... (--verbose lists each)`.
fn folded(rest: &[&launchgate_core::Finding]) -> String {
    let names: Vec<String> = rest.iter().take(3).map(|f| subject(f)).collect();
    let more = if rest.len() > 3 { ", ..." } else { "" };
    format!(
        "+ {} more like it: {}{more} (--verbose lists each)",
        rest.len(),
        names.join(", ")
    )
}

/// Every manifest waiver: applied ones with their expiry, and those that did not apply and why.
fn waiver_lines(o: &mut String, r: &Review, width: usize) {
    if r.waivers.is_empty() {
        return;
    }
    let bold = Style::new().effects(Effects::BOLD);
    let dim = Style::new().effects(Effects::DIMMED);
    let count = |s: WaiverState| r.waivers.iter().filter(|w| w.state == s).count();
    let mut parts = Vec::new();
    for (state, word) in [
        (WaiverState::Applied, "applied"),
        (WaiverState::Expired, "expired"),
        (WaiverState::Unmatched, "unmatched"),
        (WaiverState::Refused, "refused"),
    ] {
        let n = count(state);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let soon = r.waivers.iter().filter(|w| w.expiring_soon).count();
    if soon > 0 {
        parts.push(format!("{soon} expiring soon"));
    }
    let _ = writeln!(
        o,
        "\n{bold}Waivers{bold:#} {dim}{}{dim:#}",
        parts.join(" · ")
    );
    for w in &r.waivers {
        let (label, st) = match w.state {
            WaiverState::Applied if w.expiring_soon => ("EXPIRING", AnsiColor::Yellow.on_default()),
            WaiverState::Applied => ("APPLIED", style(Status::Waived)),
            WaiverState::Expired | WaiverState::Refused => {
                (w.state.label(), AnsiColor::Red.on_default())
            }
            WaiverState::Unmatched => (w.state.label(), AnsiColor::Yellow.on_default()),
        };
        let prefix = 2 + 9 + 2 + w.check.len() + 2;
        let _ = writeln!(
            o,
            "  {st}{label:<9}{st:#}  {}  {}",
            w.check,
            fit(&w.message, width.saturating_sub(prefix))
        );
        let mut detail = format!("{}: {}", w.kind, w.reason);
        if !w.scope.is_empty() {
            let _ = write!(detail, " [{}]", w.scope.join(", "));
        }
        if let Some(l) = &w.location {
            detail = format!("{l}  {detail}");
        }
        let _ = writeln!(
            o,
            "        {dim}{}{dim:#}",
            fit(&detail, width.saturating_sub(8))
        );
    }
}

/// The applied override (who, role, reason, expiry, event) and every refused one with why.
fn override_lines(o: &mut String, r: &Review, width: usize) {
    for v in &r.overrides {
        let line = if v.applied {
            let mut line = format!(
                "OVERRIDE to {} by {} ({}) until {}: {}",
                v.decision.label(),
                v.approver,
                v.roles.join(", "),
                v.expires,
                v.reason
            );
            if let Some(c) = v.cosigned_by.as_ref().filter(|c| **c != v.approver) {
                let _ = write!(line, "; co-signed by {c}");
            }
            let _ = write!(line, "; event {}", short_hash(&v.event_hash));
            let s = AnsiColor::Magenta.on_default().effects(Effects::BOLD);
            format!("{s}{}{s:#}", fit(&line, width.saturating_sub(2)))
        } else if let Some(why) = &v.refused {
            let line = format!(
                "override to {} by {} not applied: {why} (event {})",
                v.decision.label(),
                v.approver,
                short_hash(&v.event_hash)
            );
            let s = AnsiColor::Yellow.on_default();
            format!("{s}{}{s:#}", fit(&line, width.saturating_sub(2)))
        } else {
            continue;
        };
        let _ = writeln!(o, "  {line}");
    }
}

/// One line of sign-offs: each asked-for role with who signed, stale and refused marks.
fn signoff_line(o: &mut String, r: &Review, width: usize) {
    if r.signoffs.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    for role in &r.signoff_roles {
        let signed: Vec<String> = r
            .signoffs
            .iter()
            .filter(|s| &s.role == role)
            .map(|s| {
                if s.refused.is_some() {
                    format!("{} (refused)", s.approver)
                } else if s.stale {
                    format!("{} (stale)", s.approver)
                } else {
                    s.approver.clone()
                }
            })
            .collect();
        if signed.is_empty() {
            parts.push(format!("{role} missing"));
        } else {
            parts.push(format!("{role} {}", signed.join(", ")));
        }
    }
    for s in r
        .signoffs
        .iter()
        .filter(|s| !r.signoff_roles.contains(&s.role))
    {
        parts.push(format!("{} {} (refused)", s.role, s.approver));
    }
    let line = format!("sign-offs: {}", parts.join(" · "));
    let _ = writeln!(o, "  {}", fit(&line, width.saturating_sub(2)));
}

#[cfg(test)]
mod tests {
    use super::{fit, folded, group_alike};
    use launchgate_core::{Finding, Location};

    #[test]
    fn alike_findings_fold_into_one_countable_line() {
        let alert = |name: &str, line: u32, receiver: &str| {
            Finding::new(format!(
                "alert `{name}` is routed to receiver `{receiver}` (no integrations): nobody is notified"
            ))
            .at(Some(Location::new("rules.yaml", line, 5)))
        };
        let fs: Vec<Finding> = (1..=5)
            .map(|i| alert(&format!("A{i}"), i * 10, "Default"))
            .chain([alert("B", 99, "Other"), alert("C", 100, "Other")])
            .collect();
        let show: Vec<&Finding> = fs.iter().collect();
        let groups = group_alike(&show);
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        // Five alike ones fold; two alike ones are fewer than FOLD_AT and stay single.
        assert_eq!(sizes, [5, 1, 1]);
        assert_eq!(
            folded(&groups[0][1..]),
            "+ 4 more like it: `A2` (rules.yaml:20), `A3` (rules.yaml:30), `A4` (rules.yaml:40), ... (--verbose lists each)"
        );
    }

    use unicode_width::UnicodeWidthStr;

    #[test]
    fn fit_counts_terminal_columns_not_characters() {
        // Wide characters take two columns each: ten of them are twenty columns.
        let wide = "支付服务超时未配置重试";
        let cut = fit(wide, 10);
        assert!(cut.width() <= 10, "{cut} is {} columns", cut.width());
        assert_eq!(cut, "支付服务…");
        assert_eq!(fit("ok", 10), "ok");
        // A combining mark takes no column: "é" written as e + U+0301 fits in one.
        assert_eq!(fit("cafe\u{301}", 4), "cafe\u{301}");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
