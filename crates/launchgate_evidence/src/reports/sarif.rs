//! SARIF 2.1.0 logs from security scanners (Trivy, Grype, Snyk, CodeQL, Semgrep, ...): per run
//! the tool, the results with their rule, level and `security-severity`, suppressions, and the
//! invocation time.

use std::collections::HashMap;

use serde_json::Value;

use super::{ScanLevel, ScanReport, ScanResult, ScanRun, ScanSeverity, parse_timestamp};
use crate::json::positions::load;
use crate::{Loc, ReportFormat, Source};

/// What a rule says about its results.
#[derive(Default, Clone)]
struct Rule {
    level: Option<ScanLevel>,
    security_severity: Option<f64>,
}

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<ScanReport> {
    let (doc, pos) = load(src, 4, err)?;
    let at = |path: &[&str]| {
        pos.get(path)
            .map_or_else(|| src.file_start(), |b| src.loc(b, b))
    };
    let Some(runs) = doc.get("runs").and_then(Value::as_array) else {
        err(
            src.file_start(),
            "no `runs` array: not a SARIF 2.1.0 log".to_string(),
        );
        return None;
    };
    let mut failed = false;
    let mut out = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let ri = i.to_string();
        let run_loc = at(&["runs", &ri]);
        let driver = run.pointer("/tool/driver");
        let tool = driver
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if tool.is_empty() {
            err(
                run_loc.clone(),
                "the run has no `tool.driver.name`".to_string(),
            );
            failed = true;
        }
        // Rules by index (of the driver) and by id (driver and extensions, as CodeQL writes).
        let mut by_index: Vec<Rule> = Vec::new();
        let mut by_id: HashMap<String, Rule> = HashMap::new();
        let components = driver.into_iter().chain(
            run.pointer("/tool/extensions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for (c, component) in components.enumerate() {
            for r in component
                .get("rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let rule = Rule {
                    level: r
                        .pointer("/defaultConfiguration/level")
                        .and_then(Value::as_str)
                        .and_then(ScanLevel::parse),
                    security_severity: r.pointer("/properties/security-severity").and_then(score),
                };
                if c == 0 {
                    by_index.push(rule.clone());
                }
                if let Some(id) = r.get("id").and_then(Value::as_str) {
                    by_id.entry(id.to_string()).or_insert(rule);
                }
            }
        }
        let mut date: Option<jiff::Timestamp> = None;
        for inv in run
            .get("invocations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let when = inv
                .get("endTimeUtc")
                .or_else(|| inv.get("startTimeUtc"))
                .and_then(Value::as_str);
            if let Some(s) = when {
                if let Some(t) = parse_timestamp(s) {
                    date = date.max(Some(t));
                } else {
                    err(
                        run_loc.clone(),
                        format!("invocation time `{s}` is not an ISO 8601 date-time"),
                    );
                    failed = true;
                }
            }
        }
        let mut results = Vec::new();
        for (j, r) in run
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let loc = at(&["runs", &ri, "results", &j.to_string()]);
            let rule_id = r
                .get("ruleId")
                .or_else(|| r.pointer("/rule/id"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let index = r
                .get("ruleIndex")
                .or_else(|| r.pointer("/rule/index"))
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok());
            let rule = index
                .and_then(|n| by_index.get(n))
                .or_else(|| rule_id.as_ref().and_then(|id| by_id.get(id)))
                .cloned()
                .unwrap_or_default();
            let rule_id = rule_id.or_else(|| index.map(|n| format!("rule #{n}")));
            let level = match r.get("level") {
                None => None,
                Some(v) => {
                    let l = v.as_str().and_then(ScanLevel::parse);
                    if l.is_none() {
                        err(
                            loc.clone(),
                            format!(
                                "result `level` is {v}; SARIF allows \"error\", \"warning\", \"note\" or \"none\""
                            ),
                        );
                        failed = true;
                    }
                    l
                }
            };
            // Results of another `kind` (pass, informational, review...) are not failures.
            let fails = r
                .get("kind")
                .and_then(Value::as_str)
                .is_none_or(|k| k == "fail");
            let level = if fails {
                level.or(rule.level).unwrap_or(ScanLevel::Warning)
            } else {
                ScanLevel::None
            };
            let security_severity = match r.pointer("/properties/security-severity") {
                Some(v) => {
                    let s = score(v);
                    if s.is_none() {
                        err(
                            loc.clone(),
                            format!("result `security-severity` is {v}, not a number"),
                        );
                        failed = true;
                    }
                    s
                }
                None => rule.security_severity,
            };
            let severity = if fails {
                security_severity
                    .map_or_else(|| ScanSeverity::from_level(level), ScanSeverity::from_score)
            } else {
                ScanSeverity::None
            };
            results.push(ScanResult {
                rule_id,
                level,
                security_severity,
                severity,
                message: r
                    .pointer("/message/text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                target: target(r),
                suppressed: r
                    .get("suppressions")
                    .and_then(Value::as_array)
                    .is_some_and(|s| !s.is_empty()),
                loc,
            });
        }
        out.push(ScanRun {
            tool,
            loc: run_loc,
            date,
            results,
        });
    }
    if failed {
        return None;
    }
    Some(ScanReport {
        loc: src.file_start(),
        format: ReportFormat::Sarif,
        date: out.iter().filter_map(|r| r.date).max(),
        runs: out,
    })
}

/// A `security-severity`: a number or a numeric string (`"9.8"`).
fn score(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The first physical location as `uri:line` (or `uri`).
fn target(r: &Value) -> Option<String> {
    let p = r.pointer("/locations/0/physicalLocation")?;
    let uri = p.pointer("/artifactLocation/uri").and_then(Value::as_str)?;
    Some(
        match p.pointer("/region/startLine").and_then(Value::as_u64) {
            Some(line) => format!("{uri}:{line}"),
            None => uri.to_string(),
        },
    )
}
