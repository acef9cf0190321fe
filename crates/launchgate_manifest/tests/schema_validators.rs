//! The generated JSON Schemas checked by the validators people actually use: check-jsonschema
//! (Python) validates every example manifest and the every-key fixtures, and ajv in strict mode
//! (Node) compiles both schemas and validates the same files. Both are installed under
//! `target/test-deps` by `scripts/install-test-deps`. Without them the tests skip locally but
//! fail under `CI=true`, so a CI run cannot pass without actually validating.

// Test helpers may unwrap: a panic is the failure report. A skipped validator says so on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use launchgate_manifest::{LocatedLayer, Policy, ServiceManifest, SourceFile};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn deps() -> PathBuf {
    std::env::var_os("LAUNCHGATE_TEST_DEPS")
        .map_or_else(|| root().join("target/test-deps"), PathBuf::from)
}

/// The validator's path, or `None` (skip) when it is not installed and this is not CI.
fn tool(relative: &str) -> Option<PathBuf> {
    let path = deps().join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{} is missing under CI=true: run scripts/install-test-deps",
        path.display()
    );
    eprintln!(
        "skipping: {} is not installed (run scripts/install-test-deps)",
        path.display()
    );
    None
}

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path().join("launchgate.yaml"))
        .filter(|p| p.exists())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "examples not found: {files:?}");
    files.push(data("every-policy-key.launchgate.yaml"));
    files
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{command:?} failed:\n{text}");
    text
}

/// The fixtures are real: launchgate itself accepts them, so validating them with the schema
/// checks that the schema accepts what launchgate accepts.
#[test]
fn fixtures_are_accepted_by_launchgate() {
    let path = data("every-policy-key.launchgate.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let manifest = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap();
    let text = std::fs::read_to_string(data("every-key.policy.yaml")).unwrap();
    let org = LocatedLayer::parse_file(SourceFile::new("policy.yaml", text)).unwrap();
    let layers = vec![org, manifest.policy_layer().unwrap()];
    Policy::resolve(&layers, &["OBS-001", "SEC-004"]).unwrap();
}

#[test]
fn check_jsonschema_accepts_every_example_and_every_key() {
    let Some(validator) = tool("venv/bin/check-jsonschema") else {
        return;
    };
    let schema = root().join("docs/schema/manifest.schema.json");
    run(Command::new(&validator)
        .arg("--schemafile")
        .arg(&schema)
        .args(manifests()));
    let schema = root().join("docs/schema/policy.schema.json");
    run(Command::new(&validator)
        .arg("--schemafile")
        .arg(&schema)
        .arg(data("every-key.policy.yaml")));
}

/// ajv reads YAML with YAML 1.1 rules (an unquoted `2026-01-31` becomes a timestamp), which is not
/// what launchgate or yaml-language-server do, so the documents are handed to it as JSON
/// converted by the Python YAML 1.2-ish loader check-jsonschema ships with (ruamel.yaml).
#[test]
fn ajv_strict_compiles_both_schemas_and_validates() {
    let Some(ajv) = tool("node_modules/ajv-cli/dist/index.js") else {
        return;
    };
    let Some(python) = tool("venv/bin/python") else {
        return;
    };
    let dir = root().join("target/tmp/schema-validators");
    std::fs::create_dir_all(&dir).unwrap();
    let ajv_run = |args: &[&std::ffi::OsStr]| {
        run(Command::new("node")
            .arg(&ajv)
            .args(["--spec=draft2020", "--strict=true", "-c", "ajv-formats"])
            .args(args)
            .current_dir(deps()))
    };
    for (schema, files) in [
        ("manifest", manifests()),
        ("policy", vec![data("every-key.policy.yaml")]),
    ] {
        let schema = root().join(format!("docs/schema/{schema}.schema.json"));
        ajv_run(&["compile".as_ref(), "-s".as_ref(), schema.as_os_str()]);
        for (i, file) in files.iter().enumerate() {
            let json = dir.join(format!(
                "{i}-{}.json",
                file.file_name().unwrap().to_string_lossy()
            ));
            run(Command::new(&python)
                .args([
                    "-c",
                    "import json,sys,ruamel.yaml;y=ruamel.yaml.YAML(typ='safe');y.version=(1,2);\
                     d=y.load(open(sys.argv[1]));json.dump(d,open(sys.argv[2],'w'),default=str)",
                ])
                .arg(file)
                .arg(&json));
            let out = ajv_run(&[
                "validate".as_ref(),
                "-s".as_ref(),
                schema.as_os_str(),
                "-d".as_ref(),
                json.as_os_str(),
            ]);
            assert!(out.contains(" valid"), "{}: {out}", file.display());
        }
    }
}

/// Every property of both schemas has a description, and the root's is not a rustdoc comment.
#[test]
fn every_property_is_described() {
    for name in ["manifest", "policy"] {
        let text = std::fs::read_to_string(root().join(format!("docs/schema/{name}.schema.json")))
            .unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let description = schema["description"].as_str().unwrap();
        assert!(
            !description.contains("[`"),
            "{name}: rustdoc in the description: {description}"
        );
        let mut missing = Vec::new();
        walk(&schema, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{name}: properties without a description: {missing:#?}"
        );
    }
}

fn walk(value: &serde_json::Value, at: &str, missing: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                for (key, prop) in props {
                    if prop.get("description").is_none() {
                        missing.push(format!("{at}/properties/{key}"));
                    }
                }
            }
            for (key, child) in map {
                walk(child, &format!("{at}/{key}"), missing);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{at}/{i}"), missing);
            }
        }
        _ => {}
    }
}

#[test]
fn the_published_schema_url_is_the_manifest_schema_id() {
    let schema: serde_json::Value =
        serde_json::from_str(&launchgate_manifest::manifest_schema()).unwrap();
    assert_eq!(schema["$id"], launchgate_manifest::MANIFEST_SCHEMA_URL);
}
