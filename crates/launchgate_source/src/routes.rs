//! HTTP routes and the middleware that applies to them, and writes to an audit log.
//!
//! What is read, per framework (the registration must be in a file the prefilter selects: the
//! app or router is built there, or a decorator names it; see `Language::keywords`):
//!
//! - Express: `app.get|post|...|all(path, mw..., handler)` on an `express()` app or a
//!   `Router()`, with `app.use(mw)` / `router.use(mw)` earlier in the file (with a path, only
//!   for routes under it) and `app.use(path, mw..., router)` mounting a router of the file.
//!   Routes on a router the file does not mount may get middleware where it is mounted.
//! - Fastify: `fastify.get(path, {preHandler|onRequest|preValidation: ...}, handler)`,
//!   `fastify.route({...})`, `addHook('onRequest'|'preHandler'|..., fn)` earlier in the file,
//!   and `register(rateLimit)`; routes in a plugin (`fastify` not built in the file) may get the
//!   hooks of the app it is registered on.
//! - NestJS: `@Get()`, `@Post()`, ... in a `@Controller()` class, with the guard, throttle and
//!   public decorators of the method and the class; `useGlobalGuards(...)` and `APP_GUARD`
//!   providers as app-wide guards.
//! - Flask and FastAPI: `@app.route`, `@bp.get`, `@router.post(..., dependencies=[...])`, with
//!   the other decorators of the function (`@login_required`, `@limiter.limit(...)`), its
//!   `Depends(...)` / `Security(...)` parameters, the `dependencies=` of the `FastAPI(...)` or
//!   `APIRouter(...)` it is registered on, `before_request` functions, `add_middleware(...)`,
//!   `include_router(..., dependencies=...)` and a Flask-Limiter `Limiter(...,
//!   default_limits=...)`. Routes on a router or blueprint may get dependencies where it is
//!   included.
//! - Go: net/http `HandleFunc` / `Handle` (Go 1.22 `"GET /x"` patterns, gorilla's
//!   `.Methods(...)`) with the handler's wrappers (`auth(h)`); a mux wrapped where it is served
//!   (`http.ListenAndServe(addr, auth(mux))`, `Handler: auth(mux)`); gin
//!   (`r.GET(path, mw..., h)`) and echo (`e.GET(path, h, mw...)`) with `Use(...)` earlier in
//!   the file and groups (`g := r.Group(path, mw...)`). A router the file does not build may get
//!   middleware where it is built.
//! - chi: `r.Get(path, h)`, ..., `r.Method(m, path, h)`, `r.With(mw...).Post(...)`, inside
//!   `r.Group(func(r chi.Router) {...})` and `r.Route(prefix, ...)` closures, with the `Use(...)`
//!   before the route in its function or closure and in the closures around it. Routes of a
//!   router returned (to be mounted) or passed in may get middleware where it is mounted.
//! - Django: see `django`.
//! - Spring: `@GetMapping`, `@PostMapping`, ..., `@RequestMapping` in a controller, with
//!   `@PreAuthorize`, `@Secured`, `@RolesAllowed`, `@PermitAll` and `@RateLimiter` on the method
//!   or the class; a `SecurityFilterChain` (or `WebSecurityConfigurerAdapter`) that requires
//!   authentication as app-wide.
//!
//! A guard's role is read from its name (`Role`); a name that says nothing is
//! [`Role::Other`](crate::Role::Other). Paths are as written; a computed one is unknown.

use std::collections::BTreeMap;

use tree_sitter::Node;

use crate::syntax::Syntax;
use crate::tree::{File, args, compact, named_children};
use crate::{Audit, Fact, FactKind, Guard, Middleware, Role, Route, Scope};

/// At most this many guards are kept per route.
const MAX_GUARDS: usize = 16;

const EXPRESS_ROUTER: &str = "an Express router: middleware where it is mounted (`app.use(path, ..., router)`) in another file applies";
const FASTIFY_PLUGIN: &str =
    "a Fastify plugin: hooks of the app it is registered on in another file apply";
const PY_ROUTER: &str =
    "a router or blueprint: dependencies and hooks where it is included in another file apply";
const PY_IMPORTED: &str =
    "the app or router is built in another file, where middleware or dependencies may apply";
const GO_ROUTER: &str =
    "the router is built in another file, where middleware registered on it applies";

/// The role a guard's name reads as.
pub(crate) fn role(name: &str) -> Role {
    let t: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    // `@limiter.exempt`, `@SkipThrottle()`; `@SkipThrottle({default: false})` throttles again.
    if any(&["exempt", "skipthrottle"]) && !t.contains("csrf") && !t.contains("false") {
        return Role::RateLimitExempt;
    }
    if any(&[
        "ratelimit",
        "limiter",
        "throttl",
        "tollbooth",
        "httprate",
        "slowdown",
        "slowapi",
        "bucket4j",
        "limitrequests",
        "tokenbucket",
    ]) {
        return Role::RateLimit;
    }
    if any(&[
        "public",
        "allowany",
        "permitall",
        "allowanonymous",
        "skipauth",
        "noauth",
        "withoutauth",
    ]) {
        return Role::Public;
    }
    if any(&["optional", "csrf", "swagger", "openapi"]) || t.starts_with("api") {
        return Role::Other;
    }
    if any(&[
        "auth",
        "jwt",
        "passport",
        "loginrequired",
        "passestest",
        "requireuser",
        "requirelogin",
        "loggedin",
        "currentuser",
        "currentactiveuser",
        "secured",
        "rolesallowed",
        "hasrole",
        "hasauthority",
        "permission",
        "verifytoken",
        "token",
        "bearer",
        "apikey",
        "guard",
        "protect",
        "requirerole",
        "admin",
        "roles",
        "keycloak",
        "cognito",
    ]) {
        return Role::Auth;
    }
    Role::Other
}

fn guard(name: &str, scope: Scope, line: u32) -> Guard {
    Guard {
        role: role(name),
        name: crate::short(&compact(name)),
        scope,
        line,
    }
}

/// The value of a string literal without quotes, if `n` is one without substitutions.
fn literal(f: &File<'_>, n: Node<'_>) -> Option<String> {
    let text = f.text(n);
    match n.ty() {
        "string" | "string_literal" | "interpreted_string_literal" | "raw_string_literal" => {}
        "template_string" if !text.contains("${") => {}
        _ => return None,
    }
    let t = text.trim_start_matches(['r', 'b', 'u', 'f', 'R', 'B', 'U', 'F']);
    if text.starts_with(['f', 'F']) && t.contains('{') {
        return None;
    }
    let t = t.trim_matches(['"', '\'', '`']);
    Some(crate::short(t))
}

/// A route's path as written: a literal, or a concatenation of literals and names, with each
/// name shown as `<name>` (`baseUrl + "/cart"` is `<baseUrl>/cart`); `None` when no part of it
/// is a literal or a part is something else.
fn path_of(f: &File<'_>, n: Node<'_>) -> Option<String> {
    fn parts(f: &File<'_>, n: Node<'_>, out: &mut String, literals: &mut bool) -> bool {
        if let Some(l) = literal(f, n) {
            out.push_str(&l);
            *literals = true;
            return true;
        }
        match n.ty() {
            "binary_expression" => {
                let op = n.field("operator").map(|o| f.text(o));
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
                    return false;
                };
                op == Some("+") && parts(f, l, out, literals) && parts(f, r, out, literals)
            }
            "identifier" | "selector_expression" | "member_expression" | "attribute" => {
                out.push('<');
                out.push_str(&compact(f.text(n)));
                out.push('>');
                true
            }
            _ => false,
        }
    }
    let mut out = String::new();
    let mut literals = false;
    (parts(f, n, &mut out, &mut literals) && literals).then(|| crate::short(&out))
}

/// The call's text before its argument list, compacted: `app.get`, `auditLogger.info`.
fn head(f: &File<'_>, call: Node<'_>) -> String {
    let end = call
        .field("arguments")
        .map_or(call.end_byte(), |a| a.start_byte());
    compact(f.text.get(call.start_byte()..end).unwrap_or(""))
}

