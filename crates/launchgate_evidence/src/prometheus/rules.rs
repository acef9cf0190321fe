//! Reading rule groups from YAML trees: rule files, PrometheusRule resources and rule files
//! embedded in ConfigMaps.

use std::collections::BTreeMap;

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, VectorSelector};

use super::{Rule, RuleGroup, RuleKind, RuleOrigin};
use crate::k8s::Kubernetes;
use crate::yaml::{self, Node, Value};
use crate::{EvidenceError, FileKind, Loc, Located, Source};

/// Reads `groups:` from one document.
pub(super) fn read_groups(
    doc: &Node,
    origin: &RuleOrigin,
    groups: &mut Vec<RuleGroup>,
    rules: &mut Vec<Rule>,
    errors: &mut Vec<EvidenceError>,
) {
    let Some(list) = doc.get("groups") else {
        return;
    };
    if !matches!(list.value, Value::Seq(_) | Value::Null) {
        errors.push(EvidenceError::new(
            list.loc.clone(),
            FileKind::PrometheusRules,
            "`groups` is not a list of rule groups",
        ));
        return;
    }
    for g in list.as_seq() {
        let Some(name) = located_text(g.get("name")) else {
            errors.push(EvidenceError::new(
                g.loc.clone(),
                FileKind::PrometheusRules,
                "rule group has no `name`",
            ));
            continue;
        };
        groups.push(RuleGroup {
            name: name.clone(),
            interval: located_text(g.get("interval")),
            origin: origin.clone(),
            loc: g.loc.clone(),
        });
        let Some(list) = g.get("rules") else {
            continue;
        };
        if !matches!(list.value, Value::Seq(_) | Value::Null) {
            errors.push(EvidenceError::new(
                list.loc.clone(),
                FileKind::PrometheusRules,
                format!("`rules` of group `{}` is not a list", name.value),
            ));
            continue;
        }
        for r in list.as_seq() {
            if let Some(rule) = read_rule(r, &name.value, origin, errors) {
                rules.push(rule);
            }
        }
    }
}

fn read_rule(
    r: &Node,
    group: &str,
    origin: &RuleOrigin,
    errors: &mut Vec<EvidenceError>,
) -> Option<Rule> {
    let err =
        |loc: &Loc, msg: String| EvidenceError::new(loc.clone(), FileKind::PrometheusRules, msg);
    let (kind, name) = match (located_text(r.get("alert")), located_text(r.get("record"))) {
        (Some(a), None) => (RuleKind::Alert, a),
        (None, Some(rec)) => (RuleKind::Record, rec),
        (Some(a), Some(_)) => {
            errors.push(err(
                &r.loc,
                format!(
                    "rule `{}` in group `{group}` has both `alert` and `record`",
                    a.value
                ),
            ));
            return None;
        }
        (None, None) => {
            errors.push(err(
                &r.loc,
                format!("a rule in group `{group}` has neither `alert` nor `record`"),
            ));
            return None;
        }
    };
    let what = match kind {
        RuleKind::Alert => "alert",
        RuleKind::Record => "recording rule",
    };
    let Some(expr) = located_text(r.get("expr")) else {
        errors.push(err(
            &r.loc,
            format!("{what} `{}` has no `expr`", name.value),
        ));
        return None;
    };
    let query = promql_parser::parser::parse(&expr.value);
    if let Err(msg) = &query {
        errors.push(err(
            &expr.loc,
            format!(
                "{what} `{}`: the expression is not valid PromQL: {}",
                name.value,
                msg.trim()
            ),
        ));
    }
    Some(Rule {
        kind,
        name,
        group: group.to_string(),
        origin: origin.clone(),
        expr,
        query,
        for_: located_text(r.get("for")),
        keep_firing_for: located_text(r.get("keep_firing_for")),
        labels: text_map(r.get("labels")),
        annotations: text_map(r.get("annotations")),
        loc: r.loc.clone(),
    })
}

fn located_text(n: Option<&Node>) -> Option<Located<String>> {
    let n = n?;
    n.scalar_text().map(|t| Located::new(t, n.loc.clone()))
}

