//! What `init` shows and writes: the summary of the answers on stderr, the next steps, and
//! the commented manifest itself.

use std::fmt::Write as _;
use std::path::Path;

use super::ask::{dim, say};
use super::{Answers, Choice, DATA, EXPOSURES, KINDS, SCOPES, STAGES, TIERS};

/// The answers as stderr lines: field, value and where it came from.
pub(super) fn summary(a: &Answers, wrote: Option<&str>) {
    let mut out = String::from("\n");
    match wrote {
        Some(path) => {
            let _ = writeln!(out, "Wrote {path}:");
        }
        None => out.push_str("The manifest:\n"),
    }
    for (field, value, from) in &a.sources {
        let value = if value.chars().count() > 40 {
            let cut: String = value.chars().take(39).collect();
            format!("{cut}…")
        } else {
            value.clone()
        };
        if from.is_empty() {
            let _ = writeln!(out, "  {field:<13} {value}");
        } else {
            let _ = writeln!(out, "  {field:<13} {value:<40}  {}", dim(from));
        }
    }
    let deps: Vec<String> = a
        .dependencies
        .iter()
        .map(|d| format!("{} ({})", d.name, d.kind))
        .collect();
    let _ = writeln!(
        out,
        "  {:<13} {}",
        "dependencies",
        if deps.is_empty() {
            "none".to_string()
        } else {
            deps.join(", ")
        }
    );
    say(&out);
}

pub(super) fn next_steps(a: &Answers, path: &Path, shown: &str, printed: bool) {
    let check = if path == Path::new(".") {
        "launchgate check".to_string()
    } else {
        format!("launchgate check {}", path.to_string_lossy())
    };
    let first = if printed {
        format!("Save it as {shown}, then review it")
    } else {
        format!("Review {shown}")
    };
    say(&format!(
        "\nNext:\n  1. {first}: declare under `claims:` what the repository cannot show (backups, on-call, load tests), and your SLOs (docs/manifest.md).\n  2. Run `{check}` to review {}.\n",
        a.service
    ));
}

/// A YAML scalar: plain when that reads back as the same string, else double-quoted.
fn scalar(s: &str) -> String {
    const RESERVED: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ];
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._/@+-()".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn help_lines(out: &mut String, list: &[Choice]) {
    let width = list.iter().map(|c| c.key.len()).max().unwrap_or(0);
    for c in list {
        let _ = writeln!(out, "#   {:<width$}  {}", c.key, c.help);
    }
}

