//! `launchgate fleet`: stored JSON reviews of many services, summarised on one static HTML page.

use std::path::PathBuf;
use std::process::ExitCode;

use launchgate_report::{Fleet, FleetMember, Review, render_fleet_html};

use crate::{Failure, clock, write_stdout};

#[derive(Debug, clap::Args)]
pub(crate) struct FleetArgs {
    /// Reviews written by `launchgate check --format json`, one or more per service; of several
    /// reviews of one service the newest (by review date) is kept.
    #[arg(value_name = "REVIEW.json", required = true)]
    reviews: Vec<PathBuf>,
    /// Write the page to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Count expiring waivers from this date (YYYY-MM-DD); defaults to the newest review date.
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
}

/// Reads every review (any unreadable or non-review file is an error naming it), builds the
/// fleet and writes the page. Notes about replaced duplicates go to standard error.
pub(crate) fn fleet(args: &FleetArgs) -> Result<ExitCode, Failure> {
    let today = match &args.today {
        Some(t) => Some(clock::today(Some(t))?),
        None => None,
    };
    let mut members = Vec::with_capacity(args.reviews.len());
    for path in &args.reviews {
        let source = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Message(format!("cannot read review {source}: {e}")))?;
        let review =
            Review::from_json(&text).map_err(|e| Failure::Message(format!("{source}: {e}")))?;
        members.push(FleetMember { source, review });
    }
    let fleet = Fleet::build(members, today).map_err(|e| Failure::Message(e.to_string()))?;
    let mut notes = String::new();
    for r in &fleet.replaced {
        notes.push_str("note: ");
        notes.push_str(&crate::safe_text(&r.note()));
        notes.push('\n');
    }
    if !notes.is_empty() {
        use std::io::Write as _;
        let _ = anstream::stderr().write_all(notes.as_bytes());
    }
    let html = render_fleet_html(&fleet);
    match &args.output {
        Some(path) => crate::output::write_file(path, &html)?,
        None => write_stdout(&html)?,
    }
    Ok(ExitCode::SUCCESS)
}
