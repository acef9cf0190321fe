//! Django and Django REST framework: URL configurations, the views they route to, and the
//! settings that guard every view.
//!
//! - Routes: the `path(route, view)`, `re_path(regex, view)` and `url(regex, view)` entries of
//!   `urlpatterns` (`include(...)` entries are not routes: the routes are in the included
//!   configuration, read with their own paths), and DRF router registrations
//!   (`router.register(prefix, ViewSet)` on a `DefaultRouter()` / `SimpleRouter()`). The method
//!   is `ANY`; the path is as written with a leading `/` (`path('orders/<int:pk>/', ...)` is
//!   `/orders/<int:pk>/`). Wrappers around the view (`login_required(views.f)`,
//!   `ratelimit(...)(f)`) and `as_view(permission_classes=[...])` are the route's guards.
//! - Views: every top-level function whose first parameter is `request` and every top-level
//!   class with a `View` base (generic views, DRF `APIView` / viewsets, mixins), in a file that
//!   imports Django or DRF, with their decorators (`@login_required`, `@permission_required`,
//!   `@user_passes_test`, `@api_view`, `@permission_classes([...])`, `@ratelimit`,
//!   `@method_decorator(...)`), their mixin bases (`LoginRequiredMixin`) and their
//!   `permission_classes` / `throttle_classes` attributes.
//! - Settings: `REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': [...], 'DEFAULT_THROTTLE_CLASSES':
//!   [...]}` (DRF views only) and Django 5.1's `LoginRequiredMiddleware` in `MIDDLEWARE` (every
//!   view) as app-wide middleware.
//!
//! A route names its view as written (`views.order_list`); [`link`] joins it to the view's fact
//! in the module of the same package (`views.py` or `views/__init__.py` beside `urls.py`) and
//! adds the view's guards, and the DRF defaults for a DRF view that sets no permission classes
//! of its own. A view not in the scan leaves the route's authentication unknown.

use crate::syntax::Syntax;
use std::collections::BTreeMap;

use tree_sitter::Node;

use crate::tree::{File, args, compact, named_children};
use crate::{Fact, FactKind, FileFacts, Guard, Middleware, Role, Route, Scope, View};

/// The framework name of DRF's settings middleware: it applies to DRF views only, and
/// [`link`] applies it to them.
pub const DRF: &str = "django-rest-framework";

const VIEW_ELSEWHERE: &str =
    "the route names a view whose decorators and permission classes apply where it is defined";
const VIEW_UNREAD: &str = "the view's module is not in the scan (or does not define it), so its decorators and permission classes cannot be read";

fn callee(f: &File<'_>, call: Node<'_>) -> String {
    call.field("function")
        .map(|c| compact(f.text(c)))
        .unwrap_or_default()
}

fn last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The value of a plain string literal.
fn string(f: &File<'_>, n: Node<'_>) -> Option<String> {
    if n.ty() != "string" {
        return None;
    }
    let t = f.text(n);
    if t.starts_with(['f', 'F']) {
        return None;
    }
    let t = t.trim_start_matches(['r', 'b', 'u', 'R', 'B', 'U']);
    Some(t.trim_matches(['"', '\'']).to_string())
}

/// A guard whose role is read from its name, but for permission lists: an empty list, or
/// one with `AllowAny`, is public; one with another class requires authentication.
fn guard_of(name: &str, scope: Scope, line: u32) -> Guard {
    let name = compact(name);
    let mut role = crate::routes::role(&name);
    if name.contains("permission_classes") || name.contains("PERMISSION_CLASSES") {
        let list = name
            .split_once(['[', '('])
            .map_or("", |(_, l)| l.trim_matches(['[', ']', '(', ')', ' ', ',']));
        role = if list.is_empty() || list.contains("AllowAny") {
            Role::Public
        } else {
            Role::Auth
        };
    }
    Guard {
        role,
        name: crate::short(&name),
        scope,
        line,
    }
}

/// Whether the file is a Django or DRF module.
fn django(text: &str) -> bool {
    text.contains("django") || text.contains("rest_framework")
}

