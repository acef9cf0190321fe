//! OPS-002 progressive-delivery: Deploys replace pods without downtime, and they run on merge to
//! main.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::ci::{Job, Pipeline};
use launchgate_evidence::k8s::{IntOrPercent, Kubernetes, RolloutKind, Workload, WorkloadKind};

use crate::kit::finish::{Tally, conclude_tally, report_order};
use crate::kit::pipelines::{ci_pipeline_gaps, gaps_and_pipelines};
use crate::{CheckContext, Evaluate, declare_check};

/// The API default of a Deployment's `maxUnavailable` and `maxSurge`.
const DEFAULT_PERCENT: IntOrPercent = IntOrPercent::Percent(25);

const NO_ROLLOUTS: &str = "no Deployments or Argo Rollouts found; point launchgate at the repository that deploys the service";

declare_check! {
    /// ## What it checks
    /// Deploys replace pods without downtime, and they run on merge to main.
    ///
    /// - Rollout: each long-running Deployment (and OpenShift DeploymentConfig) either uses
    ///   `RollingUpdate` with a `maxUnavailable` that is 0 for its replica count (the highest of
    ///   `replicas` and its autoscaler's maximum; percentages round down, as the API does), or
    ///   is rolled out progressively: an Argo Rollout takes its pod template (`workloadRef`) or
    ///   a Flagger `Canary` targets it. `Recreate` fails at the strategy; a `maxUnavailable`
    ///   that takes pods down fails at the value, and the default (25%) fails at the workload
    ///   when it takes pods down for that replica count. `maxUnavailable` and `maxSurge` both
    ///   0 cannot make progress and fail too. Each Argo Rollout must have a `canary` or
    ///   `blueGreen` strategy. StatefulSets and DaemonSets replace pods one at a time and are
    ///   not judged here.
    /// - Delivery: a CI job deploys on pushes to the default branch (GitHub Actions, GitLab
    ///   CI, Jenkins, ...; a job deploying to a throwaway kind, minikube or k3d cluster or to
    ///   an `e2e` / `test` environment does not count, see OPS-007), or a GitOps controller
    ///   applies main continuously: an Argo CD
    ///   `Application` with `syncPolicy.automated`, or a Flux `Kustomization` or
    ///   `HelmRelease`. When CI exists but no pipeline deploys on merge to main, the check fails
    ///   at the deploy job that runs some other way, or at the first pipeline. Without any CI
    ///   configuration this half cannot be judged, and the check is inconclusive unless the
    ///   rollout half already fails.
    ///
    /// ## Why it matters
    /// A deploy is the most common cause of an outage, and the first defence is a rollout that
    /// never has fewer serving pods than before: new pods start, pass readiness, and only then
    /// do old ones stop. `Recreate` stops everything first; the default rolling update takes a
    /// quarter of the pods away while traffic stays the same. Canary and blue-green rollouts go
    /// further and limit a bad release to a slice of traffic. Deploying on merge keeps each
    /// change small and the main branch honest: what is on main is what runs.
    ///
    /// ## How to fix
    /// Set `strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}`
    /// (or 25%) on each Deployment, or move it to an Argo Rollout or a Flagger Canary with
    /// analysis. Deploy from CI on pushes to main (a job with `if: github.ref ==
    /// 'refs/heads/main'`, a GitLab job with `rules: - if: $CI_COMMIT_BRANCH ==
    /// $CI_DEFAULT_BRANCH`), or let Argo CD sync automatically.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   replicas: 4
    ///   strategy:
    ///     type: Recreate        # every pod stops before the new ones start
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2
    /// ```
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   replicas: 4
    ///   strategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2
    /// ---
    /// apiVersion: argoproj.io/v1alpha1
    /// kind: Application
    /// metadata: {name: api, namespace: argocd}
    /// spec:
    ///   project: default
    ///   source: {repoURL: "https://github.com/acme/api", path: deploy, targetRevision: main}
    ///   destination: {server: "https://kubernetes.default.svc", namespace: api}
    ///   syncPolicy:
    ///     automated: {prune: true, selfHeal: true}
    /// ```
    ///
    /// ## References
    /// Seed 002, "zero-downtime deploys, deploy on merge"; seed 003, "Deployment: rolling or
    /// canary"; the Kubernetes documentation on Deployment rolling update parameters; the Argo
    /// Rollouts and Flagger documentation on canary and blue-green strategies; the Argo CD
    /// documentation on automated sync.
    pub struct ProgressiveDelivery {
        id: "OPS-002", slug: "progressive-delivery", category: Operations, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K C", effort: 4,
    }
}

