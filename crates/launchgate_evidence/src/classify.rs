//! File classification by path first, then by a cheap look at the content (no parsing): which
//! parser, if any, a file goes to. Every text file also goes to the secret scanner.

use serde::Serialize;

/// What a file is, as far as launchgate is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// launchgate's own service manifest (read by the manifest crate, not the scanner).
    Manifest,
    /// YAML with `apiVersion` and `kind`: Kubernetes objects (also CRDs).
    Kubernetes,
    /// A Kustomize `kustomization.yaml`: its resources are read as plain YAML files.
    Kustomization,
    /// A Helm template (`{{ }}` directives): not evaluated, reported as such.
    HelmTemplate,
    /// `Chart.yaml` / `values.yaml` of a Helm chart.
    HelmChart,
    /// A Docker Compose file (`compose.yaml`, `compose.*.yaml`, `docker-compose*.yml`) with
    /// `services:`: its services are workloads.
    Compose,
    /// A Compose `.env` file: the variables Compose interpolates into the Compose files of its
    /// folder (`${IMAGE_NAME}`). Only the values of variables that name images and build files
    /// are used.
    ComposeEnv,
    /// Grafana unified-alerting provisioning (`apiVersion: 1` with alert rule `groups` of
    /// `uid`/`title`/`condition`/`data` rules, `contactPoints` or `policies`).
    GrafanaAlerting,
    Dockerfile,
    Terraform,
    Ci(CiSystem),
    /// Dependabot or Renovate configuration.
    DependencyUpdates,
    Dependencies(DepFormat),
    CodeOwners,
    /// Backstage `catalog-info.yaml`.
    Catalog,
    PrometheusRules,
    Alertmanager,
    /// A Sloth SLO spec file (`version: prometheus/v1` with `slos:`); OpenSLO, Pyrra and Sloth
    /// Kubernetes resources arrive as Kubernetes objects.
    SloSpec,
    Markdown,
    /// A Grafana dashboard (JSON model).
    Dashboard,
    /// A report another tool wrote: tests, coverage, a security scan, a load test.
    Report(ReportFormat),
    Other,
}

impl FileKind {
    /// A stable lowercase name of the kind's family (`kubernetes`, `ci`, `dependencies`, ...).
    pub fn key(self) -> &'static str {
        match self {
            FileKind::Manifest => "manifest",
            FileKind::Kubernetes => "kubernetes",
            FileKind::Kustomization => "kustomization",
            FileKind::HelmTemplate => "helm-template",
            FileKind::HelmChart => "helm-chart",
            FileKind::Compose => "compose",
            FileKind::ComposeEnv => "compose-env",
            FileKind::GrafanaAlerting => "grafana-alerting",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Terraform => "terraform",
            FileKind::Ci(_) => "ci",
            FileKind::DependencyUpdates => "dependency-updates",
            FileKind::Dependencies(d) if d.is_lockfile() => "lockfile",
            FileKind::Dependencies(_) => "dependencies",
            FileKind::CodeOwners => "codeowners",
            FileKind::Catalog => "catalog",
            FileKind::PrometheusRules => "prometheus-rules",
            FileKind::Alertmanager => "alertmanager",
            FileKind::SloSpec => "slo-spec",
            FileKind::Markdown => "markdown",
            FileKind::Dashboard => "dashboard",
            FileKind::Report(f) => f.key(),
            FileKind::Other => "other",
        }
    }

    /// The evidence letter of the check catalog this file provides (`K`, `F`, `T`, `C`, `L`,
    /// `O`, `P`, `A`, `M`), if any.
    pub fn letter(self) -> Option<char> {
        Some(match self {
            FileKind::Kubernetes
            | FileKind::Kustomization
            | FileKind::HelmTemplate
            | FileKind::HelmChart
            | FileKind::Compose => 'K',
            FileKind::Dockerfile => 'F',
            FileKind::Terraform => 'T',
            FileKind::Ci(_) | FileKind::DependencyUpdates => 'C',
            FileKind::Dependencies(_) => 'L',
            FileKind::CodeOwners | FileKind::Catalog => 'O',
            // Grafana alerting holds rules and their routing in one format; it counts as rules.
            FileKind::PrometheusRules | FileKind::SloSpec | FileKind::GrafanaAlerting => 'P',
            FileKind::Alertmanager => 'A',
            FileKind::Markdown | FileKind::Dashboard => 'M',
            FileKind::Report(_) => 'R',
            FileKind::Manifest | FileKind::ComposeEnv | FileKind::Other => return None,
        })
    }

    /// Whether the scanner parses this kind as YAML before handing it to its module.
    pub fn is_yaml(self) -> bool {
        matches!(
            self,
            FileKind::Kubernetes
                | FileKind::Kustomization
                | FileKind::Compose
                | FileKind::GrafanaAlerting
                | FileKind::Catalog
                | FileKind::PrometheusRules
                | FileKind::Alertmanager
                | FileKind::SloSpec
                | FileKind::Ci(
                    CiSystem::GitHubActions
                        | CiSystem::GitLab
                        | CiSystem::CircleCi
                        | CiSystem::AzurePipelines
                        | CiSystem::Buildkite
                )
        )
    }
}