/// Whether a callee names an audit log: a part of it (split at `.` or a space) starts with
/// `audit` or `Audit` (`audit.log`, `this.auditService.record`, `new AuditEvent`; not
/// `logAudit`).
fn audits(callee: &str) -> bool {
    callee
        .split(['.', ' ', '?', '!'])
        .any(|p| p.starts_with("audit") || p.starts_with("Audit"))
}

fn audit_fact(f: &File<'_>, n: Node<'_>, callee: &str, function: Option<String>) -> Fact {
    f.fact(
        n,
        function,
        FactKind::Audit(Audit {
            text: crate::short(&format!("{callee}(...)")),
        }),
    )
}

/// A guard registered for more than one route, with where it applies.
#[derive(Clone)]
struct Wide {
    guard: Guard,
    /// The byte offset from which it applies (routes registered after it).
    from: usize,
    /// Only under this path prefix, when one is given.
    prefix: Option<String>,
}

impl Wide {
    fn applies(&self, at: usize, path: Option<&str>) -> bool {
        at >= self.from
            && match (&self.prefix, path) {
                (None, _) => true,
                (Some(p), Some(path)) => path.starts_with(p.as_str()),
                (Some(_), None) => false,
            }
    }
}

fn middleware_fact(
    f: &File<'_>,
    n: Node<'_>,
    function: Option<String>,
    framework: &'static str,
    text: &str,
    guard: &Guard,
) -> Option<Fact> {
    matches!(guard.role, Role::Auth | Role::RateLimit | Role::Public).then(|| {
        f.fact(
            n,
            function,
            FactKind::Middleware(Middleware {
                framework,
                text: crate::short(text),
                guard: guard.clone(),
            }),
        )
    })
}

fn route_fact(f: &File<'_>, n: Node<'_>, function: Option<String>, mut route: Route) -> Fact {
    route.guards.truncate(MAX_GUARDS);
    f.fact(n, function, FactKind::Route(route))
}

// ---------------------------------------------------------------------------------------------
// JavaScript and TypeScript.

#[derive(Clone, Copy, PartialEq, Eq)]
enum JsKind {
    ExpressApp,
    ExpressRouter,
    FastifyApp,
    FastifyPlugin,
}

const JS_VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "options", "head", "all",
];
const FASTIFY_HOOKS: &[&str] = &["onRequest", "preParsing", "preValidation", "preHandler"];

fn js_construction(callee: &str) -> Option<JsKind> {
    match callee {
        "express" => Some(JsKind::ExpressApp),
        "Router" | "express.Router" => Some(JsKind::ExpressRouter),
        "fastify"
        | "Fastify"
        | "fastify.default"
        | "require('fastify')"
        | "require(\"fastify\")" => Some(JsKind::FastifyApp),
        _ => None,
    }
}

pub(crate) fn js(f: &File<'_>, nodes: &[Node<'_>], out: &mut Vec<Fact>) {
    let function = |n: Node<'_>| crate::js::function(f, n);
    // The apps and routers built in the file, by name.
    let mut kinds: BTreeMap<String, JsKind> = BTreeMap::new();
    for (n, ty) in f.typed() {
        let (name, value) = match ty {
            "variable_declarator" => (n.field("name"), n.field("value")),
            "assignment_expression" => (n.field("left"), n.field("right")),
            _ => continue,
        };
        let (Some(name), Some(mut value)) = (name, value) else {
            continue;
        };
        while matches!(value.ty(), "await_expression" | "new_expression") {
            match value.named_child(0) {
                Some(v) if value.ty() == "await_expression" => value = v,
                _ => break,
            }
        }
        let callee = match value.ty() {
            "call_expression" => value.field("function"),
            "new_expression" => value.field("constructor"),
            _ => None,
        };
        if let Some(kind) = callee.and_then(|c| js_construction(&compact(f.text(c)))) {
            kinds.insert(compact(f.text(name)), kind);
        }
    }
    let kind_of = |receiver: &str| -> Option<JsKind> {
        kinds.get(receiver).copied().or_else(|| {
            (receiver == "fastify" || receiver == "this.fastify").then_some(JsKind::FastifyPlugin)
        })
    };
    // App-, router- and mount-wide guards by receiver, in source order.
    let mut wide: BTreeMap<String, Vec<Wide>> = BTreeMap::new();
    // Routers mounted in the file: the guards of the mount.
    let mut mounts: BTreeMap<String, Vec<Guard>> = BTreeMap::new();
    let calls: Vec<Node<'_>> = nodes
        .iter()
        .copied()
        .filter(|n| matches!(n.ty(), "call_expression" | "new_expression"))
        .collect();
    let mut routes: Vec<(Node<'_>, String, Route)> = Vec::new();
    for &n in &calls {
        let callee_node = n.field("function").or_else(|| n.field("constructor"));
        let callee = callee_node.map(|c| compact(f.text(c))).unwrap_or_default();
        if audits(&callee) {
            out.push(audit_fact(f, n, &callee, function(n)));
        }
        if n.ty() != "call_expression" {
            continue;
        }
        let Some((receiver, method)) = callee.rsplit_once('.') else {
            continue;
        };
        if method == "useGlobalGuards" {
            for a in args(n) {
                let g = guard(f.text(a), Scope::App, File::line(a));
                out.extend(middleware_fact(
                    f,
                    n,
                    function(n),
                    "nestjs",
                    &format!("{callee}(...)"),
                    &g,
                ));
            }
            continue;
        }
        let Some(kind) = kind_of(receiver) else {
            continue;
        };
        let framework = match kind {
            JsKind::ExpressApp | JsKind::ExpressRouter => "express",
            JsKind::FastifyApp | JsKind::FastifyPlugin => "fastify",
        };
        let scope = if matches!(kind, JsKind::ExpressApp | JsKind::FastifyApp) {
            Scope::App
        } else {
            Scope::Group
        };
        let a = args(n);
        match method {
            "use" if framework == "express" => {
                let prefix = a.first().and_then(|x| literal(f, *x));
                let rest = if prefix.is_some() { &a[1..] } else { &a[..] };
                // Under a path or before a router, the middleware is the mount's.
                let mounting = rest
                    .iter()
                    .any(|m| kinds.get(&compact(f.text(*m))) == Some(&JsKind::ExpressRouter));
                let scope = if prefix.is_some() || mounting {
                    Scope::Group
                } else {
                    scope
                };
                let mut before: Vec<Guard> = Vec::new();
                for m in rest {
                    let text = compact(f.text(*m));
                    if kinds.get(&text) == Some(&JsKind::ExpressRouter) {
                        let mut gs: Vec<Guard> = wide
                            .get(receiver)
                            .map(|w| {
                                w.iter()
                                    .filter(|w| w.from < n.start_byte())
                                    .filter(|w| w.applies(n.start_byte(), prefix.as_deref()))
                                    .map(|w| w.guard.clone())
                                    .collect()
                            })
                            .unwrap_or_default();
                        gs.extend(before.iter().cloned());
                        mounts.entry(text).or_default().extend(gs);
                        continue;
                    }
                    // A router imported from another file is no middleware.
                    let lower = text.to_ascii_lowercase();
                    if lower.ends_with("router") || lower.ends_with("routes") {
                        continue;
                    }
                    for item in flatten(*m) {
                        let g = hook_guard(f, item, scope);
                        out.extend(middleware_fact(
                            f,
                            n,
                            function(n),
                            framework,
                            &format!("{callee}(...)"),
                            &g,
                        ));
                        if g.role == Role::RateLimit {
                            for p in skipped_paths(f, nodes, item) {
                                wide.entry(receiver.to_string()).or_default().push(Wide {
                                    guard: Guard {
                                        name: crate::short(&format!("skip: '{p}'")),
                                        role: Role::RateLimitExempt,
                                        scope,
                                        line: File::line(item),
                                    },
                                    from: n.start_byte(),
                                    prefix: Some(p),
                                });
                            }
                        }
                        before.push(g.clone());
                        wide.entry(receiver.to_string()).or_default().push(Wide {
                            guard: g,
                            from: n.start_byte(),
                            prefix: prefix.clone(),
                        });
                    }
                }
            }
            "addHook" if framework == "fastify" => {
                let hook = a.first().and_then(|x| literal(f, *x)).unwrap_or_default();
                if !FASTIFY_HOOKS.contains(&hook.as_str()) {
                    continue;
                }
                if let Some(h) = a.get(1) {
                    let g = hook_guard(f, *h, scope);
                    out.extend(middleware_fact(
                        f,
                        n,
                        function(n),
                        framework,
                        &format!("{callee}('{hook}', ...)"),
                        &g,
                    ));
                    wide.entry(receiver.to_string()).or_default().push(Wide {
                        guard: g,
                        from: n.start_byte(),
                        prefix: None,
                    });
                }
            }
            "register" if framework == "fastify" => {
                if let Some(p) = a.first() {
                    let g = guard(f.text(*p), scope, File::line(*p));
                    if g.role == Role::RateLimit {
                        out.extend(middleware_fact(
                            f,
                            n,
                            function(n),
                            framework,
                            &format!("{callee}(...)"),
                            &g,
                        ));
                        wide.entry(receiver.to_string()).or_default().push(Wide {
                            guard: g,
                            from: n.start_byte(),
                            prefix: None,
                        });
                    }
                }
            }
            "route" if framework == "fastify" => {
                let Some(obj) = a.first().filter(|o| o.ty() == "object") else {
                    continue;
                };
                let pairs = object_pairs(f, *obj);
                let get = |k: &str| {
                    pairs
                        .iter()
                        .find(|(key, _)| key.as_str() == k)
                        .map(|(_, v)| *v)
                };
                let method = get("method").map_or_else(
                    || "ANY".to_string(),
                    |m| {
                        literal(f, m).map_or_else(
                            || compact(f.text(m)).to_ascii_uppercase(),
                            |s| s.to_ascii_uppercase(),
                        )
                    },
                );
                let path = get("url")
                    .or_else(|| get("path"))
                    .and_then(|p| literal(f, p));
                let guards = fastify_options(f, &pairs);
                routes.push((
                    n,
                    receiver.to_string(),
                    Route {
                        framework,
                        method,
                        path,
                        text: format!("{callee}(...)"),
                        guards,
                        elsewhere: None,
                        view: None,
                    },
                ));
            }
            m if JS_VERBS.contains(&m) && a.len() >= 2 => {
                let path = path_of(f, a[0]);
                if path.is_none() && !matches!(a[0].ty(), "identifier" | "member_expression") {
                    continue;
                }
                let mut guards = Vec::new();
                if framework == "fastify" {
                    if a.len() >= 3 && a[1].ty() == "object" {
                        guards = fastify_options(f, &object_pairs(f, a[1]));
                    }
                } else {
                    for m in &a[1..a.len() - 1] {
                        for item in flatten(*m) {
                            guards.push(hook_guard(f, item, Scope::Route));
                        }
                    }
                }
                routes.push((
                    n,
                    receiver.to_string(),
                    Route {
                        framework,
                        method: m.to_ascii_uppercase().replace("ALL", "ANY"),
                        path,
                        text: format!("{callee}(...)"),
                        guards,
                        elsewhere: None,
                        view: None,
                    },
                ));
            }
            _ => {}
        }
    }
    for (n, receiver, mut route) in routes {
        let kind = kind_of(&receiver);
        let mut guards: Vec<Guard> = mounts.get(&receiver).cloned().unwrap_or_default();
        if let Some(w) = wide.get(&receiver) {
            guards.extend(
                w.iter()
                    .filter(|w| w.applies(n.start_byte(), route.path.as_deref()))
                    .map(|w| w.guard.clone()),
            );
        }
        guards.append(&mut route.guards);
        route.guards = guards;
        route.elsewhere = match kind {
            Some(JsKind::ExpressRouter) if !mounts.contains_key(&receiver) => Some(EXPRESS_ROUTER),
            Some(JsKind::FastifyPlugin) => Some(FASTIFY_PLUGIN),
            _ => None,
        };
        out.push(route_fact(f, n, crate::js::function(f, n), route));
    }
    nest(f, out);
}

/// The paths an express-rate-limit `skip` function lets through: the literals starting with
/// `/` in the `skip` option of the limiter's construction (in the `use(...)` or bound to the
/// name it passes earlier in the file): `skip: (req) => req.path === '/webhooks'`.
fn skipped_paths(f: &File<'_>, nodes: &[Node<'_>], item: Node<'_>) -> Vec<String> {
    let construction = if item.ty() == "call_expression" {
        Some(item)
    } else if item.ty() == "identifier" {
        let name = f.text(item);
        nodes
            .iter()
            .filter(|d| d.ty() == "variable_declarator")
            .find(|d| d.field("name").is_some_and(|x| f.text(x) == name))
            .and_then(|d| d.field("value"))
            .filter(|v| v.ty() == "call_expression")
    } else {
        None
    };
    let Some(skip) = construction
        .and_then(|c| args(c).into_iter().find(|a| a.ty() == "object"))
        .and_then(|o| crate::retries::setting(f.text(o), "skip"))
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for q in ['\'', '"', '`'] {
        let parts: Vec<&str> = skip.split(q).collect();
        for lit in parts.iter().skip(1).step_by(2) {
            if lit.starts_with('/') && !lit.contains("${") && !out.iter().any(|o| o == lit) {
                out.push((*lit).to_string());
            }
        }
    }
    out
}

