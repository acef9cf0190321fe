//! CI/CD pipelines: GitHub Actions and GitLab CI parsed into triggers, jobs and steps;
//! Jenkins, CircleCI, Azure Pipelines and Buildkite read by a lighter scan. Jobs and steps are
//! classified (tests, deploys, smoke tests, security scans) from their commands and action
//! names, with the location of the evidence.

mod github;
mod gitlab;
mod jenkins;
mod other;
mod signals;
#[cfg(test)]
mod tests;
mod when;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::yaml::{Node, Value};
use crate::{CiSystem, EvidenceError, FileKind, Loc, Source};

pub use crate::dockerfile::Located;
pub use signals::is_smoke_name;

/// Branch names treated as the default branch when the file does not say
/// (`$CI_DEFAULT_BRANCH` and `github.event.repository.default_branch` count too).
pub const DEFAULT_BRANCHES: &[&str] = &["main", "master"];

/// Every CI/CD configuration found.
#[derive(Debug, Clone, Default)]
pub struct Ci {
    /// Pipelines read from the files, sorted by path.
    pub pipelines: Vec<Pipeline>,
    /// Every CI configuration file found (also those that could not be parsed into a
    /// pipeline), sorted by path.
    pub detected: Vec<Detected>,
}

/// A CI configuration file and its system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Detected {
    pub system: CiSystem,
    /// The start of the file.
    pub loc: Loc,
}

/// What one CI file produced.
#[derive(Debug, Clone)]
pub struct CiFile {
    detected: Detected,
    pipeline: Option<Pipeline>,
}

/// One pipeline definition (a GitHub workflow, a `.gitlab-ci.yml`, a Jenkinsfile, ...).
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub system: CiSystem,
    /// Repository-relative path.
    pub path: String,
    /// The start of the file.
    pub loc: Loc,
    /// The workflow `name:` (GitHub, Azure `name`), if any.
    pub name: Option<String>,
    /// What starts the pipeline.
    pub triggers: Triggers,
    /// Jobs in file order (GitLab: visible jobs only, `extends` resolved; Jenkins: stages).
    pub jobs: Vec<Job>,
    /// Declared stages in order (GitLab `stages:`, Jenkins and Azure stage names).
    pub stages: Vec<Located<String>>,
    /// GitLab `include:` entries. They are not resolved: jobs defined in included files are
    /// not in `jobs` (security templates are still recognised, see [`Include::security_scan`]).
    pub includes: Vec<Include>,
    /// Read by a line or tree scan rather than a full model (Jenkins, CircleCI, Azure,
    /// Buildkite): jobs and commands are found, triggers are approximate.
    pub heuristic: bool,
}

/// What starts a pipeline. The filter lists follow GitHub Actions; GitLab and others set the
/// `Option<Loc>` fields where the file says so.
#[derive(Debug, Clone)]
pub struct Triggers {
    /// The `on:` node (GitHub), `workflow:` (GitLab), or the file start.
    pub loc: Loc,
    /// Pushes start the pipeline.
    pub push: Option<Loc>,
    /// `push.branches` patterns; empty = every branch (see [`Triggers::push_runs_on`]).
    pub push_branches: Vec<String>,
    /// `push.branches-ignore` patterns.
    pub push_branches_ignore: Vec<String>,
    /// `push.tags` patterns (non-empty: tag pushes start the pipeline).
    pub tags: Vec<String>,
    /// Branch pushes start the pipeline (false when `push` filters on tags only).
    pub push_on_branches: bool,
    /// `pull_request` / `pull_request_target` (GitHub), `pr` (Azure).
    pub pull_request: Option<Loc>,
    /// `pull_request.branches` (target branches); empty = all.
    pub pull_request_branches: Vec<String>,
    /// GitLab merge request pipelines (`$CI_PIPELINE_SOURCE == "merge_request_event"`).
    pub merge_request: Option<Loc>,
    /// Cron schedules, located at the cron string.
    pub schedule: Vec<Located<String>>,
    /// Started by hand (`workflow_dispatch`, `repository_dispatch`).
    pub manual: Option<Loc>,
    /// A reusable workflow (`workflow_call`): its callers decide when it runs.
    pub workflow_call: Option<Loc>,
    /// Other events, by name (`release`, `merge_group`, ...).
    pub other: Vec<Located<String>>,
}

