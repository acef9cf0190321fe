//! The fleet dashboard in a real headless Chromium driven through WebDriver (chromedriver, the
//! `chromium-driver` Debian package that scripts/install-test-deps installs): the real server
//! (`launchgate serve` on SQLite), reviews published through its API, then a click-through
//! fleet -> service -> check asserting the text shown. Screenshots are kept under
//! `target/dashboard-screenshots/` as CI artefacts. Without chromedriver or Chromium the test
//! FAILS and says how to install them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_launchgate"))
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_on_path(names: &[&str], env: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            if dir.join(name).is_file() {
                return dir.join(name);
            }
        }
    }
    panic!(
        "{} not found (nor {env}): run `scripts/install-test-deps` (Debian's chromium and chromium-driver)",
        names.join(" / ")
    );
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_mins(1)))
        .build()
        .into()
}

fn send(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent = agent();
    let mut response = match method {
        "GET" => agent.get(url).call().unwrap(),
        "DELETE" => agent.delete(url).call().unwrap(),
        _ => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(
                serde_json::to_vec(&body.unwrap_or(json!({})))
                    .unwrap()
                    .as_slice(),
            )
            .unwrap(),
    };
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert!(status < 300, "{method} {url}: {status} {text}");
    value
}

struct Browser {
    base: String,
    _driver: Killed,
}

impl Browser {
    fn start() -> Browser {
        let driver = find_on_path(&["chromedriver"], "LAUNCHGATE_CHROMEDRIVER");
        let chromium = find_on_path(
            &["chromium", "chromium-browser", "google-chrome"],
            "LAUNCHGATE_CHROMIUM",
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let driver_process = Killed(child);
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(mut r) = agent().get(&format!("{url}/status")).call()
                && r.body_mut()
                    .read_to_string()
                    .unwrap_or_default()
                    .contains("\"ready\":true")
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let session = send(
            "POST",
            &format!("{url}/session"),
            Some(
                json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
                    "binary": chromium,
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"]
                }}}}),
            ),
        );
        let id = session["value"]["sessionId"].as_str().unwrap().to_owned();
        Browser {
            base: format!("{url}/session/{id}"),
            _driver: driver_process,
        }
    }

    fn go(&self, url: &str) {
        send(
            "POST",
            &format!("{}/url", self.base),
            Some(json!({"url": url})),
        );
    }

    fn find(&self, using: &str, value: &str) -> String {
        let found = send(
            "POST",
            &format!("{}/element", self.base),
            Some(json!({"using": using, "value": value})),
        );
        found["value"][ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {using} {value}: {found}"))
            .to_owned()
    }

    fn click_link(&self, text: &str) {
        let element = self.find("link text", text);
        send(
            "POST",
            &format!("{}/element/{element}/click", self.base),
            Some(json!({})),
        );
    }

    fn text(&self, css: &str) -> String {
        let element = self.find("css selector", css);
        send(
            "GET",
            &format!("{}/element/{element}/text", self.base),
            None,
        )["value"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn url(&self) -> String {
        send("GET", &format!("{}/url", self.base), None)["value"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn screenshot(&self, name: &str) {
        let data = send("GET", &format!("{}/screenshot", self.base), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(data["value"].as_str().unwrap())
            .unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(
            png.len() > 5_000,
            "an empty-looking screenshot: {} bytes",
            png.len()
        );
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/dashboard-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = agent().delete(&self.base).call();
    }
}

fn publish(server: &str, token: &str, review: &Value, key: &str) {
    let mut response = agent()
        .post(&format!("{server}/api/v1/reviews"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Idempotency-Key", key)
        .send(serde_json::to_vec(review).unwrap().as_slice())
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        201,
        "{}",
        response.body_mut().read_to_string().unwrap()
    );
}

#[test]
fn clicking_through_fleet_service_and_check_in_chromium_shows_the_reviews() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("ledger.db").display());
    let lg = |args: &[&str]| {
        Command::new(bin())
            .args(args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .env(
                "LAUNCHGATE_STORE",
                "/nonexistent/launchgate-tests/ledger.db",
            )
            .output()
            .unwrap()
    };
    let out = lg(&[
        "token",
        "create",
        "--database",
        &database,
        "--team",
        "team-payments",
        "--role",
        "admin",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let out = lg(&["check", "examples/payment-service", "--format", "json"]);
    let payment: Value = serde_json::from_slice(&out.stdout).unwrap();

    let mut child = Command::new(bin())
        .args([
            "serve",
            "--database",
            &database,
            "--listen",
            "127.0.0.1:0",
            "--anonymous-read",
        ])
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Killed(child);
    let server = line
        .split("listening on ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();

    publish(&server, &token, &payment, "dash-0001");
    let mut improved = payment.clone();
    for check in improved["checks"].as_array_mut().unwrap() {
        if check["id"] == "CAP-007" {
            check["status"] = json!("pass");
        }
    }
    publish(&server, &token, &improved, "dash-0002");
    let mut search = payment.clone();
    search["service"] = json!("search-api");
    search["owner"] = json!("team-search");
    search["decision"] = json!("no_go");
    search["score"] = json!(41.5);
    for check in search["checks"].as_array_mut().unwrap() {
        if check["id"] == "CAP-007" {
            check["status"] = json!("fail");
            check["message"] = json!("<script>alert('x')</script> no load test");
        }
    }
    publish(&server, &token, &search, "dash-0003");

    let browser = Browser::start();
    browser.go(&server);
    assert_eq!(browser.text("h1"), "Fleet overview");
    let fleet = browser.text("main");
    assert!(fleet.contains("2 services, 3 reviews."), "{fleet}");
    assert!(
        fleet.contains("search-api team-search 0 NO_GO 41.5"),
        "{fleet}"
    );
    browser.screenshot("fleet");

    browser.click_link("search-api");
    assert_eq!(browser.url(), format!("{server}/services/search-api"));
    assert_eq!(browser.text("h1"), "search-api");
    let service = browser.text("main");
    assert!(service.contains("NO_GO, score 41.5"), "{service}");
    assert!(
        service.contains("CAP-007 FAIL <script>alert('x')</script> no load test"),
        "{service}"
    );
    browser.screenshot("service");

    browser.click_link("CAP-007");
    assert_eq!(browser.url(), format!("{server}/checks/CAP-007"));
    assert_eq!(browser.text("h1"), "CAP-007");
    let check = browser.text("tbody");
    assert_eq!(
        check,
        "search-api FAIL <script>alert('x')</script> no load test"
    );
    browser.screenshot("check");

    // What changed on payment-service since its previous review, and its owner's page.
    browser.go(&format!("{server}/services/payment-service"));
    let service = browser.text("main");
    assert!(
        service.contains("Changed since the previous review"),
        "{service}"
    );
    assert!(service.contains("CAP-007 FAIL PASS"), "{service}");
    browser.click_link("team-payments");
    assert_eq!(browser.text("h1"), "Owner team-payments");
    assert_eq!(browser.text("tbody").lines().count(), 1);
}