/// The items of an array argument, or the argument itself.
fn flatten(n: Node<'_>) -> Vec<Node<'_>> {
    if matches!(n.ty(), "array" | "list") {
        named_children(n)
    } else {
        vec![n]
    }
}

fn object_pairs<'t>(f: &File<'t>, obj: Node<'t>) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    for p in named_children(obj) {
        match p.ty() {
            "pair" => {
                if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                    out.push((f.text(k).trim_matches(['"', '\'']).to_string(), v));
                }
            }
            "shorthand_property_identifier" => out.push((f.text(p).to_string(), p)),
            "method_definition" => {
                if let Some(k) = p.field("name") {
                    out.push((f.text(k).to_string(), p));
                }
            }
            _ => {}
        }
    }
    out
}

/// The guards of a Fastify route's options: its hooks and `config.rateLimit`.
fn fastify_options(f: &File<'_>, pairs: &[(String, Node<'_>)]) -> Vec<Guard> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        if FASTIFY_HOOKS.contains(&k.as_str()) || k == "beforeHandler" {
            for item in flatten(*v) {
                out.push(hook_guard(f, item, Scope::Route));
            }
        } else if k == "config" && v.ty() == "object" {
            for (ck, cv) in object_pairs(f, *v) {
                if ck == "rateLimit" && f.text(cv) != "false" {
                    out.push(Guard {
                        name: "config.rateLimit".to_string(),
                        role: Role::RateLimit,
                        scope: Scope::Route,
                        line: File::line(cv),
                    });
                }
            }
        }
    }
    out
}

/// A hook as a guard: a named function by its name; an inline one by what its body calls
/// (`request.jwtVerify()` reads as authentication).
fn hook_guard(f: &File<'_>, h: Node<'_>, scope: Scope) -> Guard {
    if matches!(
        h.ty(),
        "arrow_function" | "function_expression" | "function"
    ) {
        let body = f.text(h);
        let role = if ["jwtVerify", "authenticate", "verifyToken", "auth"]
            .iter()
            .any(|w| body.contains(w))
        {
            Role::Auth
        } else {
            Role::Other
        };
        return Guard {
            name: "(inline function)".to_string(),
            role,
            scope,
            line: File::line(h),
        };
    }
    guard(f.text(h), scope, File::line(h))
}

