//! OBS-006 golden-signal-alerts: The service's alerts cover its golden signals, found by reading
//! their PromQL rather than their names.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::prometheus::{Rule, Signal};
use launchgate_manifest::DependencyKind;

use crate::kit::alerts::{alert_name, alert_names_queue, recording_rules, service_alerts, watches};
use crate::kit::finish::{Tally, conclude_tally};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service's alerts cover its golden signals, found by reading their PromQL rather
    /// than their names: at least one alert watches the **error rate** (5xx or non-2xx status
    /// codes, non-OK gRPC codes, `*_errors_total` over a total, an SLO burn rate) and one the
    /// **latency** (`histogram_quantile` over a duration histogram, the share of requests
    /// under a `_bucket`, an average `_sum / _count`, a duration or latency summary). An
    /// alert is classified by what its expression measures, not by the words in a metric
    /// name: the `_count` series of a duration histogram counts requests, so a ratio of those
    /// counts filtered by an error status (`status_code=~"5.."`) is an error rate, not
    /// latency. An alert on a recording rule counts for what the recording rule computes
    /// (`job:http_errors:ratio_rate5m`, by its name or its own expression).
    ///
    /// When the manifest declares queues (`kind: queue` dependencies), each queue also needs
    /// an alert on its **depth** (SQS `ApproximateNumberOfMessagesVisible`, RabbitMQ
    /// `rabbitmq_queue_messages_ready`, Kafka consumer lag, the age of the oldest message)
    /// and one on its **dead-letter queue's depth**. A queue alert counts for a queue when it
    /// names it (`queue_name="orders"`, also with a prefix such as `prod-orders`, or a regex
    /// matching it), or when it is a service alert that names no queue at all. The
    /// dead-letter alert must name the declared `dead_letter_queue` when there is one.
    ///
    /// Which alerts are the service's follows `alerts.selectors` (see OBS-005). The manifest
    /// only says which signals are needed (its queues); no claim can stand in for an alert.
    /// A rule file that cannot be read makes a missing signal inconclusive.
    ///
    /// ## Why it matters
    /// Errors and latency are what users feel. Alerts on CPU or pod restarts alone page for
    /// causes that may not hurt anyone and stay silent when a bad deploy returns 500s from
    /// healthy pods. A queue that backs up, or a dead-letter queue that fills, is an outage
    /// that no HTTP metric shows.
    ///
    /// ## How to fix
    /// Alert on the ratio of failed requests
    /// (`sum(rate(http_requests_total{job="orders-api",code=~"5.."}[5m])) /
    /// sum(rate(http_requests_total{job="orders-api"}[5m])) > 0.05`), on a latency quantile
    /// (`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
    /// > 0.5`), and for queues on the visible messages or consumer lag of each queue and on
    /// any message in its dead-letter queue.
    ///
    /// ## Example
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighErrorRate
    ///         expr: |
    ///           sum(rate(http_requests_total{job="orders-api",code=~"5.."}[5m]))
    ///             / sum(rate(http_requests_total{job="orders-api"}[5m])) > 0.05
    ///         for: 10m
    ///         labels: {severity: page}
    ///       - alert: HighLatencyP99
    ///         expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="orders-api"}[5m]))) > 0.5
    ///         for: 10m
    ///         labels: {severity: page}
    /// ```
    /// ```yaml fails path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: HighCpu   # a cause, not what users feel
    ///         expr: sum(rate(container_cpu_usage_seconds_total{container="orders-api"}[5m])) > 3
    ///         for: 15m
    ///         labels: {severity: warning}
    /// ```
    ///
    /// ## References
    /// Seed 002, "Alerts on the golden signals; queue depth and DLQ alerts"; seed 003,
    /// "Alerting: golden signals covered"; Google SRE book, "Monitoring Distributed Systems";
    /// Prometheus documentation, "Histograms and summaries".
    pub struct GoldenSignalAlerts {
        id: "OBS-006", slug: "golden-signal-alerts", category: Observability, severity: Major,
        tiers: [Required, Required, Skipped], evidence: "P D", effort: 4,
    }
}

/// Where a finding about a missing service-wide signal points: the first group holding the
/// service's alerts, else the manifest's `alerts` key.
fn service_place(cx: &CheckContext<'_>, mine: &[&Rule]) -> Option<Location> {
    mine.first()
        .and_then(|r| {
            cx.evidence
                .prometheus
                .groups
                .iter()
                .find(|g| g.name.value == r.group && g.loc.path == r.loc.path && g.loc < r.loc)
                .map(|g| g.loc.location())
        })
        .or_else(|| at(cx, "/alerts"))
}

fn covered(rule: &Rule, signal: Signal) -> Finding {
    Finding::new(format!("{} watches the {signal}", alert_name(rule)))
        .at(Some(rule.expr.loc.location()))
        .resource(alert_name(rule))
}

impl Evaluate for GoldenSignalAlerts {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let recording = recording_rules(cx);
        let mine = service_alerts(cx);
        let all: Vec<&Rule> = cx.evidence.prometheus.alerts().collect();
        let mut t = Tally::default();

        for signal in [Signal::ErrorRate, Signal::Latency] {
            match mine
                .iter()
                .find(|r| watches(r, &recording).contains(&signal))
            {
                Some(r) => t.evidence.push(covered(r, signal)),
                None => t.missing.push(
                    Finding::new(format!(
                        "no alert of the service watches its {signal} ({} of the service read); {}",
                        crate::kit::alerts::count(mine.len(), "alert"),
                        match signal {
                            Signal::ErrorRate => "alert on the ratio of 5xx responses or failed calls",
                            _ => "alert on a latency quantile (`histogram_quantile`) of its requests",
                        }
                    ))
                    .at(service_place(cx, &mine)),
                ),
            }
        }

