//! OBS-007 alert-rules-valid: Every alert of the service (see OBS-005 for which alerts those are)
//! is well formed.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::prometheus::{Rule, RuleOrigin, duration_seconds};

use crate::kit::alerts::conclude_alerts;
use crate::kit::alerts::{alert_name, pipeline_alert, service_alerts};
use crate::kit::finish::Tally;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every alert of the service (see OBS-005 for which alerts those are) is well formed.
    ///
    /// - its expression parses as PromQL (the finding is at its `expr:` line, with the
    ///   parser's message);
    /// - it has a `for:` duration of at least one minute: without `for`, or with `for: 0s`, an
    ///   alert fires on a single evaluation, so one slow scrape pages someone. Alerts about
    ///   the alerting pipeline itself need no `for:`, since debouncing them only delays them:
    ///   a dead man's switch (`Watchdog`: an expression that reads no series, such as
    ///   `vector(1)`, or annotations that say it is always firing or a dead man's switch)
    ///   and an inhibitor whose expression reads only `ALERTS` (`InfoInhibitor`);
    /// - it has a non-empty `severity` label;
    /// - it has a `summary` or `description` annotation (or `message`, as some mixins write).
    ///
    /// Each problem is its own finding: at the `expr:` value, the `for:` value, or the
    /// alert's list item when something is missing. A rule file that cannot be read makes
    /// the check inconclusive unless a defect was already found.
    ///
    /// A service with no alerting rules (and every rule file readable) is not judged here:
    /// the check is skipped and OBS-005 reports the missing alerts, once.
    ///
    /// Grafana alert rules are judged on the same `for`, severity and text rules; their query
    /// is judged as PromQL only when it is PromQL (Grafana evaluates Loki, SQL and other data
    /// sources too, and a query that is not PromQL is not a defect there).
    ///
    /// ## Why it matters
    /// An alert Prometheus rejects never fires, and the whole rule file with it. An alert
    /// without `for` pages on noise; one without a severity cannot be routed; one without a
    /// summary wakes someone with a bare name and no idea what broke.
    ///
    /// ## How to fix
    /// Run `promtool check rules` in CI. Give every alert `for: 5m` (or longer for slow
    /// signals), `labels: {severity: page}` (or another configured level) and
    /// `annotations: {summary: ..., description: ...}` that say what is wrong and where to
    /// look.
    ///
    /// ## Example
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighErrorRate
    ///         expr: sum(rate(http_requests_total{job="orders-api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="orders-api"}[5m])) > 0.05
    ///         for: 10m
    ///         labels:
    ///           severity: page
    ///         annotations:
    ///           summary: More than 5% of orders-api requests fail
    /// ```
    /// ```yaml fails path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighErrorRate   # no for, no severity, no summary
    ///         expr: sum(rate(http_requests_total{job="orders-api",code=~"5.."}[5m])) > 1
    /// ```
    /// ```yaml fails path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighLatency
    ///         expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])) > 0.5
    ///         for: 10m
    ///         labels: {severity: page}
    ///         annotations: {summary: Slow}
    /// ```
    ///
    /// ## References
    /// Seed 003, "Alerting: rules valid, with for, severity and summary"; Prometheus
    /// documentation, "Alerting rules" and "promtool check rules".
    pub struct AlertRulesValid {
        id: "OBS-007", slug: "alert-rules-valid", category: Observability, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "P", effort: 2,
    }
}

/// The shortest `for:` accepted, in seconds.
const MIN_FOR_SECONDS: u64 = 60;

const TEXT_ANNOTATIONS: [&str; 3] = ["summary", "description", "message"];

