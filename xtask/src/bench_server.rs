//! `cargo xtask bench-server [SERVICES] [REVIEWS] [CLIENTS]`: the fleet server benchmark. Two
//! release-built `launchgate serve` replicas on one throwaway PostgreSQL (scripts/test-postgres)
//! take SERVICES × REVIEWS uploads of the payment-service review (about 120 KB of JSON) from
//! CLIENTS concurrent clients on loopback; then the dashboard's pages are timed on that fleet.
//! Prints sustained uploads per second, upload latency p50/p99 and each page's server time (the
//! `Server-Timing` header) as Markdown for docs/performance.md, then starts a third replica on
//! the whole ledger and times its cold start (until `/readyz` answers 200 and its first page). Not a test: the figures depend on
//! the machine. `LAUNCHGATE_BENCH_BIN=PATH` benchmarks that binary instead of building one.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::root;

struct StopOnDrop(Child);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_mins(2)))
        .build()
        .into()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The fields each upload sets, with the placeholder string the template holds for each.
const PLACEHOLDERS: [(&str, &str); 5] = [
    ("service", "@@service@@"),
    ("owner", "@@owner@@"),
    ("tier", "@@tier@@"),
    ("score", "@@score@@"),
    ("evaluated_on", "@@evaluated_on@@"),
];

/// The review's JSON cut at its placeholders: `parts[i]` is followed by the value of field
/// `fields[i]` (an index into [`PLACEHOLDERS`]), and the last part by nothing.
struct Template {
    parts: Vec<String>,
    fields: Vec<usize>,
}

impl Template {
    fn new(json: &str) -> Template {
        let (mut parts, mut fields) = (Vec::new(), Vec::new());
        let mut rest = json;
        loop {
            let next = PLACEHOLDERS
                .iter()
                .enumerate()
                .filter_map(|(i, (_, p))| rest.find(&format!("\"{p}\"")).map(|at| (at, i)))
                .min();
            let Some((at, i)) = next else { break };
            parts.push(rest[..at].to_owned());
            fields.push(i);
            rest = &rest[at + PLACEHOLDERS[i].1.len() + 2..];
        }
        parts.push(rest.to_owned());
        Template { parts, fields }
    }

    /// The JSON with each placeholder replaced by `values[field]` (JSON text).
    fn fill(&self, values: &[String; 5]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.parts.iter().map(String::len).sum::<usize>() + 128);
        for (i, part) in self.parts.iter().enumerate() {
            out.extend_from_slice(part.as_bytes());
            if let Some(&field) = self.fields.get(i) {
                out.extend_from_slice(values[field].as_bytes());
            }
        }
        out
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("bench-server: {message}");
    ExitCode::from(2)
}

