//! Action items as tickets: the P0/P1 (optionally P2) action items of a review as files the
//! common trackers import — GitHub issues in the shape `gh issue create` and the REST API take,
//! one Markdown body per item, and a Jira CSV with Jira's documented import columns — each with
//! a stable key so a later export of the same service updates its tickets instead of adding new
//! ones (see `docs/tickets.md`).
//!
//! Pure: the review, the start date and the keys of the previous export are inputs; nothing here
//! reads files or the clock. Every string comes from the review through the redaction layer
//! ([`crate::safe::for_people`]): the repository's text is untrusted in a tracker too.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Priority, Review};

/// Hours of work in one working day, as [`launchgate_core::Effort`] counts them.
pub const HOURS_PER_DAY: u32 = 8;

/// What the export asks of the tracker for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketAction {
    /// The key was not in the previous export: open a ticket.
    Create,
    /// The key was in the previous export: edit the ticket carrying its label.
    Update,
    /// The key was in the previous export and its action item is gone: this review closed it.
    Close,
}

impl TicketAction {
    pub fn label(self) -> &'static str {
        match self {
            TicketAction::Create => "create",
            TicketAction::Update => "update",
            TicketAction::Close => "close",
        }
    }
}

/// One ticket: an action item of the review, or a closed one of the previous export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticket {
    /// `launchgate:<service>:<check id>`: the same action item keeps its key in every export.
    pub key: String,
    /// `lg-` and 16 hex digits of SHA-256 of the key: a label the trackers can search on
    /// (GitHub labels are at most 50 characters; Jira labels hold no spaces).
    pub key_label: String,
    pub action: TicketAction,
    pub priority: Priority,
    pub check: String,
    /// The check's title cut to its first clause, for the summary line.
    pub title: String,
    /// What the check asks for: its full title.
    pub requirement: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`, from the effort and the launch plan; `None` for a closed ticket.
    pub due: Option<String>,
    pub effort: String,
    pub fix: String,
    /// Files to change, repo-relative.
    pub files: Vec<String>,
}

/// Which action items to export, from when.
#[derive(Debug, Clone)]
pub struct TicketOptions {
    /// Export P2 items too.
    pub include_p2: bool,
    /// The first working day of the plan; the review date when `None`.
    pub start: Option<Date>,
}

/// The tickets of one review.
#[derive(Debug, Clone, Serialize)]
pub struct TicketExport {
    pub service: String,
    pub evaluated_on: String,
    pub tickets: Vec<Ticket>,
}

/// A review whose date cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("the review date `{0}` is not YYYY-MM-DD")]
pub struct TicketError(String);

/// The longest summary title, in characters (Jira allows 255, GitHub 256, with room for the
/// priority, service and check ID around it).
const TITLE_WIDTH: usize = 120;

/// A check title cut to its first clause (`A recent load test passed: ...` -> `A recent load
/// test passed`) and clipped: the full text is in the body.
fn short_title(title: &str) -> String {
    let first = title.split(": ").next().unwrap_or(title);
    let first = first.split(". ").next().unwrap_or(first);
    launchgate_core::text::clip(first.trim().trim_end_matches('.'), TITLE_WIDTH).into_owned()
}

/// The stable key of an action item.
pub fn ticket_key(service: &str, check: &str) -> String {
    format!("launchgate:{service}:{check}")
}

fn key_label(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex = crate::hex(&digest);
    format!("lg-{}", &hex[..16])
}

/// `start` plus `days` working days (Monday to Friday); a start on a weekend moves to Monday.
fn add_working_days(start: Date, days: u32) -> Date {
    let is_weekend = |d: Date| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
    let mut d = start;
    while is_weekend(d) {
        d = d.tomorrow().unwrap_or(d);
    }
    let mut left = days;
    while left > 0 {
        let Ok(next) = d.tomorrow() else { break };
        d = next;
        if !is_weekend(d) {
            left -= 1;
        }
    }
    d
}

