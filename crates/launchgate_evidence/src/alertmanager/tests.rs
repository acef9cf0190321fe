#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use super::read::paging_service;
use super::*;
use crate::encoded::base64 as base64_decode;
use crate::k8s;
use crate::yaml;

fn load(path: &str, text: &str) -> (Alertmanager, Vec<EvidenceError>) {
    let src = Source::new(path, text);
    let docs = yaml::load_all(&src).unwrap();
    let mut errors = Vec::new();
    let (files, kube) = match crate::classify(path, text) {
        crate::FileKind::Kubernetes => (
            Vec::new(),
            k8s::assemble(k8s::parse(&src, docs, &mut errors).into_iter().collect()),
        ),
        kind => {
            assert_eq!(kind, crate::FileKind::Alertmanager, "{path}");
            (parse(&src, &docs, &mut errors), Kubernetes::default())
        }
    };
    let am = assemble(files, &kube, &mut errors);
    errors.sort();
    (am, errors)
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

/// `(receiver, route path)` of every delivery.
fn deliveries(c: &Config, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    c.route(&labels(pairs))
        .iter()
        .map(|m| {
            (
                m.receiver_name.map(|n| n.value.clone()).unwrap_or_default(),
                m.describe_path(),
            )
        })
        .collect()
}

fn errs(errors: &[EvidenceError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{} {}",
                e.loc.path, e.loc.line, e.loc.column, e.message
            )
        })
        .collect()
}

const TREE: &str = r#"global:
  resolve_timeout: 5m
route:
  receiver: ops-slack
  group_by: [alertname]
  routes:
    - matchers: ['team="payments"']
      receiver: payments-slack
      routes:
        - matchers: [severity=~"page|critical"]
          receiver: payments-pager
          continue: true
        - matchers: ['severity=~"page|critical"', 'env!="dev"']
          receiver: payments-audit
        - matchers: [severity=~"page|critical"]
          receiver: never-reached
    - matchers: ['service=~"pay.*"']
      receiver: pay-catchall
    - match_re:
        service: ledger|wallet
      receiver: ledger-slack
    - match:
        severity: page
      routes:
        - matchers: ['team!~"ops|infra"']
receivers:
  - name: ops-slack
    slack_configs:
      - channel: '#ops'
  - name: payments-slack
    slack_configs:
      - channel: '#payments'
    email_configs:
      - to: payments@example.com
  - name: payments-pager
    pagerduty_configs:
      - routing_key: abc
  - name: payments-audit
    webhook_configs:
      - url: https://api.incident.io/v2/alert_events/alertmanager/01H
  - name: never-reached
  - name: pay-catchall
    webhook_configs:
      - url: https://hooks.example.com/alerts
  - name: ledger-slack
    slack_configs:
      - channel: '#ledger'
"#;

