//! SAF-005 rate-limiting: A public service rate-limits its endpoints.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::deps::Capability;
use launchgate_manifest::Exposure;

use crate::kit::claims::{FlagClaim, RepoShows};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A public service rate-limits its endpoints: a rate-limiting library ships among its
    /// dependencies (express-rate-limit, rate-limiter-flexible, @nestjs/throttler, governor,
    /// golang.org/x/time/rate, slowapi, Flask-Limiter, bucket4j, resilience4j-ratelimiter,
    /// ...), an Ingress carries rate-limit annotations (ingress-nginx `limit-rps`,
    /// `limit-rpm`, `limit-connections`, `global-rate-limit`; HAProxy `rate-limit-*`), or
    /// `claims.rate_limiting: true` declares it (for a gateway or CDN configured elsewhere).
    /// A library or annotation proves it without a claim; a claim with nothing in the
    /// repository passes as attested. `claims.rate_limiting: false` fails even when the
    /// repository shows a limiter (it says the public endpoints are not covered), and the
    /// finding names it. Services with `exposure: internal` are not checked.
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
    /// often: with an ingress-nginx annotation such as
    /// `nginx.ingress.kubernetes.io/limit-rps: "50"`, or a limiter library in the service.
    /// When the limit lives outside the repository (an API gateway, a CDN rule), declare it:
    /// `claims: {rate_limiting: true}`.
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
    /// ```yaml passes path=deploy/ingress.yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: signup-api
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/limit-rps: "20"
    /// spec:
    ///   ingressClassName: nginx
    ///   rules:
    ///     - host: signup.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: signup-api, port: {name: http}}
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

impl Evaluate for RateLimiting {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if cx.manifest.exposure == Exposure::Internal {
            return Outcome::not_applicable(
                "the service is not reachable from the internet (`exposure: internal`)",
            );
        }
        let libs = shipped_libraries(cx, Capability::RateLimiting);
        let mut repo = library_findings(&libs, "a rate-limiting library is in use");
        let mut shown = Vec::new();
        if !libs.is_empty() {
            shown.push(library_list(&libs));
        }
        for ing in &cx.evidence.kubernetes.ingresses {
            let mut first = true;
            for (key, v) in ing.rate_limits() {
                if first {
                    shown.push(format!(
                        "{} (`{key}` at {}:{})",
                        ing.resource(),
                        v.loc.path,
                        v.loc.line
                    ));
                    first = false;
                }
                repo.push(
                    Finding::new(format!(
                        "{} limits requests: `{key}: {}`",
                        ing.resource(),
                        v.value
                    ))
                    .at(Some(v.loc.location()))
                    .resource(ing.resource()),
                );
            }
        }
        FlagClaim {
            value: cx.manifest.claims.rate_limiting,
            pointer: "/claims/rate_limiting",
            holds: "public endpoints are rate limited",
            lacking: "rate limiting on public endpoints",
        }
        .meets(
            cx,
            RepoShows {
                letters: "L K",
                findings: repo,
                summary: shown.join(", "),
                false_hint: "if it covers every public endpoint, set the claim to true; otherwise extend it to them",
            },
        )
    }
}