fn text_map(n: Option<&Node>) -> BTreeMap<String, Located<String>> {
    n.map(|n| {
        n.as_map()
            .iter()
            .filter_map(|e| {
                e.value
                    .scalar_text()
                    .map(|t| (e.key.clone(), Located::new(t, e.value.loc.clone())))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Rules inside Kubernetes objects: PrometheusRule resources (`spec.groups`) and ConfigMap
/// data keys that hold a rule file.
pub(super) fn from_kubernetes(
    kube: &Kubernetes,
    groups: &mut Vec<RuleGroup>,
    rules: &mut Vec<Rule>,
    errors: &mut Vec<EvidenceError>,
) {
    for o in &kube.objects {
        match o.kind.as_str() {
            "PrometheusRule" => {
                if let Some(spec) = o.doc.get("spec") {
                    read_groups(
                        spec,
                        &RuleOrigin::PrometheusRule(o.name().to_string()),
                        groups,
                        rules,
                        errors,
                    );
                }
            }
            "ConfigMap" => {
                let Some(data) = o.doc.get("data") else {
                    continue;
                };
                for e in data.as_map() {
                    let Some(text) = e.value.as_str() else {
                        continue;
                    };
                    if !text.lines().any(|l| l.starts_with("groups:")) {
                        continue;
                    }
                    let origin = RuleOrigin::ConfigMap {
                        name: o.name().to_string(),
                        key: e.key.clone(),
                    };
                    let inner = Source::new(e.value.loc.path.clone(), text);
                    match yaml::load_all(&inner) {
                        Ok(docs) => {
                            for d in &docs {
                                let d = yaml::relocate(d, &|l| {
                                    yaml::embedded_loc(l, &e.key_loc, &e.value.loc)
                                });
                                read_groups(&d, &origin, groups, rules, errors);
                            }
                        }
                        Err(err) => errors.push(EvidenceError::new(
                            yaml::embedded_loc(&err.loc, &e.key_loc, &e.value.loc),
                            FileKind::PrometheusRules,
                            format!("ConfigMap `{}` key `{}`: {}", o.name(), e.key, err.message),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
}

/// A Prometheus duration (`30s`, `5m`, `1h30m`, `2d`, `1w`, `1y`, `500ms`, units from the
/// largest down, each once) in whole seconds (milliseconds are rounded down); `None` when it
/// is not one. PromQL's own parser reads it; a bare number (seconds to PromQL, not a duration
/// in a rule file) is not one, and zero (`0`, `0s`) is.
pub fn duration_seconds(text: &str) -> Option<u64> {
    let t = text.trim();
    if t == "0" {
        return Some(0);
    }
    if !t.starts_with(|c: char| c.is_ascii_digit()) || t.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Ok(d) = promql_parser::util::parse_duration(t) {
        return Some(d.as_secs());
    }
    // The parser refuses a zero duration; it is one when the same units with 1s parse.
    let zero = t.bytes().all(|b| b == b'0' || !b.is_ascii_digit());
    let ones: String = t.chars().map(|c| if c == '0' { '1' } else { c }).collect();
    (zero && promql_parser::util::parse_duration(&ones).is_ok()).then_some(0)
}

/// Every vector selector in an expression (including those inside range selectors and
/// subqueries), in reading order.
pub fn vector_selectors(expr: &Expr) -> Vec<&VectorSelector> {
    let mut out = Vec::new();
    visit(expr, &mut |e| match e {
        Expr::VectorSelector(v) => out.push(v),
        Expr::MatrixSelector(m) => out.push(&m.vs),
        _ => {}
    });
    out
}

/// Calls `f` on every node of an expression, parents before children, left to right.
pub fn visit<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    f(e);
    match e {
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                visit(p, f);
            }
            visit(&a.expr, f);
        }
        Expr::Unary(u) => visit(&u.expr, f),
        Expr::Binary(b) => {
            visit(&b.lhs, f);
            visit(&b.rhs, f);
        }
        Expr::Paren(p) => visit(&p.expr, f),
        Expr::Subquery(s) => visit(&s.expr, f),
        Expr::Call(c) => {
            for a in &c.args.args {
                visit(a, f);
            }
        }
        Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => {}
    }
}

/// Whether a selector pins label `key` to `value`: `key="value"`, or a regex that matches
/// `value` (whole: PromQL regexes are anchored).
pub(super) fn selects(vs: &VectorSelector, key: &str, value: &str) -> bool {
    vs.matchers
        .matchers
        .iter()
        .chain(vs.matchers.or_matchers.iter().flatten())
        .any(|m| {
            m.name == key
                && match &m.op {
                    MatchOp::Equal => m.value == value,
                    // promql-parser anchors regex matchers (`^(?:...)$`), as Prometheus does.
                    MatchOp::Re(re) => re.is_match(value),
                    MatchOp::NotEqual | MatchOp::NotRe(_) => false,
                }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s;
    use crate::prometheus::{Prometheus, RuleFile, assemble, parse};

    fn scan_text(path: &str, text: &str) -> (Prometheus, Vec<EvidenceError>) {
        let src = Source::new(path, text);
        let docs = yaml::load_all(&src).unwrap_or_default();
        let mut errors = Vec::new();
        let kind = crate::classify(path, text);
        let (files, kube): (Vec<RuleFile>, Kubernetes) = match kind {
            FileKind::Kubernetes => (
                Vec::new(),
                k8s::assemble(k8s::parse(&src, docs, &mut errors).into_iter().collect()),
            ),
            _ => (parse(&src, kind, &docs, &mut errors), Kubernetes::default()),
        };
        (assemble(files, &kube, &mut errors), errors)
    }

    const FILE: &str = "\
groups:
  - name: api
    interval: 30s
    rules:
      - record: job:http_errors:ratio_rate5m
        expr: sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m])) / sum(rate(http_requests_total{job=\"api\"}[5m]))
      - alert: HighErrorRate
        expr: job:http_errors:ratio_rate5m > 0.05
        for: 10m
        labels:
          severity: page
        annotations:
          summary: Too many errors
          runbook_url: docs/runbooks/high-error-rate.md
      - alert: Broken
        expr: sum(rate(x[5m]) by
";

    #[test]
    fn rule_file_rules_keep_their_locations() {
        let valid = FILE.split("      - alert: Broken").next().unwrap();
        let (p, errors) = scan_text("monitoring/rules.yml", valid);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.groups.len(), 1);
        assert_eq!(p.groups[0].name.value, "api");
        assert_eq!(p.rules.len(), 2);
        assert_eq!((p.alerts().count(), p.recording_rules().count()), (1, 1));
        // With one broken expression Prometheus rejects the whole file: its rules count for
        // nothing, and are kept apart with their locations.
        let (p, errors) = scan_text("monitoring/rules.yml", FILE);
        assert!(p.rules.is_empty() && p.groups.is_empty());
        assert_eq!(p.rejected.len(), 3);
        let alert = &p.rejected[1];
        assert_eq!(alert.name.value, "HighErrorRate");
        assert_eq!((alert.expr.loc.line, alert.expr.loc.column), (8, 15));
        assert_eq!(alert.for_seconds(), Some(600));
        assert_eq!(alert.label("severity"), Some("page"));
        assert_eq!(
            alert.annotation("runbook_url"),
            Some("docs/runbooks/high-error-rate.md")
        );
        assert!(alert.parsed().is_some());
        assert_eq!(p.alerts().count(), 0);
        // The broken expression is an error at its `expr:` line, and the rule is kept apart.
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].loc.line, errors[0].loc.column), (16, 15));
        assert!(
            errors[0]
                .message
                .starts_with("alert `Broken`: the expression is not valid PromQL")
        );
        assert!(p.rejected[2].query.is_err());
    }

    #[test]
    fn selection_by_labels_and_expression_matchers() {
        let valid = FILE.split("      - alert: Broken").next().unwrap();
        let (p, _) = scan_text("monitoring/rules.yml", valid);
        let sel = |pairs: &[(&str, &str)]| launchgate_manifest::AlertSelection {
            selectors: vec![
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect(),
            ],
        };
        // `job="api"` appears in the recording rule's expression only.
        let names = |s: &launchgate_manifest::AlertSelection| {
            p.rules
                .iter()
                .filter(|r| r.selected_by(s))
                .map(|r| r.name.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&sel(&[("job", "api")])),
            ["job:http_errors:ratio_rate5m"]
        );
        assert_eq!(names(&sel(&[("severity", "page")])), ["HighErrorRate"]);
        assert!(names(&sel(&[("job", "other")])).is_empty());
        assert_eq!(
            names(&sel(&[("code", "503")])),
            ["job:http_errors:ratio_rate5m"]
        );
        assert_eq!(names(&sel(&[("code", "403")])), Vec::<String>::new());
    }

    #[test]
    fn prometheus_rule_and_configmap_rules() {
        let text = "\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: api-rules
spec:
  groups:
    - name: api
      rules:
        - alert: ApiDown
          expr: up{job=\"api\"} == 0
          for: 5m
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: prometheus-rules
data:
  alerts.yml: |
    groups:
      - name: worker
        rules:
          - alert: QueueDepthHigh
            expr: aws_sqs_approximate_number_of_messages_visible > 1000
";
        let (p, errors) = scan_text("deploy/rules.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = p.rules.iter().map(|r| r.name.value.as_str()).collect();
        assert_eq!(names, ["ApiDown", "QueueDepthHigh"]);
        assert_eq!(
            p.rules[0].origin,
            RuleOrigin::PrometheusRule("api-rules".into())
        );
        assert_eq!(
            (p.rules[0].expr.loc.line, p.rules[0].expr.loc.column),
            (10, 17)
        );
        let q = &p.rules[1];
        assert_eq!(
            q.origin,
            RuleOrigin::ConfigMap {
                name: "prometheus-rules".into(),
                key: "alerts.yml".into()
            }
        );
        // Inside the block scalar: line 23, column 19 of the file.
        assert_eq!((q.expr.loc.line, q.expr.loc.column), (23, 19));
    }

    /// Expressions Prometheus accepts, in the shapes alert rules use; none may be reported.
    #[test]
    fn valid_promql_in_every_common_shape_parses() {
        let exprs = [
            "up == 0",
            r#"absent(up{job="api"})"#,
            r#"absent_over_time(up{job="api"}[10m])"#,
            r#"sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05"#,
            r#"sum(rate(grpc_server_handled_total{grpc_code!~"OK|NotFound|Canceled"}[5m])) / sum(rate(grpc_server_handled_total[5m])) > bool 0.01"#,
            "histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5",
            "rate(errors_total[5m] offset 1h) > 2 * rate(errors_total[5m])",
            "max_over_time(queue_depth[30m:1m]) > 1000",
            "increase(jobs_failed_total[1h] @ end()) > 0",
            "topk(3, sum without (instance) (rate(cpu_seconds_total[5m])))",
            r#"label_replace(up, "service", "$1", "job", "(.*)-api") == 0"#,
            "(time() - max(backup_last_success_timestamp_seconds)) / 3600 > 26",
            "sum(rate(x[5m])) or on() vector(0)",
            r#"count({__name__=~"http_.+", job="api"}) > 0"#,
            "predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0",
            r#"avg_over_time(probe_success{job="blackbox"}[5m]) < 0.9 unless on(instance) maintenance == 1"#,
            "sum by (queue_name) (aws_sqs_approximate_number_of_messages_visible_average) > 100 and ignoring(env) sum(x) > 0",
            "quantile_over_time(0.95, latency_seconds[10m]) > 1",
            "-1 * delta(temperature[1h]) > 5",
            "1",
        ];
        for e in exprs {
            assert!(promql_parser::parser::parse(e).is_ok(), "rejected: {e}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("5m"), Some(300));
        assert_eq!(duration_seconds("1h30m"), Some(5400));
        assert_eq!(duration_seconds("2d"), Some(172_800));
        assert_eq!(duration_seconds("1w"), Some(604_800));
        assert_eq!(duration_seconds("1500ms"), Some(1));
        assert_eq!(duration_seconds("0"), Some(0));
        assert_eq!(duration_seconds("5"), None);
        assert_eq!(duration_seconds("m5"), None);
        assert_eq!(duration_seconds("5x"), None);
        assert_eq!(duration_seconds("0s"), Some(0));
        assert_eq!(duration_seconds("1y2w"), Some(32_745_600));
        // Prometheus takes units from the largest down, each once.
        assert_eq!(duration_seconds("30m1h"), None);
        assert_eq!(duration_seconds(""), None);
    }
}
