//! GitLab CI: jobs (hidden `.templates` excluded) with `extends` resolved from templates of the
//! same file (deep merge, cycle-safe), `!reference` script lines, `default:` scripts, stages,
//! `rules` / `only` / `except` / `workflow:rules`, and `include:` entries.

use std::collections::BTreeMap;

use super::when::{Classes, Gate, gitlab_only_except, gitlab_rules};
use super::{
    Cx, Include, IncludeKind, Job, Located, Pipeline, Step, Triggers, describe, located, signals,
    strings,
};
use crate::CiSystem;
use crate::yaml::{Entry, Node, Value};

/// Top-level keys that configure the pipeline rather than name a job.
const RESERVED: &[&str] = &[
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "spec",
    "types",
];

/// GitLab's own limit on `extends` nesting.
const MAX_EXTENDS_DEPTH: usize = 11;

/// How deep `!reference` tags are followed.
const MAX_REFERENCE_DEPTH: usize = 4;

const DEFAULT_STAGES: &[&str] = &["build", "test", "deploy"];

struct Resolver<'a> {
    templates: BTreeMap<&'a str, &'a Node>,
    cache: BTreeMap<String, Node>,
    has_includes: bool,
}

pub(super) fn parse(cx: &mut Cx<'_>, docs: &[Node]) -> Option<Pipeline> {
    // A component's `spec:` header is its own document.
    let root = docs
        .iter()
        .find(|d| !(d.is_map() && d.as_map().iter().all(|e| e.key == "spec")));
    let Some(root) = root else {
        cx.error(&cx.src.file_start(), "empty GitLab CI file: no jobs");
        return None;
    };
    if !root.is_map() {
        cx.error(
            &root.loc,
            format!(
                "expected a mapping at the top of a GitLab CI file, found {}",
                describe(root)
            ),
        );
        return None;
    }
    let includes = root
        .get("include")
        .map(|n| includes(cx, n))
        .unwrap_or_default();
    let mut stages = Vec::new();
    match root.get("stages") {
        Some(
            n @ Node {
                value: Value::Seq(_),
                ..
            },
        ) => stages = strings(n),
        Some(n) if !n.is_null() => cx.error(
            &n.loc,
            format!(
                "expected a list of stage names for `stages`, found {}",
                describe(n)
            ),
        ),
        _ => {}
    }
    let mut order: Vec<String> = vec![".pre".to_string()];
    if stages.is_empty() {
        order.extend(DEFAULT_STAGES.iter().map(|s| (*s).to_string()));
    } else {
        order.extend(stages.iter().map(|s| s.value.clone()));
    }
    order.push(".post".to_string());

    let workflow_rules = root.at(&["workflow", "rules"]);
    let workflow = match workflow_rules {
        Some(r) => gitlab_rules(r),
        None => Gate {
            classes: Classes::ALL,
            explicit: Classes::NONE,
            when_manual: false,
        },
    };
    let mut triggers = Triggers::empty(
        root.get("workflow")
            .map_or_else(|| cx.src.file_start(), |w| w.loc.clone()),
    );
    if workflow.classes.has(Classes::MAIN.or(Classes::BRANCH)) {
        triggers.push = Some(triggers.loc.clone());
        triggers.push_on_branches = true;
    }
    let mut resolver = Resolver {
        templates: root
            .as_map()
            .iter()
            .map(|e| (e.key.as_str(), &e.value))
            .collect(),
        cache: BTreeMap::new(),
        has_includes: !includes.is_empty(),
    };
    let defaults = Defaults {
        before: root
            .at(&["default", "before_script"])
            .or_else(|| root.get("before_script")),
        after: root
            .at(&["default", "after_script"])
            .or_else(|| root.get("after_script")),
    };
    let mut jobs = Vec::new();
    for e in root.as_map() {
        if RESERVED.contains(&e.key.as_str()) || e.key.starts_with('.') {
            continue;
        }
        if !e.value.is_map() {
            cx.error(
                &e.value.loc,
                format!(
                    "job `{}`: expected a mapping, found {}",
                    e.key,
                    describe(&e.value)
                ),
            );
            continue;
        }
        let mut stack = vec![e.key.clone()];
        let node = resolver.resolve(cx, &e.key, &e.value, &mut stack, 0);
        jobs.push(job(cx, e, &node, &order, workflow, &defaults, &resolver));
    }
    if jobs.is_empty() && includes.is_empty() {
        cx.error(
            &root.loc,
            "no jobs: every top-level key is hidden (`.name`) or a keyword",
        );
    }
    triggers.merge_request = jobs
        .iter()
        .find(|j| j.runs.pull_request)
        .map(|j| j.runs.condition.clone().unwrap_or_else(|| j.loc.clone()));
    Some(Pipeline {
        system: CiSystem::GitLab,
        path: cx.src.path.to_string(),
        loc: cx.src.file_start(),
        name: None,
        triggers,
        jobs,
        stages,
        includes,
        heuristic: false,
    })
}

