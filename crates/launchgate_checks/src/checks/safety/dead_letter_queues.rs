use launchgate_core::{Finding, Outcome};
use launchgate_manifest::DependencyKind;

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Every queue the service uses (`kind: queue` dependencies) names its dead-letter queue in
    /// `dead_letter_queue`.
    ///
    /// ## Why it matters
    /// One message the consumer cannot process (a malformed payload, a missing record) is
    /// redelivered forever: it blocks the partition or burns the consumer's capacity, and the
    /// messages behind it wait. A dead-letter queue moves it aside after a few attempts so the
    /// rest flows, and keeps it for a human to inspect and replay.
    ///
    /// ## How to fix
    /// Configure a dead-letter queue for each queue (an SQS `redrive_policy` with
    /// `maxReceiveCount`, a RabbitMQ dead-letter exchange, a Kafka DLQ topic), alert on its depth,
    /// and write down how messages are replayed. Name it on the dependency:
    /// `dead_letter_queue: orders-events-dlq`.
    ///
    /// ## Example
    /// ```yaml fails
    /// dependencies:
    ///   - name: order-events
    ///     kind: queue
    ///     timeout_ms: 1000
    /// ```
    /// ```yaml passes
    /// dependencies:
    ///   - name: order-events
    ///     kind: queue
    ///     timeout_ms: 1000
    ///     dead_letter_queue: order-events-dlq
    /// ```
    ///
    /// ## References
    /// Seed 002, "DLQ for every queue, with an alert"; Enterprise Integration Patterns,
    /// "Dead Letter Channel"; Amazon SQS Developer Guide, "Using dead-letter queues".
    pub struct DeadLetterQueues {
        id: "SAF-008", slug: "dead-letter-queues", category: Safety, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "T D P", effort: 4,
    }
}

impl Check for DeadLetterQueues {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let deps = &cx.manifest.dependencies;
        if !deps.iter().any(|d| d.kind == DependencyKind::Queue) {
            return Outcome::not_applicable(
                "the service uses no queue (no dependency has `kind: queue`)",
            );
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for (i, d) in deps
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == DependencyKind::Queue)
        {
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            match d.dead_letter_queue.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(dlq) => evidence.push(
                    Finding::new(format!(
                        "queue `{}` dead-letters to `{dlq}`",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/dead_letter_queue")))
                    .resource(resource),
                ),
                None => findings.push(
                    Finding::new(format!(
                        "queue `{}` has no `dead_letter_queue`: a message that cannot be processed is redelivered forever",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/dead_letter_queue")))
                    .resource(resource),
                ),
            }
        }
        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
