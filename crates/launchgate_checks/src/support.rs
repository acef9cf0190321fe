//! Small helpers shared by checks: locating manifest keys, judging claims and date windows.

use launchgate_core::{Finding, Location, Outcome, Tier};
use launchgate_evidence::Loc;
use launchgate_evidence::deps::{Capability, LibraryUse};
use launchgate_evidence::k8s::{Kubernetes, Workload, WorkloadKind};

use crate::CheckContext;
use launchgate_evidence::terraform::{Attr, Body, Resource, Terraform, TfValue};

/// The location of a manifest key (or its nearest written ancestor).
pub fn at(cx: &CheckContext<'_>, pointer: &str) -> Option<Location> {
    cx.manifest.locate(pointer)
}

/// `claims.a.b` for a pointer `/claims/a/b`, as users write it.
pub fn key_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

/// The common shape of a yes/no claim: `true` passes as attested, `false` is a declared gap,
/// absence fails (nothing declares or shows it).
pub fn flag_claim(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
) -> Outcome {
    match flag_side(cx, value, pointer, holds, lacking) {
        Claim::Holds(evidence) => Outcome::attested(evidence),
        Claim::Denied(findings) | Claim::Missing(findings) => Outcome::fail(findings),
        Claim::Unread(reason) => Outcome::inconclusive(reason),
    }
}

/// Days from `date` to the review date (negative when `date` is in the future).
pub fn age_days(cx: &CheckContext<'_>, date: jiff::civil::Date) -> i64 {
    // For civil dates the span's largest unit is days, so `get_days` is the whole difference.
    date.until(cx.today).map_or(0, |s| i64::from(s.get_days()))
}

/// Judges a dated claim against a window of `max_days` before the review date.
/// Ok is the evidence for a pass; Err the finding for a failure.
pub fn within_window(
    cx: &CheckContext<'_>,
    date: jiff::civil::Date,
    max_days: u32,
    pointer: &str,
    what: &str,
) -> Result<Finding, Finding> {
    let age = age_days(cx, date);
    let loc = at(cx, pointer);
    if age < 0 {
        Err(Finding::new(format!(
            "{what} is dated {date}, {} days after the review date {}; a future date cannot be evidence",
            -age, cx.today
        ))
        .at(loc))
    } else if age > i64::from(max_days) {
        Err(Finding::new(format!(
            "{what} was {date}, {age} days before {}; the policy allows at most {max_days} days",
            cx.today
        ))
        .at(loc))
    } else {
        Ok(Finding::new(format!(
            "{what} was {date}, {age} days ago (policy: within {max_days} days)"
        ))
        .at(loc))
    }
}

/// Not applicable when the service keeps no durable data (`data: none|ephemeral`): the shared
/// guard of every data-safety check.
pub fn no_durable_data(cx: &CheckContext<'_>) -> Option<Outcome> {
    let data = cx.manifest.data;
    (!data.is_durable()).then(|| {
        Outcome::not_applicable(format!(
            "the service keeps no durable data (`data: {}`)",
            data.key()
        ))
    })
}

/// The reason given when a check needs repository evidence but no repository was scanned.
pub const NOT_SCANNED: &str =
    "the repository was not scanned (--no-scan), so there is no evidence to verify";

/// Concludes a check that reads repository evidence of the catalog letters in `letters`
/// (`"K T"`): any failure fails; otherwise files it needed that could not be parsed or
/// evaluated make it inconclusive (never a pass); otherwise the evidence proves it. With
/// neither failures nor evidence, it is inconclusive with the reason `nothing_found`.
pub fn conclude(
    cx: &CheckContext<'_>,
    letters: &str,
    failures: Vec<Finding>,
    evidence: Vec<Finding>,
    nothing_found: &str,
) -> Outcome {
    if !failures.is_empty() {
        return Outcome::fail(failures);
    }
    if !cx.evidence.scanned {
        return Outcome::inconclusive(NOT_SCANNED);
    }
    let gaps = cx.evidence.gaps(letters);
    if !gaps.is_empty() {
        let n = gaps.len();
        return Outcome::Inconclusive {
            reason: format!(
                "{n} file{} this check needs could not be evaluated",
                if n == 1 { "" } else { "s" }
            ),
            findings: gaps,
        };
    }
    if evidence.is_empty() {
        return Outcome::inconclusive(nothing_found);
    }
    Outcome::proven(evidence)
}

// ---------------------------------------------------------------------------------------------
// Helpers added by the capops worker (CAP-001..005, SAF-006, OPS-005): replica counts,
// autoscaler lookups and conclusions with values that could not be evaluated.

/// Findings in report order: by location (path, line, column), then message.
pub fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    sort_findings(&mut findings);
    findings.dedup();
    findings
}

/// The fewest replicas a tier asks for: 3 for tier 0 (one per zone of a typical three-zone
/// region, so losing a zone leaves two), 2 otherwise.
pub fn min_replicas_for(tier: Tier) -> i64 {
    if tier == Tier::T0 { 3 } else { 2 }
}

/// Whether the workload at `index` is the Deployment an Argo Rollout's `workloadRef` uses as
/// its pod template: the Rollout runs those pods, the Deployment is usually scaled to zero.
pub fn is_rollout_template(k: &Kubernetes, index: usize) -> bool {
    k.workloads
        .iter()
        .any(|r| r.kind == WorkloadKind::Rollout && r.links.workload_ref == Some(index))
}

