//! The input contract of a Rego check: the evidence model as JSON with locations, versioned
//! ([`INPUT_VERSION`]), with a generated JSON Schema (`docs/schema/rego-input.json`).
//!
//! It is a projection of the evidence, not its internal types: fields are added in a
//! compatible way within a version, and anything renamed or removed bumps the version.

use std::collections::BTreeMap;

use launchgate_evidence::k8s::Object;
use launchgate_evidence::yaml::{Node, Value as YamlValue};
use launchgate_evidence::{Evidence, FileKind, Loc};
use launchgate_manifest::ServiceManifest;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// The version of the input contract. Bumped when a field is renamed or removed.
pub const INPUT_VERSION: u32 = 1;

/// What a Rego check receives as `input`, and what `launchgate evidence --format json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(
    title = "launchgate Rego check input",
    description = "The evidence model a Rego check receives as `input` (docs/custom-checks.md).",
    extend("$id" = "https://launchgate.dev/schema/rego-input.json")
)]
pub struct Input {
    /// The version of this contract (1).
    pub version: u32,
    /// The review date, `YYYY-MM-DD` (`--today`, else the clock), for "within N days" rules.
    /// A check compares dates with it, never with `time.now_ns()`, so a review means the same
    /// on any day it is repeated.
    pub today: String,
    /// The service manifest (`launchgate.yaml`) as written, as JSON.
    pub manifest: Value,
    /// The line of every node of the manifest, by JSON pointer (`/dependencies/0/name`).
    pub manifest_lines: BTreeMap<String, u32>,
    /// The service's name, tier (0, 1 or 2) and the manifest's path, for convenience.
    pub service: Service,
    /// Whether a repository was scanned. When false, repository evidence is unknown (not
    /// absent): a check should not fail for missing files.
    pub scanned: bool,
    /// Every file read, sorted by path.
    pub files: Vec<File>,
    /// Files that could not be parsed. A check whose `evidence` names their kind is inconclusive
    /// before it runs.
    pub errors: Vec<ParseError>,
    /// Kubernetes objects (also CRDs, rendered Kustomize/Helm output), in file order.
    pub kubernetes: Vec<KubeObject>,
    /// Terraform `resource` and `data` blocks.
    pub terraform: Vec<TfResource>,
    /// Prometheus alerting and recording rules (rule files, PrometheusRule resources, Grafana).
    pub alerts: Vec<AlertRule>,
    /// Alertmanager configurations: their routing trees and receivers.
    pub alertmanager: Vec<AlertmanagerConfig>,
    /// SLO specs (Sloth, OpenSLO, Pyrra).
    pub slos: Vec<Slo>,
    /// Markdown documents (runbooks, READMEs), with their headings.
    pub documents: Vec<Document>,
    /// Reports other tools wrote: tests, coverage, scans, load tests.
    pub reports: Vec<Report>,
    /// Declared dependencies of every dependency manifest.
    pub dependencies: Vec<Dependency>,
    /// Libraries in use that provide a known capability (source facts: a logging library, a
    /// circuit breaker, tracing).
    pub libraries: Vec<Library>,
    /// Facts read from the syntax trees of the service's own source (TypeScript, JavaScript,
    /// Python, Go, Java; not tests, not vendored code), in path and line order.
    pub source: Vec<SourceFact>,
    /// CI pipelines (GitHub Actions workflows, GitLab CI, Jenkinsfiles, CircleCI, Azure
    /// Pipelines, Buildkite), with their triggers, jobs and steps, by path.
    pub ci: Vec<Pipeline>,
    /// Dockerfiles with their build stages, by path. The last stage is the image that ships.
    pub dockerfiles: Vec<Dockerfile>,
    /// CODEOWNERS files and Backstage catalog entities (`catalog-info.yaml`).
    pub ownership: Ownership,
}

