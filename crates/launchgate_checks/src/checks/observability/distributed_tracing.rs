//! OBS-003 distributed-tracing: Distributed tracing is set up end to end.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::deps::Capability;
use launchgate_evidence::k8s::{Container, EnvValue, EnvVar, Workload};

use crate::kit::finish::{conclude, conclude_with_claim, in_report_order, missing};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Distributed tracing is set up end to end: a tracing SDK, an exporter that sends the
    /// spans somewhere, and a deliberate sampler.
    ///
    /// - **SDK**: a tracing library ships among the dependencies (OpenTelemetry, Jaeger,
    ///   Zipkin, Datadog, Elastic APM, ...), or `claims.tracing.sdk` names it (for an agent
    ///   that instruments the service from outside its dependencies). A declared exporter
    ///   implies an SDK. A container configured to export spans while the repository's
    ///   dependency manifests show no tracing SDK fails: nothing in the service reads that
    ///   configuration.
    /// - **Exporter**: a container sets an `OTEL_EXPORTER_*` variable for traces
    ///   (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, ...) or
    ///   `OTEL_TRACES_EXPORTER`, or `claims.tracing.exporter` names where spans go. A container
    ///   with `OTEL_SDK_DISABLED: "true"` or `OTEL_TRACES_EXPORTER: none` exports nothing.
    ///   An SDK with no exporter anywhere fails and says what is missing.
    /// - **Sampling**: every container that exports spans sets `OTEL_TRACES_SAMPLER` (with
    ///   `OTEL_TRACES_SAMPLER_ARG` for ratio samplers), or `claims.tracing.sampling_ratio`
    ///   declares the ratio. `OTEL_TRACES_SAMPLER_ARG` alone does not count: the default sampler
    ///   ignores it. A ratio in `OTEL_TRACES_SAMPLER_ARG` that differs from the declared
    ///   `sampling_ratio` fails and names both places.
    ///
    /// Variables that come from `envFrom` (a ConfigMap or Secret mounted whole) cannot be
    /// seen; declare the exporter and ratio in `claims.tracing` then. Repository evidence makes
    /// the result proven; a complete claim alone passes as attested.
    ///
    /// The containers read are those of Kubernetes workloads and of Docker Compose services
    /// (`environment`, list or map); a Compose variable passed from the host (`- NAME`) counts
    /// as set, its value unknown.
    ///
    /// ## Why it matters
    /// Logs say that a request was slow; a trace says which of its twelve downstream calls made
    /// it slow. A tracing SDK without an exporter records spans nobody receives, and an
    /// unconfigured sampler either drops everything or ships every span and bills for it.
    ///
    /// ## How to fix
    /// Instrument the service with a tracing SDK (OpenTelemetry is the common choice), export
    /// spans to a collector, and choose a sampling ratio deliberately (1.0 keeps every trace;
    /// 0.05 keeps one in twenty). With OpenTelemetry, set them on the container:
    /// `OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4317`,
    /// `OTEL_TRACES_SAMPLER: parentbased_traceidratio`, `OTEL_TRACES_SAMPLER_ARG: "0.1"`.
    /// Or declare the set-up:
    /// `claims: {tracing: {sdk: opentelemetry, exporter: otlp://otel-collector:4317, sampling_ratio: 0.1}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   tracing:
    ///     sdk: opentelemetry   # spans are recorded but exported nowhere, sampling unknown
    /// ```
    /// ```yaml passes
    /// claims:
    ///   tracing:
    ///     sdk: opentelemetry
    ///     exporter: otlp://otel-collector.observability:4317
    ///     sampling_ratio: 0.1
    /// ```
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: checkout
    /// spec:
    ///   selector:
    ///     matchLabels: {app: checkout}
    ///   template:
    ///     metadata:
    ///       labels: {app: checkout}
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: registry.example.com/checkout:1.4.2
    ///           env:
    ///             - name: OTEL_EXPORTER_OTLP_ENDPOINT
    ///               value: http://otel-collector.observability:4317
    ///             - name: OTEL_TRACES_SAMPLER
    ///               value: parentbased_traceidratio
    ///             - name: OTEL_TRACES_SAMPLER_ARG
    ///               value: "0.1"
    /// ```
    /// ```yaml fails path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: checkout
    /// spec:
    ///   selector:
    ///     matchLabels: {app: checkout}
    ///   template:
    ///     metadata:
    ///       labels: {app: checkout}
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: registry.example.com/checkout:1.4.2
    ///           env:
    ///             - name: OTEL_EXPORTER_OTLP_ENDPOINT   # exported, but sampled how?
    ///               value: http://otel-collector.observability:4317
    /// ```
    ///
    /// ## References
    /// Seed 002, "Distributed tracing"; seed 003, "Observability: tracing"; OpenTelemetry
    /// specification, "Tracing SDK: Sampling" and "Environment Variable Specification"
    /// (exporter and sampler variables, the default sampler).
    pub struct DistributedTracing {
        id: "OBS-003", slug: "distributed-tracing", category: Observability, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "L K D", effort: 8,
    }
}

