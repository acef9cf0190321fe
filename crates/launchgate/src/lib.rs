//! The `launchgate` command line: parses arguments, runs the library crates, prints, and alone
//! maps outcomes to exit codes (0 passes the gate, 1 fails it, 2 usage/configuration/input error).
//! `main.rs` only calls [`run`]; the CLI definition lives here so `xtask` can generate its reference.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use clap::{Parser, Subcommand, ValueEnum};
use launchgate_checks::Registry;
use launchgate_core::Category;
use launchgate_evidence::{Evidence, ScanOptions};
use launchgate_manifest::{
    ConfigError, ConfigErrors, LocatedLayer, MANIFEST_FILE, Policy, ServiceManifest, SourceFile,
};
use launchgate_policy::Verdict;
use launchgate_report::{
    CiOptions, Review, TerminalOptions, render_github, render_gitlab, render_html, render_junit,
    render_markdown, render_sarif, render_terminal,
};

mod boundary;
mod clock;
mod custom;
mod fleet;
mod governance;

mod init;
mod measure;
mod output;
mod progress;
mod server;
mod shell;
mod tickets;

pub use shell::{completion_script, man_pages};

/// Production readiness reviews as evidence-backed checks: GO, CONDITIONAL_GO or NO_GO.
#[derive(Debug, Parser)]
#[command(
    name = "launchgate",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_long_help = AFTER_LONG_HELP
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// The exit codes and environment variables, shown by `launchgate --help`, the man page and the
/// command-line reference.
pub(crate) const AFTER_LONG_HELP: &str = "\
Exit status:
  0  the gate passes (the decision is better than --fail-on), or the command succeeded
  1  the gate fails (a review at or below --fail-on; `audit verify` found a bad event)
  2  usage, configuration or input error: the message names the file, line and fix

