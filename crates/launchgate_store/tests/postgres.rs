//! The PostgreSQL store against a real server on loopback (scripts/test-postgres): the shared
//! contract, tampering inside the database, concurrent writers (connections and processes),
//! idempotent appends, migrations and open errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};

use common::postgres::{TestPostgres, postgres};
use launchgate_store::contract::{CASES, append_all, at, sample_events};
use launchgate_store::{
    EventKind, KeyPair, NewEvent, PG_SCHEMA_VERSION, PostgresStore, Store, StoreError, export,
    headline, open_store, parse_jsonl, review_headline, review_summary, summarise, verify,
};
use serde_json::json;
use std::fmt::Write as _;

fn opener(pg: &'static TestPostgres) -> impl Fn(&str) -> Box<dyn Store> {
    move |name: &str| -> Box<dyn Store> {
        Box::new(PostgresStore::open(&pg.database(&format!("c_{name}"))).unwrap())
    }
}

#[test]
fn the_store_contract_holds_on_postgres() {
    let Some(pg) = postgres() else { return };
    let open = opener(pg);
    for (name, case) in CASES {
        eprintln!("contract case {name}");
        case(&open);
    }
}

#[test]
fn tampering_inside_the_database_is_detected() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("tamper");
    let store = PostgresStore::open(&url).unwrap();
    let (alice, bob) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    append_all(&store, sample_events(&alice, &bob));
    pg.raw_sql(
        &url,
        "UPDATE events SET body = replace(body, '91.25', '99.0') WHERE seq = 6",
    );
    assert_eq!(
        verify(&store.all().unwrap()).unwrap_err().to_string(),
        "event 6: hash does not match its content (modified)"
    );
    pg.raw_sql(&url, "DELETE FROM events WHERE seq = 3");
    assert_eq!(
        verify(&store.all().unwrap()).unwrap_err().to_string(),
        "event 3: has seq 4 where seq 3 belongs (an event was deleted, inserted or reordered)"
    );
}