/// The evidence letters this check reads from the repository.
const LETTERS: &str = "L K";

/// Whether a variable configures where spans go: `OTEL_TRACES_EXPORTER` or an
/// `OTEL_EXPORTER_*` variable that is not about metrics or logs.
fn is_trace_exporter_var(name: &str) -> bool {
    name == "OTEL_TRACES_EXPORTER"
        || (name.starts_with("OTEL_EXPORTER_")
            && !name.contains("_METRICS")
            && !name.contains("_LOGS")
            && !name.contains("PROMETHEUS"))
}

/// Whether the variable has a value: a non-blank literal, or one taken from elsewhere (a
/// Secret, a ConfigMap, a field).
fn has_value(e: &EnvVar) -> bool {
    match &e.value {
        EnvValue::Empty => false,
        EnvValue::Literal(v) => !v.value.trim().is_empty(),
        _ => true,
    }
}

fn literal_is(e: &EnvVar, want: &str) -> bool {
    e.literal()
        .is_some_and(|v| v.value.trim().eq_ignore_ascii_case(want))
}

/// Where a variable's value is written (its `value:`), else the list item.
fn value_location(e: &EnvVar) -> Location {
    e.literal().map_or(&e.loc, |v| &v.loc).location()
}

/// The value as a finding shows it.
fn shown_value(e: &EnvVar) -> String {
    match &e.value {
        EnvValue::Literal(v) => format!("`{}`", v.value),
        EnvValue::SecretKeyRef { name, .. } => {
            format!("a value from Secret `{}`", name.as_deref().unwrap_or("?"))
        }
        EnvValue::ConfigMapKeyRef { name, .. } => {
            format!(
                "a value from ConfigMap `{}`",
                name.as_deref().unwrap_or("?")
            )
        }
        _ => "a value set elsewhere".to_string(),
    }
}

/// One container's OpenTelemetry configuration, from its environment.
struct Otel<'a> {
    resource: String,
    container: &'a Container,
    /// The first variable that says where spans go.
    exporter: Option<&'a EnvVar>,
    /// `OTEL_TRACES_SAMPLER`.
    sampler: Option<&'a EnvVar>,
    /// `OTEL_TRACES_SAMPLER_ARG`.
    sampler_arg: Option<&'a EnvVar>,
    /// `OTEL_SDK_DISABLED: true` or `OTEL_TRACES_EXPORTER: none`.
    disabled: Option<&'a EnvVar>,
}

impl Otel<'_> {
    fn exports(&self) -> bool {
        self.exporter.is_some() && self.disabled.is_none()
    }

    /// The first variable of the configuration, for findings about the whole set-up.
    fn first_var(&self) -> Option<&EnvVar> {
        [self.exporter, self.sampler, self.sampler_arg, self.disabled]
            .into_iter()
            .flatten()
            .min_by_key(|e| e.loc.start)
    }
}

fn otel_of<'a>(w: &'a Workload, c: &'a Container) -> Option<Otel<'a>> {
    let disabled = c
        .env_var("OTEL_SDK_DISABLED")
        .filter(|e| literal_is(e, "true"))
        .or_else(|| {
            c.env_var("OTEL_TRACES_EXPORTER")
                .filter(|e| literal_is(e, "none"))
        });
    let o = Otel {
        resource: c.resource(w),
        container: c,
        exporter: c
            .env_with_prefix("OTEL_")
            .find(|e| is_trace_exporter_var(&e.name) && has_value(e) && !literal_is(e, "none")),
        sampler: c.env_var("OTEL_TRACES_SAMPLER").filter(|e| has_value(e)),
        sampler_arg: c
            .env_var("OTEL_TRACES_SAMPLER_ARG")
            .filter(|e| has_value(e)),
        disabled,
    };
    (o.exporter.is_some() || o.sampler.is_some() || o.sampler_arg.is_some() || o.disabled.is_some())
        .then_some(o)
}

