//! OBS-004 metrics-exposed: The service exposes metrics and something collects them.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::deps::Capability;
use launchgate_evidence::k8s::{Kubernetes, Workload, WorkloadKind};

use crate::kit::finish::{conclude, missing};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service exposes metrics and something collects them: a metrics library ships among
    /// its dependencies (prom-client, prometheus/client_golang, prometheus-client, Micrometer,
    /// the `prometheus` and `metrics` crates, OpenTelemetry metrics, StatsD clients, ...), and
    /// every long-running Kubernetes workload (Deployment, StatefulSet, DaemonSet, Rollout, ...)
    /// has a scrape path: a ServiceMonitor (through a Service that selects its pods) or a
    /// PodMonitor selects it, or its pod template, or a Service that selects its pods, is
    /// annotated `prometheus.io/scrape: "true"`.
    ///
    /// - A workload that nothing scrapes fails at the workload, library or not: metrics nobody
    ///   collects cannot page anyone.
    /// - A scrape path without a metrics library among the dependencies passes: the endpoint
    ///   may be served by an exporter sidecar, a JVM agent or a runtime launchgate cannot see
    ///   in the dependency manifests, and the scrape configuration shows someone wired it up.
    /// - Without Kubernetes workloads the scrape path cannot be seen: a metrics library alone
    ///   is inconclusive, and dependency manifests without one fail.
    ///
    /// Jobs, CronJobs and bare Pods are not checked (they finish before a scrape finds them;
    /// batch work pushes its metrics instead); a repository with only those is not applicable.
    /// A Deployment that only serves as an Argo Rollout's `workloadRef` template is checked
    /// through the Rollout.
    ///
    /// ## Why it matters
    /// Alerts, SLOs, dashboards and autoscaling all start from metrics. A service without them
    /// is only noticed when users complain; a service whose metrics nothing scrapes looks
    /// instrumented in review and is just as blind in production.
    ///
    /// ## How to fix
    /// Add a metrics library and serve its registry on an HTTP port (`/metrics`), with at
    /// least request count, error count and latency histograms per route. Then have Prometheus
    /// collect it: a ServiceMonitor selecting the Service (Prometheus Operator), a PodMonitor
    /// selecting the pods, or the `prometheus.io/scrape: "true"` and `prometheus.io/port`
    /// annotations on the pod template when the Prometheus configuration uses them.
    ///
    /// ## Example
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: search-api
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: search-api}
    ///   template:
    ///     metadata:
    ///       labels: {app: search-api}
    ///       annotations:
    ///         prometheus.io/scrape: "true"
    ///         prometheus.io/port: "9090"
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: registry.example.com/search-api:3.2.0
    ///           ports:
    ///             - {name: metrics, containerPort: 9090}
    /// ```
    /// ```yaml fails path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: search-api   # nothing scrapes it
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: search-api}
    ///   template:
    ///     metadata:
    ///       labels: {app: search-api}
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: registry.example.com/search-api:3.2.0
    /// ```
    /// ```json fails path=package.json
    /// {
    ///   "name": "search-api",
    ///   "dependencies": {
    ///     "express": "^4.21.2",
    ///     "pino": "^9.6.0"
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "Metrics: RED / USE"; seed 003, "Observability: metrics exposed"; seed 004,
    /// "Monitoring"; Prometheus Operator documentation, "ServiceMonitor" and "PodMonitor";
    /// Google SRE book, "Monitoring Distributed Systems" (the four golden signals).
    pub struct MetricsExposed {
        id: "OBS-004", slug: "metrics-exposed", category: Observability, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "L K", effort: 4,
    }
}

/// The evidence letters this check reads from the repository.
const LETTERS: &str = "K L";

const SCRAPE: &str = "prometheus.io/scrape";

/// Whether the workload at `index` is only the pod template of an Argo Rollout
/// (`workloadRef`): the Rollout runs those pods and is checked instead.
fn is_rollout_template(k: &Kubernetes, index: usize) -> bool {
    k.workloads
        .iter()
        .any(|r| r.kind == WorkloadKind::Rollout && r.links.workload_ref == Some(index))
}

/// What scrapes the workload, as evidence; empty when nothing does.
fn scrape_paths(k: &Kubernetes, w: &Workload) -> Vec<Finding> {
    let res = w.resource();
    let mut out: Vec<Finding> = k
        .monitors_for(w)
        .map(|m| {
            Finding::new(format!("{} scrapes {res}", m.resource()))
                .at(Some(m.loc.location()))
                .resource(res.clone())
        })
        .collect();
    if let Some(a) = k
        .effective_pod(w)
        .annotation(SCRAPE)
        .filter(|a| a.value.trim() == "true")
    {
        out.push(
            Finding::new(format!("{res} pods are annotated `{SCRAPE}: \"true\"`"))
                .at(Some(a.loc.location()))
                .resource(res.clone()),
        );
    }
    for s in k.services_for(w) {
        if let Some(a) = s
            .annotations
            .get(SCRAPE)
            .filter(|a| a.value.trim() == "true")
        {
            out.push(
                Finding::new(format!(
                    "{} (selecting {res}) is annotated `{SCRAPE}: \"true\"`",
                    s.resource()
                ))
                .at(Some(a.loc.location()))
                .resource(res.clone()),
            );
        }
    }
    out
}

