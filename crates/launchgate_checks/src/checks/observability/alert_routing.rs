//! OBS-009 alert-routing: Every alert of the service reaches someone who acts on it.

use std::collections::BTreeMap;

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::alertmanager::{Config, ConfigOrigin, ReceiverClass, RouteMatch};
use launchgate_evidence::prometheus::Rule;

use crate::kit::alerts::alerts_to_judge;
use crate::kit::finish::{conclude, in_report_order};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every alert of the service reaches someone who acts on it. Each alerting rule's static
    /// labels (plus `alertname`) are routed through every Alertmanager configuration in the
    /// repository (configuration files, Secrets or ConfigMaps holding `alertmanager.yaml`,
    /// prometheus-operator `AlertmanagerConfig` resources) exactly as Alertmanager routes them:
    /// depth first, all matchers of a route must match, the first matching child wins unless it
    /// has `continue: true`, regular expressions match whole values, children inherit their
    /// parent's receiver.
    ///
    /// - An alert whose `severity` is a paging level of the policy (`page`, `critical`, ...)
    ///   must reach a pager receiver: PagerDuty, Opsgenie, VictorOps, incident.io, or a webhook
    ///   into a paging service (PagerDuty, Opsgenie, Splunk On-Call, incident.io, FireHydrant,
    ///   Squadcast, Grafana OnCall, Rootly).
    /// - Every other alert must reach a team channel (Slack, email, Teams, a webhook, ...) or a
    ///   pager.
    /// - An alert that only ends at receivers without any integration (a "null" receiver)
    ///   fails: nobody is told.
    ///
    /// Findings point at the alert, name the route it takes and the receiver, and relate the
    /// route and the receiver. An `AlertmanagerConfig` only sees alerts of its own namespace
    /// (the operator adds a `namespace` matcher); an alert without a static `namespace` label
    /// is taken to carry the resource's namespace, as alerts on the service's own series do.
    /// Without an Alertmanager configuration in the repository the check fails when the
    /// service has alerts, and is inconclusive when a configuration could not be read. Without
    /// alerts it is inconclusive: OBS-005 reports missing alerts.
    ///
    /// A service with no alerting rules (and every rule file readable) is not judged here:
    /// the check is skipped and OBS-005 reports the missing alerts, once.
    ///
    /// Grafana unified-alerting provisioning is routing too: its notification policies are a
    /// routing tree (`object_matchers` as matchers) over its contact points, which page when
    /// their type is a pager (`pagerduty`, `opsgenie`, `victorops`, `oncall`, a webhook to a
    /// paging service) and notify a channel otherwise (`email`, `slack`, `teams`, ...).
    ///
    /// ## Why it matters
    /// An alert is only as good as its route. A paging alert that lands in a busy Slack channel
    /// at 3am is read at 9am; an alert caught by a catch-all route to a receiver with no
    /// integrations is silently dropped. Routing trees grow by accretion, `continue` and regex
    /// matchers make them hard to read, and nobody tests them until the incident.
    ///
    /// ## How to fix
    /// Add a route for the paging severities that sends to a pager receiver, above broader
    /// routes of the same labels (or give the broader route `continue: true`):
    /// `routes: [{matchers: ['severity=~"page|critical"'], receiver: payments-pagerduty}]`,
    /// with `receivers: [{name: payments-pagerduty, pagerduty_configs: [{routing_key: ...}]}]`.
    /// Give every other alert a route to the team's channel, and remove (or stop routing to)
    /// receivers without integrations. `amtool config routes test severity=page team=payments`
    /// shows the same route launchgate reports.
    ///
    /// ## Example
    /// ```yaml fails path=monitoring/alertmanager.yml
    /// route:
    ///   receiver: payments-slack
    ///   routes:
    ///     - matchers: ['team="payments"']
    ///       receiver: payments-slack
    /// receivers:
    ///   - name: payments-slack
    ///     slack_configs:
    ///       - channel: '#payments-alerts'
    /// ```
    /// ```yaml with path=monitoring/rules.yml
    /// groups:
    ///   - name: payments
    ///     rules:
    ///       - alert: HighErrorRate
    ///         expr: sum(rate(http_requests_total{job="payments",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="payments"}[5m])) > 0.05
    ///         for: 5m
    ///         labels:
    ///           severity: page
    ///           team: payments
    /// ```
    /// ```yaml passes path=monitoring/alertmanager.yml
    /// route:
    ///   receiver: payments-slack
    ///   routes:
    ///     - matchers: ['team="payments"', 'severity=~"page|critical"']
    ///       receiver: payments-pagerduty
    ///     - matchers: ['team="payments"']
    ///       receiver: payments-slack
    /// receivers:
    ///   - name: payments-pagerduty
    ///     pagerduty_configs:
    ///       - routing_key_file: /etc/alertmanager/secrets/pagerduty-payments
    ///   - name: payments-slack
    ///     slack_configs:
    ///       - channel: '#payments-alerts'
    /// ```
    /// ```yaml with path=monitoring/rules.yml
    /// groups:
    ///   - name: payments
    ///     rules:
    ///       - alert: HighErrorRate
    ///         expr: sum(rate(http_requests_total{job="payments",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="payments"}[5m])) > 0.05
    ///         for: 5m
    ///         labels:
    ///           severity: page
    ///           team: payments
    /// ```
    ///
    /// ## References
    /// Seed 002, "Alerts route to the on-call rotation"; seed 004, "Alerting: routing to
    /// pager"; Prometheus documentation, "Alertmanager configuration" (`route`, `matchers`,
    /// `continue`); prometheus-operator API, `AlertmanagerConfig`; `amtool config routes test`.
    pub struct AlertRouting {
        id: "OBS-009", slug: "alert-routing", category: Observability, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "A P", effort: 4,
    }
}

