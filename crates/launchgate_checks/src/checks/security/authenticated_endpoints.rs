//! SEC-012 authenticated-endpoints: Every endpoint requires authentication, authorization is
//! checked per resource, and authentication failures are logged.

use launchgate_core::{Basis, Outcome};
use launchgate_evidence::code::{DRF, Role, Scope, Topic};

use crate::kit;
use crate::kit::claims::{FlagClaim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest;
use crate::kit::routes::{declared_public, middleware, routes};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every endpoint requires authentication, authorization is checked per resource, and
    /// authentication failures are logged: `claims.authentication.required`, `.authorization` and
    /// `.failures_logged` are all `true`.
    ///
    /// The service's routes in code (see [the source layer](../scanning.md#the-services-source-code))
    /// prove or contradict the first part: each needs authentication middleware, a guard or a
    /// decorator, unless it is public by nature (health, metrics, sign-in, API docs) or open to
    /// anyone on purpose and listed in `claims.authentication.public_paths`
    /// (`["/", "/product/*"]`: a shop's catalogue, a sign-up form), which passes as the manifest's
    /// word. A route whose middleware may be registered in another file is unknown. A source file
    /// whose routes could not be read (the parser gave up on it, or syntax errors cover them)
    /// leaves their authentication unknown and is named: with `required: true` the part passes
    /// as attested, without it the check is inconclusive.
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
    /// ```ts fails path=src/app.ts
    /// import express from 'express';
    /// import { requireUser } from './auth';
    ///
    /// const app = express();
    /// app.get('/healthz', (req, res) => res.send('ok'));
    /// app.get('/v1/accounts/:id', requireUser, getAccount);
    /// app.delete('/v1/accounts/:id', deleteAccount); // no authentication
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
        let mut accepted = Vec::new();
        let mut open: Option<(String, Vec<_>)> = None;
        let (shown, declared) = code(cx, parts[0].1 == Some(true), parts[0].0);
        let mut shown = Some(shown);
        // Routes public by the manifest's word, not by what the code shows.
        let mut attested = declared;
        for (i, (pointer, value, holds, lacking)) in parts.into_iter().enumerate() {
            let claim = FlagClaim {
                value,
                pointer,
                holds,
                lacking,
            };
            let outcome = if i == 0 {
                settle(
                    cx,
                    "S",
                    vec![(shown.take().unwrap_or_default(), claim.side(cx))],
                )
            } else {
                claim.outcome(cx)
            };
            match outcome {
                Outcome::Pass { evidence: e, basis } => {
                    attested |= basis == Basis::Attested;
                    evidence.extend(e);
                }
                Outcome::Fail {
                    findings: f,
                    accepted: a,
                } => {
                    findings.extend(f);
                    accepted.extend(a);
                }
                Outcome::Inconclusive {
                    reason,
                    findings: f,
                    accepted: a,
                } => {
                    open.get_or_insert((reason, Vec::new())).1.extend(f);
                    accepted.extend(a);
                }
                Outcome::NotApplicable { .. } => {}
            }
        }
        if !findings.is_empty() {
            return Outcome::fail_accepting(findings, accepted);
        }
        if let Some((reason, findings)) = open {
            return Outcome::Inconclusive {
                reason,
                findings,
                accepted,
            };
        }
        evidence.extend(accepted);
        if attested {
            Outcome::attested(evidence)
        } else {
            Outcome::proven(evidence)
        }
    }
}

