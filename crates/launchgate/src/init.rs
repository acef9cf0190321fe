//! `launchgate init`: writes a commented `launchgate.yaml` for a repository.
//!
//! The questions are the ones a readiness review starts with (seed 003, "Understand the
//! service"): what the service is, how critical (tier 0/1/2), who notices a failure (exposure),
//! what data is at stake, the deployment stage, the owner and the dependencies. Answers are
//! prefilled from the real scan of the repository (see [`detect`]). In a terminal each question
//! is asked on stderr and answered on stdin, one line at a time; `--yes` and flags answer
//! without asking. The manifest is validated with [`ServiceManifest::parse`] before it is
//! written, and an existing one is only replaced with `--force`.

mod ask;
mod detect;
mod render;

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use clap::builder::{PossibleValue, PossibleValuesParser};
use launchgate_evidence::{Evidence, ScanOptions};
use launchgate_manifest::{MANIFEST_FILE, ServiceManifest, SourceFile};

use self::ask::{Prompt, say};
use self::detect::{Detected, FoundDep, Hint};
use self::render::{next_steps, render, summary};
use crate::{Failure, GlobalArgs, note, write_stdout};

/// One allowed answer to a question, with what it means.
#[derive(Debug, Clone, Copy)]
struct Choice {
    key: &'static str,
    help: &'static str,
}

const fn c(key: &'static str, help: &'static str) -> Choice {
    Choice { key, help }
}

const TIERS: &[Choice] = &[
    c(
        "0",
        "core revenue: an outage loses money or stops customers (payments, checkout, login)",
    ),
    c(
        "1",
        "important: an outage hurts users or other teams, and a workaround exists",
    ),
    c("2", "nice to have: an outage is an inconvenience"),
];

const SCOPES: &[Choice] = &[
    c("service", "a whole service"),
    c("feature", "one feature inside a service"),
    c(
        "infrastructure",
        "shared infrastructure (a cluster, a network, a gateway)",
    ),
    c("database", "a database"),
];

const EXPOSURES: &[Choice] = &[
    c(
        "public",
        "customers notice: reachable from the internet (lost revenue, user-visible errors)",
    ),
    c(
        "internal",
        "only people and systems inside the organisation notice",
    ),
];

const DATA: &[Choice] = &[
    c("none", "stores nothing"),
    c(
        "ephemeral",
        "caches and state that can be rebuilt: losing it costs time, not data",
    ),
    c(
        "persistent",
        "data that must survive: losing it is data loss (backups and restores are checked)",
    ),
    c(
        "personal",
        "personal data (PII): a leak is a privacy breach",
    ),
    c(
        "financial",
        "payments or money: a loss or leak is a financial and security incident",
    ),
];

const STAGES: &[Choice] = &[
    c("dev", "in development"),
    c("staging", "in a pre-production environment"),
    c("canary", "serving a share of production traffic"),
    c("production", "serving all production traffic"),
];

const KINDS: &[Choice] = &[
    c("database", "a database"),
    c("cache", "a cache (Redis, Memcached)"),
    c("queue", "a queue or stream (SQS, Kafka, RabbitMQ)"),
    c("http", "an HTTP API of another service"),
    c("grpc", "a gRPC service"),
    c(
        "third-party",
        "an external provider's API (payments, email, maps)",
    ),
];

fn choices(list: &'static [Choice]) -> PossibleValuesParser {
    PossibleValuesParser::new(list.iter().map(|c| PossibleValue::new(c.key).help(c.help)))
}

fn keys(list: &[Choice]) -> String {
    let keys: Vec<&str> = list.iter().map(|c| c.key).collect();
    keys.join(", ")
}

/// The allowed answer `s` names: a key, case-insensitively, or the start of exactly one key.
fn lookup(list: &'static [Choice], s: &str) -> Option<&'static str> {
    let s = s.trim().to_ascii_lowercase();
    if s.is_empty() {
        return None;
    }
    if let Some(c) = list.iter().find(|c| c.key == s) {
        return Some(c.key);
    }
    let mut starts = list.iter().filter(|c| c.key.starts_with(&s));
    match (starts.next(), starts.next()) {
        (Some(c), None) => Some(c.key),
        _ => None,
    }
}

/// A dependency given as `KIND:NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DepSpec {
    kind: &'static str,
    name: String,
}

