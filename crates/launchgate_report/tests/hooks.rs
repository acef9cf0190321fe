//! The pre-commit hook's `files` pattern: which changes trigger a review. (The hook's entry and
//! the GitHub Action's flags are run against the binary in crates/launchgate/tests/formats.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn hook_files_pattern() -> regex::Regex {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let file = launchgate_manifest::SourceFile::new(".pre-commit-hooks.yaml", text);
    let (hooks, _) = launchgate_manifest::yaml::load(&file).unwrap();
    let pattern = hooks[0]["files"].as_str().unwrap().to_string();
    // pre-commit applies it with Python's `re.search`; the pattern uses only syntax that
    // Python and Rust's regex read alike (verbose mode, groups, classes, anchors).
    regex::Regex::new(&pattern).unwrap()
}

#[test]
fn manifest_deploy_infra_and_monitoring_changes_trigger_the_hook() {
    let files = hook_files_pattern();
    for path in [
        "launchgate.yaml",
        "services/pay/launchgate.yml",
        "deploy/k8s/deployment.yaml",
        "services/pay/deploy/values.yaml",
        "k8s/base/kustomization.yaml",
        "charts/api/templates/deployment.yaml",
        "infra/main.tf",
        "modules/db/rds.tf",
        "Dockerfile",
        "api/Dockerfile.prod",
        "monitoring/alerts.yaml",
        "dashboards/overview.json",
        "docs/runbook.md",
        "CODEOWNERS",
        ".github/CODEOWNERS",
        ".github/workflows/deploy.yml",
        ".gitlab-ci.yml",
    ] {
        assert!(files.is_match(path), "{path} does not trigger the hook");
    }
}

#[test]
fn unrelated_changes_do_not_trigger_the_hook() {
    let files = hook_files_pattern();
    for path in [
        "src/main.rs",
        "README.md",
        "package.json",
        "mydeploy.yaml",
        "launchgate.yaml.bak",
        "tests/k8s_test.go",
        "Dockerfiles/readme.txt",
    ] {
        assert!(!files.is_match(path), "{path} triggers the hook");
    }
}
