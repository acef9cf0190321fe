//! Grafana unified-alerting provisioning files (`apiVersion: 1`): alert rule `groups` are read
//! as alerting rules of the [`crate::prometheus`] model, `contactPoints` and notification
//! `policies` as an Alertmanager-style configuration of the [`crate::alertmanager`] model, so
//! the alert and routing checks judge them as they judge Prometheus rules and Alertmanager.
//!
//! - A rule's name is its `title`, its group the group `name`; `for`, `labels` and
//!   `annotations` (with `runbook_url`) mean what they mean in Prometheus. Its expression is
//!   the first query of `data` that is not a server-side expression (`datasourceUid:
//!   __expr__`) and has a `model.expr`; its threshold lives in the expressions and is not read.
//!   A rule whose query is not PromQL (Loki, SQL) keeps the parser's message in `query`.
//! - Contact points become receivers (one integration per `receivers` item, by `type`); the
//!   policy tree becomes routes (`object_matchers` as matchers). Grafana joins the contact
//!   points of all provisioning files of an organisation: receivers from every Grafana file
//!   are joined with each policy tree in [`crate::alertmanager::assemble`].

use std::collections::BTreeMap;

use crate::alertmanager::{
    AlertmanagerFile, ConfigOrigin, Integration, MatchOp, Matcher, Receiver, ReceiverClass, Route,
};
use crate::prometheus::{RuleFile, RuleGroup, RuleKind, RuleOrigin};
use crate::yaml::Node;
use crate::{EvidenceError, FileKind, Located, Source};

