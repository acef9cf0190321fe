//! The CI formats through the real binary (`--format sarif|junit|github|gitlab`): exit codes in
//! SARIF, repository-root paths, `$GITHUB_STEP_SUMMARY`; and the GitHub Action and pre-commit
//! hook definitions at the repository root, run against the binary they install. The renderers'
//! content (schema validity, JUnit read-back, fingerprints) is tested in launchgate_report.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn lg() -> Command {
    let mut c = Command::cargo_bin("launchgate").unwrap();
    // Never the developer's own ledger: a path that does not exist, so nothing is read.
    c.env(
        "LAUNCHGATE_STORE",
        "/nonexistent/launchgate-tests/ledger.db",
    );
    c.current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env_remove("GITHUB_STEP_SUMMARY");
    c
}

/// Runs `check` and returns (stdout, stderr, exit code).
fn run(args: &[&str]) -> (String, String, i32) {
    let out = lg().arg("check").args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn temp_dir(name: &str) -> Scratch {
    Scratch::new("formats", name)
}

/// Whether this test runs inside a Git checkout (the paths then start at its root).
fn in_git() -> bool {
    root().join(".git").exists()
}

/// `examples/<name>/` when the repository root is a Git checkout, as launchgate prefixes it.
fn prefix(example: &str) -> String {
    if in_git() {
        format!("examples/{example}/")
    } else {
        String::new()
    }
}

/// Schema validity of every example's SARIF is tested in launchgate_report (tests/sarif.rs);
/// here, that the binary records the exit code it returns.
#[test]
fn sarif_records_the_exit_code_the_binary_returns() {
    for (example, fail_on, code) in [
        ("payment-service", "no-go", 0),
        ("payment-service", "conditional", 1),
        ("internal-dashboard", "conditional", 0),
        ("all-false", "no-go", 1),
        ("task-queue", "no-go", 0),
    ] {
        let (out, err, exit) = run(&[
            &format!("examples/{example}"),
            "--today",
            "2026-11-22",
            "--format",
            "sarif",
            "--fail-on",
            fail_on,
        ]);
        assert_eq!(exit, code, "{example} --fail-on {fail_on}: {err}");
        let log: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(
            log["runs"][0]["invocations"],
            json!([{"executionSuccessful": true, "exitCode": code}])
        );
    }
}

#[test]
fn paths_start_at_the_git_root_wherever_launchgate_runs() {
    let uri = |dir: &Path, path: &str| -> String {
        let out = Command::cargo_bin("launchgate")
            .unwrap()
            .env(
                "LAUNCHGATE_STORE",
                "/nonexistent/launchgate-tests/ledger.db",
            )
            .current_dir(dir)
            .args(["check", path, "--today", "2026-11-22", "--format", "sarif"])
            .output()
            .unwrap();
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let want = format!("{}launchgate.yaml", prefix("payment-service"));
    assert_eq!(uri(&root(), "examples/payment-service"), want);
    assert_eq!(uri(&root().join("examples/payment-service"), "."), want);
    assert_eq!(
        uri(&root().join("examples"), "payment-service/launchgate.yaml"),
        want
    );
    // Outside any Git repository, paths stay relative to the reviewed directory.
    let dir = temp_dir("nogit");
    std::fs::write(
        dir.join("launchgate.yaml"),
        "service: api\ntier: 1\nexposure: internal\ndata: persistent\n",
    )
    .unwrap();
    if !dir.ancestors().any(|a| a.join(".git").exists()) {
        assert_eq!(uri(&dir, "."), "launchgate.yaml");
    }
}

/// The tool version and the example's directory (present only in a Git checkout) redacted.
fn redact(text: &str) -> String {
    let text = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
    let dir = prefix("payment-service");
    if dir.is_empty() {
        text.replace("launchgate.yaml", "[dir]/launchgate.yaml")
    } else {
        text.replace(&dir, "[dir]/")
    }
}

/// `--docs-url` is the only source of links in SARIF: without it, none (no dead
/// `example.invalid` links); with it, every rule links to its page and the driver to the folder.
#[test]
fn sarif_links_only_with_docs_url() {
    let args = [
        "examples/payment-service",
        "--today",
        "2026-11-22",
        "--format",
        "sarif",
    ];
    let (out, _, _) = run(&args);
    assert!(
        !out.contains("helpUri")
            && !out.contains("informationUri")
            && !out.contains("example.invalid")
    );
    let mut with = args.to_vec();
    with.extend([
        "--docs-url",
        "https://git.example.com/acme/lg/blob/v1.4.0/docs/checks/",
    ]);
    let (out, _, _) = run(&with);
    let log: Value = serde_json::from_str(&out).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(
        driver["informationUri"],
        "https://git.example.com/acme/lg/blob/v1.4.0/docs/checks"
    );
    assert_eq!(
        driver["rules"][0]["helpUri"],
        "https://git.example.com/acme/lg/blob/v1.4.0/docs/checks/CAP-001.md#cap-001-resource-limits"
    );
    with.pop();
    with.push("ftp://nowhere");
    let (_, err, code) = run(&with);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not an http(s) URL"), "{err}");
}

/// The CI outputs of payment-service, as a user's CI sees them (version redacted).
#[test]
fn ci_formats_render_stably() {
    for format in ["github", "gitlab", "junit"] {
        let (out, err, code) = run(&[
            "examples/payment-service",
            "--today",
            "2026-11-22",
            "--format",
            format,
        ]);
        assert_eq!(code, 0, "{err}");
        let text = redact(&out);
        insta::assert_snapshot!(format!("payment-service-{format}"), text);
    }
    // SARIF without the catalog (71 rules; tested in launchgate_report), which would drown
    // the diff of what matters here.
    let (out, _, _) = run(&[
        "examples/payment-service",
        "--today",
        "2026-11-22",
        "--format",
        "sarif",
    ]);
    let mut log: Value = serde_json::from_str(&out).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].take();
    assert_eq!(rules.as_array().unwrap().len(), 77);
    let text = redact(&serde_json::to_string_pretty(&log).unwrap());
    insta::assert_snapshot!("payment-service-sarif", text);
}

#[test]
fn junit_and_gitlab_of_a_failing_review() {
    let (out, _, code) = run(&[
        "examples/all-false",
        "--today",
        "2026-11-22",
        "--format",
        "junit",
    ]);
    assert_eq!(code, 1);
    // Read back with quick-junit's reader in launchgate_report (tests/ci_formats.rs).
    assert_eq!(
        out.lines().nth(1),
        Some(
            r#"<testsuites name="launchgate legacy-billing" tests="77" failures="64" errors="0">"#
        )
    );
    assert_eq!(out.matches("<testsuite ").count(), 8);
    assert_eq!(out.matches("<failure ").count(), 64);
    let gl = temp_dir("gl");
    let file = gl.join("gl-code-quality.json");
    let (out, _, code) = run(&[
        "examples/all-false",
        "--today",
        "2026-11-22",
        "--format",
        "gitlab",
        "--output",
        &file.to_string_lossy(),
    ]);
    assert_eq!((out.as_str(), code), ("", 1));
    let issues: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(issues.len() >= 63, "{}", issues.len());
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} in {i}");
        }
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn github_format_appends_the_markdown_report_to_the_step_summary() {
    let dir = temp_dir("summary");
    let summary = dir.join("step_summary.md");
    std::fs::write(&summary, "## Earlier step\n").unwrap();
    let args = [
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
        "--format",
        "github",
    ];
    let out = lg()
        .args(args)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let markdown = lg()
        .args([
            "check",
            "examples/payment-service",
            "--today",
            "2026-11-22",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap()
        .stdout;
    let markdown = String::from_utf8(markdown).unwrap();
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        format!("## Earlier step\n\n{markdown}")
    );
    // The annotations still go to standard output.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 10);
    assert!(stdout.starts_with("::error file="));

    // An empty variable means "not on GitHub": nothing is written, nothing fails.
    let out = lg()
        .args(args)
        .env("GITHUB_STEP_SUMMARY", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));

    // A summary file that cannot be written is an error (exit 2), not a silent loss.
    let out = lg()
        .args(args)
        .env("GITHUB_STEP_SUMMARY", dir.join("missing-dir/summary.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: cannot append the report to $GITHUB_STEP_SUMMARY ("),
        "{err}"
    );
    assert!(err.contains("missing-dir/summary.md"), "{err}");
}