/// Workloads that run a replica count of long-running pods (Deployment, StatefulSet,
/// ReplicaSet, ReplicationController, Rollout, DeploymentConfig), without the Deployments
/// that only serve as a Rollout's template.
pub fn replicated_workloads(k: &Kubernetes) -> impl Iterator<Item = &Workload> {
    k.workloads
        .iter()
        .enumerate()
        .filter(|(i, w)| w.kind.has_replicas() && !is_rollout_template(k, *i))
        .map(|(_, w)| w)
}

/// How many pods a workload runs, as far as the manifests say.
#[derive(Debug, Clone)]
pub struct ReplicaCount {
    /// The fewest pods it runs: the smallest autoscaler minimum when an autoscaler governs it
    /// (the HPA scales down to its minimum whatever `spec.replicas` says), else
    /// `spec.replicas`, else the API default 1.
    pub floor: i64,
    /// Where `floor` is written, or belongs (the `spec:` key for a missing `replicas`).
    pub loc: Loc,
    /// Where it comes from, for messages: `replicas: 3`, `HorizontalPodAutoscaler/api
    /// minReplicas 2`, ``no `replicas` is written, so the API default of 1 applies``.
    pub source: String,
    /// `spec.replicas`, when written.
    pub written: Option<i64>,
    /// Whether an HPA or KEDA ScaledObject targets the workload.
    pub autoscaled: bool,
}

impl ReplicaCount {
    /// The most pods the manifests ask for at rest: the larger of `spec.replicas` and the
    /// floor (a workload with `replicas: 3` and an HPA minimum of 1 runs several pods at
    /// times).
    pub fn most(&self) -> i64 {
        self.written.map_or(self.floor, |w| w.max(self.floor))
    }
}

/// The replica count of a workload with its autoscalers.
pub fn replica_count(k: &Kubernetes, w: &Workload) -> ReplicaCount {
    let written = w.replicas.as_ref().map(|r| r.value);
    let mut best: Option<(i64, Loc, String)> = None;
    let mut consider = |n: i64, loc: &Loc, source: String| {
        if best.as_ref().is_none_or(|(b, _, _)| n < *b) {
            best = Some((n, loc.clone(), source));
        }
    };
    for h in k.hpas_for(w) {
        let source = if h.min_replicas_set {
            format!("{} minReplicas {}", h.resource(), h.min_replicas.value)
        } else {
            format!(
                "{} sets no minReplicas, so the API default of 1 applies",
                h.resource()
            )
        };
        consider(h.min_replicas.value, &h.min_replicas.loc, source);
    }
    for s in k.scaled_objects_for(w) {
        match &s.min_replica_count {
            Some(m) => consider(
                m.value,
                &m.loc,
                format!("{} minReplicaCount {}", s.resource(), m.value),
            ),
            None => consider(
                s.min(),
                &s.loc,
                format!(
                    "{} sets no minReplicaCount, so the KEDA default of {} applies",
                    s.resource(),
                    s.min()
                ),
            ),
        }
    }
    if let Some((floor, loc, source)) = best {
        return ReplicaCount {
            floor,
            loc,
            source,
            written,
            autoscaled: true,
        };
    }
    match &w.replicas {
        Some(r) => ReplicaCount {
            floor: r.value,
            loc: r.loc.clone(),
            source: format!("replicas: {}", r.value),
            written,
            autoscaled: false,
        },
        None => ReplicaCount {
            floor: 1,
            loc: w.spec_loc.clone(),
            source: "no `replicas` is written, so the API default of 1 applies".to_string(),
            written,
            autoscaled: false,
        },
    }
}

/// `aws_ecs_service` resources that run a replica count (not `scheduling_strategy =
/// "DAEMON"`, which runs one task per container instance).
pub fn ecs_replica_services(tf: &Terraform) -> impl Iterator<Item = &Resource> {
    tf.resources_of("aws_ecs_service")
        .filter(|s| s.value("scheduling_strategy").and_then(TfValue::as_str) != Some("DAEMON"))
}

/// The `aws_appautoscaling_target`s that scale `target` (an ECS service or a DynamoDB
/// table): those referring to it (`resource_id = "service/${...}/${aws_ecs_service.x.name}"`),
/// or whose literal `resource_id` names it (`service/<cluster>/<name>`, `table/<name>`).
pub fn scaling_targets<'a>(tf: &'a Terraform, target: &'a Resource) -> Vec<&'a Resource> {
    let prefix = match target.rtype.as_str() {
        "aws_ecs_service" => "service/",
        "aws_dynamodb_table" => "table/",
        _ => "",
    };
    let name = target.value("name").and_then(TfValue::as_str);
    let mut out: Vec<&Resource> = tf
        .referrers(target)
        .filter(|r| r.rtype == "aws_appautoscaling_target")
        .collect();
    if let Some(name) = name.filter(|_| !prefix.is_empty()) {
        for t in tf.resources_of("aws_appautoscaling_target") {
            let literal = t.value("resource_id").and_then(TfValue::as_str);
            let names_it = literal
                .is_some_and(|id| id.starts_with(prefix) && id.rsplit('/').next() == Some(name));
            if names_it && !out.iter().any(|o| std::ptr::eq(*o, t)) {
                out.push(t);
            }
        }
    }
    out
}

