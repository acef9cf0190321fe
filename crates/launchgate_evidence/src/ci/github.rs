//! GitHub Actions workflows: `on:` triggers, jobs with `needs`, `if:`, `environment:` and
//! steps, and (across files) jobs that call local reusable workflows.

use std::collections::BTreeMap;

use super::when::{Classes, branch_classes, github_event, github_if};
use super::{Cx, Job, Located, Pipeline, Signal, Triggers, describe, located, signals, strings};
use crate::CiSystem;
use crate::yaml::{Node, Value};

pub(super) fn parse(cx: &mut Cx<'_>, docs: &[Node]) -> Option<Pipeline> {
    let Some(root) = docs.first() else {
        cx.error(
            &cx.src.file_start(),
            "empty workflow file: expected `on:` and `jobs:`",
        );
        return None;
    };
    if !root.is_map() {
        cx.error(
            &root.loc,
            format!(
                "expected a mapping at the top of a GitHub Actions workflow, found {}",
                describe(root)
            ),
        );
        return None;
    }
    let on = root.entry("on").or_else(|| root.entry("true"));
    let (triggers, classes) = if let Some(on) = on {
        triggers(cx, &on.value)
    } else {
        cx.error(&root.loc, "workflow has no `on:` triggers");
        (Triggers::empty(root.loc.clone()), Classes::NONE)
    };
    let mut pipeline = Pipeline {
        system: CiSystem::GitHubActions,
        path: cx.src.path.to_string(),
        loc: cx.src.file_start(),
        name: root.get("name").and_then(Node::scalar_text),
        triggers,
        jobs: Vec::new(),
        stages: Vec::new(),
        includes: Vec::new(),
        heuristic: false,
    };
    match root.get("jobs") {
        None => cx.error(&root.loc, "workflow has no `jobs:`"),
        Some(jobs) if !jobs.is_map() => cx.error(
            &jobs.loc,
            format!(
                "expected a mapping of job ids for `jobs`, found {}",
                describe(jobs)
            ),
        ),
        Some(jobs) => {
            for e in jobs.as_map() {
                if let Some(job) = job(cx, &e.key, &e.key_loc, &e.value, classes) {
                    pipeline.jobs.push(job);
                }
            }
        }
    }
    Some(pipeline)
}

fn triggers(cx: &mut Cx<'_>, on: &Node) -> (Triggers, Classes) {
    let mut t = Triggers::empty(on.loc.clone());
    let events: Vec<(String, crate::Loc, Option<&Node>)> = match &on.value {
        Value::Str(s) => vec![(s.clone(), on.loc.clone(), None)],
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(|s| (s.to_string(), i.loc.clone(), None)))
            .collect(),
        Value::Map(entries) => entries
            .iter()
            .map(|e| (e.key.clone(), e.key_loc.clone(), Some(&e.value)))
            .collect(),
        _ => {
            cx.error(
                &on.loc,
                format!(
                    "expected an event, a list of events or a mapping for `on`, found {}",
                    describe(on)
                ),
            );
            Vec::new()
        }
    };
    let mut classes = Classes::NONE;
    for (name, loc, config) in events {
        let list = |key: &str| -> Vec<String> {
            config
                .and_then(|c| c.get(key))
                .map(strings)
                .unwrap_or_default()
                .into_iter()
                .map(|l| l.value)
                .collect()
        };
        match name.as_str() {
            "push" => {
                t.push = Some(loc);
                t.push_branches = list("branches");
                t.push_branches_ignore = list("branches-ignore");
                t.tags = list("tags");
                let has = |k: &str| config.and_then(|c| c.get(k)).is_some();
                let branch_filter = has("branches") || has("branches-ignore");
                let tag_filter = has("tags") || has("tags-ignore");
                t.push_on_branches = branch_filter || !tag_filter;
                if tag_filter || !branch_filter {
                    classes = classes.or(Classes::TAG);
                }
                if t.push_on_branches {
                    // When the filters name `main` or `master`, that is the default branch.
                    let named: Vec<&str> = super::DEFAULT_BRANCHES
                        .iter()
                        .copied()
                        .filter(|b| {
                            t.push_branches
                                .iter()
                                .chain(&t.push_branches_ignore)
                                .any(|p| p.trim_start_matches('!') == *b)
                        })
                        .collect();
                    let candidates = if named.is_empty() {
                        super::DEFAULT_BRANCHES
                    } else {
                        &named[..]
                    };
                    if candidates.iter().any(|b| t.push_runs_on(b)) {
                        classes = classes.or(Classes::MAIN);
                    }
                    let other = t.push_branches.is_empty()
                        || t.push_branches
                            .iter()
                            .any(|p| !p.starts_with('!') && branch_classes(p).has(Classes::BRANCH));
                    if other {
                        classes = classes.or(Classes::BRANCH);
                    }
                }
            }
            "pull_request" | "pull_request_target" => {
                t.pull_request.get_or_insert(loc);
                t.pull_request_branches.extend(list("branches"));
                classes = classes.or(Classes::MR);
            }
            "schedule" => {
                let crons = config.map(Node::as_seq).unwrap_or_default();
                if let Some(c) = config.filter(|c| !matches!(c.value, Value::Seq(_))) {
                    cx.error(
                        &c.loc,
                        format!(
                            "expected a list of `- cron:` entries for `schedule`, found {}",
                            describe(c)
                        ),
                    );
                }
                for c in crons {
                    if let Some(cron) = c.get("cron").and_then(located) {
                        t.schedule.push(cron);
                    }
                }
                classes = classes.or(Classes::SCHEDULE);
            }
            "workflow_dispatch" | "repository_dispatch" => {
                t.manual.get_or_insert(loc);
                classes = classes.or(Classes::MANUAL);
            }
            "workflow_call" => t.workflow_call = Some(loc),
            other => {
                t.other.push(Located::new(other.to_string(), loc));
                classes = classes.or(github_event(other));
            }
        }
    }
    (t, classes)
}

