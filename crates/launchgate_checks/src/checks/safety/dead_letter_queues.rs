//! SAF-008 dead-letter-queues: Every queue has a dead-letter queue.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::prometheus::{Rule, Signal};
use launchgate_evidence::terraform::{Attr, Resource, Terraform, TfValue, address_of};
use launchgate_manifest::DependencyKind;

use crate::kit::alerts::{alert_name, alert_names_queue, recording_rules, watches};
use crate::kit::claims::{Claim, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::{at, names_match};
use crate::kit::terraform::{tf_origin, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every queue has a dead-letter queue. In Terraform, every `aws_sqs_queue` that is not
    /// itself a dead-letter queue has a `redrive_policy` (inline, or an
    /// `aws_sqs_queue_redrive_policy`) with a `deadLetterTargetArn` (a reference to another
    /// queue counts) and a positive `maxReceiveCount`. A queue is taken as a dead-letter queue
    /// when another queue's redrive policy targets it, when it has a redrive allow policy, or
    /// when its name says so (`dlq`, `dead-letter`).
    ///
    /// Queues the service declares (`kind: queue` dependencies) name their dead-letter queue in
    /// `dead_letter_queue`, as before; when the repository has SQS queues, that name must match
    /// one of them, and a declared queue without `dead_letter_queue` is accepted when its
    /// Terraform queue has a redrive policy. A declared dead-letter queue that the matching
    /// Terraform queue does not redrive to fails naming both places. The check does not apply
    /// when the service declares no queue and the repository has none.
    ///
    /// Every dead-letter queue (a Terraform redrive target, or a declared
    /// `dead_letter_queue`) also needs someone to notice what lands in it: an alerting rule on
    /// its depth that names it (`aws_sqs_approximate_number_of_messages_visible{queue_name=
    /// "orders-dlq"} > 0`, a regex matching it, a prefix such as `prod-orders-dlq`, or a
    /// metric named for it such as `orders_dlq_messages`), or a processor that consumes it (an
    /// `aws_lambda_event_source_mapping` or `aws_pipes_pipe` reading it). A dead-letter queue
    /// with neither fails where it is defined; when a rule file could not be read, that part
    /// is inconclusive instead.
    ///
    /// ## Why it matters
    /// One message the consumer cannot process (a malformed payload, a missing record) is
    /// redelivered forever: it blocks the partition or burns the consumer's capacity, and the
    /// messages behind it wait. A dead-letter queue moves it aside after a few attempts so the
    /// rest flows, and keeps it for a human to inspect and replay.
    ///
    /// ## How to fix
    /// Configure a dead-letter queue for each queue (a RabbitMQ dead-letter exchange, a Kafka DLQ
    /// topic; in Terraform, an `aws_sqs_queue` for the dead letters and, on the main queue,
    /// `redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn,
    /// maxReceiveCount = 5 })`), alert on its depth (any message in it is worth a look), and
    /// write down how messages are replayed. Name it on the dependency:
    /// `dead_letter_queue: orders-events-dlq`.
    ///
    /// ## Example
    /// ```hcl fails path=infra/queues.tf
    /// resource "aws_sqs_queue" "orders" {
    ///   name = "orders"
    ///   # no redrive_policy: a poison message is redelivered forever
    /// }
    /// ```
    /// ```hcl passes path=infra/queues.tf
    /// resource "aws_sqs_queue" "orders_dlq" {
    ///   name                      = "orders-dlq"
    ///   message_retention_seconds = 1209600
    /// }
    ///
    /// resource "aws_sqs_queue" "orders" {
    ///   name = "orders"
    ///   redrive_policy = jsonencode({
    ///     deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    ///     maxReceiveCount     = 5
    ///   })
    /// }
    /// ```
    /// ```yaml with path=monitoring/rules.yml
    /// groups:
    ///   - name: queues
    ///     rules:
    ///       - alert: OrdersDeadLetters
    ///         expr: aws_sqs_approximate_number_of_messages_visible{queue_name="orders-dlq"} > 0
    ///         for: 5m
    ///         labels: {severity: warning}
    /// ```
    /// ```yaml fails
    /// dependencies:
    ///   - name: order-events
    ///     kind: queue
    ///     timeout_ms: 1000
    /// ```
    /// ```yaml fails
    /// dependencies:
    ///   - name: order-events
    ///     kind: queue
    ///     timeout_ms: 1000
    ///     dead_letter_queue: order-events-dlq   # but nothing watches it
    /// ```
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: queues
    ///     rules:
    ///       - alert: OrderEventsDeadLetters
    ///         expr: sum(rabbitmq_queue_messages{queue="order-events-dlq"}) > 0
    ///         for: 5m
    ///         labels: {severity: warning}
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: order-events-consumer
    /// tier: 1
    /// exposure: internal
    /// data: persistent
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

/// What a queue's redrive policy says.
enum Redrive<'a> {
    /// No redrive policy.
    None,
    /// Written but not readable (a `templatefile`, a variable without a default).
    Unreadable(&'a Resource, &'a Attr),
    /// The policy object, with the attribute that holds it.
    Policy(&'a Resource, &'a Attr, &'a TfValue),
}

/// The redrive policy of `queue`: its own `redrive_policy`, or an
/// `aws_sqs_queue_redrive_policy` that names it.
fn redrive<'a>(tf: &'a Terraform, queue: &'a Resource) -> Redrive<'a> {
    let own = queue
        .attr("redrive_policy")
        .filter(|a| !a.value.is_null() && a.value.as_str() != Some(""))
        .map(|a| (queue, a));
    let separate = || {
        tf.referrers(queue)
            .filter(|r| r.rtype == "aws_sqs_queue_redrive_policy")
            .find(|r| {
                r.attr("queue_url")
                    .is_some_and(|a| a.addresses().contains(&queue.address()))
            })
            .and_then(|r| r.attr("redrive_policy").map(|a| (r, a)))
    };
    match own.or_else(separate) {
        None => Redrive::None,
        Some((r, a)) => match a.json_like() {
            Some(v @ TfValue::Object(_)) => Redrive::Policy(r, a, v),
            _ => Redrive::Unreadable(r, a),
        },
    }
}

/// The queue a redrive policy sends to, when it names one in the repository.
fn target<'a>(tf: &'a Terraform, from: &'a Resource, policy: &TfValue) -> Option<&'a Resource> {
    match policy.get("deadLetterTargetArn")? {
        TfValue::Ref(r) => address_of(r).and_then(|a| tf.resolve(from, &a)),
        TfValue::String(arn) => {
            let name = arn.rsplit(':').next()?;
            tf.resources_of("aws_sqs_queue")
                .find(|q| queue_name(q).is_some_and(|n| n == name))
        }
        _ => None,
    }
}

/// The queue's `name`, when known.
fn queue_name(q: &Resource) -> Option<&str> {
    q.value("name").and_then(TfValue::as_str)
}

/// Whether a name or a written `name` matches `declared`; `None` when the queue's name is
/// written but unknown and the resource name does not match.
fn queue_matches(q: &Resource, declared: &str) -> Option<bool> {
    if names_match(declared, &q.name) {
        return Some(true);
    }
    for attr in ["name", "name_prefix"] {
        match q.value(attr) {
            Some(TfValue::String(n)) if names_match(declared, n) => return Some(true),
            Some(TfValue::String(_) | TfValue::Null) | None => {}
            Some(_) => return None,
        }
    }
    Some(false)
}

fn looks_like_dlq(q: &Resource) -> bool {
    let dlq = |s: &str| {
        let s = s.to_ascii_lowercase().replace('_', "-");
        s.contains("dlq") || s.contains("dead-letter") || s.contains("deadletter")
    };
    dlq(&q.name) || queue_name(q).is_some_and(dlq)
}

impl Evaluate for DeadLetterQueues {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let deps = &cx.manifest.dependencies;
        let tf = &cx.evidence.terraform;
        let queues: Vec<&Resource> = tf.resources_of("aws_sqs_queue").collect();
        let declared = deps.iter().any(|d| d.kind == DependencyKind::Queue);
        if !declared && queues.is_empty() {
            return Outcome::not_applicable(
                "the service uses no queue (no dependency has `kind: queue` and the repository declares no SQS queue)",
            );
        }

        // Dead-letter queues: targets of some redrive policy, queues that allow redrives into
        // them, and queues named as such.
        let mut dlqs: Vec<&Resource> = Vec::new();
        for q in &queues {
            if let Redrive::Policy(r, _, p) = redrive(tf, q)
                && let Some(t) = target(tf, r, p)
            {
                dlqs.push(t);
            }
        }
        let is_dlq = |q: &Resource| {
            dlqs.iter().any(|d| std::ptr::eq(*d, q))
                || looks_like_dlq(q)
                || q.attr("redrive_allow_policy").is_some()
                || tf
                    .referrers(q)
                    .any(|r| r.rtype == "aws_sqs_queue_redrive_allow_policy")
        };

        let mut shown = Tally::default();
        for q in queues.iter().filter(|q| !is_dlq(q)) {
            judge_queue(tf, q, &mut shown);
        }

        let mut declared_evidence = Vec::new();
        for (i, d) in deps
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == DependencyKind::Queue)
        {
            let p = format!("/dependencies/{i}");
            let dlq_ptr = format!("{p}/dead_letter_queue");
            let resource = format!("dependency {}", d.name);
            // The Terraform queue this dependency is, if the repository declares it.
            let own = queues
                .iter()
                .find(|q| !is_dlq(q) && queue_matches(q, &d.name) == Some(true));
            let Some(dlq) = d
                .dead_letter_queue
                .as_deref()
                .filter(|s| !s.trim().is_empty())
            else {
                if let Some(q) = own
                    && let Redrive::Policy(_, a, policy) = redrive(tf, q)
                    && complete(policy)
                {
                    shown.evidence.push(
                        Finding::new(format!(
                            "queue `{}` is {}, whose redrive policy names its dead-letter queue",
                            d.name,
                            q.address()
                        ))
                        .at(Some(a.loc.location()))
                        .related(tf_origin(a))
                        .resource(resource),
                    );
                    continue;
                }
                shown.failures.push(
                    Finding::new(format!(
                        "queue `{}` has no `dead_letter_queue`: a message that cannot be processed is redelivered forever",
                        d.name
                    ))
                    .at(at(cx, &dlq_ptr))
                    .resource(resource),
                );
                continue;
            };
            let matching: Vec<Option<bool>> =
                queues.iter().map(|q| queue_matches(q, dlq)).collect();
            if !queues.is_empty() && !matching.contains(&Some(true)) {
                if matching.contains(&None) {
                    shown.unknowns.push(
                        Finding::new(format!(
                            "queue `{}` names dead-letter queue `{dlq}`, and some SQS queue names in Terraform cannot be resolved to compare it with",
                            d.name
                        ))
                        .at(at(cx, &dlq_ptr))
                        .resource(resource),
                    );
                } else {
                    let names: Vec<String> = queues
                        .iter()
                        .map(|q| queue_name(q).unwrap_or(&q.name).to_string())
                        .collect();
                    shown.failures.push(
                        Finding::new(format!(
                            "queue `{}` names dead-letter queue `{dlq}`, but no SQS queue in Terraform has that name (found: {})",
                            d.name,
                            names.join(", ")
                        ))
                        .at(at(cx, &dlq_ptr))
                        .resource(resource),
                    );
                }
                continue;
            }
            // The declared queue's redrive must lead to the declared dead-letter queue.
            if let Some(q) = own
                && let Redrive::Policy(r, a, policy) = redrive(tf, q)
                && let Some(t) = target(tf, r, policy)
                && queue_matches(t, dlq) == Some(false)
            {
                shown.failures.push(
                    Finding::new(format!(
                        "{} dead-letters to {}, not to `{dlq}`; dependency `{}` declares `dead_letter_queue: {dlq}`",
                        q.address(),
                        t.address(),
                        d.name
                    ))
                    .at(Some(a.loc_at(&["deadLetterTargetArn"]).location()))
                    .related(at(cx, &dlq_ptr))
                    .resource(q.address()),
                );
                continue;
            }
            declared_evidence.push(
                Finding::new(format!("queue `{}` dead-letters to `{dlq}`", d.name))
                    .at(at(cx, &dlq_ptr))
                    .resource(resource),
            );
        }
        let (watched, letters) = watch_dead_letters(cx, tf, &queues, &dlqs, &is_dlq);
        let claim = if declared_evidence.is_empty() {
            Claim::Unread(
                "no SQS queue in Terraform could be judged and no queue dependency declares a dead-letter queue"
                    .to_string(),
            )
        } else {
            Claim::Holds(declared_evidence)
        };
        let mut parts = vec![(shown, claim)];
        if let Some(w) = watched {
            parts.push((
                w,
                Claim::Unread(
                    "the dead-letter queues could not be tied to alerts or processors".to_string(),
                ),
            ));
        }
        settle(cx, letters, parts)
    }
}