#[test]
fn four_connections_appending_at_once_keep_one_gap_free_chain() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("threads");
    drop(PostgresStore::open(&url).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let url = url.clone();
            std::thread::spawn(move || {
                let store = PostgresStore::open(&url).unwrap();
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
    let store = PostgresStore::open(&url).unwrap();
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

const CHILD_ENV: &str = "LAUNCHGATE_PG_TEST_CHILD";

/// The body of a child process (does nothing in a normal run): opens the store named in
/// `LAUNCHGATE_PG_TEST_CHILD=URL|SERVICE|COUNT` (applying the migrations, racing the other
/// child) and appends COUNT events.
#[test]
fn child_process_appender() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.split('|');
    let (url, service, count) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap().parse::<i64>().unwrap(),
    );
    let store = PostgresStore::open(url).unwrap();
    for i in 0..count {
        store
            .append(
                NewEvent::unsigned(service, EventKind::Review, json!({"i": i})),
                at(0),
            )
            .unwrap();
    }
}

#[test]
fn two_processes_migrating_and_appending_at_once_lose_nothing() {
    let Some(pg) = postgres() else { return };
    // A fresh database: both children race to apply the migrations too.
    let url = pg.database("processes");
    let children: Vec<_> = ["child-a", "child-b"]
        .iter()
        .map(|service| {
            Command::new(std::env::current_exe().unwrap())
                .args(["child_process_appender", "--exact", "--test-threads", "1"])
                .env(CHILD_ENV, format!("{url}|{service}|60"))
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let store = PostgresStore::open(&url).unwrap();
    let all = store.all().unwrap();
    assert_eq!(verify(&all).unwrap().count, 120);
    for service in ["child-a", "child-b"] {
        let numbers: Vec<i64> = store
            .events(Some(service), None)
            .unwrap()
            .iter()
            .map(|e| e.body["i"].as_i64().unwrap())
            .collect();
        assert_eq!(numbers, (0..60).collect::<Vec<i64>>(), "{service}");
    }
}

#[test]
fn append_unique_stores_a_retried_event_once_on_both_backends() {
    let dir = common::TempDir::new("unique");
    let sqlite: Box<dyn Store> = open_store(dir.path().join("l.db")).unwrap();
    let mut stores = vec![sqlite];
    if let Some(pg) = postgres() {
        stores.push(Box::new(
            PostgresStore::open(&pg.database("unique")).unwrap(),
        ));
    }
    for store in &stores {
        let event = |nonce: &str| {
            NewEvent::unsigned(
                "svc",
                EventKind::Review,
                json!({"nonce": nonce, "score": 1}),
            )
        };
        let (first, added) = store.append_unique(event("k1"), at(0)).unwrap();
        assert!(added);
        let (again, added) = store.append_unique(event("k1"), at(5)).unwrap();
        assert!(!added);
        assert_eq!(again, first);
        let (other, added) = store.append_unique(event("k2"), at(6)).unwrap();
        assert!(added);
        assert_eq!(other.seq, 2);
        // The same nonce for another service is another event.
        let (_, added) = store
            .append_unique(
                NewEvent::unsigned("svc-2", EventKind::Review, json!({"nonce": "k1"})),
                at(7),
            )
            .unwrap();
        assert!(added);
        assert_eq!(store.events_after(1, 10).unwrap().len(), 2);
        assert_eq!(store.events_after(1, 1).unwrap()[0].seq, 2);
        assert_eq!(store.event_at(3).unwrap().unwrap().service, "svc-2");
        assert_eq!(store.event_at(4).unwrap(), None);
        assert_eq!(
            verify(&store.all().unwrap()).unwrap().count,
            3,
            "{}",
            store.location()
        );
    }
}

#[test]
fn append_unique_many_writes_a_batch_in_order_once_on_both_backends() {
    let dir = common::TempDir::new("many");
    let sqlite: Box<dyn Store> = open_store(dir.path().join("l.db")).unwrap();
    let mut stores = vec![sqlite];
    if let Some(pg) = postgres() {
        stores.push(Box::new(PostgresStore::open(&pg.database("many")).unwrap()));
    }
    let event = |service: &str, nonce: &str, i: i64| {
        NewEvent::unsigned(service, EventKind::Review, json!({"nonce": nonce, "i": i}))
    };
    for store in &stores {
        let (stored, added) = store.append_unique(event("svc", "k0", 0), at(0)).unwrap();
        assert!(added);
        let mut empty_service = event("svc", "k9", 9);
        empty_service.service = String::new();
        let results = store.append_unique_many(
            vec![
                event("svc", "k1", 1),
                event("svc", "k0", 2),
                empty_service,
                event("svc", "k1", 3),
                event("svc-2", "k1", 4),
            ],
            at(1),
        );
        assert_eq!(results.len(), 5, "{}", store.location());
        let (first, added) = results[0].as_ref().unwrap();
        assert_eq!(
            (first.seq, *added, first.body["i"].as_i64()),
            (2, true, Some(1))
        );
        // Already stored before the batch.
        let (again, added) = results[1].as_ref().unwrap();
        assert_eq!((again, *added), (&stored, false));
        let error = results[2].as_ref().unwrap_err();
        assert!(matches!(error, StoreError::Rejected { .. }), "{error}");
        assert!(error.to_string().contains("service is empty"), "{error}");
        // Stored earlier in the same batch.
        let (same, added) = results[3].as_ref().unwrap();
        assert_eq!((same, *added), (first, false));
        let (other, added) = results[4].as_ref().unwrap();
        assert_eq!(
            (other.seq, *added, other.service.as_str()),
            (3, true, "svc-2")
        );
        assert_eq!(other.prev_hash, first.hash);
        let all = store.all().unwrap();
        assert_eq!(verify(&all).unwrap().count, 3, "{}", store.location());
        assert_eq!(all[1], *first);
        assert_eq!(all[2], *other);
        // A batch of duplicates only writes nothing.
        let results = store.append_unique_many(vec![event("svc", "k1", 5)], at(2));
        assert_eq!(results[0].as_ref().unwrap(), &(first.clone(), false));
        assert_eq!(store.all().unwrap().len(), 3);
    }
}

#[test]
fn four_connections_appending_batches_at_once_keep_one_gap_free_chain() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("batches");
    drop(PostgresStore::open(&url).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let url = url.clone();
            std::thread::spawn(move || {
                let store = PostgresStore::open(&url).unwrap();
                for b in 0..5 {
                    let batch = (0..5)
                        .map(|j| {
                            let i = b * 5 + j;
                            NewEvent::unsigned(
                                format!("svc-{t}"),
                                EventKind::Review,
                                json!({"i": i, "nonce": format!("n-{i}")}),
                            )
                        })
                        .collect();
                    for result in store.append_unique_many(batch, at(b)) {
                        assert!(result.unwrap().1);
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let store = PostgresStore::open(&url).unwrap();
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
fn export_from_sqlite_imports_into_postgres_with_the_same_hashes() {
    let Some(pg) = postgres() else { return };
    let dir = common::TempDir::new("export");
    let sqlite = open_store(dir.path().join("l.db")).unwrap();
    let (alice, bob) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    append_all(sqlite.as_ref(), sample_events(&alice, &bob));
    let text = export(&sqlite.all().unwrap());
    let target = open_store(pg.database("export")).unwrap();
    let summary = target.import(parse_jsonl(&text).unwrap()).unwrap();
    assert_eq!((summary.added, summary.head_seq), (6, 6));
    assert_eq!(export(&target.all().unwrap()), text);
}

/// SQL that builds the schema as launchgate version `version` of the migrations left it (the
/// migrations table included), for tests of what a newer launchgate does with an older ledger.
fn schema_at(version: i64) -> String {
    let mut sql = String::from(
        "CREATE TABLE launchgate_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());",
    );
    for (v, statements) in launchgate_store::MIGRATIONS
        .iter()
        .filter(|(v, _)| *v <= version)
    {
        for statement in *statements {
            sql.push_str(statement);
            sql.push(';');
        }
        write!(
            sql,
            "INSERT INTO launchgate_migrations (version) VALUES ({v});"
        )
        .unwrap();
    }
    sql
}

/// A JSON value as a single-quoted SQL string literal's contents: canonical, quotes doubled.
fn quoted(v: &serde_json::Value) -> String {
    launchgate_store::canonical_json(v).replace('\'', "''")
}

#[test]
fn a_version_2_ledger_keeps_its_idempotency_keys_after_migration_3() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("upgrade_v2");
    let mut sql = schema_at(2);
    let mut prev = launchgate_store::GENESIS_HASH.to_owned();
    for (seq, body) in [
        json!({"nonce": "k1", "i": 1}),
        json!({"nonce": 5, "i": 2}),
        json!({"nonce": "", "i": 3}),
    ]
    .into_iter()
    .enumerate()
    {
        let event = NewEvent::unsigned("svc", EventKind::Review, body).into_event(
            seq as u64 + 1,
            "2026-11-22T09:00:00Z".to_owned(),
            prev,
        );
        write!(
            sql,
            "INSERT INTO events (seq, recorded_at, service, kind, body, prev_hash, hash) VALUES ({}, '{}', 'svc', 'review', '{}', '{}', '{}');",
            event.seq,
            event.recorded_at,
            quoted(&event.body),
            event.prev_hash,
            event.hash
        )
        .unwrap();
        prev = event.hash;
    }
    pg.raw_sql(&url, &sql);

    let store = PostgresStore::open(&url).unwrap();
    let event = |body| NewEvent::unsigned("svc", EventKind::Review, body);
    let (existing, added) = store
        .append_unique(event(json!({"nonce": "k1", "i": 4})), at(1))
        .unwrap();
    assert_eq!((existing.seq, added), (1, false));
    let results = store.append_unique_many(vec![event(json!({"nonce": "k1", "i": 5}))], at(2));
    assert_eq!(results[0].as_ref().unwrap().0.seq, 1);
    // A number is not an idempotency key: "5" is new.
    let (stored, added) = store
        .append_unique(event(json!({"nonce": "5", "i": 6})), at(3))
        .unwrap();
    assert_eq!((stored.seq, added), (4, true));
    assert_eq!(verify(&store.all().unwrap()).unwrap().count, 4);
}

/// A review as the server stores it: bulk (evidence, findings) the fleet views do not read.
fn big_review(service: &str, nonce: &str) -> NewEvent {
    let checks: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            json!({
                "id": format!("CAP-{i:03}"), "title": format!("Check {i}"), "status": "fail",
                "message": "no <budget>", "severity": "major",
                "evidence": [{"path": "deploy/app.yaml", "line": i, "excerpt": "x".repeat(500)}],
            })
        })
        .collect();
    NewEvent::unsigned(
        service,
        EventKind::Review,
        json!({
            "decision": "go", "computed_decision": "go", "score": 90.0, "nonce": nonce,
            "evaluated_on": "2026-11-22", "content_hash": "ab", "thresholds": {"go": 90},
            "commit": null,
            "review": {
                "service": service, "owner": "team-a", "tier": 1, "counts": {"fail": 20},
                "waivers": [{"check": "CAP-001", "expires": "2026-12-01"}],
                "action_items": [{"check": "CAP-002"}], "checks": checks,
                "categories": [{"id": "capacity", "score": 3.5}], "scan": {"files": 12},
            },
        }),
    )
}

#[test]
fn summaries_after_reads_reviews_as_their_summaries_on_both_backends() {
    let dir = common::TempDir::new("summaries");
    let sqlite: Box<dyn Store> = open_store(dir.path().join("l.db")).unwrap();
    let mut stores = vec![sqlite];
    let pg = postgres();
    if let Some(pg) = pg {
        stores.push(Box::new(
            PostgresStore::open(&pg.database("summaries")).unwrap(),
        ));
    }
    let (alice, bob) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    for store in &stores {
        store.append(big_review("svc-a", "k1"), at(0)).unwrap();
        store
            .append_unique_many(
                vec![big_review("svc-b", "k2"), big_review("svc-a", "k3")],
                at(1),
            )
            .into_iter()
            .for_each(|r| assert!(r.unwrap().1));
        append_all(store.as_ref(), sample_events(&alice, &bob));
        let whole = store.events_after(0, 1000).unwrap();
        let summaries = store.summaries_after(0, 1000).unwrap();
        assert_eq!(
            summaries,
            whole.iter().cloned().map(summarise).collect::<Vec<_>>(),
            "{}",
            store.location()
        );
        assert_eq!(
            summaries[0].body["review"]["checks"][3],
            json!({"id": "CAP-003", "title": "Check 3", "status": "fail", "message": "no <budget>"})
        );
        assert_eq!(summaries[0].body["review"].get("categories"), None);
        assert_eq!(summaries[0].body["nonce"], "k1");
        assert_eq!(
            store.summaries_after(2, 1).unwrap(),
            vec![summarise(whole[2].clone())]
        );
        // The events themselves are whole and verify.
        assert_eq!(
            verify(&store.all().unwrap()).unwrap().count,
            whole.len() as u64
        );
    }
    // PostgreSQL keeps the summary beside each review (and only reviews) and reads it alone.
    if let Some(pg) = pg {
        let url = pg.database("summaries");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = runtime.block_on(async {
            use sqlx::Connection as _;
            let mut conn = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
            sqlx::query_as("SELECT seq, kind, summary, headline FROM events ORDER BY seq")
                .fetch_all(&mut conn)
                .await
                .unwrap()
        });
        assert_eq!(rows.len(), 9);
        for (seq, kind, summary, headline) in rows {
            let event = &stores[1].event_at(seq as u64).unwrap().unwrap();
            match (summary, headline) {
                (Some(summary), Some(headline)) => {
                    assert_eq!(kind, "review");
                    assert_eq!(
                        summary,
                        launchgate_store::canonical_json(&review_summary(&event.body))
                    );
                    assert_eq!(
                        headline,
                        launchgate_store::canonical_json(&review_headline(&event.body))
                    );
                }
                (None, None) => assert_ne!(kind, "review", "seq {seq}"),
                other => panic!("seq {seq}: {other:?}"),
            }
        }
    }
}

#[test]
fn a_version_3_ledger_is_read_as_summaries_after_migration_4() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("upgrade_v3");
    let mut sql = schema_at(3);
    let old = big_review("svc-a", "k1").into_event(
        1,
        "2026-11-22T09:00:00Z".to_owned(),
        launchgate_store::GENESIS_HASH.to_owned(),
    );
    write!(
        sql,
        "INSERT INTO events (seq, recorded_at, service, kind, body, prev_hash, hash, nonce) VALUES (1, '{}', 'svc-a', 'review', '{}', '{}', '{}', 'k1');",
        old.recorded_at,
        quoted(&old.body),
        old.prev_hash,
        old.hash
    )
    .unwrap();
    pg.raw_sql(&url, &sql);

    let store = PostgresStore::open(&url).unwrap();
    let (_, added) = store
        .append_unique(big_review("svc-a", "k1"), at(1))
        .unwrap();
    assert!(!added, "the idempotency key survives migration 4");
    store.append(big_review("svc-b", "k2"), at(2)).unwrap();
    let whole = store.all().unwrap();
    assert_eq!(verify(&whole).unwrap().count, 2);
    assert_eq!(
        store.summaries_after(0, 10).unwrap(),
        whole.into_iter().map(summarise).collect::<Vec<_>>()
    );
}

#[test]
fn a_version_4_ledger_is_read_as_headlines_after_migration_5() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("upgrade_v4");
    let mut sql = schema_at(4);
    // Two reviews as version 4 stored them: one with its summary, one (from before migration 4)
    // without.
    let first = big_review("svc-a", "k1").into_event(
        1,
        "2026-11-22T09:00:00Z".to_owned(),
        launchgate_store::GENESIS_HASH.to_owned(),
    );
    let second = big_review("svc-b", "k2").into_event(
        2,
        "2026-11-22T09:01:00Z".to_owned(),
        first.hash.clone(),
    );
    write!(
        sql,
        "INSERT INTO events (seq, recorded_at, service, kind, body, prev_hash, hash, nonce, summary) VALUES (1, '{}', 'svc-a', 'review', '{}', '{}', '{}', 'k1', '{}');",
        first.recorded_at,
        quoted(&first.body),
        first.prev_hash,
        first.hash,
        quoted(&review_summary(&first.body)),
    )
    .unwrap();
    write!(
        sql,
        "INSERT INTO events (seq, recorded_at, service, kind, body, prev_hash, hash, nonce) VALUES (2, '{}', 'svc-b', 'review', '{}', '{}', '{}', 'k2');",
        second.recorded_at,
        quoted(&second.body),
        second.prev_hash,
        second.hash,
    )
    .unwrap();
    pg.raw_sql(&url, &sql);

    let store = PostgresStore::open(&url).unwrap();
    let (_, added) = store
        .append_unique(big_review("svc-a", "k1"), at(2))
        .unwrap();
    assert!(!added, "the idempotency key survives migration 5");
    store.append(big_review("svc-c", "k3"), at(3)).unwrap();
    let whole = store.all().unwrap();
    assert_eq!(verify(&whole).unwrap().count, 3);
    let headlines = store.headlines_after(0, 10).unwrap();
    assert_eq!(
        headlines,
        whole.iter().cloned().map(headline).collect::<Vec<_>>()
    );
    assert_eq!(headlines[0].body["review"].get("checks"), None);
    assert_eq!(headlines[0].body["review"]["owner"], "team-a");
    assert_eq!(
        store.summaries_at(&[3, 1, 2]).unwrap(),
        whole.into_iter().map(summarise).collect::<Vec<_>>()
    );
}

#[test]
fn migrations_are_recorded_and_a_newer_or_foreign_database_is_refused() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("migrations");
    drop(PostgresStore::open(&url).unwrap());
    drop(PostgresStore::open(&url).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let versions: Vec<i64> = runtime.block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT version FROM launchgate_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    });
    assert_eq!(versions, (1..=PG_SCHEMA_VERSION).collect::<Vec<_>>());

    pg.raw_sql(
        &url,
        "INSERT INTO launchgate_migrations (version) VALUES (99)",
    );
    let error = PostgresStore::open(&url).unwrap_err().to_string();
    assert!(
        error.ends_with(&format!(
            "ledger schema version 99 is newer than this launchgate understands (version {PG_SCHEMA_VERSION}); upgrade launchgate"
        )),
        "{error}"
    );

    let foreign = pg.database("foreign");
    pg.raw_sql(
        &foreign,
        "CREATE TABLE events (id INTEGER); CREATE TABLE users (id INTEGER)",
    );
    let error = PostgresStore::open(&foreign).unwrap_err().to_string();
    assert!(
        error.ends_with(
            "not a launchgate ledger: a database of another application (tables: events, users)"
        ),
        "{error}"
    );
}

#[test]
fn connection_errors_name_the_server_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error =
        open_store(format!("postgres://launch:hunter2@127.0.0.1:{port}/ledger")).unwrap_err();
    assert!(matches!(error, StoreError::Database { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("postgres://launch:***@127.0.0.1:{port}/ledger: ")),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn a_dropped_connection_is_reopened_on_the_next_call() {
    let Some(pg) = postgres() else { return };
    let url = pg.database("reconnect");
    let store = PostgresStore::open(&url).unwrap();
    store
        .append(
            NewEvent::unsigned("svc", EventKind::Review, json!({})),
            at(0),
        )
        .unwrap();
    pg.raw_sql(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'launchgate' AND datname = current_database() AND pid <> pg_backend_pid()",
    );
    // The first call after the server dropped the connection may fail; the next one reconnects.
    let _ = store.head();
    assert_eq!(store.head().unwrap().unwrap().seq, 1);
}
