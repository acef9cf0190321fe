//! The Markdown launch plan ticks only what the review proved: a pass on the manifest's claim
//! alone, a skipped check and a manual step stay open, each with its reason.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use launchgate_core::{Basis, Status};
use launchgate_report::render_markdown;

use common::review;

fn plan(md: &str) -> Vec<&str> {
    let start = md.find("**Prerequisites:**").unwrap();
    let end = md.find("**Launch stages:**").unwrap();
    md[start..end]
        .lines()
        .filter(|l| l.starts_with("- ["))
        .collect()
}

#[test]
fn only_proven_items_are_ticked() {
    let md = render_markdown(&review("payment-service"));
    assert_eq!(
        plan(&md),
        [
            "- [ ] All P0 items completed",
            "- [ ] Load test passed (10x traffic) (CAP-007 is FAIL)",
            "- [x] Backup restoration tested (DAT-003 passed)",
            "- [x] Rollback procedure documented and tested (RUN-004 passed)",
            "- [ ] Runbooks reviewed by on-call team (a manual step; RUN-002 passed: the runbooks have every section)",
            "- [ ] Alerts tested by triggering each one (a manual step; OBS-007 passed: the rules are valid)",
        ]
    );
}

#[test]
fn a_claimed_or_skipped_item_stays_open_with_its_reason() {
    let mut r = review("payment-service");
    for c in &mut r.checks {
        match c.id.as_str() {
            "DAT-003" => c.basis = Some(Basis::Attested),
            "RUN-004" => {
                c.status = Status::Skip;
                c.basis = None;
                c.message = "not required for tier 2".to_string();
            }
            _ => {}
        }
    }
    let md = render_markdown(&r);
    let plan = plan(&md);
    assert_eq!(
        plan[2],
        "- [ ] Backup restoration tested (DAT-003 passed on the manifest's claim alone: no file shows it)"
    );
    assert_eq!(
        plan[3],
        "- [ ] Rollback procedure documented and tested (RUN-004 skipped: not required for tier 2)"
    );
}
