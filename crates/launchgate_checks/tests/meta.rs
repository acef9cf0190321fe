//! Registry meta-tests: IDs, slugs, docs and examples stay honest.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../src/fixture.rs"]
mod common;

use std::collections::BTreeSet;

use launchgate_checks::{Outcome, builtin};
use launchgate_core::is_valid_check_id;

const HEADINGS: [&str; 5] = [
    "What it checks",
    "Why it matters",
    "How to fix",
    "Example",
    "References",
];

#[test]
fn ids_are_well_formed_unique_sorted_and_match_their_category() {
    let ids: Vec<&str> = builtin().iter().map(|c| c.meta().id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        ids, sorted,
        "registry must be ID-ordered without duplicates"
    );
    for c in builtin() {
        let m = c.meta();
        assert!(is_valid_check_id(m.id), "{}", m.id);
        assert!(
            m.id.starts_with(m.category.prefix()),
            "{} is not in {}",
            m.id,
            m.category
        );
    }
}

/// The check files: `(category folder, file stem, text)` of `src/checks/<category>/<slug>.rs`.
fn check_files() -> Vec<(String, String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let category = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            if stem != "mod" {
                out.push((
                    category.clone(),
                    stem,
                    std::fs::read_to_string(&file).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_check_table_and_the_check_files_agree() {
    let table: BTreeSet<(String, String)> = builtin()
        .iter()
        .map(|c| {
            let m = c.meta();
            (m.category.key().to_string(), m.slug.replace('-', "_"))
        })
        .collect();
    assert_eq!(
        table.len(),
        builtin().len(),
        "a check is in the table twice"
    );
    let files: BTreeSet<(String, String)> = check_files()
        .into_iter()
        .map(|(category, stem, _)| (category, stem))
        .collect();
    assert_eq!(
        table, files,
        "every check in `checks/mod.rs` lives in `checks/<category>/<slug>.rs`, and every file there is in the table"
    );
}

#[test]
fn check_files_hold_one_check_each_and_import_no_other_check() {
    for (category, stem, text) in check_files() {
        let path = format!("src/checks/{category}/{stem}.rs");
        assert!(
            text.starts_with("//! "),
            "{path} must open with a `//!` line"
        );
        assert_eq!(
            text.matches("declare_check! {").count(),
            1,
            "{path} must declare exactly one check"
        );
        // At the top of a check file `super` is its category folder; in its `mod tests` it is
        // the check file itself.
        for line in text.lines() {
            let other_check = line.contains("crate::checks::")
                || line.starts_with("use super::")
                || line.contains("super::super::");
            assert!(
                !other_check,
                "{path} reads another check file (`{line}`); shared code belongs in `src/kit/`"
            );
        }
    }
}

#[test]
fn slugs_are_unique_kebab_case() {
    let mut seen = BTreeSet::new();
    for c in builtin() {
        let s = c.meta().slug;
        assert!(
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{s}"
        );
        assert!(seen.insert(s), "duplicate slug {s}");
    }
}

#[test]
fn docs_have_every_heading_in_order_and_a_summary() {
    for c in builtin() {
        let m = c.meta();
        let md = m.docs_markdown();
        let mut last = 0;
        for h in HEADINGS {
            let pos = md
                .find(&format!("## {h}\n"))
                .unwrap_or_else(|| panic!("{}: missing `## {h}`", m.id));
            assert!(pos >= last, "{}: `## {h}` out of order", m.id);
            last = pos;
            assert!(
                !m.section(h).unwrap_or_default().is_empty(),
                "{}: empty `## {h}`",
                m.id
            );
        }
        assert!(
            m.summary().ends_with('.'),
            "{}: summary `{}`",
            m.id,
            m.summary()
        );
    }
}

/// One example block of a check's docs: "```LANG passes|fails [path=P]"; without a path the
/// block is a manifest fragment, with one it is a repository file (beside a default manifest).
/// Blocks "```LANG with path=P" that follow a repository-file example add more files to it
/// (a lockfile beside its manifest; `launchgate.yaml` replaces the default manifest).
struct Example {
    passes: bool,
    path: Option<String>,
    body: String,
    with: Vec<(String, String)>,
}

fn examples(docs: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    // (verdict: Some(passes) or None for a `with` block, path, body)
    let mut cur: Option<(Option<bool>, Option<String>, Vec<&str>)> = None;
    for line in launchgate_core::doc_lines(docs) {
        let t = line.trim();
        if let Some((verdict, path, body)) = cur.as_mut() {
            if t == "```" {
                let body = body.join("\n");
                if let Some(passes) = verdict {
                    out.push(Example {
                        passes: *passes,
                        path: path.take(),
                        body,
                        with: Vec::new(),
                    });
                } else {
                    let path = path.take().expect("a `with` example block needs path=");
                    let last = out
                        .last_mut()
                        .filter(|e| e.path.is_some())
                        .expect("a `with` example block must follow a repository-file example");
                    last.with.push((path, body));
                }
                cur = None;
            } else {
                body.push(line);
            }
        } else if let Some(info) = t.strip_prefix("```") {
            let words: Vec<&str> = info.split_whitespace().collect();
            if let [_lang, verdict @ ("passes" | "fails" | "with"), rest @ ..] = words.as_slice() {
                let path = rest
                    .iter()
                    .find_map(|w| w.strip_prefix("path="))
                    .map(str::to_string);
                let verdict = match *verdict {
                    "with" => None,
                    v => Some(v == "passes"),
                };
                cur = Some((verdict, path, Vec::new()));
            }
        }
    }
    out
}

/// A doc example is a manifest fragment: required keys it leaves out are filled in.
fn complete(fragment: &str) -> String {
    let mut text = String::new();
    for (key, default) in [
        ("service", "example"),
        ("tier", "0"),
        ("exposure", "public"),
        ("data", "persistent"),
    ] {
        if !fragment.lines().any(|l| l.starts_with(&format!("{key}:"))) {
            text.push_str(key);
            text.push_str(": ");
            text.push_str(default);
            text.push('\n');
        }
    }
    text.push_str(fragment);
    text.push('\n');
    text
}

#[test]
fn doc_examples_pass_and_fail_as_they_say() {
    for c in builtin() {
        let m = c.meta();
        let ex = examples(m.docs);
        assert!(ex.iter().any(|e| e.passes), "{}: no `passes` example", m.id);
        assert!(ex.iter().any(|e| !e.passes), "{}: no `fails` example", m.id);
        for Example {
            passes,
            path,
            body: yaml,
            with,
        } in ex
        {
            let outcome = match &path {
                None => common::run_files(m.id, &[("launchgate.yaml", &complete(&yaml))]),
                Some(p) => {
                    let default_manifest = complete("");
                    let mut files = vec![("launchgate.yaml", default_manifest.as_str())];
                    files.push((p.as_str(), yaml.as_str()));
                    files.extend(with.iter().map(|(p, b)| (p.as_str(), b.as_str())));
                    common::run_files(m.id, &files)
                }
            };
            let ok = if passes {
                matches!(outcome, Outcome::Pass { .. })
            } else {
                matches!(outcome, Outcome::Fail { .. })
            };
            assert!(
                ok,
                "{}: example expected to {} gave {outcome:?}\n{yaml}",
                m.id,
                if passes { "pass" } else { "fail" }
            );
        }
    }
}