pub(crate) fn python(f: &File<'_>, out: &mut Vec<Fact>) {
    if !django(f.text) {
        return;
    }
    let imports = imports(f);
    let mut routers: Vec<String> = Vec::new();
    for (n, ty) in f.typed() {
        match ty {
            "assignment" | "augmented_assignment" => {
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
                    continue;
                };
                let left = f.text(l);
                if left == "urlpatterns" {
                    for e in named_children(r) {
                        url_entry(f, e, &imports, out);
                    }
                } else if r.ty() == "call"
                    && matches!(last(&callee(f, r)), "DefaultRouter" | "SimpleRouter")
                {
                    routers.push(compact(left));
                } else if left == "REST_FRAMEWORK" && r.ty() == "dictionary" {
                    settings(f, r, out);
                } else if left == "MIDDLEWARE" {
                    for e in named_children(r) {
                        if string(f, e).is_some_and(|s| s.ends_with("LoginRequiredMiddleware")) {
                            let g = Guard {
                                name: "LoginRequiredMiddleware".to_string(),
                                role: Role::Auth,
                                scope: Scope::App,
                                line: File::line(e),
                            };
                            out.push(middleware(f, e, "django", "MIDDLEWARE", g));
                        }
                    }
                }
            }
            "call" => {
                let c = callee(f, *n);
                if let Some((recv, "register")) = c.rsplit_once('.')
                    && routers.iter().any(|r| r == recv)
                {
                    let a = args(*n);
                    if let (Some(prefix), Some(view)) = (a.first(), a.get(1)) {
                        let path = string(f, *prefix).map(|p| slash(&p));
                        let (guards, reference) = view_of(f, *view, &imports);
                        out.push(route(f, *n, &c, path, guards, reference));
                    }
                }
            }
            "function_definition" | "class_definition" if top_level(*n) => {
                if let Some(v) = view(f, *n) {
                    let at = n.parent().filter(|p| p.ty() == "decorated_definition");
                    out.push(f.fact(at.unwrap_or(*n), None, FactKind::View(v)));
                }
            }
            _ => {}
        }
    }
}

/// A definition at the module's top level (or decorated there).
fn top_level(n: Node<'_>) -> bool {
    let mut p = n.parent();
    if p.is_some_and(|x| x.ty() == "decorated_definition") {
        p = p.and_then(|x| x.parent());
    }
    p.is_some_and(|x| x.ty() == "module")
}

fn slash(p: &str) -> String {
    let p = p.trim_start_matches('^').trim_end_matches('$');
    crate::short(&format!("/{}", p.trim_start_matches('/')))
}

/// Names imported from modules of the same package: `from .views import f as g` binds `g` to
/// `views.f`; `from . import views` binds `views` to `views`; `from shop import views` too.
fn imports(f: &File<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for n in f.of_kind("import_from_statement") {
        let Some(m) = n.field("module_name") else {
            continue;
        };
        let module = f.text(m).trim_start_matches('.').to_string();
        let mut cursor = n.walk();
        for name in n.children_by_field_name("name", &mut cursor) {
            let (orig, alias) = if name.ty() == "aliased_import" {
                (
                    name.field("name").map(|x| f.text(x)),
                    name.field("alias").map(|x| f.text(x)),
                )
            } else {
                (Some(f.text(name)), Some(f.text(name)))
            };
            let (Some(orig), Some(alias)) = (orig, alias) else {
                continue;
            };
            let full = if module.is_empty() {
                // `from . import views`: the module itself.
                orig.to_string()
            } else {
                // `from shop.views import f`: `f` of the module's last part.
                format!("{}.{orig}", last(&module))
            };
            out.insert(alias.to_string(), full);
        }
    }
    out
}

/// One `urlpatterns` entry.
fn url_entry(
    f: &File<'_>,
    entry: Node<'_>,
    imports: &BTreeMap<String, String>,
    out: &mut Vec<Fact>,
) {
    if entry.ty() != "call" {
        return;
    }
    let name = callee(f, entry);
    if !matches!(last(&name), "path" | "re_path" | "url") {
        return;
    }
    let positional: Vec<Node<'_>> = args(entry)
        .into_iter()
        .filter(|x| x.ty() != "keyword_argument")
        .collect();
    let (Some(pattern), Some(view)) = (positional.first(), positional.get(1)) else {
        return;
    };
    if view.ty() == "call" && last(&callee(f, *view)) == "include" {
        return;
    }
    let path = string(f, *pattern).map(|p| slash(&p));
    let (guards, reference) = view_of(f, *view, imports);
    out.push(route(f, entry, &name, path, guards, reference));
}