impl Triggers {
    fn empty(loc: Loc) -> Triggers {
        Triggers {
            loc,
            push: None,
            push_branches: Vec::new(),
            push_branches_ignore: Vec::new(),
            tags: Vec::new(),
            push_on_branches: false,
            pull_request: None,
            pull_request_branches: Vec::new(),
            merge_request: None,
            schedule: Vec::new(),
            manual: None,
            workflow_call: None,
            other: Vec::new(),
        }
    }

    /// Whether a push to `branch` starts the pipeline (GitHub filter semantics: patterns in
    /// order, `!` negates, `*` wildcards).
    pub fn push_runs_on(&self, branch: &str) -> bool {
        if self.push.is_none() || !self.push_on_branches {
            return false;
        }
        if !self.push_branches.is_empty() {
            let mut matched = false;
            for p in &self.push_branches {
                let (pattern, positive) = match p.strip_prefix('!') {
                    Some(neg) => (neg, false),
                    None => (p.as_str(), true),
                };
                if glob_match(pattern, branch) {
                    matched = positive;
                }
            }
            return matched;
        }
        !self
            .push_branches_ignore
            .iter()
            .any(|p| glob_match(p, branch))
    }
}

/// A GitLab `include:` entry.
#[derive(Debug, Clone)]
pub struct Include {
    pub kind: IncludeKind,
    /// The file, URL, template or component named.
    pub value: String,
    pub loc: Loc,
    /// A GitLab security template or component (SAST, container scanning, ...).
    pub security_scan: Option<SecurityScan>,
}

/// How an include names its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IncludeKind {
    Local,
    Remote,
    Template,
    Project,
    Component,
}

/// One job (GitLab job, GitHub job, Jenkins stage, ...).
#[derive(Debug, Clone)]
pub struct Job {
    /// The job id / key (GitHub), job name (GitLab), stage name (Jenkins).
    pub name: String,
    /// A display name (`name:` in GitHub, `displayName` in Azure), if different.
    pub display_name: Option<String>,
    /// The job's key.
    pub loc: Loc,
    /// The stage (GitLab; `test` when not given, located at the job), Jenkins / Azure stage.
    pub stage: Option<Located<String>>,
    /// Position of the stage in the pipeline's order (GitLab stages, Jenkins stages in file
    /// order, Buildkite `wait` groups): a job runs after every job of a lower phase.
    pub phase: Option<usize>,
    /// The deployment environment (`environment:`), by name.
    pub environment: Option<Located<String>>,
    /// Jobs this one waits for (`needs`, `requires`, `dependsOn`, `depends_on`).
    pub needs: Vec<Located<String>>,
    /// A reusable workflow or orb job called instead of steps (`uses:` at job level).
    pub uses: Option<Located<String>>,
    /// When the job runs.
    pub runs: Runs,
    pub steps: Vec<Step>,
    /// The job runs tests: the first evidence.
    pub runs_tests: Option<Signal>,
    /// The job deploys: a deploy command or action, a production environment (GitHub), any
    /// environment (GitLab, except `action: stop`).
    pub deploys: Option<Signal>,
    /// The job smoke-tests a deployment (by its name or a command).
    pub smoke_test: Option<Signal>,
    /// The job runs a security scanner.
    pub security_scan: Option<SecurityScan>,
}

/// When a job may run. "May": conditions launchgate cannot read (`$DEPLOY == "1"`) do not
/// narrow it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runs {
    /// On pull / merge requests (GitHub `pull_request`, GitLab MR pipelines).
    pub pull_request: bool,
    /// On pushes to main, master or the default branch.
    pub default_branch: bool,
    /// On pushes to other branches (which includes the source branch of every pull request).
    pub other_branches: bool,
    /// On tag pushes.
    pub tags: bool,
    /// On a schedule that the file configures or targets explicitly.
    pub schedule: bool,
    /// When started by hand (`workflow_dispatch`, web / API pipelines).
    pub manual: bool,
    /// The job waits for someone to start it (GitLab `when: manual`, CircleCI approval,
    /// Buildkite `block`, Jenkins `input`).
    pub when_manual: bool,
    /// The condition that decided this (`if:`, `rules:`, `only:`, `when`), if any.
    pub condition: Option<Loc>,
}