#[test]
fn nested_tree_with_continue_and_regex_matchers() {
    let (am, errors) = load("monitoring/alertmanager.yml", TREE);
    assert_eq!(errs(&errors), Vec::<String>::new());
    assert_eq!(am.configs.len(), 1);
    let c = &am.configs[0];
    assert_eq!(c.origin, ConfigOrigin::File);
    // `continue: true` on the first match lets the next sibling match too; the third sibling
    // is not tried because the second matched without `continue`.
    assert_eq!(
        deliveries(c, &[("team", "payments"), ("severity", "critical")]),
        vec![
            (
                "payments-pager".to_string(),
                "root → {team=\"payments\"} → {severity=~\"page|critical\"}".to_string()
            ),
            (
                "payments-audit".to_string(),
                "root → {team=\"payments\"} → {severity=~\"page|critical\", env!=\"dev\"}"
                    .to_string()
            ),
        ]
    );
    // `env!="dev"` fails for dev: the continuing route alone delivers; the third sibling is
    // then tried and matches.
    assert_eq!(
        deliveries(
            c,
            &[("team", "payments"), ("severity", "page"), ("env", "dev")]
        ),
        vec![
            (
                "payments-pager".to_string(),
                "root → {team=\"payments\"} → {severity=~\"page|critical\"}".to_string()
            ),
            (
                "never-reached".to_string(),
                "root → {team=\"payments\"} → {severity=~\"page|critical\"}".to_string()
            ),
        ]
    );
    // No child matches: the node itself handles the alert.
    assert_eq!(
        deliveries(c, &[("team", "payments"), ("severity", "warning")]),
        vec![(
            "payments-slack".to_string(),
            "root → {team=\"payments\"}".to_string()
        )]
    );
    // Nothing matches: the root handles it.
    assert_eq!(
        deliveries(c, &[("team", "search")]),
        vec![("ops-slack".to_string(), "root".to_string())]
    );
    let m = c.route(&labels(&[("team", "payments"), ("severity", "page")]));
    assert_eq!(m[0].class(), Some(ReceiverClass::Pager));
    assert_eq!(m[1].class(), Some(ReceiverClass::Pager));
    assert_eq!(m[1].receiver.unwrap().describe(), "webhook to incident.io");
    let path: Vec<u32> = m[0].path.iter().map(|r| r.loc.line).collect();
    assert_eq!(path, vec![4, 7, 10]);
    let name = m[0].receiver_name.unwrap();
    assert_eq!((name.loc.line, name.loc.column), (11, 21));
    let r = m[0].receiver.unwrap();
    assert_eq!((r.loc.line, r.loc.column), (35, 5));
}

#[test]
fn regex_matchers_are_fully_anchored() {
    let (am, _) = load("alertmanager.yml", TREE);
    let c = &am.configs[0];
    assert_eq!(
        deliveries(c, &[("service", "payments-api")])[0].0,
        "pay-catchall"
    );
    // `pay.*` must match the whole value, not a substring.
    assert_eq!(deliveries(c, &[("service", "repay")])[0].0, "ops-slack");
    // match_re `ledger|wallet` is anchored around the alternation as a whole.
    assert_eq!(deliveries(c, &[("service", "wallet")])[0].0, "ledger-slack");
    assert_eq!(
        deliveries(c, &[("service", "ledger-api")])[0].0,
        "ops-slack"
    );
    assert_eq!(deliveries(c, &[("service", "my-wallet")])[0].0, "ops-slack");
}

#[test]
fn deprecated_match_negative_matchers_and_inherited_receivers() {
    let (am, _) = load("alertmanager.yml", TREE);
    let c = &am.configs[0];
    // `match: {severity: page}` has no receiver: it and its child inherit the root's.
    // `team!~"ops|infra"` matches a missing team label (the empty value).
    let m = c.route(&labels(&[("severity", "page")]));
    assert_eq!(m.len(), 1);
    assert_eq!(
        m[0].describe_path(),
        "root → {severity=\"page\"} → {team!~\"ops|infra\"}"
    );
    assert_eq!(m[0].receiver_name.unwrap().value, "ops-slack");
    assert_eq!(m[0].receiver_name.unwrap().loc.line, 4);
    // The negative regex rejects `ops`: the `match` route handles it itself.
    assert_eq!(
        deliveries(c, &[("severity", "page"), ("team", "ops")]),
        vec![(
            "ops-slack".to_string(),
            "root → {severity=\"page\"}".to_string()
        )]
    );
}

#[test]
fn receivers_are_classified() {
    let (am, _) = load("alertmanager.yml", TREE);
    let c = &am.configs[0];
    let classes: Vec<(&str, ReceiverClass, String)> = c
        .receivers
        .iter()
        .map(|r| (r.name.value.as_str(), r.class(), r.describe()))
        .collect();
    assert_eq!(
        classes,
        vec![
            ("ops-slack", ReceiverClass::Channel, "Slack".to_string()),
            (
                "payments-slack",
                ReceiverClass::Channel,
                "Slack and email".to_string()
            ),
            (
                "payments-pager",
                ReceiverClass::Pager,
                "PagerDuty".to_string()
            ),
            (
                "payments-audit",
                ReceiverClass::Pager,
                "webhook to incident.io".to_string()
            ),
            (
                "never-reached",
                ReceiverClass::Null,
                "no integrations".to_string()
            ),
            (
                "pay-catchall",
                ReceiverClass::Channel,
                "webhook".to_string()
            ),
            ("ledger-slack", ReceiverClass::Channel, "Slack".to_string()),
        ]
    );
    let i = &c.receivers[1].integrations[1];
    assert_eq!(
        (i.kind.as_str(), i.loc.line, i.loc.column),
        ("email_configs", 34, 9)
    );
}

