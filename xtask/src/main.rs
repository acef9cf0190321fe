//! Project tasks.
//!
//! - `cargo xtask generate` writes `docs/checks.md`, `docs/checks/<ID>.md`, `docs/cli.md`, the
//!   manual pages under `docs/man/` and the JSON Schemas under `docs/schema/`; `--check` compares
//!   instead of writing and fails on drift.
//! - `cargo xtask bench` measures a manifest-only review through the real binary (process start
//!   included) and prints the figures recorded in `docs/performance.md`.
//! - `cargo xtask bench-server [SERVICES REVIEWS CLIENTS]` measures the fleet server: two
//!   replicas on one PostgreSQL, concurrent uploads, then dashboard page times.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

mod bench_server;
mod monorepo;

mod reference;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every generated file, by repository-relative path.
fn generated() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let metas: Vec<_> = launchgate_checks::builtin()
        .iter()
        .map(|c| c.meta())
        .collect();
    files.insert(
        "docs/checks.md".to_string(),
        launchgate_report::docs::checks_index(&metas),
    );
    for m in &metas {
        files.insert(
            format!("docs/checks/{}.md", m.id),
            launchgate_report::docs::check_page(m),
        );
    }
    files.insert("docs/cli.md".to_string(), launchgate::cli_reference());
    for (name, page) in launchgate::man_pages() {
        files.insert(format!("docs/man/{name}"), page);
    }
    files.insert(
        "docs/schema/manifest.schema.json".to_string(),
        launchgate_manifest::manifest_schema(),
    );
    files.insert(
        "docs/schema/policy.schema.json".to_string(),
        launchgate_manifest::policy_schema(),
    );
    files.insert(
        "docs/reference/manifest.md".to_string(),
        reference::reference(
            &launchgate_manifest::manifest_schema(),
            "Service manifest reference",
            "Every key of `launchgate.yaml`. The guide with examples and the rules behind each key is\n[docs/manifest.md](../manifest.md); `launchgate schema` prints the JSON Schema for editors.",
        ),
    );
    files.insert(
        "docs/schema/rego-input.schema.json".to_string(),
        launchgate_rego::input::schema(),
    );
    files.insert(
        "docs/reference/rego-input.md".to_string(),
        reference::reference(
            &launchgate_rego::input::schema(),
            "Rego check input reference",
            "What a custom check written in Rego receives as `input` (contract version 1): the evidence\nmodel with locations. The guide is [docs/custom-checks.md](../custom-checks.md);\n`launchgate evidence PATH` prints it for a repository, `launchgate schema rego-input` prints the\nJSON Schema.",
        ),
    );
    files.insert(
        "docs/reference/policy.md".to_string(),
        reference::reference(
            &launchgate_manifest::policy_schema(),
            "Policy reference",
            "Every key of a policy file (`--policy FILE`) and of the manifest's `policy:` section (except\n`approvers` and `override_roles`, which only the organisation policy file may set). The guide is\n[docs/manifest.md](../manifest.md#policy); `launchgate schema policy` prints the JSON Schema.",
        ),
    );
    files
}

