//! When a job runs: event classes, and the readers of GitHub `if:` expressions and GitLab
//! `rules:` / `only:` / `except:`. Conditions launchgate cannot read never narrow what a
//! job may run on, and never count as definitely matching.

use super::{DEFAULT_BRANCHES, Runs};
use crate::Loc;
use crate::yaml::{Node, Value};

/// A set of event classes a job may run on. Schedules and manual runs happen on some branch,
/// so branch conditions keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Classes(pub(super) u8);

impl Classes {
    pub(super) const NONE: Classes = Classes(0);
    pub(super) const MR: Classes = Classes(1);
    pub(super) const MAIN: Classes = Classes(2);
    pub(super) const BRANCH: Classes = Classes(4);
    pub(super) const TAG: Classes = Classes(8);
    pub(super) const SCHEDULE: Classes = Classes(16);
    pub(super) const MANUAL: Classes = Classes(32);
    pub(super) const ALL: Classes = Classes(63);
    /// The classes that are pipeline sources rather than refs.
    const SOURCES: Classes = Classes(16 | 32);

    pub(super) fn or(self, o: Classes) -> Classes {
        Classes(self.0 | o.0)
    }

    pub(super) fn and(self, o: Classes) -> Classes {
        Classes(self.0 & o.0)
    }

    pub(super) fn minus(self, o: Classes) -> Classes {
        Classes(self.0 & !o.0)
    }

    pub(super) fn has(self, o: Classes) -> bool {
        self.0 & o.0 != 0
    }

    /// The complement of a ref condition: sources stay (a schedule on main is still a
    /// schedule).
    fn not_ref(self) -> Classes {
        Classes::ALL.minus(self.minus(Classes::SOURCES))
    }

    /// The `Runs` these classes mean. `explicit_schedule`: the file targets schedules (GitLab
    /// jobs run in scheduled pipelines by default, which says nothing about a schedule).
    pub(super) fn runs(self, explicit_schedule: bool, condition: Option<Loc>) -> Runs {
        Runs {
            pull_request: self.has(Classes::MR),
            default_branch: self.has(Classes::MAIN),
            other_branches: self.has(Classes::BRANCH),
            tags: self.has(Classes::TAG),
            schedule: self.has(Classes::SCHEDULE) && explicit_schedule,
            manual: self.has(Classes::MANUAL),
            when_manual: false,
            condition,
        }
    }
}

/// Classes of a branch name or pattern.
pub(super) fn branch_classes(name: &str) -> Classes {
    let name = name.trim().trim_start_matches("refs/heads/");
    if DEFAULT_BRANCHES.contains(&name) {
        Classes::MAIN
    } else if name.contains('*') {
        Classes::MAIN.or(Classes::BRANCH)
    } else {
        Classes::BRANCH
    }
}

/// Classes of a GitHub event name.
pub(super) fn github_event(name: &str) -> Classes {
    match name {
        "push" => Classes::MAIN.or(Classes::BRANCH).or(Classes::TAG),
        "pull_request" | "pull_request_target" | "merge_group" => Classes::MR,
        "schedule" => Classes::SCHEDULE,
        "workflow_dispatch" | "repository_dispatch" => Classes::MANUAL,
        "release" => Classes::TAG,
        _ => Classes::NONE,
    }
}

/// Splits `a || b && c` into disjuncts of conjuncts (no operator precedence beyond that;
/// parentheses are dropped from atoms).
fn dnf(expr: &str) -> impl Iterator<Item = Vec<&str>> {
    expr.split("||")
        .map(|d| d.split("&&").map(str::trim).collect())
}

fn strip_parens(a: &str) -> &str {
    a.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
}

/// Splits `l op r` for `==`, `!=`, `=~`, `!~`.
fn comparison(a: &str) -> Option<(&str, &str, &str)> {
    for op in ["==", "!=", "=~", "!~"] {
        if let Some((l, r)) = a.split_once(op) {
            return Some((l.trim(), op, r.trim()));
        }
    }
    None
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(s)
}

/// What a GitHub job-level `if:` lets through.
pub(super) fn github_if(expr: &str) -> Classes {
    let expr = expr.trim();
    let expr = expr
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
        .unwrap_or(expr)
        .to_ascii_lowercase();
    let mut may = Classes::NONE;
    for conj in dnf(&expr) {
        let mut d = Classes::ALL;
        for atom in conj {
            d = d.and(github_atom(atom).unwrap_or(Classes::ALL));
        }
        may = may.or(d);
    }
    may
}

