//! The service manifest (`launchgate.yaml`): what the service is, what it depends on, its SLOs,
//! and the facts (claims) a repository cannot show. Parsed with spans, validated, then immutable.

use launchgate_core::{Location, Tier};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::deploy::DeploySection;
use crate::diag::{ConfigError, ConfigErrors, Located, SourceFile, deserialize};
use crate::duration::Window;
use crate::governance::Waiver;
use crate::policy::PolicyLayer;
use crate::yaml;

/// A validated service manifest. Construct it with [`ServiceManifest::parse`]; it is never
/// mutated afterwards, and every field can be located in the file with [`ServiceManifest::locate`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "launchgate service manifest",
    description = "A launchgate service manifest (launchgate.yaml): what the service is, what it depends on, the facts the repository cannot show, and its policy.",
    extend("$id" = "https://launchgate.dev/schema/manifest.json"))]
#[non_exhaustive]
pub struct ServiceManifest {
    /// Manifest format version. Only `1` exists today.
    #[serde(default = "one")]
    pub version: u32,
    /// The service's name, as used in reports and the ledger.
    pub service: String,
    /// Criticality: 0 = core revenue, 1 = important, 2 = nice to have.
    pub tier: Tier,
    /// What is being reviewed.
    #[serde(default)]
    pub scope: Scope,
    /// The owning team (compared with CODEOWNERS and catalog-info.yaml when present).
    #[serde(default)]
    pub owner: Option<String>,
    /// Who can reach the service.
    pub exposure: Exposure,
    /// The most sensitive data the service stores.
    pub data: DataClass,
    /// The deployment stage the review is for.
    #[serde(default)]
    pub stage: Stage,
    /// One line on what the service does.
    #[serde(default)]
    pub description: Option<String>,
    /// The service's own request timeout: every dependency call must fit inside it.
    #[serde(default)]
    pub request_timeout_ms: Option<u64>,
    /// The caller's or gateway's timeout: the service's request timeout must fit inside it.
    #[serde(default)]
    pub caller_timeout_ms: Option<u64>,
    /// Everything the service calls.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// Service level objectives.
    #[serde(default)]
    pub slos: Vec<Slo>,
    /// Which Prometheus alerts in the repository belong to this service.
    #[serde(default)]
    pub alerts: AlertSelection,
    /// Where the reports of other tools (tests, coverage, scanners, load tests) are.
    #[serde(default)]
    pub reports: ReportLocations,
    /// What the service deploys: Kustomize overlays, Helm charts, manifest files. Without it,
    /// launchgate picks defaults (`skaffold.yaml`, Argo CD and Flux objects, else every
    /// Kubernetes file) and says what it chose.
    #[serde(default)]
    pub deploy: Option<DeploySection>,
    /// Which files of the repository the review judges: globs to include or exclude beyond
    /// the default rules (examples, tests, test data, fixtures, vendored code, generated docs
    /// are out of scope by default; see docs/scanning.md).
    #[serde(default)]
    pub scan: ScanSection,
    /// In a repository of several services, the parts that are this service's: its workloads,
    /// images, source folders and Terraform roots. Everything else in the repository is
    /// another service's and counts neither for nor against this one.
    #[serde(default)]
    pub select: Option<Selection>,
    /// Facts the repository cannot show, declared by the team. Each is verified against the
    /// repository where possible; otherwise it counts as attested.
    #[serde(default)]
    pub claims: Claims,
    /// Policy for this service; overrides the organisation policy file.
    #[serde(default)]
    pub policy: Option<PolicyLayer>,
    /// Accepted gaps: each turns the FAIL or WARN of one check (or of its findings in some
    /// paths or resources) into WAIVED until its expiry. Never a pass, never hidden.
    #[serde(default)]
    pub waivers: Vec<Waiver>,

    #[serde(skip)]
    #[schemars(skip)]
    located: Option<Located>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    Service,
    Feature,
    Infrastructure,
    Database,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// Reachable from the internet.
    Public,
    /// Reachable only from inside the organisation.
    Internal,
}

/// The most sensitive data the service stores; `none` and `ephemeral` skip data-safety checks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DataClass {
    None,
    Ephemeral,
    Persistent,
    Personal,
    Financial,
}