impl Runs {
    /// Runs for pull requests, directly or because it runs on every branch push.
    pub fn covers_pull_requests(&self) -> bool {
        self.pull_request || self.other_branches
    }

    /// Runs on the default branch and on nothing else that is a branch or a PR.
    pub fn only_default_branch(&self) -> bool {
        self.default_branch && !self.other_branches && !self.pull_request
    }
}

/// One step: a GitHub step, a GitLab script line, a Jenkins `sh`, a CircleCI `run`, ...
#[derive(Debug, Clone)]
pub struct Step {
    /// The step's name (GitLab: the script section, `script` / `before_script`).
    pub name: Option<Located<String>>,
    /// The action, orb, task or plugin used (`actions/checkout@v4`, `Kubernetes@1`).
    pub uses: Option<Located<String>>,
    /// The script text.
    pub run: Option<Located<String>>,
    pub loc: Loc,
    pub runs_tests: Option<Signal>,
    pub deploys: Option<Signal>,
    pub smoke_test: Option<Signal>,
    pub security_scan: Option<SecurityScan>,
    /// A command that rolls a release back (`kubectl rollout undo`, `helm rollback`, a
    /// `rollback*.sh` script).
    pub rollback: Option<Signal>,
    /// A command that restores data from a backup (`pg_restore`, `aws rds
    /// restore-db-instance-to-point-in-time`, `velero restore create`, a `restore*.sh` script).
    pub restore: Option<Signal>,
}

/// Evidence for a classification: what was recognised and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    /// The command, action or name recognised (`cargo test`, `environment production`).
    pub what: String,
    pub loc: Loc,
}

/// A security scanner in a job, step or include.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScan {
    /// The scanner (`trivy`, `grype`, `codeql`, `cargo audit`, `gitlab-sast`, ...).
    pub scanner: &'static str,
    /// It scans container images (trivy image, grype, docker scout, container scanning).
    pub images: bool,
    pub loc: Loc,
}

impl Pipeline {
    /// The first step signal `pick` finds in a job that runs unattended: on a schedule or on
    /// pushes to the default branch, without waiting for someone to start it. A drill such a
    /// job runs is rehearsed on every run, not on the day somebody remembers (RUN-004, DAT-003).
    pub fn unattended<'a>(
        &'a self,
        pick: impl Fn(&'a Step) -> Option<&'a Signal>,
    ) -> Option<(&'a Job, &'a Signal)> {
        self.jobs
            .iter()
            .filter(|j| (j.runs.schedule || j.runs.default_branch) && !j.runs.when_manual)
            .find_map(|j| j.steps.iter().find_map(&pick).map(|s| (j, s)))
    }

    /// The job named `name`.
    pub fn job(&self, name: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.name == name)
    }

    /// A job that runs tests on pull / merge requests (OPS-001): the test evidence.
    pub fn tests_on_pull_requests(&self) -> Option<Loc> {
        self.jobs
            .iter()
            .filter(|j| j.runs.covers_pull_requests())
            .find_map(|j| j.runs_tests.as_ref())
            .map(|s| s.loc.clone())
    }

    /// A deploy job that runs on pushes to the default branch (OPS-002): the deploy evidence.
    pub fn deploys_on_main(&self) -> Option<Loc> {
        self.jobs
            .iter()
            .filter(|j| j.runs.default_branch)
            .find_map(|j| j.deploys.as_ref())
            .map(|s| s.loc.clone())
    }

    /// A smoke test that runs after a deploy (OPS-007): in a job that needs the deploy job
    /// (transitively), in a later phase (stage) than a deploy job, or in a step after the
    /// deploy step of the same job. The smoke test's location.
    pub fn smoke_after_deploy(&self) -> Option<Loc> {
        let by_name: BTreeMap<&str, &Job> =
            self.jobs.iter().map(|j| (j.name.as_str(), j)).collect();
        let deploy_phases: Vec<usize> = self
            .jobs
            .iter()
            .filter(|j| j.deploys.is_some())
            .filter_map(|j| j.phase)
            .collect();
        for job in &self.jobs {
            if let Some(d) = job.steps.iter().position(|s| s.deploys.is_some())
                && let Some(s) = job
                    .steps
                    .iter()
                    .skip(d + 1)
                    .find_map(|s| s.smoke_test.as_ref())
            {
                return Some(s.loc.clone());
            }
            let Some(smoke) = &job.smoke_test else {
                continue;
            };
            if needs_deploy(job, &by_name) {
                return Some(smoke.loc.clone());
            }
            if job
                .phase
                .is_some_and(|p| deploy_phases.iter().any(|&d| d < p))
            {
                return Some(smoke.loc.clone());
            }
        }
        None
    }

    /// A security scan that runs on a schedule (OPS-009): the scanner's location.
    pub fn scheduled_security_scan(&self) -> Option<Loc> {
        self.jobs
            .iter()
            .filter(|j| j.runs.schedule)
            .find_map(|j| j.security_scan.as_ref())
            .map(|s| s.loc.clone())
    }

    /// Every security scan: jobs first, then includes.
    pub fn security_scans(&self) -> impl Iterator<Item = &SecurityScan> {
        self.jobs
            .iter()
            .filter_map(|j| j.security_scan.as_ref())
            .chain(
                self.includes
                    .iter()
                    .filter_map(|i| i.security_scan.as_ref()),
            )
    }
}