/// The commented manifest.
pub(super) fn render(a: &Answers) -> String {
    // The first line tells yaml-language-server (VS Code's YAML extension and others) which
    // schema completes and checks this file.
    let mut o = format!(
        "# yaml-language-server: $schema={}\n",
        launchgate_manifest::MANIFEST_SCHEMA_URL
    );
    o.push_str(
        "# launchgate service manifest, written by `launchgate init`.\n\
         # Reference: docs/manifest.md; `launchgate schema` prints the JSON Schema for editors.\n\
         # Review every answer, then run `launchgate check`.\n\
         version: 1\n\n\
         # The service's name, as used in reports.\n",
    );
    let _ = writeln!(o, "service: {}", scalar(&a.service));
    match &a.description {
        Some(d) => {
            let _ = writeln!(
                o,
                "# One line on what the service does.\ndescription: {}",
                scalar(d)
            );
        }
        None => o.push_str("# One line on what the service does.\n# description: ...\n"),
    }
    o.push_str("\n# What is being reviewed:\n");
    help_lines(&mut o, SCOPES);
    let _ = writeln!(o, "scope: {}", a.scope);
    o.push_str("\n# Criticality; it selects which checks are required, recommended or skipped:\n");
    help_lines(&mut o, TIERS);
    let _ = writeln!(o, "tier: {}", a.tier);
    o.push_str("\n# The owning team (compared with CODEOWNERS and catalog-info.yaml).\n");
    match &a.owner {
        Some(owner) => {
            let _ = writeln!(o, "owner: {}", scalar(owner));
        }
        None => o.push_str("# owner: team-name\n"),
    }
    o.push_str("\n# Who notices when the service fails:\n");
    help_lines(&mut o, EXPOSURES);
    let _ = writeln!(o, "exposure: {}", a.exposure);
    o.push_str(
        "\n# The most sensitive data the service stores (none and ephemeral skip the data-safety checks):\n",
    );
    help_lines(&mut o, DATA);
    let _ = writeln!(o, "data: {}", a.data);
    o.push_str("\n# The deployment stage this review is for:\n");
    help_lines(&mut o, STAGES);
    let _ = writeln!(o, "stage: {}", a.stage);

    o.push_str(
        "\n# Timeouts in milliseconds: the service's own request timeout must fit inside its caller's,\n\
         # and every dependency call (attempts x timeout + backoff) inside the request timeout (SAF-001).\n",
    );
    for (key, v) in [
        ("request_timeout_ms", a.request_timeout_ms),
        ("caller_timeout_ms", a.caller_timeout_ms),
    ] {
        if let Some(ms) = v {
            let _ = writeln!(o, "{key}: {ms}");
        } else {
            let example = if key == "request_timeout_ms" {
                3000
            } else {
                10000
            };
            let _ = writeln!(o, "# {key}: {example}");
        }
    }

    o.push_str("\n# Everything the service calls. kind:\n");
    help_lines(&mut o, KINDS);
    o.push_str(
        "# Per dependency, optionally: timeout_ms (one attempt), retries (after the first attempt),\n\
         # backoff {initial_ms, multiplier, max_ms, jitter}, circuit_breaker (external calls),\n\
         # fallback, dead_letter_queue (queues), pool_size (databases and caches).\n",
    );
    if a.dependencies.is_empty() {
        o.push_str("dependencies: []\n");
    } else {
        o.push_str("dependencies:\n");
    }
    for d in &a.dependencies {
        if let Some(from) = &d.from {
            let _ = writeln!(o, "  # found: {}", from.replace('\n', " "));
        }
        let _ = writeln!(o, "  - name: {}\n    kind: {}", scalar(&d.name), d.kind);
        if let Some(t) = d.timeout_ms {
            let _ = writeln!(o, "    timeout_ms: {t}");
        }
        if let Some(r) = d.retries {
            let _ = writeln!(o, "    retries: {r}");
        }
        if let Some(cb) = d.circuit_breaker {
            let _ = writeln!(o, "    circuit_breaker: {cb}");
        }
        if let Some(q) = &d.dead_letter_queue {
            let _ = writeln!(o, "    dead_letter_queue: {}", scalar(q));
        }
    }

    scope_sections(&mut o, a);

    o.push_str(
        "\n# Service level objectives (OBS-010 wants an availability and a latency SLO), e.g.:\n\
         # slos:\n\
         #   - name: availability\n\
         #     objective: 99.9\n\
         #     window: 28d\n\
         #   - name: latency\n\
         #     objective: 99\n\
         #     window: 28d\n\
         #     latency: {threshold_ms: 300, percentile: 99}\n\
         \n\
         # Facts the repository cannot show, declared by the team and verified where the repository\n\
         # can (backups, on-call, escalation, load tests, ...); every key is in docs/manifest.md, e.g.:\n\
         # claims:\n\
         #   structured_logging: true\n\
         #   oncall: {rotation: my-team-primary, trained: true}\n",
    );
    o
}

/// `select:` for the chosen service of a repository of several, and what the default scope
/// rules leave out, as a commented `scan:` section to edit.
fn scope_sections(o: &mut String, a: &Answers) {
    if let Some(c) = &a.select {
        o.push_str(
            "\n# This repository holds several services; these parts are this one's, and everything else\n\
             # counts neither for nor against it (docs/scanning.md, \"Monorepos\").\n\
             select:\n",
        );
        let list = |items: &[String]| {
            items
                .iter()
                .map(|i| scalar(i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !c.workloads.is_empty() {
            let _ = writeln!(o, "  workloads: [{}]", list(&c.workloads));
        }
        if !c.images.is_empty() {
            let _ = writeln!(o, "  images: [{}]", list(&c.images));
        }
        let _ = writeln!(o, "  source: [{}]", scalar(&c.source));
    }
    o.push_str(
        "\n# Examples, tests, test data, fixtures, vendored code and generated docs are out of scope\n\
         # (read for secrets only; docs/scanning.md, \"Scope\").",
    );
    if a.excluded.is_empty() {
        o.push('\n');
    } else {
        o.push_str(" Here:\n");
        for e in &a.excluded {
            let _ = writeln!(o, "#   {}", e.replace('\n', " "));
        }
    }
    o.push_str(
        "# scan:\n\
         #   include: [\"examples/production/**\"]   # review these anyway\n\
         #   exclude: [\"legacy/**\"]                # and leave these out too\n",
    );
}
