//! DAT-007 audit-log: Data mutations are written to an append-only audit log.

use launchgate_core::Outcome;

use crate::kit::claims::FlagClaim;
use crate::kit::manifest::no_durable_data;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Data mutations are written to an append-only audit log: `claims.audit_log: true`.
    ///
    /// ## Why it matters
    /// "Who changed this balance, and when?" comes up in every incident review, every support
    /// escalation and every audit. Application logs rotate and can be edited; without an
    /// append-only record of writes, the answer is a guess, and a malicious change leaves no trace.
    ///
    /// ## How to fix
    /// Record each create, update and delete with who made it, when, and the before/after values,
    /// in a store the service can append to but not rewrite (an audit table without `UPDATE` or
    /// `DELETE` grants, an event stream, a write-once bucket). Then declare
    /// `claims: {audit_log: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: financial
    /// claims:
    ///   audit_log: false
    /// ```
    /// ```yaml passes
    /// data: financial
    /// claims:
    ///   audit_log: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Data: audit logging of mutations"; OWASP Logging Cheat Sheet.
    pub struct AuditLog {
        id: "DAT-007", slug: "audit-log", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D S", effort: 16,
    }
}

impl Evaluate for AuditLog {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        FlagClaim {
            value: m.claims.audit_log,
            pointer: "/claims/audit_log",
            holds: "data mutations go to an append-only audit log",
            lacking: "an audit log of data mutations",
        }
        .outcome(cx)
    }
}