/// Whether `job` needs, directly or through other jobs, a job that deploys.
fn needs_deploy(job: &Job, by_name: &BTreeMap<&str, &Job>) -> bool {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = job.needs.iter().map(|n| n.value.as_str()).collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(j) = by_name.get(name) {
            if j.deploys.is_some() {
                return true;
            }
            stack.extend(j.needs.iter().map(|n| n.value.as_str()));
        }
    }
    false
}

impl Ci {
    /// The first pipeline (by path) with tests on pull requests.
    pub fn tests_on_pull_requests(&self) -> Option<Loc> {
        self.pipelines
            .iter()
            .find_map(Pipeline::tests_on_pull_requests)
    }

    /// The first pipeline (by path) that deploys on the default branch.
    pub fn deploys_on_main(&self) -> Option<Loc> {
        self.pipelines.iter().find_map(Pipeline::deploys_on_main)
    }

    /// The first pipeline (by path) with a smoke test after a deploy.
    pub fn smoke_after_deploy(&self) -> Option<Loc> {
        self.pipelines.iter().find_map(Pipeline::smoke_after_deploy)
    }

    /// The first pipeline (by path) with a scheduled security scan.
    pub fn scheduled_security_scan(&self) -> Option<Loc> {
        self.pipelines
            .iter()
            .find_map(Pipeline::scheduled_security_scan)
    }

    /// Every security scan of every pipeline.
    pub fn security_scans(&self) -> impl Iterator<Item = &SecurityScan> {
        self.pipelines.iter().flat_map(Pipeline::security_scans)
    }

    /// Any deploy job, anywhere.
    pub fn deploy_jobs(&self) -> impl Iterator<Item = (&Pipeline, &Job)> {
        self.pipelines
            .iter()
            .flat_map(|p| p.jobs.iter().map(move |j| (p, j)))
            .filter(|(_, j)| j.deploys.is_some())
    }
}

/// Parse context: the file and its errors (deduplicated, since `extends` chains can report
/// one problem once per job).
pub(crate) struct Cx<'a> {
    pub(crate) src: &'a Source,
    kind: FileKind,
    errors: &'a mut Vec<EvidenceError>,
    seen: BTreeSet<(usize, String)>,
}