struct Defaults<'a> {
    before: Option<&'a Node>,
    after: Option<&'a Node>,
}

impl Resolver<'_> {
    fn resolve(
        &mut self,
        cx: &mut Cx<'_>,
        name: &str,
        node: &Node,
        stack: &mut Vec<String>,
        depth: usize,
    ) -> Node {
        let Some(ext) = node.get("extends") else {
            return node.clone();
        };
        if !matches!(ext.value, Value::Str(_) | Value::Seq(_)) {
            cx.error(
                &ext.loc,
                format!(
                    "job `{name}`: expected a template name or a list of names for `extends`, found {}",
                    describe(ext)
                ),
            );
            return without_extends(node);
        }
        if depth >= MAX_EXTENDS_DEPTH {
            cx.error(
                &ext.loc,
                format!("job `{name}`: `extends` nested deeper than {MAX_EXTENDS_DEPTH} levels"),
            );
            return without_extends(node);
        }
        let mut base: Option<Node> = None;
        for parent in strings(ext) {
            let p = parent.value.as_str();
            if stack.iter().any(|s| s == p) {
                let mut chain = stack.clone();
                chain.push(p.to_string());
                cx.error(
                    &parent.loc,
                    format!("circular `extends`: {}", chain.join(" -> ")),
                );
                continue;
            }
            let Some(&t) = self.templates.get(p) else {
                // It may come from an included file, which is not read.
                if !self.has_includes {
                    cx.error(
                        &parent.loc,
                        format!("job `{name}` extends `{p}`, which is not defined in this file"),
                    );
                }
                continue;
            };
            if !t.is_map() {
                cx.error(
                    &parent.loc,
                    format!(
                        "job `{name}` extends `{p}`, which is {}, not a mapping",
                        describe(t)
                    ),
                );
                continue;
            }
            let resolved = if let Some(r) = self.cache.get(p) {
                r.clone()
            } else {
                stack.push(p.to_string());
                let r = self.resolve(cx, p, t, stack, depth + 1);
                stack.pop();
                self.cache.insert(p.to_string(), r.clone());
                r
            };
            base = Some(match base {
                None => resolved,
                Some(b) => merge(b, resolved),
            });
        }
        let own = without_extends(node);
        match base {
            Some(b) => merge(b, own),
            None => own,
        }
    }

    /// The node a `!reference [.template, key, ...]` line points at.
    fn reference(&self, path: &[Node]) -> Option<&Node> {
        let (first, rest) = path.split_first()?;
        let mut node = *self.templates.get(first.as_str()?)?;
        for k in rest {
            node = node.get(k.as_str()?)?;
        }
        Some(node)
    }
}

fn without_extends(node: &Node) -> Node {
    match &node.value {
        Value::Map(entries) => Node {
            loc: node.loc.clone(),
            value: Value::Map(
                entries
                    .iter()
                    .filter(|e| e.key != "extends")
                    .cloned()
                    .collect(),
            ),
        },
        _ => node.clone(),
    }
}