/// The evidence letters this check reads from the repository.
const LETTERS: &str = "A P";

/// Alerts named in the "no configuration" finding before "and N more".
const NAMED: usize = 3;

impl Evaluate for AlertRouting {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let alerts = match alerts_to_judge(cx) {
            Ok(alerts) => alerts,
            Err(outcome) => return outcome,
        };
        if alerts.is_empty() {
            return conclude(
                cx,
                "P",
                Vec::new(),
                Vec::new(),
                "no alerting rules for the service were found, so there is nothing to route (OBS-005 reports the missing alerts)",
            );
        }
        let configs = &cx.evidence.alertmanager.configs;
        if configs.is_empty() {
            if !cx.evidence.gaps("A").is_empty() {
                return conclude(cx, "A", Vec::new(), Vec::new(), "");
            }
            return Outcome::fail(vec![no_configuration(&alerts)]);
        }
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        for alert in &alerts {
            judge(cx, alert, configs, &mut failures, &mut evidence);
        }
        conclude(
            cx,
            LETTERS,
            in_report_order(failures),
            in_report_order(evidence),
            "",
        )
    }
}

fn no_configuration(alerts: &[&Rule]) -> Finding {
    let mut names: Vec<String> = alerts
        .iter()
        .take(NAMED)
        .map(|a| format!("`{}`", a.name.value))
        .collect();
    if alerts.len() > NAMED {
        names.push(format!("{} more", alerts.len() - NAMED));
    }
    let list = match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let (n, s) = (alerts.len(), if alerts.len() == 1 { "" } else { "s" });
    Finding::new(format!(
        "no Alertmanager configuration in the repository, so nothing shows where the service's {n} alert{s} ({list}) go: add the configuration (an alertmanager.yml with `route` and `receivers`, a Secret holding `alertmanager.yaml`, or an AlertmanagerConfig resource) that routes paging alerts to a pager and the rest to the team's channel"
    ))
    .at(Some(alerts[0].name.loc.location()))
}

/// The labels Alertmanager sees from the rule before any series label: its static labels and
/// `alertname`.
fn static_labels(alert: &Rule) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = alert
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect();
    labels.insert("alertname".to_string(), alert.name.value.clone());
    labels
}