/// The format of a report another tool wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// JUnit XML (Surefire, pytest, jest-junit, go-junit-report, nextest, ...).
    JUnit,
    Lcov,
    Cobertura,
    JaCoCo,
    /// SARIF 2.1.0 from a scanner.
    Sarif,
    /// A k6 end-of-test summary.
    K6,
}

impl ReportFormat {
    pub fn key(self) -> &'static str {
        match self {
            ReportFormat::JUnit => "junit",
            ReportFormat::Lcov => "lcov",
            ReportFormat::Cobertura => "cobertura",
            ReportFormat::JaCoCo => "jacoco",
            ReportFormat::Sarif => "sarif",
            ReportFormat::K6 => "k6-summary",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::JUnit => "JUnit XML",
            ReportFormat::Lcov => "lcov",
            ReportFormat::Cobertura => "Cobertura XML",
            ReportFormat::JaCoCo => "JaCoCo XML",
            ReportFormat::Sarif => "SARIF",
            ReportFormat::K6 => "k6 summary",
        }
    }
}

/// A CI/CD system, detected from its configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CiSystem {
    GitHubActions,
    GitLab,
    Jenkins,
    CircleCi,
    AzurePipelines,
    Buildkite,
}

impl CiSystem {
    pub fn name(self) -> &'static str {
        match self {
            CiSystem::GitHubActions => "GitHub Actions",
            CiSystem::GitLab => "GitLab CI",
            CiSystem::Jenkins => "Jenkins",
            CiSystem::CircleCi => "CircleCI",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::Buildkite => "Buildkite",
        }
    }
}

/// A dependency manifest or lockfile format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepFormat {
    CargoToml,
    CargoLock,
    PackageJson,
    /// package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock
    NpmLock,
    GoMod,
    GoSum,
    Requirements,
    PyProject,
    /// poetry.lock, uv.lock, pdm.lock, Pipfile.lock
    PythonLock,
    Pipfile,
    PomXml,
    Gradle,
    /// gradle.lockfile
    GradleLock,
    Gemfile,
    GemfileLock,
    Csproj,
    /// NuGet packages.lock.json
    NugetLock,
}

impl DepFormat {
    pub fn is_lockfile(self) -> bool {
        matches!(
            self,
            DepFormat::CargoLock
                | DepFormat::NpmLock
                | DepFormat::GoSum
                | DepFormat::PythonLock
                | DepFormat::GradleLock
                | DepFormat::GemfileLock
                | DepFormat::NugetLock
        )
    }
}

/// Classifies a repository-relative path (with `/`), looking at `text` only for YAML files
/// whose name says nothing.
pub fn classify(path: &str, text: &str) -> FileKind {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let dir = path
        .len()
        .checked_sub(name.len() + 1)
        .map_or("", |n| &path[..n]);
    if let Some(kind) = by_name(path, dir, name, &lower, text) {
        return kind;
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "tf" => FileKind::Terraform,
        "md" | "markdown" => FileKind::Markdown,
        "csproj" | "fsproj" | "vbproj" => FileKind::Dependencies(DepFormat::Csproj),
        "dockerfile" | "containerfile" if reads_as_dockerfile(text) => FileKind::Dockerfile,
        "yaml" | "yml" => sniff_yaml(path, text),
        "xml" => sniff_xml(text),
        "json" => sniff_json(&lower, text),
        "sarif" => FileKind::Report(ReportFormat::Sarif),
        "lcov" => FileKind::Report(ReportFormat::Lcov),
        "info" if text.starts_with("TN:") || text.starts_with("SF:") => {
            FileKind::Report(ReportFormat::Lcov)
        }
        _ => FileKind::Other,
    }
}

