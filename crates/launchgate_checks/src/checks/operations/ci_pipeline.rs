//! OPS-001 ci-pipeline: A CI pipeline runs the tests on every pull request (or GitLab merge
//! request).

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::CiSystem;
use launchgate_evidence::ci::{Job, Pipeline};

use crate::kit::claims::FlagClaim;
use crate::kit::finish::{NOT_SCANNED, Tally, conclude_tally, report_order};
use crate::kit::manifest::at;
use crate::kit::pipelines::ci_pipeline_gaps;
use crate::{CheckContext, Evaluate, declare_check};

const POINTER: &str = "/claims/ci_tests";

declare_check! {
    /// ## What it checks
    /// A CI pipeline runs the tests on every pull request (or GitLab merge request).
    ///
    /// The CI configuration is read: GitHub Actions workflows and GitLab CI fully (triggers,
    /// job conditions, steps), Jenkins, CircleCI, Azure Pipelines and Buildkite by a lighter
    /// scan whose triggers are approximate (the evidence says so). A job counts when it runs on
    /// pull requests, directly or because it runs on every branch push, and runs a recognised
    /// test command (`cargo test`, `go test`, `npm test`, `pytest`, `mvn verify`, `gradle check`,
    /// `make test`, ...) or a test action. A `make` target counts by its whole name (`make check`,
    /// `make test-unit`, `make run-telemetry-tests`: a target named `check`, or whose dash- or
    /// underscore-separated words include `test` or `tests`; not `make check-clean-work-tree`).
    ///
    /// When pipelines exist but none runs tests on pull requests, the check fails at the
    /// pipeline and says what is missing: the pull-request trigger (tests run only after the
    /// merge), or a test step (the pipeline runs on pull requests but tests nothing). Without
    /// any CI configuration in the repository, `claims.ci_tests: true` passes as attested (the
    /// CI lives elsewhere), and anything else fails. A CI file that cannot be parsed leaves the
    /// check inconclusive rather than failing.
    ///
    /// ## Why it matters
    /// Tests that run after the merge report a broken main branch; tests that run on the pull
    /// request keep it from breaking. Without them, every reviewer has to run the suite by hand
    /// or trust that the author did, and the first one to find the regression is the deploy.
    ///
    /// ## How to fix
    /// Run the test suite on pull requests: in GitHub Actions add `pull_request:` to the
    /// workflow's `on:` and a step that runs the tests; in GitLab CI run the test job in merge
    /// request pipelines (`rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`). Make
    /// the job a required status check so that a red build blocks the merge. If CI is
    /// configured outside this repository, declare it with `claims: {ci_tests: true}`.
    ///
    /// ## Example
    /// ```yaml fails path=.github/workflows/ci.yml
    /// on:
    ///   push:
    ///     branches: [main]     # tests run only after the merge
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: cargo test --locked
    /// ```
    /// ```yaml passes path=.github/workflows/ci.yml
    /// on:
    ///   pull_request:
    ///   push:
    ///     branches: [main]
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: cargo test --locked
    /// ```
    /// ```yaml passes
    /// claims:
    ///   ci_tests: true    # the pipeline is defined in the platform team's repository
    /// ```
    ///
    /// ## References
    /// Seed 002, "CI pipeline with tests"; seed 004, "Continuous integration"; the GitHub
    /// Actions documentation on `pull_request` triggers and required status checks; the GitLab
    /// documentation on merge request pipelines.
    pub struct CiPipeline {
        id: "OPS-001", slug: "ci-pipeline", category: Operations, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "C", effort: 8,
    }
}

impl Evaluate for CiPipeline {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        let claim = cx.manifest.claims.ci_tests;
        if !ev.scanned {
            return match claim {
                Some(_) => claim_only(cx, claim),
                None => Outcome::inconclusive(NOT_SCANNED),
            };
        }
        let pipelines = &ev.ci.pipelines;

        let mut evidence = Vec::new();
        for p in pipelines {
            if let Some(j) = pr_test_job(p) {
                evidence.push(pr_tests_evidence(p, j));
            }
        }
        if !evidence.is_empty() {
            if claim == Some(false) {
                evidence.push(
                    Finding::new(
                        "`claims.ci_tests` says false, but the repository shows tests on pull requests; update the claim",
                    )
                    .at(at(cx, POINTER)),
                );
            }
            let t = Tally {
                evidence,
                ..Tally::default()
            };
            return conclude_tally(cx, ci_pipeline_gaps(cx), t, "");
        }
        // Tests may be in a CI file that could not be read.
        let gaps = ci_pipeline_gaps(cx);
        if !gaps.is_empty() {
            return conclude_tally(cx, gaps, Tally::default(), "");
        }
        if pipelines.is_empty() {
            return claim_only(cx, claim);
        }
        let mut findings = lacking(pipelines);
        let read_fully = pipelines.iter().any(|p| !p.heuristic);
        if claim == Some(true) {
            if !read_fully {
                // A lighter scan may miss a test command the claim knows about.
                let mut evidence = vec![
                    Finding::new(
                        "declared: a CI pipeline runs the tests on every pull request (`claims.ci_tests: true`)",
                    )
                    .at(at(cx, POINTER)),
                ];
                evidence.extend(findings.into_iter().map(|f| Finding {
                    message: format!("{} (read heuristically; the claim stands)", f.message),
                    ..f
                }));
                return Outcome::attested(evidence);
            }
            findings = findings
                .into_iter()
                .map(|f| Finding {
                    message: format!("`claims.ci_tests` says true, but {}", f.message),
                    ..f
                })
                .map(|f| f.related(at(cx, POINTER)))
                .collect();
        }
        report_order(&mut findings);
        Outcome::fail(findings)
    }
}