#[test]
fn help_lists_the_ci_formats() {
    let out = lg().args(["check", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for f in ["sarif", "junit", "github", "gitlab"] {
        assert!(
            help.contains(&format!("- {f}:")),
            "{f} missing from:\n{help}"
        );
    }
    let (_, err, code) = run(&["examples/payment-service", "--format", "checkstyle"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("possible values: terminal, json, markdown, sarif, junit, github, gitlab"),
        "{err}"
    );
}

// ---------------------------------------------------------------- action.yml, pre-commit

/// A YAML file as JSON, through the loader launchgate reads its own configuration with.
fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let file = launchgate_manifest::SourceFile::new(path, text);
    launchgate_manifest::yaml::load(&file).unwrap().0
}

/// The `--long` flags `launchgate check --help` documents.
fn check_flags() -> Vec<String> {
    let help = String::from_utf8(lg().args(["check", "--help"]).output().unwrap().stdout).unwrap();
    help.split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.']).to_string())
        .collect()
}

fn step<'a>(action: &'a Value, name: &str) -> &'a Value {
    action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

#[test]
fn action_yml_is_a_composite_action_over_the_cli() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    let names: Vec<&str> = inputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "path",
            "policy",
            "fail-on",
            "format",
            "sarif-file",
            "upload-sarif",
            "publish",
            "version",
            "release-url"
        ]
    );
    for (name, input) in inputs {
        assert!(input["description"].is_string(), "{name}");
        assert!(input["default"].is_string(), "{name} default");
    }
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    // Every `${{ inputs.X }}` names a declared input.
    for part in text.split("inputs.").skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(inputs.contains_key(&name), "undeclared input `{name}`");
    }
    // For unreleased refs the install step builds this very crate, from the action's checkout
    // (release downloads are tested in tests/release.rs).
    let install = step(&action, "Install launchgate")["run"].as_str().unwrap();
    assert!(
        install
            .contains(r#"cargo install --locked --path "$GITHUB_ACTION_PATH/crates/launchgate""#),
        "{install}"
    );
    assert!(root().join("crates/launchgate/Cargo.toml").is_file());
    let upload = step(&action, "Upload SARIF to code scanning");
    assert_eq!(upload["uses"], "github/codeql-action/upload-sarif@v3");
    assert!(
        upload["if"]
            .as_str()
            .unwrap()
            .contains("inputs.upload-sarif == 'true'")
    );
    // Every flag the review step passes exists, and every format it offers is a real one.
    let review = step(&action, "Review")["run"].as_str().unwrap();
    let flags = check_flags();
    for word in review.split_whitespace().filter(|w| w.starts_with("--")) {
        assert!(
            flags.iter().any(|f| f == word),
            "action passes unknown flag {word}"
        );
    }
    let format_help = inputs["format"]["description"].as_str().unwrap();
    for f in [
        "github", "terminal", "markdown", "json", "junit", "gitlab", "sarif",
    ] {
        assert!(format_help.contains(&format!("`{f}`")), "{f}");
    }
    let fail_on = inputs["fail-on"]["description"].as_str().unwrap();
    assert!(fail_on.contains("`no-go`") && fail_on.contains("`conditional`"));
}