fn judge(rule: &Rule, t: &mut Tally) {
    let name = alert_name(rule);
    let mut ok = Vec::new();
    let fail = |msg: String, loc: &launchgate_evidence::Loc| {
        Finding::new(format!("{name}: {msg}"))
            .at(Some(loc.location()))
            .resource(name.clone())
    };
    match &rule.query {
        // Grafana evaluates queries of any data source (Loki, SQL, ...): one that is not PromQL
        // is not an error there, and its validity is Grafana's to judge.
        Err(_) if rule.origin == RuleOrigin::Grafana => {
            ok.push("a Grafana query that is not PromQL (not judged)".to_string());
        }
        Err(msg) => t.failures.push(fail(
            format!(
                "the expression is not valid PromQL ({}); Prometheus rejects the whole rule file",
                msg.trim()
            ),
            &rule.expr.loc,
        )),
        Ok(_) => ok.push("valid PromQL".to_string()),
    }
    // Debouncing a dead man's switch or an inhibitor would only delay it.
    let pipeline = pipeline_alert(rule).filter(|_| {
        rule.for_
            .as_ref()
            .is_none_or(|f| duration_seconds(&f.value).is_some())
    });
    if let Some(why) = pipeline {
        ok.push(match &rule.for_ {
            None => format!("no `for:` needed ({why})"),
            Some(f) => format!("for {} ({why})", f.value),
        });
    } else {
        match &rule.for_ {
        None => t.failures.push(fail(
            "has no `for:`, so it fires on a single evaluation; add `for: 5m` or longer".to_string(),
            &rule.loc,
        )),
        Some(f) => match duration_seconds(&f.value) {
            None => t.failures.push(fail(
                format!(
                    "`for: {}` is not a Prometheus duration (`5m`, `1h30m`)",
                    f.value
                ),
                &f.loc,
            )),
            Some(0) => t.failures.push(fail(
                format!(
                    "`for: {}` fires on a single evaluation; use at least 1m",
                    f.value
                ),
                &f.loc,
            )),
            Some(s) if s < MIN_FOR_SECONDS => t.failures.push(fail(
                format!(
                    "`for: {}` is shorter than a minute, so one or two slow scrapes fire it; use at least 1m",
                    f.value
                ),
                &f.loc,
            )),
            Some(_) => ok.push(format!("for {}", f.value)),
        },
    }
    }
    match rule.labels.get("severity") {
        None => t.failures.push(fail(
            "has no `severity` label, so it cannot be routed by urgency".to_string(),
            &rule.loc,
        )),
        Some(s) if s.value.trim().is_empty() => t
            .failures
            .push(fail("has an empty `severity` label".to_string(), &s.loc)),
        Some(s) => ok.push(format!("severity {}", s.value)),
    }
    match TEXT_ANNOTATIONS
        .iter()
        .find(|k| rule.annotation(k).is_some_and(|v| !v.trim().is_empty()))
    {
        None => t.failures.push(fail(
            "has no `summary` or `description` annotation, so the page says nothing about what broke".to_string(),
            &rule.loc,
        )),
        Some(k) => ok.push(format!("a `{k}`")),
    }
    if ok.len() == 4 {
        t.evidence.push(
            Finding::new(format!("{name}: {}", ok.join(", ")))
                .at(Some(rule.loc.location()))
                .resource(name.clone()),
        );
    }
}

impl Evaluate for AlertRulesValid {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let mut mine = service_alerts(cx);
        // Alerts of rule files Prometheus rejects count nowhere else; here they are judged,
        // to say why their file is rejected.
        mine.extend(
            cx.evidence
                .prometheus
                .rejected
                .iter()
                .filter(|r| r.is_alert() && r.selected_by(&cx.manifest.alerts)),
        );
        mine.sort_by(|a, b| a.loc.cmp(&b.loc));
        if let Some(skip) = crate::kit::alerts::no_service_alerts(cx, &mine) {
            return skip;
        }
        let mut t = Tally::default();
        for r in &mine {
            judge(r, &mut t);
        }
        conclude_alerts(cx, &mine, t)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use launchgate_core::Outcome;

    use crate::fixture::run;

    #[test]
    fn one_finding_per_problem() {
        let Outcome::Fail { findings, .. } = run("OBS-007", "fail_each_problem") else {
            panic!("expected a failure");
        };
        let got: Vec<(u32, &str)> = findings
            .iter()
            .map(|f| {
                let m = f.message.as_str();
                (
                    f.location.as_ref().unwrap().line,
                    &m[..m.find(':').unwrap_or(m.len())],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (5, "alert `OrdersHighErrorRate`"),
                (11, "alert `OrdersApiDown`"),
                (19, "alert `OrdersSlow`"),
                (26, "alert `OrdersFlapping`"),
                (33, "alert `OrdersRestarting`"),
                (38, "alert `OrdersNoSeverity`"),
                (43, "alert `OrdersNoSummary`"),
                (47, "alert `OrdersNoSummary`"),
            ]
        );
        assert!(
            findings[2]
                .message
                .contains("`for: 0s` fires on a single evaluation")
        );
        assert!(
            findings[4]
                .message
                .contains("`for: 5 minutes` is not a Prometheus duration")
        );
    }

    #[test]
    fn a_pass_states_the_for_values() {
        let Outcome::Pass { evidence, .. } = run("OBS-007", "pass_well_formed") else {
            panic!("expected a pass");
        };
        let messages: Vec<&str> = evidence.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "alert `OrdersHighErrorRate`: valid PromQL, for 10m, severity page, a `summary`",
                "alert `OrdersApiDown`: valid PromQL, for 1m, severity page, a `description`",
                "alert `OrdersSlow`: valid PromQL, for 1h30m, severity warning, a `message`",
            ]
        );
    }
}
