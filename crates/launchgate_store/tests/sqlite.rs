//! The SQLite store: the shared contract, tampering inside the database, concurrent writers
//! (threads and processes), a writer killed mid-append, and open errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;
use launchgate_store::contract::{append_all, at, sample_events};
use launchgate_store::{
    EventKind, KeyPair, NewEvent, Problem, SqliteStore, Store, StoreError, open_store, verify,
    verify_against_head,
};
use serde_json::json;

launchgate_store::store_contract_tests!(common::sqlite_opener());

#[test]
fn contract_run_all_passes_with_one_opener() {
    launchgate_store::contract::run_all(&common::sqlite_opener());
}

/// Runs one SQL statement on the database file directly, as an attacker with file access would.
fn raw_sql(path: &Path, sql: &'static str) {
    use sqlx::Connection as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        let mut conn = sqlx::sqlite::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    });
}

fn six_event_store(
    dir: &TempDir,
    name: &str,
) -> (std::path::PathBuf, Vec<launchgate_store::Event>) {
    let path = dir.path().join(format!("{name}.db"));
    let store = SqliteStore::open(&path).unwrap();
    let (alice, bob) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    let events = append_all(&store, sample_events(&alice, &bob));
    (path, events)
}

fn verify_error(path: &Path) -> String {
    let store = SqliteStore::open(path).unwrap();
    verify(&store.all().unwrap()).unwrap_err().to_string()
}