/// The head of a file, where formats announce themselves.
fn head(text: &str, n: usize) -> &str {
    let mut end = text.len().min(n);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// An XML file: a report when its root element says so.
fn sniff_xml(text: &str) -> FileKind {
    let h = head(text, 4096);
    // The root element: the first `<name` that is not a declaration, comment or doctype.
    let root = h
        .match_indices('<')
        .map(|(i, _)| &h[i + 1..])
        .find(|r| !r.starts_with('?') && !r.starts_with('!'))
        .map(|r| {
            r.split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
        });
    match root {
        Some("testsuites" | "testsuite") => FileKind::Report(ReportFormat::JUnit),
        Some("coverage") if h.contains("line-rate") || h.contains("lines-valid") => {
            FileKind::Report(ReportFormat::Cobertura)
        }
        Some("report") if h.contains("JACOCO") || h.contains("<sessioninfo") => {
            FileKind::Report(ReportFormat::JaCoCo)
        }
        _ => FileKind::Other,
    }
}

/// A JSON file: SARIF, a k6 summary or a Grafana dashboard when its keys say so.
fn sniff_json(lower: &str, text: &str) -> FileKind {
    if lower.ends_with(".sarif.json") {
        return FileKind::Report(ReportFormat::Sarif);
    }
    let h = head(text, 8192);
    if json_kubernetes(text) {
        return FileKind::Kubernetes;
    }
    if h.contains("\"runs\"") && (h.contains("sarif") || h.contains("\"2.1.0\"")) {
        FileKind::Report(ReportFormat::Sarif)
    } else if h.contains("\"metrics\"")
        && (text.contains("\"http_reqs\"") || text.contains("\"iterations\""))
        && (text.contains("\"root_group\"")
            || text.contains("\"thresholds\"")
            || text.contains("\"state\""))
    {
        FileKind::Report(ReportFormat::K6)
    } else if text.contains("\"panels\"")
        && (h.contains("\"schemaVersion\"")
            || h.contains("\"dashboard\"")
            || text.contains("\"schemaVersion\""))
    {
        FileKind::Dashboard
    } else {
        FileKind::Other
    }
}

/// Whether a JSON file is a Kubernetes manifest: an object whose own `apiVersion` and `kind`
/// (top-level keys, not nested ones) are strings, or a `List` of such items. Read by serde_json
/// only when `apiVersion` appears in the first 4 KiB (where kubectl and every generator write
/// it) and `kind` in the text, so large JSON data files cost a substring search, not a parse.
fn json_kubernetes(text: &str) -> bool {
    if !(head(text, 4096).contains("\"apiVersion\"") && text.contains("\"kind\"")) {
        return false;
    }
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let api = o.get("apiVersion").and_then(serde_json::Value::as_str);
    let kind = o.get("kind").and_then(serde_json::Value::as_str);
    // `apiVersion: v1` with a group-less kind, or `group/version`: never a bare word like the
    // JSON Schema `$schema` or a package's `version`.
    api.is_some_and(|a| !a.is_empty() && !a.contains(' '))
        && kind.is_some_and(|k| k.starts_with(|c: char| c.is_ascii_uppercase()))
}

fn by_name(path: &str, dir: &str, name: &str, lower: &str, text: &str) -> Option<FileKind> {
    use DepFormat as D;
    let kind = match lower {
        "launchgate.yaml" | "launchgate.yml" => FileKind::Manifest,
        ".env" => FileKind::ComposeEnv,
        "dockerfile" | "containerfile" => FileKind::Dockerfile,
        "kustomization.yaml" | "kustomization.yml" => FileKind::Kustomization,
        "chart.yaml" | "values.yaml" | "values.yml" if !dir.contains("/templates") => {
            FileKind::HelmChart
        }
        "catalog-info.yaml" | "catalog-info.yml" => FileKind::Catalog,
        "codeowners" if matches!(dir, "" | ".github" | "docs" | ".gitlab") => FileKind::CodeOwners,
        ".gitlab-ci.yml" | ".gitlab-ci.yaml" => FileKind::Ci(CiSystem::GitLab),
        "jenkinsfile" => FileKind::Ci(CiSystem::Jenkins),
        "azure-pipelines.yml" | "azure-pipelines.yaml" => FileKind::Ci(CiSystem::AzurePipelines),
        "renovate.json" | "renovate.json5" | ".renovaterc" | ".renovaterc.json" => {
            FileKind::DependencyUpdates
        }
        "dependabot.yml" | "dependabot.yaml" if dir == ".github" => FileKind::DependencyUpdates,
        "cargo.toml" => FileKind::Dependencies(D::CargoToml),
        "cargo.lock" => FileKind::Dependencies(D::CargoLock),
        "package.json" => FileKind::Dependencies(D::PackageJson),
        "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | "pnpm-lock.yaml"
        | "bun.lock" => FileKind::Dependencies(D::NpmLock),
        "go.mod" => FileKind::Dependencies(D::GoMod),
        "go.sum" => FileKind::Dependencies(D::GoSum),
        "pyproject.toml" => FileKind::Dependencies(D::PyProject),
        "poetry.lock" | "uv.lock" | "pdm.lock" | "pipfile.lock" => {
            FileKind::Dependencies(D::PythonLock)
        }
        "pipfile" => FileKind::Dependencies(D::Pipfile),
        "pom.xml" => FileKind::Dependencies(D::PomXml),
        "build.gradle" | "build.gradle.kts" => FileKind::Dependencies(D::Gradle),
        "gradle.lockfile" => FileKind::Dependencies(D::GradleLock),
        "gemfile" => FileKind::Dependencies(D::Gemfile),
        "gemfile.lock" => FileKind::Dependencies(D::GemfileLock),
        "packages.lock.json" => FileKind::Dependencies(D::NugetLock),
        _ => return by_pattern(path, dir, name, lower, text),
    };
    Some(kind)
}

// `Dockerfile.prod` is a Dockerfile; `Dockerfile.j2`, `dockerfile.vim` and friends are
// templates or editor files about Dockerfiles.
const NOT_DOCKERFILE: [&str; 12] = [
    "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "vim", "md", "txt", "bak", "orig", "swp",
];

// `dockerfile.py`, `Dockerfile.sh`, `dockerfile.go`: code or data about Dockerfiles (a
// generator, a test, a linter rule), named after them.
const CODE: [&str; 52] = [
    "py", "pyi", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "rb", "rs", "java", "kt", "kts",
    "scala", "groovy", "sh", "bash", "zsh", "fish", "ps1", "psm1", "bat", "cmd", "php", "pl", "pm",
    "c", "h", "cc", "cpp", "hpp", "cs", "fs", "swift", "lua", "r", "ex", "exs", "erl", "clj", "hs",
    "ml", "dart", "json", "yaml", "yml", "toml", "xml", "html", "nix", "rst",
];

/// The Dockerfile instructions: a Dockerfile's first word, after comments and parser
/// directives.
const INSTRUCTIONS: [&str; 18] = [
    "from",
    "arg",
    "run",
    "cmd",
    "label",
    "maintainer",
    "expose",
    "env",
    "add",
    "copy",
    "entrypoint",
    "volume",
    "user",
    "workdir",
    "onbuild",
    "stopsignal",
    "healthcheck",
    "shell",
];

/// Whether `text` reads as a Dockerfile: its first line that is not blank or a comment starts
/// with an instruction (`FROM` or `ARG` in a valid one; any instruction, so that a broken
/// Dockerfile still reaches the parser and its error is reported). An empty file says nothing
/// against it.
fn reads_as_dockerfile(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return true;
    };
    let word = line
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    INSTRUCTIONS.contains(&word.as_str())
}