/// NestJS controllers: `@Get()` methods of `@Controller()` classes with their guards.
fn nest(f: &File<'_>, out: &mut Vec<Fact>) {
    for class in f.of_kind("class_declaration") {
        let mut decorators = children_of_kind(*class, "decorator");
        if let Some(p) = class.parent().filter(|p| p.ty() == "export_statement") {
            decorators.extend(children_of_kind(p, "decorator"));
        }
        let Some(controller) = decorators
            .iter()
            .find(|d| decorator_name(f, **d) == "Controller")
        else {
            continue;
        };
        let prefix = decorator_args(*controller)
            .first()
            .and_then(|a| literal(f, *a))
            .unwrap_or_default();
        let class_guards: Vec<Guard> = decorators
            .iter()
            .filter(|d| decorator_name(f, **d) != "Controller")
            .map(|d| {
                guard(
                    f.text(*d).trim_start_matches('@'),
                    Scope::Group,
                    File::line(*d),
                )
            })
            .filter(|g| g.role != Role::Other)
            .collect();
        let Some(body) = class.field("body") else {
            continue;
        };
        let members = named_children(body);
        for (i, m) in members.iter().enumerate() {
            if m.ty() != "method_definition" {
                continue;
            }
            let mut decs = children_of_kind(*m, "decorator");
            let mut j = i;
            while j > 0 && members[j - 1].ty() == "decorator" {
                decs.push(members[j - 1]);
                j -= 1;
            }
            decs.sort_by_key(Node::start_byte);
            let Some(verb) = decs.iter().find(|d| {
                matches!(
                    decorator_name(f, **d).as_str(),
                    "Get" | "Post" | "Put" | "Patch" | "Delete" | "Options" | "Head" | "All"
                )
            }) else {
                continue;
            };
            let name = decorator_name(f, *verb);
            let sub = decorator_args(*verb).first().map(|a| literal(f, *a));
            let path = match sub {
                None => Some(format!("/{}", prefix.trim_matches('/'))),
                Some(Some(s)) => Some(format!(
                    "/{}",
                    [prefix.trim_matches('/'), s.trim_matches('/')]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("/")
                )),
                Some(None) => None,
            };
            let mut guards = class_guards.clone();
            guards.extend(
                decs.iter()
                    .filter(|d| d.id() != verb.id())
                    .map(|d| {
                        guard(
                            f.text(*d).trim_start_matches('@'),
                            Scope::Route,
                            File::line(*d),
                        )
                    })
                    .filter(|g| g.role != Role::Other),
            );
            let function = m.field("name").map(|x| f.text(x).to_string());
            out.push(route_fact(
                f,
                *verb,
                function,
                Route {
                    framework: "nestjs",
                    method: name.to_ascii_uppercase().replace("ALL", "ANY"),
                    path,
                    text: format!("@{name}(...)"),
                    guards,
                    elsewhere: None,
                    view: None,
                },
            ));
        }
    }
    // `{ provide: APP_GUARD, useClass: AuthGuard }`
    for obj in f.of_kind("object") {
        let pairs = object_pairs(f, *obj);
        let provides = pairs
            .iter()
            .any(|(k, v)| k == "provide" && f.text(*v) == "APP_GUARD");
        if !provides {
            continue;
        }
        if let Some((_, v)) = pairs
            .iter()
            .find(|(k, _)| matches!(k.as_str(), "useClass" | "useExisting" | "useValue"))
        {
            let g = guard(f.text(*v), Scope::App, File::line(*v));
            out.extend(middleware_fact(
                f,
                *obj,
                crate::js::function(f, *obj),
                "nestjs",
                "APP_GUARD",
                &g,
            ));
        }
    }
}

fn children_of_kind<'t>(n: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = n.walk();
    n.children(&mut cursor).filter(|c| c.ty() == kind).collect()
}

/// `Get` for `@Get(':id')`, `Controller` for `@Controller()`.
fn decorator_name(f: &File<'_>, d: Node<'_>) -> String {
    let text = f.text(d).trim_start_matches('@');
    text.split(['(', ' ', '\n'])
        .next()
        .unwrap_or("")
        .to_string()
}

fn decorator_args(d: Node<'_>) -> Vec<Node<'_>> {
    named_children(d)
        .into_iter()
        .find(|c| c.ty() == "call_expression")
        .map(args)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Python.

#[derive(Clone, Copy, PartialEq, Eq)]
enum PyKind {
    FlaskApp,
    Blueprint,
    FastApi,
    ApiRouter,
}

const PY_ROUTE_METHODS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
];

/// The names an app or router usually has in a decorator (`@app.get`), matched without its
/// construction in the file.
/// A route decorator of a function: its call, callee, method, path and dependencies.
type Found<'t> = (Node<'t>, String, String, Option<String>, Vec<Guard>);

const PY_RECEIVERS: &[&str] = &["app", "router", "bp", "api", "blueprint"];

