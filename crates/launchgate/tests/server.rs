//! The fleet server, run as the real binary (`launchgate serve`) on SQLite and on a real
//! PostgreSQL on loopback (scripts/test-postgres): publishing with idempotency keys, the read
//! API, the auth cases (no token, wrong team, revoked, read-only publishing), size limits,
//! metrics, the dashboard's escaping, `publish` and `check --publish` with retries, signed
//! overrides and sign-offs published from the CLI (`override|signoff --publish`, `publish
//! --event`), and `audit verify` on the server's ledger. Without PostgreSQL the PostgreSQL half skips, or fails
//! under CI=true.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "../../launchgate_store/tests/common/postgres.rs"]
mod postgres;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_launchgate"))
}

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("server")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lg(args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env(
            "LAUNCHGATE_STORE",
            "/nonexistent/launchgate-tests/ledger.db",
        )
        .env_remove("LAUNCHGATE_TOKEN")
        .env_remove("LAUNCHGATE_DATABASE")
        .output()
        .unwrap()
}

fn token(database: &str, team: &str, role: &str) -> String {
    let out = lg(&[
        "token",
        "create",
        "--database",
        database,
        "--team",
        team,
        "--role",
        role,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(secret.starts_with("lgt_") && secret.len() == 85, "{secret}");
    secret
}

/// A running `launchgate serve`, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(database: &str, extra: &[&str]) -> Server {
        let listen = if extra.contains(&"--listen") {
            &[][..]
        } else {
            &["--listen", "127.0.0.1:0"][..]
        };
        let mut child = Command::new(bin())
            .args(["serve", "--database", database])
            .args(listen)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("the server did not start: {line}"))
            .to_owned();
        Server { child, url }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_mins(1)))
        .build()
        .into()
}