/// A dead-letter queue whose depth someone must watch.
struct DeadLetters<'a> {
    /// How messages name it: `aws_sqs_queue.orders_dlq (orders-dlq)`, `` `orders-dlq` ``.
    label: String,
    /// Names an alert may use for it.
    names: Vec<String>,
    /// The Terraform queue, when the repository declares it.
    queue: Option<&'a Resource>,
    /// Where it is defined.
    loc: Option<Location>,
    /// The manifest's `dead_letter_queue` when the queue is also a Terraform resource.
    declared_at: Option<Location>,
}

/// The dead-letter queues of the service: redrive targets in Terraform, literal target ARNs,
/// and declared `dead_letter_queue`s (the Terraform queue they name, when there is one).
fn dead_letter_queues<'a>(
    cx: &CheckContext<'_>,
    tf: &'a Terraform,
    queues: &[&'a Resource],
    dlqs: &[&'a Resource],
    is_dlq: &dyn Fn(&Resource) -> bool,
) -> Vec<DeadLetters<'a>> {
    let mut out: Vec<DeadLetters<'a>> = Vec::new();
    let of_queue = |q: &'a Resource| {
        let mut names = vec![q.name.clone()];
        let label = match queue_name(q) {
            Some(n) => {
                names.insert(0, n.to_string());
                format!("{} (`{n}`)", q.address())
            }
            None => q.address(),
        };
        DeadLetters {
            label,
            names,
            queue: Some(q),
            loc: Some(q.loc.location()),
            declared_at: None,
        }
    };
    for d in dlqs {
        if !out
            .iter()
            .any(|o| o.queue.is_some_and(|q| std::ptr::eq(q, *d)))
        {
            out.push(of_queue(d));
        }
    }
    // Redrive policies that name their target by a literal ARN of a queue not in the
    // repository.
    for q in queues.iter().filter(|q| !is_dlq(q)) {
        if let Redrive::Policy(r, a, p) = redrive(tf, q)
            && target(tf, r, p).is_none()
            && let Some(TfValue::String(arn)) = p.get("deadLetterTargetArn")
            && let Some(name) = arn.rsplit(':').next().filter(|n| !n.is_empty())
            && !out.iter().any(|o| o.names.iter().any(|n| n == name))
        {
            out.push(DeadLetters {
                label: format!("`{name}` (the redrive target of {})", q.address()),
                names: vec![name.to_string()],
                queue: None,
                loc: Some(a.loc_at(&["deadLetterTargetArn"]).location()),
                declared_at: None,
            });
        }
    }
    for (i, d) in cx.manifest.dependencies.iter().enumerate() {
        let Some(name) = d
            .dead_letter_queue
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && d.kind == DependencyKind::Queue)
        else {
            continue;
        };
        let ptr = format!("/dependencies/{i}/dead_letter_queue");
        if let Some(o) = out.iter_mut().find(|o| match o.queue {
            Some(q) => queue_matches(q, name) == Some(true),
            None => o.names.iter().any(|n| names_match(name, n)),
        }) {
            o.declared_at = o.declared_at.take().or_else(|| at(cx, &ptr));
            continue;
        }
        if let Some(q) = queues.iter().find(|q| queue_matches(q, name) == Some(true)) {
            let mut dl = of_queue(q);
            dl.declared_at = at(cx, &ptr);
            out.push(dl);
            continue;
        }
        if out
            .iter()
            .any(|o| o.queue.is_none() && o.names.iter().any(|n| n == name))
        {
            continue;
        }
        out.push(DeadLetters {
            label: format!("`{name}` (dependency `{}`)", d.name),
            names: vec![name.to_string()],
            queue: None,
            loc: at(cx, &ptr),
            declared_at: None,
        });
    }
    out
}