pub(crate) fn python(f: &File<'_>, out: &mut Vec<Fact>) {
    let function = |n: Node<'_>| crate::python::function(f, n);
    let fastapi = f.text.contains("fastapi");
    let mut kinds: BTreeMap<String, PyKind> = BTreeMap::new();
    let mut wide: BTreeMap<String, Vec<Wide>> = BTreeMap::new();
    for n in f.of_kind("assignment") {
        let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
            continue;
        };
        if r.ty() != "call" {
            continue;
        }
        let callee = r
            .field("function")
            .map(|c| compact(f.text(c)))
            .unwrap_or_default();
        let last = callee.rsplit('.').next().unwrap_or("");
        let kind = match last {
            "Flask" => PyKind::FlaskApp,
            "Blueprint" => PyKind::Blueprint,
            "FastAPI" => PyKind::FastApi,
            "APIRouter" => PyKind::ApiRouter,
            _ => continue,
        };
        let name = compact(f.text(l));
        let scope = if matches!(kind, PyKind::FlaskApp | PyKind::FastApi) {
            Scope::App
        } else {
            Scope::Group
        };
        for g in dependencies(f, r, scope) {
            wide.entry(name.clone()).or_default().push(Wide {
                guard: g,
                from: 0,
                prefix: None,
            });
        }
        kinds.insert(name, kind);
    }
    let mut routes: Vec<(Node<'_>, String, Route, Option<String>)> = Vec::new();
    for (n, ty) in f.typed() {
        match ty {
            "call" => {
                let callee = n
                    .field("function")
                    .map(|c| compact(f.text(c)))
                    .unwrap_or_default();
                if audits(&callee) {
                    out.push(audit_fact(f, *n, &callee, function(*n)));
                }
                let last = callee.rsplit('.').next().unwrap_or("");
                let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r);
                let a = args(*n);
                match last {
                    // Flask-Limiter with limits for every route.
                    "Limiter" if has_keyword(f, *n, "default_limits") => {
                        let g = Guard {
                            name: "Limiter(default_limits=...)".to_string(),
                            role: Role::RateLimit,
                            scope: Scope::App,
                            line: File::line(*n),
                        };
                        out.extend(middleware_fact(
                            f,
                            *n,
                            function(*n),
                            "flask",
                            &format!("{callee}(...)"),
                            &g,
                        ));
                    }
                    "add_middleware" => {
                        if let Some(m) = a.first() {
                            let g = guard(f.text(*m), Scope::App, File::line(*m));
                            out.extend(middleware_fact(
                                f,
                                *n,
                                function(*n),
                                if fastapi { "fastapi" } else { "flask" },
                                &format!("{callee}(...)"),
                                &g,
                            ));
                            wide.entry(receiver.to_string()).or_default().push(Wide {
                                guard: g,
                                from: 0,
                                prefix: None,
                            });
                        }
                    }
                    "include_router" => {
                        for g in dependencies(f, *n, Scope::Group) {
                            out.extend(middleware_fact(
                                f,
                                *n,
                                function(*n),
                                "fastapi",
                                &format!("{callee}(...)"),
                                &g,
                            ));
                            if let Some(r) = a.first() {
                                wide.entry(compact(f.text(*r))).or_default().push(Wide {
                                    guard: g,
                                    from: 0,
                                    prefix: None,
                                });
                            }
                        }
                    }
                    "before_request" if n.parent().is_some_and(|p| p.ty() != "decorator") => {
                        if let Some(h) = a.first() {
                            let scope = if kinds.get(receiver) == Some(&PyKind::Blueprint) {
                                Scope::Group
                            } else {
                                Scope::App
                            };
                            let g = guard(f.text(*h), scope, File::line(*h));
                            out.extend(middleware_fact(
                                f,
                                *n,
                                function(*n),
                                "flask",
                                &format!("{callee}(...)"),
                                &g,
                            ));
                            wide.entry(receiver.to_string()).or_default().push(Wide {
                                guard: g,
                                from: n.start_byte(),
                                prefix: None,
                            });
                        }
                    }
                    _ => {}
                }
            }
            "decorated_definition" => {
                let decs = children_of_kind(*n, "decorator");
                let Some(def) = n
                    .field("definition")
                    .filter(|d| d.ty() == "function_definition")
                else {
                    continue;
                };
                let fname = def.field("name").map(|x| f.text(x).to_string());
                let mut own: Vec<Guard> = Vec::new();
                let mut found: Vec<Found<'_>> = Vec::new();
                for d in &decs {
                    let expr = named_children(*d).into_iter().next();
                    let call = expr.filter(|e| e.ty() == "call");
                    let callee = call
                        .and_then(|c| c.field("function"))
                        .or(expr)
                        .map(|c| compact(f.text(c)))
                        .unwrap_or_default();
                    let (receiver, method) =
                        callee.rsplit_once('.').unwrap_or(("", callee.as_str()));
                    if method == "before_request" {
                        let scope = if kinds.get(receiver) == Some(&PyKind::Blueprint) {
                            Scope::Group
                        } else {
                            Scope::App
                        };
                        let g = guard(fname.as_deref().unwrap_or(""), scope, File::line(*d));
                        out.extend(middleware_fact(
                            f,
                            *d,
                            None,
                            "flask",
                            &format!("@{callee}"),
                            &g,
                        ));
                        wide.entry(receiver.to_string()).or_default().push(Wide {
                            guard: g,
                            from: d.start_byte(),
                            prefix: None,
                        });
                        continue;
                    }
                    // The receivers the prefilter selects a file for (see `Language::keywords`).
                    let route_call = call.filter(|_| {
                        PY_ROUTE_METHODS.contains(&method)
                            && !receiver.is_empty()
                            && (method == "route"
                                || kinds.contains_key(receiver)
                                || PY_RECEIVERS.contains(&receiver))
                    });
                    let Some(c) = route_call else {
                        own.push(guard(
                            f.text(*d).trim_start_matches('@'),
                            Scope::Route,
                            File::line(*d),
                        ));
                        continue;
                    };
                    let a = args(c);
                    let path = match a.iter().find(|x| x.ty() != "keyword_argument") {
                        Some(x) => literal(f, *x),
                        None => keyword(f, c, "path").and_then(|p| literal(f, p)),
                    };
                    let verb = if method == "route" || method == "api_route" {
                        keyword(f, c, "methods")
                            .map(|m| {
                                let items: Vec<String> = named_children(m)
                                    .iter()
                                    .map(|x| {
                                        literal(f, *x)
                                            .unwrap_or_else(|| f.text(*x).to_string())
                                            .to_ascii_uppercase()
                                    })
                                    .collect();
                                items.join(",")
                            })
                            .filter(|m| !m.is_empty())
                            .unwrap_or_else(|| {
                                (if method == "route" { "GET" } else { "ANY" }).to_string()
                            })
                    } else {
                        method.to_ascii_uppercase()
                    };
                    found.push((
                        c,
                        callee.clone(),
                        verb,
                        path,
                        dependencies(f, c, Scope::Route),
                    ));
                }
                if found.is_empty() {
                    continue;
                }
                // `Depends(...)` and `Security(...)` parameters.
                let mut params = Vec::new();
                if let Some(ps) = def.field("parameters") {
                    let mut cursor = ps.walk();
                    let mut stack = vec![ps];
                    while let Some(x) = stack.pop() {
                        if x.ty() == "call" {
                            let c = x
                                .field("function")
                                .map(|c| compact(f.text(c)))
                                .unwrap_or_default();
                            if matches!(c.rsplit('.').next(), Some("Depends" | "Security")) {
                                params.push(guard(f.text(x), Scope::Route, File::line(x)));
                                continue;
                            }
                        }
                        stack.extend(x.named_children(&mut cursor));
                    }
                    params.sort_by_key(|g| g.line);
                }
                for (c, callee, verb, path, deps) in found {
                    let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r).to_string();
                    let kind = kinds.get(&receiver).copied();
                    let framework = match kind {
                        Some(PyKind::FastApi | PyKind::ApiRouter) => "fastapi",
                        None if fastapi => "fastapi",
                        Some(PyKind::FlaskApp | PyKind::Blueprint) | None => "flask",
                    };
                    let mut guards = deps;
                    guards.extend(own.iter().cloned());
                    guards.extend(params.iter().cloned());
                    routes.push((
                        c,
                        receiver,
                        Route {
                            framework,
                            method: verb,
                            path,
                            text: format!("@{callee}(...)"),
                            guards,
                            elsewhere: match kind {
                                Some(PyKind::FlaskApp | PyKind::FastApi) => None,
                                Some(_) => Some(PY_ROUTER),
                                None => Some(PY_IMPORTED),
                            },
                            view: None,
                        },
                        fname.clone(),
                    ));
                }
            }
            _ => {}
        }
    }
    for (n, receiver, mut route, fname) in routes {
        let mut guards: Vec<Guard> = wide
            .get(&receiver)
            .map(|w| {
                w.iter()
                    .filter(|w| w.applies(n.start_byte(), route.path.as_deref()))
                    .map(|w| w.guard.clone())
                    .collect()
            })
            .unwrap_or_default();
        guards.append(&mut route.guards);
        route.guards = guards;
        out.push(route_fact(f, n, fname, route));
    }
    crate::django::python(f, out);
}

fn keyword<'t>(f: &File<'t>, call: Node<'t>, name: &str) -> Option<Node<'t>> {
    args(call).into_iter().find_map(|a| {
        (a.ty() == "keyword_argument" && a.field("name").is_some_and(|k| f.text(k) == name))
            .then(|| a.field("value"))
            .flatten()
    })
}

fn has_keyword(f: &File<'_>, call: Node<'_>, name: &str) -> bool {
    keyword(f, call, name).is_some()
}

