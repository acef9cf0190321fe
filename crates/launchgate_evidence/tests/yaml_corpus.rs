//! The YAML regression corpus (`tests/data/yaml-corpus/`): real-world shapes (our own minimal
//! files) that kubectl, GitHub Actions and PyYAML accept, each beside the tree it must read as
//! (`<name>.json`), and shapes they all refuse (`invalid/`), which must fail with a located
//! error. The expected trees are what PyYAML's libyaml loader reads under the schema
//! `docs/scanning.md` documents; `pyyaml_agrees_with_every_expected_tree` re-derives them with
//! PyYAML (installed by `scripts/install-test-deps`), so the expectations cannot drift from the
//! reference parser.

// Test helpers may unwrap: a panic is the failure report. A skipped PyYAML says so on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use launchgate_evidence::Source;
use launchgate_evidence::yaml::{self, Node, Value};
use serde_json::json;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml-corpus")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The tree as JSON: mapping keys as text, floats JSON cannot hold as text (as the PyYAML
/// side writes them).
fn to_json(n: &Node) -> serde_json::Value {
    match &n.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) if f.is_finite() => json!(f),
        Value::Float(f) if f.is_nan() => json!("nan"),
        Value::Float(f) => json!(if *f > 0.0 { "inf" } else { "-inf" }),
        Value::Str(s) => json!(s),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), to_json(&e.value)))
                .collect(),
        ),
    }
}

fn read(path: &Path) -> Result<serde_json::Value, yaml::YamlError> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = String::from_utf8(std::fs::read(path).unwrap()).unwrap();
    let docs = yaml::load_all(&Source::new(name, text))?;
    Ok(serde_json::Value::Array(docs.iter().map(to_json).collect()))
}

fn expected(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path.with_extension("json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_accepted_shape_reads_as_its_expected_tree() {
    let files = yaml_files(&corpus());
    assert!(files.len() >= 30, "corpus not found: {files:?}");
    let mut wrong = Vec::new();
    for path in &files {
        match read(path) {
            Ok(got) if got == expected(path) => {}
            Ok(got) => wrong.push(format!("{}: read as {got}", path.display())),
            Err(e) => wrong.push(format!("{}: refused: {e:?}", path.display())),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn shapes_the_platform_refuses_fail_at_the_line_pyyaml_names() {
    let cases = [
        (
            "misindented-mapping.yaml",
            4,
            "mapping values are not allowed",
        ),
        (
            "tab-after-dash.yaml",
            2,
            "found character that cannot start any token",
        ),
        (
            "tab-indentation.yaml",
            2,
            "found character that cannot start any token",
        ),
        (
            "unclosed-flow-sequence.yaml",
            2,
            "did not find expected ',' or ']'",
        ),
        ("undefined-alias.yaml", 1, "found undefined alias"),
    ];
    let files = yaml_files(&corpus().join("invalid"));
    assert_eq!(files.len(), cases.len(), "{files:?}");
    for (name, line, message) in cases {
        let e = read(&corpus().join("invalid").join(name)).unwrap_err();
        assert_eq!(
            (e.loc.line, e.loc.path.as_ref()),
            (line, name),
            "{name}: {e:?}"
        );
        assert!(
            e.message.starts_with("invalid YAML: ") && e.message.contains(message),
            "{name}: {}",
            e.message
        );
    }
}

/// The two shapes of the issue keep their locations: findings inside them point at the line.
#[test]
fn accepted_shapes_keep_their_locations() {
    let path = corpus().join("flow-seq-closed-at-key-indent.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let docs = yaml::load_all(&Source::new("d.yaml", text)).unwrap();
    let c = &docs[0]
        .at(&["spec", "template", "spec", "containers"])
        .unwrap()
        .as_seq()[0];
    let args = c.get("args").unwrap().as_seq();
    assert_eq!((args[1].loc.line, args[1].loc.column), (10, 13));
    let image = c.get("image").unwrap();
    assert_eq!((image.loc.line, image.loc.column), (12, 18));

    let path = corpus().join("annotation-multiline-double-quoted-json.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let docs = yaml::load_all(&Source::new("s.yaml", text)).unwrap();
    let labels = docs[0]
        .at(&["metadata", "labels"])
        .unwrap()
        .entry("app")
        .unwrap();
    assert_eq!((labels.key_loc.line, labels.key_loc.column), (11, 5));
}

/// PyYAML (its libyaml loader, under our schema) reads every accepted file as the expected
/// tree and refuses every invalid one. Needs `target/test-deps/venv` with PyYAML
/// (`scripts/install-test-deps`): skipped when missing, failed when missing under `CI=true`.
#[test]
fn pyyaml_agrees_with_every_expected_tree() {
    let deps = std::env::var_os("LAUNCHGATE_TEST_DEPS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-deps"),
        PathBuf::from,
    );
    let python = deps.join("venv/bin/python");
    let ready = python.exists()
        && std::process::Command::new(&python)
            .args(["-c", "import yaml; assert yaml.__with_libyaml__"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !ready {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{} with PyYAML (libyaml) is missing under CI=true: run scripts/install-test-deps",
            python.display()
        );
        eprintln!(
            "skipping: {} has no PyYAML with libyaml (run scripts/install-test-deps)",
            python.display()
        );
        return;
    }
    let mut files = yaml_files(&corpus());
    let invalid = yaml_files(&corpus().join("invalid"));
    files.extend(invalid.iter().cloned());
    let out = std::process::Command::new(&python)
        .arg(corpus().join("pyyaml_tree.py"))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), files.len());
    for (path, got) in files.iter().zip(&lines) {
        if invalid.contains(path) {
            assert!(
                got.get("error").is_some(),
                "PyYAML accepts {}: {got}",
                path.display()
            );
        } else {
            assert_eq!(
                got.get("docs"),
                Some(&expected(path)),
                "PyYAML reads {} differently",
                path.display()
            );
        }
    }
}
