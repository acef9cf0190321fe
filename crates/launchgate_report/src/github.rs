//! GitHub Actions workflow commands (`--format github`): one annotation per site of a reported
//! check, `::error` for FAIL, `::warning` for WARN and `::notice` for WAIVED, then one summary
//! line. GitHub turns them into annotations on the run and on the pull request's diff.
//!
//! The Markdown report for `$GITHUB_STEP_SUMMARY` is [`crate::render_markdown`]; the CLI
//! appends it, since writing files is its job.

use std::fmt::Write as _;

use launchgate_core::Status;

use crate::Review;
use crate::sarif::{CiOptions, reported, sites, unwaived};

/// Escapes the message part of a workflow command (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`%`, CR, LF, `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(status: Status) -> &'static str {
    match status {
        Status::Fail => "error",
        Status::Warn => "warning",
        _ => "notice",
    }
}

/// The review as GitHub Actions workflow commands, one per line, ending with a summary line.
pub fn render_github(review: &Review, opts: &CiOptions) -> String {
    let review = &*crate::safe::for_people(review);
    let mut out = String::new();
    for c in reported(review) {
        let waived = c.status == Status::Waived;
        let title = if waived {
            format!("{} {} (waived)", c.id, c.slug)
        } else {
            format!("{} {}", c.id, c.slug)
        };
        let waiver_note = c
            .waiver
            .as_ref()
            .map(|w| format!(" [waived until {} ({}): {}]", w.expires, w.kind, w.reason));
        for site in sites(c) {
            let path = opts.path(site.location.map_or(review.manifest.as_str(), |l| &l.path));
            let mut props = format!("file={}", escape_property(&path));
            if let Some(l) = site.location.filter(|l| l.line > 0) {
                let _ = write!(props, ",line={}", l.line);
                if l.column > 0 {
                    let _ = write!(props, ",col={}", l.column);
                }
            }
            let _ = write!(props, ",title={}", escape_property(&title));
            let message = match &waiver_note {
                Some(n) => format!("{}{n}", unwaived(c, site.message)),
                None => site.message.to_string(),
            };
            let _ = writeln!(
                out,
                "::{} {props}::{}",
                command(c.status),
                escape_data(&message)
            );
        }
    }
    let counts = &review.counts;
    let _ = writeln!(
        out,
        "launchgate: {} is {} (score {}, pass rate {}): {} FAIL, {} WARN, {} WAIVED, {} SKIP of {} checks{}",
        review.service,
        review.decision.label(),
        review.score_text(),
        review.pass_rate,
        counts.fail,
        counts.warn,
        counts.waived,
        counts.skip,
        counts.total,
        if review.decision == review.computed_decision {
            String::new()
        } else {
            format!(
                " (computed {}, overridden)",
                review.computed_decision.label()
            )
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped_as_github_documents() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
