#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::k8s;

fn load(path: &str, text: &str) -> (Dashboards, Vec<String>) {
    let src = Source::new(path, text);
    let mut errors = Vec::new();
    let (files, kube) = match crate::classify(path, text) {
        FileKind::Kubernetes => {
            let docs = yaml::load_all(&src).unwrap();
            (
                Vec::new(),
                k8s::assemble(k8s::parse(&src, docs, &mut errors).into_iter().collect()),
            )
        }
        kind => {
            assert_eq!(kind, FileKind::Dashboard, "{path}");
            (parse(&src, &mut errors), Kubernetes::default())
        }
    };
    let d = assemble(&files, &kube, &mut errors);
    errors.sort();
    let errors = errors
        .iter()
        .map(|e| format!("{} {}", e.loc, e.message))
        .collect();
    (d, errors)
}

const MODEL: &str = r#"{
  "title": "Checkout overview",
  "uid": "checkout-ov",
  "schemaVersion": 39,
  "panels": [
    {
      "type": "timeseries",
      "title": "Error ratio",
      "targets": [
        {"expr": "sum(rate(http_requests_total{job=\"checkout\",code=~\"5..\"}[5m]))", "refId": "A"},
        {"expr": "", "refId": "B"}
      ]
    },
    {
      "type": "row",
      "title": "Dependencies",
      "collapsed": true,
      "panels": [
        {"type": "stat", "targets": [{"expr": "up{job=\"payments\"}"}]},
        {"type": "text"}
      ]
    }
  ]
}
"#;

#[test]
fn dashboard_files_are_read_with_locations() {
    let (d, errors) = load("dashboards/checkout.json", MODEL);
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(d.dashboards.len(), 1);
    let db = &d.dashboards[0];
    assert_eq!(db.origin, DashboardOrigin::File);
    assert_eq!(db.name(), "`Checkout overview`");
    let t = db.title.as_ref().unwrap();
    assert_eq!((t.loc.line, t.loc.column), (2, 12));
    assert_eq!(db.uid.as_deref(), Some("checkout-ov"));
    // The row is not a panel; the two panels inside it are.
    assert_eq!(db.panels, 3);
    let exprs: Vec<(&str, u32)> = db
        .exprs
        .iter()
        .map(|e| (e.value.as_str(), e.loc.line))
        .collect();
    assert_eq!(
        exprs,
        vec![
            (
                "sum(rate(http_requests_total{job=\"checkout\",code=~\"5..\"}[5m]))",
                10
            ),
            ("up{job=\"payments\"}", 19),
        ]
    );
    assert_eq!((db.loc.line, db.loc.column), (1, 1));
}

#[test]
fn api_export_shape_and_old_rows() {
    let text = r#"{"dashboard": {"title": "Legacy", "schemaVersion": 14, "rows": [{"panels": [{"type": "graph", "targets": [{"expr": "up"}]}, {"type": "singlestat"}]}], "panels": []}, "overwrite": true}"#;
    let (d, errors) = load("grafana/legacy.json", text);
    assert_eq!(errors, Vec::<String>::new());
    let db = &d.dashboards[0];
    assert_eq!(
        (db.name(), db.panels, db.exprs.len()),
        ("`Legacy`".to_string(), 2, 1)
    );
    assert_eq!(db.title.as_ref().unwrap().loc.column, 25);
}

#[test]
fn malformed_json_is_an_error_where_the_parser_stopped() {
    let text = "{\n  \"schemaVersion\": 39, \"title\": \"Broken\",\n  \"panels\": [\n    {\"type\": \"graph\",}\n  ]\n}\n";
    let (d, errors) = load("dashboards/broken.json", text);
    assert!(d.dashboards.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("dashboards/broken.json:4:22 invalid JSON: trailing comma"),
        "{}",
        errors[0]
    );
}

#[test]
fn sidecar_configmaps_and_grafana_dashboards() {
    let text = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout-dashboards
  labels:
    grafana_dashboard: "1"
data:
  checkout.json: |
    {
      "title": "Checkout",
      "panels": [{"type": "stat", "targets": [{"expr": "up"}]}]
    }
  broken.json: |
    {"title": "x",
     "panels": [}
  README.md: not a dashboard
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unlabelled
data:
  other.json: |
    {"title": "Not for the sidecar", "panels": []}
---
apiVersion: grafana.integreatly.org/v1beta1
kind: GrafanaDashboard
metadata:
  name: payments
spec:
  instanceSelector:
    matchLabels: {dashboards: grafana}
  json: |
    {"title": "Payments", "uid": "pay", "panels": [{"type": "timeseries"}]}
---
apiVersion: grafana.integreatly.org/v1beta1
kind: GrafanaDashboard
metadata:
  name: node-exporter
spec:
  grafanaCom:
    id: 1860
"#;
    let (d, errors) = load("deploy/dashboards.yaml", text);
    assert_eq!(
        errors,
        vec![
            "deploy/dashboards.yaml:15:17 ConfigMap `checkout-dashboards` key `broken.json`: invalid JSON: expected value".to_string()
        ]
    );
    let got: Vec<(String, usize, u32, Option<String>)> = d
        .dashboards
        .iter()
        .map(|x| (x.name(), x.panels, x.loc.line, x.external.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("`Checkout`".to_string(), 1, 8, None),
            ("`Payments`".to_string(), 1, 26, None),
            (
                "GrafanaDashboard `node-exporter`".to_string(),
                0,
                36,
                Some("grafana.com dashboard 1860".to_string())
            ),
        ]
    );
    let title = d.dashboards[0].title.as_ref().unwrap();
    assert_eq!((title.loc.line, title.loc.column), (10, 16));
    assert_eq!(d.dashboards[0].exprs[0].loc.line, 11);
}
