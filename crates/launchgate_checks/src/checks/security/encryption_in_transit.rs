use launchgate_core::{Finding, Outcome, Tier};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Traffic is encrypted in transit: `claims.encryption_in_transit.tls: true`, and for tier 0
    /// services also mutual TLS between services (`claims.encryption_in_transit.mtls: true`).
    ///
    /// ## Why it matters
    /// Plain HTTP exposes credentials, tokens and customer data to anyone on the path, including
    /// inside your own network: a compromised pod or a misrouted mirror port reads everything.
    /// For core services, TLS on the edge is not enough; mutual TLS also proves which service is
    /// calling, so a foothold in one workload cannot impersonate another.
    ///
    /// ## How to fix
    /// Terminate TLS on every ingress and load balancer (HTTPS listeners, redirect port 80) and
    /// declare `claims: {encryption_in_transit: {tls: true}}`. For tier 0, turn on mTLS between
    /// services (a service mesh with `PeerAuthentication` in `STRICT` mode, or certificates issued
    /// per workload) and add `mtls: true`.
    ///
    /// ## Example
    /// ```yaml fails
    /// tier: 0
    /// claims:
    ///   encryption_in_transit:
    ///     tls: true
    ///     mtls: false   # tier 0 services need mTLS between services
    /// ```
    /// ```yaml passes
    /// tier: 0
    /// claims:
    ///   encryption_in_transit:
    ///     tls: true
    ///     mtls: true
    /// ```
    ///
    /// ## References
    /// Seed 002, "TLS everywhere, mTLS between services"; seed 003, "Security: encryption in
    /// transit"; NIST SP 800-207 (zero trust architecture).
    pub struct EncryptionInTransit {
        id: "SEC-010", slug: "encryption-in-transit", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K T D", effort: 8,
    }
}

impl Check for EncryptionInTransit {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        let transit = m.claims.encryption_in_transit.as_ref();
        let tls_ptr = "/claims/encryption_in_transit/tls";
        let mtls_ptr = "/claims/encryption_in_transit/mtls";
        let mut findings = Vec::new();
        let mut evidence = Vec::new();

        match transit.and_then(|t| t.tls) {
            Some(true) => evidence.push(
                Finding::new("declared: traffic is encrypted with TLS (`claims.encryption_in_transit.tls: true`)")
                    .at(at(cx, tls_ptr)),
            ),
            Some(false) => findings.push(
                Finding::new("declared missing: TLS encryption of traffic (`claims.encryption_in_transit.tls: false`)")
                    .at(at(cx, tls_ptr)),
            ),
            None => findings.push(
                Finding::new("TLS is not declared (`claims.encryption_in_transit.tls`) and no evidence shows it")
                    .at(at(cx, tls_ptr)),
            ),
        }

        let mtls = transit.and_then(|t| t.mtls);
        if m.tier == Tier::T0 {
            match mtls {
                Some(true) => evidence.push(
                    Finding::new("declared: services authenticate each other with mTLS (`claims.encryption_in_transit.mtls: true`)")
                        .at(at(cx, mtls_ptr)),
                ),
                Some(false) => findings.push(
                    Finding::new("declared missing: mTLS between services (`claims.encryption_in_transit.mtls: false`); tier 0 requires it")
                        .at(at(cx, mtls_ptr)),
                ),
                None => findings.push(
                    Finding::new("mTLS between services is not declared (`claims.encryption_in_transit.mtls`); tier 0 requires it")
                        .at(at(cx, mtls_ptr)),
                ),
            }
        } else {
            let state = match mtls {
                Some(true) => "declared",
                Some(false) => "declared off",
                None => "not declared",
            };
            evidence.push(
                Finding::new(format!(
                    "mTLS between services is {state}; only tier 0 requires it and this service is tier {}",
                    m.tier
                ))
                .at(at(cx, mtls_ptr)),
            );
        }

        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
