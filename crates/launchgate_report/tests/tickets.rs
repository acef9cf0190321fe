//! The ticket export on a real review: due dates follow the launch plan (P0 stage, then P1),
//! counted in working days; P2 only on request; previous keys turn into updates and closes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use launchgate_report::tickets::{TicketAction, TicketExport, TicketOptions, ticket_key};
use launchgate_report::{ActionItem, Priority};

fn item(p: Priority, id: &str, hours: u32) -> ActionItem {
    ActionItem {
        priority: p,
        id: id.to_string(),
        title: "T".to_string(),
        fix: String::new(),
        owner: None,
        effort_hours: hours,
        effort: String::new(),
        files: Vec::new(),
    }
}

#[test]
fn stages_follow_the_launch_plan_in_working_days() {
    let mut review = common::review("payment-service");
    review.action_items = vec![
        item(Priority::P0, "OPS-001", 16),
        item(Priority::P0, "OPS-002", 11),
        item(Priority::P1, "OPS-003", 4),
        item(Priority::P2, "OPS-004", 8),
    ];
    let opts = TicketOptions {
        include_p2: false,
        start: None,
    };
    let e = TicketExport::build(&review, &opts, &BTreeSet::new()).unwrap();
    let due: Vec<_> = e
        .tickets
        .iter()
        .map(|t| t.due.as_deref().unwrap())
        .collect();
    // 2026-11-22 is a Sunday: work starts Monday; 27 hours are 4 days (Mon-Thu); the P1 stage
    // is Friday.
    assert_eq!(due, ["2026-11-26", "2026-11-26", "2026-11-27"]);

    let opts = TicketOptions {
        include_p2: true,
        start: Some("2026-12-01".parse().unwrap()),
    };
    let previous = BTreeSet::from([
        ticket_key("payment-service", "OPS-002"),
        ticket_key("payment-service", "OPS-009"),
        ticket_key("another-service", "OPS-001"),
    ]);
    let e = TicketExport::build(&review, &opts, &previous).unwrap();
    let got: Vec<_> = e
        .tickets
        .iter()
        .map(|t| (t.check.as_str(), t.action, t.due.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("OPS-001", TicketAction::Create, Some("2026-12-04")),
            ("OPS-002", TicketAction::Update, Some("2026-12-04")),
            ("OPS-003", TicketAction::Create, Some("2026-12-07")),
            ("OPS-004", TicketAction::Create, Some("2026-12-08")),
            ("OPS-009", TicketAction::Close, None),
        ]
    );
}

#[test]
fn tickets_print_no_secret_and_no_raw_control_character() {
    let mut review = common::review("payment-service");
    // Built at run time: no secret-looking literal in the source.
    let secret = format!("{}_{}", "ghp", "Zq8Kx3Lm0Np7Rt2Vw5Yb9Cd4Fg6Hj1Sk0Qe7u");
    let mut a = item(Priority::P0, "OPS-001", 4);
    a.fix = format!("rotate token {secret} now{}", '\u{9b}');
    a.files = vec![format!("deploy/a{}]52;c;eA=={}.yaml", '\u{1b}', '\u{7}')];
    review.action_items = vec![a];
    let opts = TicketOptions {
        include_p2: true,
        start: None,
    };
    let e = TicketExport::build(&review, &opts, &BTreeSet::new()).unwrap();
    let t = &e.tickets[0];
    for (format, out) in [
        (
            "github",
            launchgate_report::tickets::render_github_issues(&e),
        ),
        ("jira", launchgate_report::tickets::render_jira_csv(&e)),
        (
            "markdown",
            launchgate_report::tickets::render_ticket_markdown(&e, t),
        ),
    ] {
        assert!(!out.contains(&secret[4..]), "{format} prints the secret");
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r'),
            "{format} prints a raw control character"
        );
    }
}