fn by_pattern(path: &str, dir: &str, name: &str, lower: &str, text: &str) -> Option<FileKind> {
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    let yaml = matches!(ext, "yml" | "yaml");
    if yaml && dir == ".github/workflows" {
        return Some(FileKind::Ci(CiSystem::GitHubActions));
    }
    if yaml && dir == ".circleci" && lower.starts_with("config.") {
        return Some(FileKind::Ci(CiSystem::CircleCi));
    }
    if yaml
        && (dir == ".buildkite" || dir.ends_with("/.buildkite"))
        && lower.starts_with("pipeline")
    {
        return Some(FileKind::Ci(CiSystem::Buildkite));
    }
    if yaml && is_compose_name(lower) {
        return Some(if top_level_key(text, "services:") {
            FileKind::Compose
        } else {
            FileKind::Other
        });
    }
    if lower.starts_with("requirements") && ext == "txt" {
        return Some(FileKind::Dependencies(DepFormat::Requirements));
    }
    if (lower.starts_with("dockerfile.") || lower.starts_with("containerfile."))
        && !NOT_DOCKERFILE.contains(&ext)
        && !CODE.contains(&ext)
        && reads_as_dockerfile(text)
    {
        return Some(FileKind::Dockerfile);
    }
    let _ = (path, name);
    None
}