/// GitLab's `extends` merge: mappings merge deeply, everything else (lists too) is replaced.
fn merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            for e in o {
                match b.iter_mut().find(|x| x.key == e.key) {
                    Some(existing) => {
                        let placeholder = Node {
                            loc: e.value.loc.clone(),
                            value: Value::Null,
                        };
                        let old = std::mem::replace(&mut existing.value, placeholder);
                        existing.value = merge(old, e.value);
                        existing.key_loc = e.key_loc;
                    }
                    None => b.push(e),
                }
            }
            Node {
                loc: over.loc,
                value: Value::Map(b),
            }
        }
        (_, value) => Node {
            loc: over.loc,
            value,
        },
    }
}

fn job(
    cx: &mut Cx<'_>,
    entry: &Entry,
    node: &Node,
    order: &[String],
    workflow: Gate,
    defaults: &Defaults<'_>,
    resolver: &Resolver<'_>,
) -> Job {
    let name = entry.key.as_str();
    let mut job = Job::new(name.to_string(), entry.key_loc.clone());
    let stage = match node.get("stage").and_then(located) {
        Some(s) => {
            if !order.contains(&s.value) && !resolver.has_includes {
                cx.error(
                    &s.loc,
                    format!(
                        "job `{name}`: stage `{}` is not listed in `stages`",
                        s.value
                    ),
                );
            }
            s
        }
        None => Located::new("test".to_string(), entry.key_loc.clone()),
    };
    job.phase = order.iter().position(|o| *o == stage.value);
    job.stage = Some(stage);

    let mut env_deploys = false;
    if let Some(env) = node.get("environment") {
        job.environment = match &env.value {
            Value::Map(_) => env.get("name").and_then(located),
            _ => located(env),
        };
        let action = env.get("action").and_then(Node::as_str).unwrap_or("start");
        env_deploys = job.environment.is_some() && action == "start";
    }
    if let Some(needs) = node.get("needs") {
        match &needs.value {
            Value::Seq(items) => {
                for i in items {
                    let n = match &i.value {
                        Value::Map(_) => i.get("job").and_then(located),
                        _ => located(i),
                    };
                    job.needs.extend(n);
                }
            }
            _ => cx.error(
                &needs.loc,
                format!(
                    "job `{name}`: expected a list for `needs`, found {}",
                    describe(needs)
                ),
            ),
        }
    }

    let inherit = node.at(&["inherit", "default"]);
    let inherits = |key: &str| match inherit.map(|n| &n.value) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Seq(items)) => items.iter().any(|i| i.as_str() == Some(key)),
        _ => true,
    };
    let sections = [
        (
            "before_script",
            node.get("before_script")
                .or(defaults.before.filter(|_| inherits("before_script"))),
        ),
        ("script", node.get("script")),
        (
            "after_script",
            node.get("after_script")
                .or(defaults.after.filter(|_| inherits("after_script"))),
        ),
    ];
    for (section, n) in sections {
        if let Some(n) = n {
            script_steps(cx, resolver, name, section, n, 0, &mut job.steps);
        }
    }
    let runnable = ["script", "trigger", "run"]
        .iter()
        .any(|k| node.get(k).is_some());
    if !runnable && !resolver.has_includes {
        cx.error(
            &entry.key_loc,
            format!("job `{name}` has no `script` (or `trigger`)"),
        );
    }

    let rules = node.get("rules");
    let mut gate = match rules {
        Some(r) => {
            if !matches!(r.value, Value::Seq(_)) {
                cx.error(
                    &r.loc,
                    format!(
                        "job `{name}`: expected a list for `rules`, found {}",
                        describe(r)
                    ),
                );
            }
            gitlab_rules(r)
        }
        None => gitlab_only_except(node.get("only"), node.get("except")),
    };
    let when = node.get("when").and_then(Node::as_str);
    if rules.is_none() && when == Some("manual") {
        gate.when_manual = true;
    }
    let classes = gate.classes.and(workflow.classes);
    let explicit = gate.explicit.or(workflow.explicit);
    let condition = rules
        .or_else(|| node.get("only"))
        .or_else(|| node.get("except"))
        .map(|n| n.loc.clone());
    job.runs = classes.runs(explicit.has(Classes::SCHEDULE), condition);
    job.runs.when_manual = gate.when_manual;
    job.classify(env_deploys);
    job
}

