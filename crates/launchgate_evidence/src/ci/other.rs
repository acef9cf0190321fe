//! CircleCI, Azure Pipelines and Buildkite: jobs, their commands, dependencies and the branch
//! filters that are easy to read. Lighter than the GitHub and GitLab readers (`heuristic`).

use std::collections::BTreeMap;

use super::when::{Classes, branch_classes};
use super::{Cx, Job, Located, Pipeline, Step, Triggers, describe, located, strings};
use crate::CiSystem;
use crate::yaml::{Node, Value};

fn pipeline(cx: &Cx<'_>, system: CiSystem, triggers: Triggers) -> Pipeline {
    Pipeline {
        system,
        path: cx.src.path.to_string(),
        loc: cx.src.file_start(),
        name: None,
        triggers,
        jobs: Vec::new(),
        stages: Vec::new(),
        includes: Vec::new(),
        heuristic: true,
    }
}

/// What builds of every branch may run on.
fn all_branches() -> Classes {
    Classes::MAIN.or(Classes::BRANCH).or(Classes::MANUAL)
}

fn root_map<'a>(cx: &mut Cx<'_>, docs: &'a [Node], what: &str) -> Option<&'a Node> {
    let root = docs.first()?;
    if root.is_map() {
        Some(root)
    } else {
        cx.error(
            &root.loc,
            format!(
                "expected a mapping at the top of a {what} file, found {}",
                describe(root)
            ),
        );
        None
    }
}

/// Branch filter lists (`only` / `ignore`, Buildkite `branches: "main !wip"`): the classes
/// they allow.
fn branch_filter(only: &[String], ignore: &[String]) -> Classes {
    let mut c = if only.is_empty() {
        Classes::MAIN.or(Classes::BRANCH)
    } else {
        only.iter().fold(Classes::NONE, |c, b| {
            if b.starts_with('/') {
                let main = super::DEFAULT_BRANCHES.iter().any(|d| b.contains(d));
                c.or(if main { Classes::MAIN } else { Classes::BRANCH })
            } else {
                c.or(branch_classes(b))
            }
        })
    };
    if ignore
        .iter()
        .any(|b| super::DEFAULT_BRANCHES.contains(&b.as_str()))
    {
        c = c.minus(Classes::MAIN);
    }
    c
}

fn values(node: Option<&Node>) -> Vec<String> {
    node.map(strings)
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.value)
        .collect()
}

pub(super) fn circleci(cx: &mut Cx<'_>, docs: &[Node]) -> Option<Pipeline> {
    let root = root_map(cx, docs, "CircleCI config")?;
    let mut p = pipeline(cx, CiSystem::CircleCi, Triggers::empty(cx.src.file_start()));
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(jobs) = root.get("jobs") {
        if jobs.is_map() {
            for e in jobs.as_map() {
                let mut job = Job::new(e.key.clone(), e.key_loc.clone());
                if let Some(steps) = e.value.get("steps") {
                    job.steps = circleci_steps(cx, steps);
                }
                index.insert(e.key.clone(), p.jobs.len());
                p.jobs.push(job);
            }
        } else {
            cx.error(
                &jobs.loc,
                format!(
                    "expected a mapping of jobs for `jobs`, found {}",
                    describe(jobs)
                ),
            );
        }
    }
    // Runs per job, gathered over every workflow that lists it.
    let mut runs: BTreeMap<usize, (Classes, bool, bool)> = BTreeMap::new();
    for wf in root.get("workflows").map(Node::as_map).unwrap_or_default() {
        if wf.key == "version" {
            continue;
        }
        let crons: Vec<Located<String>> = wf
            .value
            .get("triggers")
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t.at(&["schedule", "cron"]).and_then(located))
            .collect();
        let scheduled = !crons.is_empty();
        p.triggers.schedule.extend(crons);
        for item in wf.value.get("jobs").map(Node::as_seq).unwrap_or_default() {
            let (name, loc, cfg) = match &item.value {
                Value::Map(entries) => match entries.first() {
                    Some(e) => (e.key.clone(), e.key_loc.clone(), Some(&e.value)),
                    None => continue,
                },
                _ => match item.scalar_text() {
                    Some(s) => (s, item.loc.clone(), None),
                    None => continue,
                },
            };
            let idx = *index.entry(name.clone()).or_insert_with(|| {
                // A job from an orb (`aws-ecs/deploy-service-update`).
                let mut job = Job::new(name.clone(), loc.clone());
                job.uses = Some(Located::new(name.clone(), loc.clone()));
                p.jobs.push(job);
                p.jobs.len() - 1
            });
            let mut c = if scheduled {
                Classes::SCHEDULE
            } else {
                let b = cfg.and_then(|c| c.at(&["filters", "branches"]));
                let mut c = branch_filter(
                    &values(b.and_then(|b| b.get("only"))),
                    &values(b.and_then(|b| b.get("ignore"))),
                )
                .or(Classes::MANUAL);
                if cfg
                    .and_then(|c| c.at(&["filters", "tags", "only"]))
                    .is_some()
                {
                    c = c.or(Classes::TAG);
                }
                c
            };
            let approval =
                cfg.and_then(|c| c.get("type")).and_then(Node::as_str) == Some("approval");
            if let Some(job) = p.jobs.get_mut(idx) {
                job.needs.extend(
                    cfg.and_then(|c| c.get("requires"))
                        .map(strings)
                        .unwrap_or_default(),
                );
            }
            let e = runs.entry(idx).or_insert((Classes::NONE, false, false));
            c = e.0.or(c);
            *e = (c, e.1 || scheduled, e.2 || approval);
        }
    }
    for (i, job) in p.jobs.iter_mut().enumerate() {
        let (c, scheduled, approval) =
            runs.get(&i)
                .copied()
                .unwrap_or((all_branches(), false, false));
        job.runs = c.runs(scheduled, None);
        job.runs.when_manual = approval;
        if let Some(uses) = job.uses.clone() {
            let loc = uses.loc.clone();
            job.steps.push(cx.step(None, Some(uses), None, loc));
        }
        job.classify(false);
    }
    Some(p)
}