/// The items of a call's `dependencies=[...]`.
fn dependencies(f: &File<'_>, call: Node<'_>, scope: Scope) -> Vec<Guard> {
    keyword(f, call, "dependencies")
        .map(|l| {
            flatten(l)
                .into_iter()
                .map(|d| guard(f.text(d), scope, File::line(d)))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Go.

const GO_VERBS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "Any",
];
const GO_CONSTRUCTIONS: &[&str] = &[
    "gin.Default",
    "gin.New",
    "echo.New",
    "http.NewServeMux",
    "mux.NewRouter",
    "chi.NewRouter",
    "chi.NewMux",
];

struct GoRouter {
    /// The router it is a group of, and where the group is made.
    parent: Option<(String, usize)>,
    /// Built in the file (or a group of one that is).
    built: bool,
    guards: Vec<Wide>,
}

pub(crate) fn go(f: &File<'_>, out: &mut Vec<Fact>) {
    let function = |n: Node<'_>| crate::golang::function(f, n);
    let framework: Option<&'static str> = if f.text.contains("labstack/echo") {
        Some("echo")
    } else if f.text.contains("gin-gonic/gin") {
        Some("gin")
    } else if f.text.contains("go-chi/chi") {
        Some("chi")
    } else {
        None
    };
    let chi = framework == Some("chi");
    let mut chi_uses: Vec<ChiUse> = Vec::new();
    let mut chi_routes: Vec<Node<'_>> = Vec::new();
    let mut routers: BTreeMap<String, GoRouter> = BTreeMap::new();
    routers.insert(
        "http".to_string(),
        GoRouter {
            parent: None,
            built: true,
            guards: Vec::new(),
        },
    );
    // Constructions and groups: `r := gin.Default()`, `g := r.Group("/x", mw)`.
    for (n, ty) in f.typed() {
        if !matches!(
            ty,
            "short_var_declaration" | "assignment_statement" | "var_spec"
        ) {
            continue;
        }
        let (left, right) = if n.ty() == "var_spec" {
            (n.field("name"), n.field("value"))
        } else {
            (n.field("left"), n.field("right"))
        };
        let (Some(l), Some(r)) = (left, right) else {
            continue;
        };
        let name = f.text(l.named_child(0).unwrap_or(l)).to_string();
        let Some(call) =
            Some(r.named_child(0).unwrap_or(r)).filter(|c| c.ty() == "call_expression")
        else {
            continue;
        };
        let callee = call
            .field("function")
            .map(|c| compact(f.text(c)))
            .unwrap_or_default();
        if GO_CONSTRUCTIONS.contains(&callee.as_str()) {
            routers.insert(
                name,
                GoRouter {
                    parent: None,
                    built: true,
                    guards: Vec::new(),
                },
            );
        } else if let Some((parent, "Group")) = callee.rsplit_once('.') {
            let a = args(call);
            let built = routers.get(parent).is_some_and(|p| p.built);
            let guards = a
                .iter()
                .skip(1)
                .map(|m| Wide {
                    guard: guard(f.text(*m), Scope::Group, File::line(*m)),
                    from: 0,
                    prefix: None,
                })
                .collect();
            routers.insert(
                name,
                GoRouter {
                    parent: Some((parent.to_string(), call.start_byte())),
                    built,
                    guards,
                },
            );
        }
    }
    let mut routes: Vec<(Node<'_>, String, Route)> = Vec::new();
    for n in f.of_kind("call_expression") {
        let callee = n
            .field("function")
            .map(|c| compact(f.text(c)))
            .unwrap_or_default();
        if audits(&callee) {
            out.push(audit_fact(f, *n, &callee, function(*n)));
        }
        let a = args(*n);
        // A mux wrapped where it is served: `http.ListenAndServe(addr, auth(mux))`.
        if matches!(
            callee.as_str(),
            "http.ListenAndServe" | "http.ListenAndServeTLS" | "http.Serve"
        ) {
            if let Some(h) = a.last() {
                wrapped_mux(f, *h, &mut routers, out, function(*n).as_deref());
            }
            continue;
        }
        let Some((receiver, method)) = callee.rsplit_once('.') else {
            continue;
        };
        if chi {
            match method {
                "Use" => {
                    let scope = go_scope(*n);
                    let grouped = scope.and_then(|s| chi_block(f, s)).is_some();
                    let built = routers.get(receiver).is_some_and(|r| r.built);
                    for m in &a {
                        let mut g = guard(f.text(*m), Scope::Group, File::line(*m));
                        if built && !grouped {
                            g.scope = Scope::App;
                        }
                        out.extend(middleware_fact(
                            f,
                            *n,
                            function(*n),
                            "chi",
                            &format!("{callee}(...)"),
                            &g,
                        ));
                        chi_uses.push(ChiUse {
                            scope: scope.map(|s| s.id()),
                            receiver: receiver.to_string(),
                            at: n.start_byte(),
                            guard: g,
                        });
                    }
                    continue;
                }
                m if CHI_VERBS.contains(&m) && a.len() >= 2 => {
                    chi_routes.push(*n);
                    continue;
                }
                _ => {}
            }
        }
        match method {
            "Use" => {
                for m in &a {
                    let g = guard(f.text(*m), Scope::Group, File::line(*m));
                    let scope = if routers.get(receiver).is_some_and(|r| r.parent.is_none()) {
                        Scope::App
                    } else {
                        Scope::Group
                    };
                    let g = Guard { scope, ..g };
                    out.extend(middleware_fact(
                        f,
                        *n,
                        function(*n),
                        framework.unwrap_or("net/http"),
                        &format!("{callee}(...)"),
                        &g,
                    ));
                    routers
                        .entry(receiver.to_string())
                        .or_insert(GoRouter {
                            parent: None,
                            built: false,
                            guards: Vec::new(),
                        })
                        .guards
                        .push(Wide {
                            guard: g,
                            from: n.start_byte(),
                            prefix: None,
                        });
                }
            }
            // gin's `Handle("GET", path, h)` names the method first.
            "HandleFunc" | "Handle"
                if a.len() >= 2
                    && !literal(f, a[0]).is_some_and(|p| {
                        a.len() >= 3 && p.chars().all(|c| c.is_ascii_uppercase())
                    }) =>
            {
                let pattern = path_of(f, a[0]);
                let (mut verb, path) = match pattern.as_deref().map(|p| p.split_once(' ')) {
                    Some(Some((m, p))) if m.chars().all(|c| c.is_ascii_uppercase()) => {
                        (m.to_string(), Some(p.trim().to_string()))
                    }
                    _ => ("ANY".to_string(), pattern.clone()),
                };
                // gorilla: `.Methods("GET")` chained on the registration.
                if let Some(sel) = n.parent().filter(|p| p.ty() == "selector_expression")
                    && sel.field("field").is_some_and(|x| f.text(x) == "Methods")
                    && let Some(mcall) = sel.parent()
                {
                    let ms: Vec<String> = args(mcall)
                        .iter()
                        .filter_map(|x| {
                            literal(f, *x).or_else(|| {
                                f.text(*x)
                                    .strip_prefix("http.Method")
                                    .map(str::to_ascii_uppercase)
                            })
                        })
                        .collect();
                    if !ms.is_empty() {
                        verb = ms.join(",");
                    }
                }
                let mut guards = Vec::new();
                let mut h = a[a.len() - 1];
                while h.ty() == "call_expression" {
                    let wrapper = h
                        .field("function")
                        .map(|c| compact(f.text(c)))
                        .unwrap_or_default();
                    if !matches!(wrapper.as_str(), "http.HandlerFunc" | "http.Handler") {
                        guards.push(guard(&wrapper, Scope::Route, File::line(h)));
                    }
                    match handler_arg(f, h) {
                        Some(x) => h = x,
                        None => break,
                    }
                }
                routes.push((
                    *n,
                    receiver.to_string(),
                    Route {
                        framework: "net/http",
                        method: verb,
                        path: path.map(|p| crate::short(&p)),
                        text: format!("{callee}(...)"),
                        guards,
                        elsewhere: None,
                        view: None,
                    },
                ));
            }
            m if GO_VERBS.contains(&m) && a.len() >= 2 => {
                let Some(fw) = framework else {
                    continue;
                };
                let path = path_of(f, a[0]);
                let mids: &[Node<'_>] = if fw == "echo" {
                    &a[2..]
                } else {
                    &a[1..a.len() - 1]
                };
                let guards = mids
                    .iter()
                    .map(|m| guard(f.text(*m), Scope::Route, File::line(*m)))
                    .collect();
                routes.push((
                    *n,
                    receiver.to_string(),
                    Route {
                        framework: fw,
                        method: m.to_ascii_uppercase(),
                        path,
                        text: format!("{callee}(...)"),
                        guards,
                        elsewhere: None,
                        view: None,
                    },
                ));
            }
            _ => {}
        }
    }
    // `Handler: auth(mux)` in a server literal.
    for n in f.of_kind("keyed_element") {
        let parts: Vec<Node<'_>> = named_children(*n)
            .into_iter()
            .map(|p| {
                if p.ty() == "literal_element" {
                    p.named_child(0).unwrap_or(p)
                } else {
                    p
                }
            })
            .collect();
        if parts.len() == 2 && f.text(parts[0]) == "Handler" {
            wrapped_mux(f, parts[1], &mut routers, out, function(*n).as_deref());
        }
    }
    for n in chi_routes {
        out.push(chi_route(f, n, &chi_uses, &routers));
    }
    for (n, receiver, mut route) in routes {
        let mut guards = go_guards(&routers, &receiver, n.start_byte(), 0);
        guards.append(&mut route.guards);
        route.guards = guards;
        let built = routers.get(&receiver).is_some_and(|r| r.built);
        route.elsewhere = (!built).then_some(GO_ROUTER);
        out.push(route_fact(f, n, crate::golang::function(f, n), route));
    }
}

const CHI_VERBS: &[&str] = &[
    "Get",
    "Post",
    "Put",
    "Patch",
    "Delete",
    "Head",
    "Options",
    "Connect",
    "Trace",
    "Handle",
    "HandleFunc",
    "Method",
    "MethodFunc",
];
const CHI_MOUNTED: &str = "a chi router returned to be mounted elsewhere (`r.Mount(path, router)`): middleware where it is mounted applies";

/// A chi `Use(...)`: the function or closure it is in, its receiver, where it is, its guard.
struct ChiUse {
    scope: Option<usize>,
    receiver: String,
    at: usize,
    guard: Guard,
}

/// The innermost function declaration, method or function literal around a node.
fn go_scope(n: Node<'_>) -> Option<Node<'_>> {
    let mut at = n.parent();
    while let Some(p) = at {
        if matches!(
            p.ty(),
            "func_literal" | "function_declaration" | "method_declaration"
        ) {
            return Some(p);
        }
        at = p.parent();
    }
    None
}

/// The chi `Group(...)` or `Route(path, ...)` call a function literal is the body of, with
/// its selector (`r.With(auth).Group`).
fn chi_block<'t>(f: &File<'t>, lit: Node<'t>) -> Option<(Node<'t>, Node<'t>, &'t str)> {
    if lit.ty() != "func_literal" {
        return None;
    }
    let call = lit
        .parent()
        .filter(|p| p.ty() == "argument_list")?
        .parent()
        .filter(|p| p.ty() == "call_expression")?;
    let sel = call
        .field("function")
        .filter(|x| x.ty() == "selector_expression")?;
    let field = f.text(sel.field("field")?);
    matches!(field, "Group" | "Route").then_some((call, sel, field))
}

/// A chain `r.With(a, b).Get`: the router it starts at and the `With(...)` middleware.
fn chi_chain(f: &File<'_>, sel: Node<'_>) -> (String, Vec<Guard>) {
    let mut guards = Vec::new();
    let mut op = sel.field("operand");
    while let Some(o) = op.filter(|o| o.ty() == "call_expression") {
        let Some(inner) = o
            .field("function")
            .filter(|x| x.ty() == "selector_expression")
            .filter(|x| x.field("field").is_some_and(|fl| f.text(fl) == "With"))
        else {
            break;
        };
        let mut with: Vec<Guard> = args(o)
            .iter()
            .map(|m| guard(f.text(*m), Scope::Route, File::line(*m)))
            .collect();
        with.append(&mut guards);
        guards = with;
        op = inner.field("operand");
    }
    (op.map(|o| compact(f.text(o))).unwrap_or_default(), guards)
}

/// What a chi registration at `node` on `receiver` inherits: the `Use(...)` before it in its
/// function or closure, and for a closure of `Group` / `Route`, what that call inherits, its
/// `With(...)` middleware and `Route`'s path prefix; with the outermost function and router.
fn chi_context<'t>(
    f: &File<'t>,
    uses: &[ChiUse],
    node: Node<'t>,
    receiver: &str,
    depth: u8,
) -> (Vec<Guard>, String, Option<Node<'t>>, String) {
    let scope = go_scope(node);
    let own: Vec<Guard> = uses
        .iter()
        .filter(|u| {
            u.scope == scope.map(|s| s.id()) && u.receiver == receiver && u.at < node.start_byte()
        })
        .map(|u| u.guard.clone())
        .collect();
    if let Some((call, sel, field)) = scope.and_then(|s| chi_block(f, s))
        && depth < 8
    {
        let (base, with) = chi_chain(f, sel);
        let (mut guards, mut prefix, top, top_receiver) =
            chi_context(f, uses, call, &base, depth + 1);
        guards.extend(with);
        if field == "Route" {
            match args(call).first().and_then(|p| path_of(f, *p)) {
                Some(p) => prefix.push_str(p.trim_end_matches('/')),
                None => prefix.push_str("<?>"),
            }
        }
        guards.extend(own);
        return (guards, prefix, top, top_receiver);
    }
    (own, String::new(), scope, receiver.to_string())
}

/// A chi route: `r.Get(path, h)`, `r.With(mw).Post(...)`, `r.Method("GET", path, h)`, inside
/// `Group` and `Route` closures.
fn chi_route(
    f: &File<'_>,
    n: Node<'_>,
    uses: &[ChiUse],
    routers: &BTreeMap<String, GoRouter>,
) -> Fact {
    let a = args(n);
    let sel = n
        .field("function")
        .filter(|x| x.ty() == "selector_expression");
    let verb = sel.and_then(|s| s.field("field")).map_or("", |x| f.text(x));
    let (base, with) = sel.map(|s| chi_chain(f, s)).unwrap_or_default();
    let (mut guards, prefix, top, top_receiver) = chi_context(f, uses, n, &base, 0);
    guards.extend(with);
    let (method, path_arg) = match verb {
        "Method" | "MethodFunc" => (
            a.first()
                .and_then(|m| {
                    literal(f, *m)
                        .or_else(|| f.text(*m).strip_prefix("http.Method").map(str::to_string))
                })
                .map_or_else(|| "ANY".to_string(), |m| m.to_ascii_uppercase()),
            a.get(1),
        ),
        "Handle" | "HandleFunc" => ("ANY".to_string(), a.first()),
        v => (v.to_ascii_uppercase(), a.first()),
    };
    let path = path_arg
        .and_then(|p| path_of(f, *p))
        .map(|p| crate::short(&format!("{prefix}{p}")));
    let mut all = go_guards(routers, &top_receiver, 0, 0);
    all.extend(guards);
    let built = routers.get(&top_receiver).is_some_and(|r| r.built);
    // A router built in a function that returns it is mounted by its caller.
    let returned = top.is_some_and(|t| {
        let body = f.text(t);
        body.contains(&format!("return {top_receiver}\n"))
            || body.contains(&format!("return {top_receiver}\r"))
            || body.contains(&format!("return {top_receiver};"))
    });
    let elsewhere = if !built {
        Some(GO_ROUTER)
    } else if returned {
        Some(CHI_MOUNTED)
    } else {
        None
    };
    // `r.With(...).Post(...)`: the chain without its arguments.
    let chained = if sel.and_then(|s| s.field("operand")).map(|o| o.ty()) == Some("call_expression")
    {
        ".With(...)"
    } else {
        ""
    };
    let callee = format!("{base}{chained}.{verb}");
    route_fact(
        f,
        n,
        crate::golang::function(f, n),
        Route {
            framework: "chi",
            method,
            path,
            text: crate::short(&format!("{callee}(...)")),
            guards: all,
            elsewhere,
            view: None,
        },
    )
}

/// The argument of a wrapper call that is the handler it wraps: its last argument that is not
/// a literal (`otelhttp.NewHandler(h, "name")`, `tollbooth.LimitHandler(lmt, mux)`).
fn handler_arg<'t>(f: &File<'t>, call: Node<'t>) -> Option<Node<'t>> {
    args(call)
        .into_iter()
        .rev()
        .find(|a| literal(f, *a).is_none() && !a.ty().ends_with("literal"))
}

/// Guards around a served mux: each wrapper that takes a router of the file applies to all of
/// its routes.
fn go_wrapper_names<'t>(f: &File<'t>, mut h: Node<'t>) -> (Vec<Node<'t>>, Option<String>) {
    let mut wrappers = Vec::new();
    while h.ty() == "call_expression" {
        wrappers.push(h);
        match handler_arg(f, h) {
            Some(x) => h = x,
            None => return (wrappers, None),
        }
    }
    (wrappers, Some(compact(f.text(h))))
}