/// Where something is written: repository-relative path, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct At {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl At {
    fn of(loc: &Loc) -> At {
        At {
            path: loc.path.to_string(),
            line: loc.line,
            column: loc.column,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Service {
    /// `service:` of the manifest.
    pub name: String,
    /// `tier:` of the manifest: 0, 1 or 2.
    pub tier: u8,
    /// The manifest's path as findings name it.
    pub manifest_path: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct File {
    pub path: String,
    /// What the scanner took the file for (`kubernetes`, `terraform`, `prometheus-rules`,
    /// `markdown`, ...).
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ParseError {
    #[serde(flatten)]
    pub at: At,
    /// The kind of file the scanner took it for.
    pub kind: String,
    /// The evidence kind it belongs to (`kubernetes`, `terraform`, `alerts`, ...), if any.
    pub evidence: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct KubeObject {
    #[serde(flatten)]
    pub at: At,
    /// `apiVersion`.
    pub api_version: Option<String>,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`, `""` when absent.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// The line of each annotation's value.
    pub annotation_lines: BTreeMap<String, u32>,
    /// The last line of the object in its file.
    pub end_line: u32,
    /// Made by a renderer (Kustomize, Helm); locations are those of the source object.
    pub rendered: bool,
    /// The whole object as written (`spec`, `metadata`, ...).
    pub object: Value,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TfResource {
    #[serde(flatten)]
    pub at: At,
    /// `aws_db_instance`.
    #[serde(rename = "type")]
    pub rtype: String,
    pub name: String,
    /// `aws_db_instance.main` (`data.` first for data sources).
    pub address: String,
    /// A `data` block rather than a `resource`.
    pub data: bool,
    /// The module directory, `""` at the root.
    pub dir: String,
    /// Top-level attributes, evaluated where launchgate can: an unresolved reference is
    /// `{"$ref": "var.x"}`, an expression it does not evaluate `{"$unknown": "why"}`.
    pub attributes: BTreeMap<String, Value>,
    /// The line of each top-level attribute.
    pub attribute_lines: BTreeMap<String, u32>,
    /// Nested blocks (`lifecycle`, `ingress`, ...), with their attributes.
    pub blocks: Vec<TfBlock>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TfBlock {
    #[serde(rename = "type")]
    pub kind: String,
    pub labels: Vec<String>,
    pub line: u32,
    pub attributes: BTreeMap<String, Value>,
    pub blocks: Vec<TfBlock>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AlertRule {
    #[serde(flatten)]
    pub at: At,
    /// `alert` or `record`.
    pub kind: String,
    pub name: String,
    pub group: String,
    pub expr: String,
    #[serde(rename = "for")]
    pub for_: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AlertmanagerConfig {
    #[serde(flatten)]
    pub at: At,
    pub route: Route,
    pub receivers: Vec<Receiver>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Route {
    pub line: u32,
    pub receiver: Option<String>,
    /// Matchers as Alertmanager prints them: `severity="page"`.
    pub matchers: Vec<String>,
    #[serde(rename = "continue")]
    pub continue_: bool,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Receiver {
    pub name: String,
    pub line: u32,
    pub integrations: Vec<Integration>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Integration {
    /// `pagerduty_configs`, `slack_configs`, ...
    pub kind: String,
    /// `PagerDuty`, `Slack`, ...
    pub service: String,
    /// `pager`, `channel` or `null`.
    pub class: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Slo {
    #[serde(flatten)]
    pub at: At,
    pub tool: String,
    pub name: String,
    pub service: Option<String>,
    /// In percent (99.9).
    pub objective: f64,
    pub window: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Document {
    pub path: String,
    pub title: Option<String>,
    pub headings: Vec<Heading>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub anchor: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    #[serde(flatten)]
    pub at: At,
    /// `tests`, `coverage`, `scan` or `load-test`.
    pub kind: String,
    /// When the report says it was written (RFC 3339), if it does.
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Dependency {
    #[serde(flatten)]
    pub at: At,
    /// The dependency manifest that declares it.
    pub manifest: String,
    pub ecosystem: String,
    pub name: String,
    pub version: Option<String>,
    /// `normal`, `dev`, `build`, ...
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Library {
    #[serde(flatten)]
    pub at: At,
    pub capability: String,
    pub library: String,
    pub dependency: String,
}

/// One fact of the source layer (docs/scanning.md, "The service's source code").
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SourceFact {
    #[serde(flatten)]
    pub at: At,
    /// `typescript`, `tsx`, `javascript`, `python`, `go` or `java`.
    pub language: String,
    /// The enclosing function or method, when there is one.
    pub function: Option<String>,
    /// The fact as the source layer reads it: `fact` names its kind (`call`: an outbound HTTP
    /// call with `library`, `text`, `timeout` and `client_line`; `client`: an HTTP client built
    /// in the file with its `timeout` and `uses`; `server`: an HTTP server with its
    /// `read_header`, `read`, `write` and `idle` timeouts; `retry`: a retry library's call or a
    /// hand-written retry loop with its `library` (`loop` for a loop), `text`, `limit` (`state`
    /// `set`/`default` with `value`, `unbounded`/`unknown` with `why`), `delay` (`shape`
    /// `exponential`/`fixed` with `value`, `immediate`/`unknown` with `why`) and `jitter` (true,
    /// false or null); `breaker`: a circuit breaker with its `library`, `text`, `wraps`,
    /// `fallback` (true, false or null) and the lines of the outbound `calls` it wraps; `pool`:
    /// a database connection pool with its `library`, `text` and `max`, a limit as for a
    /// retry; `route`: an HTTP route with its `framework`, `method`, `path` (null when
    /// computed), `text`, `guards` (each with `name`, `role`: `auth`, `rate-limit`,
    /// `rate-limit-exempt`, `public` or `other`, `scope`: `route`, `group` or `app`, and `line`), `elsewhere` (why
    /// middleware of another file may apply, or null) and `view` (the view a Django route
    /// names, `views.order_list`, or null; its guards are already joined to the route's);
    /// `middleware`: authentication, rate-limiting or public-declaring middleware registered
    /// for more than one route, with `framework`, `text` and `guard`; `audit`: a write to an
    /// audit log with its `text`; `view`: a Django view function or class with its
    /// `framework` (`django` or `django-rest-framework`), `name`, `text` and `guards`). A
    /// timeout is an object whose `state` is `set` (with `value`), `default` (`value`),
    /// `missing` (`why`), `disabled` (`value`) or `unknown` (`why`). Kinds may be added within
    /// this version.
    pub fact: Value,
}

/// A CI pipeline: one workflow or pipeline file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Pipeline {
    #[serde(flatten)]
    pub at: At,
    /// `github-actions`, `gitlab`, `jenkins`, `circleci`, `azure-pipelines` or `buildkite`.
    pub system: String,
    /// The workflow's `name:`, if it has one.
    pub name: Option<String>,
    pub triggers: Triggers,
    pub jobs: Vec<Job>,
    /// GitLab `stages:` in order.
    pub stages: Vec<String>,
    /// GitLab `include:` entries, GitHub reusable workflows called at the top level.
    pub includes: Vec<Include>,
    /// Read by keyword matching (Jenkins, Buildkite, ...) rather than parsed: jobs and steps may
    /// be incomplete.
    pub heuristic: bool,
}

/// What starts a pipeline.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Triggers {
    /// The line of `on:` (or of what stands for it).
    pub line: u32,
    /// Runs on pushes.
    pub push: bool,
    /// The branch filters of `push` (empty: every branch).
    pub push_branches: Vec<String>,
    /// The tag filters of `push`.
    pub tags: Vec<String>,
    /// Runs on pull requests (GitHub) or merge requests (GitLab).
    pub pull_request: bool,
    pub pull_request_branches: Vec<String>,
    /// Cron schedules.
    pub schedule: Vec<String>,
    /// Can be started by hand (`workflow_dispatch`, `when: manual` pipelines).
    pub manual: bool,
    /// Called by other workflows (`workflow_call`).
    pub workflow_call: bool,
    /// Other events, as written.
    pub other: Vec<String>,
}

/// A job of a pipeline.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Job {
    /// The job's key (`build`, `deploy-prod`).
    pub name: String,
    /// `name:` of a GitHub job, if set.
    pub display_name: Option<String>,
    pub line: u32,
    /// GitLab `stage:`.
    pub stage: Option<String>,
    /// The deployment environment (`environment:`).
    pub environment: Option<String>,
    /// Jobs it waits for (`needs:`).
    pub needs: Vec<String>,
    /// A reusable workflow or template the job calls (`uses:`, `extends:`).
    pub uses: Option<String>,
    /// When it runs.
    pub runs: JobRuns,
    pub steps: Vec<Step>,
    /// What launchgate recognised the job doing (the job itself or one of its steps).
    pub signals: Signals,
}

/// When a job runs, after its pipeline's triggers and its own conditions.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JobRuns {
    pub pull_request: bool,
    pub default_branch: bool,
    pub other_branches: bool,
    pub tags: bool,
    pub schedule: bool,
    pub manual: bool,
    /// The line of an `if:` / `rules:` condition, if any.
    pub condition_line: Option<u32>,
}

/// A step of a job.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Step {
    pub line: u32,
    pub name: Option<String>,
    /// The action it uses (`actions/checkout@v4`).
    pub uses: Option<String>,
    /// The shell commands it runs, as written.
    pub run: Option<String>,
    pub signals: Signals,
}

/// What a job or step was recognised to do; each `null` when not seen, else what and where.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Signals {
    pub runs_tests: Option<Signal>,
    pub deploys: Option<Signal>,
    pub smoke_test: Option<Signal>,
    pub security_scan: Option<SecurityScan>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Signal {
    /// What was recognised (`cargo test`, `kubectl apply`).
    pub what: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SecurityScan {
    /// The scanner (`trivy`, `grype`, `snyk`, ...).
    pub scanner: String,
    /// It scans container images.
    pub images: bool,
    pub line: u32,
}

/// A GitLab `include:` or a reusable workflow call.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Include {
    /// `local`, `remote`, `template`, `project` or `component`.
    pub kind: String,
    pub value: String,
    pub line: u32,
    /// The security scan the include stands for (GitLab's scanning templates), if any.
    pub security_scan: Option<SecurityScan>,
}

/// A Dockerfile.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Dockerfile {
    #[serde(flatten)]
    pub at: At,
    /// The build stages in order; the last is the image that ships.
    pub stages: Vec<Stage>,
}

/// A build stage: a `FROM` and the instructions up to the next.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Stage {
    /// 0-based.
    pub index: usize,
    /// `AS name`, if given.
    pub name: Option<String>,
    /// The line of `FROM`.
    pub line: u32,
    pub from: FromImage,
    /// The last `USER` of the stage (`null`: none, the base image's user, often root).
    pub user: Option<Text>,
    /// The stage's `HEALTHCHECK`.
    pub healthcheck: Option<Healthcheck>,
    /// `EXPOSE` ports.
    pub expose: Vec<Expose>,
    /// Every instruction of the stage (the `FROM` included), continuation lines joined.
    pub instructions: Vec<Instruction>,
}

/// The image a stage starts from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FromImage {
    /// As written (`${BASE}:1.2` too).
    pub image: String,
    /// With build arguments' defaults substituted, when they all have one.
    pub resolved: Option<String>,
    /// The registry host, when the reference names one (`registry.acme.dev`, `ghcr.io`).
    pub registry: Option<String>,
    /// The repository path without registry, tag and digest (`base/python`).
    pub repository: Option<String>,
    pub tag: Option<String>,
    /// `sha256:...`, if pinned.
    pub digest: Option<String>,
    /// `FROM scratch`.
    pub scratch: bool,
    /// `FROM builder`: the index of the earlier stage it starts from.
    pub stage: Option<usize>,
    /// `--platform=...`, if given.
    pub platform: Option<String>,
}

/// A value and the line it is written on.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Text {
    pub value: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Healthcheck {
    /// `HEALTHCHECK NONE`.
    pub none: bool,
    pub cmd: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Expose {
    /// As written (`8080/tcp`, `${PORT}`).
    pub raw: String,
    pub port: Option<u16>,
    pub protocol: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Instruction {
    /// Upper-case (`RUN`).
    pub keyword: String,
    /// The text after the keyword.
    pub args: String,
    pub line: u32,
}

/// Who owns the repository.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Ownership {
    /// Every CODEOWNERS file, by path.
    pub codeowners: Vec<CodeOwners>,
    /// Backstage catalog entities, by path and line.
    pub catalog: Vec<CatalogEntity>,
}

/// A CODEOWNERS file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CodeOwners {
    #[serde(flatten)]
    pub at: At,
    /// The file GitHub (or GitLab) reads: `.github/CODEOWNERS`, then `CODEOWNERS`, then
    /// `docs/CODEOWNERS`, then `.gitlab/CODEOWNERS`; only the first found is in effect.
    pub effective: bool,
    /// The rules in file order; the last matching rule wins.
    pub rules: Vec<CodeOwnersRule>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CodeOwnersRule {
    /// The path pattern (`*`, `/src/`, `*.tf`).
    pub pattern: String,
    /// The owners as written (`@acme/payments`, `dana@example.com`); empty un-assigns.
    pub owners: Vec<String>,
    /// The GitLab section it belongs to, if any.
    pub section: Option<String>,
    pub line: u32,
}

/// A Backstage catalog entity.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CatalogEntity {
    #[serde(flatten)]
    pub at: At,
    /// `Component`, `API`, `System`, ...
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// `spec.owner` and its line.
    pub owner: Option<Text>,
    pub lifecycle: Option<String>,
    pub system: Option<String>,
    /// `spec.type`.
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    /// `metadata.annotations` (PagerDuty service, runbook links, ...).
    pub annotations: BTreeMap<String, String>,
    pub tags: Vec<String>,
}

/// A Debug name as a contract word: `PrometheusRules` -> `prometheus-rules`.
fn word(debug: &str) -> String {
    let mut out = String::new();
    for (i, ch) in debug.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else {
            break;
        }
    }
    out
}

/// The evidence kind (the name used in a check's `evidence` list) of a file kind.
pub fn evidence_kind(kind: FileKind) -> Option<&'static str> {
    kind.letter().and_then(kind_of_letter)
}

/// The evidence kinds a Rego check may name, with the catalog letter each stands for.
pub const EVIDENCE_KINDS: [(&str, char); 13] = [
    ("manifest", 'D'),
    ("kubernetes", 'K'),
    ("dockerfiles", 'F'),
    ("terraform", 'T'),
    ("alerts", 'P'),
    ("slos", 'P'),
    ("alertmanager", 'A'),
    ("documents", 'M'),
    ("ci", 'C'),
    ("dependencies", 'L'),
    ("source", 'S'),
    ("reports", 'R'),
    ("ownership", 'O'),
];

fn kind_of_letter(letter: char) -> Option<&'static str> {
    EVIDENCE_KINDS
        .iter()
        .find(|(_, l)| *l == letter)
        .map(|(k, _)| *k)
}

/// A YAML tree as JSON (duplicate keys: the last wins, as Kubernetes reads them).
pub fn node_json(node: &Node) -> Value {
    match &node.value {
        YamlValue::Null => Value::Null,
        YamlValue::Bool(b) => Value::Bool(*b),
        YamlValue::Int(i) => Value::from(*i),
        YamlValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        YamlValue::Str(s) => Value::String(s.clone()),
        YamlValue::Seq(items) => Value::Array(items.iter().map(node_json).collect()),
        YamlValue::Map(entries) => {
            let mut m = serde_json::Map::new();
            for e in entries {
                m.insert(e.key.clone(), node_json(&e.value));
            }
            Value::Object(m)
        }
    }
}

fn tf_json(v: &launchgate_evidence::terraform::TfValue) -> Value {
    use launchgate_evidence::terraform::TfValue;
    match v {
        TfValue::Null => Value::Null,
        TfValue::Bool(b) => Value::Bool(*b),
        TfValue::Number(n) => number(*n),
        TfValue::String(s) => Value::String(s.clone()),
        TfValue::List(items) => Value::Array(items.iter().map(tf_json).collect()),
        TfValue::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), tf_json(v))).collect())
        }
        TfValue::Ref(r) => serde_json::json!({ "$ref": r }),
        TfValue::Unknown(why) => serde_json::json!({ "$unknown": why }),
    }
}

/// Whole numbers as integers (Rego compares `3 == 3.0` as equal, but JSON readers may not).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn tf_block(b: &launchgate_evidence::terraform::Block) -> TfBlock {
    TfBlock {
        kind: b.kind.clone(),
        labels: b.labels.clone(),
        line: b.loc.line,
        attributes: b
            .body
            .attrs()
            .map(|a| (a.name.clone(), tf_json(&a.value)))
            .collect(),
        blocks: b.body.all_blocks().map(tf_block).collect(),
    }
}

fn kube(o: &Object) -> KubeObject {
    KubeObject {
        at: At::of(&o.loc),
        api_version: o.api_version.clone(),
        kind: o.kind.clone(),
        name: o.name().to_string(),
        namespace: o.namespace.clone(),
        labels: o.labels.clone(),
        annotations: o
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect(),
        annotation_lines: o
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.loc.line))
            .collect(),
        end_line: o.end_line,
        rendered: o.rendered,
        object: node_json(&o.doc),
    }
}

fn route(r: &launchgate_evidence::alertmanager::Route) -> Route {
    let described = r.describe();
    let inner = described
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or_default();
    Route {
        line: r.loc.line,
        receiver: r.receiver.as_ref().map(|x| x.value.clone()),
        matchers: if inner.is_empty() {
            Vec::new()
        } else {
            inner.split(", ").map(str::to_string).collect()
        },
        continue_: r.continue_,
        routes: r.routes.iter().map(route).collect(),
    }
}

fn ci_system(s: launchgate_evidence::CiSystem) -> &'static str {
    use launchgate_evidence::CiSystem;
    match s {
        CiSystem::GitHubActions => "github-actions",
        CiSystem::GitLab => "gitlab",
        CiSystem::Jenkins => "jenkins",
        CiSystem::CircleCi => "circleci",
        CiSystem::AzurePipelines => "azure-pipelines",
        CiSystem::Buildkite => "buildkite",
    }
}

fn signal(s: Option<&launchgate_evidence::ci::Signal>) -> Option<Signal> {
    s.map(|s| Signal {
        what: s.what.clone(),
        line: s.loc.line,
    })
}

fn scan(s: Option<&launchgate_evidence::ci::SecurityScan>) -> Option<SecurityScan> {
    s.map(|s| SecurityScan {
        scanner: s.scanner.to_string(),
        images: s.images,
        line: s.loc.line,
    })
}

fn text_of<T: Clone>(l: Option<&launchgate_evidence::Located<T>>) -> Option<T> {
    l.map(|l| l.value.clone())
}

fn pipeline(p: &launchgate_evidence::ci::Pipeline) -> Pipeline {
    let t = &p.triggers;
    Pipeline {
        at: At::of(&p.loc),
        system: ci_system(p.system).to_string(),
        name: p.name.clone(),
        triggers: Triggers {
            line: t.loc.line,
            push: t.push.is_some(),
            push_branches: t.push_branches.clone(),
            tags: t.tags.clone(),
            pull_request: t.pull_request.is_some() || t.merge_request.is_some(),
            pull_request_branches: t.pull_request_branches.clone(),
            schedule: t.schedule.iter().map(|s| s.value.clone()).collect(),
            manual: t.manual.is_some(),
            workflow_call: t.workflow_call.is_some(),
            other: t.other.iter().map(|s| s.value.clone()).collect(),
        },
        jobs: p
            .jobs
            .iter()
            .map(|j| Job {
                name: j.name.clone(),
                display_name: j.display_name.clone(),
                line: j.loc.line,
                stage: text_of(j.stage.as_ref()),
                environment: text_of(j.environment.as_ref()),
                needs: j.needs.iter().map(|n| n.value.clone()).collect(),
                uses: text_of(j.uses.as_ref()),
                runs: JobRuns {
                    pull_request: j.runs.pull_request,
                    default_branch: j.runs.default_branch,
                    other_branches: j.runs.other_branches,
                    tags: j.runs.tags,
                    schedule: j.runs.schedule,
                    manual: j.runs.manual || j.runs.when_manual,
                    condition_line: j.runs.condition.as_ref().map(|l| l.line),
                },
                steps: j
                    .steps
                    .iter()
                    .map(|s| Step {
                        line: s.loc.line,
                        name: text_of(s.name.as_ref()),
                        uses: text_of(s.uses.as_ref()),
                        run: text_of(s.run.as_ref()),
                        signals: Signals {
                            runs_tests: signal(s.runs_tests.as_ref()),
                            deploys: signal(s.deploys.as_ref()),
                            smoke_test: signal(s.smoke_test.as_ref()),
                            security_scan: scan(s.security_scan.as_ref()),
                        },
                    })
                    .collect(),
                signals: Signals {
                    runs_tests: signal(j.runs_tests.as_ref()),
                    deploys: signal(j.deploys.as_ref()),
                    smoke_test: signal(j.smoke_test.as_ref()),
                    security_scan: scan(j.security_scan.as_ref()),
                },
            })
            .collect(),
        stages: p.stages.iter().map(|s| s.value.clone()).collect(),
        includes: p
            .includes
            .iter()
            .map(|i| Include {
                kind: word(&format!("{:?}", i.kind)),
                value: i.value.clone(),
                line: i.loc.line,
                security_scan: scan(i.security_scan.as_ref()),
            })
            .collect(),
        heuristic: p.heuristic,
    }
}

fn dockerfile(d: &launchgate_evidence::dockerfile::Dockerfile) -> Dockerfile {
    Dockerfile {
        at: At::of(&d.loc),
        stages: d
            .stages
            .iter()
            .map(|s| {
                let f = &s.from;
                let r = f.reference.as_ref();
                Stage {
                    index: s.index,
                    name: text_of(s.name.as_ref()),
                    line: f.loc.line,
                    from: FromImage {
                        image: f.image.value.clone(),
                        resolved: f.resolved.clone(),
                        registry: r.and_then(|r| r.registry.clone()),
                        repository: r.map(|r| r.repository.clone()),
                        tag: r.and_then(|r| r.tag.clone()),
                        digest: r.and_then(|r| r.digest.clone()),
                        scratch: f.is_scratch,
                        stage: f.refers_to_stage,
                        platform: f.platform.clone(),
                    },
                    user: s.user.as_ref().map(|u| Text {
                        value: u.value.clone(),
                        line: u.loc.line,
                    }),
                    healthcheck: s.healthcheck.as_ref().map(|h| Healthcheck {
                        none: h.none,
                        cmd: h.cmd.clone(),
                        line: h.loc.line,
                    }),
                    expose: s
                        .exposes
                        .iter()
                        .map(|e| Expose {
                            raw: e.raw.clone(),
                            port: e.port,
                            protocol: e.protocol.clone(),
                            line: e.loc.line,
                        })
                        .collect(),
                    instructions: s
                        .instructions
                        .iter()
                        .map(|i| Instruction {
                            keyword: i.keyword.clone(),
                            args: i.args.clone(),
                            line: i.loc.line,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

fn ownership(o: &launchgate_evidence::ownership::Ownership) -> Ownership {
    let text = |t: Option<&launchgate_evidence::ownership::Text>| t.map(|t| t.value.clone());
    Ownership {
        codeowners: o
            .codeowners
            .iter()
            .enumerate()
            .map(|(i, f)| CodeOwners {
                at: At::of(&f.loc),
                effective: o.effective_codeowners == Some(i),
                rules: f
                    .rules
                    .iter()
                    .map(|r| CodeOwnersRule {
                        pattern: r.pattern.clone(),
                        owners: r.owners.iter().map(|o| o.raw.clone()).collect(),
                        section: r.section.clone(),
                        line: r.loc.line,
                    })
                    .collect(),
            })
            .collect(),
        catalog: o
            .catalog
            .iter()
            .map(|e| CatalogEntity {
                at: At::of(&e.loc),
                kind: e.kind.value.clone(),
                name: text(e.name.as_ref()),
                namespace: text(e.namespace.as_ref()),
                owner: e.owner.as_ref().map(|t| Text {
                    value: t.value.clone(),
                    line: t.loc.line,
                }),
                lifecycle: text(e.lifecycle.as_ref()),
                system: text(e.system.as_ref()),
                entity_type: text(e.entity_type.as_ref()),
                annotations: e
                    .annotations
                    .iter()
                    .map(|a| (a.key.clone(), a.value.clone()))
                    .collect(),
                tags: e.tags.iter().map(|t| t.value.clone()).collect(),
            })
            .collect(),
    }
}

/// Builds the input of Rego checks from the manifest, the evidence and the review date.
pub fn build(manifest: &ServiceManifest, evidence: &Evidence, today: jiff::civil::Date) -> Input {
    let raw = manifest
        .located()
        .and_then(|l| launchgate_manifest::yaml::load(&l.file).ok())
        .map_or(Value::Null, |(v, _)| v);
    let reports = &evidence.reports;
    let mut report_list: Vec<Report> = Vec::new();
    let mut add = |kind: &str, loc: &Loc, date: Option<&jiff::Timestamp>| {
        report_list.push(Report {
            at: At::of(loc),
            kind: kind.to_string(),
            date: date.map(ToString::to_string),
        });
    };
    for r in &reports.tests {
        add("tests", &r.loc, r.date.as_ref());
    }
    for r in &reports.coverage {
        add("coverage", &r.loc, r.date.as_ref());
    }
    for r in &reports.scans {
        add("scan", &r.loc, r.date.as_ref());
    }
    for r in &reports.load_tests {
        add("load-test", &r.loc, r.date.as_ref());
    }
    let mut manifest_lines = BTreeMap::new();
    pointers(&raw, "", &mut |p| {
        if let Some(at) = manifest.locate(&p) {
            manifest_lines.insert(p, at.line);
        }
    });
    Input {
        version: INPUT_VERSION,
        today: today.to_string(),
        manifest: raw,
        manifest_lines,
        service: Service {
            name: manifest.service.clone(),
            tier: manifest.tier.index() as u8,
            manifest_path: manifest.path().to_string(),
        },
        scanned: evidence.scanned,
        files: evidence
            .files
            .iter()
            .map(|f| File {
                path: f.path.to_string(),
                kind: word(&format!("{:?}", f.kind)),
            })
            .collect(),
        errors: evidence
            .errors
            .iter()
            .map(|e| ParseError {
                at: At::of(&e.loc),
                kind: word(&format!("{:?}", e.kind)),
                evidence: evidence_kind(e.kind).map(str::to_string),
                message: e.message.clone(),
            })
            .collect(),
        kubernetes: evidence.kubernetes.objects.iter().map(kube).collect(),
        terraform: evidence
            .terraform
            .all()
            .map(|r| TfResource {
                at: At::of(&r.loc),
                rtype: r.rtype.clone(),
                name: r.name.clone(),
                address: r.address(),
                data: r.data,
                dir: r.dir.to_string(),
                attributes: r
                    .body
                    .attrs()
                    .map(|a| (a.name.clone(), tf_json(&a.value)))
                    .collect(),
                attribute_lines: r
                    .body
                    .attrs()
                    .map(|a| (a.name.clone(), a.key_loc.line))
                    .collect(),
                blocks: r.body.all_blocks().map(tf_block).collect(),
            })
            .collect(),
        alerts: evidence
            .prometheus
            .rules
            .iter()
            .map(|r| AlertRule {
                at: At::of(&r.loc),
                kind: if r.is_alert() { "alert" } else { "record" }.to_string(),
                name: r.name.value.clone(),
                group: r.group.clone(),
                expr: r.expr.value.clone(),
                for_: r.for_.as_ref().map(|f| f.value.clone()),
                labels: r
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect(),
                annotations: r
                    .annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect(),
            })
            .collect(),
        alertmanager: evidence
            .alertmanager
            .configs
            .iter()
            .map(|c| AlertmanagerConfig {
                at: At::of(&c.loc),
                route: route(&c.route),
                receivers: c
                    .receivers
                    .iter()
                    .map(|r| Receiver {
                        name: r.name.value.clone(),
                        line: r.loc.line,
                        integrations: r
                            .integrations
                            .iter()
                            .map(|i| Integration {
                                kind: i.kind.clone(),
                                service: i.service.clone(),
                                class: word(&format!("{:?}", i.class)),
                                line: i.loc.line,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        slos: evidence
            .prometheus
            .slo_specs
            .iter()
            .map(|s| Slo {
                at: At::of(&s.loc),
                tool: word(&format!("{:?}", s.tool)),
                name: s.name.value.clone(),
                service: s.service.clone(),
                objective: s.objective.value,
                window: s.window.as_ref().map(|w| w.value.clone()),
            })
            .collect(),
        documents: evidence
            .docs
            .documents
            .iter()
            .map(|d| Document {
                path: d.path.to_string(),
                title: d.title.as_ref().map(|t| t.value.clone()),
                headings: d
                    .headings
                    .iter()
                    .map(|h| Heading {
                        level: h.level,
                        text: h.text.clone(),
                        anchor: h.anchor.clone(),
                        line: h.loc.line,
                    })
                    .collect(),
            })
            .collect(),
        reports: report_list,
        dependencies: evidence
            .dependencies
            .manifests
            .iter()
            .flat_map(|m| {
                m.dependencies.iter().map(move |d| Dependency {
                    at: At::of(&d.loc),
                    manifest: m.path.to_string(),
                    ecosystem: word(&format!("{:?}", m.ecosystem)),
                    name: d.name.clone(),
                    version: d.version.clone(),
                    scope: word(&format!("{:?}", d.scope)),
                })
            })
            .collect(),
        libraries: evidence
            .dependencies
            .libraries
            .iter()
            .map(|l| Library {
                at: At::of(&l.loc),
                capability: word(&format!("{:?}", l.capability)),
                library: l.library.to_string(),
                dependency: l.dep.clone(),
            })
            .collect(),
        source: evidence
            .source
            .files
            .iter()
            .flat_map(|f| {
                f.facts.facts.iter().map(move |x| SourceFact {
                    at: At {
                        path: f.path.to_string(),
                        line: x.line,
                        column: x.column,
                    },
                    language: f.facts.language.name().to_ascii_lowercase(),
                    function: x.function.clone(),
                    fact: serde_json::to_value(&x.kind).unwrap_or(Value::Null),
                })
            })
            .collect(),
        ci: evidence.ci.pipelines.iter().map(pipeline).collect(),
        dockerfiles: evidence.dockerfiles.files.iter().map(dockerfile).collect(),
        ownership: ownership(&evidence.ownership),
    }
}

/// Calls `f` with the JSON pointer of every node below the root of `v`.
fn pointers(v: &Value, at: &str, f: &mut dyn FnMut(String)) {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = format!("{at}/{}", escape(k));
                f(p.clone());
                pointers(child, &p, f);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                f(p.clone());
                pointers(child, &p, f);
            }
        }
        _ => {}
    }
}

/// The JSON Schema of [`Input`], pretty-printed with a final newline.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Input);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

impl Input {
    /// The input as JSON for people and files (`launchgate evidence`): secrets the scanner
    /// recognises are redacted in every string, and the values of Kubernetes Secrets'
    /// `data` and `stringData` are replaced, as in every other output.
    pub fn redacted_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(Value::Array(objects)) = v.get_mut("kubernetes") {
            for o in objects {
                if o.get("kind").and_then(Value::as_str) != Some("Secret") {
                    continue;
                }
                let Some(obj) = o.get_mut("object").and_then(Value::as_object_mut) else {
                    continue;
                };
                for key in ["data", "stringData"] {
                    if let Some(Value::Object(m)) = obj.get_mut(key) {
                        for value in m.values_mut() {
                            *value = Value::String("[REDACTED]".to_string());
                        }
                    }
                }
            }
        }
        redact_strings(&mut v);
        v
    }
}

fn redact_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(r) = launchgate_evidence::secrets::redact_text(s) {
                *s = r;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(m) => m.values_mut().for_each(redact_strings),
        _ => {}
    }
}