fn github_atom(atom: &str) -> Option<Classes> {
    let a = strip_parens(atom);
    if let Some(inner) = a.strip_prefix('!').filter(|i| !i.starts_with('=')) {
        return github_atom(inner).map(Classes::not_ref);
    }
    match a {
        "true" => return Some(Classes::ALL),
        "false" => return Some(Classes::NONE),
        "github.event.pull_request.merged" => return Some(Classes::MAIN.or(Classes::MR)),
        _ => {}
    }
    if let Some(args) = a.strip_prefix("startswith(") {
        let (var, val) = args.trim_end_matches(')').split_once(',')?;
        if var.trim() != "github.ref" {
            return None;
        }
        let val = unquote(val);
        return if val.starts_with("refs/tags") {
            Some(Classes::TAG)
        } else if val.starts_with("refs/heads") {
            let rest = val.trim_start_matches("refs/heads/");
            Some(if rest.is_empty() {
                Classes::MAIN.or(Classes::BRANCH).or(Classes::SOURCES)
            } else {
                branch_classes(&format!("{rest}*")).or(Classes::SOURCES)
            })
        } else {
            None
        };
    }
    let (l, op, r) = comparison(a)?;
    let (var, val) = if l.starts_with("github.") {
        (l, r)
    } else {
        (r, l)
    };
    let classes = match var {
        "github.ref" | "github.ref_name" => {
            if val.contains("default_branch") {
                Classes::MAIN.or(Classes::SOURCES)
            } else {
                let v = unquote(val);
                if v.starts_with("refs/tags/") {
                    Classes::TAG
                } else {
                    branch_classes(v).or(Classes::SOURCES)
                }
            }
        }
        "github.event_name" => github_event(unquote(val)),
        "github.event.pull_request.merged" if unquote(val) == "true" => {
            Classes::MAIN.or(Classes::MR)
        }
        _ => return None,
    };
    Some(if op == "!=" {
        if var == "github.event_name" {
            Classes::ALL.minus(classes)
        } else {
            classes.not_ref()
        }
    } else {
        classes
    })
}

/// What a GitLab expression lets through: `may` (unknown atoms let everything through) and
/// `must` (classes it definitely matches), and the sources it targets explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Eval {
    pub(super) may: Classes,
    pub(super) must: Classes,
    pub(super) explicit: Classes,
}

pub(super) fn gitlab_if(expr: &str) -> Eval {
    let mut e = Eval {
        may: Classes::NONE,
        must: Classes::NONE,
        explicit: Classes::NONE,
    };
    for conj in dnf(expr) {
        let (mut may, mut must) = (Classes::ALL, Classes::ALL);
        for atom in conj {
            match gitlab_atom(atom) {
                Some((c, explicit)) => {
                    may = may.and(c);
                    must = must.and(c);
                    e.explicit = e.explicit.or(explicit);
                }
                None => must = Classes::NONE,
            }
        }
        e.may = e.may.or(may);
        e.must = e.must.or(must);
    }
    e
}

fn is_branch_var(v: &str) -> bool {
    matches!(
        v,
        "$CI_COMMIT_BRANCH" | "$CI_COMMIT_REF_NAME" | "$CI_COMMIT_REF_SLUG"
    )
}

/// Classes of a `$CI_PIPELINE_SOURCE` value (or a regex naming several).
fn gitlab_source(value: &str) -> Classes {
    let mut c = Classes::NONE;
    let v = value.to_ascii_lowercase();
    if v.contains("merge_request_event") || v.contains("external_pull_request_event") {
        c = c.or(Classes::MR);
    }
    if v.contains("push") {
        c = c.or(Classes::MAIN).or(Classes::BRANCH).or(Classes::TAG);
    }
    if v.contains("schedule") {
        c = c.or(Classes::SCHEDULE);
    }
    if ["web", "api", "trigger", "pipeline", "chat", "webide"]
        .iter()
        .any(|s| v.contains(s))
    {
        c = c.or(Classes::MANUAL);
    }
    c
}