impl Evaluate for ProgressiveDelivery {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        let k = &ev.kubernetes;
        let mut rollout = Tally::default();
        for (i, w) in k.workloads.iter().enumerate() {
            match w.kind {
                WorkloadKind::Deployment | WorkloadKind::DeploymentConfig => {
                    judge_deployment(k, i, w, &mut rollout);
                }
                WorkloadKind::Rollout => judge_rollout(w, &mut rollout),
                _ => {}
            }
        }
        if !rollout.failures.is_empty() {
            // The rollout half fails; the delivery half adds what it knows for certain.
            let mut delivery = Tally::default();
            judge_delivery(cx, &mut delivery);
            rollout.missing.append(&mut delivery.missing);
            return conclude_tally(cx, gaps_and_pipelines(cx, "K"), rollout, NO_ROLLOUTS);
        }

        let mut t = rollout;
        let has_rollout_evidence = !t.evidence.is_empty();
        if !judge_delivery(cx, &mut t) {
            let k_gaps = ev.gaps("K");
            if !k_gaps.is_empty() || !has_rollout_evidence {
                return conclude_tally(cx, k_gaps, t, NO_ROLLOUTS);
            }
            let mut findings = t.unknowns;
            report_order(&mut findings);
            return Outcome::inconclusive_with("no CI configuration or GitOps controller found, so whether deploys run on merge to main cannot be told".to_string(), findings);
        }
        if !has_rollout_evidence && t.unknowns.is_empty() && t.missing.is_empty() {
            // Delivery is shown, but nothing shows how pods are replaced.
            let gaps = gaps_and_pipelines(cx, "K");
            return conclude_tally(cx, gaps, Tally::default(), NO_ROLLOUTS);
        }
        conclude_tally(cx, gaps_and_pipelines(cx, "K"), t, NO_ROLLOUTS)
    }
}

/// The most replicas a workload runs: the highest of `replicas` and its autoscalers' maxima;
/// `None` when an autoscaler's maximum is not written.
fn replica_ceiling(k: &Kubernetes, w: &Workload) -> Option<i64> {
    let mut most = w.replicas.as_ref().map_or(1, |r| r.value);
    for h in k.hpas_for(w) {
        most = most.max(h.max_replicas.as_ref()?.value);
    }
    for s in k.scaled_objects_for(w) {
        most = most.max(s.max());
    }
    Some(most)
}

fn judge_deployment(k: &Kubernetes, index: usize, w: &Workload, t: &mut Tally) {
    let res = w.resource();
    if let Some(c) = k.canaries_for(w).next() {
        t.evidence.push(
            Finding::new(format!(
                "Flagger Canary/{} rolls out {res} progressively",
                c.name
            ))
            .at(Some(c.loc.location()))
            .resource(res),
        );
        return;
    }
    if let Some(r) = k.workloads_linked(|l| l.workload_ref == Some(index)).next() {
        t.evidence.push(
            Finding::new(format!(
                "{} rolls out {res}'s pod template progressively (`workloadRef`)",
                r.resource()
            ))
            .at(Some(r.loc.location()))
            .resource(res),
        );
        return;
    }
    if w.replicas.as_ref().is_some_and(|r| r.value == 0) && k.hpas_for(w).next().is_none() {
        // Scaled to zero and not autoscaled: nothing serves, nothing to roll.
        return;
    }
    let strategy = w.strategy.as_ref();
    let type_loc = strategy
        .and_then(|s| s.strategy_type.as_ref())
        .map(|t| &t.loc)
        .or(strategy.map(|s| &s.loc))
        .unwrap_or(&w.spec_loc);
    match w.strategy_type_or_default() {
        Some("Recreate") => {
            t.failures.push(
                Finding::new(format!(
                    "{res} uses the `Recreate` strategy: every pod stops before the new ones start, so each deploy is an outage"
                ))
                .at(Some(type_loc.location()))
                .resource(res),
            );
        }
        Some("RollingUpdate" | "Rolling") => judge_rolling(k, w, t),
        other => t.unknowns.push(
            Finding::new(format!(
                "{res} uses the strategy `{}`, which launchgate cannot judge",
                other.unwrap_or("")
            ))
            .at(Some(type_loc.location()))
            .resource(res),
        ),
    }
}