fn wrapped_mux(
    f: &File<'_>,
    h: Node<'_>,
    routers: &mut BTreeMap<String, GoRouter>,
    out: &mut Vec<Fact>,
    function: Option<&str>,
) {
    let (wrappers, inner) = go_wrapper_names(f, h);
    let Some(inner) = inner else {
        return;
    };
    let Some(router) = routers.get_mut(&inner) else {
        return;
    };
    for w in wrappers {
        let name = w
            .field("function")
            .map(|c| compact(f.text(c)))
            .unwrap_or_default();
        let g = guard(&name, Scope::App, File::line(w));
        out.extend(middleware_fact(
            f,
            w,
            function.map(str::to_string),
            "net/http",
            &format!("{name}({inner})"),
            &g,
        ));
        router.guards.push(Wide {
            guard: g,
            from: 0,
            prefix: None,
        });
    }
}

fn go_guards(routers: &BTreeMap<String, GoRouter>, name: &str, at: usize, depth: u8) -> Vec<Guard> {
    let Some(r) = routers.get(name) else {
        return Vec::new();
    };
    let mut out = match (&r.parent, depth < 8) {
        (Some((p, made)), true) => go_guards(routers, p, *made, depth + 1),
        _ => Vec::new(),
    };
    out.extend(
        r.guards
            .iter()
            .filter(|w| w.applies(at, None))
            .map(|w| w.guard.clone()),
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Java (Spring).

const SPRING_MAPPINGS: &[(&str, &str)] = &[
    ("GetMapping", "GET"),
    ("PostMapping", "POST"),
    ("PutMapping", "PUT"),
    ("PatchMapping", "PATCH"),
    ("DeleteMapping", "DELETE"),
    ("RequestMapping", "ANY"),
];

pub(crate) fn java(f: &File<'_>, out: &mut Vec<Fact>) {
    for (n, ty) in f.typed() {
        match ty {
            "method_invocation" | "object_creation_expression" => {
                let callee = if n.ty() == "method_invocation" {
                    head(f, *n)
                } else {
                    n.field("type")
                        .map(|t| format!("new {}", f.text(t)))
                        .unwrap_or_default()
                };
                if audits(&callee) {
                    out.push(audit_fact(f, *n, &callee, crate::java::function(f, *n)));
                }
            }
            "class_declaration" => spring_class(f, *n, out),
            _ => {}
        }
    }
}

fn annotations(n: Node<'_>) -> Vec<Node<'_>> {
    children_of_kind(n, "modifiers")
        .into_iter()
        .flat_map(named_children)
        .filter(|a| matches!(a.ty(), "annotation" | "marker_annotation"))
        .collect()
}

fn annotation_name(f: &File<'_>, a: Node<'_>) -> String {
    a.field("name")
        .map(|x| f.text(x).rsplit('.').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// A mapping annotation's path: its first value or its `value` / `path` element; empty when
/// it names none, `None` when it is computed.
fn mapping_path(f: &File<'_>, a: Node<'_>) -> Option<String> {
    let Some(list) = a.field("arguments") else {
        return Some(String::new());
    };
    for e in named_children(list) {
        match e.ty() {
            "element_value_pair" => {
                let key = e.field("key").map(|k| f.text(k));
                if matches!(key, Some("value" | "path"))
                    && let Some(v) = e.field("value")
                {
                    return java_path(f, v);
                }
            }
            _ => return java_path(f, e),
        }
    }
    Some(String::new())
}

fn java_path(f: &File<'_>, v: Node<'_>) -> Option<String> {
    if v.ty() == "element_value_array_initializer" {
        return named_children(v).first().and_then(|x| literal(f, *x));
    }
    literal(f, v)
}

fn mapping_method(f: &File<'_>, a: Node<'_>) -> Option<String> {
    let list = a.field("arguments")?;
    named_children(list).into_iter().find_map(|e| {
        (e.ty() == "element_value_pair" && e.field("key").is_some_and(|k| f.text(k) == "method"))
            .then(|| {
                let v = e.field("value").map_or("", |v| f.text(v));
                v.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .filter(|w| w.chars().all(|c| c.is_ascii_uppercase()) && !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(",")
            })
    })
}

fn spring_class(f: &File<'_>, class: Node<'_>, out: &mut Vec<Fact>) {
    let anns = annotations(class);
    let names: Vec<String> = anns.iter().map(|a| annotation_name(f, *a)).collect();
    let body = class.field("body");
    let extends_adapter = class
        .field("superclass")
        .is_some_and(|s| f.text(s).contains("WebSecurityConfigurerAdapter"));
    if extends_adapter && let Some(b) = body {
        spring_security(f, class, b, "WebSecurityConfigurerAdapter", out);
    }
    let Some(body) = body else {
        return;
    };
    let controller = names.iter().any(|n| {
        matches!(
            n.as_str(),
            "RestController" | "Controller" | "RequestMapping"
        )
    });
    let prefix = anns
        .iter()
        .find(|a| annotation_name(f, **a) == "RequestMapping")
        .map_or(Some(String::new()), |a| mapping_path(f, *a));
    let class_guards: Vec<Guard> = anns
        .iter()
        .map(|a| {
            guard(
                f.text(*a).trim_start_matches('@'),
                Scope::Group,
                File::line(*a),
            )
        })
        .filter(|g| g.role != Role::Other)
        .collect();
    for m in named_children(body) {
        if m.ty() != "method_declaration" {
            continue;
        }
        let returns = m.field("type").map(|t| f.text(t));
        if returns == Some("SecurityFilterChain") {
            spring_security(f, m, m, "SecurityFilterChain", out);
            continue;
        }
        if !controller {
            continue;
        }
        let manns = annotations(m);
        let Some((mapping, verb)) = manns.iter().find_map(|a| {
            let name = annotation_name(f, *a);
            SPRING_MAPPINGS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*a, *v))
        }) else {
            continue;
        };
        let name = annotation_name(f, mapping);
        let verb = if name == "RequestMapping" {
            mapping_method(f, mapping)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| verb.to_string())
        } else {
            verb.to_string()
        };
        let sub = mapping_path(f, mapping);
        let path = match (&prefix, sub) {
            (Some(p), Some(s)) => {
                let joined: Vec<&str> = [p.trim_matches('/'), s.trim_matches('/')]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect();
                Some(format!("/{}", joined.join("/")))
            }
            _ => None,
        };
        let mut guards = class_guards.clone();
        guards.extend(
            manns
                .iter()
                .filter(|a| a.id() != mapping.id())
                .map(|a| {
                    guard(
                        f.text(*a).trim_start_matches('@'),
                        Scope::Route,
                        File::line(*a),
                    )
                })
                .filter(|g| g.role != Role::Other),
        );
        let function = m.field("name").map(|x| f.text(x).to_string());
        out.push(route_fact(
            f,
            mapping,
            function,
            Route {
                framework: "spring",
                method: verb,
                path,
                text: format!("@{name}(...)"),
                guards,
                elsewhere: None,
                view: None,
            },
        ));
    }
}

/// A Spring Security configuration: app-wide authentication when it requires it for requests.
fn spring_security(f: &File<'_>, at: Node<'_>, body: Node<'_>, what: &str, out: &mut Vec<Fact>) {
    let text: String = compact(f.text(body));
    let role = if text.contains("anyRequest().permitAll()")
        || text.contains("anyExchange().permitAll()")
    {
        Role::Public
    } else if [
        "authenticated()",
        "hasRole(",
        "hasAnyRole(",
        "hasAuthority(",
        "hasAnyAuthority(",
        "oauth2ResourceServer",
        "httpBasic",
        "formLogin",
    ]
    .iter()
    .any(|w| text.contains(w))
    {
        Role::Auth
    } else {
        return;
    };
    let name = at.field("name").map_or(what, |x| f.text(x)).to_string();
    let g = Guard {
        name: crate::short(&format!("{what} {name}")),
        role,
        scope: Scope::App,
        line: File::line(at),
    };
    out.extend(middleware_fact(
        f,
        at,
        crate::java::function(f, at).or(Some(name)),
        "spring",
        what,
        &g,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_from_names() {
        assert_eq!(role("auth"), Role::Auth);
        assert_eq!(role("passport.authenticate('jwt')"), Role::Auth);
        assert_eq!(role("Depends(get_current_user)"), Role::Auth);
        assert_eq!(role("login_required"), Role::Auth);
        assert_eq!(role("UseGuards(AuthGuard('jwt'))"), Role::Auth);
        assert_eq!(role("UseGuards(ThrottlerGuard)"), Role::RateLimit);
        assert_eq!(role("limiter.limit(\"5/minute\")"), Role::RateLimit);
        assert_eq!(role("rateLimit({ windowMs: 60000 })"), Role::RateLimit);
        assert_eq!(role("Public()"), Role::Public);
        assert_eq!(role("noAuth"), Role::Public);
        assert_eq!(role("express.json()"), Role::Other);
        assert_eq!(role("Depends(get_db)"), Role::Other);
        assert_eq!(role("csrfProtection"), Role::Other);
        assert_eq!(role("ApiBearerAuth()"), Role::Other);
        assert_eq!(role("optionalAuth"), Role::Other);
    }
}
