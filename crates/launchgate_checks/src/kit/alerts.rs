//! Alerts of the service: which alerting rules are its own, what they watch, and the rule files
//! that could not be read.

use std::collections::BTreeMap;

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::prometheus::{QueueRef, Rule, Signal, metric_name, vector_selectors};

use crate::CheckContext;
use crate::kit::finish::{NOT_SCANNED, Tally, conclude_tally};
use crate::kit::manifest::names_match;

/// Checks that judge the service's alerts do not apply when it has none and every rule file
/// could be read: OBS-005 fails on the missing alerts, once, instead of every alert check
/// repeating it. `None` when there are alerts to judge, or when an unreadable rule file may
/// hide some (the check then concludes inconclusive itself).
pub fn no_service_alerts(
    cx: &CheckContext<'_>,
    alerts: &[&launchgate_evidence::prometheus::Rule],
) -> Option<Outcome> {
    (cx.evidence.scanned && alerts.is_empty() && cx.evidence.gaps("P").is_empty()).then(|| {
        Outcome::not_applicable(
            "the service has no alerting rules to judge (OBS-005 reports the missing alerts)",
        )
    })
}

/// The alerting rules of the service: those the manifest's `alerts.selectors` select, or
/// every alert when it has none.
pub fn service_alerts<'a>(cx: &CheckContext<'a>) -> Vec<&'a Rule> {
    cx.evidence.prometheus.service_alerts(&cx.manifest.alerts)
}

/// Every recording rule of the repository: alerts refer to them by name.
pub fn recording_rules<'a>(cx: &CheckContext<'a>) -> Vec<&'a Rule> {
    cx.evidence.prometheus.recording_rules().collect()
}

/// Why an alert is about the alerting pipeline rather than the system, so that debouncing
/// it with `for:` would defeat it; `None` for an ordinary alert.
///
/// - A dead man's switch (`Watchdog`, `DeadMansSwitch`, `Heartbeat`): an expression that
///   reads no series (`vector(1)`, `1`, `vector(1) > 0`) and so always fires, or an alert
///   whose annotations say it is always firing or a dead man's switch.
/// - An inhibitor over other alerts (`InfoInhibitor`): an expression that reads only the
///   `ALERTS` series, whose alerts already waited for their own `for:`.
pub fn pipeline_alert(rule: &Rule) -> Option<&'static str> {
    if let Some(expr) = rule.parsed() {
        let names: Vec<Option<&str>> = vector_selectors(expr)
            .into_iter()
            .map(metric_name)
            .collect();
        if names.is_empty() {
            return Some("an always-firing dead man's switch (its expression reads no series)");
        }
        if names
            .iter()
            .all(|n| n.is_some_and(|n| n == "ALERTS" || n == "ALERTS_FOR_STATE"))
        {
            return Some("an inhibitor over other alerts (it reads only `ALERTS`)");
        }
    }
    let said = rule.annotations.values().any(|v| {
        let text = v
            .value
            .to_ascii_lowercase()
            .replace(['\'', '’', '-', '_'], " ");
        ["dead man", "deadman", "always firing", "always be firing"]
            .iter()
            .any(|w| text.contains(w))
    });
    said.then_some("a dead man's switch (its annotations say it always fires)")
}

/// What an alert watches, reading the recording rules it refers to.
pub fn watches(rule: &Rule, recording: &[&Rule]) -> std::collections::BTreeSet<Signal> {
    rule.signals_resolved(recording)
}

/// Whether a queue matcher of an alert names `queue`: equal (ignoring case, `_`/`-` and a
/// prefix such as `prod-`), a regex that matches it whole, or a regex of plain alternatives
/// one of which names it (`prod-tasks-dlq|prod-jobs-dlq`).
pub fn ref_names(r: &QueueRef, queue: &str) -> bool {
    if r.matches(queue) {
        return true;
    }
    let plain = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '|'))
    };
    if r.regex && !plain(&r.value) {
        return false;
    }
    r.value.split('|').any(|v| names_match(queue, v))
}

/// Whether an alert's queue matchers, or the metric names it reads, name `queue`
/// (`orders_dlq_messages` names `orders-dlq`).
pub fn alert_names_queue(rule: &Rule, recording: &[&Rule], queue: &str) -> bool {
    let refs = rule.queue_refs(recording);
    if refs.iter().any(|r| ref_names(r, queue)) {
        return true;
    }
    let wanted = norm(queue);
    !wanted.is_empty()
        && rule.parsed().is_some_and(|e| {
            launchgate_evidence::prometheus::vector_selectors(e)
                .into_iter()
                .filter_map(launchgate_evidence::prometheus::metric_name)
                .any(|n| norm(n).contains(&wanted))
        })
}

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

/// `alert `HighErrorRate``, for messages.
pub fn alert_name(rule: &Rule) -> String {
    format!("alert `{}`", rule.name.value)
}

/// The files this check needs that could not be evaluated (letter P), without the invalid
/// expressions of `judged` alerts: a check that reports those as its own failures does not
/// also count them as unread evidence.
pub fn rule_gaps(cx: &CheckContext<'_>, judged: &[&Rule]) -> Vec<Finding> {
    let invalid: Vec<launchgate_core::Location> = judged
        .iter()
        .filter(|r| r.query.is_err())
        .map(|r| r.expr.loc.location())
        .collect();
    cx.evidence
        .gaps("P")
        .into_iter()
        .filter(|g| g.location.as_ref().is_none_or(|l| !invalid.contains(l)))
        .collect()
}

/// A label set as written in the manifest: `{job: api, namespace: shop}`.
pub fn selector_text(set: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = set.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// `1 alert`, `3 alerts`.
pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The service's alerts for a check that judges each of them, or its outcome when there is
/// nothing to judge: the repository was not scanned, or the service has no alerts
/// ([`no_service_alerts`]).
pub fn alerts_to_judge<'a>(cx: &CheckContext<'a>) -> Result<Vec<&'a Rule>, Outcome> {
    if !cx.evidence.scanned {
        return Err(Outcome::inconclusive(NOT_SCANNED));
    }
    let alerts = service_alerts(cx);
    match no_service_alerts(cx, &alerts) {
        Some(skip) => Err(skip),
        None => Ok(alerts),
    }
}

/// Concludes a check of the service's alerts `judged` from its tally, with the rule files that
/// could not be read ([`rule_gaps`]) as gaps.
pub fn conclude_alerts(cx: &CheckContext<'_>, judged: &[&Rule], t: Tally) -> Outcome {
    conclude_tally(
        cx,
        rule_gaps(cx, judged),
        t,
        "no alerts of the service were found (see OBS-005)",
    )
}
