//! Alerts of the service: which alerting rules are its own, what they watch, and the rule files
//! that could not be read.

use crate::CheckContext;
use launchgate_core::Outcome;

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
