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
        for key in ["vp", "sec", "other"] {
            let out = ws.run(&["keygen", "--out", &format!("{key}.key")]);
            assert_eq!(out.1, 0, "{}", out.2);
        }
        let policy = format!(
            "approvers:\n  - name: vera\n    roles: [vp]\n    public_key: \"{}\"\n  - name: sam\n    roles: [security, sre]\n    public_key: \"{}\"\n",
            ws.public("vp"),
            ws.public("sec")
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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
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
    ws.check_json(&["--record"]);
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
    ws.check_json(&["--record"]);
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
        notice.starts_with("baseline base.json (2026-11-22, CONDITIONAL_GO): 10 failing or warning checks already there are hidden; 1 new failure: the gate fails"),
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