fn circleci_steps(cx: &Cx<'_>, steps: &Node) -> Vec<Step> {
    let mut out = Vec::new();
    for item in steps.as_seq() {
        match &item.value {
            Value::Map(entries) => {
                let Some(e) = entries.first() else { continue };
                if e.key == "run" {
                    let (name, run) = match &e.value.value {
                        Value::Map(_) => (
                            e.value.get("name").and_then(located),
                            e.value.get("command").and_then(located),
                        ),
                        _ => (None, located(&e.value)),
                    };
                    out.push(cx.step(name, None, run, item.loc.clone()));
                } else {
                    let uses = Located::new(e.key.clone(), e.key_loc.clone());
                    out.push(cx.step(None, Some(uses), None, item.loc.clone()));
                }
            }
            _ => {
                if let Some(uses) = located(item) {
                    out.push(cx.step(None, Some(uses), None, item.loc.clone()));
                }
            }
        }
    }
    out
}

pub(super) fn azure(cx: &mut Cx<'_>, docs: &[Node]) -> Option<Pipeline> {
    let root = root_map(cx, docs, "Azure Pipelines")?;
    let mut t = Triggers::empty(cx.src.file_start());
    let mut base = Classes::MANUAL;
    let none = |n: &Node| n.as_str() == Some("none");
    match root.get("trigger") {
        Some(n) if none(n) => {}
        Some(n) => {
            let (inc, exc) = match &n.value {
                Value::Map(_) => (
                    values(n.at(&["branches", "include"])),
                    values(n.at(&["branches", "exclude"])),
                ),
                _ => (values(Some(n)), Vec::new()),
            };
            t.push = Some(n.loc.clone());
            t.push_on_branches = true;
            t.push_branches.clone_from(&inc);
            t.push_branches_ignore.clone_from(&exc);
            base = base.or(branch_filter(&inc, &exc));
        }
        None => {
            t.push = Some(t.loc.clone());
            t.push_on_branches = true;
            base = base.or(Classes::MAIN).or(Classes::BRANCH);
        }
    }
    match root.get("pr") {
        Some(n) if none(n) => {}
        Some(n) => {
            t.pull_request = Some(n.loc.clone());
            base = base.or(Classes::MR);
        }
        None => base = base.or(Classes::MR),
    }
    for s in root.get("schedules").map(Node::as_seq).unwrap_or_default() {
        if let Some(cron) = s.get("cron").and_then(located) {
            t.schedule.push(cron);
            base = base.or(Classes::SCHEDULE);
        }
    }
    let scheduled = !t.schedule.is_empty();
    let mut p = pipeline(cx, CiSystem::AzurePipelines, t);
    p.name = root.get("name").and_then(Node::scalar_text);
    let stages = root.get("stages").map(Node::as_seq).unwrap_or_default();
    if stages.is_empty() {
        let jobs = root.get("jobs").map(Node::as_seq).unwrap_or_default();
        if jobs.is_empty() && root.get("steps").is_some() {
            let mut job = Job::new("job".to_string(), root.loc.clone());
            job.steps = azure_steps(cx, root);
            job.runs = base.runs(scheduled, None);
            job.classify(false);
            p.jobs.push(job);
        }
        for j in jobs {
            p.jobs.extend(azure_job(cx, j, None, base, scheduled));
        }
    }
    for (i, stage) in stages.iter().enumerate() {
        let Some(name) = stage.get("stage").and_then(located) else {
            continue;
        };
        p.stages.push(name.clone());
        let cond = stage.get("condition").and_then(Node::scalar_text);
        let c = cond
            .as_deref()
            .map_or(base, |e| base.and(azure_condition(e)));
        for j in stage.get("jobs").map(Node::as_seq).unwrap_or_default() {
            p.jobs
                .extend(azure_job(cx, j, Some((&name, i)), c, scheduled));
        }
    }
    Some(p)
}