Environment:
  LAUNCHGATE_TODAY  YYYY-MM-DD: moves the clock of every command to that date (review dates,
                    expiry checks, ledger timestamps); `--today` wins over it. Used to replay a
                    review as of a date and by the test suite to prove no test depends on the day
  LAUNCHGATE_STORE  the audit ledger (`sqlite://PATH` or a path) when --store is not given
  LAUNCHGATE_RECORD_KEY
                    `check --record`: the secret key file that signs recorded reviews when
                    --key is not given (CI's recorder key, an approver with role `ci`)
  NO_COLOR          any value: no colours in terminal output
  COLUMNS           the terminal view's width; long lines are cut to it only on a terminal
                    (piped or written with -o, every line is printed whole)";

/// Flags every command accepts, before or after its name.
#[derive(Debug, Clone, Copy, clap::Args)]
struct GlobalArgs {
    /// Print only the result: no progress, no notes on stderr, and `check` prints just its
    /// decision line (errors are still reported).
    #[arg(
        long,
        short,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    quiet: bool,
    /// Say more: `check` shows the evidence behind passing checks too, and scans report what
    /// they read on stderr.
    #[arg(long, short, global = true, help_heading = "Global options")]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Review a service: read its manifest, run every check, decide GO / CONDITIONAL_GO / NO_GO.
    ///
    /// Exit status: 0 when the decision passes the gate (see --fail-on), 1 when it fails it,
    /// 2 for usage, configuration or input errors.
    Check(CheckArgs),
    /// List the checks with their category, severity and tier matrix.
    Checks {
        /// Only this category (observability, safety, runbooks, data, security, capacity,
        /// incident, operations).
        #[arg(long, value_parser = parse_category)]
        category: Option<Category>,
        /// Also list the custom (Rego) checks this organisation policy file loads.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Show the documentation of one check, by ID (SAF-001) or slug (dependency-timeouts).
    Explain {
        /// Check ID or slug.
        check: String,
        /// Also look among the custom (Rego) checks this organisation policy file loads.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Print the evidence of a repository as custom (Rego) checks receive it (`input`), for
    /// writing them. The contract is versioned: `launchgate schema rego-input` and
    /// docs/reference/rego-input.md.
    Evidence(EvidenceArgs),
    /// Custom (Rego) checks: `policy test DIR` runs them against their fixture repositories.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print a JSON Schema: of the service manifest (default), of a policy file, or of the input
    /// of custom (Rego) checks.
    Schema {
        #[arg(value_enum, default_value_t = SchemaKind::Manifest)]
        kind: SchemaKind,
    },
    /// Summarise stored JSON reviews of many services on one static HTML page: services by tier
    /// and decision, the checks failing most, owners, and waivers expiring within 14 days.
    Fleet(fleet::FleetArgs),
    /// Write a `launchgate.yaml` for a repository: asks about the service, with answers
    /// prefilled from scanning it (catalog-info.yaml, CODEOWNERS, Kubernetes, Terraform,
    /// dependency manifests).
    ///
    /// In a terminal it asks each question; `--yes` accepts the detected and default values
    /// without asking, and flags set answers. Without a terminal on standard input, pass `--yes`
    /// or at least --service, --tier, --exposure and --data. The manifest is validated before it
    /// is written, and an existing one is only replaced with `--force`.
    Init(init::InitArgs),
    /// Create an ed25519 key pair for signing overrides, sign-offs and recorded reviews (FILE and
    /// FILE.pub).
    Keygen(governance::KeygenArgs),
    /// Record a signed override: an approver forces the decision of a service until a date.
    ///
    /// The approver must be listed in the policy's `approvers` with the key's public half. The
    /// override is applied when reviewing if it is unexpired and the approver holds a role in
    /// `override_roles` (a failure in a hard-blocker category also needs a security signer).
    /// `--publish URL` also uploads the signed event to the fleet server.
    Override(governance::OverrideArgs),
    /// Record a signed sign-off of the current review for one role (engineering, sre, security).
    ///
    /// The sign-off binds to the review's content hash: when the results change it is shown as
    /// stale. `--publish URL` also uploads the signed event to the fleet server.
    Signoff(governance::SignoffArgs),
    /// Read, verify, export or import the audit ledger.
    #[command(subcommand)]
    Audit(governance::AuditCommand),
    /// Show a service's recorded reviews over time, with a score sparkline.
    History(governance::HistoryArgs),
    /// Compare two reviews: new failures, fixed checks, decision and score change.
    Diff(governance::DiffArgs),
    /// Write the P0/P1 action items of a saved review as tracker imports: GitHub issues JSON
    /// (the fields `gh issue create` takes), one Markdown file per item, and a Jira CSV.
    ///
    /// Each ticket carries owner, due date (from the effort and the launch plan), the files to
    /// change and a stable key; a later export into the same directory marks each key `create`,
    /// `update` or `close` (docs/tickets.md).
    Tickets(tickets::TicketsArgs),
    /// Run the fleet server: reviews published from CI (`publish`, `check --publish`) stored in
    /// the ledger on PostgreSQL or SQLite, an HTTP API (/api/v1, OpenAPI at
    /// /api/v1/openapi.json), /healthz, /readyz, /metrics and a dashboard (docs/server.md).
    Serve(server::ServeArgs),
    /// Create, revoke or list the fleet server's API tokens.
    #[command(subcommand)]
    Token(server::TokenCommand),
    /// Upload a saved JSON review, or a signed override or sign-off of the local ledger
    /// (`--event SEQ`), to the fleet server (token from LAUNCHGATE_TOKEN); network errors and 5xx
    /// answers are retried with backoff under one idempotency key.
    Publish(server::PublishArgs),
    /// Print a shell completion script.
    #[command(after_long_help = shell::COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of launchgate, or of one of its commands.
    ///
    /// Read it with `launchgate man | man -l -`; `docs/man/` holds every page.
    Man {
        /// A command (`check`, `init`, ...) for its own page.
        command: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
struct EvidenceArgs {
    /// The service's repository (its `launchgate.yaml` is read from here).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The service manifest, if not PATH/launchgate.yaml.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Output format: `json`, the input of a Rego check.
    #[arg(long, value_enum, default_value_t = EvidenceFormat::Json)]
    format: EvidenceFormat,
    /// Skip (with a note) files larger than this: bytes, or with a K, M or G suffix.
    #[arg(long, value_name = "SIZE", default_value = "5M", value_parser = parse_size)]
    max_file_size: u64,
    /// The review date (YYYY-MM-DD) the input carries as `today`, as `check --today` would;
    /// defaults to today (or to `LAUNCHGATE_TODAY` when that is set).
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EvidenceFormat {
    /// The Rego input as pretty JSON.
    Json,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Run the custom checks of DIR against the fixture repositories in DIR/fixtures/<ID>/<case>/
    /// (`pass_*`, `fail_*`, `warn_*`, `na_*`, `skip_*`, `waived_*`, `inconclusive_*`; lines
    /// marked `expect: <ID>` are where findings must point). Each case is judged as a review
    /// judges the check: under the organisation's policy (tier matrix, severities, waivers), then
    /// the case's own `fixtures/<ID>/<case>.policy.yaml`, then its manifest's `policy:` section.
    /// Exit 1 when a case does not match, 2 when a check or the policy does not load.
    Test {
        /// The folder of `.rego` checks and their `fixtures/`.
        dir: PathBuf,
        /// The organisation policy file the cases are judged under; default: the one YAML file
        /// at DIR's top level that lists `custom_checks`, else the built-in defaults.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// The review date (YYYY-MM-DD) the cases are judged on (waiver expiry, `input.today`);
        /// defaults to today (or to `LAUNCHGATE_TODAY` when that is set).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The service's repository (its `launchgate.yaml` is read from here).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The service manifest, if not PATH/launchgate.yaml.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// An organisation policy file; the manifest's own `policy:` section overrides it.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The lowest decision that fails the gate (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::NoGo)]
    fail_on: FailOn,
    /// The review date (YYYY-MM-DD) for date windows such as "restore tested within 90 days";
    /// defaults to today (or to `LAUNCHGATE_TODAY` when that is set).
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// The global `--verbose`: show the evidence behind passing checks too.
    #[arg(skip)]
    verbose: bool,
    /// The global `--quiet`: print only the decision line.
    #[arg(skip)]
    quiet: bool,
    /// Review the manifest alone: do not scan the repository (checks that need repository
    /// evidence are then inconclusive).
    #[arg(long)]
    no_scan: bool,
    /// Skip (with a note) files larger than this: bytes, or with a K, M or G suffix.
    #[arg(long, value_name = "SIZE", default_value = "5M", value_parser = parse_size)]
    max_file_size: u64,
    /// Store this review in the ledger (full JSON, summary, thresholds and the git commit), for
    /// `history`, `diff` and the gate baseline (OPS-010).
    #[arg(long)]
    record: bool,
    /// With --record: sign the recorded review with this secret key file, CI's recorder key (an
    /// approver with role `ci` in the policy). Default: $LAUNCHGATE_RECORD_KEY. A policy that
    /// requires signed ledger events refuses to record without one.
    #[arg(long, value_name = "FILE", requires = "record")]
    key: Option<PathBuf>,
    /// Publish the review to the fleet server at this base URL (token from LAUNCHGATE_TOKEN),
    /// retrying network errors and 5xx answers; a review that cannot be published is an error
    /// (exit 2).
    #[arg(long, value_name = "URL")]
    publish: Option<String>,
    /// Report only failures that are new against this saved review (`--format json` output or
    /// an exported one); the gate fails (exit 1) only on a new FAIL. For pull requests.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Where your copy of the check pages (`docs/checks/<ID>.md`) is published, e.g.
    /// `https://github.com/acme/launchgate/blob/v1.4.0/docs/checks`: SARIF rules then link to
    /// them (`helpUri`) and JUnit failures add a link. Without it the reports carry each check's
    /// documentation and no links.
    #[arg(long, value_name = "URL", value_parser = parse_docs_url)]
    docs_url: Option<String>,
    #[command(flatten)]
    store: governance::StoreArg,
}

impl CheckArgs {
    /// The review `signoff` binds to: PATH reviewed as `check` would, quietly, with the same
    /// ledger (its recorded gate feeds OPS-010).
    pub(crate) fn for_signoff(
        path: &Path,
        manifest: Option<&Path>,
        policy: Option<&Path>,
        today: Option<String>,
        store: governance::StoreArg,
    ) -> CheckArgs {
        CheckArgs {
            path: path.to_path_buf(),
            manifest: manifest.map(Path::to_path_buf),
            policy: policy.map(Path::to_path_buf),
            format: Format::Terminal,
            output: None,
            fail_on: FailOn::NoGo,
            today,
            verbose: false,
            quiet: true,
            no_scan: false,
            max_file_size: 5 * 1024 * 1024,
            record: false,
            key: None,
            publish: None,
            baseline: None,
            docs_url: None,
            store,
        }
    }
}

fn parse_docs_url(s: &str) -> Result<String, String> {
    let url = s.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or_default();
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{s}` is not an http(s) URL; write e.g. https://github.com/acme/launchgate/blob/v1.4.0/docs/checks"
        ));
    }
    Ok(url.to_string())
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1024),
        Some((i, 'm' | 'M')) => (&t[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&t[..i], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a size; write bytes or e.g. 512K, 5M, 1G"))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// A report for people, coloured on a terminal.
    Terminal,
    /// The review as versioned JSON (docs/json-output.md).
    Json,
    /// A Markdown report (pull request comments, wikis).
    Markdown,
    /// SARIF 2.1.0 for code scanning (GitHub, GitLab, IDE viewers).
    Sarif,
    /// JUnit XML for CI test reports: one suite per category, one test per check.
    Junit,
    /// GitHub Actions annotations; also appends the Markdown report to $GITHUB_STEP_SUMMARY.
    Github,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
    /// One self-contained HTML page (inline CSS, no network): findings, actions, trace.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Fail only on NO_GO.
    NoGo,
    /// Fail on CONDITIONAL_GO and NO_GO.
    Conditional,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    Manifest,
    Policy,
    /// The input of custom (Rego) checks.
    RegoInput,
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::from_key(s).ok_or_else(|| {
        let keys: Vec<&str> = Category::ALL.iter().map(|c| c.key()).collect();
        format!("unknown category `{s}`; allowed: {}", keys.join(", "))
    })
}

/// A failure to produce a decision, reported on stderr with exit code 2.
enum Failure {
    Config(ConfigErrors),
    Message(String),
}

impl From<ConfigErrors> for Failure {
    fn from(e: ConfigErrors) -> Self {
        Failure::Config(e)
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::Config(e.into())
    }
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let global = cli.global;
    let result = match cli.command {
        Command::Check(mut args) => {
            args.verbose = global.verbose;
            args.quiet = global.quiet;
            check(&args)
        }
        Command::Checks { category, policy } => list_checks(category, policy.as_deref()),
        Command::Explain { check, policy } => explain(&check, policy.as_deref()),
        Command::Evidence(args) => evidence(&args, global.quiet),
        Command::Policy(PolicyCommand::Test { dir, policy, today }) => {
            custom::policy_test(&dir, policy, today.as_deref(), global.quiet)
        }
        Command::Schema { kind } => {
            let s = match kind {
                SchemaKind::Manifest => launchgate_manifest::manifest_schema(),
                SchemaKind::Policy => launchgate_manifest::policy_schema(),
                SchemaKind::RegoInput => launchgate_rego::input::schema(),
            };
            write_stdout(&s).map(|()| ExitCode::SUCCESS)
        }
        Command::Fleet(args) => fleet::fleet(&args),
        Command::Keygen(args) => governance::keygen(&args),
        Command::Override(args) => governance::override_(&args),
        Command::Signoff(args) => governance::signoff(&args),
        Command::Audit(cmd) => governance::audit(&cmd),
        Command::History(args) => governance::history(&args),
        Command::Diff(args) => governance::diff(&args),
        Command::Tickets(args) => tickets::tickets(&args),
        Command::Init(args) => init::run(&args, global),
        Command::Serve(args) => server::serve(&args),
        Command::Token(cmd) => server::token(&cmd),
        Command::Publish(args) => server::publish(&args),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man { command } => shell::man(command.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            report_failure(&f);
            ExitCode::from(2)
        }
    }
}

fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

fn report_failure(f: &Failure) {
    let mut out = String::new();
    match f {
        Failure::Config(errs) => {
            let theme = if stderr_color() {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let handler = miette::GraphicalReportHandler::new_themed(theme)
                .with_width(terminal_layout(false).0);
            let find = |text: &str| {
                launchgate_evidence::secrets::find_secrets(text)
                    .into_iter()
                    .map(|r| (r.range, r.replacement))
                    .collect()
            };
            for e in &errs.errors {
                let e = e.for_display(&find);
                if handler.render_report(&mut out, &e).is_err() {
                    out.push_str(&e.message);
                    out.push('\n');
                }
            }
            if errs.errors.len() > 1 {
                let _ = writeln!(
                    out,
                    "error: {} problems in the configuration",
                    errs.errors.len()
                );
            }
        }
        Failure::Message(m) => {
            out.push_str("error: ");
            out.push_str(&safe_text(m));
            out.push('\n');
        }
    }
    // The configuration errors were made safe before miette drew them (its colours are
    // escape sequences); the redaction layer runs over the whole text once more.
    let out = launchgate_evidence::secrets::redact_text(&out);
    let mut err = anstream::stderr();
    let _ = err.write_all(out.as_bytes());
}

/// The longest line of a message printed on stderr, in characters.
const STDERR_LINE_WIDTH: usize = 1000;

/// A message for stderr, whatever text it quotes: secrets redacted (the redaction layer),
/// control characters other than newlines escaped, and each line clipped to
/// [`STDERR_LINE_WIDTH`] characters.
pub(crate) fn safe_text(message: &str) -> String {
    let redacted = launchgate_evidence::secrets::redact_text(message);
    redacted
        .split('\n')
        .map(|line| {
            launchgate_core::text::clip(
                &launchgate_core::text::escape_controls(line),
                STDERR_LINE_WIDTH,
            )
            .into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An informational line on stderr (callers leave it out under `--quiet`).
fn note(message: &str) {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{}", safe_text(message));
}

fn write_stdout(s: &str) -> Result<(), Failure> {
    let mut out = anstream::stdout();
    out.write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| Failure::Message(format!("cannot write to standard output: {e}")))
}

/// The terminal view's width (`COLUMNS`, else the terminal's, else 100) and whether long lines
/// are cut to it: only on a terminal. Piped (CI logs) or written with `-o`, every line is whole,
/// so a finding's reason is never lost to a cut.
fn terminal_layout(to_file: bool) -> (usize, bool) {
    let tty = !to_file && std::io::stdout().is_terminal();
    if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return (w, tty);
    }
    if tty && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return (usize::from(w), true);
    }
    (100, tty)
}

/// `path` as shown to users: relative to `base` when inside it, with `/` separators.
fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// A service's manifest and policy, read and validated, and the repository they describe.
pub(crate) struct Loaded {
    pub(crate) root: PathBuf,
    pub(crate) manifest: ServiceManifest,
    pub(crate) policy: Policy,
    pub(crate) registry: Registry,
}

/// Reads and validates the manifest (PATH/launchgate.yaml, PATH itself when it is a file, or
/// `manifest`) and the policy layers (`policy` file, then the manifest's `policy:` section).
pub(crate) fn load(
    path: &Path,
    manifest: Option<&Path>,
    policy: Option<&Path>,
) -> Result<Loaded, Failure> {
    if !path.exists() {
        return Err(Failure::Message(format!(
            "{} does not exist",
            path.display()
        )));
    }
    // `check path/to/launchgate.yaml` means that manifest and the repository around it.
    // Anything but a directory is the manifest itself (a FIFO is refused, unopened, below).
    let (root, manifest_path) = match (manifest, !path.is_dir()) {
        (Some(m), _) => (path.to_path_buf(), m.to_path_buf()),
        (None, true) => (
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            path.to_path_buf(),
        ),
        (None, false) => (path.to_path_buf(), path.join(MANIFEST_FILE)),
    };
    // The default manifest is read only from inside the repository.
    if manifest.is_none() && path.is_dir() {
        boundary::inside(&root, &manifest_path, MANIFEST_FILE)?;
    }
    // A path that exists but is not a file (a directory, a FIFO) is named by `SourceFile::read`
    // with its location; only a missing manifest gets the how-to-start message.
    if !manifest_path.exists() {
        return Err(Failure::Message(format!(
            "no service manifest at {}: create `{MANIFEST_FILE}` at the repository root (see `launchgate schema` and docs/manifest.md), or pass --manifest FILE",
            manifest_path.display()
        )));
    }
    let source = SourceFile::read(&manifest_path, display_path(&manifest_path, &root))?;
    let mut layers = Vec::new();
    if let Some(p) = policy {
        if !p.exists() {
            return Err(Failure::Message(format!(
                "policy file {} does not exist",
                p.display()
            )));
        }
        layers.push(LocatedLayer::parse_file(SourceFile::read(
            p,
            p.to_string_lossy().replace('\\', "/"),
        )?)?);
    }
    // Custom checks are part of the registry the manifest and the policy are checked against
    // (a waiver or an override may name ORG-001), so the layers that list them come first.
    let unchecked = match ServiceManifest::parse(source.clone()) {
        Ok(m) => m,
        // The errors as the built-in registry reports them (unknown check IDs included).
        Err(e) => {
            let ids = Registry::builtin().ids();
            return Err(ServiceManifest::parse_checked(source, &ids)
                .err()
                .unwrap_or(e)
                .into());
        }
    };
    let mut listing = layers.clone();
    listing.extend(unchecked.policy_layer());
    let registry = custom::registry(&custom::files(&listing, &root)?)?;
    let ids = registry.ids();
    let manifest = ServiceManifest::parse_checked(source, &ids)?;
    layers.extend(manifest.policy_layer());
    let policy = Policy::resolve(&layers, &ids)?;
    Ok(Loaded {
        root,
        manifest,
        policy,
        registry,
    })
}

/// Scans the repository as the manifest says (reports, deploy, scan section, selection).
fn scan_repository(
    root: &Path,
    manifest: &ServiceManifest,
    max_file_size: u64,
    quiet: bool,
    verbose: bool,
) -> Result<Evidence, Failure> {
    let files = Arc::new(AtomicUsize::new(0));
    let options = ScanOptions {
        max_file_size,
        progress: Some(files.clone()),
        ..ScanOptions::default()
    }
    .with_report_locations(&manifest.reports)
    .with_deploy(manifest.deploy.as_ref())
    .with_scan_section(&manifest.scan)
    .with_selection(manifest.select.as_ref());
    let evidence = progress::scan(root, &options, &files, quiet, verbose)?;
    Ok(match &manifest.select {
        Some(selection) => evidence.select(selection),
        None => evidence,
    })
}

/// `launchgate evidence`: the Rego input of a repository.
fn evidence(args: &EvidenceArgs, quiet: bool) -> Result<ExitCode, Failure> {
    let loaded = load(&args.path, args.manifest.as_deref(), None)?;
    let evidence = scan_repository(
        &loaded.root,
        &loaded.manifest,
        args.max_file_size,
        quiet,
        false,
    )?;
    let today = clock::today(args.today.as_deref())?;
    let input = launchgate_rego::input::build(&loaded.manifest, &evidence, today);
    let EvidenceFormat::Json = args.format;
    let mut text = serde_json::to_string_pretty(&input.redacted_json())
        .map_err(|e| Failure::Message(format!("cannot write the evidence as JSON: {e}")))?;
    text.push('\n');
    write_stdout(&text).map(|()| ExitCode::SUCCESS)
}

/// Scans, evaluates and decides, then applies what the ledger holds for the service (gate
/// baseline, overrides, sign-offs, history). The ledger is read only if it exists.
pub(crate) fn review(args: &CheckArgs) -> Result<(Review, Loaded), Failure> {
    let today = clock::today(args.today.as_deref())?;
    let loaded = load(&args.path, args.manifest.as_deref(), args.policy.as_deref())?;
    let Loaded {
        root,
        manifest,
        policy,
        registry,
    } = &loaded;
    let store = governance::open_existing(&args.store)?;
    let ledger = governance::Ledger::read(
        store.as_deref(),
        &args.store.location()?,
        &manifest.service,
        policy,
    )?;
    let evidence = if args.no_scan {
        Evidence::none()
    } else {
        scan_repository(root, manifest, args.max_file_size, args.quiet, args.verbose)?
    };
    let measurement_changes =
        measure::changes(root, ledger.last_figures.as_ref(), &evidence, policy);
    let evaluation = launchgate_policy::evaluate_full(
        registry,
        manifest,
        &evidence,
        policy,
        today,
        ledger.baseline.clone(),
        &measurement_changes,
    )
    .map_err(|e| Failure::Message(e.to_string()))?;
    let fix_of = |id: &str| {
        registry
            .get(id)
            .and_then(|c| c.meta().section("How to fix"))
    };
    let mut review = Review::build(manifest, policy, evaluation, &evidence, today, &fix_of)
        .with_governance(policy, &ledger.overrides, &ledger.signoffs, today);
    review.history = ledger.history;
    review.notices.extend(ledger.notices);
    Ok((review, loaded))
}

fn check(args: &CheckArgs) -> Result<ExitCode, Failure> {
    let (review, loaded) = review(args)?;
    if args.record {
        let key = args.key.clone().or_else(|| {
            std::env::var_os("LAUNCHGATE_RECORD_KEY")
                .filter(|k| !k.is_empty())
                .map(PathBuf::from)
        });
        governance::record(
            &args.store,
            &review,
            &loaded.root,
            &loaded.policy,
            key.as_deref(),
        )?;
    }
    if let Some(server) = &args.publish {
        server::publish_text(server, review.to_json().as_bytes(), None, 8)?;
    }
    let (review, fails) = match &args.baseline {
        Some(file) => {
            let baseline = governance::read_review_file(file)?;
            let (only_new, new_failures) = governance::new_against(&review, &baseline, file);
            (only_new, new_failures > 0)
        }
        None => {
            let fails = match args.fail_on {
                FailOn::NoGo => review.decision == Verdict::NoGo,
                FailOn::Conditional => review.decision != Verdict::Go,
            };
            (review, fails)
        }
    };
    let exit_code = u8::from(fails);
    let builtin: std::collections::BTreeSet<&str> = launchgate_checks::builtin()
        .iter()
        .map(|c| c.meta().id)
        .collect();
    let custom_rules: Vec<launchgate_core::CheckMeta> = loaded
        .registry
        .iter()
        .map(launchgate_checks::Check::meta)
        .filter(|m| !builtin.contains(m.id))
        .cloned()
        .collect();
    let ci = || CiOptions {
        custom_rules: custom_rules.clone(),
        exit_code: i32::from(exit_code),
        path_prefix: repo_prefix(args),
        docs_url: args.docs_url.clone(),
    };
    let text = match args.format {
        Format::Terminal if args.quiet && args.output.is_none() => {
            launchgate_report::decision_line(&review)
        }
        Format::Json => review.to_json(),
        Format::Sarif => render_sarif(&review, &ci()),
        Format::Junit => {
            render_junit(&review, &ci()).map_err(|e| Failure::Message(e.to_string()))?
        }
        Format::Github => {
            append_step_summary(&review)?;
            render_github(&review, &ci())
        }
        Format::Gitlab => render_gitlab(&review, &ci()),
        Format::Markdown => render_markdown(&review),
        Format::Html => render_html(&review),
        Format::Terminal => {
            let (width, cut) = terminal_layout(args.output.is_some());
            render_terminal(
                &review,
                TerminalOptions {
                    width,
                    cut,
                    verbose: args.verbose,
                },
            )
        }
    };
    match &args.output {
        Some(path) => {
            let plain = if matches!(args.format, Format::Terminal) {
                strip_ansi(&text)
            } else {
                text
            };
            output::write_file(path, &plain)?;
        }
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::from(exit_code))
}

/// The reviewed directory relative to the root of its Git repository (`services/pay/`), so CI
/// formats name files as the CI system does; empty at the root or outside a repository.
fn repo_prefix(args: &CheckArgs) -> String {
    let root = match (&args.manifest, !args.path.is_dir()) {
        (None, true) => args.path.parent().unwrap_or(Path::new(".")),
        _ => args.path.as_path(),
    };
    let Ok(root) = std::fs::canonicalize(if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    }) else {
        return String::new();
    };
    root.ancestors()
        .find(|a| a.join(".git").exists())
        .and_then(|top| root.strip_prefix(top).ok())
        .map(|rel| display_path(rel, Path::new("")))
        .filter(|rel| !rel.is_empty())
        .map(|rel| rel + "/")
        .unwrap_or_default()
}

/// `--format github`: appends the Markdown report to the file `$GITHUB_STEP_SUMMARY` names, when
/// set, so the run's summary page shows it.
fn append_step_summary(review: &Review) -> Result<(), Failure> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let fail = |e: std::io::Error| {
        Failure::Message(format!(
            "cannot append the report to $GITHUB_STEP_SUMMARY ({}): {e}",
            path.display()
        ))
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(fail)?;
    let separator = if file.metadata().map_err(fail)?.len() > 0 {
        "\n"
    } else {
        ""
    };
    file.write_all(format!("{separator}{}", render_markdown(review)).as_bytes())
        .map_err(fail)
}

fn strip_ansi(s: &str) -> String {
    let mut out = Vec::new();
    let mut w = anstream::StripStream::new(&mut out);
    let _ = w.write_all(s.as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}

fn list_checks(category: Option<Category>, policy: Option<&Path>) -> Result<ExitCode, Failure> {
    let registry = custom::catalog(policy)?;
    let mut out = String::from(
        "ID       SLUG                          CATEGORY       SEVERITY  T0 T1 T2  SUMMARY\n",
    );
    for c in registry.iter() {
        let m = c.meta();
        if category.is_some_and(|k| k != m.category) {
            continue;
        }
        let _ = writeln!(
            out,
            "{:<8} {:<29} {:<14} {:<9} {}     {}",
            m.id,
            m.slug,
            m.category.key(),
            m.severity.key(),
            m.tiers,
            m.summary()
        );
    }
    write_stdout(&out).map(|()| ExitCode::SUCCESS)
}

fn explain(key: &str, policy: Option<&Path>) -> Result<ExitCode, Failure> {
    let registry = custom::catalog(policy)?;
    let found = registry
        .iter()
        .find(|c| c.meta().id.eq_ignore_ascii_case(key) || c.meta().slug.eq_ignore_ascii_case(key));
    let Some(c) = found else {
        let ids = registry.ids();
        let hint = match launchgate_core::nearest(&key.to_ascii_uppercase(), ids.iter().copied()) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => String::new(),
        };
        return Err(Failure::Message(format!(
            "no check `{key}`{hint} `launchgate checks` lists them all"
        )));
    };
    write_stdout(&launchgate_report::docs::check_page(c.meta())).map(|()| ExitCode::SUCCESS)
}

/// The CLI reference in Markdown, generated from the clap definition (`docs/cli.md`).
pub fn cli_reference() -> String {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = String::from(
        "# launchgate command-line reference\n\n<!-- generated by `cargo xtask generate`; do not edit -->\n\n",
    );
    let () = cmd.build();
    out.push_str("```text\n");
    out.push_str(&cmd.render_long_help().to_string());
    out.push_str("```\n");
    for sub in cmd.get_subcommands_mut() {
        let name = sub.get_name().to_string();
        if name == "help" {
            continue;
        }
        let _ = write!(out, "\n## launchgate {name}\n\n```text\n");
        out.push_str(&sub.render_long_help().to_string());
        out.push_str("```\n");
    }
    out
}