/// Whether a YAML file's name is one Docker Compose looks for, or a variant of one:
/// `compose.yaml`, `compose.override.yml`, `compose.full.yaml`, `docker-compose.yml`,
/// `docker-compose.prod.yaml`, `api.compose.yaml`.
fn is_compose_name(lower: &str) -> bool {
    let stem = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
        .unwrap_or(lower);
    stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose.")
        || stem.starts_with("docker-compose-")
        || stem.ends_with(".compose")
        || stem.ends_with("-compose")
}

/// Whether a line of `text` starts with `key` at the top level.
fn top_level_key(text: &str, key: &str) -> bool {
    text.lines().any(|l| l.starts_with(key))
}

/// A YAML file with a non-descript name: decided by its top-level keys, read line by line.
fn sniff_yaml(path: &str, text: &str) -> FileKind {
    let mut api_version = false;
    let mut kind = false;
    let mut groups = false;
    let mut route = false;
    let mut receivers = false;
    let mut sloth = false;
    let mut slos = false;
    let mut grafana = false;
    let mut grafana_keys = false;
    for line in text.lines() {
        // Top-level keys only, also inside `- ` list items of a `kind: List`-like stream.
        let l = line.strip_prefix("- ").unwrap_or(line);
        api_version |= l.starts_with("apiVersion:");
        kind |= l.starts_with("kind:");
        groups |= line.starts_with("groups:");
        route |= line.starts_with("route:");
        receivers |= line.starts_with("receivers:");
        sloth |= line.starts_with("version:") && line.contains("prometheus/v1");
        slos |= line.starts_with("slos:");
        grafana |= line.strip_prefix("apiVersion:").is_some_and(|v| {
            let v = v.split('#').next().unwrap_or("").trim();
            v == "1" || v == "\"1\"" || v == "'1'"
        });
        grafana_keys |= line.starts_with("contactPoints:")
            || line.starts_with("policies:")
            || line.starts_with("templates:")
            || line.starts_with("muteTimes:")
            || line.starts_with("deleteRules:")
            || line.starts_with("deleteContactPoints:")
            || line.starts_with("resetPolicies:");
    }
    let in_templates = path.contains("/templates/") || path.starts_with("templates/");
    // Outside a chart's `templates/`, Go template actions alone do not make a Helm template:
    // Prometheus annotations (`{{ $labels.pod }}`) and Sloth alert templates (`{{.window}}`)
    // are plain YAML. It takes something only Helm writes.
    if go_template(text) && (in_templates || (kind && helm_markers(text))) {
        return FileKind::HelmTemplate;
    }
    // Grafana provisioning says `apiVersion: 1` and has no `kind`; its rule groups hold
    // `uid`/`title`/`condition` rules, not Prometheus `alert`/`record` ones.
    if grafana && !kind && (grafana_keys || (groups && grafana_rules(text))) {
        FileKind::GrafanaAlerting
    } else if api_version && kind {
        FileKind::Kubernetes
    } else if groups {
        FileKind::PrometheusRules
    } else if route && receivers {
        FileKind::Alertmanager
    } else if sloth && slos {
        FileKind::SloSpec
    } else {
        FileKind::Other
    }
}

/// Whether rule groups look like Grafana's: a rule with `uid:` and `condition:` keys (Prometheus
/// rules have `alert:`/`record:` and `expr:`).
fn grafana_rules(text: &str) -> bool {
    let key = |k: &str| {
        text.lines()
            .any(|l| l.trim_start().trim_start_matches("- ").starts_with(k))
    };
    key("condition:") && key("uid:") && !key("alert:") && !key("record:")
}

