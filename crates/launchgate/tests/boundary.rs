//! The repository is the boundary, and nothing passes unseen: the real binary on hostile
//! repositories built in each test (links out of the root, to `/`, `/proc/kmsg`, `/dev/zero`,
//! FIFOs, secrets behind a NUL byte, in UTF-16, past the size limit, in unreadable files),
//! outputs that refuse to write through a link, and files their own tool would reject.
//! Every fake secret is assembled at run time, so this file holds none.

#![cfg(unix)]
// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    // A scan that follows a link to `/` or blocks on a FIFO is killed, and the test fails.
    c.timeout(Duration::from_mins(2));
    c
}

/// A fresh folder for one test: `root/repo` is the repository, `root/outside` is not.
fn sandbox(name: &str) -> Scratch {
    let dir = Scratch::new("boundary", name);
    std::fs::create_dir_all(dir.join("repo")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    dir
}

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
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

/// A fake AWS key pair as a credentials file holds it.
fn aws_pair(seed: u64) -> String {
    let id = format!(
        "{}{}",
        "AKIA",
        token(seed, 16)
            .to_uppercase()
            .replace(['0', '1', '8', '9'], "Q")
    );
    format!(
        "[default]\naws_access_key_id = {id}\naws_secret_access_key = {}\n",
        token(seed + 1, 40)
    )
}

/// `check --format json` on `repo`: the review and the exit code.
fn review(repo: &Path, extra: &[&str]) -> (Value, i32) {
    let out = lg()
        .arg("check")
        .arg(repo)
        .args(["--today", "2026-11-22", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON review ({e}); exit {:?}; stderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap())
}

fn skipped(v: &Value) -> Vec<(String, String)> {
    v["scan"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// The paths (with lines) a check's findings point at.
fn finding_paths(c: &Value) -> Vec<String> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let l = &f["location"];
            Some(format!("{}:{}", l["path"].as_str()?, l["line"]))
        })
        .collect()
}

/// (status, inconclusive) of a check.
fn status(c: &Value) -> (String, bool) {
    (
        c["status"].as_str().unwrap().to_string(),
        c["inconclusive"].as_bool().unwrap_or(false),
    )
}

const OUT_OF_REPO: &str = "symbolic link leading outside the repository: not followed";

#[test]
fn links_out_of_the_repository_are_listed_and_never_followed() {
    let dir = sandbox("links");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    // Outside the root: a credentials file and a Docker config, as on a developer's machine.
    write(&dir, "outside/credentials", aws_pair(10));
    write(
        &dir,
        "outside/config.json",
        format!(
            "{{\"auths\": {{\"ghcr.io\": {{\"auth\": \"{}\"}}}}}}\n* @{}_{}\n",
            token(12, 32),
            "ghp",
            token(13, 36)
        ),
    );
    std::fs::create_dir_all(repo.join("config")).unwrap();
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    symlink("/etc", repo.join("etc")).unwrap();
    symlink("/", repo.join("host")).unwrap();
    symlink(dir.join("outside/credentials"), repo.join("config/aws.ini")).unwrap();
    symlink("../outside/config.json", repo.join("CODEOWNERS")).unwrap();
    symlink("../../outside", repo.join("deploy/out")).unwrap();
    // Inside the root, a link to a file inside it is read like the file.
    write(&repo, "real/creds.ini", aws_pair(20));
    symlink("real/creds.ini", repo.join("creds-link.ini")).unwrap();

    let (v, _) = review(&repo, &[]);
    let skips = skipped(&v);
    for path in ["CODEOWNERS", "config/aws.ini", "deploy/out", "etc", "host"] {
        assert!(
            skips.contains(&(path.to_string(), OUT_OF_REPO.to_string())),
            "{path} not listed as a link out of the repository: {skips:?}"
        );
    }
    let sec = check(&v, "SEC-001");
    let paths = finding_paths(sec);
    // The planted pair inside the repository is found, through the inside link too; nothing
    // from outside is read: no finding outside, no CODEOWNERS parse error quoting a token.
    assert!(paths.contains(&"real/creds.ini:2".to_string()), "{paths:?}");
    assert!(paths.contains(&"creds-link.ini:2".to_string()), "{paths:?}");
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("real/") || p.starts_with("creds-link.ini")),
        "{paths:?}"
    );
    let text = v.to_string();
    assert!(!text.contains("etc/"), "read under /etc: {text}");
    assert!(v["scan"]["errors"].as_array().unwrap().is_empty(), "{text}");
    assert!(v["scan"]["kinds"].get("codeowners").is_none(), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn special_files_are_listed_never_opened_and_never_hang() {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    let dir = sandbox("special");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    // A FIFO where a Kubernetes file should be: opening it for reading would block forever.
    mknodat(
        CWD,
        repo.join("deploy/app.yaml"),
        FileType::Fifo,
        Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    symlink("deploy/app.yaml", repo.join("fifo-link.yaml")).unwrap();
    symlink("/proc/kmsg", repo.join("kmsg")).unwrap();
    symlink("/dev/zero", repo.join("alerts.yml")).unwrap();

    let (v, _) = review(&repo, &[]);
    let skips = skipped(&v);
    let fifo = "FIFO: special file, never opened".to_string();
    assert!(
        skips.contains(&("deploy/app.yaml".to_string(), fifo.clone())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&("fifo-link.yaml".to_string(), fifo)),
        "{skips:?}"
    );
    for path in ["alerts.yml", "kmsg"] {
        assert!(
            skips.contains(&(path.to_string(), OUT_OF_REPO.to_string())),
            "{path}: {skips:?}"
        );
    }
    // What the scanner could not see is not a pass: SEC-001 is inconclusive and names them.
    let sec = check(&v, "SEC-001");
    assert_eq!(status(sec), ("fail".to_string(), true), "{sec}");
    let paths = finding_paths(sec);
    assert_eq!(paths, ["deploy/app.yaml:1", "fifo-link.yaml:1"], "{sec}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn secrets_behind_a_nul_in_utf16_in_binaries_and_past_the_size_limit_are_found() {
    let dir = sandbox("unseen");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    // A key pair and one NUL byte.
    write(&repo, "config/prod.env", format!("{}\0", aws_pair(30)));
    // PowerShell's default: UTF-16LE with a BOM; and UTF-16BE.
    let gh = format!("{}_{}", "ghp", token(31, 36));
    let ps =
        format!("$token = \"{gh}\"\r\nInvoke-RestMethod -Headers @{{Authorization = $token}}\r\n");
    let mut le = vec![0xFF, 0xFE];
    le.extend(ps.encode_utf16().flat_map(u16::to_le_bytes));
    write(&repo, "scripts/deploy.ps1", le);
    let mut be = vec![0xFE, 0xFF];
    be.extend(aws_pair(32).encode_utf16().flat_map(u16::to_be_bytes));
    write(&repo, "config/be.ini", be);
    // A binary file that carries a key pair among its bytes.
    let mut blob = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    blob.extend([0u8, 1, 2, 3, 0xff, 0xfe].repeat(100));
    blob.extend(aws_pair(33).as_bytes());
    blob.extend([0u8; 512]);
    write(&repo, "assets/logo.png", blob);
    // Over the 5 MiB limit, with the pair at the very end.
    let mut big =
        "INSERT INTO t VALUES (1, 'filler filler filler filler filler');\n".repeat(90_000);
    let lines = 90_000;
    big.push_str(&aws_pair(34));
    write(&repo, "db/dump.sql", big);

    let (v, _) = review(&repo, &[]);
    let sec = check(&v, "SEC-001");
    assert_eq!(status(sec), ("fail".to_string(), false), "{sec}");
    let paths = finding_paths(sec);
    for want in [
        "config/prod.env:2".to_string(),
        "config/prod.env:3".to_string(),
        "scripts/deploy.ps1:1".to_string(),
        "config/be.ini:2".to_string(),
        "assets/logo.png:4".to_string(),
        "assets/logo.png:5".to_string(),
        format!("db/dump.sql:{}", lines + 2),
        format!("db/dump.sql:{}", lines + 3),
    ] {
        assert!(paths.contains(&want), "{want} not in {paths:?}");
    }
    // Found, and still never printed.
    let text = v.to_string();
    assert!(!text.contains(&gh), "a token leaked");
    let skips = skipped(&v);
    assert!(
        skips.iter().any(|(p, r)| p == "db/dump.sql"
            && r.ends_with("not parsed, scanned for secrets only")),
        "{skips:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_file_makes_sec_001_inconclusive() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = sandbox("unreadable");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    write(&repo, "config/secret.env", aws_pair(40));
    std::fs::set_permissions(
        repo.join("config/secret.env"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // Root (CI runs tests as root) reads a file whatever its mode: there the case cannot be
    // built, and the check's own unit test (`no_hardcoded_secrets`) covers it with a planted
    // skip instead.
    if std::fs::read(repo.join("config/secret.env")).is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let (v, _) = review(&repo, &[]);
    let sec = check(&v, "SEC-001");
    assert_eq!(status(sec), ("fail".to_string(), true), "{sec}");
    assert_eq!(finding_paths(sec), ["config/secret.env:1"], "{sec}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outputs_refuse_to_write_through_a_symlink() {
    let dir = sandbox("output");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    write(&dir, "outside/victim.txt", "precious\n");
    // Committed in the repository, pointing at a file of the machine that reviews it.
    symlink("../outside/victim.txt", repo.join("review.json")).unwrap();
    let out = lg()
        .arg("check")
        .arg(&repo)
        .args(["--today", "2026-11-22", "--format", "json", "-o"])
        .arg(repo.join("review.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("review.json: it is a symbolic link"),
        "{stderr}"
    );
    let audit = lg()
        .args(["audit", "export", "--store"])
        .arg(dir.join("nothing.db"))
        .arg("-o")
        .arg(repo.join("review.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(audit.stderr).unwrap();
    assert_eq!(audit.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("outside/victim.txt")).unwrap(),
        "precious\n"
    );
    assert!(
        std::fs::symlink_metadata(repo.join("review.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // A plain path is written, and written again over the old file.
    for _ in 0..2 {
        let out = lg()
            .arg("check")
            .arg(&repo)
            .args(["--today", "2026-11-22", "--format", "json", "-o"])
            .arg(dir.join("out.json"))
            .output()
            .unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        let text = std::fs::read_to_string(dir.join("out.json")).unwrap();
        assert!(text.starts_with('{'), "{text}");
    }
    // A device the reviewer names is written as a stream (`-o /dev/null` in benchmarks).
    let out = lg()
        .arg("check")
        .arg(&repo)
        .args([
            "--today",
            "2026-11-22",
            "--format",
            "json",
            "-o",
            "/dev/null",
        ])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    // No temporary file is left beside it.
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".launchgate-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn alerts_of_a_rule_file_prometheus_rejects_count_for_nothing() {
    let dir = sandbox("rejected");
    let repo = dir.join("repo");
    write(
        &repo,
        "launchgate.yaml",
        "service: order-events-consumer\ntier: 1\nowner: team-fulfilment\nexposure: internal\ndata: persistent\ndependencies:\n  - name: order-events\n    kind: queue\n    timeout_ms: 1000\n    dead_letter_queue: order-events-dlq\n",
    );
    let rules = "groups:
  - name: consumer
    rules:
      - alert: OrderEventsDeadLetters
        expr: sum(rabbitmq_queue_messages{queue=\"order-events-dlq\"}) > 0
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: Order events that could not be processed are waiting
      - alert: ConsumerErrors
        expr: sum(rate(consumer_errors_total[5m]) > 1
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: The consumer fails
";
    write(&repo, "monitoring/rules.yml", rules);
    let (v, _) = review(&repo, &[]);
    // Prometheus loads none of the file: the checks that need its alerts cannot pass on them.
    for id in ["OBS-005", "OBS-008", "SAF-008"] {
        let c = check(&v, id);
        assert!(status(c).1, "{id} is not inconclusive: {c}");
        assert_ne!(c["status"], "pass", "{id}: {c}");
    }
    // OBS-007 still says why the file is rejected, at the broken expression.
    let c = check(&v, "OBS-007");
    assert_eq!(status(c), ("fail".to_string(), false), "{c}");
    assert!(
        finding_paths(c).contains(&"monitoring/rules.yml:12".to_string()),
        "{c}"
    );
    // With the expression fixed the same alerts count again.
    write(
        &repo,
        "monitoring/rules.yml",
        rules.replace("[5m]) > 1", "[5m])) > 1"),
    );
    let (v, _) = review(&repo, &[]);
    for id in ["OBS-005", "OBS-008", "SAF-008"] {
        assert_eq!(check(&v, id)["status"], "pass", "{id}: {}", check(&v, id));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn content_decides_what_a_file_is() {
    let dir = sandbox("classify");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    // Python named after Dockerfiles is Python.
    write(
        &repo,
        "src/dockerfile.py",
        "import sys\n\ndef render(image):\n    return f\"FROM {image}\\n\"\n",
    );
    // A Kubernetes file saved with a UTF-8 BOM and CRLF line ends is still Kubernetes.
    write(
        &repo,
        "deploy/app.yaml",
        "\u{feff}apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: shop\r\nspec:\r\n  replicas: 3\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: shop\r\n          image: shop:1.2.3\r\n",
    );
    let (v, _) = review(&repo, &[]);
    let scan = &v["scan"];
    assert!(scan["errors"].as_array().unwrap().is_empty(), "{scan}");
    assert!(scan["kinds"].get("dockerfile").is_none(), "{scan}");
    assert_eq!(scan["kinds"]["kubernetes"], 1, "{scan}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_manifest_linked_from_outside_the_repository_is_not_read() {
    let dir = sandbox("manifest");
    let repo = dir.join("repo");
    let token = format!("{}_{}", "ghp", token(50, 36));
    write(
        &dir,
        "outside/launchgate.yaml",
        format!("{MANIFEST}owner: \"{token}\"\n"),
    );
    symlink("../outside/launchgate.yaml", repo.join("launchgate.yaml")).unwrap();
    let out = lg()
        .arg("check")
        .arg(&repo)
        .args(["--today", "2026-11-22"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("launchgate.yaml is a symbolic link leading outside the repository"),
        "{stderr}"
    );
    assert!(!stderr.contains(&token) && !String::from_utf8_lossy(&out.stdout).contains(&token));
    // A link to a manifest inside the repository is read like the file.
    std::fs::remove_file(repo.join("launchgate.yaml")).unwrap();
    write(&repo, "config/launchgate.yaml", MANIFEST);
    symlink("config/launchgate.yaml", repo.join("launchgate.yaml")).unwrap();
    let (v, code) = review(&repo, &[]);
    assert!(matches!(code, 0 | 1), "{v}");
    assert_eq!(v["service"], "shop", "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ignore_files_that_are_special_or_lead_out_are_never_opened() {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    let fifo = |p: PathBuf| {
        mknodat(CWD, p, FileType::Fifo, Mode::from_raw_mode(0o644), 0).unwrap();
    };
    let dir = sandbox("ignores");
    let repo = dir.join("repo");
    write(&repo, "launchgate.yaml", MANIFEST);
    // The walker opens a folder's ignore files before it lists the folder.
    write(&repo, "services/pay/launchgate.yaml", MANIFEST);
    write(&repo, "services/pay/config.env", aws_pair(60));
    fifo(repo.join("services/.gitignore"));
    let (v, _) = review(&repo, &[]);
    let skips = skipped(&v);
    assert!(
        skips.contains(&(
            "services/.gitignore".to_string(),
            "ignore file that is a FIFO, never opened: its folder was not walked".to_string()
        )),
        "{skips:?}"
    );
    // The folder was not read, so SEC-001 cannot say it holds no secret.
    let sec = check(&v, "SEC-001");
    assert_eq!(status(sec), ("fail".to_string(), true), "{sec}");
    // A folder of a larger checkout is reviewed even when a parent's ignore file is a FIFO.
    let (v, _) = review(&repo.join("services/pay"), &[]);
    let sec = check(&v, "SEC-001");
    assert!(
        finding_paths(sec).contains(&"config.env:2".to_string()),
        "{sec}"
    );
    // And so is a repository whose own `.gitignore` is a FIFO (ignore files are then not
    // applied: more is read, never less).
    std::fs::remove_file(repo.join("services/.gitignore")).unwrap();
    fifo(repo.join(".gitignore"));
    symlink("/dev/zero", repo.join(".launchgateignore")).unwrap();
    let (v, _) = review(&repo, &[]);
    let skips = skipped(&v);
    assert!(
        skips.contains(&(".launchgateignore".to_string(), OUT_OF_REPO.to_string())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&(
            ".gitignore".to_string(),
            "FIFO: special file, never opened".to_string()
        )),
        "{skips:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