/// `(status, body)` of a request.
fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(&[u8], &str)>,
) -> (u16, String) {
    let agent = agent();
    let mut response = match (method, body) {
        ("GET", _) => {
            let mut r = agent.get(url);
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            r.call().unwrap()
        }
        (_, body) => {
            let mut r = agent.post(url).header("Content-Type", "application/json");
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            let (bytes, key) = body.unwrap_or((b"{}", ""));
            if !key.is_empty() {
                r = r.header("Idempotency-Key", key);
            }
            r.send(bytes).unwrap()
        }
    };
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The payment-service review as `check --format json` writes it.
fn payment_review() -> Vec<u8> {
    let out = lg(&["check", "examples/payment-service", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The review with another service name, owner and (optionally) a failing check's message.
fn variant(review: &[u8], service: &str, owner: &str, message: Option<&str>) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(review).unwrap();
    value["service"] = json!(service);
    value["owner"] = json!(owner);
    if let Some(message) = message {
        for check in value["checks"].as_array_mut().unwrap() {
            if check["status"] == "fail" {
                check["message"] = json!(message);
            }
        }
    }
    serde_json::to_vec(&value).unwrap()
}

/// Waits until `/readyz` answers 200 (a replica reads the ledger when it starts, and answers 503
/// "reading the ledger" until it has).
fn wait_ready(url: &str) {
    let deadline = std::time::Instant::now() + Duration::from_mins(1);
    loop {
        let (status, body) = call("GET", &format!("{url}/readyz"), None, None);
        if status == 200 {
            assert_eq!(body, "ready\n");
            return;
        }
        assert_eq!((status, body.as_str()), (503, "reading the ledger\n"));
        assert!(
            std::time::Instant::now() < deadline,
            "{url} not ready after a minute"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn exercise(database: &str) {
    let review = payment_review();
    let publish = token(database, "team-payments", "publish");
    let other_team = token(database, "team-search", "publish");
    let reader = token(database, "team-payments", "read");
    let doomed = token(database, "team-payments", "publish");
    let mut server = Server::start(database, &["--max-body", "1000000"]);
    let url = |path: &str| format!("{}{path}", server.url);

    assert_eq!(
        call("GET", &url("/healthz"), None, None),
        (200, "ok\n".to_owned())
    );
    wait_ready(&server.url);

    // Publishing: 201 with the ledger seq, then the retried upload is stored once.
    let (status, body) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&publish),
        Some((&review, "key-00000001")),
    );
    assert_eq!(status, 201, "{body}");
    let first = json_of(&body);
    assert_eq!(first["seq"], 1);
    assert_eq!(first["duplicate"], false);
    assert_eq!(first["service"], "payment-service");
    let (status, body) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&publish),
        Some((&review, "key-00000001")),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_of(&body)["seq"], 1);
    assert_eq!(json_of(&body)["duplicate"], true);
    assert_eq!(json_of(&body)["hash"], first["hash"]);

    // The auth cases: every refusal carries an error and no data.
    let refused = |status: u16, body: &str, expected_status: u16, text: &str| {
        assert_eq!(status, expected_status, "{body}");
        let value = json_of(body);
        assert_eq!(value.as_object().unwrap().len(), 1, "{body}");
        assert!(value["error"].as_str().unwrap().contains(text), "{body}");
    };
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        None,
        Some((&review, "key-00000002")),
    );
    refused(s, &b, 401, "a token is required");
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&other_team),
        Some((&review, "key-00000002")),
    );
    refused(s, &b, 403, "publishes for team `team-search`");
    // A wrong team cannot take over a service by claiming its owner either.
    let claimed = variant(&review, "payment-service", "team-search", None);
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&other_team),
        Some((&claimed, "key-00000003")),
    );
    refused(
        s,
        &b,
        403,
        "service `payment-service` belongs to another team",
    );
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&reader),
        Some((&review, "key-00000002")),
    );
    refused(s, &b, 403, "has role `read`; this needs `publish`");
    let doomed_id = &doomed[..20];
    let out = lg(&["token", "revoke", "--database", database, doomed_id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&doomed),
        Some((&review, "key-00000002")),
    );
    refused(s, &b, 401, "unknown or revoked");
    let forged = format!(
        "{}{}",
        &publish[..84],
        if publish.ends_with('0') { "1" } else { "0" }
    );
    let (s, b) = call("GET", &url("/api/v1/services"), Some(&forged), None);
    refused(s, &b, 401, "unknown or revoked");
    let (s, b) = call("GET", &url("/api/v1/services"), None, None);
    refused(s, &b, 401, "a token is required");
    let (s, _) = call("GET", &url("/"), None, None);
    assert_eq!(s, 401);
    // The token list never shows secrets.
    let out = lg(&["token", "list", "--database", database]);
    let list = String::from_utf8(out.stdout).unwrap();
    assert_eq!(list.lines().count(), 4, "{list}");
    assert!(!list.contains(&publish[20..]), "{list}");
    assert!(
        list.contains(&format!("{doomed_id}\tteam-payments\tpublish\t")),
        "{list}"
    );

    // Size limit and malformed reviews.
    let big = vec![b' '; 1_100_000];
    let (s, _) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&publish),
        Some((&big, "key-00000004")),
    );
    assert_eq!(s, 413);
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&publish),
        Some((b"{\"service\": \"x\"}", "key-00000005")),
    );
    refused(s, &b, 422, "the review has no `owner`");
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&publish),
        Some((&review, "bad key!")),
    );
    refused(s, &b, 400, "Idempotency-Key");

    // A second review of the service with a hostile message, then the read API.
    let hostile = variant(
        &review,
        "payment-service",
        "team-payments",
        Some("<script>alert(1)</script> & more"),
    );
    let (s, b) = call(
        "POST",
        &url("/api/v1/reviews"),
        Some(&publish),
        Some((&hostile, "key-00000006")),
    );
    assert_eq!(s, 201, "{b}");
    assert_eq!(json_of(&b)["seq"], 2);
    let services = json_of(&call("GET", &url("/api/v1/services"), Some(&reader), None).1);
    assert_eq!(
        services["services"],
        json!([{"service": "payment-service", "owner": "team-payments", "tier": 0, "decision": "conditional_go", "score": 91.6, "seq": 2, "evaluated_on": services["services"][0]["evaluated_on"], "recorded_at": services["services"][0]["recorded_at"], "reviews": 2}])
    );
    let history = json_of(
        &call(
            "GET",
            &url("/api/v1/services/payment-service/reviews"),
            Some(&reader),
            None,
        )
        .1,
    );
    assert_eq!(
        history["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    let one = json_of(&call("GET", &url("/api/v1/reviews/1"), Some(&reader), None).1);
    assert_eq!(
        one["review"]["counts"],
        json!({"total": 77, "evaluated": 77, "pass": 68, "warn": 5, "fail": 4, "skip": 0, "waived": 0})
    );
    assert_eq!(
        call("GET", &url("/api/v1/reviews/99"), Some(&reader), None).0,
        404
    );
    let diff = json_of(&call("GET", &url("/api/v1/diff?from=1&to=2"), Some(&reader), None).1);
    assert_eq!(diff["changes"], json!([]));
    let failing = json_of(&call("GET", &url("/api/v1/checks/failing"), Some(&reader), None).1);
    let ids: Vec<&str> = failing["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{failing}");
    assert!(
        ids.contains(&"CAP-007") && ids.contains(&"SAF-002"),
        "{failing}"
    );
    assert_eq!(
        failing["checks"][0]["services"][0]["message"],
        "<script>alert(1)</script> & more"
    );
    assert_eq!(
        json_of(&call("GET", &url("/api/v1/overrides"), Some(&reader), None).1),
        json!({"overrides": []})
    );
    let openapi = json_of(&call("GET", &url("/api/v1/openapi.json"), None, None).1);
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/api/v1/reviews"]["post"]["responses"]["201"].is_object());

    // The dashboard escapes what came from the repository.
    let (s, page) = call("GET", &url("/checks/CAP-007"), Some(&reader), None);
    assert_eq!(s, 200);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    let (s, page) = call(
        "GET",
        &url("/services/payment-service"),
        Some(&reader),
        None,
    );
    assert_eq!(s, 200);
    assert!(page.contains("CONDITIONAL_GO"), "{page}");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no network assets"
    );

    // `publish` and `check --publish`, with the token from the environment.
    let dir = work_dir(&format!("publish-{}", database.len()));
    let file = dir.join("review.json");
    std::fs::write(&file, &review).unwrap();
    let out = Command::new(bin())
        .args([
            "publish",
            file.to_str().unwrap(),
            "--server",
            &server.url,
            "--idempotency-key",
            "key-00000001",
        ])
        .env("LAUNCHGATE_TOKEN", &publish)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("published to {}: ledger #1 (already stored)\n", server.url)
    );
    let out = Command::new(bin())
        .args([
            "check",
            "examples/payment-service",
            "--quiet",
            "--publish",
            &server.url,
        ])
        .current_dir(root())
        .env(
            "LAUNCHGATE_STORE",
            "/nonexistent/launchgate-tests/ledger.db",
        )
        .env("LAUNCHGATE_TOKEN", &publish)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(&format!("published to {}: ledger #3 (stored)", server.url)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(bin())
        .args(["publish", file.to_str().unwrap(), "--server", &server.url])
        .env_remove("LAUNCHGATE_TOKEN")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("LAUNCHGATE_TOKEN"));

    let (_, metrics) = call("GET", &url("/metrics"), None, None);
    assert!(
        metrics.contains("launchgate_reviews_published_total 3\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("launchgate_reviews_duplicate_total 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "launchgate_http_requests_total{route=\"/api/v1/reviews\",status=\"401\"} 2\n"
        ),
        "{metrics}"
    );
    assert!(!metrics.contains(&publish), "no secrets in metrics");

    // The server's ledger verifies with the CLI.
    server.kill();
    let out = lg(&["audit", "verify", "--store", database]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains('3'),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_server_on_sqlite_publishes_once_reads_and_refuses_what_it_must() {
    let dir = work_dir("sqlite");
    exercise(&format!("sqlite://{}", dir.join("ledger.db").display()));
}

#[test]
fn the_server_on_postgres_publishes_once_reads_and_refuses_what_it_must() {
    let Some(pg) = postgres::postgres() else {
        return;
    };
    exercise(&pg.database("server_exercise"));
}

/// A replica starting on a ledger reads it before it says it is ready (each service's history,
/// and the checks of only its last two reviews), and then shows exactly what a replica that read
/// the reviews one by one as they came shows: latest checks, what changed, history, waivers.
#[test]
fn a_replica_starting_on_a_ledger_is_ready_once_it_has_read_it_and_shows_the_same() {
    use sqlx::Connection as _;
    let Some(pg) = postgres::postgres() else {
        return;
    };
    let database = pg.database("server_cold_start");
    let publish = token(&database, "team-payments", "publish");
    let review = payment_review();
    let warm = Server::start(&database, &["--anonymous-read"]);
    wait_ready(&warm.url);
    // The last review of svc-a passes a check the ones before it failed.
    let mut fixed: Value =
        serde_json::from_slice(&variant(&review, "svc-a", "team-payments", None)).unwrap();
    let check = fixed["checks"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["status"] == "fail")
        .unwrap();
    check["status"] = json!("pass");
    let fixed_id = check["id"].as_str().unwrap().to_owned();
    let uploads = [
        variant(&review, "svc-a", "team-payments", None),
        variant(&review, "svc-b", "team-payments", None),
        variant(&review, "svc-a", "team-payments", Some("second <review>")),
        serde_json::to_vec(&fixed).unwrap(),
    ];
    let check_page = format!("/checks/{fixed_id}");
    let pages = [
        "/",
        "/services/svc-a",
        "/services/svc-b",
        check_page.as_str(),
        "/owners/team-payments",
        "/api/v1/services",
        "/api/v1/services/svc-a/reviews",
        "/api/v1/checks/failing",
        "/api/v1/waivers",
    ];
    let read = |base: &str| -> Vec<(u16, String)> {
        pages
            .iter()
            .map(|page| call("GET", &format!("{base}{page}"), None, None))
            .collect()
    };
    for (i, upload) in uploads.iter().enumerate() {
        let (status, body) = call(
            "POST",
            &format!("{}/api/v1/reviews", warm.url),
            Some(&publish),
            Some((upload, &format!("cold-start-{i}"))),
        );
        assert_eq!(status, 201, "{body}");
        // The warm replica reads the ledger as it goes, one review at a time (svc-b's pages are
        // 404 before its review).
        read(&warm.url);
    }
    let shown = read(&warm.url);
    for (page, (status, body)) in pages.iter().zip(&shown) {
        assert_eq!(*status, 200, "{page}: {body}");
    }
    assert!(
        shown[1].1.contains(&format!(
            "<tr><td><a href=\"/checks/{fixed_id}\">{fixed_id}</a></td><td>FAIL</td><td>PASS</td></tr>"
        )),
        "{}",
        shown[1].1
    );
    assert!(shown[2].1.contains("This is the service's first review."));
    assert_eq!(json_of(&shown[6].1)["reviews"].as_array().unwrap().len(), 3);
    let failing = json_of(&shown[7].1);
    let failing_in = |id: &str| -> Vec<&str> {
        failing["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] == id)
            .flat_map(|c| c["services"].as_array().unwrap())
            .map(|s| s["service"].as_str().unwrap())
            .collect()
    };
    assert_eq!(failing_in(&fixed_id), ["svc-b"], "{failing}");

    // A transaction holds the ledger's table locked: a replica started now cannot read it, so it
    // answers /healthz but not /readyz.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut conn = runtime
        .block_on(sqlx::postgres::PgConnection::connect(&database))
        .unwrap();
    for sql in ["BEGIN", "LOCK TABLE events IN ACCESS EXCLUSIVE MODE"] {
        runtime
            .block_on(sqlx::query(sql).execute(&mut conn))
            .unwrap();
    }
    let cold = Server::start(&database, &["--anonymous-read"]);
    assert_eq!(
        call("GET", &format!("{}/healthz", cold.url), None, None),
        (200, "ok\n".to_owned())
    );
    for _ in 0..3 {
        assert_eq!(
            call("GET", &format!("{}/readyz", cold.url), None, None),
            (503, "reading the ledger\n".to_owned())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    runtime
        .block_on(sqlx::query("ROLLBACK").execute(&mut conn))
        .unwrap();
    wait_ready(&cold.url);
    for ((page, cold), warm) in pages.iter().zip(read(&cold.url)).zip(&shown) {
        assert_eq!(&cold, warm, "{page}");
    }
}

#[test]
fn publish_retries_until_the_server_answers() {
    // Nothing listens yet: the first attempts fail with connection errors, then a server starts
    // on that port and the retried upload is stored once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = work_dir("retry");
    let database = format!("sqlite://{}", dir.join("ledger.db").display());
    let publish = token(&database, "team-payments", "publish");
    let file = dir.join("review.json");
    std::fs::write(&file, payment_review()).unwrap();
    let client = Command::new(bin())
        .args([
            "publish",
            file.to_str().unwrap(),
            "--server",
            &format!("http://127.0.0.1:{port}"),
        ])
        .env("LAUNCHGATE_TOKEN", &publish)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let _server = Server::start(&database, &["--listen", &format!("127.0.0.1:{port}")]);
    let out = client.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains(": ledger #1 (stored, after "), "{text}");
}

/// The acceptance run: two servers on one PostgreSQL take 1,000 concurrent uploads from
/// a load generator on loopback; one server is killed with SIGKILL in the middle. Every upload
/// answered 201 is stored exactly once under the seq it was answered with, the retries (sent to
/// the other server, as a load balancer would) complete the rest, and `audit verify` passes.
#[test]
fn two_servers_on_postgres_take_1000_uploads_and_survive_a_sigkill() {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    const UPLOADS: usize = 1000;
    const CLIENTS: usize = 32;
    let Some(pg) = postgres::postgres() else {
        return;
    };
    let database = pg.database("server_load");
    let publish = token(&database, "team-payments", "publish");
    let mut doomed = Server::start(&database, &[]);
    let survivor = Server::start(&database, &[]);
    let urls = [doomed.url.clone(), survivor.url.clone()];
    let review: Value = serde_json::from_slice(&payment_review()).unwrap();

    let done = Arc::new(AtomicUsize::new(0));
    // key -> (first answer's status, seq)
    let answers: Arc<Mutex<BTreeMap<String, (u16, u64)>>> = Arc::default();
    let retried = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (urls, review, publish) = (urls.clone(), review.clone(), publish.clone());
            let (done, answers, retried) = (done.clone(), answers.clone(), retried.clone());
            std::thread::spawn(move || {
                let agent = agent();
                for i in (c..UPLOADS).step_by(CLIENTS) {
                    let mut body = review.clone();
                    body["service"] = json!(format!("svc-{:03}", i % 100));
                    body["score"] = json!(50.0 + (i % 50) as f64);
                    let bytes = serde_json::to_vec(&body).unwrap();
                    let key = format!("load-{i:06}");
                    let mut target = i % 2;
                    let mut first = true;
                    loop {
                        let sent = agent
                            .post(&format!("{}/api/v1/reviews", urls[target]))
                            .header("Authorization", &format!("Bearer {publish}"))
                            .header("Idempotency-Key", &key)
                            .header("Content-Type", "application/json")
                            .send(&bytes[..]);
                        match sent {
                            Ok(mut response) if response.status().as_u16() < 500 => {
                                let status = response.status().as_u16();
                                let text = response.body_mut().read_to_string().unwrap();
                                assert!(status == 201 || status == 200, "{status} {text}");
                                let seq = json_of(&text)["seq"].as_u64().unwrap();
                                answers.lock().unwrap().insert(key.clone(), (status, seq));
                                break;
                            }
                            _ => {
                                if first {
                                    retried.fetch_add(1, Ordering::Relaxed);
                                    first = false;
                                }
                                // The load balancer sends the retry to the other replica.
                                target = 1 - target;
                                std::thread::sleep(Duration::from_millis(50));
                            }
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = std::time::Instant::now();
    while done.load(Ordering::Relaxed) < UPLOADS / 3 {
        assert!(
            started.elapsed() < Duration::from_mins(5),
            "the uploads stalled"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    doomed.kill(); // SIGKILL
    let killed_at = done.load(Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{UPLOADS} uploads in {elapsed:?}; server killed after {killed_at}; {} uploads retried",
        retried.load(Ordering::Relaxed)
    );
    assert!(killed_at < UPLOADS, "the kill came after the last upload");

    let answers = answers.lock().unwrap();
    assert_eq!(answers.len(), UPLOADS);
    let store = launchgate_store::open_store(&database).unwrap();
    let events = store.all().unwrap();
    assert_eq!(
        launchgate_store::verify(&events).unwrap().count,
        UPLOADS as u64
    );
    let mut by_key: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for event in &events {
        let key = event.body["nonce"].as_str().unwrap().to_owned();
        by_key.entry(key).or_default().push(event.seq);
    }
    assert_eq!(by_key.len(), UPLOADS, "every upload is stored exactly once");
    for (key, (status, seq)) in answers.iter() {
        assert_eq!(by_key[key], vec![*seq], "{key} answered {status}");
    }
    drop(store);
    let out = lg(&["audit", "verify", "--store", &database]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The server's own deployment example is reviewed GO on the date of its smoke suite's report
/// (2026-12-04, within the 14-day window): every check passes or does not apply to tier 2, the
/// smoke suite's pinned requirements count as locked dependencies and its end-to-end report as
/// the passing tests.
#[test]
fn the_fleet_server_example_is_go() {
    let out = lg(&[
        "check",
        "examples/fleet-server",
        "--format",
        "json",
        "--today",
        "2026-12-07",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let review: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(review["service"], "launchgate-fleet");
    assert_eq!(review["decision"], "go");
    assert_eq!(review["counts"]["pass"], 28);
    assert_eq!(review["counts"]["warn"], 0);
    assert_eq!(review["counts"]["fail"], 0);
    let status = |id: &str| {
        review["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status("OPS-003").as_deref(), Some("pass"));
    assert_eq!(status("SEC-014").as_deref(), Some("pass"));
}

/// Overrides and sign-offs are signed where the keys are and published as events: the server
/// stores one only when its signature verifies and, under `--policy`, when its signer is an
/// approver of the policy with that key; the ledger then verifies with the CLI.
#[test]
fn signed_events_are_stored_only_from_the_policys_approvers() {
    use launchgate_store::{EventKind, KeyPair, NewEvent, OverrideBody};
    let dir = work_dir("signed");
    let database = format!("sqlite://{}", dir.join("ledger.db").display());
    let (alice, mallory) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    let policy = dir.join("policy.yaml");
    std::fs::write(
        &policy,
        format!(
            "approvers:\n  - {{name: alice, roles: [vp], public_key: \"{}\"}}\n",
            alice.public_key()
        ),
    )
    .unwrap();
    let publish = token(&database, "team-payments", "publish");
    let server = Server::start(&database, &["--policy", policy.to_str().unwrap()]);
    let url = format!("{}/api/v1/events", server.url);
    let review = payment_review();
    let (s, b) = call(
        "POST",
        &format!("{}/api/v1/reviews", server.url),
        Some(&publish),
        Some((&review, "key-00000001")),
    );
    assert_eq!(s, 201, "{b}");

    let body = OverrideBody {
        decision: "go".to_owned(),
        reason: "launch approved by the VP after the load test".to_owned(),
        expires: "2026-12-31".to_owned(),
        nonce: Some("00112233445566778899aabbccddeeff".to_owned()),
        signed_at: Some("2026-11-22T09:00:00Z".to_owned()),
    };
    let signed = |by: &str, key: &KeyPair| {
        serde_json::to_vec(&NewEvent::signed(
            "payment-service",
            EventKind::Override,
            body.to_value(),
            by,
            key.secret_key(),
        ))
        .unwrap()
    };
    let (s, b) = call(
        "POST",
        &url,
        Some(&publish),
        Some((&signed("alice", &alice), "")),
    );
    assert_eq!(s, 201, "{b}");
    assert_eq!(json_of(&b)["seq"], 2);
    // The same event again is stored once.
    let (s, b) = call(
        "POST",
        &url,
        Some(&publish),
        Some((&signed("alice", &alice), "")),
    );
    assert_eq!((s, json_of(&b)["seq"].as_u64()), (200, Some(2)), "{b}");
    // Mallory's own key, or claiming to be alice with it: refused.
    for event in [signed("mallory", &mallory), signed("alice", &mallory)] {
        let (s, b) = call("POST", &url, Some(&publish), Some((&event, "")));
        assert_eq!(s, 403, "{b}");
        assert_eq!(
            json_of(&b),
            json!({"error": "the event is not signed by an approver of the server's policy with their key"})
        );
    }
    // A changed field breaks the signature.
    let mut tampered: Value = serde_json::from_slice(&signed("alice", &alice)).unwrap();
    tampered["body"]["decision"] = json!("no_go");
    let (s, b) = call(
        "POST",
        &url,
        Some(&publish),
        Some((&serde_json::to_vec(&tampered).unwrap(), "")),
    );
    assert_eq!(s, 422, "{b}");
    assert!(b.contains("signature does not verify"), "{b}");
    let overrides = json_of(
        &call(
            "GET",
            &format!("{}/api/v1/overrides", server.url),
            Some(&publish),
            None,
        )
        .1,
    );
    assert_eq!(overrides["overrides"].as_array().unwrap().len(), 1);
    assert_eq!(overrides["overrides"][0]["signer"], "alice");
}

/// `launchgate` with a publish token and a local ledger of its own (what an approver's laptop
/// has): `(stdout, exit code, stderr)`.
fn lg_local(args: &[&str], token: &str, store: &Path) -> (String, i32, String) {
    let out = Command::new(bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("LAUNCHGATE_STORE", store)
        .env("LAUNCHGATE_TOKEN", token)
        .env_remove("LAUNCHGATE_DATABASE")
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `sql` on the SQLite ledger at `db` (to tamper with it, as an attacker with the file
/// could).
fn tamper(db: &Path, sql: &'static str) {
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", db.display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let done = sqlx::query(sql).execute(&mut c).await.unwrap();
            assert_eq!(done.rows_affected(), 1, "{sql}");
        });
}

/// Issue 18: overrides and sign-offs are still made with the CLI, where the approver's key is,
/// and published as signed events that the server verifies against its policy's keys:
/// `override --publish` and `signoff --publish` record locally and upload; the server lists
/// them and the service page shows them; publishing the same event again (`publish --event`)
/// stores it once; an event signed by someone the server's policy does not list, a tampered one
/// and an unsigned one are refused with the server's reason, and the CLI exits 2 saying so.
fn cli_events(database: &str, dir: &Path) {
    let publish = token(database, "team-payments", "publish");
    let reader = token(database, "team-payments", "read");
    let local = dir.join("laptop.db");
    let key = |name: &str| {
        let file = dir.join(format!("{name}.key"));
        let out = lg(&["keygen", "--out", file.to_str().unwrap()]);
        assert!(out.status.success());
        std::fs::read_to_string(dir.join(format!("{name}.key.pub")))
            .unwrap()
            .trim()
            .to_owned()
    };
    let (alice, mallory) = (key("alice"), key("mallory"));
    // The approver's copy of the policy lists mallory too; the server's does not.
    let policy = dir.join("policy.yaml");
    std::fs::write(
        &policy,
        format!(
            "approvers:\n  - {{name: alice, roles: [vp, sre], public_key: \"{alice}\"}}\n  - {{name: mallory, roles: [vp], public_key: \"{mallory}\"}}\n"
        ),
    )
    .unwrap();
    let server_policy = dir.join("server-policy.yaml");
    std::fs::write(
        &server_policy,
        format!("approvers:\n  - {{name: alice, roles: [vp, sre], public_key: \"{alice}\"}}\n"),
    )
    .unwrap();
    let server = Server::start(database, &["--policy", server_policy.to_str().unwrap()]);
    let url = server.url.as_str();
    let review = dir.join("review.json");
    std::fs::write(&review, payment_review()).unwrap();
    let (_, code, err) = lg_local(
        &["publish", review.to_str().unwrap(), "--server", url],
        &publish,
        &local,
    );
    assert_eq!(code, 0, "{err}");

    let override_ = |who: &str, extra: &[&str]| {
        let mut args = vec![
            "override",
            "examples/payment-service",
            "--policy",
            policy.to_str().unwrap(),
            "--service",
            "payment-service",
            "--as",
            who,
            "--decision",
            "go",
            "--reason",
            "launch approved after the load test",
            "--expires",
            "2026-12-31",
            "--today",
            "2026-11-22",
        ];
        args.extend_from_slice(extra);
        let key = dir.join(format!("{who}.key"));
        args.extend_from_slice(&["--key", key.to_str().unwrap()]);
        lg_local(&args, &publish, &local)
    };
    let (out, code, err) = override_("alice", &["--publish", url]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "recorded override of payment-service to GO by alice until 2026-12-31 (event 1 "
        ),
        "{out}"
    );
    assert_eq!(
        lines[1],
        format!("published the override to {url}: ledger #2 (stored)")
    );
    let (out, code, err) = lg_local(
        &[
            "signoff",
            "examples/payment-service",
            "--policy",
            policy.to_str().unwrap(),
            "--service",
            "payment-service",
            "--as",
            "alice",
            "--key",
            dir.join("alice.key").to_str().unwrap(),
            "--role",
            "sre",
            "--review",
            review.to_str().unwrap(),
            "--publish",
            url,
        ],
        &publish,
        &local,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("recorded sre sign-off of payment-service by alice on results "));
    assert!(
        out.ends_with(&format!(
            "(event 2 {})\npublished the sign-off to {url}: ledger #3 (stored)\n",
            out.split("(event 2 ")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .unwrap()
        )),
        "{out}"
    );

    // Publishing the recorded override again (a retry) is stored once, under the same seq.
    let (_, code, err) = lg_local(
        &["publish", "--event", "1", "--server", url],
        &publish,
        &local,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        format!("published the override to {url}: ledger #2 (already stored)\n")
    );
    let listed = |what: &str| {
        let (s, b) = call("GET", &format!("{url}/api/v1/{what}"), Some(&reader), None);
        assert_eq!(s, 200, "{b}");
        json_of(&b)[what].clone()
    };
    let overrides = listed("overrides");
    assert_eq!(overrides.as_array().unwrap().len(), 1, "{overrides}");
    assert_eq!(
        (
            &overrides[0]["seq"],
            &overrides[0]["service"],
            &overrides[0]["signer"],
            &overrides[0]["body"]["decision"],
            &overrides[0]["body"]["reason"],
            &overrides[0]["body"]["expires"],
        ),
        (
            &json!(2),
            &json!("payment-service"),
            &json!("alice"),
            &json!("go"),
            &json!("launch approved after the load test"),
            &json!("2026-12-31"),
        )
    );
    let signoffs = listed("signoffs");
    assert_eq!(signoffs.as_array().unwrap().len(), 1, "{signoffs}");
    assert_eq!(
        (&signoffs[0]["seq"], &signoffs[0]["body"]["role"]),
        (&json!(3), &json!("sre"))
    );
    let (s, page) = call(
        "GET",
        &format!("{url}/services/payment-service"),
        Some(&reader),
        None,
    );
    assert_eq!(s, 200);
    assert!(
        page.contains(
            "<h2>Overrides and sign-offs</h2><ul><li>Override #2 by alice: go</li><li>Sign-off #3 by alice: sre</li></ul>"
        ),
        "{page}"
    );

    // Signed by an approver of the local policy whom the server's policy does not list: 403,
    // the server's reason, exit 2, and how to publish it once fixed.
    let (out, code, err) = override_("mallory", &["--publish", url]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("(event 3 "), "{out}");
    assert_eq!(
        err,
        format!(
            "error: {url}/api/v1/events refused the event (403): the event is not signed by an approver of the server's policy with their key; publish with a token (role publish) of the team that owns the service, and sign as an approver listed in the server's --policy with the key it lists\nthe override is recorded in the local ledger as event 3, but not on the server: once the cause is fixed, publish it with `launchgate publish --event 3 --server {url}`\n"
        )
    );

    // A recorded override changed after it was signed: the signature does not verify.
    let (_, code, err) = override_("alice", &[]);
    assert_eq!(code, 0, "{err}");
    tamper(
        &local,
        "UPDATE events SET body = replace(body, 'load test', 'lead test') WHERE seq = 4",
    );
    let (_, code, err) = lg_local(
        &["publish", "--event", "4", "--server", url],
        &publish,
        &local,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: {url}/api/v1/events refused the event (422): "
        )) && err.contains("signature does not verify"),
        "{err}"
    );
    // The same override with its signature removed: not signed.
    tamper(&local, "UPDATE events SET signature = NULL WHERE seq = 4");
    let (_, code, err) = lg_local(
        &["publish", "--event", "4", "--server", url],
        &publish,
        &local,
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        format!(
            "error: {url}/api/v1/events refused the event (422): the override is not signed: overrides and sign-offs are published signed with the approver's key (launchgate override|signoff --publish)\n"
        )
    );
    // A wrong token: 401 and how to get a right one.
    let (_, code, err) = lg_local(
        &["publish", "--event", "1", "--server", url],
        &format!("{publish}x"),
        &local,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refused the event (401): ")
            && err.contains("create one with `launchgate token create --team TEAM --role publish`"),
        "{err}"
    );
    // Nothing refused was stored.
    assert_eq!(listed("overrides").as_array().unwrap().len(), 1);
    drop(server);
    // The sign-off published again while the server is down: network errors are retried until
    // it is back (on another address), and the retry is stored once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let later = format!("http://127.0.0.1:{port}");
    let client = Command::new(bin())
        .args(["publish", "--event", "2", "--server", &later])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("LAUNCHGATE_STORE", &local)
        .env("LAUNCHGATE_TOKEN", &publish)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let server = Server::start(
        database,
        &[
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--policy",
            server_policy.to_str().unwrap(),
        ],
    );
    let out = client.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.starts_with(&format!(
            "published the sign-off to {later}: ledger #3 (already stored, after "
        )),
        "{err}"
    );
    drop(server);
    let (out, code, err) = lg_local(&["audit", "verify", "--store", database], &publish, &local);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": OK: 3 events, head "), "{out}");
}

#[test]
fn overrides_and_signoffs_made_with_the_cli_are_published_signed_on_sqlite() {
    let dir = work_dir("cli-events");
    cli_events(
        &format!("sqlite://{}", dir.join("ledger.db").display()),
        &dir,
    );
}

#[test]
fn overrides_and_signoffs_made_with_the_cli_are_published_signed_on_postgres() {
    let Some(pg) = postgres::postgres() else {
        return;
    };
    cli_events(
        &pg.database("server_cli_events"),
        &work_dir("cli-events-pg"),
    );
}
