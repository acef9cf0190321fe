//! Jenkinsfiles, read by simple patterns: `stage('Name')` blocks in order, the `sh` / `bat` /
//! `powershell` commands inside them, `when { branch 'main' }` conditions and `cron` triggers.
//! Not a Groovy parser: a stage ends where the next one starts.

use std::sync::LazyLock;

use regex::Regex;

use super::when::{Classes, branch_classes};
use super::{Cx, Job, Located, Pipeline, Triggers};
use crate::CiSystem;

static STAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?-u:\b)stage\s*\(\s*(?:name\s*:\s*)?(?:'([^'\n]*)'|"([^"\n]*)")"#).ok()
});
static STEP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?-u:\b)(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?('''|"""|'|")"#).ok()
});
static CRON: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?-u:\b)cron\s*\(\s*(?:'([^'\n]*)'|"([^"\n]*)")"#).ok());
static BRANCH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?-u:\b)branch\s*\(?\s*(?:pattern\s*:\s*)?['"]([^'"\n]+)['"]|(?-u:\b)(?:env\.)?(?:BRANCH_NAME|GIT_BRANCH)\s*==\s*['"]([^'"\n]+)['"]"#).ok()
});
static CHANGE_REQUEST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)changeRequest(?-u:\b)").ok());
static TAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)buildingTag\s*\(|(?-u:\b)tag\s*\(?\s*['\x22]").ok());
static INPUT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)input\s*(?:\(|\{|message\s*:)").ok());

/// The text with full-line `//` comments and `/* */` blocks blanked (offsets kept).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_block = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let blank = if in_block {
            if line.contains("*/") {
                in_block = false;
            }
            true
        } else if t.starts_with("//") {
            true
        } else if t.starts_with("/*") {
            in_block = !line.contains("*/");
            true
        } else {
            false
        };
        if blank {
            out.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        } else {
            out.push_str(line);
        }
    }
    out
}

fn capture_text(caps: &regex::Captures<'_>) -> Option<(String, usize, usize)> {
    let m = caps.get(1).or_else(|| caps.get(2))?;
    Some((m.as_str().to_string(), m.start(), m.end()))
}

pub(super) fn parse(cx: &Cx<'_>) -> Pipeline {
    let src = cx.src;
    let text = without_comments(&src.text);
    let mut triggers = Triggers::empty(src.file_start());
    if let Some(re) = CRON.as_ref() {
        for caps in re.captures_iter(&text) {
            if let Some((cron, s, e)) = capture_text(&caps) {
                triggers.schedule.push(Located::new(cron, src.loc(s, e)));
            }
        }
    }
    let stages: Vec<(String, usize, usize)> = STAGE
        .as_ref()
        .map(|re| {
            re.captures_iter(&text)
                .filter_map(|c| capture_text(&c))
                .collect()
        })
        .unwrap_or_default();
    let scheduled = !triggers.schedule.is_empty();
    let mut jobs = Vec::with_capacity(stages.len());
    for (i, (name, s, e)) in stages.iter().enumerate() {
        let region_end = stages.get(i + 1).map_or(text.len(), |n| n.1);
        let region = text.get(*s..region_end).unwrap_or("");
        let loc = src.loc(*s, *e);
        let mut job = Job::new(name.clone(), loc.clone());
        job.stage = Some(Located::new(name.clone(), loc));
        job.phase = Some(i);
        job.runs = runs(region, scheduled);
        for (cmd, cs, ce) in commands(region) {
            let at = src.loc(s + cs, s + ce);
            job.steps
                .push(cx.step(None, None, Some(Located::new(cmd, at.clone())), at));
        }
        job.classify(false);
        jobs.push(job);
    }
    let stage_names = jobs.iter().filter_map(|j| j.stage.clone()).collect();
    Pipeline {
        system: CiSystem::Jenkins,
        path: src.path.to_string(),
        loc: src.file_start(),
        name: None,
        triggers,
        jobs,
        stages: stage_names,
        includes: Vec::new(),
        heuristic: true,
    }
}

/// When a stage runs: multibranch pipelines build every branch and change request unless a
/// `when` condition in the stage says otherwise.
fn runs(region: &str, scheduled: bool) -> super::Runs {
    let is = |re: &LazyLock<Option<Regex>>| re.as_ref().is_some_and(|r| r.is_match(region));
    let mut c = Classes::NONE;
    let mut conditioned = false;
    if let Some(re) = BRANCH.as_ref() {
        for caps in re.captures_iter(region) {
            if let Some((b, _, _)) = capture_text(&caps) {
                c = c.or(branch_classes(&b));
                conditioned = true;
            }
        }
    }
    if is(&CHANGE_REQUEST) {
        c = c.or(Classes::MR);
        conditioned = true;
    }
    if is(&TAG) {
        c = c.or(Classes::TAG);
        conditioned = true;
    }
    if !conditioned {
        c = Classes::MR.or(Classes::MAIN).or(Classes::BRANCH);
    }
    c = c.or(Classes::MANUAL);
    if scheduled {
        c = c.or(Classes::SCHEDULE);
    }
    let mut r = c.runs(scheduled, None);
    r.when_manual = is(&INPUT);
    r
}

/// `sh '...'`, `sh """..."""`, `sh(script: '...')` commands in a region: text and byte range.
fn commands(region: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let Some(re) = STEP.as_ref() else {
        return out;
    };
    for caps in re.captures_iter(region) {
        let Some(delim) = caps.get(1) else { continue };
        let start = delim.end();
        let rest = region.get(start..).unwrap_or("");
        let d = delim.as_str();
        let quote = d.chars().next();
        let end = if d.len() == 3 {
            rest.find(d)
        } else {
            let mut escaped = false;
            rest.char_indices()
                .find(|&(_, c)| {
                    let stop = !escaped && (Some(c) == quote || c == '\n');
                    escaped = c == '\\' && !escaped;
                    stop
                })
                .map(|(i, _)| i)
        };
        let end = start + end.unwrap_or(rest.len());
        if let Some(cmd) = region.get(start..end) {
            out.push((cmd.to_string(), start, end));
        }
    }
    out
}