impl DataClass {
    pub fn key(self) -> &'static str {
        match self {
            DataClass::None => "none",
            DataClass::Ephemeral => "ephemeral",
            DataClass::Persistent => "persistent",
            DataClass::Personal => "personal",
            DataClass::Financial => "financial",
        }
    }

    /// Whether the service keeps data that must survive (and so needs backups).
    pub fn is_durable(self) -> bool {
        self >= DataClass::Persistent
    }
}

impl Exposure {
    pub fn key(self) -> &'static str {
        match self {
            Exposure::Public => "public",
            Exposure::Internal => "internal",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Dev,
    Staging,
    Canary,
    #[default]
    Production,
}

/// Something the service calls.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Dependency {
    /// The dependency's name, as used in findings and in the code's client configuration.
    pub name: String,
    /// What kind of system the dependency is.
    pub kind: DependencyKind,
    /// Timeout of one attempt.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Retries after the first attempt (0 = no retry).
    #[serde(default)]
    pub retries: u32,
    /// Delay between attempts.
    #[serde(default)]
    pub backoff: Option<Backoff>,
    /// Whether calls go through a circuit breaker.
    #[serde(default)]
    pub circuit_breaker: Option<bool>,
    /// What the service does when the dependency is down.
    #[serde(default)]
    pub fallback: Option<String>,
    /// For queues: the dead-letter queue that receives poison messages.
    #[serde(default)]
    pub dead_letter_queue: Option<String>,
    /// For databases and caches: the maximum size of the connection pool.
    #[serde(default)]
    pub pool_size: Option<u32>,
    /// For datastores: whether this service owns the data (and so its backups). Default true.
    #[serde(default)]
    pub owned: Option<bool>,
}

impl Dependency {
    /// Worst-case time spent on one call: every attempt times out, plus every backoff delay.
    pub fn worst_case_ms(&self) -> Option<u64> {
        let timeout = self.timeout_ms?;
        let attempts = u64::from(self.retries) + 1;
        let backoff: u64 = self
            .backoff
            .as_ref()
            .map_or(0, |b| b.total_delay_ms(self.retries));
        Some(timeout.saturating_mul(attempts).saturating_add(backoff))
    }

    pub fn is_datastore(&self) -> bool {
        matches!(self.kind, DependencyKind::Database | DependencyKind::Cache)
    }

    /// Calls that leave the service's process over the network to someone else's system.
    pub fn is_external(&self) -> bool {
        matches!(
            self.kind,
            DependencyKind::Http | DependencyKind::Grpc | DependencyKind::ThirdParty
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DependencyKind {
    Database,
    Cache,
    Queue,
    Http,
    Grpc,
    ThirdParty,
}

impl DependencyKind {
    pub fn key(self) -> &'static str {
        match self {
            DependencyKind::Database => "database",
            DependencyKind::Cache => "cache",
            DependencyKind::Queue => "queue",
            DependencyKind::Http => "http",
            DependencyKind::Grpc => "grpc",
            DependencyKind::ThirdParty => "third-party",
        }
    }
}

/// Exponential backoff between attempts: `initial_ms x multiplier^n`, capped at `max_ms`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Backoff {
    /// Delay before the first retry, in milliseconds.
    pub initial_ms: u64,
    /// Growth factor per attempt; 1 means a fixed delay.
    #[serde(default = "two")]
    pub multiplier: f64,
    /// Upper bound of one delay, in milliseconds.
    #[serde(default)]
    pub max_ms: Option<u64>,
    /// Whether delays are randomised to avoid thundering herds.
    #[serde(default)]
    pub jitter: bool,
}

fn two() -> f64 {
    2.0
}

impl Backoff {
    /// Sum of the delays before each of `retries` retries (the upper bound when jittered).
    pub fn total_delay_ms(&self, retries: u32) -> u64 {
        let mut total = 0u64;
        let mut delay = self.initial_ms as f64;
        for _ in 0..retries {
            let d = match self.max_ms {
                Some(max) => delay.min(max as f64),
                None => delay,
            };
            total = total.saturating_add(d.ceil() as u64);
            delay *= self.multiplier;
        }
        total
    }
}

/// Which alerts belong to this service.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertSelection {
    /// Label sets, e.g. `[{job: task-queue-api}, {namespace: payments}]`. An alert belongs to
    /// the service when, for one set, every label is carried by the alert's own labels or
    /// matched exactly by a selector in its expression (`job="task-queue-api"`). Without
    /// selectors every alert in the repository counts.
    #[serde(default)]
    pub selectors: Vec<std::collections::BTreeMap<String, String>>,
}

