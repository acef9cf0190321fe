//! OPS-009 scheduled-security-scan: A vulnerability scanner runs on a schedule, at least weekly.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::ci::{Job, Located, Pipeline, SecurityScan};

use crate::kit::finish::{Tally, conclude_tally};
use crate::kit::pipelines::ci_pipeline_gaps;
use crate::{CheckContext, Evaluate, declare_check};

/// Scanners that look for leaked secrets, not vulnerabilities.
const SECRET_SCANNERS: &[&str] = &["gitleaks", "gitlab-secret-detection"];

/// The longest gap between scans that still counts as weekly.
const MAX_GAP_DAYS: u32 = 7;

const NO_CI: &str = "no CI configuration found; a scheduled scan may run elsewhere (a security platform, registry scanning), but the repository does not show it";

declare_check! {
    /// ## What it checks
    /// A vulnerability scanner runs on a schedule, at least weekly.
    ///
    /// A scheduled scan is a CI job that runs on the pipeline's schedule (GitHub Actions
    /// `on: schedule`, Jenkins `cron`, a GitLab job whose rules target scheduled pipelines) and
    /// runs a vulnerability scanner: Trivy, Grype, Anchore, Snyk, docker scout, OSV-Scanner,
    /// `npm audit`, `cargo audit` / `cargo deny`, `pip-audit`, Safety, govulncheck, bundler-audit,
    /// OWASP dependency-check, CodeQL, Semgrep or a GitLab security template. Secret scanners
    /// (gitleaks) do not count: they find leaks, not vulnerabilities.
    ///
    /// Each cron expression is read: daily or weekly schedules pass; a schedule with more than
    /// 7 days between runs (a day of the month, `@monthly`, some months only) fails at the cron
    /// line. GitLab keeps its schedules in the project settings, so a GitLab job that targets
    /// scheduled pipelines passes with that noted. A scanner that runs only on pull requests or
    /// pushes fails at the scanner, and with no scanner at all the check fails at the first
    /// pipeline. Without any CI configuration the check is inconclusive.
    ///
    /// ## Why it matters
    /// Vulnerability databases change every day; the code does not. A scan that runs only when
    /// someone opens a pull request says nothing about the service that has not changed in two
    /// months while a critical CVE was published against its base image or a dependency. A
    /// weekly scheduled scan finds it in days, not at the next incident.
    ///
    /// ## How to fix
    /// Add a schedule to the workflow that scans (`on: schedule: - cron: "0 6 * * 1"`) or a
    /// separate scheduled workflow that runs the scanner against the main branch and the
    /// released image, and route its failures to the owning team. In GitLab, create a weekly
    /// pipeline schedule and let the security jobs run in it.
    ///
    /// ## Example
    /// ```yaml fails path=.github/workflows/security.yml
    /// on:
    ///   pull_request:
    /// jobs:
    ///   audit:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: npm audit --audit-level=high
    /// ```
    /// ```yaml passes path=.github/workflows/security.yml
    /// on:
    ///   pull_request:
    ///   schedule:
    ///     - cron: "0 6 * * 1"    # every Monday
    /// jobs:
    ///   audit:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: npm audit --audit-level=high
    /// ```
    ///
    /// ## References
    /// Seed 004, "Vulnerability management: scheduled scans"; the GitHub Actions documentation
    /// on `schedule` events and POSIX cron syntax; OWASP guidance on continuous dependency
    /// monitoring.
    pub struct ScheduledSecurityScan {
        id: "OPS-009", slug: "scheduled-security-scan", category: Operations, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "C", effort: 1,
    }
}

impl Evaluate for ScheduledSecurityScan {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ci = &cx.evidence.ci;
        let mut t = Tally::default();
        let mut unscheduled = Vec::new();
        for p in &ci.pipelines {
            let scheduled: Vec<(&Job, &SecurityScan)> = p
                .jobs
                .iter()
                .filter_map(|j| vulnerability_scan(j).map(|s| (j, s)))
                .filter(|(j, _)| j.runs.schedule)
                .collect();
            if scheduled.is_empty() {
                unscheduled.extend(unscheduled_scans(p));
                continue;
            }
            judge_schedule(p, &scheduled, &mut t);
        }
        if !t.evidence.is_empty() {
            // One frequent enough scheduled scan is enough; less frequent ones are redundant.
            t.failures.clear();
            t.unknowns.clear();
        } else if t.failures.is_empty() && t.unknowns.is_empty() {
            if !unscheduled.is_empty() {
                t.missing = unscheduled;
            } else if let Some(first) = ci.pipelines.first() {
                t.missing.push(
                    Finding::new(format!(
                        "no vulnerability scanner runs in CI ({} read, starting with {})",
                        plural(ci.pipelines.len()),
                        first.path
                    ))
                    .at(Some(first.triggers.loc.location()))
                    .resource(format!("pipeline {}", first.path)),
                );
            }
        }
        conclude_tally(cx, ci_pipeline_gaps(cx), t, NO_CI)
    }
}