/// What consumes a dead-letter queue in Terraform: a Lambda event source mapping or an
/// EventBridge pipe that reads it, by reference or by a literal ARN ending in its name.
fn processor<'a>(tf: &'a Terraform, dl: &DeadLetters<'_>) -> Option<(&'a Resource, &'a Attr)> {
    [
        ("aws_lambda_event_source_mapping", "event_source_arn"),
        ("aws_pipes_pipe", "source"),
    ]
    .into_iter()
    .find_map(|(rtype, attr)| {
        tf.resources_of(rtype).find_map(|r| {
            let a = r.attr(attr)?;
            let by_ref = dl
                .queue
                .is_some_and(|q| a.addresses().contains(&q.address()));
            let by_arn = a.value.as_str().is_some_and(|arn| {
                arn.rsplit(':')
                    .next()
                    .is_some_and(|tail| dl.names.iter().any(|n| n == tail))
            });
            (by_ref || by_arn).then_some((r, a))
        })
    })
}

/// The alerting rule that watches the depth of a dead-letter queue, by name.
fn depth_alert<'a>(
    alerts: &[&'a Rule],
    recording: &[&Rule],
    dl: &DeadLetters<'_>,
) -> Option<&'a Rule> {
    alerts.iter().copied().find(|r| {
        let s = watches(r, recording);
        (s.contains(&Signal::DeadLetterDepth) || s.contains(&Signal::QueueDepth))
            && dl.names.iter().any(|n| alert_names_queue(r, recording, n))
    })
}

