//! The first run in a terminal: shell completions, manual pages, the global --quiet and
//! --verbose, the scan's progress spinner, and colour (NO_COLOR, CLICOLOR_FORCE, terminals)
//! end to end through the real binary, on pipes and on a real pseudo-terminal.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
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
        .env_remove("CLICOLOR_FORCE")
        .env_remove("LAUNCHGATE_PROGRESS_DELAY_MS")
        .env("COLUMNS", "120");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = lg().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const CHECK: [&str; 4] = ["check", "examples/payment-service", "--today", "2026-11-22"];

/// The binary on a pseudo-terminal for the chosen streams, with `env` set (and NO_COLOR,
/// CLICOLOR_FORCE and the progress delay unset unless `env` sets them).
fn on_terminal(
    args: &[&str],
    streams: pty::Streams,
    env: &[(&str, &str)],
) -> (i32, String, String, String) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("launchgate"));
    cmd.env(
        "LAUNCHGATE_STORE",
        "/nonexistent/launchgate-tests/ledger.db",
    );
    cmd.current_dir(root())
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("LAUNCHGATE_PROGRESS_DELAY_MS")
        .env("TERM", "xterm-256color")
        .env("COLUMNS", "120");
    for (k, v) in env {
        cmd.env(k, v);
    }
    pty::spawn(cmd, streams).finish()
}

#[test]
fn completions_are_generated_for_every_shell() {
    let (code, bash, _) = run(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(bash.contains("_launchgate()"), "{bash}");
    for word in [
        "check",
        "init",
        "completions",
        "--format",
        "--quiet",
        "--fail-on",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    for (shell, marker, format) in [
        ("zsh", "#compdef launchgate", "--format="),
        ("fish", "complete -c launchgate", "-l format"),
        ("powershell", "Register-ArgumentCompleter", "'--format'"),
        (
            "elvish",
            "edit:completion:arg-completer[launchgate]",
            "--format",
        ),
    ] {
        let (code, script, _) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains(format), "{shell} completion lacks {format}");
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{stderr}"
    );
    // Where to put them is part of the help.
    let (_, help, _) = run(&["completions", "--help"]);
    assert!(
        help.contains("~/.local/share/bash-completion/completions/launchgate"),
        "{help}"
    );
}

#[test]
fn man_pages_are_roff_for_the_tool_and_each_command() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq\n"), "{page}");
    assert!(page.contains("\n.TH LAUNCHGATE 1  \"launchgate "), "{page}");
    assert!(page.contains("launchgate\\-check(1)"), "{page}");
    assert!(page.contains("launchgate\\-init(1)"), "{page}");
    let (code, check, _) = run(&["man", "check"]);
    assert_eq!(code, 0);
    assert!(check.contains("\n.TH LAUNCHGATE-CHECK 1 "), "{check}");
    assert!(check.contains("\\-\\-format"), "{check}");
    assert!(
        check.contains("\\-\\-quiet"),
        "global flags are on every page"
    );
    let (code, _, stderr) = run(&["man", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: no command `nope`; pages exist for: check, checks, explain, evidence, policy, schema, "
        ),
        "{stderr}"
    );
    assert!(stderr.contains(", init, "), "{stderr}");
}

/// Exit status and environment are the standard man sections on every page (not an EXTRA
/// block), one tagged paragraph per code and per variable.
#[test]
fn man_pages_have_exit_status_and_environment_sections() {
    for args in [vec!["man"], vec!["man", "check"], vec!["man", "audit"]] {
        let (code, page, _) = run(&args);
        assert_eq!(code, 0);
        let exit = page.find("\n.SH \"EXIT STATUS\"\n").expect("EXIT STATUS");
        let env = page.find("\n.SH ENVIRONMENT\n").expect("ENVIRONMENT");
        assert!(exit < env, "{args:?}");
        for code in ["0", "1", "2"] {
            assert!(
                page[exit..env].contains(&format!(".TP\n\\fB{code}\\fR\n")),
                "{args:?} {code}"
            );
        }
        for var in [
            "LAUNCHGATE_TODAY",
            "LAUNCHGATE_STORE",
            "LAUNCHGATE_RECORD_KEY",
            "NO_COLOR",
        ] {
            assert!(
                page[env..].contains(&format!(".TP\n\\fB{var}\\fR\n")),
                "{args:?} {var}"
            );
        }
        assert!(!page.contains(".SH EXTRA\nExit status:"), "{args:?}");
        assert_eq!(page.matches(".ds Aq").count(), 2, "one preamble");
    }
}