fn gitlab_atom(atom: &str) -> Option<(Classes, Classes)> {
    let a = strip_parens(atom);
    let Some((l, op, r)) = comparison(a) else {
        // A bare variable: true when set and not empty.
        return match a {
            v if v.starts_with("$CI_MERGE_REQUEST_") => Some((Classes::MR, Classes::NONE)),
            "$CI_COMMIT_TAG" => Some((Classes::TAG, Classes::NONE)),
            "$CI_COMMIT_BRANCH" => Some((
                Classes::MAIN.or(Classes::BRANCH).or(Classes::SOURCES),
                Classes::NONE,
            )),
            _ => None,
        };
    };
    let (var, val) = if l.starts_with("$CI_") && !(l == "$CI_DEFAULT_BRANCH" && is_branch_var(r)) {
        (l, r)
    } else {
        (r, l)
    };
    let negative = op.starts_with('!');
    let null = val == "null";
    let (classes, explicit) = if var == "$CI_PIPELINE_SOURCE" {
        let c = gitlab_source(unquote(val));
        (c, if negative { Classes::NONE } else { c })
    } else if var.starts_with("$CI_MERGE_REQUEST_") {
        let c = if null {
            Classes::ALL.minus(Classes::MR)
        } else {
            Classes::MR
        };
        (c, Classes::NONE)
    } else if var == "$CI_COMMIT_TAG" {
        let c = if null {
            Classes::ALL.minus(Classes::TAG)
        } else {
            Classes::TAG
        };
        (c, Classes::NONE)
    } else if is_branch_var(var) {
        let c = if null {
            Classes::MR.or(Classes::TAG)
        } else if val == "$CI_DEFAULT_BRANCH"
            || DEFAULT_BRANCHES.iter().any(|b| {
                let v = unquote(val);
                if op.contains('~') {
                    v.contains(b)
                } else {
                    v == *b
                }
            })
        {
            Classes::MAIN.or(Classes::SOURCES)
        } else {
            Classes::BRANCH.or(Classes::SOURCES)
        };
        (c, Classes::NONE)
    } else {
        return None;
    };
    let classes = match (negative, var == "$CI_PIPELINE_SOURCE" || null) {
        (false, _) => classes,
        (true, true) => Classes::ALL.minus(classes),
        (true, false) => classes.not_ref(),
    };
    Some((classes, explicit))
}

/// The outcome of a GitLab job's (or `workflow:`'s) conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Gate {
    pub(super) classes: Classes,
    pub(super) explicit: Classes,
    pub(super) when_manual: bool,
}

/// `rules:`: the first matching rule decides; `when: never` rules remove what they definitely
/// match.
pub(super) fn gitlab_rules(rules: &Node) -> Gate {
    let mut remaining = Classes::ALL;
    let mut gate = Gate {
        classes: Classes::NONE,
        explicit: Classes::NONE,
        when_manual: false,
    };
    for rule in rules.as_seq() {
        if !rule.is_map() {
            continue;
        }
        let e = match rule.get("if").and_then(Node::scalar_text) {
            Some(expr) => gitlab_if(&expr),
            None => Eval {
                may: Classes::ALL,
                must: Classes::ALL,
                explicit: Classes::NONE,
            },
        };
        let conditional = rule.get("changes").is_some() || rule.get("exists").is_some();
        let must = if conditional { Classes::NONE } else { e.must };
        let when = rule
            .get("when")
            .and_then(Node::as_str)
            .unwrap_or("on_success");
        if when != "never" {
            let add = e.may.and(remaining);
            gate.classes = gate.classes.or(add);
            gate.explicit = gate.explicit.or(e.explicit.and(add));
            gate.when_manual |= when == "manual";
        }
        remaining = remaining.minus(must);
    }
    gate
}

/// Classes of one `only:` / `except:` ref (`main`, `branches`, `tags`, `merge_requests`,
/// `/^release/`).
fn gitlab_ref(r: &str) -> (Classes, Classes) {
    let name = r.split('@').next().unwrap_or(r).trim();
    let c = match name {
        "branches" => Classes::MAIN.or(Classes::BRANCH).or(Classes::SOURCES),
        "tags" => Classes::TAG,
        "merge_requests" | "external_pull_requests" => Classes::MR,
        "schedules" => return (Classes::SCHEDULE, Classes::SCHEDULE),
        "web" | "api" | "triggers" | "pipelines" | "chat" => Classes::MANUAL,
        "pushes" => Classes::MAIN.or(Classes::BRANCH).or(Classes::TAG),
        n if n.starts_with('/') => {
            if DEFAULT_BRANCHES.iter().any(|b| n.contains(b)) {
                Classes::MAIN.or(Classes::SOURCES)
            } else {
                Classes::BRANCH.or(Classes::SOURCES)
            }
        }
        n => branch_classes(n).or(Classes::SOURCES),
    };
    (c, Classes::NONE)
}

