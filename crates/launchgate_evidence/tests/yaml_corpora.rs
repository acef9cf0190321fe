//! Every YAML file of the three development corpora (`../shared/corpora/repos/`) that PyYAML's
//! libyaml loader accepts is accepted, and the one it refuses is refused at the line it names.
//! Helm chart templates are not YAML until rendered and are left out. Without the corpora the
//! test skips, except under `CI=true`, where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use launchgate_evidence::Source;
use launchgate_evidence::yaml;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if name != ".git" {
                yaml_files(&p, out);
            }
        } else if p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(p);
        }
    }
}

#[test]
fn corpora_yaml_reads_as_pyyaml_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/repos");
    if !root.is_dir() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{} is missing under CI=true",
            root.display()
        );
        eprintln!("skipping: {} is not present", root.display());
        return;
    }
    let mut files = Vec::new();
    for repo in [
        "microservices-demo",
        "opentelemetry-demo",
        "kube-prometheus",
    ] {
        yaml_files(&root.join(repo), &mut files);
    }
    files.sort();
    let mut refused = Vec::new();
    let mut read = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        if rel.contains("/templates/") && text.contains("{{") {
            continue;
        }
        read += 1;
        if let Err(e) = yaml::load_all(&Source::new(rel.as_str(), text)) {
            refused.push(format!("{}:{}: {}", rel, e.loc.line, e.message));
        }
    }
    assert!(read >= 250, "corpora incomplete: {read} YAML files");
    // An over-indented `title:` under a list item: PyYAML, kubectl and amtool refuse it too.
    assert_eq!(
        refused,
        [
            "kube-prometheus/examples/alertmanager-config-with-template.yaml:21: invalid YAML: \
             mapping values are not allowed in this context"
        ]
    );
}