impl Evaluate for MetricsExposed {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let libs = shipped_libraries(cx, Capability::Metrics);
        let manifests = &cx.evidence.dependencies.manifests;
        let serving: Vec<&Workload> = k
            .workloads
            .iter()
            .enumerate()
            .filter(|(i, w)| w.kind.is_long_running() && !is_rollout_template(k, *i))
            .map(|(_, w)| w)
            .collect();

        if serving.is_empty() {
            if !k.workloads.is_empty() && cx.evidence.gaps(LETTERS).is_empty() {
                return Outcome::not_applicable(
                    "the repository deploys only Jobs, CronJobs or bare Pods: nothing stays up to be scraped",
                );
            }
            if !libs.is_empty() {
                return conclude(
                    cx,
                    LETTERS,
                    Vec::new(),
                    Vec::new(),
                    &format!(
                        "a metrics library is in use ({}), but no Kubernetes workload was found to show what scrapes it; point launchgate at the repository that deploys the service",
                        library_list(&libs)
                    ),
                );
            }
            if let Some(first) = manifests.first() {
                let names: Vec<&str> = manifests.iter().take(3).map(|m| &*m.path).collect();
                return missing(
                    cx,
                    LETTERS,
                    Finding::new(format!(
                        "no metrics library among the dependencies ({}) and no Kubernetes workload with a scrape configuration: nothing shows that the service exposes metrics",
                        names.join(", ")
                    ))
                    .at(Some(first.loc.location())),
                );
            }
            return conclude(
                cx,
                LETTERS,
                Vec::new(),
                Vec::new(),
                "no Kubernetes workloads and no dependency manifests found; point launchgate at the repository that builds and deploys the service",
            );
        }

        let mut failures = Vec::new();
        let mut evidence = library_findings(&libs, "a metrics library is in use");
        for w in serving {
            let paths = scrape_paths(k, w);
            if !paths.is_empty() {
                evidence.extend(paths);
                continue;
            }
            let res = w.resource();
            let off = k
                .effective_pod(w)
                .annotation(SCRAPE)
                .map_or_else(String::new, |a| {
                    format!(" (its pods say `{SCRAPE}: \"{}\"`)", a.value.trim())
                });
            let lib = if libs.is_empty() {
                String::new()
            } else {
                format!(
                    "a metrics library is in use ({}), but ",
                    library_list(&libs)
                )
            };
            failures.push(
                Finding::new(format!(
                    "nothing scrapes {res}: {lib}no ServiceMonitor or PodMonitor selects it and neither its pod template nor a Service selecting it is annotated `{SCRAPE}: \"true\"`{off}"
                ))
                .at(Some(w.loc.location()))
                .resource(res),
            );
        }
        conclude(cx, LETTERS, failures, evidence, "")
    }
}

#[cfg(test)]
mod tests {
    use launchgate_evidence::{Excluded, ScopeChoice};

    use crate::fixture::{fixtures_dir, scanned};

    /// The class of bug where adservice (Java) was credited with a metrics library from
    /// `src/checkoutservice/go.mod`: under `select:`, another service's dependency manifest
    /// and Deployment are not this service's evidence.
    #[test]
    fn another_services_metrics_library_is_not_credited_under_select() {
        let dir = fixtures_dir()
            .join("OBS-004")
            .join("fail_select_other_services_library_not_credited");
        let (_, evidence) = scanned(&dir);
        assert!(evidence.dependencies.libraries.is_empty());
        let workloads: Vec<String> = evidence
            .kubernetes
            .workloads
            .iter()
            .map(launchgate_evidence::k8s::Workload::resource)
            .collect();
        assert_eq!(workloads, vec!["Deployment/adservice"]);
        assert_eq!(
            evidence.scope.excluded,
            vec![
                Excluded {
                    path: "kubernetes-manifests/checkout.yaml".to_string(),
                    rule: "select: not this service's".to_string(),
                    files: 1,
                },
                Excluded {
                    path: "src/checkout/".to_string(),
                    rule: "select.source: not this service's".to_string(),
                    files: 1,
                },
            ]
        );
        assert_eq!(
            evidence.scope.choices,
            vec![
                ScopeChoice {
                    subject: "service".to_string(),
                    chosen: "src/adservice/".to_string(),
                    why: "manifest select.source".to_string(),
                },
                ScopeChoice {
                    subject: "service".to_string(),
                    chosen: "Deployment/adservice".to_string(),
                    why: "manifest select.workloads: Deployment/adservice".to_string(),
                },
            ]
        );
    }
}
