use launchgate_core::Outcome;
use launchgate_manifest::Exposure;

use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// A public service rate-limits its endpoints, as declared by `claims.rate_limiting: true`;
    /// services with `exposure: internal` are not checked.
    ///
    /// ## Why it matters
    /// Anything reachable from the internet will eventually receive more traffic than it can
    /// serve: a retry storm from a buggy client, a scraper, a credential-stuffing run. Without a
    /// limit, one caller's burst becomes every caller's outage; with one, the excess gets a
    /// cheap `429` and the service keeps serving everyone else.
    ///
    /// ## How to fix
    /// Limit requests per client (API key, user or IP) at the gateway, ingress or in the
    /// service, answer `429 Too Many Requests` with `Retry-After`, and alert when limits are hit
    /// often. Then declare it: `claims: {rate_limiting: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// exposure: public
    /// claims:
    ///   rate_limiting: false
    /// ```
    /// ```yaml passes
    /// exposure: public
    /// claims:
    ///   rate_limiting: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Rate limiting on public endpoints"; OWASP API Security Top 10,
    /// "API4: Unrestricted Resource Consumption"; RFC 6585, section 4 (429 Too Many Requests).
    pub struct RateLimiting {
        id: "SAF-005", slug: "rate-limiting", category: Safety, severity: Major,
        tiers: [Required, Required, Skipped], evidence: "L K D", effort: 6,
    }
}

impl Check for RateLimiting {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if cx.manifest.exposure == Exposure::Internal {
            return Outcome::not_applicable(
                "the service is not reachable from the internet (`exposure: internal`)",
            );
        }
        flag_claim(
            cx,
            cx.manifest.claims.rate_limiting,
            "/claims/rate_limiting",
            "public endpoints are rate limited",
            "rate limiting on public endpoints",
        )
    }
}