/// Runs the action's `Review` step script as GitHub would (`bash -e -o pipefail`), with the
/// built binary as `launchgate` and the inputs as the step's `env`.
fn run_review_step(dir: &Path, inputs: &[(&str, &str)]) -> (i32, String, String, PathBuf) {
    let action = yaml("action.yml");
    let script = step(&action, "Review")["run"].as_str().unwrap().to_string();
    let script_path = dir.join("review.sh");
    std::fs::write(&script_path, script).unwrap();
    let output = dir.join("github_output");
    std::fs::write(&output, "").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("launchgate");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script_path)
        .current_dir(root())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        // The Action runs `launchgate check` without `--today`: the example is reviewed as of the
        // day its reports were written through the binary's documented clock variable, so this
        // test means the same on every date (and overrides a time-travelled clock on purpose).
        .env("LAUNCHGATE_TODAY", "2026-11-22")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"));
    let defaults = [
        ("LAUNCHGATE_PATH", "."),
        ("LAUNCHGATE_POLICY", ""),
        ("LAUNCHGATE_FAIL_ON", "no-go"),
        ("LAUNCHGATE_FORMAT", "github"),
        ("LAUNCHGATE_SARIF", "launchgate.sarif"),
        ("LAUNCHGATE_PUBLISH", ""),
    ];
    for (k, v) in defaults {
        cmd.env(k, v);
    }
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(&output).unwrap(),
        dir.join("summary.md"),
    )
}

