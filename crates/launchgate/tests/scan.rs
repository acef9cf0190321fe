//! The real binary scanning real-looking repositories: secrets never leave redacted, parse
//! errors and skipped files are reported in every format, `--no-scan` is honest.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

fn lg() -> Command {
    let mut c = Command::cargo_bin("launchgate").unwrap();
    // Never the developer's own ledger: a path that does not exist, so nothing is read.
    c.env(
        "LAUNCHGATE_STORE",
        "/nonexistent/launchgate-tests/ledger.db",
    );
    c.env("NO_COLOR", "1").env("COLUMNS", "120");
    c
}

fn repo(name: &str, files: &[(&str, &str)]) -> Scratch {
    let dir = Scratch::unmade("scan", name);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn run(dir: &Path, extra: &[&str]) -> (String, String, i32) {
    let out = lg()
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-22"])
        .args(extra)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

const MANIFEST: &str = "service: shop\ntier: 1\nexposure: public\ndata: persistent\n";

/// Deterministic pseudo-random token text, so no literal secret sits in this source file.
fn token(seed: u64, len: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(A[usize::try_from(x % A.len() as u64).unwrap()])
        })
        .collect()
}

#[test]
fn planted_secrets_never_appear_in_any_output_format() {
    let gh = format!("{}_{}", "ghp", token(1, 36));
    let aws_id = format!(
        "AKIA{}",
        token(2, 16)
            .to_uppercase()
            .replace(['0', '1', '8', '9'], "Q")
    );
    let aws_secret = token(3, 40);
    let url_password = format!("{}7x", token(4, 14));
    let generic = format!("{}#9", token(5, 18));
    let stripe = format!("{}_{}_{}", "sk", "live", token(6, 24));
    let files = [
        ("launchgate.yaml", MANIFEST.to_string()),
        (
            "config/app.yaml",
            format!("github_token: {gh}\npassword: \"{generic}\"\n"),
        ),
        (
            "infra/creds.tf",
            format!(
                "provider \"aws\" {{\n  access_key = \"{aws_id}\"\n  secret_key = \"{aws_secret}\"\n}}\n"
            ),
        ),
        (
            "scripts/db.sh",
            format!("psql postgres://app:{url_password}@db.prod.internal/app\n"),
        ),
        ("src/pay.py", format!("STRIPE_KEY = \"{stripe}\"\n")),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let dir = repo("secrets", &refs);
    let values = [&gh, &aws_id, &aws_secret, &url_password, &generic, &stripe];
    let mut reported = 0;
    for format in ["terminal", "json", "markdown"] {
        let (out, err, code) = run(&dir, &["--format", format, "--verbose"]);
        assert_eq!(
            code, 1,
            "a hardcoded secret is a NO_GO blocker:\n{out}{err}"
        );
        for v in values {
            // Not the value, and not a long piece of it either.
            let middle = &v[4..v.len() - 2];
            assert!(
                !out.contains(middle) && !err.contains(middle),
                "--format {format} leaks a secret"
            );
        }
        if format == "json" {
            let v: Value = serde_json::from_str(&out).unwrap();
            let sec = v["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == "SEC-001")
                .unwrap();
            assert_eq!(sec["status"], "fail");
            let paths: Vec<String> = sec["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    format!(
                        "{}:{}",
                        f["location"]["path"].as_str().unwrap(),
                        f["location"]["line"]
                    )
                })
                .collect();
            reported = paths.len();
            for want in [
                "config/app.yaml:1",
                "config/app.yaml:2",
                "infra/creds.tf:2",
                "infra/creds.tf:3",
                "scripts/db.sh:1",
                "src/pay.py:1",
            ] {
                assert!(paths.contains(&want.to_string()), "{want} not in {paths:?}");
            }
        }
    }
    assert_eq!(reported, 6);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parse_errors_and_skipped_files_are_reported_and_make_checks_inconclusive() {
    let big = "x".repeat(2048);
    let dir = repo(
        "errors",
        &[
            ("launchgate.yaml", MANIFEST),
            (
                "deploy/app.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n",
            ),
            ("blob.bin", "\u{0}\u{1}binary"),
            ("dump.sql", big.as_str()),
        ],
    );
    let (out, _, _) = run(&dir, &["--format", "json", "--max-file-size", "1K"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let scan = &v["scan"];
    assert_eq!(scan["errors"][0]["location"]["path"], "deploy/app.yaml");
    // The `[` left open at the end of the file: the last line written, not the empty line after.
    assert_eq!(scan["errors"][0]["location"]["line"], 3);
    let skipped: Vec<(String, String)> = scan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        vec![
            (
                "blob.bin".to_string(),
                "binary file: not parsed, its printable text scanned for secrets".to_string()
            ),
            (
                "dump.sql".to_string(),
                "larger than the 1024-byte limit (2048 bytes): not parsed, scanned for secrets only"
                    .to_string()
            ),
        ]
    );
    // Every check that needs Kubernetes evidence is inconclusive, never passed, and says why.
    for id in ["CAP-001", "CAP-006", "SEC-004"] {
        let c = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_eq!(
            (c["status"].as_str(), c["inconclusive"].as_bool()),
            (Some("fail"), Some(true)),
            "{id}: {c}"
        );
        assert_eq!(
            c["findings"][0]["location"]["path"], "deploy/app.yaml",
            "{id}: {c}"
        );
        assert_eq!(c["findings"][0]["location"]["line"], 3, "{id}: {c}");
    }
    let (term, _, _) = run(&dir, &["--max-file-size", "1K"]);
    assert!(
        term.contains("scanned 2 files · 2 skipped · 1 could not be parsed"),
        "{term}"
    );
    assert!(term.contains("parse error deploy/app.yaml:3:"), "{term}");
    let (md, _, _) = run(&dir, &["--format", "markdown", "--max-file-size", "1K"]);
    assert!(
        md.contains(
            "| `dump.sql` | skipped: larger than the 1024-byte limit (2048 bytes): not parsed, scanned for secrets only |"
        ),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_scan_reviews_the_manifest_alone_and_says_so() {
    let dir = repo("noscan", &[("launchgate.yaml", MANIFEST)]);
    let (out, _, _) = run(&dir, &["--format", "json", "--no-scan"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["scan"], Value::Null);
    let sec = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "SEC-001")
        .unwrap();
    assert_eq!(sec["status"], "fail");
    assert_eq!(sec["inconclusive"], true);
    let (term, _, _) = run(&dir, &["--no-scan"]);
    assert!(
        term.contains("repository not scanned (--no-scan)"),
        "{term}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_manifest_path_reviews_the_repository_around_it() {
    let dir = repo(
        "manifest-path",
        &[
            ("launchgate.yaml", MANIFEST),
            ("Dockerfile", "FROM scratch\n"),
        ],
    );
    let (out, _, code) = run(&dir.join("launchgate.yaml"), &["--format", "json"]);
    assert_ne!(code, 2, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["scan"]["files"], 2);
    let _ = std::fs::remove_dir_all(&dir);
}
