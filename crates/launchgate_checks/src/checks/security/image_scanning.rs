//! SEC-008 image-scanning: The container images the service builds or deploys are scanned for known
//! vulnerabilities, by the registry or in CI.

use std::fmt::Write as _;

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::ReportFormat;
use launchgate_evidence::ci::{Pipeline, SecurityScan};
use launchgate_evidence::reports::{ScanReport, ScanResult, ScanSeverity};
use launchgate_evidence::terraform::{Resource, Terraform, TfValue};

use crate::kit::reports::{report_age, report_gaps};

use crate::kit::finish::{NOT_SCANNED, Tally, conclude_tally};
use crate::kit::pipelines::gaps_and_pipelines;
use crate::kit::terraform::unresolved_reason;
use crate::{CheckContext, Evaluate, declare_check};

/// Scanners whose SARIF reports scan container images (lowercase parts of `tool.driver.name`).
const IMAGE_SCANNER_TOOLS: &[&str] =
    &["trivy", "grype", "anchore", "docker scout", "snyk", "clair"];

/// Most critical and high findings named per report.
const TOP_FINDINGS: usize = 5;

/// ECR scan frequencies that scan every pushed image.
const SCANNING_FREQUENCIES: &[&str] = &["SCAN_ON_PUSH", "CONTINUOUS_SCAN"];

declare_check! {
    /// ## What it checks
    /// The container images the service builds or deploys are scanned for known
    /// vulnerabilities, by the registry or in CI.
    ///
    /// - Registry: every `aws_ecr_repository` sets
    ///   `image_scanning_configuration { scan_on_push = true }`, or an
    ///   `aws_ecr_registry_scanning_configuration` has a rule with `SCAN_ON_PUSH` or
    ///   `CONTINUOUS_SCAN` whose repository filter matches the repository's name.
    /// - CI: a pipeline job runs an image scanner: Trivy (`trivy image`, the Trivy action),
    ///   Grype, Anchore, `docker scout`, `snyk container`, or GitLab container scanning.
    ///   Filesystem and dependency scanners (`trivy fs`, `npm audit`) do not scan the image's
    ///   operating-system packages and do not count here.
    ///
    /// An ECR repository that does not scan on push fails at the repository, unless an image
    /// scanner runs in CI (then the check passes and names both). Images with neither fail at
    /// the first CI pipeline (where the scan belongs), or at the Dockerfile or workload when
    /// there is no CI. The check does not apply when the repository builds and deploys no
    /// images at all (no Dockerfile, image build or scan in CI, Kubernetes workload, ECS task
    /// definition or ECR repository).
    ///
    /// The latest scan reports must be clean: every SARIF 2.1.0 log in the repository (found
    /// by content, at `**/*.sarif` even when `.gitignore`d, and at the globs of
    /// `reports.sarif`) has 0 critical and 0 high findings. Severity comes from the
    /// `security-severity` score of the result or its rule (9 and above critical, 7 high, 4
    /// medium, above 0 low), else from the level (`error` high, `warning` medium, `note`
    /// low); suppressed results are counted apart and do not fail the check. The top findings
    /// are named (rule, severity, place in the SARIF file). A report from an image scanner
    /// (Trivy, Grype, Anchore, Docker Scout, Snyk, Clair) also shows that images are scanned.
    /// A report dated (its invocation time) more than the policy window (default 14 days,
    /// `report_max_age_days`) before the review date makes the check inconclusive, never a
    /// pass; a report that cannot be parsed too.
    ///
    /// ## Why it matters
    /// A base image is a few hundred packages nobody on the team chose one by one. New CVEs are
    /// published against them every week, and an image that was clean when built is not clean
    /// a month later. Scanning on push catches what the base image brought in; scanning in CI
    /// stops it before it ships.
    ///
    /// ## How to fix
    /// Turn on scanning in the registry (`image_scanning_configuration { scan_on_push = true }`
    /// on each `aws_ecr_repository`, or enhanced scanning for the whole registry with
    /// `aws_ecr_registry_scanning_configuration`), and add an image scan to the pipeline that
    /// builds the image (for example `aquasecurity/trivy-action` with `image-ref` and
    /// `exit-code: 1` for critical and high severities).
    ///
    /// ## Example
    /// ```hcl fails path=infra/ecr.tf
    /// resource "aws_ecr_repository" "api" {
    ///   name = "api"
    ///   image_scanning_configuration {
    ///     scan_on_push = false
    ///   }
    /// }
    /// ```
    /// ```hcl passes path=infra/ecr.tf
    /// resource "aws_ecr_repository" "api" {
    ///   name                 = "api"
    ///   image_tag_mutability = "IMMUTABLE"
    ///   image_scanning_configuration {
    ///     scan_on_push = true
    ///   }
    /// }
    /// ```
    /// ```json fails path=reports/trivy.sarif
    /// {"version": "2.1.0", "runs": [{
    ///   "tool": {"driver": {"name": "Trivy", "rules": [
    ///     {"id": "CVE-2026-1234", "properties": {"security-severity": "9.8"}}]}},
    ///   "invocations": [{"executionSuccessful": true, "endTimeUtc": "2026-11-20T10:00:00Z"}],
    ///   "results": [{"ruleId": "CVE-2026-1234", "ruleIndex": 0, "level": "error",
    ///     "message": {"text": "openssl 3.0.1: buffer overflow"}}]}]}
    /// ```
    /// ```yaml passes path=.github/workflows/image.yml
    /// on:
    ///   push:
    ///     branches: [main]
    /// jobs:
    ///   image:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: docker build -t ghcr.io/acme/api:${{ github.sha }} .
    ///       - uses: aquasecurity/trivy-action@0.24.0
    ///         with:
    ///           image-ref: ghcr.io/acme/api:${{ github.sha }}
    ///           severity: CRITICAL,HIGH
    ///           exit-code: "1"
    /// ```
    ///
    /// ## References
    /// Seed 002, "container images scanned"; seed 004, "Vulnerability management"; the AWS ECR
    /// documentation on basic and enhanced image scanning; the CIS Docker Benchmark item on
    /// scanning images for vulnerabilities; Trivy and Grype documentation.
    pub struct ImageScanning {
        id: "SEC-008", slug: "image-scanning", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "T C R", effort: 2,
    }
}