/// A Terraform attribute read as a whole number: `Ok(None)` when absent or `null`,
/// `Err(finding)` when present but not known (a reference, an unevaluated function) or not
/// a number.
pub fn tf_int(r: &Resource, attr: &str) -> Result<Option<(i64, Loc)>, Finding> {
    let Some(a) = r.attr(attr) else {
        return Ok(None);
    };
    match &a.value {
        TfValue::Null => Ok(None),
        v => match v.as_i64() {
            Some(n) => Ok(Some((n, a.loc.clone()))),
            None => Err(unknown_value(r, attr, v, &a.loc)),
        },
    }
}

/// The finding for a Terraform value that could not be evaluated.
pub fn unknown_value(r: &Resource, attr: &str, v: &TfValue, loc: &Loc) -> Finding {
    let why = match v {
        TfValue::Ref(x) => format!("refers to `{x}`, which is not known before apply"),
        TfValue::Unknown(reason) => reason.clone(),
        other => format!("is `{other}`, not a number"),
    };
    Finding::new(format!(
        "{} `{attr}` {why}; it cannot be verified",
        r.address()
    ))
    .at(Some(loc.location()))
    .resource(r.address())
}

// ---------------------------------------------------------------------------------------------
// Added by the secinfra worker (SEC-002, SEC-005, SEC-006, SEC-009, SEC-011, SEC-013): shared by
// the repository checks that judge containers and Terraform values.

/// The reason given by checks of workloads when the repository has neither Kubernetes
/// workloads nor ECS task definitions.
pub const NO_WORKLOADS: &str = "no Kubernetes workloads or ECS task definitions found; point launchgate at the repository that deploys the service";

/// Sorts findings by location (path, line, column), then message: the order reports list
/// them in. Findings without a location come last.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column))
        };
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.message.cmp(&b.message))
    });
}

/// Like [`conclude`], with `unknowns`: facts the check could not judge (a Terraform value that
/// is a reference or was not evaluated, a policy that could not be read). Failures still win;
/// without failures, unknowns make the check inconclusive together with the files that could
/// not be evaluated, never a pass. Every list is sorted by location.
pub fn conclude_with_unknowns(
    cx: &CheckContext<'_>,
    letters: &str,
    mut failures: Vec<Finding>,
    mut unknowns: Vec<Finding>,
    mut evidence: Vec<Finding>,
    nothing_found: &str,
) -> Outcome {
    // Identical findings arise when two same-named workloads (a base and an overlay copy) meet
    // one policy; report each once.
    sort_findings(&mut failures);
    failures.dedup();
    sort_findings(&mut evidence);
    evidence.dedup();
    if !failures.is_empty() || unknowns.is_empty() || !cx.evidence.scanned {
        return conclude(cx, letters, failures, evidence, nothing_found);
    }
    let gaps = cx.evidence.gaps(letters);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let n = unknowns.len();
    let values = format!(
        "{n} item{} could not be judged from the repository alone (an unresolved Terraform value, a policy or link defined elsewhere)",
        plural(n)
    );
    let reason = if gaps.is_empty() {
        values
    } else {
        let g = gaps.len();
        format!(
            "{g} file{} this check needs could not be evaluated and {values}",
            plural(g)
        )
    };
    unknowns.extend(gaps);
    sort_findings(&mut unknowns);
    Outcome::Inconclusive {
        reason,
        findings: unknowns,
    }
}

/// Findings for ECS task definitions whose container definitions could not be read (a
/// `templatefile(...)`, a module output): checks that judge every container cannot pass on
/// them.
pub fn unread_task_definitions(cx: &CheckContext<'_>) -> Vec<Finding> {
    cx.evidence
        .terraform
        .ecs_task_definitions()
        .iter()
        .filter_map(|td| {
            td.unknown.as_ref().map(|why| {
                Finding::new(format!(
                    "the containers of {} could not be read: {why}",
                    td.address
                ))
                .at(Some(td.definitions_loc.location()))
                .resource(td.address.clone())
            })
        })
        .collect()
}