impl TicketExport {
    /// Builds the tickets of `review`. `previous` holds the keys of the previous export that
    /// were still open (not `close`): a key found there is an update, a key missing from this
    /// review is a close.
    ///
    /// Due dates follow the Markdown report's launch plan: stage 1 fixes every P0 item, then
    /// the P1 items, then P2. A stage takes its items' summed effort in working days of
    /// [`HOURS_PER_DAY`] hours (at least one), from the working day after the previous stage
    /// ends (the first from `start`, or the next working day); every item of a stage is due on
    /// the stage's last day of work.
    ///
    /// # Errors
    /// When the review's date is not a date.
    pub fn build(
        review: &Review,
        options: &TicketOptions,
        previous: &BTreeSet<String>,
    ) -> Result<TicketExport, TicketError> {
        let review = crate::safe::for_people(review);
        let start = match options.start {
            Some(d) => d,
            None => review
                .evaluated_on
                .parse::<Date>()
                .map_err(|_| TicketError(review.evaluated_on.clone()))?,
        };
        let wanted = |p: Priority| p != Priority::P2 || options.include_p2;
        let mut stage_start = start;
        let mut tickets = Vec::new();
        for p in [Priority::P0, Priority::P1, Priority::P2] {
            if !wanted(p) {
                continue;
            }
            let items: Vec<_> = review
                .action_items
                .iter()
                .filter(|a| a.priority == p)
                .collect();
            if items.is_empty() {
                continue;
            }
            let hours: u32 = items.iter().map(|a| a.effort_hours).sum();
            // The stage's first day is a day of work: n days of work end n - 1 working days later.
            let days = hours.div_ceil(HOURS_PER_DAY).max(1);
            let stage_end = add_working_days(stage_start, days - 1);
            stage_start = add_working_days(stage_end, 1);
            for a in items {
                let key = ticket_key(&review.service, &a.id);
                tickets.push(Ticket {
                    key_label: key_label(&key),
                    action: if previous.contains(&key) {
                        TicketAction::Update
                    } else {
                        TicketAction::Create
                    },
                    key,
                    priority: a.priority,
                    check: a.id.clone(),
                    title: short_title(&a.title),
                    requirement: a.title.clone(),
                    owner: a.owner.clone(),
                    due: Some(stage_end.to_string()),
                    effort: a.effort.clone(),
                    fix: a.fix.clone(),
                    files: a.files.clone(),
                });
            }
        }
        let open: BTreeSet<String> = tickets.iter().map(|t: &Ticket| t.key.clone()).collect();
        let prefix = ticket_key(&review.service, "");
        for key in previous {
            if open.contains(key) || !key.starts_with(&prefix) {
                continue;
            }
            let check = key[prefix.len()..].to_string();
            let title = review
                .checks
                .iter()
                .find(|c| c.id == check)
                .map_or_else(|| check.clone(), |c| short_title(&c.title));
            tickets.push(Ticket {
                requirement: title.clone(),
                key_label: key_label(key),
                key: key.clone(),
                action: TicketAction::Close,
                priority: Priority::P2,
                check,
                title,
                owner: review.owner.clone(),
                due: None,
                effort: String::new(),
                fix: String::new(),
                files: Vec::new(),
            });
        }
        Ok(TicketExport {
            service: review.service.clone(),
            evaluated_on: review.evaluated_on.clone(),
            tickets,
        })
    }

    /// The tickets that stay open (create or update).
    pub fn open(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets
            .iter()
            .filter(|t| t.action != TicketAction::Close)
    }
}

impl Ticket {
    /// The summary line a tracker shows.
    pub fn summary(&self, service: &str) -> String {
        format!(
            "[{}] {}: {} ({})",
            priority_label(self.priority),
            service,
            self.title,
            self.check
        )
    }

