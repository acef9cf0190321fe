//! SLO specs written for SLO tools: Sloth plain spec files (`version: prometheus/v1`), and, as
//! Kubernetes objects, Sloth `PrometheusServiceLevel` (`sloth.slok.dev/v1`), OpenSLO `SLO`
//! (`openslo/v1`, `openslo/v1alpha`) and Pyrra `ServiceLevelObjective` (`pyrra.dev/v1alpha1`).
//!
//! Every format writes the objective differently: Sloth as a percentage (`objective: 99.9`),
//! Pyrra as a percentage in a string (`target: "99.9"`), OpenSLO as a fraction (`target:
//! 0.999`) or a percentage (`targetPercent: 99.9`). [`SloSpec::objective`] is always the
//! percentage. A spec that cannot be read (no name, no objective, an objective that is not a
//! number or out of range, an unreadable window) is an [`EvidenceError`] at the value.

use launchgate_manifest::SloKind;

use super::duration_seconds;
use crate::k8s::{Kubernetes, Object};
use crate::yaml::{Node, Value};
use crate::{EvidenceError, FileKind, Loc, Located};

/// Seconds in a day.
const DAY: u64 = 86_400;

/// Sloth's SLO period when the spec names none (its `--default-slo-period`): 30 days.
pub const SLOTH_DEFAULT_WINDOW: u64 = 30 * DAY;

/// The tool an SLO spec is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SloTool {
    /// Sloth: a plain spec file or a `PrometheusServiceLevel` resource.
    Sloth,
    /// An OpenSLO `SLO` document.
    OpenSlo,
    /// A Pyrra `ServiceLevelObjective` resource.
    Pyrra,
}

impl SloTool {
    /// The tool's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            SloTool::Sloth => "Sloth",
            SloTool::OpenSlo => "OpenSLO",
            SloTool::Pyrra => "Pyrra",
        }
    }
}

/// One SLO declared in a spec file or resource.
#[derive(Debug, Clone)]
pub struct SloSpec {
    pub tool: SloTool,
    /// The SLO's name (Sloth `slos[].name`, `metadata.name` of OpenSLO and Pyrra objects).
    pub name: Located<String>,
    /// The service it belongs to, when the format names one (Sloth `service`, OpenSLO
    /// `spec.service`); Pyrra objectives name none.
    pub service: Option<String>,
    /// The objective as a percentage (99.9), at the value as written.
    pub objective: Located<f64>,
    /// The compliance window as written (`28d`; OpenSLO v1alpha `count` and `unit` as `28d`).
    pub window: Option<Located<String>>,
    /// The window in seconds: the written one, or the tool's default (Sloth: 30 days).
    pub window_seconds: Option<u64>,
    /// Availability or latency: Pyrra's indicator type; for Sloth and OpenSLO read from the SLI
    /// queries (see [`sli_kind`]).
    pub kind: SloKind,
    /// The SLO: its list item (Sloth) or object (OpenSLO, Pyrra).
    pub loc: Loc,
}

impl SloSpec {
    /// `Sloth SLO `checkout-availability``, for messages.
    pub fn describe(&self) -> String {
        format!("{} SLO `{}`", self.tool.name(), self.name.value)
    }
}

fn err(loc: &Loc, message: String) -> EvidenceError {
    EvidenceError::new(loc.clone(), FileKind::SloSpec, message)
}

fn text(n: Option<&Node>) -> Option<Located<String>> {
    let n = n?;
    n.scalar_text()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Located::new(t, n.loc.clone()))
}

/// Rounds away the binary noise of `0.999 * 100`.
fn tidy(percent: f64) -> f64 {
    (percent * 1e9).round() / 1e9
}

/// A number from a YAML scalar: numbers, and numbers written as strings.
fn number(n: &Node) -> Option<f64> {
    match &n.value {
        Value::Str(s) => s.trim().trim_end_matches('%').trim().parse().ok(),
        _ => n.as_f64(),
    }
    .filter(|f: &f64| f.is_finite())
}