fn nonblank(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl Evaluate for DistributedTracing {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let claim = cx.manifest.claims.tracing.as_ref();
        let sdk_claim = nonblank(claim.and_then(|t| t.sdk.as_ref()));
        let exporter_claim = nonblank(claim.and_then(|t| t.exporter.as_ref()));
        let ratio_claim = claim.and_then(|t| t.sampling_ratio);
        let libs = shipped_libraries(cx, Capability::Tracing);
        // Main containers only: init containers finish before the service serves anything.
        // Kubernetes workloads and Docker Compose services alike: both set the SDK's
        // environment.
        let otel: Vec<Otel<'_>> = cx
            .evidence
            .container_workloads()
            .flat_map(|w| w.pod.containers.iter().filter_map(move |c| otel_of(w, c)))
            .collect();
        let exporting: Vec<&Otel<'_>> = otel.iter().filter(|o| o.exports()).collect();

        if claim.is_none() && libs.is_empty() && otel.is_empty() {
            return missing(
                cx,
                LETTERS,
                Finding::new(
                    "no tracing set-up: no tracing SDK among the dependencies, no container configures an exporter (`OTEL_EXPORTER_OTLP_ENDPOINT`), and nothing is declared (`claims.tracing` with `exporter` and `sampling_ratio`)",
                )
                .at(at(cx, "/claims/tracing")),
            );
        }

        let mut failures = Vec::new();
        let manifests = &cx.evidence.dependencies.manifests;

        // An exporter configured where the dependencies show no SDK to read it.
        if libs.is_empty()
            && sdk_claim.is_none()
            && exporter_claim.is_none()
            && !manifests.is_empty()
        {
            let names: Vec<&str> = manifests.iter().take(3).map(|m| &*m.path).collect();
            for o in &exporting {
                if let Some(e) = o.exporter {
                    failures.push(
                        Finding::new(format!(
                            "{} configures a trace exporter (`{}`), but no tracing SDK is among the dependencies ({}): nothing in the service reads it; add an OpenTelemetry SDK, or name the agent that instruments the service in `claims.tracing.sdk`",
                            o.resource,
                            e.name,
                            names.join(", ")
                        ))
                        .at(Some(value_location(e)))
                        .resource(o.resource.clone()),
                    );
                }
            }
        }

        // Where spans go.
        let sampled = ratio_claim.is_some() || exporting.iter().any(|o| o.sampler.is_some());
        if exporter_claim.is_none() && exporting.is_empty() {
            let no_env = "no container sets `OTEL_EXPORTER_OTLP_ENDPOINT` (or another `OTEL_EXPORTER_*` variable)";
            let (msg, loc) = if claim.is_some() {
                (
                    format!(
                        "tracing declares no exporter (`claims.tracing.exporter`) and {no_env}: spans are sent nowhere"
                    ),
                    at(cx, "/claims/tracing/exporter"),
                )
            } else if let Some(u) = libs.first() {
                let also = if sampled {
                    ""
                } else {
                    "; no sampler is configured either (`OTEL_TRACES_SAMPLER` or `claims.tracing.sampling_ratio`)"
                };
                (
                    format!(
                        "the tracing SDK ({}) records spans, but no exporter is configured: {no_env} and `claims.tracing.exporter` is not declared{also}",
                        library_list(&libs)
                    ),
                    Some(u.loc.location()),
                )
            } else {
                // Only sampler or switched-off settings (the early return above leaves at
                // least one): point at the first of them.
                let first = otel.first();
                (
                    format!(
                        "{} configures OpenTelemetry but no exporter: {no_env} and `claims.tracing.exporter` is not declared",
                        first.map_or("a container", |o| o.resource.as_str())
                    ),
                    first.and_then(Otel::first_var).map(value_location),
                )
            };
            failures.push(Finding::new(msg).at(loc));
            for o in &otel {
                if let Some(d) = o.disabled {
                    failures.push(
                        Finding::new(format!(
                            "{} switches tracing off (`{}: {}`)",
                            o.resource,
                            d.name,
                            d.literal().map_or("", |v| v.value.as_str())
                        ))
                        .at(Some(value_location(d)))
                        .resource(o.resource.clone())
                        .related(exporter_claim.and_then(|_| at(cx, "/claims/tracing/exporter"))),
                    );
                }
            }
        }

        // How much is kept.
        match ratio_claim {
            Some(r) => {
                for o in &exporting {
                    let ratio_sampler = o.sampler.is_some_and(|s| {
                        literal_is(s, "traceidratio") || literal_is(s, "parentbased_traceidratio")
                    });
                    let Some(arg) = o.sampler_arg.filter(|_| ratio_sampler) else {
                        continue;
                    };
                    let Some(v) = arg.literal().and_then(|v| v.value.trim().parse::<f64>().ok())
                    else {
                        continue;
                    };
                    if (v - r).abs() > 1e-9 {
                        failures.push(
                            Finding::new(format!(
                                "`claims.tracing.sampling_ratio` says {r}, {} samples {} (`OTEL_TRACES_SAMPLER_ARG`)",
                                o.resource,
                                shown_value(arg)
                            ))
                            .at(Some(value_location(arg)))
                            .resource(o.resource.clone())
                            .related(at(cx, "/claims/tracing/sampling_ratio")),
                        );
                    }
                }
            }
            None if !exporting.is_empty() => {
                for o in exporting.iter().filter(|o| o.sampler.is_none()) {
                    let arg_note = if o.sampler_arg.is_some() {
                        " (`OTEL_TRACES_SAMPLER_ARG` is set, but without `OTEL_TRACES_SAMPLER` the default sampler ignores it)"
                    } else {
                        ""
                    };
                    failures.push(
                        Finding::new(format!(
                            "{} exports spans but sets no sampler (`OTEL_TRACES_SAMPLER`){arg_note} and `claims.tracing.sampling_ratio` is not declared: the default keeps every trace",
                            o.resource
                        ))
                        .at(Some(o.container.loc.location()))
                        .resource(o.resource.clone()),
                    );
                }
            }
            None if claim.is_some() => failures.push(
                Finding::new(
                    "tracing declares no sampling ratio (`claims.tracing.sampling_ratio`, e.g. 0.1 for 10%) and no container sets `OTEL_TRACES_SAMPLER`",
                )
                .at(at(cx, "/claims/tracing/sampling_ratio")),
            ),
            // No claim and nothing exported: the missing exporter's finding says it.
            None => {}
        }

        if !failures.is_empty() {
            return Outcome::fail(in_report_order(failures));
        }

        let mut repo = library_findings(&libs, "a tracing SDK is in use");
        for o in &exporting {
            if let Some(e) = o.exporter {
                repo.push(
                    Finding::new(format!(
                        "{} exports spans to {} (`{}`)",
                        o.resource,
                        shown_value(e),
                        e.name
                    ))
                    .at(Some(value_location(e)))
                    .resource(o.resource.clone()),
                );
            }
            if let Some(s) = o.sampler {
                let arg = o.sampler_arg.map_or_else(String::new, |a| {
                    format!(" with argument {}", shown_value(a))
                });
                repo.push(
                    Finding::new(format!(
                        "{} samples with {}{arg} (`OTEL_TRACES_SAMPLER`)",
                        o.resource,
                        shown_value(s)
                    ))
                    .at(Some(value_location(s)))
                    .resource(o.resource.clone()),
                );
            }
        }
        let Some(_) = claim else {
            return conclude(cx, LETTERS, Vec::new(), repo, "");
        };
        let mut parts = Vec::new();
        match sdk_claim {
            Some(s) => parts.push(format!("SDK `{s}`")),
            None if libs.is_empty() => parts.push("SDK not named".to_string()),
            None => {}
        }
        if let Some(e) = exporter_claim {
            parts.push(format!("exporting to `{e}`"));
        }
        if let Some(r) = ratio_claim {
            parts.push(format!("sampling ratio {r}"));
        }
        conclude_with_claim(
            cx,
            LETTERS,
            repo,
            vec![
                Finding::new(format!("declared: tracing with {}", parts.join(", ")))
                    .at(at(cx, "/claims/tracing")),
            ],
            exporter_claim.is_some() && ratio_claim.is_some(),
        )
    }
}