/// Globs (repository-relative, `**` allowed) where reports are looked for, in addition to the
/// defaults. Files matched here are read even when `.gitignore` excludes them, since reports
/// are usually build output.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportLocations {
    /// JUnit XML test reports.
    #[serde(default)]
    pub junit: Vec<String>,
    /// lcov, Cobertura or JaCoCo coverage reports.
    #[serde(default)]
    pub coverage: Vec<String>,
    /// SARIF 2.1.0 reports from security scanners.
    #[serde(default)]
    pub sarif: Vec<String>,
    /// k6 end-of-test summaries (`k6 run --summary-export` or `handleSummary` JSON).
    #[serde(default)]
    pub load_test: Vec<String>,
}

impl ReportLocations {
    /// Every glob, in declaration order.
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.junit
            .iter()
            .chain(&self.coverage)
            .chain(&self.sarif)
            .chain(&self.load_test)
    }
}

/// Which files the review judges, beyond the default rules. Out-of-scope files are still
/// read by the secret scanner, and by nothing else.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Apply the default out-of-scope rules (folders named `examples`, `tests`, `e2e`,
    /// `testdata`, `fixtures`, `vendor`, `node_modules`, ...; see docs/scanning.md).
    #[serde(default = "yes")]
    pub defaults: bool,
    /// Repository-relative globs of files that are in scope even where a default rule would
    /// leave them out, e.g. `examples/production/**`.
    #[serde(default)]
    pub include: Vec<String>,
    /// Repository-relative globs of files that are out of scope, e.g. `legacy/**`; they win
    /// over `include`.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl Default for ScanSection {
    fn default() -> Self {
        ScanSection {
            defaults: true,
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// The parts of a repository of several services that are this service's. A review sees only
/// them: other workloads (and the Services, autoscalers, disruption budgets and network
/// policies that only concern them), Dockerfiles and dependency manifests outside `source`,
/// and Terraform outside `terraform` are another service's. Alert rules are chosen by
/// `alerts.selectors`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Workloads by `Kind/name` (`Deployment/adservice`) or by name alone (any kind).
    #[serde(default)]
    pub workloads: Vec<String>,
    /// Label sets: a workload whose pod template (or own) labels carry every label of one set
    /// is the service's, e.g. `[{app: adservice}]`.
    #[serde(default)]
    pub labels: Vec<std::collections::BTreeMap<String, String>>,
    /// Image names: a workload running a container whose image repository is, or ends with
    /// `/` and, one of these is the service's (`adservice`, `ghcr.io/acme/adservice`).
    #[serde(default)]
    pub images: Vec<String>,
    /// Repository-relative folders holding the service's code, Dockerfiles and dependency
    /// manifests (`src/adservice/`). Without it, every Dockerfile and dependency manifest
    /// counts.
    #[serde(default)]
    pub source: Vec<String>,
    /// Repository-relative folders of the service's Terraform roots (`terraform/ads/`).
    /// Without it, all Terraform counts.
    #[serde(default)]
    pub terraform: Vec<String>,
}

/// A service level objective.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Slo {
    /// The objective's name, as used in reports and alert rules.
    pub name: String,
    /// What the SLI measures. Defaults to `latency` when `latency` is given, else `availability`.
    #[serde(default)]
    pub kind: Option<SloKind>,
    /// Target percentage of good events, e.g. 99.9.
    pub objective: f64,
    /// Compliance window such as `28d` or `4w`.
    #[serde(default)]
    pub window: Option<Window>,
    /// For latency SLOs: the threshold a good request stays under.
    #[serde(default)]
    pub latency: Option<LatencyTarget>,
}