fn generate(check: bool) -> ExitCode {
    let root = root();
    let files = generated();
    let mut stale = Vec::new();
    for (rel, content) in &files {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == *content {
            continue;
        }
        if check {
            stale.push(rel.clone());
        } else {
            if let Some(dir) = path.parent()
                && let Err(e) = std::fs::create_dir_all(dir)
            {
                eprintln!("cannot create {}: {e}", dir.display());
                return ExitCode::from(2);
            }
            if let Err(e) = std::fs::write(&path, content) {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
            println!("wrote {rel}");
        }
    }
    // Pages of checks and commands that no longer exist are stale too.
    for folder in ["docs/checks", "docs/man"] {
        let Ok(dir) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in dir.flatten() {
            let rel = format!("{folder}/{}", entry.file_name().to_string_lossy());
            if !files.contains_key(&rel) {
                if check {
                    stale.push(rel);
                } else if std::fs::remove_file(entry.path()).is_ok() {
                    println!("removed {rel}");
                }
            }
        }
    }
    if stale.is_empty() {
        if check {
            println!("generated docs are up to date ({} files)", files.len());
        }
        ExitCode::SUCCESS
    } else {
        eprintln!("generated docs are stale; run `cargo xtask generate` and commit:");
        for s in stale {
            eprintln!("  {s}");
        }
        ExitCode::from(1)
    }
}

/// The binary a benchmark times: `LAUNCHGATE_BENCH_BIN` when set (a copy of an earlier build,
/// to compare two builds side by side in one run of the machine), else this tree's release
/// build, built first. `None` when that build fails.
pub(crate) fn bench_binary(root: &Path) -> Option<PathBuf> {
    let bin = if let Some(bin) = std::env::var_os("LAUNCHGATE_BENCH_BIN") {
        PathBuf::from(bin)
    } else {
        println!("building the release binary...");
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "-p", "launchgate"])
            .current_dir(root)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
        root.join("target/release/launchgate")
    };
    println!("benchmarking {}", bin.display());
    Some(bin)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn bench() -> ExitCode {
    let root = root();
    let Some(bin) = bench_binary(&root) else {
        eprintln!("release build failed");
        return ExitCode::from(2);
    };
    let example = root.join("examples/payment-service");
    let runs = 200;
    for format in ["terminal", "json", "markdown"] {
        let mut times = Vec::with_capacity(runs);
        let mut peak_kib = 0u64;
        for i in 0..runs + 10 {
            let start = Instant::now();
            let out = Command::new("/usr/bin/time")
                .args(["-f", "%M"])
                .arg(&bin)
                .args(["check", "--today", "2026-11-22", "--format", format])
                .arg(&example)
                .output();
            let elapsed = start.elapsed();
            let Ok(out) = out else {
                eprintln!("cannot run {} under /usr/bin/time", bin.display());
                return ExitCode::from(2);
            };
            if i >= 10 {
                times.push(elapsed);
                let rss = String::from_utf8_lossy(&out.stderr);
                if let Some(k) = rss
                    .lines()
                    .last()
                    .and_then(|l| l.trim().parse::<u64>().ok())
                {
                    peak_kib = peak_kib.max(k);
                }
            }
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / u32::try_from(times.len()).unwrap_or(1);
        println!(
            "manifest-only review, --format {format:<8} runs {runs}: mean {:.2} ms, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms, peak RSS {:.1} MiB (includes /usr/bin/time wrapper start)",
            mean.as_secs_f64() * 1e3,
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.95).as_secs_f64() * 1e3,
            times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            peak_kib as f64 / 1024.0
        );
    }
    ExitCode::SUCCESS
}