/// Reads a percentage objective (Sloth, Pyrra, OpenSLO `targetPercent`): a number strictly
/// between 0 and 100. A value below 1 is taken for a fraction written where a percentage
/// belongs (`0.999` meaning 99.9%) and rejected.
fn percent(
    n: &Node,
    what: &str,
    key: &str,
    errors: &mut Vec<EvidenceError>,
) -> Option<Located<f64>> {
    let Some(v) = number(n) else {
        errors.push(err(
            &n.loc,
            format!("{what}: `{key}` is not a number; write a percentage such as 99.9"),
        ));
        return None;
    };
    if !(v > 0.0 && v < 100.0) {
        errors.push(err(
            &n.loc,
            format!(
                "{what}: `{key}: {v}` is not a percentage between 0 and 100 (exclusive), e.g. 99.9"
            ),
        ));
        return None;
    }
    if v < 1.0 {
        errors.push(err(
            &n.loc,
            format!(
                "{what}: `{key}: {v}` is a percentage here, so it means {v}%; write {} for {}%",
                tidy(v * 100.0),
                tidy(v * 100.0)
            ),
        ));
        return None;
    }
    Some(Located::new(tidy(v), n.loc.clone()))
}

/// Reads an OpenSLO `target`: a fraction strictly between 0 and 1, returned as a percentage.
fn fraction(n: &Node, what: &str, errors: &mut Vec<EvidenceError>) -> Option<Located<f64>> {
    let Some(v) = number(n) else {
        errors.push(err(
            &n.loc,
            format!("{what}: `target` is not a number; write a fraction such as 0.999"),
        ));
        return None;
    };
    if !(v > 0.0 && v < 1.0) {
        let hint = if v > 1.0 && v < 100.0 {
            format!(
                "; for {v}% write `target: {}` or `targetPercent: {v}`",
                tidy(v / 100.0)
            )
        } else {
            String::new()
        };
        errors.push(err(
            &n.loc,
            format!("{what}: `target: {v}` is not a fraction between 0 and 1{hint}"),
        ));
        return None;
    }
    Some(Located::new(tidy(v * 100.0), n.loc.clone()))
}

/// Whether the text has a label matcher on `label` (`le="0.3"`, `code=~"5.."`): the label
/// name preceded by `{`, `,` or blank and followed by a matching operator.
fn has_matcher(text: &str, label: &str) -> bool {
    text.match_indices(label).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + label.len()..].trim_start();
        matches!(before, Some('{' | ',' | ' ' | '\t' | '\n'))
            && (after.starts_with('=') || after.starts_with("!="))
    })
}

/// Availability or latency, from an SLO's name and SLI query texts (Sloth and OpenSLO, which
/// do not say). Latency when a query reads histogram buckets (a `_bucket` series or an `le`
/// matcher); availability when it matches on a status code (`code`, `status`, `status_code`,
/// `grpc_code`, `response_code`), however its metric is named (Sloth's own examples count
/// errors on `http_request_duration_seconds_count{code=~"5.."}`); otherwise latency when the
/// name or a query speaks of latency or duration; otherwise availability.
pub fn sli_kind(name: &str, queries: &[String]) -> SloKind {
    let lower: Vec<String> = queries.iter().map(|q| q.to_ascii_lowercase()).collect();
    if lower
        .iter()
        .any(|q| q.contains("_bucket") || has_matcher(q, "le"))
    {
        return SloKind::Latency;
    }
    if lower.iter().any(|q| {
        [
            "code",
            "status",
            "status_code",
            "grpc_code",
            "response_code",
        ]
        .iter()
        .any(|l| has_matcher(q, l))
    }) {
        return SloKind::Availability;
    }
    let name = name.to_ascii_lowercase();
    let speaks = |t: &str| t.contains("latency") || t.contains("duration") || t.contains("slow");
    if speaks(&name) || lower.iter().any(|q| speaks(q)) {
        SloKind::Latency
    } else {
        SloKind::Availability
    }
}