#[test]
fn webhooks_into_paging_services_page() {
    let cases = [
        ("https://events.pagerduty.com/v2/enqueue", Some("PagerDuty")),
        (
            "https://api.eu.opsgenie.com/v1/json/prometheus",
            Some("Opsgenie"),
        ),
        (
            "https://alert.victorops.com/integrations/generic/20131114/alert/x",
            Some("VictorOps (Splunk On-Call)"),
        ),
        (
            "https://api.incident.io/v2/alert_events/alertmanager/x",
            Some("incident.io"),
        ),
        (
            "https://signals.firehydrant.com/v1/process/x",
            Some("FireHydrant"),
        ),
        (
            "https://api.squadcast.com/v2/incidents/api/x",
            Some("Squadcast"),
        ),
        (
            "https://webhooks.rootly.com/webhooks/incoming/alertmanager",
            Some("Rootly"),
        ),
        (
            "https://oncall-prod-eu-west-0.grafana.net/oncall/integrations/v1/alertmanager/x/",
            Some("Grafana OnCall"),
        ),
        (
            "http://oncall.internal:8080/integrations/v1/alertmanager/x/",
            Some("Grafana OnCall"),
        ),
        ("https://hooks.slack.com/services/T/B/x", None),
        ("https://pagerduty.com.evil.example/x", None),
        ("https://notpagerduty.com/x", None),
        ("https://grafana.example.com/api/hook", None),
        ("", None),
    ];
    for (url, want) in cases {
        assert_eq!(paging_service(url), want, "{url}");
    }
}