fn route(
    f: &File<'_>,
    n: Node<'_>,
    callee: &str,
    path: Option<String>,
    guards: Vec<Guard>,
    reference: Option<String>,
) -> Fact {
    // A view of another module is linked in the review (`link`); until then, and when it
    // cannot be, its guards are unknown.
    let elsewhere = match reference.as_deref() {
        Some(_) => Some(VIEW_ELSEWHERE),
        None => Some(VIEW_UNREAD),
    };
    let function = crate::python::function(f, n);
    f.fact(
        n,
        function,
        FactKind::Route(Route {
            framework: "django",
            method: "ANY".to_string(),
            path,
            text: crate::short(&format!("{callee}(...)")),
            guards,
            elsewhere,
            view: reference,
        }),
    )
}

/// The guards written around a view in a URL configuration and the view it names: `module.name`
/// for a view of another module, `name` for one of this file, `None` when it cannot be read.
/// Imports are read whatever the cut (see `ranges`), so the name does not depend on it.
fn view_of(
    f: &File<'_>,
    mut v: Node<'_>,
    imports: &BTreeMap<String, String>,
) -> (Vec<Guard>, Option<String>) {
    let mut guards = Vec::new();
    for _ in 0..8 {
        if v.ty() != "call" {
            break;
        }
        let func = v.field("function");
        let c = callee(f, v);
        if last(&c) == "as_view" {
            // `OrderView.as_view(permission_classes=[...])`.
            for a in args(v) {
                if a.ty() == "keyword_argument" {
                    let k = a.field("name").map_or("", |x| f.text(x));
                    if matches!(k, "permission_classes" | "throttle_classes") {
                        guards.push(guard_of(f.text(a), Scope::Route, File::line(a)));
                    }
                }
            }
            match func.and_then(|x| x.field("object")) {
                Some(o) => {
                    v = o;
                    break;
                }
                None => return (guards, None),
            }
        }
        // `login_required(views.f)`, `ratelimit(key='ip')(views.f)`: the wrapper is a guard,
        // its last positional argument the view.
        let inner = args(v)
            .into_iter()
            .rev()
            .find(|x| x.ty() != "keyword_argument" && x.ty() != "string");
        let Some(inner) = inner else {
            return (guards, None);
        };
        let wrapper = match func {
            Some(x) if x.ty() == "call" => f.text(x),
            _ => c.as_str(),
        };
        guards.push(guard_of(wrapper, Scope::Route, File::line(v)));
        v = inner;
    }
    let name = compact(f.text(v));
    // The admin site asks for a staff sign-in on every page.
    if name.ends_with("admin.site.urls") {
        guards.push(guard_of(&name, Scope::Route, File::line(v)));
        return (guards, None);
    }
    let reference = match v.ty() {
        // A name not imported is defined in the file.
        "identifier" => imports.get(&name).cloned().or(Some(name)),
        "attribute" => {
            let (obj, attr) = name.rsplit_once('.').unwrap_or(("", &name));
            imports
                .get(obj)
                .map(|m| format!("{}.{attr}", last(m)))
                .or_else(|| Some(format!("{}.{attr}", last(obj))))
        }
        _ => None,
    };
    (guards, reference)
}

/// A top-level function or class as a Django view, if it is one.
fn view(f: &File<'_>, n: Node<'_>) -> Option<View> {
    let name = f.text(n.field("name")?).to_string();
    let mut guards: Vec<Guard> = Vec::new();
    let mut drf = false;
    if let Some(d) = n.parent().filter(|p| p.ty() == "decorated_definition") {
        for dec in named_children(d)
            .into_iter()
            .filter(|x| x.ty() == "decorator")
        {
            let text = f.text(dec).trim_start_matches('@').trim();
            if text.starts_with("api_view") {
                drf = true;
            }
            guards.push(guard_of(text, Scope::Route, File::line(dec)));
        }
    }
    let text = if n.ty() == "function_definition" {
        let first = n
            .field("parameters")
            .and_then(|p| p.named_child(0))
            .map(|p| f.text(p.field("name").unwrap_or(p)))
            .map(|p| p.split([':', '=']).next().unwrap_or("").trim());
        if first != Some("request") {
            return None;
        }
        format!("def {name}")
    } else {
        let bases: Vec<Node<'_>> = n
            .field("superclasses")
            .map(named_children)
            .unwrap_or_default();
        if !bases.iter().any(|b| f.text(*b).contains("View")) {
            return None;
        }
        for b in &bases {
            let t = compact(f.text(*b));
            if t.contains("APIView") || t.contains("ViewSet") {
                drf = true;
            }
            let g = guard_of(&t, Scope::Route, File::line(*b));
            if g.role != Role::Other {
                guards.push(g);
            }
        }
        // Class attributes: `permission_classes = [...]`, `throttle_classes = [...]`.
        if let Some(body) = n.field("body") {
            for s in named_children(body) {
                let Some(a) = s.named_child(0).filter(|a| a.ty() == "assignment") else {
                    continue;
                };
                let l = a.field("left").map_or("", |x| f.text(x));
                if matches!(l, "permission_classes" | "throttle_classes") {
                    guards.push(guard_of(&compact(f.text(a)), Scope::Group, File::line(a)));
                }
            }
        }
        format!("class {name}")
    };
    Some(View {
        framework: if drf { DRF } else { "django" },
        name,
        text,
        guards,
    })
}