/// Whether `text` uses what only Helm templates use: the built-in objects (`.Values`,
/// `.Release`, ...), Helm's functions (`include`, `toYaml`, `tpl`, `required`) or named
/// templates.
fn helm_markers(text: &str) -> bool {
    const MARKERS: [&str; 12] = [
        ".Values",
        ".Release.",
        ".Chart.",
        ".Capabilities.",
        ".Files.",
        ".Template.",
        "include \"",
        "include (",
        "toYaml",
        "tpl ",
        "define \"",
        "required \"",
    ];
    MARKERS.iter().any(|m| text.contains(m))
}

/// Whether `text` holds Go template actions as Helm writes them (`{{ .Values.x }}`,
/// `{{- include "x" . }}`, `{{ if }}`): not mere `{{PLACEHOLDER}}` tokens that some projects
/// substitute with sed, which leave the YAML readable.
fn go_template(text: &str) -> bool {
    const WORDS: [&str; 16] = [
        "include", "template", "if", "else", "end", "range", "with", "define", "toYaml", "tpl",
        "printf", "quote", "default", "required", "lookup", "block",
    ];
    text.match_indices("{{").any(|(i, _)| {
        let rest = text[i + 2..].trim_start_matches('-').trim_start();
        rest.starts_with('.')
            || rest.starts_with('$')
            || rest.starts_with('/')
            || WORDS.iter().any(|w| {
                rest.strip_prefix(w)
                    .is_some_and(|r| r.starts_with(|c: char| !c.is_ascii_alphanumeric()))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decide_first() {
        assert_eq!(classify("Dockerfile", ""), FileKind::Dockerfile);
        assert_eq!(classify("build/api.Dockerfile", ""), FileKind::Dockerfile);
        assert_eq!(classify("Dockerfile.prod", ""), FileKind::Dockerfile);
        assert_eq!(classify("Dockerfile.j2", ""), FileKind::Other);
        assert_eq!(classify("syntax/dockerfile.vim", ""), FileKind::Other);
        // Named after Dockerfiles, but code: a generator, a linter rule.
        assert_eq!(
            classify("src/dockerfile.py", "import os\nFROM = 'x'\n"),
            FileKind::Other
        );
        assert_eq!(
            classify("tools/Dockerfile.sh", "#!/bin/sh\n"),
            FileKind::Other
        );
        assert_eq!(
            classify("gen/dockerfile.go", "package gen\n"),
            FileKind::Other
        );
        // A variant is read by its content when its suffix says nothing.
        assert_eq!(
            classify(
                "Dockerfile.alpine",
                "# syntax=docker/dockerfile:1\nARG V=1\nFROM alpine:$V\n"
            ),
            FileKind::Dockerfile
        );
        assert_eq!(
            classify("Dockerfile.notes", "Remember to pin the base image.\n"),
            FileKind::Other
        );
        assert_eq!(
            classify("api.dockerfile", "FROM scratch\n"),
            FileKind::Dockerfile
        );
        assert_eq!(classify("infra/main.tf", ""), FileKind::Terraform);
        assert_eq!(
            classify(".github/workflows/ci.yml", "on: push"),
            FileKind::Ci(CiSystem::GitHubActions)
        );
        assert_eq!(
            classify(".gitlab-ci.yml", ""),
            FileKind::Ci(CiSystem::GitLab)
        );
        assert_eq!(classify("docs/CODEOWNERS", ""), FileKind::CodeOwners);
        assert_eq!(classify("src/CODEOWNERS", ""), FileKind::Other);
        assert_eq!(
            classify("requirements-dev.txt", ""),
            FileKind::Dependencies(DepFormat::Requirements)
        );
        assert_eq!(classify("launchgate.yaml", "kind: x"), FileKind::Manifest);
    }

    #[test]
    fn yaml_content_decides_the_rest() {
        assert_eq!(
            classify("deploy/a.yaml", "apiVersion: v1\nkind: Service\n"),
            FileKind::Kubernetes
        );
        assert_eq!(
            classify(
                "chart/templates/d.yaml",
                "apiVersion: v1\nkind: {{ .Values.kind }}\n"
            ),
            FileKind::HelmTemplate
        );
        assert_eq!(
            classify("alerts.yml", "groups:\n- name: a\n"),
            FileKind::PrometheusRules
        );
        assert_eq!(
            classify("am.yml", "route:\n  receiver: a\nreceivers:\n- name: a\n"),
            FileKind::Alertmanager
        );
        assert_eq!(classify("x.yml", "foo: bar\n"), FileKind::Other);
        // `{{PLACEHOLDER}}` tokens are not Helm: the file is still plain Kubernetes YAML.
        assert_eq!(
            classify(
                "k/otel.yaml",
                "apiVersion: v1\nkind: ConfigMap\ndata:\n  p: \"{{PROJECT_ID}}\"\n"
            ),
            FileKind::Kubernetes
        );
        assert_eq!(
            classify(
                "k/d.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{- include \"x\" . }}\n"
            ),
            FileKind::HelmTemplate
        );
        // Prometheus and Sloth templates in resources are not Helm.
        assert_eq!(
            classify(
                "k/rules.yaml",
                "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: a\n    rules:\n    - alert: Down\n      expr: up == 0\n      annotations:\n        summary: \"{{ $labels.instance }} is down ({{ $value }})\"\n"
            ),
            FileKind::Kubernetes
        );
        assert_eq!(
            classify(
                "slos/api.yaml",
                "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nspec:\n  slos:\n  - name: x\n    alerting:\n      annotations:\n        summary: \"{{.service}} burns its budget over {{.window}}\"\n"
            ),
            FileKind::Kubernetes
        );
        assert_eq!(
            classify(
                "deploy/d.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n"
            ),
            FileKind::HelmTemplate
        );
    }
}

#[cfg(test)]
mod platform_format_tests {
    use super::*;

    #[test]
    fn compose_files_by_name_with_services() {
        let svc = "services:\n  a:\n    image: x\n";
        for name in [
            "compose.yaml",
            "compose.yml",
            "compose.full.yaml",
            "docker-compose.yml",
            "deploy/docker-compose.prod.yaml",
            "api.compose.yaml",
        ] {
            assert_eq!(classify(name, svc), FileKind::Compose, "{name}");
        }
        assert_eq!(classify("compose.yaml", "version: '3'\n"), FileKind::Other);
        assert_eq!(classify("composer.yaml", svc), FileKind::Other);
    }

    #[test]
    fn grafana_alerting_is_not_prometheus_rules() {
        let rules = "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: g\n    rules:\n      - uid: a\n        title: A\n        condition: C\n";
        assert_eq!(classify("alerting/a.yml", rules), FileKind::GrafanaAlerting);
        let cps = "apiVersion: 1\ncontactPoints:\n  - name: x\n";
        assert_eq!(classify("alerting/cp.yaml", cps), FileKind::GrafanaAlerting);
        // Prometheus rules stay Prometheus rules, Kubernetes stays Kubernetes.
        assert_eq!(
            classify(
                "rules.yml",
                "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n"
            ),
            FileKind::PrometheusRules
        );
        assert_eq!(
            classify("x.yaml", "apiVersion: v1\nkind: ConfigMap\n"),
            FileKind::Kubernetes
        );
        // Grafana datasource provisioning (`apiVersion: 1`, `datasources:`) is not alerting.
        assert_eq!(
            classify("ds.yaml", "apiVersion: 1\ndatasources:\n  - name: p\n"),
            FileKind::Other
        );
    }

    #[test]
    fn json_kubernetes_manifests() {
        assert_eq!(
            classify(
                "k/app.json",
                "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"a\"}}"
            ),
            FileKind::Kubernetes
        );
        assert_eq!(
            classify(
                "k/list.json",
                "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}"
            ),
            FileKind::Kubernetes
        );
        // Nested `kind` keys, or no apiVersion at the top, are not a manifest.
        assert_eq!(
            classify(
                "x.json",
                "{\"a\": {\"apiVersion\": \"v1\", \"kind\": \"Pod\"}}"
            ),
            FileKind::Other
        );
        assert_eq!(
            classify(
                "x.json",
                "{\"apiVersion\": \"v1\", \"kind\": \"lowercase\"}"
            ),
            FileKind::Other
        );
    }
}