/// A Terraform boolean as far as it is known: `Ok(None)` when absent or `null`,
/// `Ok(Some(b))` for `true` / `false` (also the strings), `Err(why)` when it is a reference
/// or was not evaluated.
pub fn tf_bool(value: Option<&TfValue>) -> Result<Option<bool>, String> {
    match value {
        None | Some(TfValue::Null) => Ok(None),
        Some(v) => match (v.as_bool(), v) {
            (Some(b), _) => Ok(Some(b)),
            (None, TfValue::Ref(r)) => Err(format!("it refers to `{r}`")),
            (None, TfValue::Unknown(why)) => Err(why.clone()),
            (None, other) => Err(format!("{other} is not a boolean")),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers added by the libown worker (OBS-001..004, SAF-003/004/005/009, INC-001, RUN-005,
// SEC-014): libraries in use as evidence, and yes/no claims that meet repository evidence.

/// The libraries providing `capability` that ship in the service (not dev, test or build
/// dependencies, not Go `// indirect` requirements), by manifest path and line.
pub fn shipped_libraries<'a>(cx: &CheckContext<'a>, capability: Capability) -> Vec<&'a LibraryUse> {
    cx.evidence.dependencies.uses(capability).collect()
}

/// A library use as users read it: `pino in package.json:12`, or
/// ``OpenTelemetry (`@opentelemetry/api`) in package.json:10`` when the library's display
/// name does not start with the dependency's name.
pub fn library_ref(u: &LibraryUse) -> String {
    let same = u
        .library
        .get(..u.dep.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(&u.dep));
    if same {
        format!("{} in {}:{}", u.library, u.manifest, u.loc.line)
    } else {
        format!(
            "{} (`{}`) in {}:{}",
            u.library, u.dep, u.manifest, u.loc.line
        )
    }
}

/// Up to three library uses, then how many more: for messages.
pub fn library_list(uses: &[&LibraryUse]) -> String {
    let mut parts: Vec<String> = uses.iter().take(3).map(|u| library_ref(u)).collect();
    if uses.len() > 3 {
        parts.push(format!("{} more", uses.len() - 3));
    }
    parts.join(", ")
}

/// One piece of evidence per library use, at the dependency's line: `{what}: pino in
/// package.json:12`.
pub fn library_findings(uses: &[&LibraryUse], what: &str) -> Vec<Finding> {
    uses.iter()
        .map(|u| Finding::new(format!("{what}: {}", library_ref(u))).at(Some(u.loc.location())))
        .collect()
}

/// Findings in report order: by location (path, line, column), then message.
pub fn in_report_order(findings: Vec<Finding>) -> Vec<Finding> {
    sorted(findings)
}

/// Nothing declares the requirement and the repository shows nothing: a failure when the
/// repository was scanned and every file of `letters` could be read; otherwise inconclusive,
/// because the evidence may be in what could not be seen.
pub fn missing(cx: &CheckContext<'_>, letters: &str, failure: Finding) -> Outcome {
    // `conclude` decides "not scanned" and "files not evaluated" the same way for every check;
    // the failure stands only where it would have passed on evidence.
    match conclude(cx, letters, Vec::new(), vec![failure.clone()], "") {
        Outcome::Pass { .. } => Outcome::fail(vec![failure]),
        other => other,
    }
}

/// Passes a check that has no failures: proven when the repository shows something
/// (`repo`, reported before the claim's evidence), attested on the claim alone. When the
/// repository evidence is incomplete (files of `letters` not evaluated) the claim is preferred
/// over inconclusive, but only if it suffices on its own (`claim_suffices`).
pub fn conclude_with_claim(
    cx: &CheckContext<'_>,
    letters: &str,
    repo: Vec<Finding>,
    claim: Vec<Finding>,
    claim_suffices: bool,
) -> Outcome {
    if repo.is_empty() {
        return Outcome::attested(claim);
    }
    let mut evidence = repo;
    evidence.extend(claim.iter().cloned());
    match conclude(cx, letters, Vec::new(), evidence, "") {
        Outcome::Inconclusive { .. } if claim_suffices && !claim.is_empty() => {
            Outcome::attested(claim)
        }
        other => other,
    }
}

/// A yes/no claim that repository evidence may show (`repo`, summarized as `shown` for
/// messages): `true` with evidence is proven, `true` alone attested; evidence without a claim
/// is proven; `false` is a declared gap and fails even when the repository shows something
/// (the claim says it does not cover the need), naming that evidence and `false_hint`; no
/// claim and no evidence fails (inconclusive when the repository was not scanned or files of
/// `letters` could not be evaluated).
#[allow(clippy::too_many_arguments)]
pub fn flag_claim_meets_evidence(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
    letters: &str,
    repo: Vec<Finding>,
    shown: &str,
    false_hint: &str,
) -> Outcome {
    let key = key_name(pointer);
    match value {
        Some(false) => {
            let seen = if repo.is_empty() {
                String::new()
            } else {
                format!("; the repository shows {shown}: {false_hint}")
            };
            let msg = format!("declared missing: {lacking} (`{key}: false`){seen}");
            let related = repo.first().and_then(|f| f.location.clone());
            Outcome::fail(vec![Finding::new(msg).at(at(cx, pointer)).related(related)])
        }
        Some(true) => conclude_with_claim(
            cx,
            letters,
            repo,
            vec![Finding::new(format!("declared: {holds} (`{key}: true`)")).at(at(cx, pointer))],
            true,
        ),
        None if repo.is_empty() => missing(
            cx,
            letters,
            Finding::new(format!(
                "{lacking}: nothing declares it (`{key}`) and no evidence shows it"
            ))
            .at(at(cx, pointer)),
        ),
        None => conclude(cx, letters, Vec::new(), repo, ""),
    }
}

// ---------------------------------------------------------------------------------------------
// Added by the data worktree (DAT-001..006, SAF-008, SEC-003, SEC-010, INC-002): reading
// Terraform attributes without guessing, and weighing a claim against repository evidence.

/// A Terraform attribute as a check reads it.
#[derive(Debug, Clone, Copy)]
pub enum TfField<'a, T> {
    /// Not written (or `null`): the provider default applies.
    Absent,
    /// Written with a known value.
    Known(T, &'a Attr),
    /// Written, but its value cannot be known without running Terraform (a variable without a
    /// default, a module output, a function that is not evaluated), or of an unexpected type.
    Unresolved(&'a Attr),
}

/// Reads attribute `name` of `body` with `read` (`TfValue::as_bool`, `TfValue::as_i64`...).
pub fn tf_field<'a, T>(
    body: &'a Body,
    name: &str,
    read: impl Fn(&'a TfValue) -> Option<T>,
) -> TfField<'a, T> {
    match body.attr(name) {
        None => TfField::Absent,
        Some(a) if a.value.is_null() => TfField::Absent,
        Some(a) => read(&a.value).map_or(TfField::Unresolved(a), |v| TfField::Known(v, a)),
    }
}

/// A boolean attribute (`storage_encrypted`, also from `"true"`).
pub fn field_bool<'a>(body: &'a Body, name: &str) -> TfField<'a, bool> {
    tf_field(body, name, TfValue::as_bool)
}