fn azure_job(
    cx: &Cx<'_>,
    node: &Node,
    stage: Option<(&Located<String>, usize)>,
    classes: Classes,
    scheduled: bool,
) -> Option<Job> {
    let deployment = node.get("deployment").and_then(located);
    let name = node
        .get("job")
        .and_then(located)
        .or_else(|| deployment.clone())?;
    let mut job = Job::new(name.value, name.loc);
    job.display_name = node.get("displayName").and_then(Node::scalar_text);
    if let Some((s, i)) = stage {
        job.stage = Some(s.clone());
        job.phase = Some(i);
    }
    job.needs = node.get("dependsOn").map(strings).unwrap_or_default();
    job.environment = node.get("environment").and_then(|e| match &e.value {
        Value::Map(_) => e.get("name").and_then(located),
        _ => located(e),
    });
    let cond = node.get("condition");
    let c = cond
        .and_then(Node::scalar_text)
        .map_or(classes, |e| classes.and(azure_condition(&e)));
    job.runs = c.runs(scheduled, cond.map(|n| n.loc.clone()));
    job.steps = azure_steps(cx, node);
    job.classify(deployment.is_some());
    Some(job)
}

/// Every step list under a job (deployment strategies nest them).
fn azure_steps(cx: &Cx<'_>, node: &Node) -> Vec<Step> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        for e in n.as_map().iter().rev() {
            if e.key == "steps" {
                for s in e.value.as_seq() {
                    let run = ["script", "bash", "pwsh", "powershell"]
                        .iter()
                        .find_map(|k| s.get(k).and_then(located));
                    let uses = s.get("task").and_then(located);
                    if run.is_some() || uses.is_some() {
                        let name = s.get("displayName").and_then(located);
                        out.push(cx.step(name, uses, run, s.loc.clone()));
                    }
                }
            } else if e.value.is_map() {
                stack.push(&e.value);
            }
        }
    }
    out
}

/// A job or stage `condition:` (only the common branch, PR and schedule tests are read).
fn azure_condition(expr: &str) -> Classes {
    let l = expr
        .to_ascii_lowercase()
        .replace(' ', "")
        .replace("variables['", "variables.")
        .replace("']", "");
    let mut c = Classes::ALL;
    let main = super::DEFAULT_BRANCHES.iter().any(|b| {
        l.contains(&format!(
            "eq(variables.build.sourcebranch,'refs/heads/{b}')"
        )) || l.contains(&format!("eq(variables.build.sourcebranchname,'{b}')"))
    });
    if main {
        c = c.and(Classes::MAIN.or(Classes::SCHEDULE).or(Classes::MANUAL));
    }
    if l.contains("eq(variables.build.reason,'pullrequest')") {
        c = c.and(Classes::MR);
    }
    if l.contains("ne(variables.build.reason,'pullrequest')") {
        c = c.minus(Classes::MR);
    }
    if l.contains("eq(variables.build.reason,'schedule')") {
        c = c.and(Classes::SCHEDULE);
    }
    c
}

pub(super) fn buildkite(cx: &mut Cx<'_>, docs: &[Node]) -> Option<Pipeline> {
    let root = docs.first()?;
    let steps = match &root.value {
        Value::Seq(_) => root,
        Value::Map(_) => match root.get("steps") {
            Some(s) if matches!(s.value, Value::Seq(_)) => s,
            Some(s) => {
                cx.error(
                    &s.loc,
                    format!("expected a list for `steps`, found {}", describe(s)),
                );
                return None;
            }
            None => {
                return Some(pipeline(
                    cx,
                    CiSystem::Buildkite,
                    Triggers::empty(cx.src.file_start()),
                ));
            }
        },
        _ => {
            cx.error(
                &root.loc,
                format!(
                    "expected a mapping or a list of steps in a Buildkite pipeline, found {}",
                    describe(root)
                ),
            );
            return None;
        }
    };
    let mut p = pipeline(
        cx,
        CiSystem::Buildkite,
        Triggers::empty(cx.src.file_start()),
    );
    let mut state = (0usize, false);
    buildkite_steps(cx, steps, &mut state, &mut p.jobs, 0);
    Some(p)
}