    /// The Markdown body: what to fix, owner, due date, effort, files and the key.
    pub fn body(&self, export: &TicketExport) -> String {
        let mut o = String::new();
        if self.action == TicketAction::Close {
            let _ = writeln!(
                o,
                "Closed by the launchgate review of {} on {}: {} no longer needs action.",
                export.service, export.evaluated_on, self.check
            );
            let _ = write!(o, "\nlaunchgate key: `{}`\n", self.key);
            return o;
        }
        let _ = writeln!(
            o,
            "Production readiness action item from the launchgate review of `{}` on {}.\n",
            export.service, export.evaluated_on
        );
        let _ = writeln!(o, "**Requirement:** {}\n", self.requirement);
        if !self.fix.is_empty() {
            let _ = writeln!(o, "**Fix:** {}\n", self.fix);
        }
        let _ = writeln!(
            o,
            "- Priority: {} ({})",
            priority_label(self.priority),
            priority_meaning(self.priority)
        );
        let _ = writeln!(o, "- Check: {}", self.check);
        let _ = writeln!(
            o,
            "- Owner: {}",
            self.owner.as_deref().unwrap_or("unassigned")
        );
        let _ = writeln!(o, "- Due: {}", self.due.as_deref().unwrap_or("-"));
        let _ = writeln!(o, "- Effort: {}", self.effort);
        if !self.files.is_empty() {
            let _ = writeln!(o, "\n**Files to change:**\n");
            for f in &self.files {
                let _ = writeln!(o, "- `{}`", f.replace('`', "'"));
            }
        }
        let _ = write!(
            o,
            "\nRun `launchgate explain {}` for the full guidance.\n\nlaunchgate key: `{}`\n",
            self.check, self.key
        );
        o
    }
}

fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::P0 => "P0",
        Priority::P1 => "P1",
        Priority::P2 => "P2",
    }
}

fn priority_meaning(p: Priority) -> &'static str {
    match p {
        Priority::P0 => "must fix before production",
        Priority::P1 => "should fix soon",
        Priority::P2 => "nice to have",
    }
}

/// Jira's default priority names.
fn jira_priority(p: Priority) -> &'static str {
    match p {
        Priority::P0 => "Highest",
        Priority::P1 => "High",
        Priority::P2 => "Medium",
    }
}

/// One entry of the GitHub export: the issue exactly as `gh api repos/OWNER/REPO/issues
/// --input -` (and `gh issue create --title --body --label --assignee`) takes it, with the key
/// and the action beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GithubEntry {
    pub key: String,
    pub action: TicketAction,
    pub due: Option<String>,
    pub issue: GithubIssue,
}

/// The fields `gh issue create` takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GithubIssue {
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
}

/// A GitHub login: the owner when it is written as one (`@octocat`); nothing for a team name
/// (`team-payments`, `@org/team`) or an e-mail address, which GitHub would refuse as assignee.
/// The owner is in the body either way.
fn github_login(owner: Option<&str>) -> Vec<String> {
    let Some(login) = owner.and_then(|o| o.trim().strip_prefix('@')) else {
        return Vec::new();
    };
    let ok = !login.is_empty()
        && login.len() <= 39
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !login.starts_with('-');
    if ok {
        vec![login.to_string()]
    } else {
        Vec::new()
    }
}

/// The GitHub export: a JSON array of [`GithubEntry`], in export order.
pub fn render_github_issues(export: &TicketExport) -> String {
    let entries: Vec<GithubEntry> = export
        .tickets
        .iter()
        .map(|t| GithubEntry {
            key: t.key.clone(),
            action: t.action,
            due: t.due.clone(),
            issue: GithubIssue {
                title: t.summary(&export.service),
                body: t.body(export),
                labels: vec![
                    "launchgate".to_string(),
                    t.key_label.clone(),
                    priority_label(t.priority).to_string(),
                ],
                assignees: github_login(t.owner.as_deref()),
            },
        })
        .collect();
    let json = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".to_string());
    crate::safe::json_escape_c1(json) + "\n"
}

/// The keys an earlier GitHub export left open (its `create` and `update` entries).
///
/// # Errors
/// When `text` is not a GitHub export.
pub fn previous_keys(text: &str) -> Result<BTreeSet<String>, serde_json::Error> {
    let entries: Vec<GithubEntry> = serde_json::from_str(text)?;
    Ok(entries
        .into_iter()
        .filter(|e| e.action != TicketAction::Close)
        .map(|e| e.key)
        .collect())
}

/// The Markdown file of one ticket (for `gh issue create --body-file`, or any tracker that
/// takes Markdown): its summary as the heading, then its body.
pub fn render_ticket_markdown(export: &TicketExport, ticket: &Ticket) -> String {
    format!(
        "# {}\n\n{}",
        ticket.summary(&export.service),
        ticket.body(export)
    )
}

/// Jira's CSV import columns, in order. `Labels` repeats: Jira imports one label per column.
pub const JIRA_COLUMNS: [&str; 11] = [
    "Summary",
    "Issue Type",
    "Priority",
    "Description",
    "Assignee",
    "Due Date",
    "Labels",
    "Labels",
    "Labels",
    "External ID",
    "Action",
];