/// How an ECR repository's images are scanned.
enum Ecr {
    Scanned(Finding),
    /// Not scanned: what the repository says, where.
    NotScanned(Said),
    /// Cannot be told without running Terraform.
    Unknown(Said),
}

/// What an ECR repository says about scanning, and where.
struct Said {
    resource: String,
    says: String,
    at: Location,
}

impl Said {
    fn finding(self, tail: &str) -> Finding {
        Finding::new(format!("{}{tail}", self.says))
            .at(Some(self.at))
            .resource(self.resource)
    }
}

impl Evaluate for ImageScanning {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        if !ev.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let tf = &ev.terraform;
        let repos: Vec<&Resource> = tf.resources_of("aws_ecr_repository").collect();
        let scans: Vec<(&Pipeline, &SecurityScan)> = image_scans(&ev.ci.pipelines);
        let image_reports: Vec<&ScanReport> = ev
            .reports
            .scans
            .iter()
            .filter(|r| is_image_scan(r))
            .collect();
        let builds_images = !image_reports.is_empty()
            || !ev.dockerfiles.is_empty()
            || ev
                .kubernetes
                .workloads
                .iter()
                .any(|w| w.containers().next().is_some())
            || !tf.ecs_task_definitions().is_empty()
            || !repos.is_empty()
            || !scans.is_empty()
            || ci_builds_images(&ev.ci.pipelines);
        if !builds_images {
            let gaps = gaps_and_pipelines(cx, "K F T");
            if !gaps.is_empty() {
                return conclude_tally(cx, gaps, Tally::default(), "");
            }
            return Outcome::not_applicable(
                "the repository builds and deploys no container images (no Dockerfile, image build in CI, Kubernetes workload, ECS task definition or ECR repository)",
            );
        }

        let ecr: Vec<Ecr> = repos.iter().map(|r| ecr_scanning(tf, r)).collect();
        let mut t = Tally::default();
        for (p, s) in &scans {
            t.evidence.push(
                Finding::new(format!("{} scans images in CI ({})", s.scanner, p.path))
                    .at(Some(s.loc.location()))
                    .resource(format!("pipeline {}", p.path)),
            );
        }
        let ci_covers = !scans.is_empty() || !image_reports.is_empty();
        for r in &ev.reports.scans {
            judge_report(cx, r, &mut t);
        }
        for e in ecr {
            match e {
                Ecr::Scanned(f) => t.evidence.push(f),
                // An image scanner in CI covers what the registry does not scan.
                Ecr::NotScanned(s) | Ecr::Unknown(s) if ci_covers => {
                    t.evidence
                        .push(s.finding("; the image scanner in CI covers its images"));
                }
                Ecr::NotScanned(s) => t.failures.push(
                    s.finding(" and no image scanner runs in CI: its images are never scanned"),
                ),
                Ecr::Unknown(s) => t.unknowns.push(s.finding("")),
            }
        }
        if !ci_covers && repos.is_empty() {
            t.missing
                .push(Finding::new(no_scanner_message(&ev.ci.pipelines)).at(missing_at(cx)));
        }
        let mut gaps = gaps_and_pipelines(cx, "T");
        gaps.extend(report_gaps(cx, &[ReportFormat::Sarif]));
        conclude_tally(cx, gaps, t, "no image scanning found")
    }
}

