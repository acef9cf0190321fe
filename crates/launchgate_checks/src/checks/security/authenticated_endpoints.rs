//! SEC-012 authenticated-endpoints: Every endpoint requires authentication, authorization is
//! checked per resource, and authentication failures are logged.

use launchgate_core::Outcome;

use crate::kit::claims::FlagClaim;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every endpoint requires authentication, authorization is checked per resource, and
    /// authentication failures are logged: `claims.authentication.required`, `.authorization` and
    /// `.failures_logged` are all `true`.
    ///
    /// ## Why it matters
    /// One forgotten route without authentication is enough to leak a database. Authentication
    /// without per-resource authorization lets any logged-in user read anyone's data by changing
    /// an ID in the URL, the most common API vulnerability. And unlogged failures hide credential
    /// stuffing until the accounts are already taken over.
    ///
    /// ## How to fix
    /// Put authentication in middleware that applies to every route by default (with an explicit,
    /// reviewed allow-list for health checks), check that the caller may act on the specific
    /// resource in each handler or policy layer, and log every rejected credential with the source
    /// and reason. Then declare
    /// `claims: {authentication: {required: true, authorization: true, failures_logged: true}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   authentication:
    ///     required: true
    ///     authorization: false   # any signed-in user can read any account
    ///     failures_logged: true
    /// ```
    /// ```yaml passes
    /// claims:
    ///   authentication:
    ///     required: true
    ///     authorization: true
    ///     failures_logged: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Security: authentication and authorization on all endpoints"; OWASP API Security
    /// Top 10 (API1 broken object level authorization, API2 broken authentication).
    pub struct AuthenticatedEndpoints {
        id: "SEC-012", slug: "authenticated-endpoints", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "D S", effort: 16,
    }
}

impl Evaluate for AuthenticatedEndpoints {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let auth = cx.manifest.claims.authentication.as_ref();
        let parts = [
            (
                "/claims/authentication/required",
                auth.and_then(|a| a.required),
                "every endpoint requires authentication",
                "authentication on every endpoint",
            ),
            (
                "/claims/authentication/authorization",
                auth.and_then(|a| a.authorization),
                "authorization is checked per resource",
                "per-resource authorization",
            ),
            (
                "/claims/authentication/failures_logged",
                auth.and_then(|a| a.failures_logged),
                "authentication failures are logged",
                "logging of authentication failures",
            ),
        ];
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for (pointer, value, holds, lacking) in parts {
            let claim = FlagClaim {
                value,
                pointer,
                holds,
                lacking,
            };
            match claim.outcome(cx) {
                Outcome::Pass { evidence: e, .. } => evidence.extend(e),
                Outcome::Fail { findings: f } => findings.extend(f),
                Outcome::NotApplicable { .. } | Outcome::Inconclusive { .. } => {}
            }
        }
        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