/// `(severity=page)`, `(severity=info)`, `(no severity label)`.
fn severity_text(alert: &Rule) -> String {
    alert.label("severity").map_or_else(
        || "(no severity label)".to_string(),
        |s| format!("(severity={s})"),
    )
}

fn judge(
    cx: &CheckContext<'_>,
    alert: &Rule,
    configs: &[Config],
    failures: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let pages = alert
        .label("severity")
        .and_then(|v| cx.options.severity_level(v))
        .is_some_and(|l| l.pages);
    let base = static_labels(alert);
    let name = &alert.name.value;
    let sev = severity_text(alert);
    let mut routed_anywhere = false;
    for config in configs {
        let mut labels = base.clone();
        if let Some(ns) = config.route.matchers.iter().find(|m| m.implicit) {
            labels
                .entry(ns.name.clone())
                .or_insert_with(|| ns.value.clone());
        }
        let matches = config.route(&labels);
        if matches.is_empty() {
            // An AlertmanagerConfig of another namespace: not this alert's route.
            continue;
        }
        routed_anywhere = true;
        // Deliveries to undefined receivers are evidence errors: the check is inconclusive on
        // them through the evidence gaps, not judged here.
        let known: Vec<&RouteMatch<'_>> = matches.iter().filter(|m| m.receiver.is_some()).collect();
        if known.is_empty() {
            continue;
        }
        let place = where_(config, configs.len());
        let best = known
            .iter()
            .filter_map(|m| m.class())
            .max()
            .unwrap_or(ReceiverClass::Null);
        let fails = if pages {
            best != ReceiverClass::Pager
        } else {
            best == ReceiverClass::Null
        };
        let here = Some(alert.name.loc.location());
        if fails {
            let why = match (known.len() > 1, best, pages) {
                (false, ReceiverClass::Channel, _) => ", not a pager",
                (true, ReceiverClass::Channel, _) => ", none of them a pager",
                (_, _, true) => ": nobody is paged, or told at all",
                (_, _, false) => ": nobody is notified",
            };
            let mut f = Finding::new(format!(
                "alert `{name}` {sev} is routed {}{place}{why}",
                deliveries(&known)
            ))
            .at(here);
            for m in &known {
                f = f.related(m.route().map(|r| r.loc.location()));
                f = f.related(m.receiver.map(|r| r.loc.location()));
            }
            failures.push(f);
        } else {
            let wanted = if pages { ReceiverClass::Pager } else { best };
            let chosen: Vec<&RouteMatch<'_>> = known
                .iter()
                .copied()
                .filter(|m| m.class() == Some(wanted))
                .collect();
            let verb = if pages { "pages" } else { "notifies" };
            let mut f = Finding::new(format!(
                "alert `{name}` {sev} {verb}: routed {}{place}",
                deliveries(&chosen)
            ))
            .at(here);
            for m in &chosen {
                f = f.related(m.receiver.map(|r| r.loc.location()));
            }
            evidence.push(f);
        }
    }
    if !routed_anywhere {
        failures.push(
            Finding::new(format!(
                "alert `{name}` {sev} matches no route of any Alertmanager configuration in the repository (each is an AlertmanagerConfig of another namespace)"
            ))
            .at(Some(alert.name.loc.location())),
        );
    }
}

/// ``root → {team="payments"} to receiver `payments-slack` (Slack)``, joined with "and".
fn deliveries(ms: &[&RouteMatch<'_>]) -> String {
    let parts: Vec<String> = ms
        .iter()
        .map(|m| {
            let r = m.receiver.map_or_else(String::new, |r| {
                format!(" to receiver `{}` ({})", r.name.value, r.describe())
            });
            format!("{}{r}", m.describe_path())
        })
        .collect();
    parts.join(" and ")
}

/// ` in deploy/alertmanager.yaml (Secret `am` key `alertmanager.yaml`)` when there is more than
/// one configuration to tell apart.
fn where_(config: &Config, count: usize) -> String {
    if count < 2 {
        return String::new();
    }
    match &config.origin {
        ConfigOrigin::File => format!(" in {}", config.loc.path),
        o => format!(" in {} ({})", config.loc.path, o.describe()),
    }
}
