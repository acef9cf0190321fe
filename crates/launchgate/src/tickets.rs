//! `launchgate tickets`: the action items of a saved review written as tracker imports (GitHub
//! issues JSON, one Markdown file per item, Jira CSV) into a directory; the previous export in
//! that directory (or `--previous`) decides create, update or close per stable key.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use launchgate_report::tickets::{
    TicketAction, TicketExport, TicketOptions, previous_keys, render_github_issues,
    render_jira_csv, render_ticket_markdown, ticket_file_name,
};

use crate::{Failure, clock, governance::read_review_file, write_stdout};

/// The GitHub export's file name; it is also the state a later export reads.
pub(crate) const GITHUB_FILE: &str = "github-issues.json";
const JIRA_FILE: &str = "jira.csv";
const MARKDOWN_DIR: &str = "markdown";

#[derive(Debug, clap::Args)]
pub(crate) struct TicketsArgs {
    /// A review written by `launchgate check --format json` (or exported from the ledger).
    #[arg(value_name = "REVIEW.json")]
    review: PathBuf,
    /// The directory to write `github-issues.json`, `jira.csv` and `markdown/<ID>.md` into
    /// (created if missing).
    #[arg(long = "out-dir", short = 'o', value_name = "DIR")]
    out_dir: PathBuf,
    /// The previous export's `github-issues.json`: its keys become `update` (still an action
    /// item) or `close` (fixed by this review). Default: DIR/github-issues.json when it exists.
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,
    /// Export P2 (nice to have) items too; by default only P0 and P1.
    #[arg(long)]
    include_p2: bool,
    /// The first working day of the plan (YYYY-MM-DD) due dates count from; default: the
    /// review date.
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text)
        .map_err(|e| Failure::Message(format!("cannot write {}: {e}", path.display())))
}

pub(crate) fn tickets(args: &TicketsArgs) -> Result<ExitCode, Failure> {
    let review = read_review_file(&args.review)?;
    let start = match &args.start {
        Some(s) => Some(clock::today(Some(s))?),
        None => None,
    };
    let state = args
        .previous
        .clone()
        .unwrap_or_else(|| args.out_dir.join(GITHUB_FILE));
    let previous = match std::fs::read_to_string(&state) {
        Ok(text) => previous_keys(&text).map_err(|e| {
            Failure::Message(format!(
                "{}: not a `launchgate tickets` GitHub export: {e}",
                state.display()
            ))
        })?,
        Err(e) if args.previous.is_none() && e.kind() == std::io::ErrorKind::NotFound => {
            BTreeSet::new()
        }
        Err(e) => {
            return Err(Failure::Message(format!(
                "cannot read {}: {e}",
                state.display()
            )));
        }
    };
    let options = TicketOptions {
        include_p2: args.include_p2,
        start,
    };
    let export = TicketExport::build(&review, &options, &previous)
        .map_err(|e| Failure::Message(format!("{}: {e}", args.review.display())))?;
    let markdown = args.out_dir.join(MARKDOWN_DIR);
    std::fs::create_dir_all(&markdown)
        .map_err(|e| Failure::Message(format!("cannot create {}: {e}", markdown.display())))?;
    write(
        &args.out_dir.join(GITHUB_FILE),
        &render_github_issues(&export),
    )?;
    write(&args.out_dir.join(JIRA_FILE), &render_jira_csv(&export))?;
    for t in export.open() {
        write(
            &markdown.join(ticket_file_name(t)),
            &render_ticket_markdown(&export, t),
        )?;
    }
    // A closed item's Markdown file is removed: the directory holds the open items.
    for t in export
        .tickets
        .iter()
        .filter(|t| t.action == TicketAction::Close)
    {
        let _ = std::fs::remove_file(markdown.join(ticket_file_name(t)));
    }
    let count = |a: TicketAction| export.tickets.iter().filter(|t| t.action == a).count();
    let summary = format!(
        "{}: {} to create, {} to update, {} to close; written to {}\n",
        export.service,
        count(TicketAction::Create),
        count(TicketAction::Update),
        count(TicketAction::Close),
        args.out_dir.display()
    );
    write_stdout(&crate::safe_text(&summary))?;
    Ok(ExitCode::SUCCESS)
}
