//! `launchgate init`: the wizard answered through a real pseudo-terminal, `--yes` on the
//! examples (values detected from the real scan), flags, refusing to overwrite, no terminal.
//! Every written manifest is read back with `ServiceManifest::parse` and, where it matters,
//! reviewed with `launchgate check`.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pty.rs"]
mod pty;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use launchgate_core::Tier;
use launchgate_manifest::{DataClass, Exposure, Scope, ServiceManifest, SourceFile, Stage};
use serde_json::Value;

#[path = "support/scratch.rs"]
mod scratch;
use scratch::{Scratch, copy_dir};

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
        .env("COLUMNS", "120");
    c
}

/// An empty temporary directory for one test.
fn temp(name: &str) -> Scratch {
    Scratch::new("init", name)
}

/// A copy of an example without its manifest.
fn example(example: &str, name: &str) -> Scratch {
    let dir = temp(name);
    copy_dir(&root().join("examples").join(example), &dir);
    fs::remove_file(dir.join("launchgate.yaml")).unwrap();
    dir
}

/// A repository made of `files`.
fn repo(name: &str, files: &[(&str, &str)]) -> Scratch {
    let dir = temp(name);
    for (path, text) in files {
        let p = dir.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn parse(text: &str) -> ServiceManifest {
    ServiceManifest::parse(SourceFile::new("launchgate.yaml", text.to_string()))
        .unwrap_or_else(|e| panic!("the manifest does not validate: {e:?}\n{text}"))
}

fn read(dir: &Path) -> ServiceManifest {
    parse(&fs::read_to_string(dir.join("launchgate.yaml")).unwrap())
}

/// `(name, kind, dead_letter_queue)` of every dependency.
fn deps(m: &ServiceManifest) -> Vec<(String, &'static str, Option<String>)> {
    m.dependencies
        .iter()
        .map(|d| (d.name.clone(), d.kind.key(), d.dead_letter_queue.clone()))
        .collect()
}

fn dep(
    name: &str,
    kind: &'static str,
    dlq: Option<&str>,
) -> (String, &'static str, Option<String>) {
    (name.to_string(), kind, dlq.map(str::to_string))
}

/// `init --yes --stdout` on a repository: the manifest, its text, and stderr.
fn yes(path: &str) -> (ServiceManifest, String, String) {
    let out = lg()
        .args(["init", path, "--yes", "--stdout"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    (parse(&text), text, stderr)
}

fn pty_init(dir: &Path, extra: &[&str]) -> pty::Session {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("launchgate"));
    cmd.env(
        "LAUNCHGATE_STORE",
        "/nonexistent/launchgate-tests/ledger.db",
    );
    cmd.current_dir(root())
        .args(["init"])
        .arg(dir)
        .args(extra)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color");
    pty::spawn(cmd, pty::Streams::ALL)
}

#[test]
fn a_person_answers_in_a_terminal_and_the_manifest_validates_and_checks() {
    let dir = example("task-queue", "interactive");
    let mut s = pty_init(&dir, &[]);
    s.expect("a few questions about the service");
    // Suggestions come from the scan and name their source; Enter accepts them.
    s.expect("Service name [task-queue] (catalog-info.yaml:4)");
    s.send_line("");
    s.answer("Scope [service]", "");
    s.answer("One line on what it does [Accepts background tasks", "");
    s.expect("0  core revenue");
    s.expect("2  nice to have");
    // A wrong answer is explained and asked again.
    s.answer("Tier [1]", "5");
    s.expect("`5` is not one of 0, 1, 2");
    s.answer("Tier [1]", "0");
    s.answer("Exposure [public]", "int");
    s.answer(
        "Stage [production] (lifecycle `production` at catalog-info.yaml:14)",
        "canary",
    );
    s.answer(
        "Owning team [team-platform-tasks] (catalog-info.yaml:15)",
        "",
    );
    s.expect("aws_sqs_queue.tasks at infra/terraform/queue.tf:14, dead-letter queue task-queue-tasks-dlq");
    s.expect("aws_dynamodb_table.tasks at infra/terraform/queue.tf:24");
    s.answer("Keep all of them? [Y/n]", "n");
    s.answer("Keep task-queue-tasks (queue)? [Y/n]", "");
    s.answer("Keep task-queue-tasks-database (database)? [Y/n]", "n");
    s.answer("Add a dependency as KIND:NAME", "db:tasks-table");
    s.expect(
        "`db` is not a dependency kind; allowed: database, cache, queue, http, grpc, third-party",
    );
    s.answer("Add a dependency as KIND:NAME", "database:tasks-table");
    s.answer("Add a dependency as KIND:NAME", "third-party:webhooks");
    s.answer("Add a dependency as KIND:NAME", "");
    s.answer("Declare timeouts, retries and circuit breakers now", "y");
    s.answer("request timeout, in ms", "3000");
    s.answer("gateway's timeout, in ms", "10000");
    s.expect("task-queue-tasks (queue)");
    s.answer("Timeout of one attempt, in ms", "300");
    s.answer("Retries after the first attempt", "2");
    s.expect("tasks-table (database)");
    s.answer("Timeout of one attempt, in ms", "250");
    s.answer("Retries after the first attempt", "");
    s.expect("webhooks (third-party)");
    s.answer("Timeout of one attempt, in ms", "800");
    s.answer("Retries after the first attempt", "11");
    s.expect("`11` is not a whole number from 0 to 10");
    s.answer("Retries after the first attempt", "1");
    s.answer("Calls go through a circuit breaker? [y/n]", "y");
    s.answer(
        "Data [persistent] (database `tasks-table` keeps data)",
        "personal",
    );
    s.expect(
        "dependencies  task-queue-tasks (queue), tasks-table (database), webhooks (third-party)",
    );
    s.answer("Write ", "");
    s.expect("Wrote ");
    s.expect("Run `launchgate check ");
    let (code, screen, _, _) = s.finish();
    assert_eq!(code, 0, "{screen}");

    let text = fs::read_to_string(dir.join("launchgate.yaml")).unwrap();
    let m = parse(&text);
    assert_eq!(m.service, "task-queue");
    assert_eq!(
        m.description.as_deref(),
        Some("Accepts background tasks and runs them on a worker fleet.")
    );
    assert_eq!(
        (m.tier, m.scope, m.exposure, m.data, m.stage),
        (
            Tier::T0,
            Scope::Service,
            Exposure::Internal,
            DataClass::Personal,
            Stage::Canary
        )
    );
    assert_eq!(m.owner.as_deref(), Some("team-platform-tasks"));
    assert_eq!(
        (m.request_timeout_ms, m.caller_timeout_ms),
        (Some(3000), Some(10000))
    );
    assert_eq!(
        deps(&m),
        vec![
            dep("task-queue-tasks", "queue", Some("task-queue-tasks-dlq")),
            dep("tasks-table", "database", None),
            dep("webhooks", "third-party", None),
        ]
    );
    let details: Vec<(Option<u64>, u32, Option<bool>)> = m
        .dependencies
        .iter()
        .map(|d| (d.timeout_ms, d.retries, d.circuit_breaker))
        .collect();
    assert_eq!(
        details,
        vec![
            (Some(300), 2, None),
            (Some(250), 0, None),
            (Some(800), 1, Some(true))
        ]
    );
    // The file explains itself: allowed values are listed next to each field.
    assert!(text.contains("#   internal  only people and systems inside the organisation notice\nexposure: internal\n"), "{text}");
    assert!(text.contains("  # found: aws_sqs_queue.tasks at infra/terraform/queue.tf:14\n  - name: task-queue-tasks\n"), "{text}");

    // And launchgate reviews the repository with it.
    let out = lg()
        .args(["check", "--format", "json", "--today", "2026-11-22"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let review: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(review["service"], "task-queue");
    assert_eq!(review["tier"], 0);
    assert_eq!(review["stage"], "canary");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn flags_answer_their_questions_in_a_terminal() {
    let dir = example("internal-dashboard", "flags-tty");
    let mut s = pty_init(
        &dir,
        &[
            "--service",
            "insights",
            "--tier",
            "2",
            "--exposure",
            "internal",
            "--stage",
            "production",
            "--scope",
            "service",
            "--owner",
            "team-data-insights",
            "--data",
            "ephemeral",
            "--description",
            "Dashboards",
        ],
    );
    // Only the dependency questions remain.
    s.expect("postgres");
    s.expect("client library psycopg in requirements.txt:4");
    s.answer("Keep all of them? [Y/n]", "");
    s.answer("Add a dependency as KIND:NAME", "");
    s.answer("Declare timeouts, retries and circuit breakers now", "");
    s.answer("Write ", "y");
    let (code, screen, _, _) = s.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Service name"), "{screen}");
    assert!(!screen.contains("Tier ["), "{screen}");
    let m = read(&dir);
    assert_eq!(
        (m.service.as_str(), m.tier, m.exposure, m.data),
        (
            "insights",
            Tier::T2,
            Exposure::Internal,
            DataClass::Ephemeral
        )
    );
    assert_eq!(deps(&m), vec![dep("postgres", "database", None)]);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn end_of_input_in_the_terminal_writes_nothing() {
    let dir = example("task-queue", "eof");
    let mut s = pty_init(&dir, &[]);
    s.answer("Service name", "");
    s.expect("Scope [service]");
    s.expect(": ");
    s.send_eof();
    let (code, screen, _, _) = s.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen
            .contains("error: input ended before every question was answered: nothing was written"),
        "{screen}"
    );
    assert!(!dir.join("launchgate.yaml").exists());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn declining_to_write_writes_nothing() {
    let dir = example("internal-dashboard", "decline");
    let mut s = pty_init(
        &dir,
        &[
            "--service",
            "x",
            "--tier",
            "2",
            "--exposure",
            "internal",
            "--stage",
            "dev",
            "--scope",
            "feature",
            "--owner",
            "o",
            "--data",
            "none",
            "--description",
            "d",
            "--no-dependencies",
        ],
    );
    s.answer("Declare timeouts, retries and circuit breakers now", "");
    s.answer("Write ", "n");
    let (code, screen, _, _) = s.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("error: cancelled: nothing was written"),
        "{screen}"
    );
    assert!(!dir.join("launchgate.yaml").exists());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn yes_on_the_task_queue_takes_the_catalog_codeowners_and_terraform() {
    let (m, _, stderr) = yes("examples/task-queue");
    assert_eq!(m.service, "task-queue");
    assert_eq!(m.owner.as_deref(), Some("team-platform-tasks"));
    assert_eq!(
        m.description.as_deref(),
        Some("Accepts background tasks and runs them on a worker fleet.")
    );
    assert_eq!(
        (m.tier, m.scope, m.exposure, m.data, m.stage),
        (
            Tier::T1,
            Scope::Service,
            Exposure::Public,
            DataClass::Persistent,
            Stage::Production
        )
    );
    // The queue's dead-letter queue is folded into it; the table shares the queue's name, so
    // it gets its kind appended.
    assert_eq!(
        deps(&m),
        vec![
            dep("task-queue-tasks", "queue", Some("task-queue-tasks-dlq")),
            dep("task-queue-tasks-database", "database", None),
        ]
    );
    // Each value says where it came from, defaults included.
    for line in [
        "  service       task-queue                                catalog-info.yaml:4",
        "  tier          1                                         default; set it with --tier",
        "  stage         production                                lifecycle `production` at catalog-info.yaml:14",
        "  owner         team-platform-tasks                       catalog-info.yaml:15",
        "  data          persistent                                database `task-queue-tasks-database` keeps data",
        "  dependencies  task-queue-tasks (queue), task-queue-tasks-database (database)",
    ] {
        assert!(stderr.contains(line), "{line:?} missing from:\n{stderr}");
    }
}

#[test]
fn yes_on_the_payment_service_finds_the_database_queue_and_ingress() {
    let (m, text, stderr) = yes("examples/payment-service");
    // Editors with yaml-language-server complete and check the file from its first line.
    assert_eq!(
        text.lines().next(),
        Some("# yaml-language-server: $schema=https://launchgate.dev/schema/manifest.json")
    );
    assert_eq!(m.service, "payment-service");
    assert_eq!(m.owner.as_deref(), Some("team-payments"));
    assert_eq!(m.exposure, Exposure::Public);
    // `identifier = local.name`, evaluated from its `var.environment` default.
    assert_eq!(
        deps(&m),
        vec![
            dep("payment-service-prod", "database", None),
            dep("ledger-events", "queue", Some("ledger-events-dlq")),
        ]
    );
    assert!(
        stderr.contains("Ingress payment-api at deploy/kubernetes/service.yaml:39"),
        "{stderr}"
    );
}

#[test]
fn yes_without_a_catalog_takes_kubernetes_codeowners_and_client_libraries() {
    let (m, _, stderr) = yes("examples/internal-dashboard");
    assert_eq!(m.service, "analytics-dashboard");
    assert_eq!(m.owner.as_deref(), Some("team-data-insights"));
    assert_eq!(m.description, None);
    assert_eq!(deps(&m), vec![dep("postgres", "database", None)]);
    assert!(
        stderr.contains("Deployment analytics-dashboard at deploy/dashboard.yaml:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  owner         team-data-insights                        CODEOWNERS:1"),
        "{stderr}"
    );
}

#[test]
fn datastore_workloads_and_client_libraries_become_dependencies() {
    let dir = repo(
        "libraries",
        &[
            (
                "package.json",
                r#"{"name": "orders-service", "dependencies": {"pg": "^8.13.1", "ioredis": "^5.4.0", "kafkajs": "^2.2.4", "express": "^4.21.2"}, "devDependencies": {"mysql2": "^3.11.0"}}"#,
            ),
            ("CODEOWNERS", "*  @acme/orders @jdoe\n"),
            (
                "deploy/app.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/orders-api:1.0.0\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: orders-cache\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: docker.io/library/redis:7.4\n",
            ),
        ],
    );
    let (m, text, _) = yes(dir.to_str().unwrap());
    // The Deployment names the service; the StatefulSet running Redis is a dependency.
    assert_eq!(m.service, "orders-api");
    assert_eq!(m.owner.as_deref(), Some("orders"));
    // ioredis talks to the Redis found in Kubernetes; mysql2 is a dev dependency.
    assert_eq!(
        deps(&m),
        vec![
            dep("orders-cache", "cache", None),
            dep("postgres", "database", None),
            dep("kafka", "queue", None),
        ]
    );
    assert_eq!(m.data, DataClass::Persistent);
    assert_eq!(m.exposure, Exposure::Public);
    for comment in [
        "  # found: StatefulSet orders-cache running docker.io/library/redis:7.4 (deploy/app.yaml:21)\n  - name: orders-cache\n",
        "  # found: client library pg in package.json:1\n  - name: postgres\n",
    ] {
        assert!(text.contains(comment), "{comment:?} missing from:\n{text}");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn owners_that_disagree_are_pointed_out() {
    let dir = repo(
        "owners",
        &[
            ("CODEOWNERS", "* @acme/team-b\n"),
            (
                "catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/team-a\n",
            ),
        ],
    );
    let (m, _, stderr) = yes(dir.to_str().unwrap());
    assert_eq!(m.owner.as_deref(), Some("team-a"));
    assert_eq!(m.stage, Stage::Dev);
    assert_eq!(m.data, DataClass::None);
    assert!(m.dependencies.is_empty());
    assert!(
        stderr.contains("note: catalog-info.yaml:8 names owner `team-a`, CODEOWNERS:1 names `team-b`; suggesting `team-a`"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn flags_override_what_was_detected() {
    let out = lg()
        .args([
            "init",
            "examples/task-queue",
            "--yes",
            "--stdout",
            "--service",
            "tq",
            "--tier",
            "0",
            "--owner",
            "sre",
            "--exposure",
            "internal",
            "--data",
            "financial",
            "--stage",
            "staging",
            "--scope",
            "feature",
            "--description",
            "Runs: tasks #1 \"fast\"",
            "--dependency",
            "third-party:stripe",
            "--dependency",
            "cache:sessions",
            "--request-timeout-ms",
            "2000",
            "--caller-timeout-ms",
            "5000",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let m = parse(&text);
    assert_eq!(
        (
            m.service.as_str(),
            m.tier,
            m.scope,
            m.exposure,
            m.data,
            m.stage
        ),
        (
            "tq",
            Tier::T0,
            Scope::Feature,
            Exposure::Internal,
            DataClass::Financial,
            Stage::Staging
        )
    );
    assert_eq!(m.owner.as_deref(), Some("sre"));
    // Quoted so that YAML reads the colon, hash and quotes back as text.
    assert_eq!(m.description.as_deref(), Some("Runs: tasks #1 \"fast\""));
    assert_eq!(
        (m.request_timeout_ms, m.caller_timeout_ms),
        (Some(2000), Some(5000))
    );
    assert_eq!(
        deps(&m),
        vec![
            dep("stripe", "third-party", None),
            dep("sessions", "cache", None)
        ]
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("  owner         sre                                       --owner"),
        "{stderr}"
    );
}

#[test]
fn names_yaml_would_misread_are_quoted() {
    for name in ["yes", "null", "0123", "@svc", "a: b", "- x"] {
        let out = lg()
            .args(["init", "examples/all-false", "--yes", "--stdout", "-q"])
            .arg(format!("--service={name}"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let m = parse(&String::from_utf8(out.stdout).unwrap());
        assert_eq!(m.service, name);
    }
}

#[test]
fn an_existing_manifest_is_replaced_only_with_force() {
    let dir = temp("exists");
    copy_dir(&root().join("examples/task-queue"), &dir);
    let before = fs::read_to_string(dir.join("launchgate.yaml")).unwrap();
    let out = lg().args(["init", "--yes"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: {}/launchgate.yaml already exists: pass --force to replace it, or --stdout to print the new manifest instead\n",
            dir.display()
        )
    );
    assert_eq!(
        fs::read_to_string(dir.join("launchgate.yaml")).unwrap(),
        before
    );

    let out = lg()
        .args(["init", "--yes", "--force", "-q"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let after = fs::read_to_string(dir.join("launchgate.yaml")).unwrap();
    assert_ne!(after, before);
    assert_eq!(read(&dir).service, "task-queue");
    // No temporary file is left behind.
    let names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("launchgate.yaml"))
        .collect();
    assert_eq!(names, vec!["launchgate.yaml"]);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn without_a_terminal_init_needs_yes_or_the_required_flags() {
    let dir = example("internal-dashboard", "no-tty");
    let out = lg().arg("init").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: standard input is not a terminal, so `launchgate init` cannot ask its questions: pass --yes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--service, --tier, --exposure and --data"),
        "{stderr}"
    );
    assert!(!dir.join("launchgate.yaml").exists());

    // The four required answers are enough; the rest is detected.
    let out = lg()
        .arg("init")
        .arg(&dir)
        .args([
            "--service",
            "dash",
            "--tier",
            "2",
            "--exposure",
            "internal",
            "--data",
            "ephemeral",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = read(&dir);
    assert_eq!(
        (m.service.as_str(), m.owner.as_deref()),
        ("dash", Some("team-data-insights"))
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_manifest_is_validated_before_it_is_written() {
    let dir = example("internal-dashboard", "invalid");
    let out = lg()
        .args(["init", "--yes", "--service", "   "])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("does not validate, so"), "{stderr}");
    assert!(stderr.contains("the service name is empty"), "{stderr}");
    assert!(!dir.join("launchgate.yaml").exists());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_flag_values_are_usage_errors() {
    let out = lg()
        .args(["init", "--yes", "--stdout", "--tier", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("invalid value '3' for '--tier <TIER>'"),
        "{stderr}"
    );
    assert!(stderr.contains("[possible values: 0, 1, 2]"), "{stderr}");

    let out = lg()
        .args(["init", "--yes", "--stdout", "--dependency", "orders-db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("`orders-db` is not KIND:NAME, e.g. `database:orders-db`"),
        "{stderr}"
    );

    let out = lg()
        .args(["init", "--yes", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no/such/dir is not a directory: give the service's repository\n"
    );
}

#[test]
fn no_scan_names_the_service_after_its_directory() {
    let dir = repo("named-after-dir", &[("CODEOWNERS", "* @acme/ignored\n")]);
    let out = lg()
        .args(["init", "--yes", "--stdout", "--no-scan"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let m = parse(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(m.service, dir.file_name().unwrap().to_string_lossy());
    assert_eq!(m.owner, None);
    let _ = fs::remove_dir_all(&dir);
}

/// Two services, each with its source folder, Dockerfile and Deployment, and an example.
fn two_services(name: &str) -> Scratch {
    let deployment = |app: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels: {{app: {app}}}\n    spec:\n      containers:\n        - name: server\n          image: ghcr.io/acme/{app}:1.0.0\n"
        )
    };
    repo(
        name,
        &[
            ("src/ads/Dockerfile", "FROM eclipse-temurin:21-jre\n"),
            (
                "src/ads/build.gradle",
                "dependencies {\n    implementation 'io.grpc:grpc-netty:1.66.0'\n}\n",
            ),
            ("src/cart/Dockerfile", "FROM golang:1.23\n"),
            (
                "src/cart/go.mod",
                "module github.com/acme/cart\n\ngo 1.23\n\nrequire github.com/redis/go-redis/v9 v9.6.1\n",
            ),
            ("deploy/ads.yaml", &deployment("ads")),
            ("deploy/cart.yaml", &deployment("cart")),
            ("examples/demo/app.yaml", &deployment("demo")),
        ],
    )
}

#[test]
fn yes_refuses_to_guess_among_several_services_and_says_how_to_choose() {
    let dir = two_services("several");
    let out = lg()
        .args(["init", "--yes", "--stdout"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "this repository holds 2 services, and `launchgate init` will not guess which one the manifest is for:\n  ads   src/ads/   Deployment/ads\n  cart  src/cart/  Deployment/cart\nchoose one with `--service NAME` (e.g. `launchgate init --yes --service ads`), or review the whole repository as one system with `--whole-repository`"
        ),
        "{stderr}"
    );
    let out = lg()
        .args(["init", "--yes", "--stdout", "--service", "billing"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("`--service billing` is none of the services this repository holds:")
    );
}

#[test]
fn service_chooses_one_and_the_manifest_selects_its_parts() {
    let dir = two_services("choose");
    let (m, text, _) = yes_with(&dir, &["--service", "cart"]);
    assert_eq!(m.service, "cart");
    let sel = m.select.as_ref().unwrap();
    assert_eq!(sel.workloads, vec!["Deployment/cart"]);
    assert_eq!(sel.images, vec!["ghcr.io/acme/cart"]);
    assert_eq!(sel.source, vec!["src/cart/"]);
    // Its own dependencies only: the cache client of cart, not the gRPC of ads.
    assert_eq!(deps(&m), vec![dep("redis", "cache", None)]);
    assert!(
        text.contains("out of scope\n# (read for secrets only; docs/scanning.md, \"Scope\"). Here:\n#   examples/ (default: examples)\n"),
        "{text}"
    );
    // The written manifest reviews cart alone.
    let (m, _, _) = yes_with(&dir, &["--whole-repository"]);
    assert!(m.select.is_none());
}

#[test]
fn services_built_by_compose_and_skaffold_are_offered_too() {
    // Folders outside src/, services/, apps/ and cmd/: Compose builds `web` and `jobs`,
    // skaffold builds `billing`; a Compose service from a registry image is no service of
    // this repository.
    let dir = repo(
        "compose-services",
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    build: ./frontend\n  jobs:\n    build:\n      context: backend/jobs\n  cache:\n    image: redis:7.4.1\n",
            ),
            ("frontend/Dockerfile", "FROM node:22\n"),
            ("backend/jobs/Dockerfile", "FROM python:3.12\n"),
            (
                "skaffold.yaml",
                "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: ghcr.io/acme/billing\n      context: billing-svc\n",
            ),
            ("billing-svc/Dockerfile", "FROM golang:1.23\n"),
        ],
    );
    let out = lg()
        .args(["init", "--yes", "--stdout"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "this repository holds 3 services, and `launchgate init` will not guess which one the manifest is for:\n  billing  billing-svc/   no workload found\n  jobs     backend/jobs/  ComposeService/jobs\n  web      frontend/      ComposeService/web\nchoose one"
        ),
        "{stderr}"
    );
    let (m, _, _) = yes_with(&dir, &["--service", "web"]);
    let sel = m.select.as_ref().unwrap();
    assert_eq!(sel.workloads, vec!["ComposeService/web"]);
    assert_eq!(sel.source, vec!["frontend/"]);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_product_deploying_a_stack_is_one_service_named_after_the_project() {
    let workload = |app: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels: {{app: {app}}}\n    spec:\n      containers:\n        - name: c\n          image: quay.io/stack/{app}:1\n"
        )
    };
    let dir = repo(
        "stack",
        &[
            (
                "go.mod",
                "module github.com/acme/monitoring-stack\n\ngo 1.23\n",
            ),
            ("manifests/grafana.yaml", &workload("grafana")),
            ("manifests/operator.yaml", &workload("operator")),
            ("examples/example-app/app.yaml", &workload("example-app")),
        ],
    );
    let (m, _, stderr) = yes_with(&dir, &[]);
    assert_eq!(m.service, "monitoring-stack", "{stderr}");
    assert!(m.select.is_none());
}

fn yes_with(dir: &Path, extra: &[&str]) -> (ServiceManifest, String, String) {
    let out = lg()
        .args(["init", "--yes", "--stdout"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    (parse(&text), text, stderr)
}
