//! OPS-007 post-deploy-smoke-test: Every pipeline that deploys runs a smoke test after the deploy.

use launchgate_core::{Finding, Outcome};

use crate::kit::finish::{Tally, conclude_tally};
use crate::kit::pipelines::ci_pipeline_gaps;
use crate::{CheckContext, Evaluate, declare_check};

const NO_DEPLOY: &str = "no deploy job found in CI; deployments happen elsewhere (a GitOps controller, another repository, by hand)";

const NO_CI: &str = "no CI configuration found; deployments and their smoke tests happen elsewhere";

declare_check! {
    /// ## What it checks
    /// Every pipeline that deploys runs a smoke test after the deploy.
    ///
    /// A deploy is a job that runs `kubectl apply`, `helm upgrade`, `argocd app sync`,
    /// `terraform apply`, `aws ecs update-service` and the like, a deploy action, or (GitHub)
    /// a job with a production environment (GitLab: any environment). A job that deploys to
    /// a throwaway test cluster (it creates one with kind, minikube or k3d) or to a test
    /// environment (its environment or name says `e2e`, `test`, `kind`, ...) tests the
    /// manifests and is not a deploy of the service. A smoke test is a job or
    /// step named `smoke`, `post-deploy`, `synthetic` or `health-check`, a `k6 run` /
    /// `newman run` / `artillery run`, or a `curl --fail` of a health endpoint. It counts when
    /// it runs after the deploy: in a job that needs the deploy job (directly or through other
    /// jobs), in a later stage, in a later step of the deploy job itself, or in a GitHub
    /// workflow started by `workflow_run` (which runs after the workflow it follows).
    ///
    /// Each pipeline with a deploy job and no smoke test after it fails at its deploy jobs.
    /// When no CI job deploys, the check is inconclusive: the deployment happens somewhere
    /// launchgate cannot see, and so would its smoke test.
    ///
    /// ## Why it matters
    /// A deploy that "succeeded" only means the orchestrator accepted new pods. Whether the
    /// service still answers real requests with its real configuration, secrets and network
    /// paths is another question, and the cheapest moment to ask it is right after the
    /// rollout, with the previous version one command away, not when the first customer
    /// reports it.
    ///
    /// ## How to fix
    /// Add a job after the deploy that exercises the deployed service end to end: a few
    /// requests with `curl --fail` against the health and one business endpoint, or a short
    /// `k6 run` / `newman run` suite against the environment's URL. Make it `needs:` the
    /// deploy job (or put it in a later stage), and fail the pipeline (and roll back) when it
    /// fails.
    ///
    /// ## Example
    /// ```yaml fails path=.github/workflows/deploy.yml
    /// on:
    ///   push:
    ///     branches: [main]
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     environment: production
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: helm upgrade --install api ./chart --wait
    /// ```
    /// ```yaml passes path=.github/workflows/deploy.yml
    /// on:
    ///   push:
    ///     branches: [main]
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     environment: production
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: helm upgrade --install api ./chart --wait
    ///   smoke-test:
    ///     needs: deploy
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: curl --fail --retry 5 https://api.example.com/healthz
    /// ```
    ///
    /// ## References
    /// Seed 002, "post-deploy smoke test"; the testing literature on smoke and synthetic
    /// tests after deployment; the k6 and Postman/Newman documentation on running checks in
    /// CI.
    pub struct PostDeploySmokeTest {
        id: "OPS-007", slug: "post-deploy-smoke-test", category: Operations, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "C", effort: 4,
    }
}

impl Evaluate for PostDeploySmokeTest {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ci = &cx.evidence.ci;
        let mut t = Tally::default();
        // GitHub workflows started by `workflow_run` run after the workflow they follow: a
        // smoke test there runs after the deploy (the followed workflow's name is not
        // compared).
        let follower = ci.pipelines.iter().find_map(|p| {
            let follows = p.triggers.other.iter().any(|o| o.value == "workflow_run");
            let smoke = p.jobs.iter().find_map(|j| j.smoke_test.as_ref());
            smoke.filter(|_| follows).map(|s| (p, s))
        });
        for p in &ci.pipelines {
            let deploys: Vec<_> = p.jobs.iter().filter(|j| j.deploys.is_some()).collect();
            if deploys.is_empty() {
                continue;
            }
            let note = if p.heuristic {
                format!(" ({} files are read heuristically)", p.system.name())
            } else {
                String::new()
            };
            let after = p.smoke_after_deploy().or_else(|| {
                follower
                    .filter(|(f, _)| f.path != p.path)
                    .map(|(_, s)| s.loc.clone())
            });
            match after {
                Some(loc) => t.evidence.push(
                    Finding::new(format!(
                        "{} deploys, and a smoke test runs after the deploy{note}",
                        p.path
                    ))
                    .at(Some(loc.location()))
                    .resource(format!("pipeline {}", p.path)),
                ),
                None => {
                    for j in deploys {
                        let what = j
                            .deploys
                            .as_ref()
                            .map_or(String::new(), |d| format!(" (`{}`)", d.what));
                        t.failures.push(
                            Finding::new(format!(
                                "{} job `{}` deploys{what} but no smoke test runs after it{note}",
                                p.path, j.name
                            ))
                            .at(Some(j.loc.location()))
                            .resource(format!("pipeline {}", p.path)),
                        );
                    }
                }
            }
        }
        let nothing = if ci.pipelines.is_empty() && ci.detected.is_empty() {
            NO_CI
        } else {
            NO_DEPLOY
        };
        conclude_tally(cx, ci_pipeline_gaps(cx), t, nothing)
    }
}