impl Cx<'_> {
    fn error(&mut self, loc: &Loc, message: impl Into<String>) {
        let message = message.into();
        if self.seen.insert((loc.start, message.clone())) {
            self.errors
                .push(EvidenceError::new(loc.clone(), self.kind, message));
        }
    }

    /// A step built from its parts, classified from its name, action and script.
    fn step(
        &self,
        name: Option<Located<String>>,
        uses: Option<Located<String>>,
        run: Option<Located<String>>,
        loc: Loc,
    ) -> Step {
        let mut step = Step {
            name,
            uses,
            run,
            loc,
            runs_tests: None,
            deploys: None,
            smoke_test: None,
            security_scan: None,
            rollback: None,
            restore: None,
        };
        if let Some(run) = &step.run {
            let found = signals::scan_text(&run.value);
            let at = |r: Range<usize>| loc_in(self.src, &run.loc, &run.value, r);
            step.runs_tests = found.tests.map(|h| Signal {
                what: h.what,
                loc: at(h.range),
            });
            step.deploys = found.deploy.map(|h| Signal {
                what: h.what,
                loc: at(h.range),
            });
            step.smoke_test = found.smoke.map(|h| Signal {
                what: h.what,
                loc: at(h.range),
            });
            step.security_scan = found.scan.map(|(h, scanner, images)| SecurityScan {
                scanner,
                images,
                loc: at(h.range),
            });
            step.rollback = found.rollback.map(|h| Signal {
                what: h.what,
                loc: at(h.range),
            });
            step.restore = found.restore.map(|h| Signal {
                what: h.what,
                loc: at(h.range),
            });
        }
        if let Some(uses) = &step.uses {
            let found = signals::scan_uses(&uses.value);
            let sig = |h: signals::Hit| Signal {
                what: h.what,
                loc: uses.loc.clone(),
            };
            step.runs_tests = step.runs_tests.take().or(found.tests.map(sig));
            step.deploys = step.deploys.take().or(found.deploy.map(sig));
            step.smoke_test = step.smoke_test.take().or(found.smoke.map(sig));
            step.security_scan =
                step.security_scan
                    .take()
                    .or(found.scan.map(|(_, scanner, images)| SecurityScan {
                        scanner,
                        images,
                        loc: uses.loc.clone(),
                    }));
        }
        if step.smoke_test.is_none()
            && let Some(name) = &step.name
            && is_smoke_name(&name.value)
        {
            step.smoke_test = Some(Signal {
                what: format!("step named {}", name.value),
                loc: name.loc.clone(),
            });
        }
        step
    }
}

impl Job {
    /// A job with no classification yet.
    fn new(name: String, loc: Loc) -> Job {
        Job {
            name,
            display_name: None,
            loc,
            stage: None,
            phase: None,
            environment: None,
            needs: Vec::new(),
            uses: None,
            runs: Runs::default(),
            steps: Vec::new(),
            runs_tests: None,
            deploys: None,
            smoke_test: None,
            security_scan: None,
        }
    }

    /// Whether the job deploys to a test cluster rather than to the service's environments:
    /// a step creates a throwaway cluster (`kind create cluster`, `minikube start`,
    /// `k3d cluster create`, the `helm/kind-action`, `medyagh/setup-minikube` or k3d
    /// actions), or the job's environment or name is a test one (`e2e`, `test`, `tests`,
    /// `kind`, `minikube`, `k3d`, as a word).
    pub fn targets_test_cluster(&self) -> bool {
        const CREATES: [&str; 5] = [
            "kind create cluster",
            "minikube start",
            "k3d cluster create",
            "ctlptl create cluster",
            "kind load docker-image",
        ];
        const ACTIONS: [&str; 5] = [
            "helm/kind-action",
            "medyagh/setup-minikube",
            "absaoss/k3d-action",
            "nolar/setup-k3d-k3s",
            "engineerd/setup-kind",
        ];
        const WORDS: [&str; 6] = ["e2e", "test", "tests", "kind", "minikube", "k3d"];
        let creates = self.steps.iter().any(|s| {
            s.run.as_ref().is_some_and(|r| {
                let text = r.value.split_whitespace().collect::<Vec<_>>().join(" ");
                CREATES.iter().any(|c| text.contains(c))
            }) || s.uses.as_ref().is_some_and(|u| {
                let u = u.value.to_ascii_lowercase();
                ACTIONS.iter().any(|a| u.starts_with(a))
            })
        });
        let test_name = |name: &str| {
            name.to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| WORDS.contains(&w))
        };
        creates
            || self
                .environment
                .as_ref()
                .is_some_and(|e| test_name(&e.value))
            || [Some(&self.name), self.display_name.as_ref()]
                .into_iter()
                .flatten()
                .any(|n| test_name(n))
    }

    /// Job-level classification from the steps, falling back to what the parser found on the
    /// job itself (environment, name, reusable workflow).
    fn classify(&mut self, env_deploys: bool) {
        let steps = &self.steps;
        let job_deploy = self.deploys.take();
        let job_smoke = self.smoke_test.take();
        self.runs_tests = steps
            .iter()
            .find_map(|s| s.runs_tests.clone())
            .or(self.runs_tests.take());
        self.deploys = steps.iter().find_map(|s| s.deploys.clone()).or(job_deploy);
        // A deploy to a throwaway test cluster, or to an environment named for tests, is a
        // test of the manifests, not a deploy of the service.
        if self.deploys.is_some() && self.targets_test_cluster() {
            self.deploys = None;
        }
        if self.deploys.is_none()
            && env_deploys
            && let Some(env) = &self.environment
        {
            self.deploys = Some(Signal {
                what: format!("environment {}", env.value),
                loc: env.loc.clone(),
            });
        }
        let named = [Some(&self.name), self.display_name.as_ref()]
            .into_iter()
            .flatten()
            .chain(self.stage.as_ref().map(|s| &s.value))
            .find(|n| is_smoke_name(n))
            .map(|n| Signal {
                what: format!("job named {n}"),
                loc: self.loc.clone(),
            });
        self.smoke_test = steps
            .iter()
            .find_map(|s| s.smoke_test.clone())
            .or(named)
            .or(job_smoke);
        self.security_scan = steps
            .iter()
            .find_map(|s| s.security_scan.clone())
            .or(self.security_scan.take());
    }
}

