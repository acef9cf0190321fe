//! HTTP routes of the service's code and the middleware that applies to them (source facts,
//! see `launchgate_source::routes`): which routes are public by nature, how a route is named in
//! a message, and the app-wide middleware of the service.

use launchgate_core::{Finding, Location};
use launchgate_evidence::code::{Fact, FactKind, Middleware, Role, Route};

use crate::CheckContext;
use crate::kit::code;

/// Path segments of routes that machines poll: health, readiness and liveness probes, metrics,
/// version and status pages, well-known files.
const PROBE_SEGMENTS: &[&str] = &[
    "health",
    "healthz",
    "healthcheck",
    "health-check",
    "livez",
    "live",
    "liveness",
    "readyz",
    "ready",
    "readiness",
    "startupz",
    "ping",
    "metrics",
    "prometheus",
    "status",
    "version",
    "favicon.ico",
    "robots.txt",
    ".well-known",
];

/// Path segments of routes that are public by nature besides the probes above: the sign-in
/// flow, API documentation.
const SIGN_IN_AND_DOCS: &[&str] = &[
    "login",
    "logout",
    "signin",
    "sign-in",
    "signup",
    "sign-up",
    "register",
    "oauth",
    "callback",
    "docs",
    "swagger",
    "openapi.json",
    "api-docs",
];

/// Whether a route's path is public by nature: a segment of it is a probe's
/// ([`PROBE_SEGMENTS`]) or one of the sign-in flow or the API docs ([`SIGN_IN_AND_DOCS`]).
pub fn public_path(path: &str) -> bool {
    probe_path(path) || has_segment(path, SIGN_IN_AND_DOCS)
}

/// Whether a route's path is one machines poll (see [`PROBE_SEGMENTS`]): health checks and
/// metrics may be left out of a rate limit, a sign-in form may not.
pub fn probe_path(path: &str) -> bool {
    has_segment(path, PROBE_SEGMENTS)
}

fn has_segment(path: &str, words: &[&str]) -> bool {
    path.split(['/', '?'])
        .map(|s| s.trim().trim_start_matches('_').to_ascii_lowercase())
        .any(|s| words.contains(&s.as_str()))
}

/// The pattern of `claims.authentication.public_paths` (see
/// `launchgate_manifest::AuthClaim::public_paths`) that a route's path matches: `*` matches any
/// run of characters, a trailing `/` and leading base-path variables of the route (`<baseUrl>`)
/// are ignored. A computed path matches none. With the pattern's index.
pub fn declared_public<'p>(patterns: &'p [String], path: &str) -> Option<(usize, &'p str)> {
    let mut route = path.split('?').next().unwrap_or("").trim();
    while let Some(rest) = route.strip_prefix('<')
        && let Some((_, after)) = rest.split_once('>')
    {
        route = after;
    }
    let route = route.trim_end_matches('/');
    patterns
        .iter()
        .map(|p| p.trim())
        .enumerate()
        .find(|(_, p)| glob(p.trim_end_matches('/').as_bytes(), route.as_bytes()))
}

/// Whether `text` matches `pattern`, where `*` matches any run of bytes.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    // The classic two-pointer match with backtracking to the last `*`: linear in practice,
    // quadratic at worst on these short strings.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// A route fact with its file.
pub struct RouteAt<'a> {
    pub path: &'a str,
    pub fact: &'a Fact,
    pub route: &'a Route,
}

impl RouteAt<'_> {
    pub fn location(&self) -> Location {
        Location::new(self.path.to_string(), self.fact.line, self.fact.column)
    }

    /// `` `GET /v1/charges` (`charges.post(...)` in `create`) ``.
    pub fn label(&self) -> String {
        let r = self.route;
        let path = r.path.as_deref().unwrap_or("(computed path)");
        let inside = code::inside(self.fact);
        format!(
            "`{} {path}` (`{}`{inside}, {})",
            r.method, r.text, r.framework
        )
    }

    /// Whether it is public by nature or declared public.
    pub fn public(&self) -> bool {
        self.route.path.as_deref().is_some_and(public_path)
            || self.route.guard(Role::Public).is_some()
    }

    /// Finding at the route.
    pub fn finding(&self, message: String) -> Finding {
        Finding::new(message).at(Some(self.location()))
    }
}

/// Every route of the service's code, in path and line order.
pub fn routes<'a>(cx: &'a CheckContext<'_>) -> Vec<RouteAt<'a>> {
    cx.evidence
        .source
        .facts()
        .filter_map(|(path, fact)| match &fact.kind {
            FactKind::Route(route) => Some(RouteAt {
                path: path.as_ref(),
                fact,
                route,
            }),
            _ => None,
        })
        .collect()
}

/// Middleware registered for more than one route, with its file.
pub struct MiddlewareAt<'a> {
    pub path: &'a str,
    pub fact: &'a Fact,
    pub middleware: &'a Middleware,
}

impl MiddlewareAt<'_> {
    pub fn location(&self) -> Location {
        Location::new(self.path.to_string(), self.fact.line, self.fact.column)
    }

    /// `` `app.use(...)` (`auth`) at src/app.ts:12 ``.
    pub fn label(&self) -> String {
        format!(
            "`{}` (`{}`) at {}:{}",
            self.middleware.text, self.middleware.guard.name, self.path, self.fact.line
        )
    }
}

/// The middleware facts of `role`, in path and line order.
pub fn middleware<'a>(cx: &'a CheckContext<'_>, role: Role) -> Vec<MiddlewareAt<'a>> {
    cx.evidence
        .source
        .facts()
        .filter_map(|(path, fact)| match &fact.kind {
            FactKind::Middleware(m) if m.guard.role == role => Some(MiddlewareAt {
                path: path.as_ref(),
                fact,
                middleware: m,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_and_sign_in_paths_are_public() {
        assert!(public_path("/healthz"));
        assert!(public_path("/api/v1/health"));
        assert!(public_path("/metrics"));
        assert!(public_path("/auth/login"));
        assert!(public_path("<baseUrl>/_healthz"));
        assert!(!public_path("/v1/charges"));
        assert!(!public_path("/healthy-snacks"));
        assert!(!public_path("/"));
        assert!(probe_path("/healthz"));
        assert!(probe_path("/metrics"));
        assert!(!probe_path("/auth/login"));
    }

    #[test]
    fn declared_public_paths_match_as_written_or_by_wildcard() {
        let declared: Vec<String> = ["/", "/product/*", "/cart/", "/static*"]
            .map(String::from)
            .to_vec();
        assert_eq!(declared_public(&declared, "<baseUrl>/"), Some((0, "/")));
        assert_eq!(declared_public(&declared, ""), Some((0, "/")));
        assert_eq!(
            declared_public(&declared, "<baseUrl>/product/{id}"),
            Some((1, "/product/*"))
        );
        assert_eq!(declared_public(&declared, "/cart"), Some((2, "/cart/")));
        assert_eq!(
            declared_public(&declared, "/static/a/b.css"),
            Some((3, "/static*"))
        );
        assert_eq!(declared_public(&declared, "/cart/checkout"), None);
        assert_eq!(declared_public(&declared, "/product"), None);
        assert_eq!(declared_public(&declared, "/v1/<tenant>/cart"), None);
        assert_eq!(declared_public(&[], "/"), None);
    }
}
