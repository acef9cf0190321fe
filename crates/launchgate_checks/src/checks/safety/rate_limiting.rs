//! SAF-005 rate-limiting: A public service rate-limits its endpoints.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::code::{Role, Topic};
use launchgate_evidence::deps::Capability;
use launchgate_manifest::Exposure;

use crate::kit::claims::{FlagClaim, RepoShows, contradicts};
use crate::kit::code;
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::kit::routes::{middleware, probe_path, routes};
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
    /// When nothing shows a limiter and no claim is declared, a source file whose routes and
    /// middleware could not be read (the parser gave up on it, or syntax errors cover them)
    /// makes the check inconclusive instead of failing: the limiter may be there.
    ///
    /// The service's code (see [the source layer](../scanning.md#the-services-source-code))
    /// proves it too: rate-limiting middleware registered for the whole app, a router or a
    /// group (`app.use(rateLimit(...))`, Fastify's `register(rateLimit)`, gin or echo
    /// `r.Use(limiter)`, a `tollbooth` wrapper around the mux, slowapi's `SlowAPIMiddleware`,
    /// a Flask-Limiter `Limiter(..., default_limits=...)`), and routes with a limiter of their
    /// own (`@limiter.limit("5/minute")`, `@Throttle()`, `config: {rateLimit: ...}`,
    /// resilience4j's `@RateLimiter`), each with its location. A guard counts as a limiter by
    /// its name (`rateLimit`, `limiter`, `throttle`, `tollbooth`, `httprate`, `slowapi`,
    /// `bucket4j`). Routes without a limiter do not contradict a claim: a gateway, CDN or
    /// ingress may limit them. A route exempted from the limit on purpose does
    /// (`@limiter.exempt` of Flask-Limiter or slowapi, NestJS `@SkipThrottle()`, a path an
    /// express-rate-limit `skip` function lets through): the check fails naming it, unless it
    /// is a health, readiness or metrics route that machines poll.
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
    /// ```ts passes path=src/app.ts
    /// import express from 'express';
    /// import rateLimit from 'express-rate-limit';
    ///
    /// const app = express();
    /// app.use(rateLimit({ windowMs: 60_000, limit: 100 }));
    /// app.post('/v1/signups', createSignup);
    /// ```
    ///
    /// ## References
    /// Seed 003, "Rate limiting on public endpoints"; OWASP API Security Top 10,
    /// "API4: Unrestricted Resource Consumption"; RFC 6585, section 4 (429 Too Many Requests).
    pub struct RateLimiting {
        id: "SAF-005", slug: "rate-limiting", category: Safety, severity: Major,
        tiers: [Required, Required, Skipped], evidence: "L K D S", effort: 6,
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
        let wide = middleware(cx, Role::RateLimit);
        if let Some(first) = wide.first() {
            shown.push(first.label());
        }
        for m in &wide {
            repo.push(
                Finding::new(format!(
                    "{} limits the rate of requests to the routes after it",
                    m.label()
                ))
                .at(Some(m.location())),
            );
        }
        let limited: Vec<_> = routes(cx)
            .into_iter()
            .filter_map(|r| {
                let g = r.route.guard(Role::RateLimit)?;
                (g.scope == launchgate_evidence::code::Scope::Route).then_some((r, g))
            })
            .collect();
        if let Some((r, _)) = limited.first() {
            shown.push(format!("a limiter on {}", r.label()));
        }
        for (r, g) in limited {
            repo.push(r.finding(format!("{} is rate limited: `{}`", r.label(), g.name)));
        }
        // Routes left out of an app-wide limit on purpose: the limit is not everywhere.
        let claimed = cx.manifest.claims.rate_limiting;
        let exempt: Vec<Finding> = routes(cx)
            .into_iter()
            .filter(|r| !r.route.path.as_deref().is_some_and(probe_path))
            .filter_map(|r| {
                let g = r.route.guard(Role::RateLimitExempt)?;
                let f = r.finding(format!(
                    "{} is exempted from the rate limit (`{}`): a public route without a limit is open to floods and credential stuffing; limit it (a higher limit if it must take bursts), or keep it off the internet",
                    r.label(),
                    g.name
                ));
                Some(if claimed == Some(true) {
                    contradicts(
                        cx,
                        f,
                        "/claims/rate_limiting",
                        "public endpoints are rate limited",
                    )
                } else {
                    f
                })
            })
            .collect();
        if !exempt.is_empty() && claimed != Some(false) {
            return Outcome::fail(exempt);
        }
        if cx.manifest.claims.rate_limiting.is_none()
            && let Some(unseen) = code::unseen(cx, &[Topic::Route], &repo)
        {
            return unseen;
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
                letters: "L K S",
                findings: repo,
                summary: shown.join(", "),
                false_hint: "if it covers every public endpoint, set the claim to true; otherwise extend it to them",
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::{basis, evidence, run};

    #[test]
    fn a_public_route_exempted_from_the_limit_fails() {
        assert_eq!(
            evidence(&run("SAF-005", "fail_flask_limiter_exempt_route")),
            [
                "app/main.py:15 `POST /v1/password-reset` (`@app.route(...)` in `password_reset`, flask) is exempted from the rate limit (`limiter.exempt`): a public route without a limit is open to floods and credential stuffing; limit it (a higher limit if it must take bursts), or keep it off the internet; `claims.rate_limiting` says public endpoints are rate limited"
            ]
        );
        assert_eq!(
            evidence(&run("SAF-005", "fail_nestjs_skip_throttle")),
            [
                "src/auth.controller.ts:7 `POST /auth/otp` (`@Post(...)` in `verifyOtp`, nestjs) is exempted from the rate limit (`SkipThrottle()`): a public route without a limit is open to floods and credential stuffing; limit it (a higher limit if it must take bursts), or keep it off the internet"
            ]
        );
        assert_eq!(
            evidence(&run("SAF-005", "fail_express_rate_limit_skips_path")),
            [
                "src/server.ts:13 `POST /v1/imports` (`app.post(...)`, express) is exempted from the rate limit (`skip: '/v1/imports'`): a public route without a limit is open to floods and credential stuffing; limit it (a higher limit if it must take bursts), or keep it off the internet"
            ]
        );
        // A health check left out of the limit is fine.
        assert_eq!(
            basis("SAF-005", "pass_flask_limiter_exempts_only_health"),
            Some(Basis::Proven)
        );
    }

    #[test]
    fn limiters_in_code_prove_it() {
        assert_eq!(
            evidence(&run("SAF-005", "pass_express_app_wide_limiter")),
            [
                "src/server.ts:5 `app.use(...)` (`rateLimit({windowMs:60_000,limit:100})`) at src/server.ts:5 limits the rate of requests to the routes after it"
            ]
        );
        assert_eq!(
            evidence(&run("SAF-005", "pass_slowapi_route_limits")),
            [
                "app/main.py:9 `POST /v1/signups` (`@app.post(...)` in `signup`, fastapi) is rate limited: `limiter.limit(\"5/minute\")`"
            ]
        );
        for case in [
            "pass_express_app_wide_limiter",
            "pass_slowapi_route_limits",
            "pass_gin_limiter_middleware",
            "pass_chi_httprate",
        ] {
            assert_eq!(basis("SAF-005", case), Some(Basis::Proven), "{case}");
        }
    }
}