fn job(
    cx: &mut Cx<'_>,
    id: &str,
    key_loc: &crate::Loc,
    node: &Node,
    classes: Classes,
) -> Option<Job> {
    if !node.is_map() {
        cx.error(
            &node.loc,
            format!("job `{id}`: expected a mapping, found {}", describe(node)),
        );
        return None;
    }
    let mut job = Job::new(id.to_string(), key_loc.clone());
    job.display_name = node.get("name").and_then(Node::scalar_text);
    if let Some(needs) = node.get("needs") {
        match &needs.value {
            Value::Str(_) | Value::Seq(_) => job.needs = strings(needs),
            _ => cx.error(
                &needs.loc,
                format!(
                    "job `{id}`: expected a job id or a list of job ids for `needs`, found {}",
                    describe(needs)
                ),
            ),
        }
    }
    job.environment = node.get("environment").and_then(|e| match &e.value {
        Value::Map(_) => e.get("name").and_then(located),
        _ => located(e),
    });
    job.uses = node.get("uses").and_then(located);
    let cond = node.get("if");
    let mut c = classes;
    if let Some(expr) = cond.and_then(Node::scalar_text) {
        c = c.and(github_if(&expr));
        // `pull_request: types: [closed]` + `merged == true`: runs once the change is merged
        // into its base branch, which is a deploy on merge, not a pull request check.
        if expr.contains("pull_request.merged") && c.has(Classes::MR) {
            c = c.minus(Classes::MR).or(Classes::MAIN);
        }
    }
    job.runs = c.runs(true, cond.map(|n| n.loc.clone()));
    match node.get("steps") {
        None => {}
        Some(steps) => match &steps.value {
            Value::Seq(items) => {
                for (i, s) in items.iter().enumerate() {
                    if let Some(step) = step(cx, id, i, s) {
                        job.steps.push(step);
                    }
                }
            }
            _ => cx.error(
                &steps.loc,
                format!(
                    "job `{id}`: expected a list for `steps`, found {}",
                    describe(steps)
                ),
            ),
        },
    }
    let production = job
        .environment
        .as_ref()
        .is_some_and(|e| signals::is_production(&e.value));
    job.classify(production);
    Some(job)
}

fn step(cx: &mut Cx<'_>, job: &str, index: usize, node: &Node) -> Option<super::Step> {
    if !node.is_map() {
        cx.error(
            &node.loc,
            format!(
                "job `{job}` step {}: expected a mapping, found {}",
                index + 1,
                describe(node)
            ),
        );
        return None;
    }
    let run = match node.get("run") {
        Some(r) if matches!(r.value, Value::Seq(_) | Value::Map(_)) => {
            cx.error(
                &r.loc,
                format!(
                    "job `{job}` step {}: expected a string for `run`, found {}",
                    index + 1,
                    describe(r)
                ),
            );
            None
        }
        Some(r) => located(r),
        None => None,
    };
    let name = node.get("name").and_then(located);
    let uses = node.get("uses").and_then(located);
    Some(cx.step(name, uses, run, node.loc.clone()))
}

/// What a called workflow's jobs do: tests, deploys, smoke test, security scan.
type Inherited = (
    Option<Signal>,
    Option<Signal>,
    Option<Signal>,
    Option<super::SecurityScan>,
);

/// Jobs that call a reusable workflow of this repository (`uses: ./.github/workflows/x.yml`)
/// take the classification of the called workflow's jobs (evidence located in that file).
pub(super) fn link_reusable_workflows(pipelines: &mut [Pipeline]) {
    let called: BTreeMap<String, Inherited> = pipelines
        .iter()
        .filter(|p| p.system == CiSystem::GitHubActions)
        .map(|p| {
            let first = |f: fn(&Job) -> Option<&Signal>| p.jobs.iter().find_map(f).cloned();
            (
                p.path.clone(),
                (
                    first(|j| j.runs_tests.as_ref()),
                    first(|j| j.deploys.as_ref()),
                    first(|j| j.smoke_test.as_ref()),
                    p.jobs.iter().find_map(|j| j.security_scan.clone()),
                ),
            )
        })
        .collect();
    for p in pipelines
        .iter_mut()
        .filter(|p| p.system == CiSystem::GitHubActions)
    {
        for job in &mut p.jobs {
            let Some(uses) = &job.uses else { continue };
            let Some(path) = uses.value.strip_prefix("./") else {
                continue;
            };
            let path = path.split('@').next().unwrap_or(path);
            let Some((tests, deploys, smoke, scan)) = called.get(path) else {
                continue;
            };
            job.runs_tests = job.runs_tests.take().or_else(|| tests.clone());
            job.deploys = job.deploys.take().or_else(|| deploys.clone());
            job.smoke_test = job.smoke_test.take().or_else(|| smoke.clone());
            job.security_scan = job.security_scan.take().or_else(|| scan.clone());
        }
    }
}
