//! The HTML report and the fleet view, loaded in a real headless Chromium: the rows the browser
//! sees (after the page's script ran) match the JSON review, the status filter hides rows, the
//! fleet table sorts, escaped text stays text, and a screenshot renders. Plus the `fleet`
//! command's errors and an insta snapshot of one report.
//!
//! Chromium is found through `LAUNCHGATE_CHROMIUM`, else `chromium`, `chromium-browser` or
//! `google-chrome` on PATH. Without it these tests FAIL and say to run
//! `scripts/install-test-deps`: a missing browser is never a silent pass.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use launchgate_core::Status;
use launchgate_report::Review;

#[path = "support/binary.rs"]
mod binary;
use binary::lg;

/// Chromium can take seconds to start on a busy machine; past this it is killed.
const BROWSER_TIMEOUT: Duration = Duration::from_mins(2);

/// One Chromium at a time: they are heavy and the machine is small.
static BROWSER: Mutex<()> = Mutex::new(());

/// A fresh directory for one test under the target directory (never committed).
fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chromium() -> PathBuf {
    let hint = "run `scripts/install-test-deps` (installs Debian's `chromium`), or set \
                LAUNCHGATE_CHROMIUM to a Chromium or Chrome binary";
    if let Some(p) = std::env::var_os("LAUNCHGATE_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "LAUNCHGATE_CHROMIUM={} is not a file: {hint}",
            p.display()
        );
        return p;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "headless Chromium not found (looked at LAUNCHGATE_CHROMIUM, then chromium, \
         chromium-browser and google-chrome on PATH): {hint}"
    );
}

fn file_url(path: &Path, fragment: &str) -> String {
    let abs = path.canonicalize().unwrap();
    format!("file://{}{fragment}", abs.to_string_lossy())
}

/// Runs headless Chromium with a fresh profile on `url`; returns its standard output.
/// Killed (with its whole process group) past [`BROWSER_TIMEOUT`].
fn run_chromium(dir: &Path, tag: &str, extra: &[String], url: &str) -> String {
    let _one_at_a_time = BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let profile = dir.join(format!("profile-{tag}"));
    let stdout_path = dir.join(format!("chromium-{tag}.out"));
    let stderr_path = dir.join(format!("chromium-{tag}.err"));
    let mut cmd = Process::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&stdout_path).unwrap())
    .stderr(std::fs::File::create(&stderr_path).unwrap());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot start {}: {e}; run `scripts/install-test-deps`",
            chromium().display()
        )
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            #[cfg(unix)]
            let _ = Process::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {BROWSER_TIMEOUT:?} on {url}; stderr in {}",
                stderr_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(
        status.success(),
        "chromium failed ({status}) on {url}:\n{}",
        stderr.chars().take(4000).collect::<String>()
    );
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::read_to_string(&stdout_path).unwrap()
}

/// The DOM after the page's scripts ran.
fn dump_dom(dir: &Path, tag: &str, page: &Path, fragment: &str) -> String {
    let dom = run_chromium(
        dir,
        tag,
        &["--dump-dom".to_string()],
        &file_url(page, fragment),
    );
    assert!(dom.contains("</html>"), "not a DOM dump: {dom}");
    dom
}

/// Takes a 1280x2000 screenshot and checks it is a PNG of that size with plausible content.
fn screenshot(dir: &Path, tag: &str, page: &Path) -> PathBuf {
    let png = dir.join(format!("{tag}.png"));
    run_chromium(
        dir,
        tag,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_string(),
        ],
        &file_url(page, ""),
    );
    let bytes =
        std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank 1280x2000 page compresses to a few kilobytes; a rendered report is far larger.
    assert!(
        (40_000..20_000_000).contains(&bytes.len()),
        "implausible screenshot size {} bytes",
        bytes.len()
    );
    png
}

