//! `launchgate fleet`: stored JSON reviews of many services, summarised on one static HTML page.

use std::path::{Path, PathBuf};
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
    let shown = shown_sources(&args.reviews, std::env::current_dir().ok().as_deref());
    for (path, source) in args.reviews.iter().zip(shown) {
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

/// How each review file is named on the page (which may be published): never an absolute local
/// path. A relative path stays as given; an absolute one under the working directory becomes
/// relative to it; the other absolute ones are shown relative to the folder they share (at least
/// their file name).
fn shown_sources(paths: &[PathBuf], cwd: Option<&Path>) -> Vec<String> {
    let outside: Vec<&Path> = paths
        .iter()
        .filter(|p| p.is_absolute() && !cwd.is_some_and(|c| p.starts_with(c)))
        .map(PathBuf::as_path)
        .collect();
    let mut common: Option<PathBuf> = outside
        .first()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf);
    for p in &outside {
        while let Some(c) = common.clone() {
            if p.parent().is_some_and(|parent| parent.starts_with(&c)) {
                break;
            }
            common = c.parent().map(Path::to_path_buf);
        }
    }
    paths
        .iter()
        .map(|p| {
            let shown = match (cwd, &common) {
                (Some(c), _) if p.is_absolute() && p.starts_with(c) => {
                    p.strip_prefix(c).unwrap_or(p)
                }
                (_, Some(c)) if p.is_absolute() => p.strip_prefix(c).unwrap_or(p),
                _ => p.as_path(),
            };
            let text = shown.to_string_lossy().replace('\\', "/");
            text.strip_prefix("./").map_or(text.clone(), str::to_string)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_local_paths_are_never_shown() {
        let paths: Vec<PathBuf> = [
            "/home/ci/build/reviews/a.json",
            "/home/ci/build/reviews/team/b.json",
            "/work/repo/out/c.json",
            "./d.json",
            "e/f.json",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(
            shown_sources(&paths, Some(Path::new("/work/repo"))),
            ["a.json", "team/b.json", "out/c.json", "d.json", "e/f.json"]
        );
        let one = [PathBuf::from("/tmp/x/a.json")];
        assert_eq!(shown_sources(&one, None), ["a.json"]);
    }
}