/// Walks `root` and reads every file's bytes with `threads` threads: the floor any scan has to
/// pay. Returns (files, bytes).
fn read_everything(root: &Path, threads: usize) -> (u64, u64) {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                dirs.push(e.path());
            } else if t.is_file() {
                files.push(e.path());
            }
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let bytes = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(p) = files.get(i) else { break };
                    if let Ok(b) = std::fs::read(p) {
                        bytes.fetch_add(b.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    (files.len() as u64, bytes.into_inner())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Writes `count` custom Rego checks (five organisation-rule shapes, each over a different part
/// of the evidence: every object, resource, rule or dependency is visited) and a policy file
/// loading them; returns the policy file. The rules pass on the synthetic tree, as most rules of
/// an organisation do on most services: the figure is the cost of evaluating them, not of
/// reporting thousands of findings.
fn bench_custom_checks(dir: &std::path::Path, count: usize) -> std::io::Result<std::path::PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let bodies = [
        (
            "kubernetes",
            "some o in input.kubernetes\n\to.kind == \"Deployment\"\n\to.labels[\"team\"] == \"retired-N\"\n\tf := {\"message\": sprintf(\"%s belongs to retired team N\", [o.name]), \"path\": o.path, \"line\": o.line}",
        ),
        (
            "kubernetes",
            "some o in input.kubernetes\n\to.kind == \"Ingress\"\n\tnot startswith(object.get(o.annotations, \"waf.acme.dev/policy\", \"standard\"), \"s\")\n\tf := {\"message\": sprintf(\"%s has WAF policy N off\", [o.name]), \"path\": o.path, \"line\": o.line}",
        ),
        (
            "terraform",
            "some r in input.terraform\n\tstartswith(r.type, \"aws_\")\n\tr.attributes[\"bench_N\"] == true\n\tf := {\"message\": sprintf(\"%s sets bench_N\", [r.address]), \"path\": r.path, \"line\": r.line}",
        ),
        (
            "alerts",
            "some a in input.alerts\n\ta.kind == \"alert\"\n\tcontains(a.expr, \"deprecated_metric_N\")\n\tf := {\"message\": sprintf(\"%s reads deprecated_metric_N\", [a.name]), \"path\": a.path, \"line\": a.line}",
        ),
        (
            "dependencies",
            "some d in input.dependencies\n\td.name == \"deprecated-N\"\n\tf := {\"message\": d.name, \"path\": d.path, \"line\": d.line}",
        ),
    ];
    let mut policy = String::from("custom_checks:\n");
    for i in 1..=count {
        let (kind, body) = bodies[(i - 1) % bodies.len()];
        let body = body.replace('N', &i.to_string());
        let text = format!(
            "package bench.c{i}\n\nmetadata := {{\n\t\"id\": \"BENCH-{i:03}\",\n\t\"slug\": \"bench-{i}\",\n\t\"category\": \"operations\",\n\t\"severity\": \"minor\",\n\t\"tiers\": [\"recommended\", \"recommended\", \"recommended\"],\n\t\"summary\": \"Benchmark check {i}.\",\n\t\"evidence\": [\"{kind}\"],\n}}\n\nfindings contains f if {{\n\t{body}\n}}\n"
        );
        let name = format!("bench_{i:03}.rego");
        std::fs::write(dir.join(&name), text)?;
        policy.push_str("  - ");
        policy.push_str(&name);
        policy.push('\n');
    }
    let path = dir.join("policy.yaml");
    std::fs::write(&path, policy)?;
    Ok(path)
}

/// `cargo xtask bench-scan [--custom-checks N] [SCALE...]`: the Evidence I benchmark on the
/// synthetic monorepo (`LAUNCHGATE_BENCH_BIN=PATH` times that binary instead of a fresh build);
/// with `--custom-checks N`, each review is also timed with N custom Rego
/// checks loaded (the `custom (s)` and `+%` columns).
fn bench_scan(scales: &[usize], custom: Option<usize>) -> ExitCode {
    let root = root();
    let Some(bin) = bench_binary(&root) else {
        eprintln!("release build failed");
        return ExitCode::from(2);
    };
    let custom_policy = match custom {
        Some(n) => match bench_custom_checks(&root.join("target/bench/custom-checks"), n) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("cannot write the custom checks: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    println!(
        "scale  files    MiB      read-all (s)  review (s)  ratio  peak RSS (MiB){}   [{threads} threads, median of 5 warm runs]",
        if custom.is_some() {
            "  custom (s)  +%"
        } else {
            ""
        }
    );
    for &scale in scales {
        let dir = root.join(format!("target/bench/monorepo-{scale}x"));
        let stamp = dir.join(".generator");
        let want = format!("{}\n", monorepo::GENERATOR_VERSION);
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(want.as_str()) {
            let _ = std::fs::remove_dir_all(&dir);
            match monorepo::generate(&dir, scale) {
                Ok(st) => println!(
                    "generated {}: {} files, {} bytes",
                    dir.display(),
                    st.files,
                    st.bytes
                ),
                Err(e) => {
                    eprintln!("cannot generate {}: {e}", dir.display());
                    return ExitCode::from(2);
                }
            }
            let _ = std::fs::write(&stamp, &want);
        }
        // Warm the page cache once, so both measurements read from memory.
        let (files, bytes) = read_everything(&dir, threads);
        let mut reads = Vec::new();
        let mut reviews = Vec::new();
        let mut peak_kib = 0u64;
        let mut customs = Vec::new();
        for _ in 0..5 {
            if let Some(policy) = &custom_policy {
                let t = Instant::now();
                let out = Command::new(&bin)
                    .args([
                        "check",
                        "--today",
                        "2026-11-22",
                        "--format",
                        "json",
                        "-o",
                        "/dev/null",
                        "--policy",
                    ])
                    .arg(policy)
                    .arg(&dir)
                    .output();
                customs.push(t.elapsed().as_secs_f64());
                if !out.is_ok_and(|o| o.status.success() || o.status.code() == Some(1)) {
                    eprintln!("review with custom checks failed");
                    return ExitCode::from(2);
                }
            }
            let t = Instant::now();
            let _ = read_everything(&dir, threads);
            reads.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let out = Command::new("/usr/bin/time")
                .args(["-f", "%M"])
                .arg(&bin)
                .args([
                    "check",
                    "--today",
                    "2026-11-22",
                    "--format",
                    "json",
                    "-o",
                    "/dev/null",
                ])
                .arg(&dir)
                .output();
            reviews.push(t.elapsed().as_secs_f64());
            let Ok(out) = out else {
                eprintln!("cannot run {} under /usr/bin/time", bin.display());
                return ExitCode::from(2);
            };
            if !out.status.success() && out.status.code() != Some(1) {
                eprintln!("review failed: {}", String::from_utf8_lossy(&out.stderr));
                return ExitCode::from(2);
            }
            let rss = String::from_utf8_lossy(&out.stderr);
            if let Some(k) = rss
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(k);
            }
        }
        let (read, review) = (median(reads), median(reviews));
        let extra = if customs.is_empty() {
            String::new()
        } else {
            let c = median(customs);
            format!("  {c:>10.3}  {:>+4.1}", (c / review - 1.0) * 100.0)
        };
        println!(
            "{scale:>4}x  {files:>7}  {:>7.1}  {read:>12.3}  {review:>10.3}  {:>5.1}  {:>14.1}{extra}",
            bytes as f64 / 1_048_576.0,
            review / read,
            peak_kib as f64 / 1024.0
        );
    }
    ExitCode::SUCCESS
}

fn bench_scan_args(scales: &[&str], custom: Option<usize>) -> ExitCode {
    let parsed: Option<Vec<usize>> = scales
        .iter()
        .map(|s| s.trim_end_matches('x').parse().ok())
        .collect();
    match parsed {
        Some(v) if v.is_empty() => bench_scan(&[1, 4, 16], custom),
        Some(v) => bench_scan(&v, custom),
        None => {
            eprintln!("usage: cargo xtask bench-scan [--custom-checks N] [SCALE...], e.g. 1 4 16");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate"] => generate(false),
        ["generate", "--check"] => generate(true),
        ["bench"] => bench(),
        ["bench-server", rest @ ..] => {
            let n: Vec<usize> = rest.iter().filter_map(|s| s.parse().ok()).collect();
            bench_server::bench_server(
                n.first().copied().unwrap_or(1000),
                n.get(1).copied().unwrap_or(30),
                n.get(2).copied().unwrap_or(32),
            )
        }
        ["bench-scan", "--custom-checks", n, scales @ ..] => match n.parse() {
            Ok(n) => bench_scan_args(scales, Some(n)),
            Err(_) => {
                eprintln!("usage: cargo xtask bench-scan [--custom-checks N] [SCALE...]");
                ExitCode::from(2)
            }
        },
        ["bench-scan", scales @ ..] => bench_scan_args(scales, None),
        _ => {
            eprintln!(
                "usage: cargo xtask generate [--check] | cargo xtask bench | cargo xtask bench-scan [--custom-checks N] [SCALE...] | cargo xtask bench-server [SERVICES REVIEWS CLIENTS]"
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// The committed docs and schemas match what the code generates (run `cargo xtask generate`).
    #[test]
    fn generated_docs_are_committed_and_current() {
        let root = super::root();
        let mut stale = Vec::new();
        for (rel, content) in super::generated() {
            if std::fs::read_to_string(root.join(&rel)).unwrap_or_default() != content {
                stale.push(rel);
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated docs (run `cargo xtask generate`): {stale:?}"
        );
    }
}