/// Commands and actions that build or push a container image.
const IMAGE_BUILDS: &[&str] = &[
    "docker build",
    "docker buildx",
    "docker push",
    "docker image push",
    "podman build",
    "buildah",
    "kaniko",
    "ko build",
    "jib",
    "spring-boot:build-image",
    "pack build",
    "docker/build-push-action",
    "redhat-actions/buildah-build",
];

/// Whether a CI step builds or pushes a container image.
fn ci_builds_images(pipelines: &[Pipeline]) -> bool {
    pipelines
        .iter()
        .flat_map(|p| &p.jobs)
        .flat_map(|j| &j.steps)
        .flat_map(|s| s.run.iter().chain(s.uses.iter()))
        .any(|text| IMAGE_BUILDS.iter().any(|b| text.value.contains(b)))
}

/// Every security scanner of a pipeline: in steps, jobs (reusable workflows) and includes,
/// once per location.
fn all_scans(p: &Pipeline) -> Vec<&SecurityScan> {
    let mut found: Vec<&SecurityScan> = Vec::new();
    for j in &p.jobs {
        found.extend(j.steps.iter().filter_map(|s| s.security_scan.as_ref()));
        found.extend(j.security_scan.as_ref());
    }
    found.extend(p.includes.iter().filter_map(|i| i.security_scan.as_ref()));
    let mut out: Vec<&SecurityScan> = Vec::new();
    for s in found {
        if !out.iter().any(|o| o.loc == s.loc) {
            out.push(s);
        }
    }
    out
}

/// Every image scanner in CI, with its pipeline.
fn image_scans(pipelines: &[Pipeline]) -> Vec<(&Pipeline, &SecurityScan)> {
    pipelines
        .iter()
        .flat_map(|p| all_scans(p).into_iter().map(move |s| (p, s)))
        .filter(|(_, s)| s.images)
        .collect()
}

fn ecr_scanning(tf: &Terraform, r: &Resource) -> Ecr {
    let res = r.address();
    let name = r.value("name").and_then(TfValue::as_str);
    if let Some(f) = registry_rule_covering(tf, name) {
        return Ecr::Scanned(
            Finding::new(format!("{res} is scanned by {f}"))
                .at(Some(r.loc.location()))
                .resource(res),
        );
    }
    let block = r.body.block("image_scanning_configuration");
    match r
        .body
        .find_path(&["image_scanning_configuration", "scan_on_push"])
    {
        Some(hit) => match hit.value.as_bool() {
            Some(true) => Ecr::Scanned(
                Finding::new(format!("{res} scans images on push"))
                    .at(Some(hit.loc.location()))
                    .resource(res),
            ),
            Some(false) => Ecr::NotScanned(Said {
                says: format!("{res} does not scan images on push (`scan_on_push = false`)"),
                resource: res,
                at: hit.loc.location(),
            }),
            None if hit.value.is_null() => not_scanned(res, hit.loc.location()),
            None => Ecr::Unknown(Said {
                says: format!(
                    "`scan_on_push` of {res} cannot be resolved without running Terraform: {}",
                    unresolved_reason(hit.value)
                ),
                resource: res,
                at: hit.loc.location(),
            }),
        },
        None => not_scanned(
            res,
            block.map_or_else(|| r.loc.location(), |b| b.loc.location()),
        ),
    }
}

fn not_scanned(res: String, at: Location) -> Ecr {
    Ecr::NotScanned(Said {
        says: format!(
            "{res} does not set `image_scanning_configuration {{ scan_on_push = true }}`"
        ),
        resource: res,
        at,
    })
}

/// An `aws_ecr_registry_scanning_configuration` rule that scans repository `name` on push or
/// continuously, described; `None` when there is none (or the name is unknown and no rule
/// matches every repository).
fn registry_rule_covering(tf: &Terraform, name: Option<&str>) -> Option<String> {
    for reg in tf.resources_of("aws_ecr_registry_scanning_configuration") {
        for rule in reg.body.blocks("rule") {
            let Some(freq) = rule.body.value("scan_frequency").and_then(TfValue::as_str) else {
                continue;
            };
            if !SCANNING_FREQUENCIES.contains(&freq) {
                continue;
            }
            let matches = rule.body.blocks("repository_filter").any(|f| {
                f.body
                    .value("filter")
                    .and_then(TfValue::as_str)
                    .is_some_and(|pattern| {
                        pattern == "*"
                            || name.is_some_and(|n| launchgate_core::wildcard_match(pattern, n))
                    })
            });
            if matches {
                return Some(format!("{} ({freq})", reg.address()));
            }
        }
    }
    None
}