/// `REST_FRAMEWORK = {...}`: the default permission and throttle classes.
fn settings(f: &File<'_>, dict: Node<'_>, out: &mut Vec<Fact>) {
    for pair in named_children(dict)
        .into_iter()
        .filter(|p| p.ty() == "pair")
    {
        let (Some(k), Some(v)) = (pair.field("key"), pair.field("value")) else {
            continue;
        };
        let key = string(f, k).unwrap_or_default();
        if !matches!(
            key.as_str(),
            "DEFAULT_PERMISSION_CLASSES" | "DEFAULT_THROTTLE_CLASSES"
        ) {
            continue;
        }
        let items: Vec<String> = named_children(v)
            .into_iter()
            .map(|x| string(f, x).unwrap_or_else(|| compact(f.text(x))))
            .map(|x| last(&x).to_string())
            .collect();
        let name = format!("{key}: [{}]", items.join(", "));
        let mut g = guard_of(&name, Scope::App, File::line(pair));
        if key == "DEFAULT_THROTTLE_CLASSES" {
            if items.is_empty() {
                continue;
            }
            g.role = Role::RateLimit;
        }
        out.push(middleware(f, pair, DRF, "REST_FRAMEWORK", g));
    }
}

fn middleware(f: &File<'_>, n: Node<'_>, framework: &'static str, text: &str, g: Guard) -> Fact {
    f.fact(
        n,
        None,
        FactKind::Middleware(Middleware {
            framework,
            text: text.to_string(),
            guard: g,
        }),
    )
}

/// Joins the Django routes of every file to the views they name (see the module's
/// documentation): the view's guards are added to the route's, and the DRF defaults to a DRF
/// view's that sets no permission classes; a view that cannot be found leaves the route's
/// authentication unknown. `files` are the paths and facts of the service's source files.
pub fn link(files: &mut [(&str, &mut FileFacts)]) {
    let mut views: BTreeMap<(String, String), (View, u32)> = BTreeMap::new();
    let mut defaults: Vec<Guard> = Vec::new();
    for (path, facts) in files.iter() {
        let (dir, module) = module_of(path);
        for fact in &facts.facts {
            match &fact.kind {
                FactKind::View(v) => {
                    let key = (dir.to_string(), format!("{module}.{}", v.name));
                    views.entry(key).or_insert((v.clone(), fact.line));
                }
                FactKind::Middleware(m) if m.framework == DRF => defaults.push(m.guard.clone()),
                _ => {}
            }
        }
    }
    for (path, facts) in files.iter_mut() {
        let (dir, module) = module_of(path);
        for fact in &mut facts.facts {
            let FactKind::Route(r) = &mut fact.kind else {
                continue;
            };
            if r.framework != "django" {
                continue;
            }
            let Some(reference) = r.view.as_deref() else {
                continue;
            };
            let key = if reference.contains('.') {
                (dir.to_string(), reference.to_string())
            } else {
                (dir.to_string(), format!("{module}.{reference}"))
            };
            let Some((v, _)) = views.get(&key) else {
                r.elsewhere = Some(VIEW_UNREAD);
                continue;
            };
            r.elsewhere = None;
            let own = v
                .guards
                .iter()
                .chain(r.guards.iter())
                .any(|g| g.name.contains("permission_classes"));
            let mut guards: Vec<Guard> = Vec::new();
            if v.framework == DRF && !own {
                guards.extend(defaults.iter().cloned());
            }
            guards.append(&mut r.guards);
            guards.extend(v.guards.iter().cloned());
            guards.truncate(16);
            r.guards = guards;
        }
    }
}

/// The folder and module name of a Python file: `shop/views.py` is (`shop`, `views`),
/// `shop/views/__init__.py` is (`shop`, `views`).
fn module_of(path: &str) -> (&str, &str) {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = file.strip_suffix(".py").unwrap_or(file);
    if stem == "__init__" {
        let (parent, name) = dir.rsplit_once('/').unwrap_or(("", dir));
        return (parent, name);
    }
    (dir, stem)
}
