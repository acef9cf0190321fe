//! The governance commands end to end, through the real binary and a real SQLite ledger:
//! keygen, signed overrides and sign-offs, audit log/verify/export/import, check --record under
//! concurrency and SIGKILL, history, diff, --baseline and the gate baseline (OPS-010).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/scratch.rs"]
mod scratch;
use scratch::copy_dir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory under the target dir (not committed, not shared between tests).
fn temp(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "ledger-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A workspace: a copy of an example service, two approver keys, an organisation policy that
/// lists them, and a ledger path (not created yet).
struct Ws {
    dir: PathBuf,
    store: PathBuf,
}

impl Ws {
    fn new(name: &str, example: &str) -> Ws {
        let dir = temp(name);
        copy_dir(&root().join("examples").join(example), &dir.join("svc"));
        let ws = Ws {
            store: dir.join("ledger.db"),
            dir,
        };
        for key in ["vp", "sec", "other", "ci"] {
            let out = ws.run(&["keygen", "--out", &format!("{key}.key")]);
            assert_eq!(out.1, 0, "{}", out.2);
        }
        let policy = format!(
            "approvers:\n  - name: vera\n    roles: [vp]\n    public_key: \"{}\"\n  - name: sam\n    roles: [security, sre]\n    public_key: \"{}\"\n  - name: ci-bot\n    roles: [ci]\n    public_key: \"{}\"\n",
            ws.public("vp"),
            ws.public("sec"),
            ws.public("ci")
        );
        std::fs::write(ws.dir.join("policy.yaml"), policy).unwrap();
        ws
    }

    fn public(&self, key: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{key}.key.pub")))
            .unwrap()
            .trim()
            .to_string()
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("launchgate").unwrap();
        c.current_dir(&self.dir)
            .env("LAUNCHGATE_STORE", &self.store)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200");
        c
    }

    /// (stdout, exit code, stderr)
    fn run(&self, args: &[&str]) -> (String, i32, String) {
        let out = self.cmd().args(args).output().unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn check_json(&self, extra: &[&str]) -> (Value, i32) {
        let mut args = vec![
            "check",
            "svc",
            "--policy",
            "policy.yaml",
            "--today",
            "2026-11-22",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let (out, code, err) = self.run(&args);
        assert!(code == 0 || code == 1, "{err}");
        (serde_json::from_str(&out).unwrap(), code)
    }

    fn override_(&self, who: &str, key: &str, extra: &[&str]) -> (String, i32, String) {
        let mut args = vec![
            "override",
            "svc",
            "--policy",
            "policy.yaml",
            "--service",
            "legacy-billing",
            "--decision",
            "go",
            "--as",
            who,
            "--key",
            key,
            "--today",
            "2026-11-22",
        ];
        if !extra.contains(&"--reason") {
            args.extend_from_slice(&["--reason", "contractual launch date"]);
        }
        if !extra.contains(&"--expires") {
            args.extend_from_slice(&["--expires", "2026-12-01"]);
        }
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn events(&self) -> Vec<launchgate_store::Event> {
        if !self.store.exists() {
            return Vec::new();
        }
        launchgate_store::SqliteStore::open(&self.store)
            .unwrap()
            .all_events()
    }
}

trait AllEvents {
    fn all_events(&self) -> Vec<launchgate_store::Event>;
}

impl AllEvents for launchgate_store::SqliteStore {
    fn all_events(&self) -> Vec<launchgate_store::Event> {
        use launchgate_store::Store;
        self.all().unwrap()
    }
}

#[test]
fn keygen_writes_a_private_key_and_its_public_half_and_never_overwrites() {
    let ws = Ws::new("keygen", "internal-dashboard");
    assert!(ws.public("vp").starts_with("ed25519:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ws.dir.join("vp.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let secret = std::fs::read_to_string(ws.dir.join("vp.key")).unwrap();
    let (out, code, err) = ws.run(&["keygen", "--out", "vp.key"]);
    assert_eq!((out.as_str(), code), ("", 2));
    assert!(err.contains("vp.key: already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(ws.dir.join("vp.key")).unwrap(),
        secret
    );
}

#[test]
fn an_override_needs_a_security_cosign_for_security_failures_and_never_rewrites_results() {
    let ws = Ws::new("override", "all-false");
    let (before, code) = ws.check_json(&[]);
    assert_eq!((before["decision"].as_str(), code), (Some("no_go"), 1));

    let (out, code, err) = ws.override_("vera", "vp.key", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "recorded override of legacy-billing to GO by vera until 2026-12-01 (event 1 "
        ),
        "{out}"
    );
    let (r, code) = ws.check_json(&[]);
    assert_eq!((r["decision"].as_str(), code), (Some("no_go"), 1));
    assert_eq!(r["overrides"][0]["applied"], false);
    let refused = r["overrides"][0]["refused"].as_str().unwrap();
    assert!(refused.starts_with("needs security co-sign"), "{refused}");

    let (_, code, err) = ws.override_(
        "sam",
        "sec.key",
        &["--reason", "pilot with ten merchants, security accepted"],
    );
    assert_eq!(code, 0, "{err}");
    let (r, code) = ws.check_json(&[]);
    assert_eq!(code, 0, "the final decision sets the exit code");
    assert_eq!(r["decision"], "go");
    assert_eq!(r["computed_decision"], "no_go");
    // Results are never rewritten.
    assert_eq!(r["checks"], before["checks"]);
    assert_eq!(r["content_hash"], before["content_hash"]);
    let applied: Vec<&Value> = r["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["applied"] == true)
        .collect();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0]["approver"], "vera");
    assert_eq!(applied[0]["cosigned_by"], "sam");
    assert_eq!(
        applied[0]["event_hash"],
        Value::from(ws.events()[0].hash.clone())
    );

    // Every view shows computed and final decision and who overrode.
    let (text, _, _) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "policy.yaml",
        "--today",
        "2026-11-22",
    ]);
    assert!(
        text.contains("Decision: GO (override; computed NO_GO)"),
        "{text}"
    );
    assert!(
        text.contains("OVERRIDE to GO by vera (vp) until 2026-12-01"),
        "{text}"
    );

    // Expired: the computed decision is back.
    let (r, code) = ws.check_json_on("2026-12-02");
    assert_eq!((r["decision"].as_str(), code), (Some("no_go"), 1));
    assert!(
        r["overrides"][0]["refused"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{}",
        r["overrides"][0]
    );
}

impl Ws {
    fn check_json_on(&self, day: &str) -> (Value, i32) {
        let (out, code, err) = self.run(&[
            "check",
            "svc",
            "--policy",
            "policy.yaml",
            "--today",
            day,
            "--format",
            "json",
        ]);
        assert!(code == 0 || code == 1, "{err}");
        (serde_json::from_str(&out).unwrap(), code)
    }
}

#[test]
fn an_override_signed_by_a_key_not_in_the_policy_is_refused() {
    let ws = Ws::new("foreign-key", "all-false");
    // The command refuses to sign with someone else's key, and writes nothing.
    let (out, code, err) = ws.override_("vera", "other.key", &[]);
    assert_eq!((out.as_str(), code), ("", 2));
    assert!(
        err.contains("the key other.key is not approver `vera`'s key in the policy"),
        "{err}"
    );
    assert!(!ws.store.exists(), "nothing written");

    // An event signed with a foreign key that reaches the ledger anyway (an import, a
    // hand-made tool) is refused when reviewing.
    let other = launchgate_store::SecretKey::read(&ws.dir.join("other.key")).unwrap();
    let body = launchgate_store::OverrideBody {
        decision: "go".into(),
        reason: "trust me".into(),
        expires: "2026-12-01".into(),
        nonce: None,
        signed_at: None,
    };
    {
        use launchgate_store::Store;
        let store = launchgate_store::SqliteStore::open(&ws.store).unwrap();
        store
            .append(
                launchgate_store::NewEvent::signed(
                    "legacy-billing",
                    launchgate_store::EventKind::Override,
                    body.to_value(),
                    "vera",
                    &other,
                ),
                jiff::Timestamp::now(),
            )
            .unwrap();
    }
    let (r, code) = ws.check_json(&[]);
    assert_eq!((r["decision"].as_str(), code), (Some("no_go"), 1));
    assert_eq!(r["overrides"][0]["applied"], false);
    let refused = r["overrides"][0]["refused"].as_str().unwrap();
    assert!(refused.contains("key"), "{refused}");
}

#[test]
fn bad_override_input_is_an_exact_error_exit_2_and_writes_nothing() {
    let ws = Ws::new("bad-input", "all-false");
    std::fs::write(
        ws.dir.join("garbage.key"),
        "ssh-ed25519 AAAAC3Nza me@host\n",
    )
    .unwrap();
    let cases: [(&str, &str, Vec<&str>, &str); 5] = [
        (
            "vera",
            "garbage.key",
            vec![],
            "garbage.key: this is an OpenSSH public key (`ssh-ed25519 …`), not a launchgate key",
        ),
        (
            "vera",
            "missing.key",
            vec![],
            "missing.key: no such key file",
        ),
        (
            "nobody",
            "vp.key",
            vec![],
            "unknown approver `nobody` (policy file policy.yaml): known approvers: vera, sam",
        ),
        (
            "vera",
            "vp.key",
            vec!["--expires", "2026-11-21"],
            "--expires 2026-11-21 is in the past (today is 2026-11-22)",
        ),
        (
            "vera",
            "vp.key",
            vec!["--reason", "  "],
            "--reason is empty",
        ),
    ];
    for (who, key, extra, expected) in cases {
        let (out, code, err) = ws.override_(who, key, &extra);
        assert_eq!(
            (out.as_str(), code),
            ("", 2),
            "{who} {key} {extra:?}: {err}"
        );
        assert!(err.contains(expected), "expected `{expected}` in: {err}");
        assert!(!ws.store.exists(), "{expected}: nothing may be written");
    }
    // A missing --reason is a usage error, too.
    let (_, code, err) = ws.run(&[
        "override",
        "svc",
        "--policy",
        "policy.yaml",
        "--service",
        "legacy-billing",
        "--decision",
        "go",
        "--as",
        "vera",
        "--key",
        "vp.key",
        "--expires",
        "2026-12-01",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--reason <REASON>"), "{err}");
    // A wrong service name is refused before anything is signed.
    let (_, code, err) = ws.run(&[
        "override",
        "svc",
        "--policy",
        "policy.yaml",
        "--service",
        "billing",
        "--decision",
        "go",
        "--reason",
        "x",
        "--expires",
        "2026-12-01",
        "--as",
        "vera",
        "--key",
        "vp.key",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--service billing does not match the manifest's service `legacy-billing`"),
        "{err}"
    );
    assert!(!ws.store.exists());
}

#[test]
fn a_signoff_fills_the_report_table_and_goes_stale_when_results_change() {
    let ws = Ws::new("signoff", "all-false");
    let (out, code, err) = ws.run(&[
        "signoff",
        "svc",
        "--policy",
        "policy.yaml",
        "--service",
        "legacy-billing",
        "--role",
        "sre",
        "--as",
        "sam",
        "--key",
        "sec.key",
        "--note",
        "runbooks walked through",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("recorded sre sign-off of legacy-billing by sam"),
        "{out}"
    );
    let (r, _) = ws.check_json(&[]);
    assert_eq!(r["signoffs"][0]["role"], "sre");
    assert_eq!(r["signoffs"][0]["stale"], false);
    let (md, _, _) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "policy.yaml",
        "--today",
        "2026-11-22",
        "--format",
        "markdown",
    ]);
    assert!(md.contains("| SRE | sam |"), "{md}");
    // Recording the review (which changes OPS-010's wording: the gate now has a recorded
    // baseline) and reviewing on another day (dates in messages) leave the results unchanged.
    ws.check_json(&["--record", "--key", "ci.key"]);
    let (r, _) = ws.check_json_on("2026-11-25");
    assert_eq!(r["signoffs"][0]["stale"], false, "{}", r["signoffs"][0]);

    // A role the approver does not hold is refused.
    let (_, code, err) = ws.run(&[
        "signoff",
        "svc",
        "--policy",
        "policy.yaml",
        "--service",
        "legacy-billing",
        "--role",
        "engineering",
        "--as",
        "sam",
        "--key",
        "sec.key",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("approver `sam` does not hold the role `engineering`"),
        "{err}"
    );

    // Change the results: the sign-off is now stale.
    let manifest = ws.dir.join("svc/launchgate.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("kill_switch: false", "kill_switch: true", 1),
    )
    .unwrap();
    let (r, _) = ws.check_json(&[]);
    assert_eq!(r["signoffs"][0]["stale"], true);
    assert_eq!(ws.events().len(), 2);
}

#[test]
fn audit_export_import_and_verify_detect_tampering() {
    let ws = Ws::new("audit", "all-false");
    ws.override_("vera", "vp.key", &[]);
    ws.check_json(&["--record", "--key", "ci.key"]);
    let (out, code, _) = ws.run(&["audit", "export", "-o", "ledger.jsonl"]);
    assert_eq!((out.as_str(), code), ("", 0));
    let (out, code, _) = ws.run(&["audit", "verify", "ledger.jsonl"]);
    assert_eq!(code, 0, "{out}");
    let head = ws.events().last().unwrap().hash.clone();
    assert_eq!(out, format!("ledger.jsonl: OK: 2 events, head {head}\n"));
    let (out, code, _) = ws.run(&["audit", "verify"]);
    assert_eq!(code, 0);
    assert!(
        out.ends_with(&format!(": OK: 2 events, head {head}\n")),
        "{out}"
    );

    let log = ws.run(&["audit", "log"]).0;
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(
        log.lines().next().unwrap().ends_with(
            "legacy-billing  override to GO until 2026-12-01: contractual launch date (signed by vera)"
        ),
        "{log}"
    );

    // One changed byte in the export: verify names it and exits 1; import refuses it.
    let path = ws.dir.join("ledger.jsonl");
    let good = std::fs::read(&path).unwrap();
    let mut bad = good.clone();
    let at = bad.iter().position(|&b| b == b'c').unwrap();
    bad[at] = b'k';
    std::fs::write(ws.dir.join("bad.jsonl"), &bad).unwrap();
    let (out, code, _) = ws.run(&["audit", "verify", "bad.jsonl"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("bad.jsonl: TAMPERED: "), "{out}");
    let fresh = ws.dir.join("fresh.db");
    let fresh_url = format!("sqlite://{}", fresh.display());
    let (_, code, err) = ws.run(&["audit", "import", "bad.jsonl", "--store", &fresh_url]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "import refused, nothing written: the imported events are not intact: event 1: "
        ),
        "{err}"
    );
    assert!(
        !fresh.exists()
            || ws
                .run(&["audit", "export", "--store", &fresh_url])
                .0
                .is_empty()
    );

    // The good export imports into a fresh ledger with the same head, and again is a no-op.
    let (out, code, err) = ws.run(&["audit", "import", "ledger.jsonl", "--store", &fresh_url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "imported ledger.jsonl: 2 events read, 0 already present, 2 added; head 2 {head}\n"
        )
    );
    let (out, _, _) = ws.run(&["audit", "import", "ledger.jsonl", "--store", &fresh_url]);
    assert!(out.contains("2 already present, 0 added"), "{out}");
    let (out, code, _) = ws.run(&["audit", "verify", "--head", &head, "--store", &fresh_url]);
    assert_eq!(code, 0, "{out}");
    // Tampering inside the database itself: verify names the event, and a review refuses to
    // apply anything from a ledger that does not verify.
    let sql = format!(
        "import sqlite3; c = sqlite3.connect({:?}); c.execute(\"UPDATE events SET body = replace(body, 'contractual', 'contractural') WHERE seq = 1\"); c.commit()",
        ws.store.display().to_string()
    );
    let status = std::process::Command::new("python3")
        .args(["-c", &sql])
        .status()
        .expect("python3 (for its sqlite3 module) tampers with the test ledger");
    assert!(status.success());
    let (out, code, _) = ws.run(&["audit", "verify"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(": TAMPERED: event 1: hash does not match its content"),
        "{out}"
    );
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "policy.yaml",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("does not verify: event 1: "), "{err}");
    // A head the ledger does not contain (events removed from the end) fails.
    let (out, code, _) = ws.run(&["audit", "verify", "--head", &"ab".repeat(32)]);
    assert!(out.contains(": TAMPERED: "), "{out}");
    assert_eq!(code, 1);
}

#[test]
fn two_processes_recording_at_once_lose_nothing() {
    let ws = Ws::new("concurrent", "internal-dashboard");
    let per_process = 4;
    let children: Vec<_> = (0..2)
        .map(|_| {
            let dir = ws.dir.clone();
            let store = ws.store.clone();
            std::thread::spawn(move || {
                for _ in 0..per_process {
                    let out = Command::cargo_bin("launchgate")
                        .unwrap()
                        .current_dir(&dir)
                        .env("LAUNCHGATE_STORE", &store)
                        .args([
                            "check",
                            "svc",
                            "--record",
                            "--quiet",
                            "--today",
                            "2026-11-22",
                        ])
                        .output()
                        .unwrap();
                    assert_eq!(
                        out.status.code(),
                        Some(0),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    let events = ws.events();
    assert_eq!(events.len(), 2 * per_process);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<u64>>()
    );
    launchgate_store::verify(&events).unwrap();
    let (out, code, _) = ws.run(&["history", "analytics-dashboard"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("analytics-dashboard: 8 recorded reviews  ████████\n"),
        "{out}"
    );
}

#[test]
fn a_process_killed_while_recording_leaves_a_ledger_that_verifies() {
    let ws = Ws::new("killed", "internal-dashboard");
    let bin = assert_cmd::cargo::cargo_bin("launchgate");
    for delay_ms in [5_u64, 40, 80, 120, 160, 200, 260, 320] {
        let mut child = std::process::Command::new(&bin)
            .current_dir(&ws.dir)
            .env("LAUNCHGATE_STORE", &ws.store)
            .args([
                "check",
                "svc",
                "--record",
                "--quiet",
                "--today",
                "2026-11-22",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (out, code, err) = ws.run(&["audit", "verify"]);
        if ws.store.exists() {
            assert_eq!(code, 0, "after a kill at {delay_ms} ms: {out}{err}");
        }
    }
    let before = ws.events().len();
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--record",
        "--quiet",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0, "{err}");
    let events = ws.events();
    assert_eq!(events.len(), before + 1);
    launchgate_store::verify(&events).unwrap();
}

#[test]
fn history_diff_and_baseline_show_what_changed() {
    let ws = Ws::new("history", "payment-service");
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "svc", "--today", "2026-11-22", "--quiet"];
        args.extend_from_slice(extra);
        ws.run(&args)
    };
    let (_, code, err) = check(&["--record"]);
    assert_eq!(code, 0, "{err}");
    let (base, _, _) = ws.run(&[
        "check",
        "svc",
        "--today",
        "2026-11-22",
        "--format",
        "json",
        "-o",
        "base.json",
    ]);
    assert_eq!(base, "");

    // Fix one gap (the kill switch) and open another (no idempotent writes).
    let manifest = ws.dir.join("svc/launchgate.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let changed = text
        .replacen("kill_switch: false", "kill_switch: true", 1)
        .replacen("idempotent_writes: true", "idempotent_writes: false", 1);
    assert_ne!(changed, text);
    std::fs::write(&manifest, changed).unwrap();
    check(&["--record"]);

    let (out, code, err) = ws.run(&["history", "payment-service"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("payment-service: 2 recorded reviews  "),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.contains("CONDITIONAL_GO")).count(),
        2,
        "{out}"
    );

    let (out, code, err) = ws.run(&["diff", "--service", "payment-service"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\nNew failures (1):\n  SAF-007 idempotent-writes"),
        "{out}"
    );
    assert!(
        out.contains("\nImproved (1):\n  SAF-009 kill-switch"),
        "{out}"
    );
    let (json, _, _) = ws.run(&["diff", "base.json", "@2", "--format", "json"]);
    let d: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(d["new_failures"][0]["id"], "SAF-007");
    assert_eq!(d["improved"][0]["id"], "SAF-009");

    // --baseline: only the new failure is reported, and it alone fails the gate.
    let (out, code, _) = ws.run(&[
        "check",
        "svc",
        "--today",
        "2026-11-22",
        "--baseline",
        "base.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let r: Value = serde_json::from_str(&out).unwrap();
    let bad: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail" || c["status"] == "warn")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(bad, ["SAF-007"]);
    let notice = r["notices"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    assert!(
        notice.starts_with("baseline base.json (2026-11-22, CONDITIONAL_GO): 8 failing or warning checks already there are hidden; 1 new failure: the gate fails"),
        "{notice}"
    );
    // Against itself nothing is new: the gate passes.
    let (_, code, _) = ws.run(&[
        "check",
        "svc",
        "--today",
        "2026-11-22",
        "--baseline",
        "base.json",
        "--quiet",
    ]);
    assert_eq!(code, 1, "SAF-007 is still new");
    std::fs::write(&manifest, text).unwrap();
    let (_, code, _) = ws.run(&[
        "check",
        "svc",
        "--today",
        "2026-11-22",
        "--baseline",
        "base.json",
        "--quiet",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn a_policy_looser_than_the_recorded_gate_fails_ops_010_unless_justified() {
    let ws = Ws::new("gate", "internal-dashboard");
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--record",
        "--quiet",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0, "{err}");
    let recorded = ws.events()[0].recorded_at.clone();
    std::fs::write(
        ws.dir.join("loose.yaml"),
        "thresholds: {go: 80, conditional: 60}\n",
    )
    .unwrap();
    let (out, _, err) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "loose.yaml",
        "--today",
        "2026-11-22",
        "--format",
        "json",
    ]);
    let r: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let ops = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "OPS-010")
        .unwrap();
    assert_eq!(
        ops["status"], "warn",
        "OPS-010 is recommended for tier 2: {ops}"
    );
    let messages: Vec<&str> = ops["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("90") && m.contains("80")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains(&recorded[..10])),
        "the report says when the stricter gate was recorded: {messages:?}"
    );
    std::fs::write(
        ws.dir.join("loose.yaml"),
        "thresholds: {go: 80, conditional: 60}\njustification: internal tool, agreed with SRE in INC-2231\n",
    )
    .unwrap();
    let (out, _, _) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "loose.yaml",
        "--today",
        "2026-11-22",
        "--format",
        "json",
    ]);
    let r: Value = serde_json::from_str(&out).unwrap();
    let ops = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "OPS-010")
        .unwrap();
    assert_eq!(ops["status"], "pass", "{ops}");
}

// ---------------------------------------------------------------------------------------------
// A ledger nobody can forge (issue 13, item 6): unsigned or untrusted events never count, a
// pinned head catches truncation and rehashing in `check`, import refuses unsigned events.

impl Ws {
    /// `check` with `policy`, as JSON, on 2026-11-22, against `store` (default: the Ws ledger).
    fn review_with(&self, policy: &str, store: Option<&Path>) -> Value {
        let mut args = vec![
            "check".to_string(),
            "svc".into(),
            "--policy".into(),
            policy.into(),
            "--today".into(),
            "2026-11-22".into(),
            "--format".into(),
            "json".into(),
        ];
        if let Some(store) = store {
            args.extend(["--store".to_string(), store.display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, code, err) = self.run(&args);
        assert!(code == 0 || code == 1, "exit {code}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"))
    }

    /// Writes `name` = the org policy plus `extra` YAML lines.
    fn policy_plus(&self, name: &str, extra: &str) {
        let org = std::fs::read_to_string(self.dir.join("policy.yaml")).unwrap();
        std::fs::write(self.dir.join(name), format!("{org}{extra}")).unwrap();
    }
}

fn ops_010(review: &Value) -> &Value {
    review["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "OPS-010")
        .unwrap()
}

fn messages(check: &Value) -> Vec<String> {
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn notices(review: &Value) -> Vec<String> {
    review["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// What a forger with write access to an export (or the database) can do without any key: a
/// review event recording a loosened gate, appended after `last` with a correct hash.
fn forged_review(last: &launchgate_store::Event, template: &launchgate_store::Event) -> String {
    let mut body = template.body.clone();
    body["thresholds"]["go"] = serde_json::json!(60.0);
    body["thresholds"]["conditional"] = serde_json::json!(55.0);
    body["evaluated_on"] = serde_json::json!("2026-11-22");
    let forged = launchgate_store::NewEvent::unsigned(
        template.service.clone(),
        launchgate_store::EventKind::Review,
        body,
    )
    .into_event(
        last.seq + 1,
        "2026-11-22T10:00:00Z".to_string(),
        last.hash.clone(),
    );
    launchgate_store::export(&[forged])
}

#[test]
fn a_forged_unsigned_review_is_refused_by_import_and_ignored_by_check_so_ops_010_keeps_the_signed_gate()
 {
    let ws = Ws::new("forged", "internal-dashboard");
    // Recording under a policy with keys needs CI's recorder key.
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "policy.yaml",
        "--today",
        "2026-11-22",
        "--record",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the policy requires signed ledger events") && err.contains("--key FILE"),
        "{err}"
    );
    assert!(ws.events().is_empty(), "nothing recorded");
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "policy.yaml",
        "--today",
        "2026-11-22",
        "--record",
        "--quiet",
        "--key",
        "ci.key",
    ]);
    assert_eq!(code, 0, "{err}");
    let events = ws.events();
    assert_eq!(events[0].signer.as_deref(), Some("ci-bot"));

    // The forgery: an unsigned review with go 60%, appended to the export with a correct hash.
    ws.run(&["audit", "export", "-o", "ledger.jsonl"]);
    let good = std::fs::read_to_string(ws.dir.join("ledger.jsonl")).unwrap();
    let forged = format!("{good}{}", forged_review(&events[0], &events[0]));
    std::fs::write(ws.dir.join("forged.jsonl"), &forged).unwrap();
    // The chain alone cannot tell; the policy can.
    let (out, code, _) = ws.run(&["audit", "verify", "forged.jsonl"]);
    assert_eq!(code, 0, "{out}");
    let (out, code, _) = ws.run(&["audit", "verify", "forged.jsonl", "--policy", "policy.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("forged.jsonl: UNTRUSTED: event 2 (review of analytics-dashboard, line 2 of an export) is unsigned"),
        "{out}"
    );

    // Import under the policy refuses it, naming the event, and writes nothing.
    let fresh = ws.dir.join("fresh.db");
    let fresh_arg = fresh.display().to_string();
    let (out, code, err) = ws.run(&[
        "audit",
        "import",
        "forged.jsonl",
        "--policy",
        "policy.yaml",
        "--store",
        &fresh_arg,
    ]);
    assert_eq!((out.as_str(), code), ("", 2), "{err}");
    assert!(
        err.contains("forged.jsonl: line 2: event 2 (review of analytics-dashboard) is unsigned, and the policy requires signed ledger events (because the policy lists approvers (policy file policy.yaml)); nothing imported"),
        "{err}"
    );
    assert!(!fresh.exists(), "nothing written");
    // The good export imports under the policy.
    let (_, code, err) = ws.run(&[
        "audit",
        "import",
        "ledger.jsonl",
        "--policy",
        "policy.yaml",
        "--store",
        &fresh_arg,
    ]);
    assert_eq!(code, 0, "{err}");

    // Imported without the policy (anyone can write a ledger), the forgery still counts for
    // nothing: OPS-010 compares the loosened policy with the signed gate, and says why.
    let (_, code, err) = ws.run(&["audit", "import", "forged.jsonl", "--store", &fresh_arg]);
    assert_eq!(code, 0, "{err}");
    ws.policy_plus("loose.yaml", "thresholds: {go: 60, conditional: 55}\n");
    let r = ws.review_with("loose.yaml", Some(&fresh));
    let ops = ops_010(&r);
    assert_eq!(
        ops["status"], "warn",
        "OPS-010 is recommended for tier 2: {ops}"
    );
    let found = messages(ops);
    assert!(
        found
            .iter()
            .any(|m| m.contains("`thresholds.go` lowered from 90% to 60%")
                && m.contains(&format!(
                    "the baseline recorded {}",
                    &events[0].recorded_at[..10]
                ))),
        "{found:?}"
    );
    let notes = notices(&r);
    assert!(
        notes.iter().any(|n| n.starts_with("ledger: 1 recorded review of analytics-dashboard ignored, not signed by a recorder the policy trusts")
            && n.contains("event 2 (unsigned: the ledger event carries no signature)")),
        "{notes:?}"
    );
    assert_eq!(
        r["history"].as_array().unwrap().len(),
        1,
        "the forgery is no history"
    );
}

#[test]
fn a_review_signed_by_an_untrusted_key_is_ignored_with_a_notice() {
    let ws = Ws::new("untrusted", "internal-dashboard");
    // A key the org policy does not list cannot record under it, nor can an approver without
    // the `ci` role.
    for (key, says) in [
        ("other.key", "is not an approver's key in the policy"),
        (
            "vp.key",
            "is approver `vera`'s, who holds [vp] but not `ci`",
        ),
    ] {
        let (_, code, err) = ws.run(&[
            "check",
            "svc",
            "--policy",
            "policy.yaml",
            "--today",
            "2026-11-22",
            "--record",
            "--key",
            key,
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(ws.events().is_empty());
    // But a ledger can hold anything: here a loosened gate, validly signed by mallory's key
    // under mallory's own policy.
    std::fs::write(
        ws.dir.join("mallory.yaml"),
        format!(
            "approvers:\n  - name: mallory\n    roles: [ci]\n    public_key: \"{}\"\nthresholds: {{go: 60, conditional: 55}}\njustification: mine\n",
            ws.public("other")
        ),
    )
    .unwrap();
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "mallory.yaml",
        "--today",
        "2026-11-22",
        "--record",
        "--quiet",
        "--key",
        "other.key",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ws.events()[0].signer.as_deref(), Some("mallory"));
    let (out, code, _) = ws.run(&["audit", "verify"]);
    assert_eq!(code, 0, "{out}");

    ws.policy_plus("loose.yaml", "thresholds: {go: 60, conditional: 55}\n");
    let r = ws.review_with("loose.yaml", None);
    let found = messages(ops_010(&r));
    assert!(
        found.iter().any(|m| m
            .contains("`thresholds.go` lowered from 90% to 60% compared with the built-in gate")),
        "{found:?}"
    );
    let notes = notices(&r);
    assert!(
        notes.iter().any(|n| n.contains("1 recorded review of analytics-dashboard ignored")
            && n.contains("event 1 (unknown approver: `mallory` is not in the policy's approvers (policy file loose.yaml))")),
        "{notes:?}"
    );
    assert_eq!(r["history"].as_array().unwrap().len(), 0);
}

#[test]
fn without_keys_a_recorded_gate_is_unverified_and_a_forgery_cannot_lower_it() {
    let ws = Ws::new("unverified", "internal-dashboard");
    // No policy file: no approvers, no keys; reviews are recorded unsigned as before.
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--today",
        "2026-11-22",
        "--record",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let events = ws.events();
    assert_eq!(events[0].signature, None);
    ws.run(&["audit", "export", "-o", "ledger.jsonl"]);
    let good = std::fs::read_to_string(ws.dir.join("ledger.jsonl")).unwrap();
    std::fs::write(
        ws.dir.join("forged.jsonl"),
        format!("{good}{}", forged_review(&events[0], &events[0])),
    )
    .unwrap();
    let fresh = ws.dir.join("fresh.db");
    let (_, code, err) = ws.run(&[
        "audit",
        "import",
        "forged.jsonl",
        "--store",
        &fresh.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");

    std::fs::write(
        ws.dir.join("loose.yaml"),
        "thresholds: {go: 60, conditional: 55}\n",
    )
    .unwrap();
    let r = ws.review_with("loose.yaml", Some(&fresh));
    let ops = ops_010(&r);
    assert_eq!(ops["status"], "warn", "{ops}");
    let found = messages(ops);
    assert!(
        found
            .iter()
            .any(|m| m.contains("`thresholds.go` lowered from 90% to 60%")),
        "the forged gate does not lower the reference below the built-in gate: {found:?}"
    );
    let notes = notices(&r);
    assert!(
        notes.iter().any(|n| n.starts_with("ledger: the recorded gate of analytics-dashboard is unverified: 2 recorded reviews are not signed by a trusted recorder, the newest being event 2")
            && n.contains("only where it is stricter than the built-in gate")),
        "{notes:?}"
    );
    // The unverified reviews stay in the history, as before.
    assert_eq!(r["history"].as_array().unwrap().len(), 2);
}

#[test]
fn a_pinned_head_makes_check_refuse_a_truncated_or_rehashed_ledger() {
    let ws = Ws::new("pinned", "internal-dashboard");
    for _ in 0..3 {
        let (_, code, err) = ws.run(&[
            "check",
            "svc",
            "--policy",
            "policy.yaml",
            "--today",
            "2026-11-22",
            "--record",
            "--quiet",
            "--key",
            "ci.key",
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let events = ws.events();
    let pin = format!(
        "ledger:\n  head: {{seq: 3, hash: \"{}\"}}\n",
        events[2].hash
    );
    ws.policy_plus("pinned.yaml", &pin);
    // Pin line: the org policy has 10 lines, `ledger:` is line 11, `head:` line 12.
    let at = "pinned.yaml:12:3";
    let r = ws.review_with("pinned.yaml", None);
    assert_eq!(r["history"].as_array().unwrap().len(), 3);
    // Events after the pin are fine.
    ws.run(&[
        "check",
        "svc",
        "--policy",
        "policy.yaml",
        "--today",
        "2026-11-22",
        "--record",
        "--quiet",
        "--key",
        "ci.key",
    ]);
    let r = ws.review_with("pinned.yaml", None);
    assert_eq!(r["history"].as_array().unwrap().len(), 4);
    let (out, code, _) = ws.run(&["audit", "verify", "--policy", "pinned.yaml"]);
    assert_eq!(code, 0, "{out}");

    let check = |store: &Path| {
        ws.run(&[
            "check",
            "svc",
            "--policy",
            "pinned.yaml",
            "--today",
            "2026-11-22",
            "--store",
            &store.display().to_string(),
        ])
    };
    // Truncated: the first two events, imported into a fresh ledger (a valid, shorter chain).
    let export = launchgate_store::export(&events[..2]);
    std::fs::write(ws.dir.join("short.jsonl"), export).unwrap();
    let short = ws.dir.join("short.db");
    let (_, code, err) = ws.run(&[
        "audit",
        "import",
        "short.jsonl",
        "--store",
        &short.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (out, code, err) = check(&short);
    assert_eq!((out.as_str(), code), ("", 2), "{err}");
    assert!(
        err.contains(&format!(
            "{at}: the ledger {} does not hold the pinned head (event 3, hash {})",
            short.display(),
            events[2].hash
        )) && err.contains("the ledger ends at event 2 but event 3"),
        "{err}"
    );
    let (out, code, _) = ws.run(&[
        "audit",
        "verify",
        "--policy",
        "pinned.yaml",
        "--store",
        &short.display().to_string(),
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains(": TAMPERED: the ledger ends at event 2 but event 3"),
        "{out}"
    );

    // Rehashed: event 1 backdated (its time is not signed) and every link and hash after it
    // recomputed. Chain and signatures verify; the pin does not.
    let mut rehashed = events.clone();
    rehashed[0].recorded_at = "2026-01-01T00:00:00Z".to_string();
    let mut prev = launchgate_store::GENESIS_HASH.to_string();
    for e in &mut rehashed {
        e.prev_hash.clone_from(&prev);
        e.hash = e.compute_hash();
        prev.clone_from(&e.hash);
    }
    launchgate_store::verify(&rehashed).unwrap();
    let rewritten = ws.dir.join("rewritten.db");
    {
        use launchgate_store::Store;
        let store = launchgate_store::SqliteStore::open(&rewritten).unwrap();
        store.import(rehashed.clone()).unwrap();
    }
    let (_, code, err) = check(&rewritten);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{at}: the ledger {} does not hold the pinned head",
            rewritten.display()
        )) && err.contains(&format!(
            "event 3: hash {} is not the pinned hash {}: the ledger was rewritten up to this event (rehashed) or replaced",
            rehashed[2].hash, events[2].hash
        )),
        "{err}"
    );

    // Removed: no ledger at all where one is pinned.
    let (_, code, err) = check(&ws.dir.join("gone.db"));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{at}: the policy pins ledger event 3"))
            && err.contains("there is no ledger at"),
        "{err}"
    );
    assert!(
        !ws.dir.join("gone.db").exists(),
        "reviewing never creates a ledger"
    );
}

#[test]
fn ledger_settings_belong_to_the_organisation_policy_and_a_bad_pin_is_located() {
    let ws = Ws::new("pinconfig", "internal-dashboard");
    ws.policy_plus("bad.yaml", "ledger:\n  head: {seq: 0, hash: \"ABC\"}\n");
    let (_, code, err) = ws.run(&[
        "check",
        "svc",
        "--policy",
        "bad.yaml",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the pinned ledger hash is not 64 lowercase hex digits"),
        "{err}"
    );
    assert!(err.contains("the pinned ledger event's seq is 0"), "{err}");
    assert!(err.contains("bad.yaml:12:"), "{err}");
    let manifest = ws.dir.join("svc/launchgate.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let with = if text.contains("\npolicy:\n") {
        text.replacen(
            "\npolicy:\n",
            "\npolicy:\n  ledger: {require_signatures: false}\n",
            1,
        )
    } else {
        format!("{text}policy:\n  ledger: {{require_signatures: false}}\n")
    };
    std::fs::write(&manifest, with).unwrap();
    let (_, code, err) = ws.run(&["check", "svc", "--today", "2026-11-22"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`ledger` cannot be set in the service manifest"),
        "{err}"
    );
}

#[test]
fn a_replayed_or_reordered_old_signed_review_cannot_bring_back_its_looser_gate() {
    let ws = Ws::new("replay", "internal-dashboard");
    let record = |policy: &str| {
        let (_, code, err) = ws.run(&[
            "check",
            "svc",
            "--policy",
            policy,
            "--today",
            "2026-11-22",
            "--record",
            "--quiet",
            "--key",
            "ci.key",
        ]);
        assert_eq!(code, 0, "{err}");
    };
    // A justified looser gate was recorded, then the gate was tightened again; the same
    // review recorded twice carries two signatures (each recording has its own nonce).
    ws.policy_plus(
        "loose-justified.yaml",
        "thresholds: {go: 80, conditional: 60}\njustification: migration quarter\n",
    );
    record("loose-justified.yaml");
    record("policy.yaml");
    record("policy.yaml");
    let events = ws.events();
    assert_ne!(events[1].signature, events[2].signature);
    let r = ws.review_with("policy.yaml", None);
    assert!(
        !notices(&r).iter().any(|n| n.contains("replayed")),
        "{:?}",
        notices(&r)
    );

    // The replay: event 1, signature and all, appended anew with a correct link and hash.
    let mut copy = events[0].clone();
    copy.seq = 4;
    copy.recorded_at = "2026-11-22T12:00:00Z".to_string();
    copy.prev_hash.clone_from(&events[2].hash);
    copy.hash = copy.compute_hash();
    let text = launchgate_store::export(&[events.clone(), vec![copy]].concat());
    std::fs::write(ws.dir.join("replayed.jsonl"), text).unwrap();
    let (out, code, _) = ws.run(&["audit", "verify", "replayed.jsonl"]);
    assert_eq!(code, 0, "the chain alone cannot tell: {out}");
    let strict = ws.dir.join("strict.db");
    let (_, code, err) = ws.run(&[
        "audit",
        "import",
        "replayed.jsonl",
        "--policy",
        "policy.yaml",
        "--store",
        &strict.display().to_string(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("replayed.jsonl: line 4: event 4 (review of analytics-dashboard) repeats the signature of event 1 (a replayed copy)"),
        "{err}"
    );
    let fresh = ws.dir.join("fresh.db");
    let (_, code, err) = ws.run(&[
        "audit",
        "import",
        "replayed.jsonl",
        "--store",
        &fresh.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");

    ws.policy_plus("loose.yaml", "thresholds: {go: 80, conditional: 60}\n");
    let r = ws.review_with("loose.yaml", Some(&fresh));
    let found = messages(ops_010(&r));
    assert!(
        found
            .iter()
            .any(|m| m.contains("`thresholds.go` lowered from 90% to 80%")),
        "the baseline is still the last genuine gate: {found:?}"
    );
    let notes = notices(&r);
    assert!(
        notes.iter().any(|n| n.starts_with("ledger: 1 event of analytics-dashboard ignored as replayed copies of earlier signed events")
            && n.ends_with("event 4 (review) repeats event 1")),
        "{notes:?}"
    );
    assert_eq!(r["history"].as_array().unwrap().len(), 3);

    // Reordered instead of copied: the old looser gate moved to the end, every link and hash
    // recomputed. No signature repeats, but the signed time (`signed_at`) still says which gate
    // is the newest.
    let mut reordered = vec![events[1].clone(), events[2].clone(), events[0].clone()];
    let mut prev = launchgate_store::GENESIS_HASH.to_string();
    for (e, seq) in reordered.iter_mut().zip(1..) {
        e.seq = seq;
        e.prev_hash.clone_from(&prev);
        e.hash = e.compute_hash();
        prev.clone_from(&e.hash);
    }
    let moved = ws.dir.join("moved.db");
    {
        use launchgate_store::Store;
        let store = launchgate_store::SqliteStore::open(&moved).unwrap();
        store.import(reordered).unwrap();
    }
    let r = ws.review_with("loose.yaml", Some(&moved));
    let found = messages(ops_010(&r));
    assert!(
        found
            .iter()
            .any(|m| m.contains("`thresholds.go` lowered from 90% to 80%")),
        "the newest signed gate stays the baseline: {found:?}"
    );
}