/// A whole-number attribute (`backup_retention_period`, also from `"7"`).
pub fn field_int<'a>(body: &'a Body, name: &str) -> TfField<'a, i64> {
    tf_field(body, name, TfValue::as_i64)
}

/// A string attribute.
pub fn field_str<'a>(body: &'a Body, name: &str) -> TfField<'a, &'a str> {
    tf_field(body, name, TfValue::as_str)
}

/// Whether attribute `name` is written with a non-null value, known or not
/// (`replicate_source_db = aws_db_instance.main.identifier`).
pub fn tf_sets(body: &Body, name: &str) -> bool {
    body.attr(name).is_some_and(|a| !a.value.is_null())
}

/// `lifecycle { prevent_destroy = ... }`.
pub fn tf_prevent_destroy(r: &Resource) -> TfField<'_, bool> {
    r.body
        .block("lifecycle")
        .map_or(TfField::Absent, |b| field_bool(&b.body, "prevent_destroy"))
}

/// Where a Terraform value was written, as a finding location.
pub fn tf_at(loc: &launchgate_evidence::Loc) -> Option<Location> {
    Some(loc.location())
}

/// Where an attribute's value came from when that is elsewhere (a variable default, a
/// local): the related location of a finding about the attribute.
pub fn tf_origin(a: &Attr) -> Option<Location> {
    let origin = a.origin();
    (origin.path != a.loc.path || origin.line != a.loc.line).then(|| origin.location())
}

/// A finding about an attribute whose value cannot be read: `r`'s `a` is unresolved, so
/// `what` cannot be verified.
pub fn tf_unresolved(r: &Resource, a: &Attr, what: &str) -> Finding {
    let why = match &a.value {
        TfValue::Ref(x) => format!("`{x}`, which the repository does not resolve"),
        TfValue::Unknown(reason) => format!("not evaluated ({reason})"),
        v => format!("`{v}`, which is not a value this check can read"),
    };
    Finding::new(format!(
        "{}: `{}` is {why}, so {what} cannot be verified from the repository",
        r.address(),
        a.name
    ))
    .at(tf_at(&a.loc))
    .resource(r.address())
}

/// Relational and document database resource types: the datastores with
/// `backup_retention_period`, `storage_encrypted` and `deletion_protection`.
pub const TF_DATABASES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
];

/// Managed databases of the repository (every [`TF_DATABASES`] type), by path and line.
pub fn tf_databases(tf: &Terraform) -> impl Iterator<Item = &Resource> {
    tf.resources
        .iter()
        .filter(|r| TF_DATABASES.contains(&r.rtype.as_str()))
}

/// Whether a database is a cluster (Aurora, DocumentDB, Neptune, Multi-AZ DB cluster): its
/// automated backups cannot be turned off and keep 1 day when `backup_retention_period` is
/// not written.
pub fn tf_is_cluster(r: &Resource) -> bool {
    r.rtype != "aws_db_instance"
}

/// Whether a database copies another (a read replica): its data, backups and recovery belong
/// to the source.
pub fn tf_is_replica(r: &Resource) -> bool {
    tf_sets(&r.body, "replicate_source_db") || tf_sets(&r.body, "replication_source_identifier")
}

/// The AWS Backup selections (`aws_backup_selection`) that cover `target`: it is named in
/// `resources` (or `resources` is `"*"`), or its literal `tags` match a `selection_tag` or a
/// `condition { string_equals { key = "aws:ResourceTag/..." } }`, and `not_resources` does
/// not name it.
pub fn backup_selections_covering<'a>(
    tf: &'a Terraform,
    target: &'a Resource,
) -> impl Iterator<Item = &'a Resource> + 'a {
    let address = target.address();
    tf.resources_of("aws_backup_selection").filter(move |s| {
        let named = |attr: &str| {
            s.attr(attr)
                .is_some_and(|a| a.addresses().contains(&address))
        };
        if named("not_resources") {
            return false;
        }
        let wildcard = s
            .value("resources")
            .is_some_and(|v| v.to_str_set().contains("*"));
        named("resources") || wildcard || selection_tags_match(s, target)
    })
}

fn selection_tags_match(selection: &Resource, target: &Resource) -> bool {
    let tags = target.value("tags").and_then(TfValue::as_object);
    let has = |key: &str, value: &str| {
        tags.and_then(|t| t.get(key))
            .and_then(TfValue::as_str)
            .is_some_and(|v| v == value)
    };
    let by_tag = selection.body.blocks("selection_tag").any(|b| {
        let key = b.body.value("key").and_then(TfValue::as_str);
        let value = b.body.value("value").and_then(TfValue::as_str);
        let kind = b.body.value("type").and_then(TfValue::as_str);
        matches!((kind, key, value), (Some("STRINGEQUALS"), Some(k), Some(v)) if has(k, v))
    });
    let by_condition = selection
        .body
        .blocks("condition")
        .flat_map(|c| c.body.blocks("string_equals"))
        .any(|b| {
            let key = b.body.value("key").and_then(TfValue::as_str);
            let value = b.body.value("value").and_then(TfValue::as_str);
            match (key.and_then(|k| k.strip_prefix("aws:ResourceTag/")), value) {
                (Some(k), Some(v)) => has(k, v),
                _ => false,
            }
        });
    by_tag || by_condition
}