#[test]
fn tampering_inside_the_database_is_detected_naming_the_first_bad_event() {
    let dir = TempDir::new("tamper");

    let (path, _) = six_event_store(&dir, "update");
    raw_sql(
        &path,
        "UPDATE events SET body = json_set(body, '$.decision', 'no_go') WHERE seq = 4",
    );
    assert_eq!(
        verify_error(&path),
        "event 4: hash does not match its content (modified)"
    );

    let (path, _) = six_event_store(&dir, "update-unsigned");
    raw_sql(
        &path,
        "UPDATE events SET body = replace(body, '91.25', '99.0') WHERE seq = 6",
    );
    assert_eq!(
        verify_error(&path),
        "event 6: hash does not match its content (modified)"
    );

    let (path, _) = six_event_store(&dir, "time");
    raw_sql(
        &path,
        "UPDATE events SET recorded_at = '2026-11-21T09:02:00Z' WHERE seq = 3",
    );
    assert_eq!(
        verify_error(&path),
        "event 3: hash does not match its content (modified)"
    );

    let (path, _) = six_event_store(&dir, "delete");
    raw_sql(&path, "DELETE FROM events WHERE seq = 3");
    assert_eq!(
        verify_error(&path),
        "event 3: has seq 4 where seq 3 belongs (an event was deleted, inserted or reordered)"
    );

    let (path, _) = six_event_store(&dir, "delete-renumber");
    raw_sql(
        &path,
        "DELETE FROM events WHERE seq = 3; UPDATE events SET seq = seq - 1 WHERE seq > 3",
    );
    assert_eq!(
        verify_error(&path),
        "event 3: prev_hash does not link to event 2 (deleted, inserted or reordered)"
    );

    let (path, _) = six_event_store(&dir, "swap");
    raw_sql(
        &path,
        "UPDATE events SET seq = 100 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 100",
    );
    assert_eq!(
        verify_error(&path),
        "event 2: prev_hash does not link to event 1 (deleted, inserted or reordered)"
    );

    let (path, _) = six_event_store(&dir, "signer");
    raw_sql(&path, "UPDATE events SET signer = 'mallory' WHERE seq = 5");
    assert_eq!(
        verify_error(&path),
        "event 5: hash does not match its content (modified)"
    );

    // Truncating the end leaves a valid chain; the head hash kept from before reveals it.
    let (path, events) = six_event_store(&dir, "truncate");
    raw_sql(&path, "DELETE FROM events WHERE seq >= 5");
    let store = SqliteStore::open(&path).unwrap();
    let all = store.all().unwrap();
    assert_eq!(verify(&all).unwrap().count, 4);
    let error = verify_against_head(&all, &events[5].hash).unwrap_err();
    assert!(matches!(error.problem, Problem::AnchorMissing { .. }));
    assert_eq!(error.seq, 5);

    // A row that no longer reads as an event is named by its seq.
    let (path, _) = six_event_store(&dir, "garbage");
    raw_sql(&path, "UPDATE events SET body = '{not json' WHERE seq = 2");
    let error = SqliteStore::open(&path).unwrap().all().unwrap_err();
    assert!(
        matches!(error, StoreError::Corrupt { seq: 2, .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("event 2 cannot be read: body is not JSON"),
        "{text}"
    );
    assert!(text.contains(&path.display().to_string()), "{text}");
}

#[test]
fn four_threads_with_their_own_handles_append_without_losing_events() {
    let dir = TempDir::new("threads");
    let path = dir.path().join("ledger.db");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = SqliteStore::open(&path).unwrap();
                for i in 0..25 {
                    store
                        .append(
                            NewEvent::unsigned(
                                format!("svc-{t}"),
                                EventKind::Review,
                                json!({"i": i}),
                            ),
                            at(i),
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let all = store.all().unwrap();
    assert_eq!(verify(&all).unwrap().count, 100);
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=100).collect::<Vec<u64>>()
    );
    for t in 0..4 {
        let mine = store.events(Some(&format!("svc-{t}")), None).unwrap();
        let numbers: Vec<i64> = mine.iter().map(|e| e.body["i"].as_i64().unwrap()).collect();
        assert_eq!(numbers, (0..25).collect::<Vec<i64>>(), "thread {t}");
    }
}

#[test]
fn one_handle_shared_by_threads_serialises_appends() {
    let dir = TempDir::new("shared");
    let store = std::sync::Arc::new(SqliteStore::open(dir.path().join("ledger.db")).unwrap());
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    store
                        .append(
                            NewEvent::unsigned(
                                format!("svc-{t}"),
                                EventKind::Review,
                                json!({"i": i}),
                            ),
                            at(i),
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(verify(&store.all().unwrap()).unwrap().count, 30);
}

const CHILD_ENV: &str = "LAUNCHGATE_STORE_TEST_CHILD";

/// The body of a child process (does nothing in a normal test run): appends to the ledger
/// named in `LAUNCHGATE_STORE_TEST_CHILD=PATH|SERVICE|COUNT` (COUNT 0 = until killed).
#[test]
fn child_process_appender() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.split('|');
    let (path, service, count) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let count: u64 = count.parse().unwrap();
    let store = SqliteStore::open(path).unwrap();
    let mut i = 0u64;
    while count == 0 || i < count {
        store
            .append(
                NewEvent::unsigned(
                    service,
                    EventKind::Review,
                    json!({"i": i, "pad": "x".repeat(2000)}),
                ),
                at(0),
            )
            .unwrap();
        i += 1;
    }
}

/// A child process that is killed if the test panics before it ends.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn spawn_child(path: &Path, service: &str, count: u64) -> ChildGuard {
    ChildGuard(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "child_process_appender",
                "--exact",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD_ENV, format!("{}|{service}|{count}", path.display()))
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

#[test]
fn two_processes_appending_concurrently_lose_nothing() {
    let dir = TempDir::new("processes");
    let path = dir.path().join("ledger.db");
    let children = [
        spawn_child(&path, "child-a", 40),
        spawn_child(&path, "child-b", 40),
    ];
    for mut child in children {
        assert!(child.0.wait().unwrap().success());
    }
    let store = SqliteStore::open(&path).unwrap();
    let all = store.all().unwrap();
    assert_eq!(verify(&all).unwrap().count, 80);
    for service in ["child-a", "child-b"] {
        let numbers: Vec<i64> = store
            .events(Some(service), None)
            .unwrap()
            .iter()
            .map(|e| e.body["i"].as_i64().unwrap())
            .collect();
        assert_eq!(numbers, (0..40).collect::<Vec<i64>>(), "{service}");
    }
}

#[test]
fn a_writer_killed_mid_append_leaves_an_intact_ledger() {
    let dir = TempDir::new("kill");
    let path = dir.path().join("ledger.db");
    let mut child = spawn_child(&path, "doomed", 0);
    // Wait for the first committed event, then let it run a little longer.
    let started = Instant::now();
    loop {
        if path.exists()
            && let Ok(store) = SqliteStore::open(&path)
            && store.head().unwrap().is_some()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_mins(1),
            "the child never appended"
        );
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "the child exited early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.0.kill().unwrap();
    child.0.wait().unwrap();

    let store = SqliteStore::open(&path).unwrap();
    let all = store.all().unwrap();
    let summary = verify(&all).unwrap();
    assert!(summary.count >= 1, "{}", summary.count);
    // The lock died with the child: appends go on and the chain continues.
    let next = store
        .append(
            NewEvent::unsigned("after", EventKind::Review, json!({})),
            at(1),
        )
        .unwrap();
    assert_eq!(next.seq, summary.count + 1);
    assert_eq!(next.prev_hash, summary.head_hash);
    assert_eq!(
        verify(&store.all().unwrap()).unwrap().count,
        summary.count + 1
    );
}

#[test]
fn open_creates_parent_directories_and_accepts_store_urls() {
    let dir = TempDir::new("open");
    let nested = dir.path().join("a/b/c/ledger.db");
    let store = open_store(format!("sqlite://{}", nested.display())).unwrap();
    store
        .append(
            NewEvent::unsigned("svc", EventKind::Review, json!({})),
            at(0),
        )
        .unwrap();
    assert_eq!(store.location(), nested.display().to_string());
    drop(store);
    assert!(nested.is_file());
    assert_eq!(
        open_store(format!("sqlite:{}", nested.display()))
            .unwrap()
            .all()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(open_store(&nested).unwrap().all().unwrap().len(), 1);
}

#[test]
fn open_refuses_what_is_not_a_ledger() {
    let dir = TempDir::new("not-a-ledger");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "these are my notes, not a database\n".repeat(40)).unwrap();
    let error = SqliteStore::open(&text).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: not a launchgate ledger: the file is not an SQLite database",
            text.display()
        )
    );

    let other = dir.path().join("other.db");
    raw_sql(
        &other,
        "CREATE TABLE users (id INTEGER); CREATE TABLE orders (id INTEGER)",
    );
    let error = SqliteStore::open(&other).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: not a launchgate ledger: an SQLite database of another application (tables: orders, users)",
            other.display()
        )
    );

    let newer = dir.path().join("newer.db");
    drop(SqliteStore::open(&newer).unwrap());
    raw_sql(&newer, "PRAGMA user_version = 7");
    let error = SqliteStore::open(&newer).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: ledger schema version 7 is newer than this launchgate understands (version 1); upgrade launchgate",
            newer.display()
        )
    );

    let error = SqliteStore::open(dir.path()).unwrap_err().to_string();
    assert!(
        error
            .ends_with("not a launchgate ledger: it is a directory; give the database file's path"),
        "{error}"
    );

    let error = open_store("mysql://db/ledger").unwrap_err().to_string();
    assert_eq!(
        error,
        "store location `mysql://db/ledger`: unsupported store scheme `mysql://`; use sqlite://PATH, postgres://… or a file path"
    );
    let error = open_store("sqlite://").unwrap_err().to_string();
    assert_eq!(
        error,
        "store location `sqlite://`: no database path given; use sqlite://PATH or a file path"
    );
    assert!(open_store("sqlite::memory:").is_err());
}

#[test]
fn blocking_calls_from_async_code_are_refused_not_panicking() {
    let dir = TempDir::new("async");
    let path = dir.path().join("ledger.db");
    let store = SqliteStore::open(&path).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (all, opened) =
        runtime.block_on(async { (store.all(), SqliteStore::open(&path).map(drop)) });
    for error in [all.unwrap_err(), opened.unwrap_err()] {
        assert!(
            matches!(error, StoreError::InsideAsyncRuntime { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("spawn_blocking"), "{error}");
    }
    assert_eq!(store.all().unwrap().len(), 0);
}