fn no_scanner_message(pipelines: &[Pipeline]) -> String {
    let mut others: Vec<&str> = pipelines
        .iter()
        .flat_map(all_scans)
        .map(|s| s.scanner)
        .collect();
    others.sort_unstable();
    others.dedup();
    let base = "no image scanning found: no ECR repository scans on push and no CI job runs an image scanner (Trivy, Grype, Anchore, docker scout, snyk container, GitLab container scanning)";
    if others.is_empty() {
        base.to_string()
    } else {
        format!(
            "{base}; the scanners found ({}) do not scan the image's packages",
            others.join(", ")
        )
    }
}

/// Where a missing image scan belongs: the first CI pipeline, else the first Dockerfile, else
/// the first deployed image.
fn missing_at(cx: &CheckContext<'_>) -> Option<Location> {
    let ev = cx.evidence;
    if let Some(p) = ev.ci.pipelines.first() {
        return Some(p.loc.location());
    }
    if let Some(df) = ev.dockerfiles.iter().next() {
        return Some(df.loc.location());
    }
    if let Some(c) = ev
        .kubernetes
        .workloads
        .iter()
        .flat_map(launchgate_evidence::k8s::Workload::containers)
        .next()
    {
        return Some(c.image.as_ref().map_or(&c.loc, |i| &i.loc).location());
    }
    ev.terraform
        .ecs_task_definitions()
        .first()
        .map(|td| td.loc.location())
}

/// Whether a SARIF log comes from an image scanner.
fn is_image_scan(r: &ScanReport) -> bool {
    r.runs.iter().any(|run| {
        let tool = run.tool.to_ascii_lowercase();
        IMAGE_SCANNER_TOOLS.iter().any(|t| tool.contains(t))
    })
}

/// A result as findings name it: `critical CVE-2026-1234 (Dockerfile:1): openssl ...`.
fn describe(r: &ScanResult) -> String {
    let mut s = format!(
        "{} `{}`",
        r.severity.key(),
        r.rule_id.as_deref().unwrap_or("(no rule id)")
    );
    if let Some(score) = r.security_severity {
        let _ = write!(s, " (security-severity {score})");
    }
    if let Some(t) = &r.target {
        let _ = write!(s, " in {t}");
    }
    if !r.message.is_empty() {
        let _ = write!(s, ": {}", r.message);
    }
    s
}

/// Judges one SARIF log: its critical and high findings fail (the top ones named, at their
/// results); a clean log is evidence, unless it is too old.
fn judge_report(cx: &CheckContext<'_>, r: &ScanReport, t: &mut Tally) {
    let path = &r.loc.path;
    let max_days = cx.options.report_max_age_days;
    for run in &r.runs {
        let mut bad: Vec<&ScanResult> = run
            .results
            .iter()
            .filter(|x| !x.suppressed && x.severity >= ScanSeverity::High)
            .collect();
        // Most severe first, then in file order.
        bad.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.loc.cmp(&b.loc)));
        let (crit, high) = (
            run.count(ScanSeverity::Critical),
            run.count(ScanSeverity::High),
        );
        let more = bad.len().saturating_sub(TOP_FINDINGS);
        for (i, x) in bad.iter().take(TOP_FINDINGS).enumerate() {
            let mut msg = format!(
                "{} in {path} reports {} ({crit} critical, {high} high in this run)",
                run.tool,
                describe(x)
            );
            if i + 1 == TOP_FINDINGS && more > 0 {
                let _ = write!(msg, "; {more} more critical or high findings not listed");
            }
            t.failures.push(
                Finding::new(msg)
                    .at(Some(x.loc.location()))
                    .resource(format!(
                        "{} {}",
                        run.tool,
                        x.rule_id.as_deref().unwrap_or("")
                    )),
            );
        }
        if !bad.is_empty() {
            continue;
        }
        let what = format!("the {} report {path}", run.tool);
        match report_age(cx, run.date.or(r.date), max_days).judge(cx, &what, &run.loc, max_days) {
            Err(f) => t.unknowns.push(f),
            Ok(age) => t.evidence.push(
                Finding::new(format!(
                    "{} in {path}: 0 critical and 0 high findings ({} medium, {} low, {} suppressed); {age}",
                    run.tool,
                    run.count(ScanSeverity::Medium),
                    run.count(ScanSeverity::Low),
                    run.suppressed()
                ))
                .at(Some(run.loc.location())),
            ),
        }
    }
}