/// The routes of the code: authenticated ones are evidence, those on a router mounted
/// elsewhere unknowns, the others failures (contradicting `required: true` when it claims
/// authentication everywhere). Routes the manifest declares public
/// (`claims.authentication.public_paths`) are evidence too, and say so (the second value).
fn code(cx: &CheckContext<'_>, claimed: bool, pointer: &str) -> (Tally, bool) {
    // DRF's default permission classes guard DRF views only: the evidence joins them to those.
    let mut app_wide = middleware(cx, Role::Auth);
    app_wide.retain(|m| m.middleware.framework != DRF);
    let declared: &[String] = cx
        .manifest
        .claims
        .authentication
        .as_ref()
        .map_or(&[], |a| a.public_paths.as_slice());
    let mut shown = Tally::default();
    let mut by_declaration = false;
    for r in routes(cx) {
        if r.public() {
            continue;
        }
        let label = r.label();
        if r.route.guard(Role::Auth).is_none()
            && let Some((i, p)) = r
                .route
                .path
                .as_deref()
                .and_then(|path| declared_public(declared, path))
        {
            by_declaration = true;
            let at = manifest::at(cx, &format!("/claims/authentication/public_paths/{i}"));
            shown.evidence.push(
                r.finding(format!(
                    "{label} is public by design: `claims.authentication.public_paths` lists `{p}`"
                ))
                .related(at),
            );
            continue;
        }
        if let Some(g) = r.route.guard(Role::Auth) {
            let where_ = match g.scope {
                Scope::Route => "",
                Scope::Group => " (router- or group-wide)",
                Scope::App => " (app-wide)",
            };
            shown.evidence.push(r.finding(format!(
                "{label} requires authentication: `{}`{where_}",
                g.name
            )));
            continue;
        }
        if let Some(m) = app_wide.iter().find(|m| m.path != r.path) {
            shown.evidence.push(
                r.finding(format!(
                    "{label} has no authentication of its own; {} reads as authentication for every route",
                    m.label()
                ))
                .related(Some(m.location())),
            );
            continue;
        }
        if let Some(why) = r.route.elsewhere {
            shown.unknowns.push(r.finding(format!(
                "{label}: no guard here reads as authentication, and whether one applies is unknown: {why}"
            )));
            continue;
        }
        let others: Vec<&str> = r.route.guards.iter().map(|g| g.name.as_str()).collect();
        let has = if others.is_empty() {
            "it has no middleware".to_string()
        } else {
            format!("it has `{}`", others.join("`, `"))
        };
        let f = r.finding(format!(
            "{label} has no authentication middleware: no guard on the route or registered before it reads as authentication ({has}); put it behind the service's authentication, or, if it is open to anyone on purpose, list its path in `claims.authentication.public_paths`"
        ));
        shown.failures.push(if claimed {
            contradicts(cx, f, pointer, "every endpoint requires authentication")
        } else {
            f
        });
    }
    // A route in a file that could not be read may have no authentication.
    shown
        .unknowns
        .extend(kit::code::unread(cx, &[Topic::Route]));
    (shown, by_declaration)
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Outcome};

    use crate::fixture::{basis, contradicts, described, findings, run};

    /// The messages of the findings about code, with their locations.
    fn code(o: &Outcome) -> Vec<String> {
        findings(o)
            .iter()
            .filter(|f| {
                f.location
                    .as_ref()
                    .is_some_and(|l| l.path != "launchgate.yaml")
            })
            .map(described)
            .collect()
    }

    #[test]
    fn a_route_without_authentication_contradicts_the_claim() {
        assert!(contradicts(
            "SEC-012",
            "fail_express_route_contradicts_claim",
            "claims.authentication.required"
        ));
        assert_eq!(
            code(&run("SEC-012", "fail_gin_route_outside_auth_group")),
            [
                "main.go:10 `POST /imports` (`r.POST(...)` in `main`, gin) has no authentication middleware: no guard on the route or registered before it reads as authentication (it has no middleware); put it behind the service's authentication, or, if it is open to anyone on purpose, list its path in `claims.authentication.public_paths`; `claims.authentication.required` says every endpoint requires authentication"
            ]
        );
    }

    #[test]
    fn authenticated_routes_prove_the_first_part() {
        assert_eq!(
            code(&run("SEC-012", "pass_spring_security_filter_chain")),
            [
                "src/main/java/com/acme/billing/InvoiceController.java:9 `GET /v1/invoices/{id}` (`@GetMapping(...)` in `get`, spring) has no authentication of its own; `SecurityFilterChain` (`SecurityFilterChain filterChain`) at src/main/java/com/acme/billing/SecurityConfig.java:8 reads as authentication for every route"
            ]
        );
        assert_eq!(
            code(&run("SEC-012", "pass_flask_login_required")),
            [
                "app/views.py:12 `GET,POST /orders` (`@app.route(...)` in `orders`, flask) requires authentication: `login_required`"
            ]
        );
        assert_eq!(
            basis("SEC-012", "pass_flask_login_required"),
            Some(Basis::Attested)
        );
        assert_eq!(
            code(&run("SEC-012", "pass_go_mux_wrapped_in_auth")).len(),
            2
        );
        assert_eq!(
            code(&run("SEC-012", "pass_nestjs_guards")),
            [
                "src/items.controller.ts:7 `GET /items/:id` (`@Get(...)` in `find`, nestjs) requires authentication: `UseGuards(AuthGuard('jwt'))` (router- or group-wide)",
                "src/items.controller.ts:12 `POST /items` (`@Post(...)` in `create`, nestjs) requires authentication: `UseGuards(AuthGuard('jwt'))` (router- or group-wide)",
            ]
        );
    }

    #[test]
    fn routes_declared_public_pass_by_the_manifests_word() {
        assert_eq!(
            code(&run("SEC-012", "pass_declared_public_paths")),
            [
                "main.go:12 `GET <baseURL>/` (`r.HandleFunc(...)` in `main`, net/http) is public by design: `claims.authentication.public_paths` lists `/`",
                "main.go:13 `GET <baseURL>/product/{id}` (`r.HandleFunc(...)` in `main`, net/http) is public by design: `claims.authentication.public_paths` lists `/product/*`",
                "main.go:14 `POST <baseURL>/cart` (`r.HandleFunc(...)` in `main`, net/http) is public by design: `claims.authentication.public_paths` lists `/cart`",
            ]
        );
        assert_eq!(
            basis("SEC-012", "pass_declared_public_paths"),
            Some(Basis::Attested)
        );
        assert_eq!(
            code(&run("SEC-012", "fail_route_outside_declared_public_paths")),
            [
                "main.go:13 `GET <baseURL>/product/{id}` (`r.HandleFunc(...)` in `main`, net/http) has no authentication middleware: no guard on the route or registered before it reads as authentication (it has no middleware); put it behind the service's authentication, or, if it is open to anyone on purpose, list its path in `claims.authentication.public_paths`"
            ]
        );
    }

    #[test]
    fn django_routes_get_the_guards_of_their_views() {
        assert_eq!(
            code(&run("SEC-012", "pass_django_views_guarded")),
            [
                "shop/urls.py:7 `ANY /orders` (`router.register(...)`, django) requires authentication: `DEFAULT_PERMISSION_CLASSES:[IsAuthenticated]` (app-wide)",
                "shop/urls.py:11 `ANY /` (`path(...)`, django) requires authentication: `login_required`",
                "shop/urls.py:12 `ANY /items/` (`path(...)`, django) requires authentication: `LoginRequiredMixin`",
            ]
        );
        assert_eq!(
            code(&run("SEC-012", "fail_django_view_without_login")),
            [
                "shop/urls.py:6 `ANY /invoices/<int:pk>/` (`path(...)`, django) has no authentication middleware: no guard on the route or registered before it reads as authentication (it has `csrf_exempt`); put it behind the service's authentication, or, if it is open to anyone on purpose, list its path in `claims.authentication.public_paths`",
                "shop/urls.py:7 `ANY /me/` (`path(...)`, django) has no authentication middleware: no guard on the route or registered before it reads as authentication (it has `api_view([\"GET\"])`); put it behind the service's authentication, or, if it is open to anyone on purpose, list its path in `claims.authentication.public_paths`",
            ]
        );
        assert_eq!(
            code(&run(
                "SEC-012",
                "inconclusive_django_view_module_not_scanned"
            )),
            [
                "shop/urls.py:6 `ANY /invoices/` (`path(...)`, django): no guard here reads as authentication, and whether one applies is unknown: the view's module is not in the scan (or does not define it), so its decorators and permission classes cannot be read"
            ]
        );
    }

    #[test]
    fn chi_groups_and_with_chains_guard_their_routes() {
        assert_eq!(
            code(&run("SEC-012", "fail_chi_route_outside_auth_group")),
            [
                "main.go:18 `POST /transfers` (`r.Post(...)` in `main`, chi) has no authentication middleware: no guard on the route or registered before it reads as authentication (it has no middleware); put it behind the service's authentication, or, if it is open to anyone on purpose, list its path in `claims.authentication.public_paths`; `claims.authentication.required` says every endpoint requires authentication"
            ]
        );
        assert_eq!(
            code(&run("SEC-012", "pass_chi_jwtauth_group")),
            [
                "main.go:16 `GET /accounts/{id}` (`r.Get(...)` in `main`, chi) requires authentication: `jwtauth.Verifier(tokenAuth)` (router- or group-wide)",
                "main.go:18 `POST /transfers` (`r.With(...).Post(...)` in `main`, chi) requires authentication: `jwtauth.Verifier(tokenAuth)`",
            ]
        );
    }

    #[test]
    fn a_router_mounted_elsewhere_is_unknown() {
        assert_eq!(
            code(&run(
                "SEC-012",
                "inconclusive_express_router_mounted_elsewhere"
            )),
            [
                "src/routes/accounts.ts:5 `GET /v1/accounts/:id` (`accounts.get(...)`, express): no guard here reads as authentication, and whether one applies is unknown: an Express router: middleware where it is mounted (`app.use(path, ..., router)`) in another file applies"
            ]
        );
    }
}