/// The job's vulnerability scanner, if it runs one (the first in its steps, else the job's).
fn vulnerability_scan(j: &Job) -> Option<&SecurityScan> {
    j.steps
        .iter()
        .filter_map(|s| s.security_scan.as_ref())
        .chain(j.security_scan.as_ref())
        .find(|s| !SECRET_SCANNERS.contains(&s.scanner))
}

/// Findings for the scanners of a pipeline that run only on other triggers.
fn unscheduled_scans(p: &Pipeline) -> Vec<Finding> {
    let mut out = Vec::new();
    for j in &p.jobs {
        let Some(s) = vulnerability_scan(j) else {
            continue;
        };
        out.push(
            Finding::new(format!(
                "{} runs {} in job `{}` {}, not on a schedule; new CVEs in unchanged code go unnoticed",
                p.path,
                s.scanner,
                j.name,
                when(j)
            ))
            .at(Some(s.loc.location()))
            .resource(format!("pipeline {}", p.path)),
        );
    }
    for inc in &p.includes {
        if let Some(s) = inc
            .security_scan
            .as_ref()
            .filter(|s| !SECRET_SCANNERS.contains(&s.scanner))
        {
            out.push(
                Finding::new(format!(
                    "{} includes {} ({}), but no job of the pipeline targets scheduled pipelines; new CVEs in unchanged code go unnoticed until the next change",
                    p.path, s.scanner, inc.value
                ))
                .at(Some(s.loc.location()))
                .resource(format!("pipeline {}", p.path)),
            );
        }
    }
    out
}

fn when(j: &Job) -> &'static str {
    let r = &j.runs;
    if r.pull_request && !r.default_branch && !r.other_branches {
        "on pull requests only"
    } else if !r.pull_request && (r.default_branch || r.other_branches) {
        "on pushes only"
    } else if r.manual || r.when_manual {
        "when started by hand"
    } else {
        "on pull requests and pushes"
    }
}

/// Judges the schedules of a pipeline whose scan jobs run on a schedule.
fn judge_schedule(p: &Pipeline, scheduled: &[(&Job, &SecurityScan)], t: &mut Tally) {
    let names: Vec<String> = scheduled
        .iter()
        .map(|(j, s)| format!("{} in job `{}`", s.scanner, j.name))
        .collect();
    let resource = format!("pipeline {}", p.path);
    let first_scan = scheduled.first().map(|(_, s)| s.loc.location());
    if p.triggers.schedule.is_empty() {
        t.evidence.push(
            Finding::new(format!(
                "{} runs {} on scheduled pipelines; the schedule itself is configured outside the file (pipeline schedules), so its frequency is not checked",
                p.path,
                names.join(", ")
            ))
            .at(first_scan)
            .resource(resource),
        );
        return;
    }
    for cron in &p.triggers.schedule {
        match frequency(&cron.value) {
            Ok(Frequency::AtLeastWeekly) => t.evidence.push(
                Finding::new(format!(
                    "{} runs {} on the schedule `{}`",
                    p.path,
                    names.join(", "),
                    cron.value
                ))
                .at(Some(cron.loc.location()))
                .resource(resource.clone()),
            ),
            Ok(Frequency::LessOften(why)) => t.failures.push(cron_finding(
                cron,
                &resource,
                format!(
                    "{} runs {} on the schedule `{}`, {why}; scan at least weekly",
                    p.path,
                    names.join(", "),
                    cron.value
                ),
            )),
            Err(why) => t.unknowns.push(cron_finding(
                cron,
                &resource,
                format!(
                    "{}: the schedule `{}` could not be read ({why})",
                    p.path, cron.value
                ),
            )),
        }
    }
}

fn cron_finding(cron: &Located<String>, resource: &str, message: String) -> Finding {
    Finding::new(message)
        .at(Some(cron.loc.location()))
        .resource(resource)
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 pipeline".to_string()
    } else {
        format!("{n} pipelines")
    }
}

/// How often a cron schedule runs, as far as this check cares.
#[derive(Debug, PartialEq, Eq)]
enum Frequency {
    AtLeastWeekly,
    /// Less often than weekly, and why.
    LessOften(String),
}