impl Slo {
    pub fn effective_kind(&self) -> SloKind {
        self.kind.unwrap_or(if self.latency.is_some() {
            SloKind::Latency
        } else {
            SloKind::Availability
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SloKind {
    Availability,
    Latency,
    Freshness,
    Correctness,
    Throughput,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LatencyTarget {
    /// The latency threshold in milliseconds.
    pub threshold_ms: u64,
    /// The percentile the threshold applies to, e.g. 99 for p99.
    #[serde(default)]
    pub percentile: Option<f64>,
}

pub use crate::claims::Claims;

impl ServiceManifest {
    /// Parses and validates a manifest. All semantic errors are reported together. Waivers
    /// must name well-formed check IDs; [`ServiceManifest::parse_checked`] also refuses IDs that
    /// are not registered.
    pub fn parse(file: SourceFile) -> Result<ServiceManifest, ConfigErrors> {
        Self::parse_inner(file, None)
    }

    /// [`ServiceManifest::parse`], refusing waivers of checks not in `known_checks` (with the
    /// nearest ID suggested).
    pub fn parse_checked(
        file: SourceFile,
        known_checks: &[&str],
    ) -> Result<ServiceManifest, ConfigErrors> {
        Self::parse_inner(file, Some(known_checks))
    }

    fn parse_inner(
        file: SourceFile,
        known_checks: Option<&[&str]>,
    ) -> Result<ServiceManifest, ConfigErrors> {
        let (value, spans) = yaml::load(&file)?;
        let located = Located { file, spans };
        if !value.is_object() {
            return Err(located
                .error_at_value("", "the manifest must be a mapping of keys to values")
                .help("start with `service: NAME`, `tier: 0|1|2`, `exposure: public|internal` and `data: ...`")
                .into());
        }
        let mut m: ServiceManifest = deserialize(value, &located)?;
        m.located = Some(located);
        let errors = m.validate(known_checks);
        if errors.is_empty() {
            Ok(m)
        } else {
            Err(ConfigErrors { errors })
        }
    }

    /// The path of the manifest as shown in findings.
    pub fn path(&self) -> &str {
        self.located
            .as_ref()
            .map_or("launchgate.yaml", |l| l.file.path.as_str())
    }

    /// The location of the node at `pointer` (e.g. `/dependencies/0/timeout_ms`), or of its
    /// nearest ancestor when the key is absent, so findings about missing keys still point home.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let l = self.located.as_ref()?;
        let (line, col) = l.line_col(pointer)?;
        Some(Location::new(l.file.path.clone(), line, col))
    }

    /// The source file and span index, for diagnostics about the manifest.
    pub fn located(&self) -> Option<&Located> {
        self.located.as_ref()
    }

    fn validate(&self, known_checks: Option<&[&str]>) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        let Some(at) = self.located.as_ref() else {
            return errors;
        };
        if self.version != 1 {
            errors.push(
                at.error_at_value(
                    "/version",
                    format!("unsupported manifest version {}", self.version),
                )
                .help("this launchgate reads version 1"),
            );
        }
        if self.service.trim().is_empty() {
            errors.push(
                at.error_at_value("/service", "the service name is empty")
                    .help("name the service, e.g. `service: payment-service`"),
            );
        }
        if let Some(o) = &self.owner
            && o.trim().is_empty()
        {
            errors.push(
                at.error_at_value("/owner", "the owner is empty")
                    .help("name the owning team, or remove the key"),
            );
        }
        for (key, v) in [
            ("request_timeout_ms", self.request_timeout_ms),
            ("caller_timeout_ms", self.caller_timeout_ms),
        ] {
            if v == Some(0) {
                errors.push(
                    at.error_at_value(&format!("/{key}"), format!("`{key}` is 0"))
                        .help("a timeout must be a positive number of milliseconds"),
                );
            }
        }
        for (i, set) in self.alerts.selectors.iter().enumerate() {
            if set.is_empty() {
                errors.push(
                    at.error_at_value(
                        &format!("/alerts/selectors/{i}"),
                        "an empty label set selects every alert",
                    )
                    .help(
                        "name at least one label, e.g. `{job: payment-api}`, or remove the entry",
                    ),
                );
            }
        }
        for (key, globs) in [
            ("junit", &self.reports.junit),
            ("coverage", &self.reports.coverage),
            ("sarif", &self.reports.sarif),
            ("load_test", &self.reports.load_test),
        ] {
            for (i, g) in globs.iter().enumerate() {
                let bad = if g.trim().is_empty() {
                    Some("is empty")
                } else if g.starts_with('/') || g.split('/').any(|p| p == "..") {
                    Some("reaches outside the repository")
                } else {
                    None
                };
                if let Some(why) = bad {
                    errors.push(
                        at.error_at_value(
                            &format!("/reports/{key}/{i}"),
                            format!("report glob `{g}` {why}"),
                        )
                        .help(
                            "use a repository-relative glob such as `build/test-results/**/*.xml`",
                        ),
                    );
                }
            }
        }
        errors.extend(self.validate_scope(at));
        let mut names = std::collections::BTreeMap::new();
        for (i, d) in self.dependencies.iter().enumerate() {
            let p = format!("/dependencies/{i}");
            if let Some(first) = names.insert(d.name.as_str(), i) {
                errors.push(
                    at.error_at_value(
                        &format!("{p}/name"),
                        format!("dependency `{}` is declared twice", d.name),
                    )
                    .help(format!(
                        "the first declaration is dependencies[{first}]; merge them"
                    )),
                );
            }
            if d.timeout_ms == Some(0) {
                errors.push(at.error_at_value(&format!("{p}/timeout_ms"), "`timeout_ms` is 0").help("a timeout must be a positive number of milliseconds; 0 usually means \"wait forever\""));
            }
            if d.retries > 10 {
                errors.push(
                    at.error_at_value(
                        &format!("{p}/retries"),
                        format!("{} retries is not a retry policy", d.retries),
                    )
                    .help("use at most 10 (3 to 5 is usual)"),
                );
            }
            if let Some(b) = &d.backoff {
                if !(b.multiplier >= 1.0 && b.multiplier <= 10.0) {
                    errors.push(
                        at.error_at_value(
                            &format!("{p}/backoff/multiplier"),
                            format!("backoff multiplier {} is out of range", b.multiplier),
                        )
                        .help("use a number from 1 (fixed delay) to 10"),
                    );
                }
                if b.max_ms.is_some_and(|m| m < b.initial_ms) {
                    errors.push(
                        at.error_at_value(
                            &format!("{p}/backoff/max_ms"),
                            "`max_ms` is below `initial_ms`",
                        )
                        .help("the cap must be at least the first delay"),
                    );
                }
            }
            if d.dead_letter_queue.is_some() && d.kind != DependencyKind::Queue {
                errors.push(
                    at.error_at(
                        &format!("{p}/dead_letter_queue"),
                        format!(
                            "`dead_letter_queue` only applies to queues, and `{}` is a {}",
                            d.name,
                            d.kind.key()
                        ),
                    )
                    .help("remove it, or set `kind: queue`"),
                );
            }
            if d.pool_size == Some(0) {
                errors.push(
                    at.error_at_value(&format!("{p}/pool_size"), "`pool_size` is 0")
                        .help("a pool needs at least one connection"),
                );
            }
        }
        for (i, s) in self.slos.iter().enumerate() {
            let p = format!("/slos/{i}");
            if !(s.objective > 0.0 && s.objective < 100.0) {
                errors.push(at.error_at_value(&format!("{p}/objective"), format!("objective {} is not a percentage between 0 and 100", s.objective))
                    .help("write the target as a percentage, e.g. `objective: 99.9` (100 leaves no error budget)"));
            }
            if s.effective_kind() == SloKind::Latency && s.latency.is_none() {
                errors.push(
                    at.error_at(
                        &p,
                        format!("latency SLO `{}` has no `latency.threshold_ms`", s.name),
                    )
                    .help("add `latency: {threshold_ms: 300, percentile: 99}`"),
                );
            }
            if let Some(l) = &s.latency {
                if l.threshold_ms == 0 {
                    errors.push(
                        at.error_at_value(
                            &format!("{p}/latency/threshold_ms"),
                            "latency threshold is 0",
                        )
                        .help("use the threshold in milliseconds a good request stays under"),
                    );
                }
                if l.percentile.is_some_and(|q| !(q > 0.0 && q < 100.0)) {
                    errors.push(
                        at.error_at_value(
                            &format!("{p}/latency/percentile"),
                            "percentile must be between 0 and 100",
                        )
                        .help("e.g. `percentile: 99` for p99"),
                    );
                }
            }
        }
        if let Some(d) = &self.deploy {
            errors.extend(crate::deploy::validate(d, at));
        }
        errors.extend(crate::claims::validate(&self.claims, at));
        errors.extend(crate::governance::validate_waivers(
            &self.waivers,
            known_checks,
            at,
        ));
        errors.sort_by_key(|e| (e.line, e.column));
        errors
    }

    /// The `scan:` globs and the `select:` entries: compiled, repository-relative, not empty.
    fn validate_scope(&self, at: &Located) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        for (key, globs) in [
            ("include", &self.scan.include),
            ("exclude", &self.scan.exclude),
        ] {
            for (i, g) in globs.iter().enumerate() {
                let bad = if g.trim().is_empty() {
                    Some("is empty".to_string())
                } else if g.starts_with('/') || g.split('/').any(|p| p == "..") {
                    Some("reaches outside the repository".to_string())
                } else {
                    globset::GlobBuilder::new(g)
                        .literal_separator(true)
                        .build()
                        .err()
                        .map(|e| format!("is not a valid glob: {}", e.kind()))
                };
                if let Some(why) = bad {
                    errors.push(
                        at.error_at_value(
                            &format!("/scan/{key}/{i}"),
                            format!("`scan.{key}` glob `{g}` {why}"),
                        )
                        .help("use a repository-relative glob such as `legacy/**` or `examples/production/*.yaml`"),
                    );
                }
            }
        }
        let Some(sel) = &self.select else {
            return errors;
        };
        if sel.workloads.is_empty()
            && sel.labels.is_empty()
            && sel.images.is_empty()
            && sel.source.is_empty()
            && sel.terraform.is_empty()
        {
            errors.push(
                at.error_at("/select", "`select` names none of the service's parts")
                    .help("name its workloads, labels, images, source folders or Terraform roots, e.g. `select: {workloads: [Deployment/adservice], source: [src/adservice/]}`, or remove the section to review the whole repository"),
            );
        }
        for (i, w) in sel.workloads.iter().enumerate() {
            let parts: Vec<&str> = w.split('/').collect();
            if w.trim().is_empty() || parts.len() > 2 || parts.iter().any(|p| p.trim().is_empty()) {
                errors.push(
                    at.error_at_value(
                        &format!("/select/workloads/{i}"),
                        format!("`{w}` is not a workload"),
                    )
                    .help("write `Kind/name` (`Deployment/adservice`) or the name alone"),
                );
            }
        }
        for (i, set) in sel.labels.iter().enumerate() {
            if set.is_empty() {
                errors.push(
                    at.error_at_value(
                        &format!("/select/labels/{i}"),
                        "an empty label set selects every workload",
                    )
                    .help("name at least one label, e.g. `{app: adservice}`, or remove the entry"),
                );
            }
        }
        for (i, img) in sel.images.iter().enumerate() {
            if img.trim().is_empty() {
                errors.push(at.error_at_value(&format!("/select/images/{i}"), "the image name is empty").help("write the image repository, e.g. `adservice` or `ghcr.io/acme/adservice`"));
            }
        }
        for (key, dirs) in [("source", &sel.source), ("terraform", &sel.terraform)] {
            for (i, d) in dirs.iter().enumerate() {
                if d.trim().is_empty() || d.starts_with('/') || d.split('/').any(|p| p == "..") {
                    errors.push(
                        at.error_at_value(
                            &format!("/select/{key}/{i}"),
                            format!("`{d}` is not a folder of the repository"),
                        )
                        .help("write a repository-relative folder such as `src/adservice/`"),
                    );
                }
            }
        }
        errors
    }
}