fn csv_field(s: &str) -> String {
    // A leading =, +, - or @ makes a spreadsheet evaluate the cell: prefix a quote.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The Jira CSV: a header of [`JIRA_COLUMNS`], one row per ticket, CRLF line ends (RFC 4180).
/// Due dates are `yyyy-MM-dd` (the date format to give Jira's importer).
pub fn render_jira_csv(export: &TicketExport) -> String {
    let mut o = JIRA_COLUMNS.join(",");
    o.push_str("\r\n");
    for t in &export.tickets {
        let row = [
            t.summary(&export.service),
            "Task".to_string(),
            jira_priority(t.priority).to_string(),
            t.body(export),
            t.owner.clone().unwrap_or_default(),
            t.due.clone().unwrap_or_default(),
            "launchgate".to_string(),
            t.key_label.clone(),
            priority_label(t.priority).to_string(),
            t.key.clone(),
            t.action.label().to_string(),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        o.push_str(&cells.join(","));
        o.push_str("\r\n");
    }
    o
}

/// The Markdown file name of a ticket: its check ID.
pub fn ticket_file_name(ticket: &Ticket) -> String {
    let safe: String = ticket
        .check
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.md")
}

/// One action item named in [`ActionItemChanges`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItemRef {
    pub id: String,
    pub priority: Priority,
    pub title: String,
    /// The item's stable ticket key.
    pub key: String,
}

/// How the action items moved from one review of a service to the next: what `diff` and
/// `history` show, and what a ticket export marks `close`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionItemChanges {
    /// Action items of the earlier review that the later one no longer has: closed by it.
    pub closed: Vec<ActionItemRef>,
    /// Action items the later review has and the earlier one did not.
    pub opened: Vec<ActionItemRef>,
    /// Action items of both (their priority may have changed).
    pub still_open: Vec<ActionItemRef>,
}

impl ActionItemChanges {
    /// Compares the action items of two reviews by check ID, in the later review's order.
    pub fn of(before: &Review, after: &Review) -> ActionItemChanges {
        let to_ref = |r: &Review, a: &crate::ActionItem| ActionItemRef {
            id: a.id.clone(),
            priority: a.priority,
            title: short_title(&a.title),
            key: ticket_key(&r.service, &a.id),
        };
        let has = |r: &Review, id: &str| r.action_items.iter().any(|a| a.id == id);
        let mut c = ActionItemChanges::default();
        for a in &before.action_items {
            if !has(after, &a.id) {
                c.closed.push(to_ref(before, a));
            }
        }
        for a in &after.action_items {
            if has(before, &a.id) {
                c.still_open.push(to_ref(after, a));
            } else {
                c.opened.push(to_ref(after, a));
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends() {
        // 2026-11-20 is a Friday.
        let fri: Date = "2026-11-20".parse().unwrap_or_default();
        assert_eq!(add_working_days(fri, 1).to_string(), "2026-11-23");
        let sun: Date = "2026-11-22".parse().unwrap_or_default();
        assert_eq!(add_working_days(sun, 0).to_string(), "2026-11-23");
        assert_eq!(add_working_days(sun, 5).to_string(), "2026-11-30");
    }

    #[test]
    fn keys_are_stable_and_short() {
        let k = ticket_key("payment-service", "SAF-001");
        assert_eq!(k, "launchgate:payment-service:SAF-001");
        assert_eq!(key_label(&k), key_label(&k));
        assert_eq!(key_label(&k).len(), 19);
    }

    #[test]
    fn titles_are_the_first_clause() {
        assert_eq!(
            short_title("A recent load test passed at the target rate: `claims.load_test` ..."),
            "A recent load test passed at the target rate"
        );
        assert!(short_title(&"x".repeat(500)).chars().count() <= TITLE_WIDTH + 40);
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }

    #[test]
    fn only_logins_are_assignees() {
        assert_eq!(github_login(Some("@octocat")), vec!["octocat"]);
        assert!(github_login(Some("team-payments@example.com")).is_empty());
        assert!(github_login(Some("team-payments")).is_empty());
        assert!(github_login(Some("org/team")).is_empty());
    }
}