/// The backup plan an `aws_backup_selection` belongs to (its `plan_id`), when the repository
/// declares it.
pub fn backup_plan_of<'a>(tf: &'a Terraform, selection: &'a Resource) -> Option<&'a Resource> {
    selection
        .attr("plan_id")?
        .addresses()
        .iter()
        .find_map(|a| tf.resolve(selection, a))
        .filter(|p| p.rtype == "aws_backup_plan")
}

/// What a claim says about one part of a check, to be weighed against the repository.
#[derive(Debug, Clone)]
pub enum Claim {
    /// Declared to hold: the evidence of an attested pass when the repository shows nothing.
    Holds(Vec<Finding>),
    /// Declared missing (`false`, or a declared value outside the policy): fails whatever the
    /// repository shows, since the team says there is a gap.
    Denied(Vec<Finding>),
    /// Not declared: these failures when the repository shows nothing either.
    Missing(Vec<Finding>),
    /// The part reads no claim: inconclusive with this reason when the repository shows
    /// nothing.
    Unread(String),
}

/// What the repository showed for one part of a check.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Defects (a claim the repository contradicts carries the claim as related location).
    pub failures: Vec<Finding>,
    /// Evidence that the requirement holds.
    pub proof: Vec<Finding>,
    /// Values that could not be read: they stop a proven pass, a claim may cover them.
    pub unresolved: Vec<Finding>,
}

impl Shown {
    /// Whether the repository showed anything at all for this part.
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty() && self.proof.is_empty() && self.unresolved.is_empty()
    }
}

enum Weighed {
    Fail(Vec<Finding>),
    Proven(Vec<Finding>),
    Attested(Vec<Finding>),
    Open(String, Vec<Finding>),
}

fn weigh(cx: &CheckContext<'_>, shown: Shown, claim: Claim) -> Weighed {
    let Shown {
        mut failures,
        mut proof,
        mut unresolved,
    } = shown;
    let by_place = |a: &Finding, b: &Finding| a.location.cmp(&b.location);
    proof.sort_by(by_place);
    unresolved.sort_by(by_place);
    if let Claim::Denied(denied) = &claim {
        let mut shows: Vec<String> = proof.iter().filter_map(|f| f.resource.clone()).collect();
        shows.dedup();
        for f in denied {
            let mut f = f.clone();
            if !shows.is_empty() {
                f.message = format!(
                    "{}; the repository shows it for {}: correct the claim if that covers everything it is about",
                    f.message,
                    shows.join(", ")
                );
            }
            failures.push(f);
        }
    }
    if !failures.is_empty() {
        return Weighed::Fail(failures);
    }
    if !unresolved.is_empty() {
        if let Claim::Holds(mut declared) = claim {
            declared.append(&mut proof);
            declared.extend(unresolved);
            return Weighed::Attested(declared);
        }
        let n = unresolved.len();
        return Weighed::Open(
            format!(
                "{n} value{} this check needs could not be resolved from the repository",
                if n == 1 { "" } else { "s" }
            ),
            unresolved,
        );
    }
    if !proof.is_empty() {
        if let Claim::Holds(declared) = claim {
            proof.extend(declared);
        }
        return Weighed::Proven(proof);
    }
    match claim {
        Claim::Holds(declared) => Weighed::Attested(declared),
        Claim::Missing(f) | Claim::Denied(f) => Weighed::Fail(f),
        Claim::Unread(reason) if cx.evidence.scanned => Weighed::Open(reason, Vec::new()),
        Claim::Unread(_) => Weighed::Open(NOT_SCANNED.to_string(), Vec::new()),
    }
}

/// Concludes a check whose parts each weigh repository evidence (of the catalog letters in
/// `letters`) against a claim: any failure fails; otherwise files
/// the check needed that could not be parsed or evaluated make it inconclusive; otherwise a
/// part that can be decided by neither the repository nor a claim makes it inconclusive;
/// otherwise it passes, proven when the repository shows every part and attested when a claim
/// had to stand in for one. Failures are ordered by path and line; evidence part by part, the
/// repository's (by path and line) before the claim's.
pub fn settle(cx: &CheckContext<'_>, letters: &str, parts: Vec<(Shown, Claim)>) -> Outcome {
    let weighed: Vec<Weighed> = parts.into_iter().map(|(s, c)| weigh(cx, s, c)).collect();
    let mut failures: Vec<Finding> = Vec::new();
    for w in &weighed {
        if let Weighed::Fail(f) = w {
            failures.extend(f.iter().cloned());
        }
    }
    if !failures.is_empty() {
        failures.sort_by(|a, b| a.location.cmp(&b.location));
        return Outcome::fail(failures);
    }
    let gaps = cx.evidence.gaps(letters);
    if !gaps.is_empty() {
        let n = gaps.len();
        return Outcome::Inconclusive {
            reason: format!(
                "{n} file{} this check needs could not be evaluated",
                if n == 1 { "" } else { "s" }
            ),
            findings: gaps,
        };
    }
    let mut reasons: Vec<String> = Vec::new();
    let mut open: Vec<Finding> = Vec::new();
    let mut evidence: Vec<Finding> = Vec::new();
    let mut attested = false;
    for w in weighed {
        match w {
            Weighed::Open(reason, f) => {
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
                open.extend(f);
            }
            Weighed::Attested(f) => {
                attested = true;
                evidence.extend(f);
            }
            Weighed::Proven(f) => evidence.extend(f),
            Weighed::Fail(_) => {}
        }
    }
    open.sort_by(|a, b| a.location.cmp(&b.location));
    if !reasons.is_empty() {
        return Outcome::Inconclusive {
            reason: reasons.join("; "),
            findings: open,
        };
    }
    if attested {
        Outcome::attested(evidence)
    } else {
        Outcome::proven(evidence)
    }
}