/// No CI configuration to read: the claim decides.
fn claim_only(cx: &CheckContext<'_>, claim: Option<bool>) -> Outcome {
    let out = FlagClaim {
        value: claim,
        pointer: POINTER,
        holds: "a CI pipeline runs the tests on every pull request",
        lacking: "a CI pipeline that runs the tests on pull requests",
    }
    .outcome(cx);
    match out {
        Outcome::Fail { findings, .. } if claim.is_none() => Outcome::fail(
            findings
                .into_iter()
                .map(|f| Finding {
                    message: "no CI configuration found in the repository (GitHub Actions, GitLab CI, Jenkins, CircleCI, Azure Pipelines, Buildkite), and `claims.ci_tests` does not declare one elsewhere".to_string(),
                    ..f
                })
                .collect(),
        ),
        other => other,
    }
}

/// The first job of a pipeline that runs tests on pull requests (the evidence OPS-001 needs).
fn pr_test_job(p: &Pipeline) -> Option<&Job> {
    p.jobs
        .iter()
        .find(|j| j.runs.covers_pull_requests() && j.runs_tests.is_some())
}

fn pr_tests_evidence(p: &Pipeline, j: &Job) -> Finding {
    let (what, loc) = j.runs_tests.as_ref().map_or((String::new(), &j.loc), |s| {
        (format!(" (`{}`)", s.what), &s.loc)
    });
    let mut msg = format!(
        "{} {} runs tests on pull requests: job `{}`{what}",
        p.system.name(),
        p.path,
        j.name
    );
    if p.heuristic {
        msg = format!(
            "{msg}; {} files are read heuristically, so the trigger is approximate",
            p.system.name()
        );
    }
    Finding::new(msg)
        .at(Some(loc.location()))
        .resource(format!("pipeline {}", p.path))
}

/// What each relevant pipeline lacks. A pipeline that tests on some trigger lacks the
/// pull-request trigger; one that runs on pull requests lacks a test step; when no pipeline is
/// either, one finding at the first pipeline says so.
fn lacking(pipelines: &[Pipeline]) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in pipelines {
        let resource = format!("pipeline {}", p.path);
        if let Some(j) = p.jobs.iter().find(|j| j.runs_tests.is_some()) {
            let what = j
                .runs_tests
                .as_ref()
                .map_or(String::new(), |s| format!(" (`{}`)", s.what));
            // Where the trigger is decided: the job's condition, else (GitLab) the job, whose
            // default excludes merge request pipelines, else the push trigger.
            let at = j
                .runs
                .condition
                .as_ref()
                .or(match p.system {
                    CiSystem::GitLab => Some(&j.loc),
                    _ => p.triggers.push.as_ref(),
                })
                .unwrap_or(&p.triggers.loc);
            out.push(
                Finding::new(format!(
                    "{} runs tests in job `{}`{what}, but not on pull requests, so a broken change is found after the merge: {}",
                    p.path,
                    j.name,
                    pr_hint(p.system)
                ))
                .at(Some(at.location()))
                .resource(resource),
            );
        } else if p.jobs.iter().any(|j| j.runs.covers_pull_requests()) {
            let at = p
                .triggers
                .pull_request
                .as_ref()
                .or(p.triggers.merge_request.as_ref())
                .unwrap_or(&p.triggers.loc);
            out.push(
                Finding::new(format!(
                    "{} runs on pull requests, but no job runs tests (no test command or test action recognised)",
                    p.path
                ))
                .at(Some(at.location()))
                .resource(resource),
            );
        }
    }
    if out.is_empty()
        && let Some(first) = pipelines.first()
    {
        let paths: Vec<&str> = pipelines.iter().map(|p| p.path.as_str()).collect();
        out.push(
            Finding::new(format!(
                "no CI pipeline runs tests on pull requests: {} found ({}), none runs tests or runs on pull requests",
                plural(pipelines.len(), "pipeline"),
                paths.join(", ")
            ))
            .at(Some(first.triggers.loc.location()))
            .resource(format!("pipeline {}", first.path)),
        );
    }
    out
}

fn pr_hint(system: CiSystem) -> &'static str {
    match system {
        CiSystem::GitHubActions => "add `pull_request:` to `on:`",
        CiSystem::GitLab => {
            "run the job in merge request pipelines (`rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"`)"
        }
        _ => "run the test stage for pull requests",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