fn parse_dependency(s: &str) -> Result<DepSpec, String> {
    let (kind, name) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}` is not KIND:NAME, e.g. `database:orders-db`"))?;
    let kind = lookup(KINDS, kind).ok_or_else(|| {
        format!(
            "`{}` is not a dependency kind; allowed: {}",
            kind.trim(),
            keys(KINDS)
        )
    })?;
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(format!("`{s}` has no name after the `:`"));
    }
    Ok(DepSpec {
        kind,
        name: name.to_string(),
    })
}

fn positive_ms(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a positive number of milliseconds"))
}

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The service's repository: it is scanned for answers, and the manifest is written there.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The service's name, as used in reports.
    #[arg(long, value_name = "NAME")]
    service: Option<String>,
    /// What is being reviewed.
    #[arg(long, value_parser = choices(SCOPES))]
    scope: Option<String>,
    /// One line on what the service does.
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// Criticality, which selects how strict each check is.
    #[arg(long, value_parser = choices(TIERS))]
    tier: Option<String>,
    /// Who notices when the service fails.
    #[arg(long, value_parser = choices(EXPOSURES))]
    exposure: Option<String>,
    /// The most sensitive data the service stores.
    #[arg(long, value_parser = choices(DATA))]
    data: Option<String>,
    /// The deployment stage the review is for.
    #[arg(long, value_parser = choices(STAGES))]
    stage: Option<String>,
    /// The owning team.
    #[arg(long, value_name = "TEAM")]
    owner: Option<String>,
    /// A dependency as KIND:NAME (database, cache, queue, http, grpc, third-party), e.g.
    /// `database:orders-db`; repeat for more. Replaces the detected dependencies.
    #[arg(long = "dependency", value_name = "KIND:NAME", value_parser = parse_dependency)]
    dependencies: Vec<DepSpec>,
    /// Declare no dependencies, whatever the scan finds.
    #[arg(long, conflicts_with = "dependencies")]
    no_dependencies: bool,
    /// The service's own request timeout, in milliseconds.
    #[arg(long, value_name = "MS", value_parser = positive_ms)]
    request_timeout_ms: Option<u64>,
    /// The caller's or gateway's timeout, in milliseconds.
    #[arg(long, value_name = "MS", value_parser = positive_ms)]
    caller_timeout_ms: Option<u64>,
    /// Do not ask: take the flags, then the detected values, then the defaults (tier 1,
    /// exposure public, stage production).
    #[arg(long, short)]
    yes: bool,
    /// Replace an existing launchgate.yaml.
    #[arg(long)]
    force: bool,
    /// Print the manifest on standard output instead of writing PATH/launchgate.yaml.
    #[arg(long)]
    stdout: bool,
    /// Do not scan the repository: nothing is detected, answers come from flags and defaults.
    #[arg(long)]
    no_scan: bool,
    /// In a repository of several services, review it whole, as one system, instead of one
    /// service chosen with --service.
    #[arg(long, conflicts_with = "no_scan")]
    whole_repository: bool,
}

/// A dependency as it will be written.
#[derive(Debug, Clone)]
struct DepAnswer {
    name: String,
    kind: &'static str,
    dead_letter_queue: Option<String>,
    /// Where the scan found it.
    from: Option<String>,
    timeout_ms: Option<u64>,
    retries: Option<u32>,
    circuit_breaker: Option<bool>,
}

impl DepAnswer {
    fn found(d: FoundDep) -> DepAnswer {
        DepAnswer {
            name: d.name,
            kind: d.kind,
            dead_letter_queue: d.dead_letter_queue,
            from: Some(d.from),
            timeout_ms: None,
            retries: None,
            circuit_breaker: None,
        }
    }

    fn given(spec: &DepSpec) -> DepAnswer {
        DepAnswer {
            name: spec.name.clone(),
            kind: spec.kind,
            dead_letter_queue: None,
            from: None,
            timeout_ms: None,
            retries: None,
            circuit_breaker: None,
        }
    }

    fn is_external(&self) -> bool {
        matches!(self.kind, "http" | "grpc" | "third-party")
    }
}

/// Every answer, with where it came from (for the summary).
#[derive(Debug, Clone)]
struct Answers {
    service: String,
    scope: &'static str,
    description: Option<String>,
    tier: &'static str,
    exposure: &'static str,
    data: &'static str,
    stage: &'static str,
    owner: Option<String>,
    request_timeout_ms: Option<u64>,
    caller_timeout_ms: Option<u64>,
    dependencies: Vec<DepAnswer>,
    /// `(field, value, source)` in manifest order.
    sources: Vec<(&'static str, String, String)>,
    /// In a repository of several services, the chosen one's parts (`select:`).
    select: Option<detect::Candidate>,
    /// What the default scope rules leave out: `examples/ (default: examples)`.
    excluded: Vec<String>,
}

/// Runs `launchgate init`.
pub(crate) fn run(args: &InitArgs, global: GlobalArgs) -> Result<ExitCode, Failure> {
    if !args.path.is_dir() {
        return Err(Failure::Message(format!(
            "{} is not a directory: give the service's repository",
            args.path.display()
        )));
    }
    let target = args.path.join(MANIFEST_FILE);
    let shown = shown_path(&args.path);
    if !args.stdout && target.exists() && !args.force {
        return Err(exists(&shown));
    }
    let interactive = !args.yes && std::io::stdin().is_terminal();
    let required_flags = args.service.is_some()
        && args.tier.is_some()
        && args.exposure.is_some()
        && args.data.is_some();
    if !interactive && !args.yes && !required_flags {
        return Err(Failure::Message(
            "standard input is not a terminal, so `launchgate init` cannot ask its questions: pass --yes to accept the detected and default values, or answer with flags (at least --service, --tier, --exposure and --data; see `launchgate init --help`)".to_string(),
        ));
    }

    let (detected, select, excluded) = if args.no_scan {
        let d = Detected {
            service: detect::directory_name(&args.path),
            ..Detected::default()
        };
        (d, None, Vec::new())
    } else {
        let files = Arc::new(AtomicUsize::new(0));
        let options = ScanOptions {
            progress: Some(files.clone()),
            ..ScanOptions::default()
        };
        let evidence: Evidence =
            crate::progress::scan(&args.path, &options, &files, global.quiet, global.verbose)?;
        let excluded: Vec<String> = evidence
            .scope
            .excluded
            .iter()
            .map(|e| format!("{} ({})", e.path, e.rule))
            .collect();
        let candidates = detect::services(&evidence);
        match choose_service(args, &candidates, interactive)? {
            Some(c) => {
                // Detect again on this service's parts only: its own libraries and datastores.
                let selection = launchgate_manifest::Selection {
                    workloads: c.workloads.clone(),
                    images: c.images.clone(),
                    source: vec![c.source.clone()],
                    ..launchgate_manifest::Selection::default()
                };
                let options = ScanOptions::default().with_selection(Some(&selection));
                let own = launchgate_evidence::scan(&args.path, &options)
                    .map_err(|e| Failure::Message(e.to_string()))?
                    .select(&selection);
                let mut d = detect::detect(&own, &args.path);
                d.service = Some(Hint {
                    value: c.name.clone(),
                    from: format!("the service in {}", c.source),
                });
                (d, Some(c), excluded)
            }
            None => (detect::detect(&evidence, &args.path), None, excluded),
        }
    };
    if !global.quiet
        && let Some(owner) = &detected.owner
    {
        for other in &detected.other_owners {
            note(&format!(
                "note: {} names owner `{}`, {} names `{}`; suggesting `{}`",
                owner.from, owner.value, other.from, other.value, owner.value
            ));
        }
    }

    let answers = if interactive {
        let stdin = std::io::stdin();
        let mut prompt = Prompt {
            input: stdin.lock(),
        };
        let answers = ask::ask(&mut prompt, args, &detected)?;
        summary(&answers, None);
        let verb = if args.stdout { "Print" } else { "Write" };
        let what = if args.stdout {
            "the manifest".to_string()
        } else {
            shown.clone()
        };
        if !prompt.confirm(&format!("{verb} {what}?"), true)? {
            return Err(Failure::Message(
                "cancelled: nothing was written".to_string(),
            ));
        }
        answers
    } else {
        answer_from_flags(args, &detected)
    };
    let answers = Answers {
        select,
        excluded,
        ..answers
    };

    let text = render(&answers);
    // The file must be one `launchgate check` accepts; a failure here is a bug, reported with
    // the generated text as the source, and nothing is written.
    if let Err(errors) = ServiceManifest::parse(SourceFile::new(shown.clone(), text.clone())) {
        note(&format!(
            "error: the manifest for these answers does not validate, so {shown} was not written:"
        ));
        return Err(Failure::Config(errors));
    }
    if args.stdout {
        write_stdout(&text)?;
    } else {
        write_manifest(&target, &shown, &text, args.force)?;
    }
    if !global.quiet {
        if !interactive {
            summary(&answers, Some(shown.as_str()).filter(|_| !args.stdout));
        } else if !args.stdout {
            say(&format!("\nWrote {shown}.\n"));
        }
        next_steps(&answers, &args.path, &shown, args.stdout);
    }
    Ok(ExitCode::SUCCESS)
}

/// `PATH/launchgate.yaml` as the user would write it (`launchgate.yaml` for `.`).
fn shown_path(path: &Path) -> String {
    if path == Path::new(".") || path.as_os_str().is_empty() {
        MANIFEST_FILE.to_string()
    } else {
        path.join(MANIFEST_FILE)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

fn exists(shown: &str) -> Failure {
    Failure::Message(format!(
        "{shown} already exists: pass --force to replace it, or --stdout to print the new manifest instead"
    ))
}

/// Writes the manifest: without `force` only if no file is there (checked by the create
/// itself), with `force` through a temporary file renamed over the old one.
fn write_manifest(target: &Path, shown: &str, text: &str, force: bool) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::Message(format!("cannot write {shown}: {e}"));
    if force {
        let tmp = target.with_file_name(format!(".{MANIFEST_FILE}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, target))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                fail(e)
            })
    } else {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    exists(shown)
                } else {
                    fail(e)
                }
            })?;
        file.write_all(text.as_bytes()).map_err(fail)
    }
}

/// The answers without asking: flags first, then what the scan found, then defaults.
fn answer_from_flags(args: &InitArgs, d: &Detected) -> Answers {
    let mut sources = Vec::new();
    let mut pick = |field: &'static str,
                    flag: Option<&str>,
                    hint: Option<&Hint>,
                    default: Option<&str>|
     -> Option<String> {
        let (value, from) = if let Some(v) = flag {
            (v.to_string(), format!("--{}", field.replace('_', "-")))
        } else if let Some(h) = hint {
            (h.value.clone(), h.from.clone())
        } else {
            let v = default?;
            (v.to_string(), format!("default; set it with --{field}"))
        };
        sources.push((field, value.clone(), from));
        Some(value)
    };
    let service = pick(
        "service",
        args.service.as_deref(),
        d.service.as_ref(),
        Some("service"),
    )
    .unwrap_or_default();
    let scope = pick("scope", args.scope.as_deref(), None, Some("service"));
    let description = pick(
        "description",
        args.description.as_deref(),
        d.description.as_ref(),
        None,
    );
    let tier = pick("tier", args.tier.as_deref(), None, Some("1"));
    let exposure = pick(
        "exposure",
        args.exposure.as_deref(),
        d.exposure.as_ref(),
        Some("public"),
    );
    let stage = pick(
        "stage",
        args.stage.as_deref(),
        d.stage.as_ref(),
        Some("production"),
    );
    let owner = pick("owner", args.owner.as_deref(), d.owner.as_ref(), None);
    let dependencies: Vec<DepAnswer> = if args.no_dependencies {
        Vec::new()
    } else if args.dependencies.is_empty() {
        d.dependencies
            .iter()
            .cloned()
            .map(DepAnswer::found)
            .collect()
    } else {
        args.dependencies.iter().map(DepAnswer::given).collect()
    };
    let data_hint = data_hint(&dependencies);
    let data = pick("data", args.data.as_deref(), Some(&data_hint), None);
    let key = |list: &'static [Choice], v: Option<String>, fallback: &'static str| {
        v.and_then(|v| lookup(list, &v)).unwrap_or(fallback)
    };
    Answers {
        service,
        scope: key(SCOPES, scope, "service"),
        description,
        tier: key(TIERS, tier, "1"),
        exposure: key(EXPOSURES, exposure, "public"),
        data: key(DATA, data, "none"),
        stage: key(STAGES, stage, "production"),
        owner,
        request_timeout_ms: args.request_timeout_ms,
        caller_timeout_ms: args.caller_timeout_ms,
        dependencies,
        sources,
        select: None,
        excluded: Vec::new(),
    }
}

/// Which service of a repository of several this manifest reviews: `--service NAME`, an
/// answer in a terminal, or none with `--whole-repository`; without a terminal or with
/// `--yes`, it refuses to guess.
fn choose_service(
    args: &InitArgs,
    candidates: &[detect::Candidate],
    interactive: bool,
) -> Result<Option<detect::Candidate>, Failure> {
    if candidates.is_empty() || args.whole_repository {
        return Ok(None);
    }
    let find = |name: &str| candidates.iter().find(|c| c.name == name).cloned();
    if let Some(name) = &args.service {
        return find(name).map(Some).ok_or_else(|| {
            Failure::Message(format!(
                "`--service {name}` is none of the services this repository holds:\n{}",
                service_list(candidates)
            ))
        });
    }
    if !interactive {
        return Err(Failure::Message(format!(
            "this repository holds {} services, and `launchgate init` will not guess which one the manifest is for:\n{}",
            candidates.len(),
            service_list(candidates)
        )));
    }
    let stdin = std::io::stdin();
    let mut prompt = Prompt {
        input: stdin.lock(),
    };
    say(&format!(
        "\nThis repository holds {} services:\n{}",
        candidates.len(),
        table(candidates)
    ));
    loop {
        let answer = prompt.answer(
            "Which one does this manifest review? (a name, or `all` for the whole repository)",
        )?;
        if answer == "all" {
            return Ok(None);
        }
        if let Some(c) = find(&answer) {
            return Ok(Some(c));
        }
        say(&format!("  `{answer}` is not one of them\n"));
    }
}

/// The services as aligned lines: name, source folder, workloads.
fn table(candidates: &[detect::Candidate]) -> String {
    let width = candidates.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let src = candidates.iter().map(|c| c.source.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in candidates {
        let runs = if c.workloads.is_empty() {
            "no workload found".to_string()
        } else {
            c.workloads.join(", ")
        };
        let _ = writeln!(out, "  {:<width$}  {:<src$}  {runs}", c.name, c.source);
    }
    out
}

fn service_list(candidates: &[detect::Candidate]) -> String {
    let example = candidates.first().map_or("NAME", |c| c.name.as_str());
    format!(
        "{}choose one with `--service NAME` (e.g. `launchgate init --yes --service {example}`), or review the whole repository as one system with `--whole-repository`",
        table(candidates)
    )
}

/// The data class the dependencies suggest: a database or queue keeps data that must survive,
/// caches alone keep rebuildable state, and no datastore means no data.
fn data_hint(deps: &[DepAnswer]) -> Hint {
    let durable = deps
        .iter()
        .find(|d| d.kind == "database")
        .or_else(|| deps.iter().find(|d| d.kind == "queue"));
    let cache = deps.iter().find(|d| d.kind == "cache");
    let (value, from) = match (durable, cache) {
        (Some(d), _) => ("persistent", format!("{} `{}` keeps data", d.kind, d.name)),
        (None, Some(c)) => ("ephemeral", format!("only cache `{}` keeps state", c.name)),
        (None, None) => ("none", "no database, cache or queue declared".to_string()),
    };
    Hint {
        value: value.to_string(),
        from,
    }
}