/// Marks a repository finding as contradicting the claim at `pointer`: names the claim in the
/// message and adds its location.
pub fn contradicts(cx: &CheckContext<'_>, f: Finding, pointer: &str, says: &str) -> Finding {
    let message = format!("{}; `{}` says {says}", f.message, key_name(pointer));
    Finding { message, ..f }.related(at(cx, pointer))
}

/// The claim side of a yes/no claim, worded like [`flag_claim`].
pub fn flag_side(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
) -> Claim {
    let key = key_name(pointer);
    match value {
        Some(true) => Claim::Holds(vec![
            Finding::new(format!("declared: {holds} (`{key}: true`)")).at(at(cx, pointer)),
        ]),
        Some(false) => Claim::Denied(vec![
            Finding::new(format!("declared missing: {lacking} (`{key}: false`)"))
                .at(at(cx, pointer)),
        ]),
        None => Claim::Missing(vec![
            Finding::new(format!(
                "{lacking}: nothing declares it (`{key}`) and no evidence shows it"
            ))
            .at(at(cx, pointer)),
        ]),
    }
}

/// Whether a name written in the manifest (`orders-dlq`) names the same thing as a name in
/// the repository (`prod-orders-dlq`, `orders_dlq`, `orders-dlq.fifo`): equal, or a suffix
/// after a separator, ignoring case and `_` versus `-`.
pub fn names_match(declared: &str, found: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        s.strip_suffix(".fifo").map(str::to_string).unwrap_or(s)
    };
    let (d, f) = (norm(declared), norm(found));
    if d.is_empty() || f.is_empty() {
        return false;
    }
    f == d
        || f.strip_suffix(d.as_str())
            .is_some_and(|head| head.ends_with(['-', '.', '/', ':']))
}

