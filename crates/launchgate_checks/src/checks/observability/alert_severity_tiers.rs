//! OBS-008 alert-severity-tiers: Every alert of the service (see OBS-005) has a `severity` label
//! whose value is one of the configured levels, and at least one alert pages.

use std::collections::BTreeMap;

use launchgate_core::{Finding, Outcome};
use launchgate_manifest::SeverityLevel;

use crate::kit::alerts::conclude_alerts;
use crate::kit::alerts::{alert_name, count, service_alerts};
use crate::kit::finish::Tally;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every alert of the service (see OBS-005) has a `severity` label whose value is one of
    /// the configured levels, and at least one alert pages. The levels come from the policy
    /// option `alert_severities`; by default `page` (aliases `critical`, `crit`, `p1`,
    /// `sev1`, `emergency`, `pager`; it pages), `urgent`, `warning` and `info`, each with its
    /// usual aliases, compared without regard to case.
    ///
    /// A value outside the levels fails at the label's value, naming the levels; an alert
    /// without a `severity` label fails at the alert. When no alert has a paging level, the
    /// finding is at the first alert's severity and counts the levels that were found.
    ///
    /// A service with no alerting rules (and every rule file readable) is not judged here:
    /// the check is skipped and OBS-005 reports the missing alerts, once.
    ///
    /// ## Why it matters
    /// Routing, paging and escalation all key on severity. A value nobody configured
    /// (`severity: important`, `sev0`) falls through to the default route, which usually pages
    /// nobody; a service with no paging alert relies on someone watching a channel at 2am.
    ///
    /// ## How to fix
    /// Use the configured levels: `severity: page` for what needs a human now (errors and
    /// latency users feel), `warning` or `info` for the rest. To use other names, set
    /// `alert_severities` in the policy, marking the paging level with `pages: true`.
    ///
    /// ## Example
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighErrorRate
    ///         expr: job:http_errors:ratio_rate5m{job="orders-api"} > 0.05
    ///         for: 10m
    ///         labels:
    ///           severity: critical   # an alias of page
    ///       - alert: DiskFillingUp
    ///         expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1
    ///         for: 30m
    ///         labels:
    ///           severity: warning
    /// ```
    /// ```yaml fails path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighErrorRate
    ///         expr: job:http_errors:ratio_rate5m{job="orders-api"} > 0.05
    ///         for: 10m
    ///         labels:
    ///           severity: important   # not a configured level, and nothing pages
    /// ```
    ///
    /// ## References
    /// Seed 004, "Alerting: severity levels and paging"; Google SRE workbook, "Alerting on
    /// SLOs"; Prometheus Alertmanager documentation, "Routing".
    pub struct AlertSeverityTiers {
        id: "OBS-008", slug: "alert-severity-tiers", category: Observability, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "P", effort: 1,
    }
}

fn levels_text(levels: &[SeverityLevel]) -> String {
    levels
        .iter()
        .map(|l| {
            if l.aliases.is_empty() {
                format!("`{}`", l.name)
            } else {
                format!("`{}` ({})", l.name, l.aliases.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Evaluate for AlertSeverityTiers {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let mine = service_alerts(cx);
        if let Some(skip) = crate::kit::alerts::no_service_alerts(cx, &mine) {
            return skip;
        }
        let levels = &cx.options.alert_severities;
        let mut t = Tally::default();
        let mut found: BTreeMap<String, usize> = BTreeMap::new();
        let mut paging = Vec::new();
        for r in &mine {
            let name = alert_name(r);
            let Some(sev) = r.labels.get("severity") else {
                t.failures.push(
                    Finding::new(format!(
                        "{name} has no `severity` label; use one of the levels {}",
                        levels_text(levels)
                    ))
                    .at(Some(r.loc.location()))
                    .resource(name),
                );
                continue;
            };
            match cx.options.severity_level(&sev.value) {
                None => {
                    *found.entry(sev.value.trim().to_string()).or_default() += 1;
                    t.failures.push(
                        Finding::new(format!(
                            "{name} has `severity: {}`, which is none of the configured levels {}",
                            sev.value,
                            levels_text(levels)
                        ))
                        .at(Some(sev.loc.location()))
                        .resource(name),
                    );
                }
                Some(level) => {
                    *found.entry(level.name.clone()).or_default() += 1;
                    let how = if level.name.eq_ignore_ascii_case(sev.value.trim()) {
                        format!("`severity: {}`", level.name)
                    } else {
                        format!("`severity: {}` (level `{}`)", sev.value, level.name)
                    };
                    let pages = if level.pages { ", which pages" } else { "" };
                    if level.pages {
                        paging.push(name.clone());
                    }
                    t.evidence.push(
                        Finding::new(format!("{name} has {how}{pages}"))
                            .at(Some(sev.loc.location()))
                            .resource(name),
                    );
                }
            }
        }
        if !mine.is_empty() && paging.is_empty() {
            let pagers: Vec<String> = levels
                .iter()
                .filter(|l| l.pages)
                .map(|l| format!("`{}`", l.name))
                .collect();
            let seen: Vec<String> = found.iter().map(|(k, n)| format!("{k} ({n})")).collect();
            let first = mine[0];
            let place = first.labels.get("severity").map_or(&first.loc, |s| &s.loc);
            let msg = if pagers.is_empty() {
                "no configured severity level pages (`pages: true` in `alert_severities`), so no alert reaches a pager".to_string()
            } else {
                format!(
                    "none of the service's {} pages (levels found: {}); give the alerts users feel a paging level ({})",
                    count(mine.len(), "alert"),
                    if seen.is_empty() {
                        "none".to_string()
                    } else {
                        seen.join(", ")
                    },
                    pagers.join(", ")
                )
            };
            // A paging alert may be in a rule file that could not be read: missing, not a
            // definite defect.
            t.missing.push(Finding::new(msg).at(Some(place.location())));
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
    fn nothing_paging_counts_the_levels_found() {
        let Outcome::Fail { findings, .. } = run("OBS-008", "fail_nothing_pages") else {
            panic!("expected a failure");
        };
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "none of the service's 2 alerts pages (levels found: warning (2)); give the alerts users feel a paging level (`page`)"
        );
    }

    #[test]
    fn aliases_and_custom_levels() {
        let Outcome::Pass { evidence, .. } = run("OBS-008", "pass_aliases_and_pager") else {
            panic!("expected a pass");
        };
        assert_eq!(
            evidence[0].message,
            "alert `OrdersHighErrorRate` has `severity: Critical` (level `page`), which pages"
        );
        let Outcome::Pass { evidence, .. } = run("OBS-008", "pass_custom_levels") else {
            panic!("expected a pass");
        };
        assert_eq!(
            evidence[0].message,
            "alert `OrdersHighErrorRate` has `severity: wake-up` (level `sev1`), which pages"
        );
    }
}