/// The second part of the check: every dead-letter queue is watched by an alert on its depth
/// or consumed by a processor. `None` when there is no dead-letter queue to watch; with it,
/// the evidence letters the conclusion needs (`T P` when an unwatched queue may have its
/// alert in a rule file that could not be read).
fn watch_dead_letters(
    cx: &CheckContext<'_>,
    tf: &Terraform,
    queues: &[&Resource],
    dlqs: &[&Resource],
    is_dlq: &dyn Fn(&Resource) -> bool,
) -> (Option<Tally>, &'static str) {
    let found = dead_letter_queues(cx, tf, queues, dlqs, is_dlq);
    if found.is_empty() {
        return (None, "T");
    }
    let recording = recording_rules(cx);
    let alerts: Vec<&Rule> = cx.evidence.prometheus.alerts().collect();
    let rules_unread = !cx.evidence.gaps("P").is_empty();
    let mut letters = "T";
    let mut shown = Tally::default();
    for dl in &found {
        let resource = format!("dead-letter queue {}", dl.names[0]);
        if let Some(r) = depth_alert(&alerts, &recording, dl) {
            shown.evidence.push(
                Finding::new(format!(
                    "{} watches the depth of dead-letter queue {}",
                    alert_name(r),
                    dl.label
                ))
                .at(Some(r.expr.loc.location()))
                .resource(resource),
            );
        } else if let Some((p, a)) = processor(tf, dl) {
            shown.evidence.push(
                Finding::new(format!(
                    "{} consumes dead-letter queue {}",
                    p.address(),
                    dl.label
                ))
                .at(Some(a.loc.location()))
                .resource(resource),
            );
        } else if rules_unread {
            letters = "T P";
        } else {
            shown.failures.push(
                Finding::new(format!(
                    "dead-letter queue {} has no alert on its depth and no processor: messages that failed for good pile up unseen; alert when it holds any message (naming the queue, e.g. `queue_name=\"{}\"`)",
                    dl.label, dl.names[0]
                ))
                .at(dl.loc.clone())
                .related(dl.declared_at.clone())
                .resource(resource),
            );
        }
    }
    (Some(shown), letters)
}