fn script_steps(
    cx: &mut Cx<'_>,
    resolver: &Resolver<'_>,
    job: &str,
    section: &str,
    node: &Node,
    depth: usize,
    out: &mut Vec<Step>,
) {
    let step = |cx: &Cx<'_>, n: &Node| {
        n.scalar_text().map(|text| {
            cx.step(
                Some(Located::new(section.to_string(), n.loc.clone())),
                None,
                Some(Located::new(text, n.loc.clone())),
                n.loc.clone(),
            )
        })
    };
    match &node.value {
        Value::Null => {}
        Value::Seq(items) => {
            for item in items {
                match &item.value {
                    Value::Seq(path) => {
                        if depth >= MAX_REFERENCE_DEPTH {
                            continue;
                        }
                        // `!reference [.setup, script]` arrives as a plain list; other nested
                        // lists are flattened, as GitLab does.
                        let names_template = path
                            .first()
                            .and_then(Node::as_str)
                            .is_some_and(|n| resolver.templates.contains_key(n));
                        let target = if names_template {
                            match resolver.reference(path) {
                                Some(t) => t,
                                None => continue,
                            }
                        } else {
                            item
                        };
                        script_steps(cx, resolver, job, section, target, depth + 1, out);
                    }
                    Value::Map(_) => cx.error(
                        &item.loc,
                        format!("job `{job}`: expected a string in `{section}`, found a mapping"),
                    ),
                    _ => out.extend(step(cx, item)),
                }
            }
        }
        Value::Map(_) => cx.error(
            &node.loc,
            format!(
                "job `{job}`: expected a string or a list of strings for `{section}`, found a mapping"
            ),
        ),
        _ => out.extend(step(cx, node)),
    }
}

fn includes(cx: &mut Cx<'_>, node: &Node) -> Vec<Include> {
    let mut out = Vec::new();
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    for item in items {
        match &item.value {
            Value::Str(s) => {
                let kind = if s.starts_with("http://") || s.starts_with("https://") {
                    IncludeKind::Remote
                } else {
                    IncludeKind::Local
                };
                out.push(include(kind, s.clone(), item.loc.clone()));
            }
            Value::Map(_) => {
                let simple = [
                    ("local", IncludeKind::Local),
                    ("remote", IncludeKind::Remote),
                    ("template", IncludeKind::Template),
                    ("component", IncludeKind::Component),
                ];
                let mut found = false;
                for (key, kind) in simple {
                    if let Some(v) = item.get(key).and_then(located) {
                        out.push(include(kind, v.value, v.loc));
                        found = true;
                    }
                }
                if let Some(project) = item.get("project").and_then(Node::scalar_text) {
                    let files = item.get("file").map(strings).unwrap_or_default();
                    if files.is_empty() {
                        out.push(include(
                            IncludeKind::Project,
                            project.clone(),
                            item.loc.clone(),
                        ));
                    }
                    for f in files {
                        out.push(include(
                            IncludeKind::Project,
                            format!("{project}:{}", f.value),
                            f.loc,
                        ));
                    }
                    found = true;
                }
                if !found {
                    cx.error(
                        &item.loc,
                        "expected `local`, `remote`, `template`, `project` or `component` in an `include` entry",
                    );
                }
            }
            _ => cx.error(
                &item.loc,
                format!(
                    "expected a file or a mapping in `include`, found {}",
                    describe(item)
                ),
            ),
        }
    }
    out
}

fn include(kind: IncludeKind, value: String, loc: crate::Loc) -> Include {
    let security_scan = matches!(kind, IncludeKind::Template | IncludeKind::Component)
        .then(|| signals::gitlab_security(&value))
        .flatten()
        .map(|(scanner, images)| super::SecurityScan {
            scanner,
            images,
            loc: loc.clone(),
        });
    Include {
        kind,
        value,
        loc,
        security_scan,
    }
}