/// Test plumbing for the checks above: run a check on one of its fixture repositories, as the
/// fixture harness does, to assert what a pass rests on (proven or attested), which the
/// harness does not look at.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::Path;

    use launchgate_core::{Basis, Outcome};
    use launchgate_evidence::{ScanOptions, scan};
    use launchgate_manifest::{Policy, ServiceManifest, SourceFile};

    use crate::CheckContext;

    /// The outcome of check `id` on `tests/fixtures/<id>/<case>`.
    #[allow(clippy::unwrap_used, clippy::expect_used)]
    pub(crate) fn run(id: &str, case: &str) -> Outcome {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(id)
            .join(case);
        let text = std::fs::read_to_string(dir.join("launchgate.yaml")).expect("manifest");
        let manifest =
            ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).expect("parses");
        let evidence = scan(&dir, &ScanOptions::default()).expect("scans");
        let ids: Vec<&str> = crate::builtin().iter().map(|c| c.meta().id).collect();
        let layers: Vec<_> = manifest.policy_layer().into_iter().collect();
        let policy = Policy::resolve(&layers, &ids).expect("policy");
        let cx = CheckContext {
            manifest: &manifest,
            evidence: &evidence,
            options: &policy.options,
            today: jiff::civil::date(2026, 11, 22),
            gate: &policy.gate(None),
        };
        crate::find_builtin(id).expect("check").evaluate(&cx)
    }

    /// What a passing fixture rests on; `None` when it does not pass.
    pub(crate) fn basis(id: &str, case: &str) -> Option<Basis> {
        match run(id, case) {
            Outcome::Pass { basis, .. } => Some(basis),
            _ => None,
        }
    }

    /// Whether the fixture fails and every finding about the repository names the claim `key`
    /// (`claims.backups.automated`) in its message and as a related location in the manifest.
    pub(crate) fn contradicts(id: &str, case: &str, key: &str) -> bool {
        let Outcome::Fail { findings } = run(id, case) else {
            return false;
        };
        let repo: Vec<_> = findings
            .iter()
            .filter(|f| {
                f.location
                    .as_ref()
                    .is_some_and(|l| l.path != "launchgate.yaml")
            })
            .collect();
        !repo.is_empty()
            && repo.iter().all(|f| {
                f.message.contains(key) && f.related.iter().any(|l| l.path == "launchgate.yaml")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::names_match;

    #[test]
    fn names_match_across_prefixes_case_and_separators() {
        assert!(names_match("orders-dlq", "orders-dlq"));
        assert!(names_match("orders-dlq", "prod-orders-dlq"));
        assert!(names_match("orders-dlq", "Orders_DLQ.fifo"));
        assert!(!names_match("orders-dlq", "preorders-dlq"));
        assert!(!names_match("orders", "orders-dlq"));
        assert!(!names_match("", "orders"));
    }
}

// ---------------------------------------------------------------------------------------------
// Added by the cidock worker (CAP-006, SEC-004, SEC-007, SEC-008, OPS-001, OPS-002, OPS-007,
// OPS-009): a conclusion that tells definite defects from things merely not found, and the
// ECS task definitions that could not be read.

/// What a repository check found, sorted by how much it proves.
#[derive(Debug, Default)]
pub struct Tally {
    /// Defects seen in files that were read: they fail the check whatever else is unknown.
    pub failures: Vec<Finding>,
    /// Something required that was found nowhere. A defect only when every file that could
    /// hold it was read: a file that could not be parsed may be where it is.
    pub missing: Vec<Finding>,
    /// Facts that could not be judged (a build argument, an unresolved Terraform value).
    pub unknowns: Vec<Finding>,
    /// What satisfies the check.
    pub evidence: Vec<Finding>,
}

/// Sorts findings by location (path, line, column), then message, and drops exact duplicates;
/// findings without a location come last.
pub fn order_findings(findings: &mut Vec<Finding>) {
    sort_findings(findings);
    findings.dedup();
}

/// Concludes a repository check from a [`Tally`]: failures fail; without them, `gaps` (files
/// the check needs that could not be evaluated: `cx.evidence.gaps("K T")`, or
/// [`ci_pipeline_gaps`]) make it inconclusive, since what is missing may be in them; then
/// missing things fail; then unknowns make it inconclusive; with no evidence at all it is
/// inconclusive with `nothing_found`; otherwise the evidence proves it.
pub fn conclude_tally(
    cx: &CheckContext<'_>,
    gaps: Vec<Finding>,
    mut t: Tally,
    nothing_found: &str,
) -> Outcome {
    for list in [
        &mut t.failures,
        &mut t.missing,
        &mut t.unknowns,
        &mut t.evidence,
    ] {
        order_findings(list);
    }
    if !t.failures.is_empty() {
        // What is missing is only certain when nothing went unread.
        if gaps.is_empty() {
            t.failures.append(&mut t.missing);
            order_findings(&mut t.failures);
        }
        return Outcome::fail(t.failures);
    }
    if !cx.evidence.scanned {
        return Outcome::inconclusive(NOT_SCANNED);
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if !gaps.is_empty() {
        let g = gaps.len();
        let mut reason = format!(
            "{g} file{} this check needs could not be evaluated",
            plural(g)
        );
        if !t.unknowns.is_empty() {
            let n = t.unknowns.len();
            reason = format!("{reason} and {n} value{} could not be resolved", plural(n));
        }
        let mut findings = gaps;
        findings.append(&mut t.unknowns);
        order_findings(&mut findings);
        return Outcome::Inconclusive { reason, findings };
    }
    if !t.missing.is_empty() {
        return Outcome::fail(t.missing);
    }
    if !t.unknowns.is_empty() {
        let n = t.unknowns.len();
        let reason = match t.unknowns.first() {
            Some(only) if n == 1 => only.message.clone(),
            _ => format!("{n} values could not be resolved without running the build or Terraform"),
        };
        return Outcome::Inconclusive {
            reason,
            findings: t.unknowns,
        };
    }
    if t.evidence.is_empty() {
        return Outcome::inconclusive(nothing_found);
    }
    Outcome::proven(t.evidence)
}

/// Why a Terraform value could not be judged, in words (`it refers to \`var.x\``).
pub fn unresolved_reason(v: &launchgate_evidence::terraform::TfValue) -> String {
    use launchgate_evidence::terraform::TfValue;
    match v {
        TfValue::Ref(r) => format!("it refers to `{r}`"),
        TfValue::Unknown(why) => why.clone(),
        other => format!("`{other}` is not a literal value"),
    }
}

/// Parse errors of CI pipeline files (GitHub Actions, GitLab CI, Jenkins, ...) as findings:
/// the gaps of checks that read pipelines. Dependabot and Renovate files share the letter C
/// but hold no pipeline, so a broken one does not make a pipeline check inconclusive.
pub fn ci_pipeline_gaps(cx: &CheckContext<'_>) -> Vec<Finding> {
    let is_ci =
        |k: launchgate_evidence::FileKind| matches!(k, launchgate_evidence::FileKind::Ci(_));
    let ev = cx.evidence;
    let mut out: Vec<Finding> = ev
        .errors
        .iter()
        .filter(|e| is_ci(e.kind))
        .map(launchgate_evidence::EvidenceError::finding)
        .collect();
    out.extend(
        ev.not_evaluated
            .iter()
            .filter(|n| is_ci(n.kind))
            .map(|n| Finding::new(n.reason.clone()).at(Some(n.loc.location()))),
    );
    out
}

/// The gaps of a check that reads evidence `letters` (without `C`) and CI pipelines.
pub fn gaps_and_pipelines(cx: &CheckContext<'_>, letters: &str) -> Vec<Finding> {
    let mut gaps = cx.evidence.gaps(letters);
    gaps.extend(ci_pipeline_gaps(cx));
    gaps
}

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
