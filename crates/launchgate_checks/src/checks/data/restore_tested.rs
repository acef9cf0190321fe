//! DAT-003 restore-tested: A restore drill is declared (`claims.backups.last_restore_test`) within
//! the policy window before the review date (default 90 days, `restore_test_max_age_days`).

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::{at, no_durable_data, within_window};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A restore drill is declared (`claims.backups.last_restore_test`) within the policy window
    /// before the review date (default 90 days, `restore_test_max_age_days`).
    ///
    /// ## Why it matters
    /// A backup that was never restored is a hope, not a backup. Restores fail for mundane reasons
    /// (missing permissions, a changed schema, a key nobody kept) and the only time to find out
    /// should not be during the incident.
    ///
    /// ## How to fix
    /// Restore the latest backup into a scratch environment, verify the data, and record the date:
    /// `claims: {backups: {last_restore_test: 2026-10-12}}`. Repeat at least quarterly.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    ///     last_restore_test: 2025-01-15   # more than 90 days before the review
    /// ```
    /// ```yaml passes
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    ///     last_restore_test: 2026-10-12
    /// ```
    ///
    /// ## References
    /// Seed 003, "Backups: backup tested (restore drills quarterly)"; seed 004, "Backup verification".
    pub struct RestoreTested {
        id: "DAT-003", slug: "restore-tested", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D", effort: 8,
    }
}

impl Evaluate for RestoreTested {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let pointer = "/claims/backups/last_restore_test";
        match m.claims.backups.as_ref().and_then(|b| b.last_restore_test) {
            None => Outcome::fail(vec![
                Finding::new("no restore drill is declared (`claims.backups.last_restore_test`)")
                    .at(at(cx, pointer)),
            ]),
            Some(date) => match within_window(
                cx,
                date.0,
                cx.options.restore_test_max_age_days,
                pointer,
                "the last restore drill",
            ) {
                Ok(e) => Outcome::attested(vec![e]),
                Err(f) => Outcome::fail(vec![f]),
            },
        }
    }
}