#[test]
fn matcher_lines_parse_like_alertmanager() {
    let p = |s: &str| -> Vec<String> {
        parse_matchers(s)
            .unwrap()
            .into_iter()
            .map(|(n, o, v)| format!("{n} {} {v}", o.symbol()))
            .collect()
    };
    assert_eq!(p(r#"severity="page""#), vec!["severity = page"]);
    assert_eq!(p("severity = page"), vec!["severity = page"]);
    assert_eq!(
        p(r#"{team=~"pay.*", env!=dev,service!~"a|b"}"#),
        vec!["team =~ pay.*", "env != dev", "service !~ a|b"]
    );
    assert_eq!(p(r#"msg="a, \"b\"""#), vec![r#"msg = a, "b""#]);
    assert_eq!(p(r#"a="""#), vec!["a = "]);
    for bad in ["", "severity", "=page", r#"a="b"#, "{a=b", r#"a=b"c"#] {
        assert!(parse_matchers(bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        parse_matchers("severity").unwrap_err(),
        "matcher `severity`: expected `=`, `!=`, `=~` or `!~` after label `severity`"
    );
}

#[test]
fn invalid_configurations_are_errors_at_the_place() {
    let text = r#"route:
  receiver: default
  routes:
    - matchers: ['severity=~"(page"']
      receiver: pager
    - matchers: ['severity']
    - match_re:
        team: "["
      receiver: nowhere
receivers:
  - name: default
  - name: pager
    pagerduty_configs: [{routing_key: x}]
  - name: pager
"#;
    let (am, errors) = load("alertmanager.yml", text);
    let e = errs(&errors);
    assert_eq!(e.len(), 5, "{e:#?}");
    assert!(
        e[0] == "alertmanager.yml:4:18 matcher on `severity`: invalid regular expression `(page`: unclosed group",
        "{}",
        e[0]
    );
    assert_eq!(
        e[1],
        "alertmanager.yml:6:18 matcher `severity`: expected `=`, `!=`, `=~` or `!~` after label `severity`"
    );
    assert!(
        e[2].starts_with(
            "alertmanager.yml:8:15 matcher on `team`: invalid regular expression `[`: "
        ),
        "{}",
        e[2]
    );
    assert_eq!(
        e[3],
        "alertmanager.yml:9:17 route refers to receiver `nowhere`, which is not defined under `receivers`"
    );
    assert_eq!(
        e[4],
        "alertmanager.yml:14:11 receiver `pager` is defined more than once"
    );
    assert_eq!(errors[0].kind, crate::FileKind::Alertmanager);
    // Alertmanager would not load it: it routes nothing.
    assert!(am.configs.is_empty());
}

#[test]
fn root_route_rules() {
    let text = "route:\n  matchers: [a=b]\n  routes: []\nreceivers:\n  - name: x\n";
    let (am, errors) = load("alertmanager.yml", text);
    assert_eq!(
        errs(&errors),
        vec![
            "alertmanager.yml:2:3 the root route names no `receiver`: Alertmanager needs one for alerts no child route takes".to_string(),
            "alertmanager.yml:2:14 the root route must not have matchers: it receives every alert".to_string(),
        ]
    );
    // Alertmanager would not load it: it routes nothing.
    assert!(am.configs.is_empty());
}

#[test]
fn configurations_in_secrets_and_configmaps() {
    let encoded = "cm91dGU6CiAgcmVjZWl2ZXI6IHBhZ2VyCnJlY2VpdmVyczoKICAtIG5hbWU6IHBhZ2VyCiAgICBvcHNnZW5pZV9jb25maWdzOgogICAgICAtIGFwaV9rZXk6IHgK";
    assert_eq!(
        String::from_utf8(base64_decode(encoded).unwrap()).unwrap(),
        "route:\n  receiver: pager\nreceivers:\n  - name: pager\n    opsgenie_configs:\n      - api_key: x\n"
    );
    let text = format!(
        r#"apiVersion: v1
kind: Secret
metadata:
  name: alertmanager-main
stringData:
  alertmanager.yaml: |
    route:
      receiver: team
      routes:
        - matchers: [severity="page"]
          receiver: ghost
    receivers:
      - name: team
        msteams_configs:
          - webhook_url: https://example.webhook.office.com/x
---
apiVersion: v1
kind: Secret
metadata:
  name: alertmanager-encoded
data:
  alertmanager.yaml: {encoded}
  other: "%%%"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: am-config
data:
  config.yml: |
    route:
      receiver: devnull
    receivers:
      - name: devnull
  unrelated.txt: hello
"#
    );
    let (am, errors) = load("deploy/alertmanager.yaml", &text);
    assert_eq!(
        errs(&errors),
        vec![
            "deploy/alertmanager.yaml:11:21 Secret `alertmanager-main` key `alertmanager.yaml`: route refers to receiver `ghost`, which is not defined under `receivers`"
        ]
    );
    let got: Vec<(String, u32, String)> = am
        .configs
        .iter()
        .map(|c| {
            (
                c.origin.describe(),
                c.route.loc.line,
                c.receivers
                    .iter()
                    .map(|r| format!("{}:{}", r.name.value, r.class().key()))
                    .collect::<Vec<_>>()
                    .join(","),
            )
        })
        .collect();
    // The Secret routing to an undefined receiver is refused whole, as Alertmanager would.
    assert_eq!(
        got,
        vec![
            (
                "Secret `alertmanager-encoded` key `alertmanager.yaml`".to_string(),
                22,
                "pager:pager".to_string()
            ),
            (
                "ConfigMap `am-config` key `config.yml`".to_string(),
                32,
                "devnull:null".to_string()
            ),
        ]
    );
    let fixed = text.replace("receiver: ghost", "receiver: team");
    let (am, errors) = load("deploy/alertmanager.yaml", &fixed);
    assert!(errors.is_empty(), "{errors:?}");
    let first = &am.configs[0];
    assert_eq!(first.route.loc.line, 8);
    let r = &first.route.routes[0];
    assert_eq!(
        (r.loc.line, r.matchers[0].loc.line, r.matchers[0].loc.column),
        (10, 10, 22)
    );
}

#[test]
fn alertmanager_config_resources() {
    let text = r#"apiVersion: monitoring.coreos.com/v1alpha1
kind: AlertmanagerConfig
metadata:
  name: payments
  namespace: payments
spec:
  route:
    receiver: payments-slack
    groupBy: [alertname]
    routes:
      - matchers:
          - name: severity
            value: page|critical
            matchType: "=~"
        receiver: payments-oncall
      - matchers:
          - {name: team, value: payments, regex: false}
          - {name: env, value: dev, matchType: "!="}
        receiver: payments-slack
        continue: true
      - matchers:
          - {name: x, value: y, matchType: "~"}
  receivers:
    - name: payments-slack
      slackConfigs:
        - channel: '#payments'
    - name: payments-oncall
      webhookConfigs:
        - url: https://events.pagerduty.com/integration/abc/enqueue
      victoropsConfigs:
        - routingKey: payments
"#;
    let (am, errors) = load("deploy/amc.yaml", text);
    assert_eq!(
        errs(&errors),
        vec![
            "deploy/amc.yaml:22:44 AlertmanagerConfig `payments`: `matchType: ~` is not one of `=`, `!=`, `=~`, `!~`"
        ]
    );
    // The operator refuses the resource whole; with the bad matcher gone it routes (the last
    // route, without matchers, takes everything).
    assert!(am.configs.is_empty());
    let fixed = text.replace(
        "      - matchers:\n          - {name: x, value: y, matchType: \"~\"}\n",
        "      - matchers: []\n",
    );
    let (am, errors) = load("deploy/amc.yaml", &fixed);
    assert!(errors.is_empty(), "{errors:?}");
    let c = &am.configs[0];
    assert_eq!(
        c.origin,
        ConfigOrigin::AlertmanagerConfig("payments".to_string())
    );
    let ns = &c.route.matchers[0];
    assert!(ns.implicit);
    assert_eq!(
        (ns.to_string(), ns.loc.line),
        ("namespace=\"payments\"".to_string(), 5)
    );
    // Without the namespace the resource's routes do not apply.
    assert!(c.route(&labels(&[("severity", "page")])).is_empty());
    let m = c.route(&labels(&[
        ("severity", "critical"),
        ("namespace", "payments"),
    ]));
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].receiver_name.unwrap().value, "payments-oncall");
    assert_eq!(m[0].class(), Some(ReceiverClass::Pager));
    assert_eq!(
        m[0].receiver.unwrap().describe(),
        "webhook to PagerDuty and VictorOps"
    );
    assert_eq!(m[0].describe_path(), "root → {severity=~\"page|critical\"}");
    assert_eq!(
        m[0].receiver.unwrap().integrations[1].kind,
        "victorops_configs"
    );
    assert_eq!(
        deliveries(c, &[("team", "payments"), ("namespace", "payments")]),
        vec![
            (
                "payments-slack".to_string(),
                "root → {team=\"payments\", env!=\"dev\"}".to_string()
            ),
            ("payments-slack".to_string(), "root → {}".to_string()),
        ]
    );
}

#[test]
fn base64_decoder() {
    assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
    assert_eq!(base64_decode("aGVs\n bG8=").unwrap(), b"hello");
    assert_eq!(base64_decode("").unwrap(), b"");
    assert!(base64_decode("aGVsbG8=x").is_none());
    assert!(base64_decode("a").is_none());
    assert!(base64_decode("%%%").is_none());
}

#[test]
fn malformed_embedded_yaml_is_an_error_at_the_value() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: am\ndata:\n  alertmanager.yml: |\n    route: [\n    receivers: x\n";
    let (am, errors) = load("am.yaml", text);
    assert!(am.configs.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .starts_with("ConfigMap `am` key `alertmanager.yml`: invalid YAML"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[0].loc.line, 8);
}