        for (i, d) in cx
            .manifest
            .dependencies
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == DependencyKind::Queue)
        {
            let ptr = format!("/dependencies/{i}");
            // A queue alert counts when it names the queue, or when it is one of the
            // service's alerts and names no queue at all.
            let for_queue = |r: &&Rule, queue: &str, signal: Signal| {
                if !watches(r, &recording).contains(&signal) {
                    return false;
                }
                let refs = r.queue_refs(&recording);
                alert_names_queue(r, &recording, queue)
                    || (refs.is_empty() && mine.iter().any(|m| std::ptr::eq(*m, *r)))
            };
            match all
                .iter()
                .find(|r| for_queue(r, &d.name, Signal::QueueDepth))
            {
                Some(r) => t.evidence.push(
                    Finding::new(format!(
                        "{} watches the depth of queue `{}`",
                        alert_name(r),
                        d.name
                    ))
                    .at(Some(r.expr.loc.location()))
                    .resource(format!("dependency {}", d.name)),
                ),
                None => t.missing.push(
                    Finding::new(format!(
                        "no alert watches the depth of queue `{}` (visible messages, consumer lag or the age of the oldest message, naming the queue)",
                        d.name
                    ))
                    .at(at(cx, &ptr))
                    .resource(format!("dependency {}", d.name)),
                ),
            }
            let dlq = d
                .dead_letter_queue
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            // Without a declared name, a dead-letter alert counts when a queue it names
            // contains the queue's name (`callbacks-dlq`, `callbacks.deadletter`), or when it
            // is a service alert that names no queue.
            let undeclared = |r: &&Rule| {
                let refs = r.queue_refs(&recording);
                let want = d.name.to_ascii_lowercase().replace('_', "-");
                watches(r, &recording).contains(&Signal::DeadLetterDepth)
                    && ((refs.is_empty() && mine.iter().any(|m| std::ptr::eq(*m, *r)))
                        || refs.iter().any(|q| {
                            q.value
                                .to_ascii_lowercase()
                                .replace('_', "-")
                                .contains(&want)
                        })
                        || (refs.is_empty() && alert_names_queue(r, &recording, &d.name)))
            };
            let dlq_alert = all.iter().find(|r| {
                if let Some(name) = dlq {
                    for_queue(r, name, Signal::DeadLetterDepth)
                } else {
                    undeclared(r)
                }
            });
            let what = dlq.map_or_else(
                || format!("the dead-letter queue of `{}`", d.name),
                |n| format!("dead-letter queue `{n}`"),
            );
            match dlq_alert {
                Some(r) => t.evidence.push(
                    Finding::new(format!("{} watches the depth of {what}", alert_name(r)))
                        .at(Some(r.expr.loc.location()))
                        .resource(format!("dependency {}", d.name)),
                ),
                None => t.missing.push(
                    Finding::new(format!(
                        "no alert watches the depth of {what}: messages that failed for good pile up unseen; alert when it holds any message"
                    ))
                    .at(at(
                        cx,
                        &if dlq.is_some() {
                            format!("{ptr}/dead_letter_queue")
                        } else {
                            ptr.clone()
                        },
                    ))
                    .resource(format!("dependency {}", d.name)),
                ),
            }
        }
        conclude_tally(
            cx,
            cx.evidence.gaps("P"),
            t,
            "no alerts of the service were found",
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use launchgate_core::Outcome;

    use crate::fixture::run;

    fn messages(o: &Outcome) -> Vec<String> {
        match o {
            Outcome::Fail { findings, .. } => findings.iter().map(|f| f.message.clone()).collect(),
            Outcome::Pass { evidence, .. } => evidence.iter().map(|f| f.message.clone()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_missing_queue_signal_is_its_own_finding() {
        let o = run("OBS-006", "fail_queue_alerts_missing");
        assert!(matches!(o, Outcome::Fail { .. }));
        assert_eq!(
            messages(&o),
            [
                "no alert watches the depth of dead-letter queue `tasks-dlq`: messages that failed for good pile up unseen; alert when it holds any message",
                "no alert watches the depth of the dead-letter queue of `callbacks`: messages that failed for good pile up unseen; alert when it holds any message",
            ]
        );
    }

    #[test]
    fn recording_rules_are_read_through() {
        let o = run("OBS-006", "pass_recordings_and_queues");
        assert_eq!(
            messages(&o),
            [
                "alert `TaskApiFailing` watches the error rate",
                "alert `TaskApiSlow` watches the latency",
                "alert `QueueDepthHigh` watches the depth of queue `tasks`",
                "alert `DeadLettersWaiting` watches the depth of dead-letter queue `tasks-dlq`",
            ]
        );
    }

    #[test]
    fn cause_alerts_do_not_cover_errors_or_latency() {
        let o = run("OBS-006", "fail_cause_alerts_only");
        let m = messages(&o);
        assert_eq!(m.len(), 2);
        assert!(
            m[0].starts_with(
                "no alert of the service watches its error rate (3 alerts of the service read)"
            ),
            "{}",
            m[0]
        );
        assert!(
            m[1].starts_with("no alert of the service watches its latency"),
            "{}",
            m[1]
        );
    }
}