/// Every string scalar under a node, in document order.
fn strings(n: &Node, out: &mut Vec<String>) {
    match &n.value {
        Value::Str(s) => out.push(s.clone()),
        Value::Seq(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Map(entries) => entries.iter().for_each(|e| strings(&e.value, out)),
        _ => {}
    }
}

/// Reads the SLOs of a Sloth spec: a plain `prometheus/v1` file, or the `spec` of a
/// `PrometheusServiceLevel`.
pub(super) fn read_sloth(root: &Node, errors: &mut Vec<EvidenceError>) -> Vec<SloSpec> {
    let mut out = Vec::new();
    let service = text(root.get("service")).map(|s| s.value);
    let Some(list) = root.get("slos") else {
        errors.push(err(&root.loc, "Sloth spec has no `slos` list".to_string()));
        return out;
    };
    if !matches!(list.value, Value::Seq(_)) {
        errors.push(err(
            &list.loc,
            "Sloth spec: `slos` is not a list of SLOs".to_string(),
        ));
        return out;
    }
    for item in list.as_seq() {
        let Some(name) = text(item.get("name")) else {
            errors.push(err(
                &item.loc,
                "an SLO in the Sloth spec has no `name`".to_string(),
            ));
            continue;
        };
        let what = format!("Sloth SLO `{}`", name.value);
        let Some(o) = item.get("objective") else {
            errors.push(err(&item.loc, format!("{what} has no `objective`")));
            continue;
        };
        let Some(objective) = percent(o, &what, "objective", errors) else {
            continue;
        };
        let mut queries = Vec::new();
        if let Some(sli) = item.get("sli") {
            strings(sli, &mut queries);
        }
        out.push(SloSpec {
            tool: SloTool::Sloth,
            kind: sli_kind(&name.value, &queries),
            name,
            service: service.clone(),
            objective,
            window: None,
            window_seconds: Some(SLOTH_DEFAULT_WINDOW),
            loc: item.loc.clone(),
        });
    }
    out
}

/// An OpenSLO duration (`28d`, `4w`, `1M`, `1Q`, `1Y`): months count 30 days, quarters 90
/// and years 365, as calendar windows only approximate them.
pub fn openslo_duration_seconds(text: &str) -> Option<u64> {
    let t = text.trim();
    let unit = t.chars().last()?;
    let per = match unit {
        'M' => 30 * DAY,
        'Q' => 90 * DAY,
        'Y' => 365 * DAY,
        _ => return duration_seconds(t),
    };
    let n: u64 = t[..t.len() - 1].parse().ok()?;
    n.checked_mul(per)
}

/// OpenSLO v1alpha `timeWindows[].unit` in seconds.
fn openslo_unit_seconds(unit: &str) -> Option<(u64, char)> {
    Some(match unit.trim().to_ascii_lowercase().as_str() {
        "second" => (1, 's'),
        "minute" => (60, 'm'),
        "hour" => (3600, 'h'),
        "day" => (DAY, 'd'),
        "week" => (7 * DAY, 'w'),
        "month" => (30 * DAY, 'M'),
        "quarter" => (90 * DAY, 'Q'),
        "year" => (365 * DAY, 'Y'),
        _ => return None,
    })
}

/// The window of an OpenSLO SLO: v1 `timeWindow[0].duration`, v1alpha `timeWindows[0]`
/// `count` and `unit`.
fn openslo_window(
    spec: &Node,
    what: &str,
    errors: &mut Vec<EvidenceError>,
) -> Option<(Located<String>, u64)> {
    let first = |key: &str| {
        spec.get(key).map(|n| match &n.value {
            Value::Seq(items) => items.first().unwrap_or(n),
            _ => n,
        })
    };
    if let Some(w) = first("timeWindow") {
        let Some(d) = w.get("duration") else {
            errors.push(err(
                &w.loc,
                format!("{what}: `timeWindow` has no `duration`"),
            ));
            return None;
        };
        let written = text(Some(d))?;
        let Some(secs) = openslo_duration_seconds(&written.value).filter(|s| *s > 0) else {
            errors.push(err(
                &d.loc,
                format!(
                    "{what}: `duration: {}` is not a duration such as `28d`, `4w` or `1M`",
                    written.value
                ),
            ));
            return None;
        };
        return Some((written, secs));
    }
    let w = first("timeWindows")?;
    let count = w.get("count").and_then(Node::as_i64);
    let unit = w.get("unit").and_then(Node::as_str);
    match (count, unit.and_then(openslo_unit_seconds)) {
        (Some(c), Some((per, u))) if c > 0 => {
            let c = c.unsigned_abs();
            Some((
                Located::new(format!("{c}{u}"), w.loc.clone()),
                c.checked_mul(per)?,
            ))
        }
        _ => {
            errors.push(err(
                &w.loc,
                format!(
                    "{what}: `timeWindows` needs a positive `count` and a `unit` (Second, Minute, Hour, Day, Week, Month, Quarter, Year)"
                ),
            ));
            None
        }
    }
}

/// Reads an OpenSLO `SLO` object: one spec per objective.
fn read_openslo(o: &Object, kube: &Kubernetes, errors: &mut Vec<EvidenceError>) -> Vec<SloSpec> {
    let mut out = Vec::new();
    let Some(name) = o.name.clone() else {
        errors.push(err(
            &o.loc,
            "OpenSLO SLO has no `metadata.name`".to_string(),
        ));
        return out;
    };
    let what = format!("OpenSLO SLO `{}`", name.value);
    let Some(spec) = o.doc.get("spec").filter(|s| s.is_map()) else {
        errors.push(err(&o.loc, format!("{what} has no `spec`")));
        return out;
    };
    let service = text(spec.get("service")).map(|s| s.value);
    let window = openslo_window(spec, &what, errors);
    let mut queries = Vec::new();
    if let Some(i) = spec.get("indicator") {
        strings(i, &mut queries);
    }
    // An `indicatorRef` names an SLI object, usually in the same repository.
    if let Some(r) = spec.get("indicatorRef").and_then(Node::as_str) {
        for sli in kube
            .objects
            .iter()
            .filter(|s| s.kind == "SLI" && s.name() == r && is_openslo(s))
        {
            strings(&sli.doc, &mut queries);
        }
    }
    let Some(list) = spec.get("objectives") else {
        errors.push(err(&spec.loc, format!("{what} has no `objectives`")));
        return out;
    };
    if list.as_seq().is_empty() {
        errors.push(err(
            &list.loc,
            format!("{what}: `objectives` is not a list of objectives"),
        ));
        return out;
    }
    for item in list.as_seq() {
        let objective = match (item.get("target"), item.get("targetPercent")) {
            (Some(t), _) => fraction(t, &what, errors),
            (None, Some(p)) => percent(p, &what, "targetPercent", errors),
            (None, None) => {
                errors.push(err(
                    &item.loc,
                    format!("{what}: an objective has neither `target` nor `targetPercent`"),
                ));
                None
            }
        };
        let Some(objective) = objective else {
            continue;
        };
        let mut q = queries.clone();
        strings(item, &mut q);
        out.push(SloSpec {
            tool: SloTool::OpenSlo,
            kind: sli_kind(&name.value, &q),
            name: name.clone(),
            service: service.clone(),
            objective,
            window: window.as_ref().map(|w| w.0.clone()),
            window_seconds: window.as_ref().map(|w| w.1),
            loc: o.loc.clone(),
        });
    }
    out
}

/// Reads a Pyrra `ServiceLevelObjective`.
fn read_pyrra(o: &Object, errors: &mut Vec<EvidenceError>) -> Option<SloSpec> {
    let Some(name) = o.name.clone() else {
        errors.push(err(
            &o.loc,
            "Pyrra ServiceLevelObjective has no `metadata.name`".to_string(),
        ));
        return None;
    };
    let what = format!("Pyrra objective `{}`", name.value);
    let Some(spec) = o.doc.get("spec").filter(|s| s.is_map()) else {
        errors.push(err(&o.loc, format!("{what} has no `spec`")));
        return None;
    };
    let Some(t) = spec.get("target") else {
        errors.push(err(&spec.loc, format!("{what} has no `target`")));
        return None;
    };
    let objective = percent(t, &what, "target", errors)?;
    let Some(indicator) = spec.get("indicator").filter(|i| i.is_map()) else {
        errors.push(err(&spec.loc, format!("{what} has no `indicator`")));
        return None;
    };
    let kind = if indicator.get("latency").is_some() || indicator.get("latencyNative").is_some() {
        SloKind::Latency
    } else {
        SloKind::Availability
    };
    let mut window = None;
    if let Some(w) = text(spec.get("window")) {
        let Some(secs) = duration_seconds(&w.value).filter(|s| *s > 0) else {
            errors.push(err(
                &w.loc,
                format!(
                    "{what}: `window: {}` is not a Prometheus duration such as `28d` or `4w`",
                    w.value
                ),
            ));
            return None;
        };
        window = Some((w, secs));
    }
    Some(SloSpec {
        tool: SloTool::Pyrra,
        name,
        service: None,
        objective,
        window_seconds: window.as_ref().map(|w| w.1),
        window: window.map(|w| w.0),
        kind,
        loc: o.loc.clone(),
    })
}

fn is_openslo(o: &Object) -> bool {
    o.group() == Some("openslo")
}

/// The SLO specs among Kubernetes objects (Sloth, OpenSLO, Pyrra resources).
pub(super) fn from_kubernetes(kube: &Kubernetes, errors: &mut Vec<EvidenceError>) -> Vec<SloSpec> {
    let mut out = Vec::new();
    for o in &kube.objects {
        match (o.group(), o.kind.as_str()) {
            (Some("sloth.slok.dev"), "PrometheusServiceLevel") => match o.doc.get("spec") {
                Some(spec) if spec.is_map() => out.extend(read_sloth(spec, errors)),
                _ => errors.push(err(
                    &o.loc,
                    format!("Sloth PrometheusServiceLevel `{}` has no `spec`", o.name()),
                )),
            },
            (Some("openslo"), "SLO") => out.extend(read_openslo(o, kube, errors)),
            (Some("pyrra.dev"), "ServiceLevelObjective") => out.extend(read_pyrra(o, errors)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

    use super::*;
    use crate::k8s;
    use crate::prometheus::{Prometheus, RuleFile, assemble, parse};
    use crate::{Source, yaml};

    fn scan_text(path: &str, text: &str) -> (Prometheus, Vec<EvidenceError>) {
        scan_as(path, text, crate::classify(path, text))
    }

    fn scan_as(path: &str, text: &str, kind: FileKind) -> (Prometheus, Vec<EvidenceError>) {
        let src = Source::new(path, text);
        let docs = yaml::load_all(&src).unwrap();
        let mut errors = Vec::new();
        let (files, kube): (Vec<RuleFile>, Kubernetes) = match kind {
            FileKind::Kubernetes => (
                Vec::new(),
                k8s::assemble(k8s::parse(&src, docs, &mut errors).into_iter().collect()),
            ),
            _ => (parse(&src, kind, &docs, &mut errors), Kubernetes::default()),
        };
        (assemble(files, &kube, &mut errors), errors)
    }

    const SLOTH: &str = r#"version: "prometheus/v1"
service: "ledger-api"
labels:
  team: ledger
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Ledger API answers without server errors."
    sli:
      events:
        errorQuery: sum(rate(ledger_http_requests_total{job="ledger-api",code=~"5.."}[{{.window}}]))
        totalQuery: sum(rate(ledger_http_requests_total{job="ledger-api"}[{{.window}}]))
    alerting:
      name: LedgerApiHighErrorRate
  - name: "requests-latency"
    objective: 99
    sli:
      events:
        errorQuery: |
          sum(rate(ledger_http_request_duration_seconds_count{job="ledger-api"}[{{.window}}]))
          -
          sum(rate(ledger_http_request_duration_seconds_bucket{job="ledger-api",le="0.5"}[{{.window}}]))
        totalQuery: sum(rate(ledger_http_request_duration_seconds_count{job="ledger-api"}[{{.window}}]))
"#;

    #[test]
    fn sloth_plain_spec() {
        let (p, errors) = scan_text("slo/ledger.yaml", SLOTH);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.slo_specs.len(), 2);
        let a = &p.slo_specs[0];
        assert_eq!(a.tool, SloTool::Sloth);
        assert_eq!(a.name.value, "requests-availability");
        assert_eq!(a.service.as_deref(), Some("ledger-api"));
        assert_eq!(a.objective.value, 99.9);
        assert_eq!((a.objective.loc.line, a.objective.loc.column), (7, 16));
        assert_eq!((a.loc.line, a.loc.column), (6, 5));
        assert_eq!(a.kind, SloKind::Availability);
        assert_eq!(a.window_seconds, Some(30 * DAY));
        assert!(a.window.is_none());
        let l = &p.slo_specs[1];
        assert_eq!(l.kind, SloKind::Latency);
        assert_eq!(l.objective.value, 99.0);
    }

    #[test]
    fn sloth_spec_errors_are_located() {
        let text = "version: prometheus/v1\nservice: ledger\nslos:\n  - name: a\n    objective: high\n  - name: b\n    objective: 0.999\n  - objective: 99\n  - name: d\n";
        let (p, errors) = scan_text("slo/bad.yaml", text);
        assert!(p.slo_specs.is_empty());
        let got: Vec<(u32, u32, &str)> = errors
            .iter()
            .map(|e| (e.loc.line, e.loc.column, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    5,
                    16,
                    "Sloth SLO `a`: `objective` is not a number; write a percentage such as 99.9"
                ),
                (
                    7,
                    16,
                    "Sloth SLO `b`: `objective: 0.999` is a percentage here, so it means 0.999%; write 99.9 for 99.9%"
                ),
                (8, 5, "an SLO in the Sloth spec has no `name`"),
                (9, 5, "Sloth SLO `d` has no `objective`"),
            ]
        );
        assert!(errors.iter().all(|e| e.kind == FileKind::SloSpec));
    }

    const OBJECTS: &str = r#"apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: ledger-slos
spec:
  service: ledger-api
  slos:
    - name: ledger-availability
      objective: 99.5
      sli:
        raw:
          errorRatioQuery: sum(rate(ledger_errors_total[{{.window}}])) / sum(rate(ledger_requests_total[{{.window}}]))
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ledger-read-latency
spec:
  service: ledger-api
  indicatorRef: ledger-read-latency-sli
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: fast reads
      target: 0.995
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: ledger-read-latency-sli
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(ledger_read_seconds_bucket{le="0.25"}[5m]))
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(ledger_read_seconds_count[5m]))
---
apiVersion: openslo/v1alpha
kind: SLO
metadata:
  name: ledger-writes
spec:
  service: ledger-api
  timeWindows:
    - unit: Week
      count: 4
      isRolling: true
  objectives:
    - ratioMetrics:
        good:
          source: prometheus
          query: sum(rate(ledger_writes_total{status="ok"}[5m]))
        total:
          source: prometheus
          query: sum(rate(ledger_writes_total[5m]))
      target: 0.999
---
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: ledger-api-latency
  namespace: monitoring
spec:
  target: "99"
  window: 2w
  indicator:
    latency:
      success:
        metric: ledger_http_request_duration_seconds_bucket{job="ledger-api",le="1"}
      total:
        metric: ledger_http_request_duration_seconds_count{job="ledger-api"}
"#;

    #[test]
    fn kubernetes_slo_resources() {
        // Sloth's `{{.window}}` placeholders make `classify` take the file for a Helm
        // template; read it as the Kubernetes file it is.
        let (p, errors) = scan_as("deploy/slos.yaml", OBJECTS, FileKind::Kubernetes);
        assert!(errors.is_empty(), "{errors:?}");
        let got: Vec<(SloTool, &str, Option<&str>, f64, Option<u64>, SloKind, u32)> = p
            .slo_specs
            .iter()
            .map(|s| {
                (
                    s.tool,
                    s.name.value.as_str(),
                    s.service.as_deref(),
                    s.objective.value,
                    s.window_seconds,
                    s.kind,
                    s.objective.loc.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    SloTool::Sloth,
                    "ledger-availability",
                    Some("ledger-api"),
                    99.5,
                    Some(30 * DAY),
                    SloKind::Availability,
                    9
                ),
                (
                    SloTool::OpenSlo,
                    "ledger-read-latency",
                    Some("ledger-api"),
                    99.5,
                    Some(28 * DAY),
                    SloKind::Latency,
                    27
                ),
                (
                    SloTool::OpenSlo,
                    "ledger-writes",
                    Some("ledger-api"),
                    99.9,
                    Some(28 * DAY),
                    SloKind::Availability,
                    65
                ),
                (
                    SloTool::Pyrra,
                    "ledger-api-latency",
                    None,
                    99.0,
                    Some(14 * DAY),
                    SloKind::Latency,
                    73
                ),
            ]
        );
        assert_eq!(
            p.slo_specs[1].window.as_ref().map(|w| w.value.as_str()),
            Some("28d")
        );
        assert_eq!(
            p.slo_specs[2].window.as_ref().map(|w| w.value.as_str()),
            Some("4w")
        );
    }

    #[test]
    fn malformed_kubernetes_specs() {
        let text = r#"apiVersion: openslo/v1
kind: SLO
metadata:
  name: a
spec:
  service: s
  timeWindow:
    - duration: month
  objectives:
    - target: 99.9
---
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: b
spec:
  target: "ninety"
  window: 4w
  indicator: {ratio: {}}
---
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: c
spec:
  target: "99.9"
  window: 4 weeks
  indicator: {ratio: {}}
"#;
        let (p, errors) = scan_text("deploy/bad-slos.yaml", text);
        assert!(p.slo_specs.is_empty(), "{:?}", p.slo_specs);
        let got: Vec<(u32, &str)> = errors
            .iter()
            .map(|e| (e.loc.line, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    8,
                    "OpenSLO SLO `a`: `duration: month` is not a duration such as `28d`, `4w` or `1M`"
                ),
                (
                    10,
                    "OpenSLO SLO `a`: `target: 99.9` is not a fraction between 0 and 1; for 99.9% write `target: 0.999` or `targetPercent: 99.9`"
                ),
                (
                    17,
                    "Pyrra objective `b`: `target` is not a number; write a percentage such as 99.9"
                ),
                (
                    27,
                    "Pyrra objective `c`: `window: 4 weeks` is not a Prometheus duration such as `28d` or `4w`"
                ),
            ]
        );
    }

    #[test]
    fn kind_heuristics() {
        let q = |s: &str| vec![s.to_string()];
        assert_eq!(
            sli_kind(
                "x",
                &q("sum(rate(http_request_duration_seconds_count{code=~\"5..\"}[5m]))")
            ),
            SloKind::Availability
        );
        assert_eq!(
            sli_kind("x", &q("rate(http_request_duration_seconds_count[5m])")),
            SloKind::Latency
        );
        assert_eq!(
            sli_kind("x", &q("rate(x_bucket{le=\"0.3\"}[5m])")),
            SloKind::Latency
        );
        assert_eq!(
            sli_kind("x", &q("rate(x{handle=\"a\"}[5m])")),
            SloKind::Availability
        );
        assert_eq!(sli_kind("checkout-latency", &[]), SloKind::Latency);
        assert_eq!(sli_kind("checkout", &[]), SloKind::Availability);
        assert_eq!(openslo_duration_seconds("1M"), Some(30 * DAY));
        assert_eq!(openslo_duration_seconds("28d"), Some(28 * DAY));
        assert_eq!(openslo_duration_seconds("M"), None);
    }
}