/// Walks a step list; `state` is (phase, a `block` came before).
fn buildkite_steps(
    cx: &Cx<'_>,
    steps: &Node,
    state: &mut (usize, bool),
    out: &mut Vec<Job>,
    depth: usize,
) {
    for item in steps.as_seq() {
        let gate = |k: &str| item.as_str() == Some(k) || item.get(k).is_some();
        if gate("wait") || gate("waiter") {
            state.0 += 1;
            continue;
        }
        if gate("block") || gate("input") {
            state.0 += 1;
            state.1 = true;
            continue;
        }
        if let Some(group) = item.get("steps").filter(|_| depth < 8) {
            buildkite_steps(cx, group, state, out, depth + 1);
            continue;
        }
        if !item.is_map() || item.get("trigger").is_some() {
            continue;
        }
        let label = ["key", "label", "name"]
            .iter()
            .find_map(|k| item.get(k).and_then(located));
        let (name, loc) = match label {
            Some(l) => (l.value, l.loc),
            None => (format!("step {}", out.len() + 1), item.loc.clone()),
        };
        let mut job = Job::new(name, loc);
        job.display_name = item.get("label").and_then(Node::scalar_text);
        job.phase = Some(state.0);
        for key in ["command", "commands"] {
            for cmd in item.get(key).map(strings).unwrap_or_default() {
                let at = cmd.loc.clone();
                job.steps.push(cx.step(None, None, Some(cmd), at));
            }
        }
        for plugin in item.get("plugins").map(Node::as_seq).unwrap_or_default() {
            let uses = match &plugin.value {
                Value::Map(entries) => entries
                    .first()
                    .map(|e| Located::new(e.key.clone(), e.key_loc.clone())),
                _ => located(plugin),
            };
            if let Some(uses) = uses {
                let at = uses.loc.clone();
                job.steps.push(cx.step(None, Some(uses), None, at));
            }
        }
        job.needs = match item.get("depends_on") {
            Some(d) => match &d.value {
                Value::Seq(items) => items
                    .iter()
                    .filter_map(|i| match &i.value {
                        Value::Map(_) => i.get("step").and_then(located),
                        _ => located(i),
                    })
                    .collect(),
                _ => strings(d),
            },
            None => Vec::new(),
        };
        let mut c = all_branches();
        if let Some(b) = item.get("branches").and_then(Node::scalar_text) {
            let (only, ignore): (Vec<&str>, Vec<&str>) =
                b.split_whitespace().partition(|p| !p.starts_with('!'));
            let only: Vec<String> = only.into_iter().map(str::to_string).collect();
            let ignore: Vec<String> = ignore
                .into_iter()
                .map(|p| p.trim_start_matches('!').to_string())
                .collect();
            c = branch_filter(&only, &ignore).or(Classes::MANUAL);
        }
        let cond = item.get("if");
        let mut explicit_schedule = false;
        if let Some(expr) = cond.and_then(Node::scalar_text) {
            let (ec, sched) = buildkite_if(&expr);
            c = c.and(ec);
            explicit_schedule = sched;
            if sched {
                c = c.or(Classes::SCHEDULE);
            }
        }
        job.runs = c.runs(explicit_schedule, cond.map(|n| n.loc.clone()));
        job.runs.when_manual = state.1;
        job.classify(false);
        out.push(job);
    }
}

/// A Buildkite `if:`: the branch, PR, tag and schedule tests that are easy to read.
fn buildkite_if(expr: &str) -> (Classes, bool) {
    let l = expr
        .to_ascii_lowercase()
        .replace(' ', "")
        .replace('\'', "\"");
    let mut c = Classes::ALL;
    let main = l.contains("build.branch==pipeline.default_branch")
        || super::DEFAULT_BRANCHES
            .iter()
            .any(|b| l.contains(&format!("build.branch==\"{b}\"")));
    if main {
        c = c.and(Classes::MAIN.or(Classes::MANUAL).or(Classes::SCHEDULE));
    }
    if l.contains("build.pull_request.id!=null") {
        c = c.and(Classes::MR);
    }
    if l.contains("build.tag!=null") {
        c = c.and(Classes::TAG);
    }
    let schedule = l.contains("build.source==\"schedule\"");
    if schedule {
        c = c.and(Classes::SCHEDULE);
    }
    (c, schedule)
}