#[test]
fn action_review_step_runs_against_the_binary() {
    let dir = temp_dir("action");
    let sarif = dir.join("out.sarif");
    let sarif_s = sarif.to_string_lossy().to_string();
    let (code, stdout, outputs, summary) = run_review_step(
        &dir,
        &[
            ("LAUNCHGATE_PATH", "examples/payment-service"),
            ("LAUNCHGATE_SARIF", &sarif_s),
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        outputs,
        format!("decision=conditional_go\nexit-code=0\nsarif-file={sarif_s}\n")
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(stdout.contains("::error file="), "{stdout}");
    assert!(std::fs::read_to_string(summary).unwrap().starts_with("# "));

    // A failed gate is recorded, not raised: the upload step still runs, the Gate step fails.
    let (code, _, outputs, _) = run_review_step(
        &dir,
        &[
            ("LAUNCHGATE_PATH", "examples/payment-service"),
            ("LAUNCHGATE_SARIF", &sarif_s),
            ("LAUNCHGATE_FAIL_ON", "conditional"),
            ("LAUNCHGATE_FORMAT", "terminal"),
        ],
    );
    assert_eq!(code, 0);
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let gate = step(&yaml("action.yml"), "Gate")["run"]
        .as_str()
        .unwrap()
        .to_string();
    let gate_code = |exit: Option<&str>| {
        let mut c = std::process::Command::new("bash");
        c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &gate]);
        match exit {
            Some(e) => c.env("LAUNCHGATE_EXIT", e),
            None => c.env_remove("LAUNCHGATE_EXIT"),
        };
        c.status().unwrap().code().unwrap()
    };
    assert_eq!((gate_code(Some("0")), gate_code(Some("1"))), (0, 1));
    assert_eq!(gate_code(None), 2, "no recorded exit code must not pass");

    // A review that cannot be made stops the step with launchgate's exit code 2.
    let (code, _, outputs, _) = run_review_step(
        &dir,
        &[
            ("LAUNCHGATE_PATH", "examples/payment-service"),
            ("LAUNCHGATE_SARIF", &sarif_s),
            ("LAUNCHGATE_POLICY", "no/such/policy.yaml"),
        ],
    );
    assert_eq!((code, outputs.as_str()), (2, ""));
}

#[test]
fn pre_commit_hook_runs_launchgate_check_on_manifest_and_deploy_changes() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    assert_eq!(hook["id"], "launchgate");
    assert_eq!(hook["entry"], "launchgate check");
    assert_eq!(hook["language"], "system");
    assert_eq!(hook["pass_filenames"], false);
    // Which files trigger it: launchgate_report tests/hooks.rs compiles the pattern.
    assert!(
        hook["files"]
            .as_str()
            .unwrap()
            .contains(r"launchgate\.ya?ml")
    );
    // The entry is a real command: run it (pre-commit runs it at the repository root).
    let mut words = hook["entry"].as_str().unwrap().split_whitespace();
    assert_eq!(words.next(), Some("launchgate"));
    let out = Command::cargo_bin("launchgate")
        .unwrap()
        .env(
            "LAUNCHGATE_STORE",
            "/nonexistent/launchgate-tests/ledger.db",
        )
        .args(words)
        .args(["--today", "2026-11-22"])
        .current_dir(root().join("examples/all-false"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "NO_GO must refuse the commit");
}

/// A waived check states its waiver once: task-queue's manifest waives OBS-004, whose review
/// message already carries the waiver; the CI formats show the original message plus the
/// waiver in their own place (a note, a suppression), not the waiver twice.
#[test]
fn waived_messages_state_the_waiver_once() {
    let reason = "Prometheus scrapes the ECS tasks through ECS service discovery";
    for format in ["github", "gitlab", "sarif"] {
        let (out, err, code) = run(&[
            "examples/task-queue",
            "--today",
            "2026-11-22",
            "--format",
            format,
        ]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.matches(reason).count(), 1, "{format}:\n{out}");
        assert!(
            out.contains("inconclusive: a metrics library is in use"),
            "{format}"
        );
    }
}

/// docs/ci.md's monorepo pre-commit configuration works as written: each hook copy reviews its
/// own service (`launchgate check` + `args`, run at the repository root) and is limited to
/// changes under that service's directory.
#[test]
fn pre_commit_docs_review_one_service_of_a_monorepo() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let section = doc.split("### One service of a monorepo").nth(1).unwrap();
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let file = launchgate_manifest::SourceFile::new("pre-commit-config.yaml", block.to_string());
    let config = launchgate_manifest::yaml::load(&file).unwrap().0;
    let hooks = config["repos"][0]["hooks"].as_array().unwrap();
    assert_eq!(hooks.len(), 2);
    let entry = yaml(".pre-commit-hooks.yaml")[0]["entry"]
        .as_str()
        .unwrap()
        .to_string();
    let repo = temp_dir("monorepo");
    for service in ["payment", "billing"] {
        let dir = repo.join("services").join(service);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            root().join("examples/all-false/launchgate.yaml"),
            dir.join("launchgate.yaml"),
        )
        .unwrap();
    }
    for hook in hooks {
        assert_eq!(hook["id"], "launchgate");
        let args: Vec<&str> = hook["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let service = args[0];
        assert!(service.starts_with("services/"), "{args:?}");
        assert_eq!(hook["files"], format!("^{service}/"));
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("launchgate"));
        let out = lg()
            .current_dir(&repo)
            .args(words)
            .args(&args)
            .args(["--today", "2026-11-22", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "NO_GO refuses the commit: {out:?}"
        );
        let review: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(review["service"], "legacy-billing", "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&repo);
}