fn judge_rolling(k: &Kubernetes, w: &Workload, t: &mut Tally) {
    let res = w.resource();
    let strategy = w.strategy.as_ref();
    let workload_loc = strategy.map_or(&w.spec_loc, |s| &s.loc);
    let Some(most) = replica_ceiling(k, w) else {
        t.unknowns.push(
            Finding::new(format!(
                "{res} is autoscaled without a written maximum, so how many pods a rolling update takes down cannot be told"
            ))
            .at(Some(workload_loc.location()))
            .resource(res),
        );
        return;
    };
    let unavailable = strategy.and_then(|s| s.max_unavailable.as_ref());
    let down = unavailable
        .map_or(DEFAULT_PERCENT, |u| u.value)
        .resolve(most, false);
    if down > 0 {
        let finding = match unavailable {
            Some(u) => Finding::new(format!(
                "{res} sets `maxUnavailable: {}`, which takes {down} of its {most} pods down during each deploy; set it to 0",
                u.value
            ))
            .at(Some(u.loc.location())),
            None => Finding::new(format!(
                "{res} uses the default RollingUpdate, which may take 25% of pods down ({down} of {most}) during each deploy; set `maxUnavailable: 0`"
            ))
            .at(Some(workload_loc.location())),
        };
        t.failures.push(finding.resource(res));
        return;
    }
    let surge = strategy.and_then(|s| s.max_surge.as_ref());
    if let Some(s) = surge
        && s.value.resolve(most, true) == 0
    {
        t.failures.push(
            Finding::new(format!(
                "{res} sets `maxSurge: {}` with a `maxUnavailable` of 0: the rollout can neither add nor remove a pod (the API rejects it)",
                s.value
            ))
            .at(Some(s.loc.location()))
            .resource(res),
        );
        return;
    }
    let how = match unavailable {
        Some(u) if u.value.is_zero() => "`maxUnavailable: 0`".to_string(),
        Some(u) => format!("`maxUnavailable: {}`, 0 pods for {most}", u.value),
        None => format!(
            "the default `maxUnavailable` of 25%, 0 pods for {most}; write `maxUnavailable: 0` so that more replicas do not change that"
        ),
    };
    let at = unavailable.map_or(workload_loc, |u| &u.loc);
    t.evidence.push(
        Finding::new(format!("{res} rolls without taking pods down ({how})"))
            .at(Some(at.location()))
            .resource(res),
    );
}

fn judge_rollout(w: &Workload, t: &mut Tally) {
    let res = w.resource();
    let Some(r) = &w.rollout else {
        let at = w.strategy.as_ref().map_or(&w.spec_loc, |s| &s.loc);
        t.failures.push(
            Finding::new(format!(
                "{res} has neither a `canary` nor a `blueGreen` strategy"
            ))
            .at(Some(at.location()))
            .resource(res),
        );
        return;
    };
    let kind = match r.kind {
        RolloutKind::Canary => format!("canary ({} steps)", r.steps),
        RolloutKind::BlueGreen => "blue-green".to_string(),
    };
    let analysis = if r.analysis { ", with analysis" } else { "" };
    t.evidence.push(
        Finding::new(format!("{res} deploys progressively: {kind}{analysis}"))
            .at(Some(r.loc.location()))
            .resource(res),
    );
}