/// Reads a cron expression: five fields (minute hour day-of-month month day-of-week), six or
/// seven with seconds (and year) first, or a macro (`@daily`). Jenkins' `H` counts as one
/// value. Only the day fields and the month matter for a weekly floor.
fn frequency(expr: &str) -> Result<Frequency, String> {
    let expr = expr.trim();
    if let Some(m) = expr.strip_prefix('@') {
        return match m.to_ascii_lowercase().as_str() {
            "hourly" | "daily" | "midnight" | "weekly" => Ok(Frequency::AtLeastWeekly),
            "monthly" => Ok(Frequency::LessOften("once a month".into())),
            "yearly" | "annually" => Ok(Frequency::LessOften("once a year".into())),
            other => Err(format!("unknown macro `@{other}`")),
        };
    }
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let (dom, month, dow) = match fields.as_slice() {
        [_, _, dom, month, dow] | [_, _, _, dom, month, dow] | [_, _, _, dom, month, dow, _] => {
            (*dom, *month, *dow)
        }
        _ => return Err(format!("expected 5 fields, found {}", fields.len())),
    };
    let months = expand(month, 1, 12, MONTHS)?;
    if months.len() < 12 {
        return Ok(Frequency::LessOften("only in some months".into()));
    }
    let any = |f: &str| f == "*" || f == "?";
    // Standard cron runs when either day field matches, so a restricted day-of-week means
    // weekly runs whatever the day of the month says.
    if any(dom) || !any(dow) {
        if !any(dow) && expand(dow, 0, 7, DAYS)?.is_empty() {
            return Err("no day of the week".into());
        }
        return Ok(Frequency::AtLeastWeekly);
    }
    let days = expand(dom, 1, 31, &[])?;
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
        return Err("no day of the month".into());
    };
    // The longest wait between runs, across a month boundary of a 31-day month.
    let wrap = first + 31 - last;
    let gap = days
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or(0)
        .max(wrap);
    if gap <= MAX_GAP_DAYS {
        Ok(Frequency::AtLeastWeekly)
    } else if days.len() == 1 {
        Ok(Frequency::LessOften(format!("once a month (day {first})")))
    } else {
        Ok(Frequency::LessOften(format!("up to {gap} days apart")))
    }
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// The values of one cron field within `lo..=hi`, sorted: lists, ranges, steps, `*`, names
/// (`names[0]` is the lowest value), Quartz `?`, `L`, `#` and `W` forms (one value each),
/// and Jenkins `H` (one value).
fn expand(field: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Vec<u32>, String> {
    let mut out: Vec<u32> = Vec::new();
    let value = |s: &str| -> Result<u32, String> {
        let upper = s.to_ascii_uppercase();
        if let Some(i) = names.iter().position(|n| *n == upper) {
            return u32::try_from(i).map(|i| i + lo).map_err(|e| e.to_string());
        }
        s.parse::<u32>()
            .map_err(|_| format!("`{s}` is not a number"))
            .and_then(|v| {
                if (lo..=hi).contains(&v) {
                    Ok(v)
                } else {
                    Err(format!("{v} is out of range {lo}-{hi}"))
                }
            })
    };
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("bad step in `{part}`"))?,
            ),
            None => (part, 1),
        };
        let upper = range.to_ascii_uppercase();
        let (start, end) = if range == "*" || range == "?" {
            (lo, hi)
        } else if upper == "H" || upper.starts_with("H(") {
            // Jenkins hashes `H` to one fixed value in the range; with a step it repeats.
            if step == 1 {
                out.push(lo);
                continue;
            }
            (lo, hi)
        } else if upper == "L"
            || upper == "LW"
            || upper.contains('#')
            || (upper.len() > 1
                && upper.starts_with(|c: char| c.is_ascii_digit())
                && (upper.ends_with('L') || upper.ends_with('W')))
        {
            // Quartz: the last day, the nearest weekday, the nth weekday: one day each.
            out.push(hi);
            continue;
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let v = value(range)?;
            (v, if part.contains('/') { hi } else { v })
        };
        if start > end {
            return Err(format!("range `{range}` runs backwards"));
        }
        out.extend((start..=end).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{Frequency, frequency};

    fn weekly(expr: &str) -> bool {
        frequency(expr) == Ok(Frequency::AtLeastWeekly)
    }

    #[test]
    fn daily_and_weekly_schedules_are_at_least_weekly() {
        for e in [
            "0 6 * * *",
            "0 6 * * 1",
            "17 3 * * MON",
            "0 */6 * * *",
            "H H * * *",
            "H H * * H",
            "0 0 1,8,15,22,29 * *",
            "0 0 */7 * *",
            "0 0 * JAN-DEC *",
            "0 0 1 * 1",
            "0 0 0 ? * MON",
            "@weekly",
            "@daily",
        ] {
            assert!(weekly(e), "{e}");
        }
    }

    #[test]
    fn monthly_and_seasonal_schedules_are_less_often() {
        for e in [
            "0 0 1 * *",
            "H H 1 * *",
            "0 0 1,15 * *",
            "0 0 1,8,15,22 * *",
            "0 0 * JUL *",
            "0 0 * 1 *",
            "0 0 * 1-6 *",
            "@monthly",
            "@yearly",
        ] {
            assert!(
                matches!(frequency(e), Ok(Frequency::LessOften(_))),
                "{e}: {:?}",
                frequency(e)
            );
        }
    }

    #[test]
    fn unreadable_schedules_are_errors() {
        for e in ["every monday", "0 0 32 * *", "@reboot", "0 0 * *"] {
            assert!(frequency(e).is_err(), "{e}");
        }
    }
}
