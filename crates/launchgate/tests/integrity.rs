//! Issue 13's integrity guarantees at the edges, on the real binary: no secret in any output
//! format or on stderr wherever the repository holds it (the secret-placement suite), no raw
//! control character and no injected line from hostile file names, and configuration errors
//! that always name a location.
//!
//! Every secret is built at run time (no secret-looking literal sits in this file), and every
//! review runs with `--today 2026-11-22`.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

const TODAY: &str = "2026-11-22";

const FORMATS: [&str; 8] = [
    "terminal", "json", "markdown", "html", "sarif", "junit", "github", "gitlab",
];

fn lg() -> Command {
    let mut c = Command::cargo_bin("launchgate").unwrap();
    // Never the developer's own ledger: a path that does not exist, so nothing is read.
    c.env(
        "LAUNCHGATE_STORE",
        "/nonexistent/launchgate-tests/ledger.db",
    );
    c.env("NO_COLOR", "1").env("COLUMNS", "120");
    c.env_remove("GITHUB_STEP_SUMMARY");
    c
}

fn repo(name: &str, files: &[(&str, &str)]) -> Scratch {
    let dir = Scratch::unmade("integrity", name);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// `check DIR --today 2026-11-22 EXTRA...`: (stdout, stderr, exit code).
fn run(dir: &Path, extra: &[&str]) -> (String, String, i32) {
    let out = lg()
        .arg("check")
        .arg(dir)
        .args(["--today", TODAY])
        .args(extra)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

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

fn upper(seed: u64, len: usize) -> String {
    token(seed, len)
        .to_uppercase()
        .replace(['0', '1', '8', '9'], "Q")
}

/// Where each secret sits, and the secret.
struct Planted {
    place: &'static str,
    value: String,
}

/// The planted values of which any 12 consecutive characters occur in `text`, in any letter
/// case (a redacted form shows at most four leading characters; a cut value would show a
/// piece): `what leaks the secret planted in PLACE`.
fn leaks(text: &str, planted: &[Planted], what: &str) -> Vec<String> {
    let upper_text = text.to_uppercase();
    planted
        .iter()
        .filter(|p| {
            let v = p.value.to_uppercase();
            (0..=v.len().saturating_sub(12)).any(|i| upper_text.contains(&v[i..i + 12]))
        })
        .map(|p| format!("{what} leaks the secret planted in {}", p.place))
        .collect()
}

fn assert_no_secret(text: &str, planted: &[Planted], what: &str) {
    let found = leaks(text, planted, what);
    assert!(found.is_empty(), "{}:\n{text}", found.join("\n"));
}

#[test]
fn secrets_in_every_position_reach_no_output_format_and_no_stderr() {
    let env_key = format!("{}_{}_{}", "sk", "live", token(11, 24));
    let docker_aws_secret = token(12, 40);
    let docker_aws_id = format!("AKIA{}", upper(13, 16));
    let owner_token = format!("{}_{}", "ghp", token(14, 36));
    let status_password = format!("{}7x", token(15, 14));
    let dashboard_token = token(16, 32);
    let slack_path = format!("T{}/B{}/{}", upper(17, 9), upper(18, 9), token(19, 24));
    let runbook_token = token(20, 28);
    let annotation_token = format!("{}-{}", "glpat", token(21, 20));
    let file_name_token = format!("{}_{}", "ghp", token(22, 36));
    let yaml_error_token = format!("{}_{}", "ghp", token(23, 36));
    let manifest = format!(
        "service: shop\ntier: 1\nexposure: public\ndata: persistent\nclaims:\n  status_page: https://ops:{status_password}@status.acme.io\n  dashboards:\n    - https://grafana.acme.io/d/shop?orgId=1&auth_token={dashboard_token}\n  escalation:\n    - name: shop-primary\n      contact: https://hooks.slack.com/services/{slack_path}\n"
    );
    let alerts = format!(
        "groups:\n  - name: shop\n    rules:\n      - alert: ShopDown\n        expr: up{{job=\"shop\"}} == 0\n        for: 5m\n        labels: {{severity: page}}\n        annotations:\n          summary: Shop is down; use {annotation_token} to page\n          runbook_url: https://wiki.acme.io/runbooks/shop?token={runbook_token}\n"
    );
    let dockerfile = format!(
        "FROM alpine:3.20\naws_secret_access_key={docker_aws_secret}\n{docker_aws_id}\nUSER app\n"
    );
    let codeowners = format!("* @acme/shop {owner_token}\n");
    let env = format!("STRIPE_SECRET_KEY={env_key}\n");
    let broken_k8s = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n  token: {yaml_error_token}\n"
    );
    let secret_named = format!("deploy/{file_name_token}.yaml");
    let files = [
        ("launchgate.yaml", manifest.as_str()),
        ("monitoring/alerts.rules.yml", alerts.as_str()),
        ("Dockerfile", dockerfile.as_str()),
        ("CODEOWNERS", codeowners.as_str()),
        (".env", env.as_str()),
        ("deploy/app.yaml", broken_k8s.as_str()),
        (
            secret_named.as_str(),
            "apiVersion: v1\nkind: Service\nmetadata: [oops\n",
        ),
    ];
    let dir = repo("secrets", &files);
    let planted = [
        Planted {
            place: ".env",
            value: env_key,
        },
        Planted {
            place: "a Dockerfile line that does not parse (secret key)",
            value: docker_aws_secret,
        },
        Planted {
            place: "a Dockerfile line that does not parse (access key ID)",
            value: docker_aws_id,
        },
        Planted {
            place: "a CODEOWNERS owner",
            value: owner_token,
        },
        Planted {
            place: "the status page URL's password",
            value: status_password,
        },
        Planted {
            place: "a dashboard URL's auth_token",
            value: dashboard_token,
        },
        Planted {
            place: "a Slack webhook as escalation contact",
            value: slack_path,
        },
        Planted {
            place: "an alert's runbook_url token",
            value: runbook_token,
        },
        Planted {
            place: "an alert annotation",
            value: annotation_token,
        },
        Planted {
            place: "a file name",
            value: file_name_token,
        },
        Planted {
            place: "a YAML line that does not parse",
            value: yaml_error_token,
        },
    ];
    let mut found = Vec::new();
    for format in FORMATS {
        let (out, err, code) = run(&dir, &["--format", format, "--verbose"]);
        assert!(
            code == 0 || code == 1,
            "--format {format}: exit {code}\n{err}"
        );
        found.extend(leaks(&out, &planted, &format!("--format {format}")));
        found.extend(leaks(
            &err,
            &planted,
            &format!("stderr of --format {format}"),
        ));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The review did see them: SEC-001 reports the env file, the scan the broken files.
    let (json, _, _) = run(&dir, &["--format", "json"]);
    assert!(json.contains("\"path\": \".env\""), "{json}");
    assert!(json.contains("deploy/app.yaml"), "{json}");
    assert!(json.contains("Dockerfile"), "{json}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_manifest_typo_next_to_a_credential_prints_no_credential() {
    let password = format!("{}7x", token(31, 14));
    let hook = format!("T{}/B{}/{}", upper(32, 9), upper(33, 9), token(34, 24));
    let query_token = token(35, 30);
    for (name, manifest, secret) in [
        (
            "typo-key",
            format!(
                "service: shop\ntier: 1\nexposure: public\ndata: persistent\nclaims:\n  status_pgae: https://ops:{password}@status.acme.io\n"
            ),
            password.clone(),
        ),
        (
            "wrong-type",
            format!(
                "service: shop\ntier: 1\nexposure: public\ndata: persistent\nclaims:\n  escalation: https://hooks.slack.com/services/{hook}\n"
            ),
            hook.clone(),
        ),
        (
            "bad-value",
            format!(
                "service: shop\ntier: https://grafana.acme.io/d/x?access_token={query_token}\nexposure: public\ndata: persistent\n"
            ),
            query_token.clone(),
        ),
    ] {
        let dir = repo(name, &[("launchgate.yaml", manifest.as_str())]);
        let (out, err, code) = run(&dir, &[]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains("launchgate.yaml:"), "{name}: {err}");
        let planted = [Planted {
            place: "the manifest",
            value: secret,
        }];
        assert_no_secret(&err, &planted, &format!("stderr ({name})"));
        assert_no_secret(&out, &planted, &format!("stdout ({name})"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn an_error_on_a_huge_manifest_line_prints_a_window_not_the_line() {
    let long = "a".repeat(4 * 1024 * 1024);
    let manifest = format!(
        "service: shop\ntier: 1\nexposure: public\ndata: persistent\ndescription: {long}\nstatus_pgae: x\n"
    );
    let manifest = manifest.replace("status_pgae: x\n", "") + &format!("owner: [{long}\n");
    let dir = repo("huge-line", &[("launchgate.yaml", manifest.as_str())]);
    let (_, err, code) = run(&dir, &[]);
    assert_eq!(code, 2, "{}", &err[..err.len().min(2000)]);
    assert!(
        err.contains("launchgate.yaml:"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.len() < 8 * 1024, "{} bytes on stderr", err.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Hostile file names: OSC 52 (clipboard write), OSC 0 (window title), CSI 2J (clear screen)
/// and a newline followed by a GitHub workflow command.
fn hostile_names() -> Vec<String> {
    let esc = '\u{1b}';
    let bel = '\u{7}';
    vec![
        format!("deploy/clip{esc}]52;c;ZWNobyBwd25lZA=={bel}.yaml"),
        format!("deploy/title{esc}]0;pwned{bel}.yaml"),
        format!("deploy/clear{esc}[2J.yaml"),
        "deploy/x\n::error file=x::injected\n.yaml".to_string(),
        format!("deploy/c1{}.yaml", '\u{9b}'),
    ]
}

fn has_raw_control(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}'))
}

#[test]
fn hostile_file_names_inject_no_control_character_and_no_line() {
    let names = hostile_names();
    let mut files: Vec<(&str, &str)> = vec![(
        "launchgate.yaml",
        "service: shop\ntier: 1\nexposure: public\ndata: persistent\n",
    )];
    for n in &names {
        // Kubernetes files that do not parse: every format lists them by name.
        files.push((
            n.as_str(),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n",
        ));
    }
    let dir = repo("hostile", &files);
    for format in FORMATS {
        let (out, err, code) = run(&dir, &["--format", format, "--verbose"]);
        assert!(
            code == 0 || code == 1,
            "--format {format}: exit {code}\n{err}"
        );
        // JSON and SARIF may carry any text: serde writes control characters as escapes.
        assert_eq!(
            has_raw_control(&out),
            None,
            "--format {format} prints a raw control character:\n{out}"
        );
        assert_eq!(
            has_raw_control(&err),
            None,
            "stderr of --format {format}:\n{err}"
        );
        for line in out.lines().chain(err.lines()) {
            assert!(
                !line.trim_start().starts_with("::error file=x::")
                    && !line.trim_start().starts_with("injected"),
                "--format {format}: a file name injected a line: {line:?}"
            );
        }
        // The names are still reported, visibly escaped.
        if format != "json" && format != "sarif" {
            assert!(
                out.contains("x1b]52;") && out.contains("injected"),
                "--format {format} does not show the escaped names:\n{out}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check ARGS...` with a deadline, so a blocking read fails the test instead of hanging it.
fn check_err(args: &[&std::ffi::OsStr]) -> (String, i32) {
    let out = lg()
        .arg("check")
        .args(args)
        .args(["--today", TODAY])
        .timeout(std::time::Duration::from_mins(1))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_configuration_error_names_a_location() {
    // Invalid UTF-8: at the first bad byte.
    let dir = repo("utf8", &[]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("launchgate.yaml"),
        b"service: shop\ntier: 1\nowner: caf\xe9\nexposure: public\ndata: persistent\n",
    )
    .unwrap();
    let (err, code) = check_err(&[dir.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("launchgate.yaml:3:11: not valid UTF-8"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A missing required key, in an empty file and in a file with other keys.
    for (name, text, want) in [
        (
            "empty",
            "",
            "launchgate.yaml:1:1: missing required key `service`",
        ),
        (
            "no-service",
            "tier: 1\nexposure: public\ndata: persistent\n",
            "launchgate.yaml:1:1: missing required key `service`",
        ),
        (
            "comment-only",
            "# nothing yet\n",
            "launchgate.yaml:1:1: missing required key `service`",
        ),
    ] {
        let dir = repo(name, &[("launchgate.yaml", text)]);
        let (err, code) = check_err(&[dir.as_os_str()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    // A manifest path that is a directory.
    let dir = repo("manifest-dir", &[("launchgate.yaml/x", "")]);
    let (err, code) = check_err(&[dir.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("launchgate.yaml:1:1: not a regular file (a directory)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_fifo_manifest_or_policy_is_refused_without_blocking() {
    let dir = repo("fifo", &[("README.md", "# shop\n")]);
    rustix::fs::mkfifoat(rustix::fs::CWD, dir.join("launchgate.yaml"), 0o600.into()).unwrap();
    let (err, code) = check_err(&[dir.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("launchgate.yaml:1:1: not a regular file (a FIFO)"),
        "{err}"
    );
    // Named directly, and as --manifest.
    let fifo = dir.join("launchgate.yaml");
    let (err, code) = check_err(&[fifo.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file (a FIFO)"), "{err}");
    let (err, code) = check_err(&[
        dir.as_os_str(),
        std::ffi::OsStr::new("--manifest"),
        fifo.as_os_str(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file (a FIFO)"), "{err}");
    // A policy file that is a FIFO.
    std::fs::remove_file(&fifo).unwrap();
    std::fs::write(
        &fifo,
        "service: shop\ntier: 1\nexposure: public\ndata: persistent\n",
    )
    .unwrap();
    let policy = dir.join("policy.yaml");
    rustix::fs::mkfifoat(rustix::fs::CWD, &policy, 0o600.into()).unwrap();
    let (err, code) = check_err(&[
        dir.as_os_str(),
        std::ffi::OsStr::new("--policy"),
        policy.as_os_str(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("policy.yaml:1:1: not a regular file (a FIFO)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Reviews read back from files (a review written by an older launchgate, or edited) pass the
/// way out again: `fleet` and `diff` print no secret and no raw control character from them.
#[test]
fn stored_reviews_read_back_are_redacted_and_escaped_again() {
    let dir = repo(
        "stored",
        &[(
            "launchgate.yaml",
            "service: shop\ntier: 1\nexposure: public\ndata: persistent\nowner: team-shop\n",
        )],
    );
    let (json, err, _) = run(&dir, &["--format", "json", "--no-scan"]);
    let mut v: serde_json::Value = serde_json::from_str(&json).expect(&err);
    let secret = format!("{}_{}", "ghp", token(41, 36));
    let hostile = format!("{}]52;c;cHduZWQ={} and {secret}", '\u{1b}', '\u{7}');
    for c in v["checks"].as_array_mut().unwrap() {
        c["message"] = serde_json::Value::String(hostile.clone());
    }
    v["owner"] = serde_json::Value::String(format!("team {secret}\n::error file=x::injected"));
    let a = dir.join("a.json");
    std::fs::write(&a, serde_json::to_string(&v).unwrap()).unwrap();
    v["evaluated_on"] = serde_json::Value::String("2026-11-23".to_string());
    for c in v["checks"].as_array_mut().unwrap() {
        if c["status"] == "fail" {
            c["status"] = serde_json::Value::String("pass".to_string());
        }
    }
    let b = dir.join("b.json");
    std::fs::write(&b, serde_json::to_string(&v).unwrap()).unwrap();
    let planted = [Planted {
        place: "a stored review",
        value: secret,
    }];
    for args in [
        vec!["fleet".as_ref(), a.as_os_str(), b.as_os_str()],
        vec!["diff".as_ref(), a.as_os_str(), b.as_os_str()],
        vec![
            "diff".as_ref(),
            a.as_os_str(),
            b.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    ] {
        let out = lg().args(&args).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stdout.is_empty(), "{args:?}");
        assert_no_secret(&stdout, &planted, &format!("{args:?}"));
        assert_no_secret(&stderr, &planted, &format!("stderr of {args:?}"));
        assert_eq!(has_raw_control(&stdout), None, "{args:?}: {stdout}");
        assert!(
            !stdout.lines().any(|l| l.starts_with("::error file=x")),
            "{args:?}: {stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