/// `only:` / `except:` (refs list, or a mapping with `refs` and `variables`).
pub(super) fn gitlab_only_except(only: Option<&Node>, except: Option<&Node>) -> Gate {
    let default = Classes::ALL.minus(Classes::MR);
    let mut gate = Gate {
        classes: default,
        explicit: Classes::NONE,
        when_manual: false,
    };
    if let Some(only) = only {
        let (refs, vars) = refs_and_vars(only);
        if let Some(refs) = refs {
            let mut c = Classes::NONE;
            for r in refs {
                let (rc, ex) = gitlab_ref(&r);
                c = c.or(rc);
                gate.explicit = gate.explicit.or(ex);
            }
            gate.classes = c;
        }
        if !vars.is_empty() {
            let mut c = Classes::NONE;
            for v in vars {
                let e = gitlab_if(&v);
                c = c.or(e.may);
                gate.explicit = gate.explicit.or(e.explicit);
            }
            gate.classes = gate.classes.and(c);
        }
    }
    if let Some(except) = except {
        let (refs, vars) = refs_and_vars(except);
        for r in refs.unwrap_or_default() {
            gate.classes = gate.classes.minus(gitlab_ref(&r).0.minus(Classes::SOURCES));
        }
        for v in vars {
            gate.classes = gate
                .classes
                .minus(gitlab_if(&v).must.minus(Classes::SOURCES));
        }
    }
    gate
}

fn refs_and_vars(node: &Node) -> (Option<Vec<String>>, Vec<String>) {
    let list = |n: &Node| -> Vec<String> {
        match &n.value {
            Value::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => n.scalar_text().into_iter().collect(),
        }
    };
    match &node.value {
        Value::Map(_) => (
            node.get("refs").map(list),
            node.get("variables").map(list).unwrap_or_default(),
        ),
        _ => (Some(list(node)), Vec::new()),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn github_conditions() {
        let main_only = Classes::MAIN.or(Classes::SOURCES);
        assert_eq!(github_if("github.ref == 'refs/heads/main'"), main_only);
        assert_eq!(github_if("${{ github.ref_name == 'master' }}"), main_only);
        assert_eq!(
            github_if("github.event_name == 'push' && github.ref == 'refs/heads/main'"),
            Classes::MAIN
        );
        assert_eq!(
            github_if("github.event_name == 'pull_request'"),
            Classes::MR
        );
        assert_eq!(
            github_if(
                "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
            ),
            main_only
        );
        assert_eq!(
            github_if("startsWith(github.ref, 'refs/tags/v')"),
            Classes::TAG
        );
        assert_eq!(
            github_if("success() && needs.build.result == 'success'"),
            Classes::ALL
        );
        assert_eq!(github_if("false"), Classes::NONE);
        assert!(!github_if("github.ref != 'refs/heads/main'").has(Classes::MAIN));
        assert!(github_if("github.event_name != 'schedule'").has(Classes::MR));
        assert!(!github_if("github.event_name != 'schedule'").has(Classes::SCHEDULE));
    }

    #[test]
    fn gitlab_expressions() {
        let e = gitlab_if("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH");
        assert_eq!(e.may, Classes::MAIN.or(Classes::SOURCES));
        assert_eq!(e.must, e.may);
        let e = gitlab_if("$CI_DEFAULT_BRANCH == $CI_COMMIT_BRANCH");
        assert_eq!(e.may, Classes::MAIN.or(Classes::SOURCES));
        let e = gitlab_if(r#"$CI_PIPELINE_SOURCE == "merge_request_event""#);
        assert_eq!((e.may, e.explicit), (Classes::MR, Classes::MR));
        let e = gitlab_if(r#"$CI_PIPELINE_SOURCE == "schedule" && $SCAN == "1""#);
        assert_eq!(
            (e.may, e.must, e.explicit),
            (Classes::SCHEDULE, Classes::NONE, Classes::SCHEDULE)
        );
        let e = gitlab_if("$CI_COMMIT_TAG");
        assert_eq!(e.may, Classes::TAG);
        let e = gitlab_if("$CI_COMMIT_TAG == null && $CI_COMMIT_BRANCH =~ /^(main|master)$/");
        assert_eq!(e.may, Classes::MAIN.or(Classes::SOURCES));
        let e = gitlab_if(r#"$DEPLOY == "yes""#);
        assert_eq!((e.may, e.must), (Classes::ALL, Classes::NONE));
    }
}