/// Reads a Grafana alerting provisioning file: its rules and its routing.
pub fn parse(
    src: &Source,
    docs: &[Node],
    errors: &mut Vec<EvidenceError>,
) -> (Vec<RuleFile>, Vec<AlertmanagerFile>) {
    let _ = src;
    let mut groups = Vec::new();
    let mut rules = Vec::new();
    let mut receivers = Vec::new();
    let mut policies = Vec::new();
    for doc in docs {
        for g in doc.get("groups").map(Node::as_seq).unwrap_or_default() {
            let Some(name) = located(g.get("name")) else {
                errors.push(EvidenceError::new(
                    g.loc.clone(),
                    FileKind::GrafanaAlerting,
                    "an alert rule group needs a `name`",
                ));
                continue;
            };
            groups.push(RuleGroup {
                name: name.clone(),
                interval: located(g.get("interval")),
                origin: RuleOrigin::Grafana,
                loc: g.loc.clone(),
            });
            for r in g.get("rules").map(Node::as_seq).unwrap_or_default() {
                let Some(title) = located(r.get("title")) else {
                    errors.push(EvidenceError::new(
                        r.loc.clone(),
                        FileKind::GrafanaAlerting,
                        format!("an alert rule in group `{}` has no `title`", name.value),
                    ));
                    continue;
                };
                let query = r
                    .get("data")
                    .map(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter(|d| d.get("datasourceUid").and_then(Node::as_str) != Some("__expr__"))
                    .find_map(|d| located(d.at(&["model", "expr"])));
                let expr = query.unwrap_or_else(|| Located::new(String::new(), r.loc.clone()));
                let parsed = if expr.value.is_empty() {
                    Err("no query with a PromQL `model.expr`".to_string())
                } else {
                    promql_parser::parser::parse(&expr.value)
                };
                rules.push(crate::prometheus::Rule {
                    kind: RuleKind::Alert,
                    name: title,
                    group: name.value.clone(),
                    origin: RuleOrigin::Grafana,
                    expr,
                    query: parsed,
                    for_: located(r.get("for")),
                    keep_firing_for: located(r.get("keep_firing_for")),
                    labels: text_map(r.get("labels")),
                    annotations: text_map(r.get("annotations")),
                    loc: r.loc.clone(),
                });
            }
        }
        for cp in doc
            .get("contactPoints")
            .map(Node::as_seq)
            .unwrap_or_default()
        {
            let Some(name) = located(cp.get("name")) else {
                continue;
            };
            let integrations = cp
                .get("receivers")
                .map(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(integration)
                .collect();
            receivers.push(Receiver {
                name,
                integrations,
                loc: cp.loc.clone(),
            });
        }
        for p in doc.get("policies").map(Node::as_seq).unwrap_or_default() {
            policies.push(route(p, errors));
        }
    }
    let rule_file = RuleFile::new(groups, rules);
    let routing = AlertmanagerFile::grafana(receivers, policies, ConfigOrigin::Grafana);
    (vec![rule_file], vec![routing])
}

fn located(n: Option<&Node>) -> Option<Located<String>> {
    let n = n?;
    n.scalar_text()
        .filter(|t| !t.is_empty())
        .map(|t| Located::new(t, n.loc.clone()))
}

fn text_map(n: Option<&Node>) -> BTreeMap<String, Located<String>> {
    n.map(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            e.value
                .scalar_text()
                .map(|v| (e.key.clone(), Located::new(v, e.value.loc.clone())))
        })
        .collect()
}

/// A contact point's receiver item as an integration, by its `type`.
fn integration(item: &Node) -> Option<Integration> {
    let ty = item
        .get("type")
        .and_then(Node::as_str)?
        .to_ascii_lowercase();
    let settings = item.get("settings").cloned().unwrap_or(Node {
        loc: item.loc.clone(),
        value: crate::yaml::Value::Null,
    });
    let (kind, service, class) = match ty.as_str() {
        "oncall" => (
            "oncall".to_string(),
            "Grafana OnCall".to_string(),
            ReceiverClass::Pager,
        ),
        other => {
            let kind = match other {
                "teams" => "msteams",
                "googlechat" => "googlechat",
                k => k,
            };
            let (service, class) = crate::alertmanager::read::classify(kind, &settings);
            (kind.to_string(), service, class)
        }
    };
    Some(Integration {
        kind: format!("{kind}_configs"),
        service,
        class,
        loc: item.loc.clone(),
    })
}

/// A notification policy and its children.
fn route(p: &Node, errors: &mut Vec<EvidenceError>) -> Route {
    let mut matchers = Vec::new();
    for m in p
        .get("object_matchers")
        .or_else(|| p.get("matchers"))
        .map(Node::as_seq)
        .unwrap_or_default()
    {
        let parts: Vec<String> = m.as_seq().iter().filter_map(Node::scalar_text).collect();
        let parsed = match parts.as_slice() {
            [name, op, value] => MatchOp::from_symbol(op).map(|op| (name, op, value)),
            _ => None,
        };
        let Some((name, op, value)) = parsed else {
            errors.push(EvidenceError::new(
                m.loc.clone(),
                FileKind::GrafanaAlerting,
                "an object matcher must be `[label, operator, value]`",
            ));
            continue;
        };
        match Matcher::new(name, op, value, m.loc.clone()) {
            Ok(m) => matchers.push(m),
            Err(e) => errors.push(EvidenceError::new(
                m.loc.clone(),
                FileKind::GrafanaAlerting,
                format!("matcher on `{name}`: {e}"),
            )),
        }
    }
    Route {
        receiver: located(p.get("receiver")),
        matchers,
        continue_: p.get("continue").and_then(Node::as_bool) == Some(true),
        routes: p
            .get("routes")
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|c| route(c, errors))
            .collect(),
        loc: p.loc.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use crate::alertmanager::{self, ReceiverClass};
    use crate::k8s::Kubernetes;
    use crate::prometheus;
    use crate::yaml::load_all;
    use crate::{FileKind, Source, classify};

    const RULES: &str = "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: Cart.1m\n    interval: 1m\n    rules:\n      - uid: a\n        title: CartDown\n        condition: B\n        data:\n          - refId: A\n            datasourceUid: metrics\n            model:\n              expr: up{job=\"cart\"} == 0\n          - refId: B\n            datasourceUid: __expr__\n            model: {type: threshold, expression: A}\n        for: 2m\n        annotations:\n          runbook_url: https://r.example/cart\n        labels:\n          severity: critical\n";
    const ROUTING: &str = "apiVersion: 1\ncontactPoints:\n  - orgId: 1\n    name: mail\n    receivers:\n      - uid: m\n        type: email\n        settings: {addresses: a@example.com}\n  - orgId: 1\n    name: pager\n    receivers:\n      - uid: p\n        type: pagerduty\n        settings: {integrationKey: x}\npolicies:\n  - orgId: 1\n    receiver: mail\n    routes:\n      - receiver: pager\n        object_matchers:\n          - [severity, '=', critical]\n";

    #[test]
    fn rules_are_alerts_and_policies_route_them() {
        let mut errors = Vec::new();
        let mut rule_files = Vec::new();
        let mut am_files = Vec::new();
        for (path, text) in [("a/rules.yaml", RULES), ("a/routing.yaml", ROUTING)] {
            assert_eq!(classify(path, text), FileKind::GrafanaAlerting);
            let src = Source::new(path, text);
            let docs = load_all(&src).unwrap();
            let (r, a) = super::parse(&src, &docs, &mut errors);
            rule_files.extend(r);
            am_files.extend(a);
        }
        assert!(errors.is_empty(), "{errors:?}");
        let kube = Kubernetes::default();
        let p = prometheus::assemble(rule_files, &kube, &mut errors);
        let alerts: Vec<&prometheus::Rule> = p.alerts().collect();
        assert_eq!(alerts.len(), 1);
        let a = alerts[0];
        assert_eq!(a.name.value, "CartDown");
        assert_eq!(a.group, "Cart.1m");
        assert_eq!(a.expr.value, "up{job=\"cart\"} == 0");
        assert!(a.parsed().is_some());
        assert_eq!(a.for_seconds(), Some(120));
        assert_eq!(a.annotation("runbook_url"), Some("https://r.example/cart"));
        assert_eq!(a.loc.line, 7);

        let am = alertmanager::assemble(am_files, &kube, &mut errors);
        assert_eq!(am.configs.len(), 1);
        let cfg = &am.configs[0];
        let labels: BTreeMap<String, String> =
            [("severity".to_string(), "critical".to_string())].into();
        let routed = cfg.route(&labels);
        assert_eq!(routed[0].class(), Some(ReceiverClass::Pager));
        let routed = cfg.route(&BTreeMap::new());
        assert_eq!(routed[0].receiver.unwrap().describe(), "email");
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_query_that_is_not_promql_keeps_the_parsers_message_and_is_no_error() {
        let text = RULES.replace(
            "up{job=\"cart\"} == 0",
            "sum(count_over_time({app=\"cart\"} |= \"error\" [5m]))",
        );
        let src = Source::new("g.yaml", text);
        let docs = load_all(&src).unwrap();
        let mut errors = Vec::new();
        let (rules, _) = super::parse(&src, &docs, &mut errors);
        let p = prometheus::assemble(rules, &Kubernetes::default(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let a = p.alerts().next().unwrap();
        assert!(a.query.is_err());
        assert_eq!(a.origin, prometheus::RuleOrigin::Grafana);
    }
}