/// Judges the delivery half into `t`. Returns false when there is nothing to judge it by (no
/// CI configuration and no GitOps controller).
fn judge_delivery(cx: &CheckContext<'_>, t: &mut Tally) -> bool {
    let ev = cx.evidence;
    let gitops = gitops(&ev.kubernetes);
    let on_main: Vec<(&Pipeline, &Job)> = ev
        .ci
        .pipelines
        .iter()
        .flat_map(|p| p.jobs.iter().map(move |j| (p, j)))
        .filter(|(_, j)| j.runs.default_branch && j.deploys.is_some())
        .collect();
    for (p, j) in &on_main {
        if let Some(d) = &j.deploys {
            t.evidence.push(
                Finding::new(format!(
                    "{} job `{}` deploys on merge to main (`{}`)",
                    p.path, j.name, d.what
                ))
                .at(Some(d.loc.location()))
                .resource(format!("pipeline {}", p.path)),
            );
        }
    }
    let found = !gitops.is_empty() || !on_main.is_empty();
    t.evidence.extend(gitops);
    if found {
        return true;
    }
    if ev.ci.pipelines.is_empty() {
        // A CI file that could not be parsed still counts as CI to judge by.
        return !ci_pipeline_gaps(cx).is_empty();
    }
    let finding = if let Some((p, j)) = ev.ci.deploy_jobs().next() {
        Finding::new(format!(
            "no pipeline deploys on merge to main: {} job `{}` deploys{}, but {}",
            p.path,
            j.name,
            j.deploys
                .as_ref()
                .map_or(String::new(), |d| format!(" (`{}`)", d.what)),
            when(j)
        ))
        .at(Some(j.loc.location()))
        .resource(format!("pipeline {}", p.path))
    } else {
        let first = ev.ci.pipelines.first();
        let path = first.map_or("", |p| p.path.as_str());
        Finding::new(format!(
            "no pipeline deploys on merge to main: no CI job deploys (no kubectl, helm, argocd, terraform apply or deploy action recognised in {})",
            plural_pipelines(ev.ci.pipelines.len())
        ))
        .at(first.map(|p| p.triggers.loc.location()))
        .resource(format!("pipeline {path}"))
    };
    t.missing.push(finding);
    true
}

fn plural_pipelines(n: usize) -> String {
    if n == 1 {
        "the 1 pipeline".to_string()
    } else {
        format!("any of the {n} pipelines")
    }
}

/// When a deploy job runs instead of on merge to main.
fn when(j: &Job) -> String {
    let r = &j.runs;
    let mut ways = Vec::new();
    if r.when_manual || r.manual {
        ways.push("by hand");
    }
    if r.tags {
        ways.push("on tags");
    }
    if r.schedule {
        ways.push("on a schedule");
    }
    if r.pull_request {
        ways.push("on pull requests");
    }
    if r.other_branches {
        ways.push("on other branches");
    }
    if ways.is_empty() {
        "not on pushes to main".to_string()
    } else {
        format!("only {}", ways.join(", "))
    }
}

/// GitOps controllers that apply the repository continuously: Argo CD Applications with
/// automated sync, Flux Kustomizations and HelmReleases.
fn gitops(k: &Kubernetes) -> Vec<Finding> {
    let mut out = Vec::new();
    for o in &k.objects {
        let group = o.group().unwrap_or("");
        let found = match (o.kind.as_str(), group) {
            ("Application", "argoproj.io") => o
                .doc
                .at(&["spec", "syncPolicy"])
                .and_then(|p| p.entry("automated"))
                .map(|e| {
                    (
                        "Argo CD syncs it automatically (`syncPolicy.automated`)",
                        e.key_loc.clone(),
                    )
                }),
            ("Kustomization", "kustomize.toolkit.fluxcd.io")
            | ("HelmRelease", "helm.toolkit.fluxcd.io") => {
                Some(("Flux reconciles it continuously", o.kind_loc.clone()))
            }
            _ => None,
        };
        if let Some((how, loc)) = found {
            out.push(
                Finding::new(format!("{}: {how}", o.resource()))
                    .at(Some(loc.location()))
                    .resource(o.resource()),
            );
        }
    }
    out
}