/// Whether a redrive policy names a target and a receive count.
fn complete(policy: &TfValue) -> bool {
    policy
        .get("deadLetterTargetArn")
        .is_some_and(|v| !v.is_null())
        && policy
            .get("maxReceiveCount")
            .and_then(TfValue::as_i64)
            .is_some_and(|n| n > 0)
}

fn judge_queue(tf: &Terraform, queue: &Resource, shown: &mut Tally) {
    let name = queue.address();
    match redrive(tf, queue) {
        Redrive::None => shown.failures.push(
            Finding::new(format!(
                "{name} has no `redrive_policy`: a message that cannot be processed is redelivered until it expires, and nothing keeps it for inspection"
            ))
            .at(Some(queue.loc.location()))
            .resource(name),
        ),
        Redrive::Unreadable(owner, attr) => shown
            .unknowns
            .push(tf_unresolved(owner, attr, "its dead-letter queue")),
        Redrive::Policy(owner, attr, policy) => {
            let mut ok = true;
            match policy.get("deadLetterTargetArn") {
                None | Some(TfValue::Null) => {
                    ok = false;
                    shown.failures.push(
                        Finding::new(format!(
                            "the redrive policy of {name} has no `deadLetterTargetArn`: it names no dead-letter queue"
                        ))
                        .at(Some(attr.loc.location())).related(tf_origin(attr))
                        .resource(name.clone()),
                    );
                }
                Some(_) => {}
            }
            match policy.get("maxReceiveCount") {
                None | Some(TfValue::Null) => {
                    ok = false;
                    shown.failures.push(
                        Finding::new(format!(
                            "the redrive policy of {name} has no `maxReceiveCount`: SQS needs it to know when to move a message aside"
                        ))
                        .at(Some(attr.loc.location())).related(tf_origin(attr))
                        .resource(name.clone()),
                    );
                }
                Some(count) => match count.as_i64() {
                    Some(receives) if receives > 0 => {}
                    Some(receives) => {
                        ok = false;
                        shown.failures.push(
                            Finding::new(format!(
                                "the redrive policy of {name} has `maxReceiveCount = {receives}`; it must be at least 1"
                            ))
                            .at(Some(attr.loc_at(&["maxReceiveCount"]).location()))
                            .resource(name.clone()),
                        );
                    }
                    None => {
                        ok = false;
                        shown.unknowns.push(tf_unresolved(owner, attr, "its receive count"));
                    }
                },
            }
            if ok {
                let to = target(tf, owner, policy).map_or_else(
                    || "its dead-letter queue".to_string(),
                    Resource::address,
                );
                let count = policy
                    .get("maxReceiveCount")
                    .and_then(TfValue::as_i64)
                    .unwrap_or_default();
                shown.evidence.push(
                    Finding::new(format!(
                        "{name} moves a message to {to} after {count} failed receives"
                    ))
                    .at(Some(attr.loc.location())).related(tf_origin(attr))
                    .resource(name),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use launchgate_core::Outcome;

    use crate::fixture::{basis, contradicts, run};

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in ["pass_terraform_redrive", "pass_claim_proven"] {
            assert_eq!(basis("SAF-008", case), Some(Basis::Proven), "{case}");
        }
        // The dead-letter queues are only declared: alerts or a processor on them do not
        // show that they exist.
        for case in ["pass_every_queue_has_dlq", "pass_declared_dlq_processor"] {
            assert_eq!(basis("SAF-008", case), Some(Basis::Attested), "{case}");
        }
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "SAF-008",
            "fail_claim_contradicted",
            "dead_letter_queue: orders-dlq"
        ));
    }

    #[test]
    fn unwatched_dead_letter_queues_are_named_where_they_are_defined() {
        let Outcome::Fail { findings, .. } = run("SAF-008", "fail_dlq_unwatched") else {
            panic!("expected a failure");
        };
        let got: Vec<(&str, u32, &str)> = findings
            .iter()
            .map(|f| {
                let l = f.location.as_ref().unwrap();
                (l.path.as_str(), l.line, f.resource.as_deref().unwrap_or(""))
            })
            .collect();
        assert_eq!(
            got,
            [("infra/queues.tf", 1, "dead-letter queue orders-dlq")]
        );
        assert!(
            findings[0]
                .message
                .starts_with("dead-letter queue aws_sqs_queue.orders_dlq (`orders-dlq`) has no alert on its depth and no processor"),
            "{}",
            findings[0].message
        );
        // The Terraform queue is also the declared one: the claim is a related place.
        assert_eq!(findings[0].related.len(), 1);
        assert_eq!(findings[0].related[0].line, 10);
    }

    #[test]
    fn a_declared_dead_letter_queue_needs_an_alert_too() {
        let Outcome::Fail { findings, .. } = run("SAF-008", "fail_declared_dlq_unwatched") else {
            panic!("expected a failure");
        };
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.starts_with(
                "dead-letter queue `refunds-dlq` (dependency `refunds`) has no alert on its depth"
            ),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn processors_and_alerts_both_count() {
        let Outcome::Pass { evidence, .. } = run("SAF-008", "pass_terraform_redrive") else {
            panic!("expected a pass");
        };
        let messages: Vec<&str> = evidence.iter().map(|f| f.message.as_str()).collect();
        assert!(messages.contains(
            &"alert `OrdersDeadLetters` watches the depth of dead-letter queue aws_sqs_queue.orders_dlq (`fulfilment-orders-dlq`)"
        ), "{messages:#?}");
        assert!(messages.contains(
            &"aws_lambda_event_source_mapping.replay_failed_shipments consumes dead-letter queue aws_sqs_queue.shipments_failed (`shipments-failed`)"
        ), "{messages:#?}");
    }
}