/// The location of `text[range]`, where `text` is the string read at `at`: found by looking
/// for the matched line in the file within the value's span (block scalars drop indentation,
/// quoted ones add quotes); the value's own location when it cannot be found.
fn loc_in(src: &Source, at: &Loc, text: &str, range: Range<usize>) -> Loc {
    let start = range.start.min(text.len());
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i);
    let Some(line) = text.get(line_start..line_end) else {
        return at.clone();
    };
    let hay_end = at.end.max(at.start).min(src.text.len());
    if !line.trim().is_empty()
        && let Some(hay) = src.text.get(at.start..hay_end)
        && let Some(p) = hay.find(line)
    {
        let s = at.start + p + (start - line_start);
        return src.loc(s, s + range.len());
    }
    at.clone()
}

/// A GitHub branch filter pattern: `*` matches any run of characters except `/`, `**` any run
/// including `/`, `?` one character (globset with `literal_separator`, so `release/*` does not
/// match `release/1.2/hotfix`, as on GitHub). A pattern globset cannot read matches nothing.
fn glob_match(pattern: &str, text: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(text))
}

/// How a YAML node is described in error messages.
fn describe(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// A string, or a list of strings (other items skipped), as located strings.
fn strings(node: &Node) -> Vec<Located<String>> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.scalar_text().map(|s| Located::new(s, i.loc.clone())))
            .collect(),
        _ => node
            .scalar_text()
            .map(|s| vec![Located::new(s, node.loc.clone())])
            .unwrap_or_default(),
    }
}

/// A scalar as a located string.
fn located(node: &Node) -> Option<Located<String>> {
    node.scalar_text()
        .map(|s| Located::new(s, node.loc.clone()))
}

// The scanner's contract: an Option, and the documents by value. Every CI file yields at
// least its detection.
#[allow(clippy::unnecessary_wraps, clippy::needless_pass_by_value)]
pub(crate) fn parse(
    src: &Source,
    system: CiSystem,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Option<CiFile> {
    let mut cx = Cx {
        src,
        kind: FileKind::Ci(system),
        errors,
        seen: BTreeSet::new(),
    };
    let pipeline = match system {
        CiSystem::GitHubActions => github::parse(&mut cx, &docs),
        CiSystem::GitLab => gitlab::parse(&mut cx, &docs),
        CiSystem::Jenkins => Some(jenkins::parse(&cx)),
        CiSystem::CircleCi => other::circleci(&mut cx, &docs),
        CiSystem::AzurePipelines => other::azure(&mut cx, &docs),
        CiSystem::Buildkite => other::buildkite(&mut cx, &docs),
    };
    Some(CiFile {
        detected: Detected {
            system,
            loc: src.file_start(),
        },
        pipeline,
    })
}

pub(crate) fn assemble(files: Vec<CiFile>) -> Ci {
    let mut detected = Vec::with_capacity(files.len());
    let mut pipelines = Vec::with_capacity(files.len());
    for f in files {
        detected.push(f.detected);
        pipelines.extend(f.pipeline);
    }
    detected.sort_by(|a, b| (&a.loc.path, a.system).cmp(&(&b.loc.path, b.system)));
    pipelines.sort_by(|a, b| a.path.cmp(&b.path));
    github::link_reusable_workflows(&mut pipelines);
    Ci {
        pipelines,
        detected,
    }
}
