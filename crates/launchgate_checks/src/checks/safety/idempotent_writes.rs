//! SAF-007 idempotent-writes: Write operations are safe to retry, as declared by
//! `claims.idempotent_writes.

use launchgate_core::Outcome;

use crate::kit::claims::FlagClaim;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Write operations are safe to retry, as declared by `claims.idempotent_writes: true`.
    ///
    /// ## Why it matters
    /// Networks lose responses, not just requests: a client that times out cannot know whether
    /// its payment, order or message was written. Clients, proxies and queues all retry, so a
    /// write that is not idempotent is eventually applied twice: a double charge, a duplicate
    /// shipment, a counter that drifts.
    ///
    /// ## How to fix
    /// Make every write carry a client-chosen idempotency key (an `Idempotency-Key` header, a
    /// message ID, a natural unique key) and store it with the result, so a repeat returns the
    /// first outcome instead of writing again; or make writes naturally idempotent (`PUT` of a
    /// whole resource, upserts). Then declare it: `claims: {idempotent_writes: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   idempotent_writes: false   # a retried POST /orders creates a second order
    /// ```
    /// ```yaml passes
    /// claims:
    ///   idempotent_writes: true
    /// ```
    ///
    /// ## References
    /// Seed 002, "Idempotency on write endpoints"; RFC 9110, section 9.2.2 (idempotent methods);
    /// IETF draft "The Idempotency-Key HTTP Header Field".
    pub struct IdempotentWrites {
        id: "SAF-007", slug: "idempotent-writes", category: Safety, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D S", effort: 12,
    }
}

impl Evaluate for IdempotentWrites {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        FlagClaim {
            value: cx.manifest.claims.idempotent_writes,
            pointer: "/claims/idempotent_writes",
            holds: "write operations are safe to retry",
            lacking: "idempotent writes",
        }
        .outcome(cx)
    }
}