pub fn bench_server(services: usize, reviews: usize, clients: usize) -> ExitCode {
    let root = root();
    let Some(bin) = crate::bench_binary(&root) else {
        return fail("release build failed");
    };

    let port = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(e) => return fail(e),
    };
    let dir = std::env::temp_dir().join(format!("launchgate-bench-pg-{port}"));
    let pg = Command::new("bash")
        .arg(root.join("scripts/test-postgres"))
        .arg(&dir)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut pg) = pg else {
        return fail("cannot run scripts/test-postgres");
    };
    let mut line = String::new();
    if let Some(out) = pg.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    // Closing its standard input (dropping the handle) stops the server and removes its files.
    let _pg = StopOnDrop(pg);
    let Some(base) = line.trim().strip_prefix("ready ") else {
        return fail("PostgreSQL did not start (run scripts/install-test-deps)");
    };
    let database = format!("{base}postgres");

    let lg = |args: &[&str]| {
        Command::new(&bin)
            .args(args)
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .env(
                "LAUNCHGATE_STORE",
                "/nonexistent/launchgate-bench/ledger.db",
            )
            .output()
    };
    let Ok(out) = lg(&[
        "token",
        "create",
        "--database",
        &database,
        "--team",
        "platform",
        "--role",
        "admin",
    ]) else {
        return fail("cannot create a token");
    };
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let Ok(out) = lg(&["check", "examples/payment-service", "--format", "json"]) else {
        return fail("cannot review examples/payment-service");
    };
    let Ok(review) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
        return fail("the review is not JSON");
    };

    let start_server = || -> Result<(Killed, String), String> {
        let child = Command::new(&bin)
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
            .spawn();
        let Ok(mut child) = child else {
            return Err("cannot start the server".to_owned());
        };
        let mut line = String::new();
        if let Some(err) = child.stderr.take() {
            let _ = BufReader::new(err).read_line(&mut line);
        }
        let child = Killed(child);
        match line
            .split("listening on ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
        {
            Some(url) => Ok((child, url.to_owned())),
            None => Err(format!("the server did not start: {line}")),
        }
    };
    let mut servers = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..2 {
        match start_server() {
            Ok((child, url)) => {
                servers.push(child);
                urls.push(url);
            }
            Err(e) => return fail(e),
        }
    }

    let total = services * reviews;
    let size = serde_json::to_vec(&review).map_or(0, |v| v.len());
    println!(
        "uploading {total} reviews ({services} services x {reviews}, {size} bytes each) from {clients} clients to 2 servers..."
    );
    // Every upload is the review with its own service, owner, tier, score and date: the JSON is
    // written once with placeholders, and each upload only fills them in (the clients share the
    // 2 cores with the servers and PostgreSQL, so they should cost as little as possible).
    let mut template = review.clone();
    for (field, placeholder) in PLACEHOLDERS {
        template[field] = serde_json::json!(placeholder);
    }
    let Ok(template) = serde_json::to_string(&template) else {
        return fail("cannot write the review");
    };
    let template = Arc::new(Template::new(&template));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let errors = Arc::new(Mutex::new(0usize));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (urls, template, token) = (urls.clone(), template.clone(), token.clone());
            let (latencies, errors) = (latencies.clone(), errors.clone());
            std::thread::spawn(move || {
                let agent = agent();
                // Review r of every service before review r + 1 of any: a fleet reviewed over time.
                for i in (c..total).step_by(clients) {
                    let (round, service) = (i / services, i % services);
                    let bytes = template.fill(&[
                        format!("\"svc-{service:04}\""),
                        format!("\"team-{:02}\"", service % 40),
                        format!("{}", service % 3),
                        format!("{:.1}", 60.0 + ((service * 7 + round * 3) % 40) as f64),
                        format!("\"2026-{:02}-{:02}\"", 1 + round % 12, 1 + service % 28),
                    ]);
                    let t = Instant::now();
                    let sent = agent
                        .post(&format!("{}/api/v1/reviews", urls[i % 2]))
                        .header("Authorization", &format!("Bearer {token}"))
                        .header("Idempotency-Key", &format!("bench-{i:08}"))
                        .header("Content-Type", "application/json")
                        .send(&bytes[..]);
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    match sent {
                        Ok(r) if r.status().as_u16() == 201 => {
                            if let Ok(mut l) = latencies.lock() {
                                l.push(ms);
                            }
                        }
                        _ => {
                            if let Ok(mut e) = errors.lock() {
                                *e += 1;
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_by(f64::total_cmp);
    let errors = errors.lock().map_or(0, |e| *e);
    println!();
    println!("| uploads | clients | errors | uploads/s | p50 (ms) | p99 (ms) | max (ms) |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {} | {clients} | {errors} | {:.0} | {:.1} | {:.1} | {:.1} |",
        lat.len(),
        lat.len() as f64 / elapsed,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0)
    );

    // Page times: the first request of a replica reads the whole ledger (cold), then warm ones.
    let pages = [
        "/".to_owned(),
        "/services/svc-0001".to_owned(),
        "/checks/CAP-007".to_owned(),
        "/owners/team-01".to_owned(),
        "/api/v1/services".to_owned(),
        "/api/v1/checks/failing".to_owned(),
    ];
    let agent = agent();
    let server_ms = |path: &str| -> Option<(f64, f64)> {
        let t = Instant::now();
        let mut r = agent.get(&format!("{}{path}", urls[0])).call().ok()?;
        let _ = r.body_mut().read_to_string();
        let wall = t.elapsed().as_secs_f64() * 1000.0;
        let timing = r.headers().get("server-timing")?.to_str().ok()?;
        let ms = timing.split("dur=").nth(1)?.parse::<f64>().ok()?;
        Some((ms, wall))
    };
    let cold = server_ms("/").map_or(0.0, |(ms, _)| ms);
    println!();
    println!("first request after the uploads (reads the new events): {cold:.0} ms");
    println!();
    println!("| page | server p50 (ms) | server max (ms) | wall p50 (ms) |");
    println!("|---|---|---|---|");
    for path in &pages {
        let mut server = Vec::new();
        let mut wall = Vec::new();
        for _ in 0..20 {
            if let Some((s, w)) = server_ms(path) {
                server.push(s);
                wall.push(w);
            }
        }
        server.sort_by(f64::total_cmp);
        wall.sort_by(f64::total_cmp);
        println!(
            "| `{path}` | {:.1} | {:.1} | {:.1} |",
            percentile(&server, 0.5),
            server.last().copied().unwrap_or(0.0),
            percentile(&wall, 0.5)
        );
    }

    // A replica starting cold on the whole ledger: how long until /readyz answers 200 (a build
    // that reads the ledger at start says not ready until then) and its first page is answered.
    let started = Instant::now();
    let (cold_server, url) = match start_server() {
        Ok(started) => started,
        Err(e) => return fail(e),
    };
    let listening = started.elapsed().as_secs_f64() * 1000.0;
    let ready = loop {
        let ok = agent
            .get(&format!("{url}/readyz"))
            .call()
            .is_ok_and(|r| r.status().as_u16() == 200);
        if ok {
            break started.elapsed().as_secs_f64() * 1000.0;
        }
        if started.elapsed() > Duration::from_mins(10) {
            return fail("the cold replica was not ready within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let first = agent
        .get(&format!("{url}/"))
        .call()
        .ok()
        .and_then(|r| {
            let timing = r.headers().get("server-timing")?.to_str().ok()?;
            timing.split("dur=").nth(1)?.parse::<f64>().ok()
        })
        .unwrap_or(0.0);
    let answered = started.elapsed().as_secs_f64() * 1000.0;
    println!();
    println!(
        "a replica started on the {total}-review ledger: listening after {listening:.0} ms, /readyz 200 after {ready:.0} ms, first `/` page (server time {first:.1} ms) answered after {answered:.0} ms"
    );
    drop(cold_server);
    drop(servers);
    ExitCode::SUCCESS
}
