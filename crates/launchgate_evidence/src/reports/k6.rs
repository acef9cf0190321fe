//! k6 end-of-test summaries, in both JSON shapes k6 writes:
//!
//! - `k6 run --summary-export=FILE`: metric values directly under each metric
//!   (`metrics.http_reqs.rate`), and thresholds as `{"p(95)<500": false}`, where the boolean
//!   says whether the threshold was CROSSED, that is `true` means FAILED. k6 kept this inverted
//!   meaning for backwards compatibility (grafana/k6#1498, "the value is true when the threshold
//!   fails"; grafana/k6-docs#30).
//! - the `handleSummary(data)` object (often written with `JSON.stringify(data)`): values
//!   under `values` (`metrics.http_reqs.values.rate`), thresholds as
//!   `{"p(95)<500": {"ok": true}}`, and `state.testRunDurationMs`.

use serde_json::{Map, Value};

use super::{K6Shape, LoadTestReport, Threshold};
use crate::json::positions::load;
use crate::{Loc, Located, ReportFormat, Source};

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<LoadTestReport> {
    let (doc, pos) = load(src, 4, err)?;
    let at = |path: &[&str]| {
        pos.get(path)
            .map_or_else(|| src.file_start(), |b| src.loc(b, b))
    };
    let Some(metrics) = doc.get("metrics").and_then(Value::as_object) else {
        err(
            src.file_start(),
            "no `metrics` object: not a k6 end-of-test summary".to_string(),
        );
        return None;
    };
    let shape = if metrics
        .values()
        .any(|m| m.get("values").is_some_and(Value::is_object))
    {
        K6Shape::HandleSummary
    } else {
        K6Shape::SummaryExport
    };
    let mut failed = false;
    // A metric's field and the path to it.
    let field = |metric: &str, name: &str| -> (Option<&Value>, Vec<String>) {
        let m = metrics.get(metric);
        match shape {
            K6Shape::HandleSummary => (
                m.and_then(|m| m.get("values")).and_then(|v| v.get(name)),
                vec![
                    "metrics".into(),
                    metric.into(),
                    "values".into(),
                    name.into(),
                ],
            ),
            K6Shape::SummaryExport => (
                m.and_then(|m| m.get(name)),
                vec!["metrics".into(), metric.into(), name.into()],
            ),
        }
    };
    let mut number = |metric: &str, name: &str| -> Option<(f64, Loc)> {
        let (v, path) = field(metric, name);
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let v = v?;
        let n = v.as_f64();
        if n.is_none() {
            err(
                at(&path),
                format!("`{metric}` `{name}` is {v}, not a number"),
            );
            failed = true;
        }
        n.map(|n| (n, at(&path)))
    };
    let request_rate = number("http_reqs", "rate").map(|(v, loc)| Located::new(v, loc));
    let requests = number("http_reqs", "count").map(|(v, _)| v as u64);
    let iterations = number("iterations", "count").map(|(v, _)| v as u64);
    let failed_rate = match shape {
        K6Shape::HandleSummary => number("http_req_failed", "rate"),
        // A Rate metric in summary-export: `value` is the rate of `true` samples, which for
        // `http_req_failed` are the failed requests.
        K6Shape::SummaryExport => number("http_req_failed", "value"),
    }
    .map(|(v, _)| v);
    let duration_ms = doc
        .pointer("/state/testRunDurationMs")
        .and_then(Value::as_f64);
    let mut thresholds = Vec::new();
    for (metric, m) in metrics {
        let Some(ts) = m.get("thresholds").and_then(Value::as_object) else {
            continue;
        };
        thresholds.extend(read_thresholds(metric, ts, &at, err, &mut failed));
    }
    if failed {
        return None;
    }
    Some(LoadTestReport {
        loc: at(&["metrics"]),
        format: ReportFormat::K6,
        date: None,
        shape,
        request_rate,
        requests,
        iterations,
        failed_rate,
        duration_ms,
        thresholds,
    })
}

fn read_thresholds(
    metric: &str,
    ts: &Map<String, Value>,
    at: &dyn Fn(&[&str]) -> Loc,
    err: &mut dyn FnMut(Loc, String),
    failed: &mut bool,
) -> Vec<Threshold> {
    let mut out = Vec::new();
    for (expr, v) in ts {
        let loc = at(&["metrics", metric, "thresholds", expr]);
        let passed = match v {
            // summary-export: `true` means the threshold was crossed (failed).
            Value::Bool(crossed) => !crossed,
            // handleSummary: `{"ok": true}` means it held.
            Value::Object(o) => {
                let Some(ok) = o.get("ok").and_then(Value::as_bool) else {
                    err(
                        loc,
                        format!("threshold `{expr}` of `{metric}` has no boolean `ok`"),
                    );
                    *failed = true;
                    continue;
                };
                ok
            }
            other => {
                err(
                    loc,
                    format!(
                        "threshold `{expr}` of `{metric}` is {other}; expected a boolean (summary-export) or {{\"ok\": bool}} (handleSummary)"
                    ),
                );
                *failed = true;
                continue;
            }
        };
        out.push(Threshold {
            metric: metric.to_string(),
            expr: expr.clone(),
            passed,
            loc,
        });
    }
    out
}