fn review_json(example: &str) -> String {
    let out = lg()
        .args([
            "check",
            &format!("examples/{example}"),
            "--format",
            "json",
            "--today",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Opening tags of rows with this `data-status` (the browser serialises attributes as written).
fn rows(dom: &str, status: &str) -> usize {
    dom.matches(&format!("<tr data-status=\"{status}\""))
        .count()
}

fn assert_rows_match(dom: &str, review: &Review, what: &str) {
    let c = &review.counts;
    for (status, want) in [
        ("fail", c.fail),
        ("warn", c.warn),
        ("waived", c.waived),
        ("pass", c.pass),
        ("skip", c.skip),
    ] {
        assert_eq!(rows(dom, status), want, "{what}: rows with status {status}");
    }
    assert_eq!(dom.matches("<tr data-status=").count(), c.total, "{what}");
}

#[test]
fn report_rows_match_the_json_review_in_chromium() {
    for (example, fail, warn) in [("payment-service", 4, 5), ("all-false", 64, 1)] {
        let dir = work_dir(example);
        let review = Review::from_json(&review_json(example)).unwrap();
        assert_eq!((review.counts.fail, review.counts.warn), (fail, warn));
        let page = dir.join("report.html");
        let status = lg()
            .args([
                "check",
                &format!("examples/{example}"),
                "--today",
                "2026-11-22",
            ])
            .args(["--format", "html", "-o"])
            .arg(&page)
            .output()
            .unwrap()
            .status;
        assert!(status.code() == Some(0) || status.code() == Some(1));

        let dom = dump_dom(&dir, "all", &page, "");
        assert_rows_match(&dom, &review, example);
        // The script ran and counted the rows the browser shows.
        let total = review.counts.total;
        assert!(
            dom.contains(&format!("Showing {total} of {total} checks")),
            "{example}"
        );
        assert!(dom.contains(&format!(
            "<title>{}: {} (2026-11-22) - launchgate readiness review</title>",
            review.service,
            review.decision.label()
        )));

        // The status filter: only failing rows stay visible (CSS :has(), measured by the script).
        let dom = dump_dom(&dir, "fail-only", &page, "#show=fail");
        assert!(
            dom.contains(&format!("Showing {fail} of {total} checks")),
            "{example}: {}",
            dom.lines()
                .find(|l| l.contains("id=\"shown\""))
                .unwrap_or("")
        );
        let dom = dump_dom(&dir, "fail-warn", &page, "#show=fail,warn");
        assert!(dom.contains(&format!("Showing {} of {total} checks", fail + warn)));

        screenshot(&dir, "report", &page);
    }
}

/// A review with a waived check and hostile text everywhere, rendered by the library and
/// loaded in Chromium: the waived row is there and no injected markup became an element.
#[test]
fn hostile_text_stays_text_in_chromium_and_waived_rows_show() {
    let dir = work_dir("hostile");
    let mut review = Review::from_json(&review_json("payment-service")).unwrap();
    let evil = r#"<script>document.body.setAttribute("data-pwned","script")</script><img src=x onerror="document.body.setAttribute('data-pwned','img')"> & 'q'"#;
    review.service = format!("pay{evil}");
    review.owner = Some(evil.to_string());
    let waived = review
        .checks
        .iter_mut()
        .find(|c| c.status == Status::Fail)
        .unwrap();
    waived.status = Status::Waived;
    waived.message = evil.to_string();
    waived.findings[0].message = evil.to_string();
    review.counts.fail -= 1;
    review.counts.waived += 1;
    let page = dir.join("hostile.html");
    let html = launchgate_report::render_html(&review);
    assert!(!html.contains("<img"));
    assert_eq!(html.matches("<script>").count(), 1, "only the page's own");
    std::fs::write(&page, &html).unwrap();

    let dom = dump_dom(&dir, "hostile", &page, "");
    assert_rows_match(&dom, &review, "hostile");
    assert_eq!(rows(&dom, "waived"), 1);
    assert!(!dom.contains("data-pwned=\""), "injected code ran");
    assert!(!dom.contains("<img"), "injected markup became an element");
    assert_eq!(dom.matches("<script>").count(), 1);
    // The text itself is shown, escaped, in the header and the row.
    assert!(dom.contains("<h1>Production readiness review: pay&lt;script&gt;document.body.setAttribute(\"data-pwned\",\"script\")&lt;/script&gt;&lt;img src=x"));
}

/// Waivers, an applied override, sign-offs and score history, as Chromium renders them.
#[test]
fn governance_sections_render_in_chromium() {
    use launchgate_policy::Verdict;
    use launchgate_report::{HistoryPoint, OverrideView, SignoffView, WaiverState, WaiverView};

    let dir = work_dir("governance");
    let mut review = Review::from_json(&review_json("payment-service")).unwrap();
    review.decision = Verdict::Go;
    review.waivers.push(WaiverView {
        check: "SAF-009".to_string(),
        scope: vec!["src/**".to_string()],
        kind: "compensating-control".to_string(),
        reason: "traffic can be shifted away at the gateway".to_string(),
        expires: "2026-12-01".to_string(),
        approved_by: Some("sre-lead@example.com".to_string()),
        ticket: Some("PAY-1234".to_string()),
        state: WaiverState::Applied,
        expiring_soon: true,
        message: "waives the failure of SAF-009".to_string(),
        location: None,
    });
    review.overrides.push(OverrideView {
        decision: Verdict::Go,
        approver: "vp-eng@example.com".to_string(),
        roles: vec!["launch-approver".to_string()],
        reason: "Black Friday launch agreed with the business".to_string(),
        expires: "2026-11-30".to_string(),
        recorded_at: "2026-11-21T16:02:11Z".to_string(),
        event_hash: "9f2c4e".to_string(),
        applied: true,
        refused: None,
        cosigned_by: None,
        cosign: false,
    });
    review.signoffs.push(SignoffView {
        role: "security".to_string(),
        approver: "sec@example.com".to_string(),
        note: Some("pen test report attached".to_string()),
        recorded_at: "2026-11-20T09:30:00Z".to_string(),
        event_hash: "77ab01".to_string(),
        stale: false,
        refused: None,
    });
    review.history = [
        ("2026-09-01", 61.5),
        ("2026-10-01", 74.0),
        ("2026-11-01", 86.2),
    ]
    .iter()
    .map(|(on, score)| HistoryPoint {
        recorded_at: format!("{on}T12:00:00Z"),
        evaluated_on: (*on).to_string(),
        decision: if *score < 70.0 {
            Verdict::NoGo
        } else {
            Verdict::ConditionalGo
        },
        score: *score,
        commit: None,
    })
    .collect();
    let page = dir.join("governance.html");
    std::fs::write(&page, launchgate_report::render_html(&review)).unwrap();

    let dom = dump_dom(&dir, "governance", &page, "");
    assert_eq!(
        dom.matches("<circle ").count(),
        4,
        "three recorded points and this review"
    );
    assert_eq!(dom.matches("<polyline ").count(), 1);
    assert_eq!(dom.matches("<tr data-history=\"\">").count(), 3);
    assert!(dom.contains("The policy computed <span class=\"verdict v-conditional_go\">CONDITIONAL_GO</span>; an approved override set the final decision to <span class=\"verdict v-go\">GO</span>"));
    assert!(dom.contains("<td>Black Friday launch agreed with the business</td>"));
    assert!(dom.contains("<tr data-waiver=\"applied\">"));
    assert!(dom.contains("<th scope=\"row\">security</th><td>sec@example.com</td><td>Valid</td>"));
    screenshot(&dir, "governance", &page);
}

fn write_reviews(dir: &Path) -> Vec<PathBuf> {
    [
        "payment-service",
        "all-false",
        "internal-dashboard",
        "task-queue",
    ]
    .iter()
    .map(|example| {
        let path = dir.join(format!("{example}.json"));
        std::fs::write(&path, review_json(example)).unwrap();
        path
    })
    .collect()
}

/// Services in the order of the fleet table's rows.
fn service_order(dom: &str) -> Vec<String> {
    dom.split("<tr data-service=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn fleet_rows_match_the_reviews_in_chromium() {
    let dir = work_dir("fleet");
    let reviews = write_reviews(&dir);
    let page = dir.join("fleet.html");
    let out = lg()
        .arg("fleet")
        .args(&reviews)
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty(), "no duplicates, no notes");

    let dom = dump_dom(&dir, "fleet", &page, "");
    assert_eq!(dom.matches("<tr data-service=").count(), reviews.len());
    // Pre-sorted: tier, then decision (NO_GO first), then name.
    assert_eq!(
        service_order(&dom),
        [
            "legacy-billing",
            "payment-service",
            "task-queue",
            "analytics-dashboard"
        ]
    );
    // The script turned the headings into sort buttons.
    assert_eq!(
        dom.matches("<button type=\"button\" class=\"sort\">")
            .count(),
        10
    );
    // Checks failing in two services come first.
    let first_failing = dom.split("<tr data-check=\"").nth(1).unwrap();
    assert!(first_failing.starts_with("CAP-007\""), "{first_failing}");

    let dom = dump_dom(&dir, "by-score", &page, "#sort=score-desc");
    assert_eq!(
        service_order(&dom),
        [
            "analytics-dashboard",
            "task-queue",
            "payment-service",
            "legacy-billing"
        ]
    );
    assert!(
        dom.contains("data-key=\"score\" data-num=\"\" class=\"num\" aria-sort=\"descending\"")
    );
    let dom = dump_dom(&dir, "by-name", &page, "#sort=service");
    assert_eq!(
        service_order(&dom),
        [
            "analytics-dashboard",
            "legacy-billing",
            "payment-service",
            "task-queue"
        ]
    );

    screenshot(&dir, "fleet", &page);
}

#[test]
fn fleet_keeps_the_newest_review_of_a_service_and_says_so() {
    let dir = work_dir("fleet-duplicate");
    let reviews = write_reviews(&dir);
    let older = dir.join("payment-service-older.json");
    let text = std::fs::read_to_string(&reviews[0]).unwrap().replace(
        "\"evaluated_on\": \"2026-11-22\"",
        "\"evaluated_on\": \"2026-10-01\"",
    );
    std::fs::write(&older, text).unwrap();
    let out = lg()
        .current_dir(&dir)
        .args([
            "fleet",
            "payment-service.json",
            "payment-service-older.json",
            "all-false.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "note: service `payment-service` has more than one review: kept payment-service.json (2026-11-22), ignored payment-service-older.json (2026-10-01): 2026-11-22 is newer\n"
    );
    let html = String::from_utf8(out.stdout).unwrap();
    assert_eq!(html.matches("<tr data-service=").count(), 2);
    assert!(html.contains("ignored payment-service-older.json (2026-10-01)"));
}

#[test]
fn fleet_refuses_files_that_are_not_reviews() {
    let dir = work_dir("fleet-errors");
    let good = dir.join("good.json");
    std::fs::write(&good, review_json("internal-dashboard")).unwrap();
    let cases: [(&str, &str, &str); 4] = [
        (
            "package.json",
            r#"{"name": "x"}"#,
            "package.json: not a launchgate review: no `schema_version` (write one with `launchgate check --format json`)",
        ),
        (
            "broken.json",
            "{ not json",
            "broken.json: not valid review JSON: ",
        ),
        (
            "future.json",
            r#"{"schema_version": 99}"#,
            "future.json: review schema_version 99 is newer than this launchgate understands (1); upgrade launchgate",
        ),
        (
            "baddate.json",
            "",
            "baddate.json: `evaluated_on` is `22/11/2026`, not a date (YYYY-MM-DD)",
        ),
    ];
    for (name, content, want) in cases {
        let content = if name == "baddate.json" {
            review_json("internal-dashboard").replace("\"2026-11-22\"", "\"22/11/2026\"")
        } else {
            content.to_string()
        };
        std::fs::write(dir.join(name), content).unwrap();
        let out = lg()
            .current_dir(&dir)
            .args(["fleet", "good.json", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}: no page on error");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with(&format!("error: {want}")),
            "{name}: {stderr}"
        );
    }
    let out = lg()
        .current_dir(&dir)
        .args(["fleet", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot read review missing.json: "),
        "{stderr}"
    );
    let out = lg().arg("fleet").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "at least one review is required"
    );
    let out = lg()
        .current_dir(&dir)
        .args(["fleet", "good.json", "--today", "tomorrow"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The whole page for one example, so any change to the markup is reviewed.
#[test]
fn payment_service_html_renders_stably() {
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--today",
            "2026-11-22",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("payment-service-html", text);
}