#[test]
fn the_committed_man_pages_match_the_binary() {
    for (file, args) in [
        ("launchgate.1", vec!["man"]),
        ("launchgate-check.1", vec!["man", "check"]),
        ("launchgate-init.1", vec!["man", "init"]),
    ] {
        let committed = std::fs::read_to_string(root().join("docs/man").join(file))
            .unwrap_or_else(|e| panic!("docs/man/{file}: {e}; run `cargo xtask generate`"));
        let (_, page, _) = run(&args);
        assert_eq!(
            committed, page,
            "docs/man/{file} is stale; run `cargo xtask generate`"
        );
    }
}

#[test]
fn quiet_check_prints_only_the_decision_line() {
    let (code, out, err) = run(&[
        "--quiet",
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "Decision: CONDITIONAL_GO  pass rate 88% · score 91.6% · 68 pass · 5 warn · 4 fail · 0 skip\n"
    );
    assert_eq!(err, "");
    // After the command name too, and the exit code still follows the decision.
    let (code, out, _) = run(&["check", "examples/all-false", "-q", "--today", "2026-11-22"]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("Decision: NO_GO  pass rate "), "{out}");
    // Other formats are unchanged: quiet is about the terminal view.
    let (_, json, _) = run(&[
        "-q",
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
        "--format",
        "json",
    ]);
    assert!(json.starts_with("{\n"), "{json}");
}

#[test]
fn quiet_and_verbose_together_are_a_usage_error() {
    let (code, _, err) = run(&["-q", "-v", "check", "examples/payment-service"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the argument '--quiet' cannot be used with '--verbose'"),
        "{err}"
    );
}

#[test]
fn verbose_is_global_and_check_v_still_works() {
    let (_, plain, _) = run(&CHECK);
    let (code, before, stderr) = run(&[
        "--verbose",
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0);
    let (_, short, _) = run(&[
        "check",
        "-v",
        "examples/payment-service",
        "--today",
        "2026-11-22",
    ]);
    let (_, long, _) = run(&[
        "check",
        "examples/payment-service",
        "--verbose",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(before, short);
    assert_eq!(before, long);
    // Verbose shows the evidence under passing checks.
    assert!(before.lines().count() > plain.lines().count() + 20);
    assert!(!plain.contains("        package.json:19"), "{plain}");
    assert!(before.contains("        package.json:19"), "{before}");
    // And says what the scan read, on stderr.
    assert!(
        stderr.starts_with("scanned examples/payment-service: 41 files read in "),
        "{stderr}"
    );
    assert!(stderr.ends_with(" ms\n"), "{stderr}");
}

const ERR_ONLY: pty::Streams = pty::Streams {
    stdin: false,
    stdout: false,
    stderr: true,
};

#[test]
fn a_slow_scan_shows_progress_on_a_terminal_stderr() {
    // A zero delay stands in for a scan longer than a second.
    let (code, screen, stdout, _) =
        on_terminal(&CHECK, ERR_ONLY, &[("LAUNCHGATE_PROGRESS_DELAY_MS", "0")]);
    assert_eq!(code, 0);
    assert!(
        screen.contains("scanning examples/payment-service: "),
        "{screen:?}"
    );
    assert!(screen.contains(" files read"), "{screen:?}");
    // The report itself is untouched.
    assert!(stdout.starts_with("payment-service · tier 0"), "{stdout}");
    assert!(!stdout.contains("files read"));
}

#[test]
fn progress_is_hidden_when_quiet_or_when_stderr_is_not_a_terminal() {
    let delay = [("LAUNCHGATE_PROGRESS_DELAY_MS", "0")];
    let quiet = [
        "-q",
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
    ];
    let (code, screen, _, _) = on_terminal(&quiet, ERR_ONLY, &delay);
    assert_eq!(code, 0);
    assert_eq!(screen, "");
    let out = lg()
        .args(CHECK)
        .env("LAUNCHGATE_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A scan shorter than the delay (about a second by default; a minute here, so a loaded
    // machine cannot make this scan "slow") shows nothing either.
    let (_, screen, _, _) = on_terminal(
        &CHECK,
        ERR_ONLY,
        &[("LAUNCHGATE_PROGRESS_DELAY_MS", "60000")],
    );
    assert_eq!(screen, "");
}

#[test]
fn colour_follows_the_terminal_no_color_and_clicolor_force() {
    let to_terminal = pty::Streams {
        stdin: false,
        stdout: true,
        stderr: false,
    };
    // A terminal gets colour.
    let (_, screen, _, _) = on_terminal(&CHECK, to_terminal, &[]);
    assert!(screen.contains("\u{1b}[32mPASS"), "{screen:?}");
    // NO_COLOR turns it off, even on a terminal.
    let (_, screen, _, _) = on_terminal(&CHECK, to_terminal, &[("NO_COLOR", "1")]);
    assert!(screen.contains("PASS"), "{screen:?}");
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    // CLICOLOR_FORCE turns it on in a pipe, for the quiet decision line too.
    let out = lg()
        .args(["-q", "check", "examples/all-false", "--today", "2026-11-22"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.starts_with(
            "\u{1b}[1mDecision:\u{1b}[0m \u{1b}[1m\u{1b}[31mNO_GO\u{1b}[0m  pass rate"
        ),
        "{line:?}"
    );
    // A pipe without CLICOLOR_FORCE gets none.
    let (_, line, _) = run(&["-q", "check", "examples/all-false", "--today", "2026-11-22"]);
    assert!(!line.contains('\u{1b}'), "{line:?}");

    // Errors on a terminal stderr: coloured diagnostics, plain with NO_COLOR.
    let bad = root()
        .join("target")
        .join(format!("polish-bad-{}", std::process::id()));
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("launchgate.yaml"),
        "service: x\ntier: 7\nexposure: public\ndata: none\n",
    )
    .unwrap();
    let args = ["check", bad.to_str().unwrap(), "--no-scan"];
    let (code, screen, _, _) = on_terminal(&args, ERR_ONLY, &[]);
    assert_eq!(code, 2);
    assert!(screen.contains("tier 7 does not exist"), "{screen:?}");
    assert!(screen.contains('\u{1b}'), "{screen:?}");
    let (code, screen, _, _) = on_terminal(&args, ERR_ONLY, &[("NO_COLOR", "1")]);
    assert_eq!(code, 2);
    assert!(screen.contains("tier 7 does not exist"), "{screen:?}");
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    let _ = std::fs::remove_dir_all(&bad);
}

/// The fleet page may be published: it names review files by short paths, never by the
/// absolute local paths they were read from.
#[test]
fn fleet_page_shows_short_paths_not_absolute_local_ones() {
    let dir = Scratch::new("polish", "fleet");
    std::fs::create_dir_all(dir.join("reviews")).unwrap();
    let mut files = Vec::new();
    for example in ["payment-service", "task-queue"] {
        let file = dir.join("reviews").join(format!("{example}.json"));
        let (code, _, err) = run(&[
            "check",
            &format!("examples/{example}"),
            "--today",
            "2026-11-22",
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ]);
        assert!(code <= 1, "{err}");
        files.push(file.to_string_lossy().into_owned());
    }
    let mut args = vec!["fleet"];
    args.extend(files.iter().map(String::as_str));
    let (code, html, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        !html.contains(dir.to_str().unwrap()),
        "an absolute local path on the page"
    );
    assert!(html.contains(">payment-service.json<"), "{html}");
    assert!(html.contains(">task-queue.json<"), "{html}");
    let _ = std::fs::remove_dir_all(&dir);
}
