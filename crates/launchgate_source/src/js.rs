//! JavaScript and TypeScript: outbound calls of axios, fetch, got and Node's http/https with
//! their timeout options, directly or through an instance built in the same file
//! (`axios.create`, `got.extend`), and the Node HTTP servers the service starts.

use crate::syntax::Syntax;
use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use crate::tree::{Bindings, File, compact};
use crate::{Call, Client, Fact, FactKind, Server, Timeout};

const AXIOS_NONE: &str = "axios waits for ever without a timeout (its default is 0)";
const FETCH_NONE: &str =
    "fetch waits until the server or the OS gives up without an abort signal (AbortSignal.timeout)";
const GOT_NONE: &str = "got has no timeout unless one is set";
const NODE_NONE: &str = "Node's http.request waits for ever without a timeout option or setTimeout";
const NODE_HEADERS: &str = "60 s (Node.js 18+ headersTimeout default)";
const NODE_REQUEST: &str = "300 s (Node.js 18+ requestTimeout default)";
const NODE_IDLE: &str = "5 s (Node.js keepAliveTimeout default)";
const NODE_WRITE: &str = "none (Node.js has no response write timeout)";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lib {
    Axios,
    Got,
}

impl Lib {
    fn name(self) -> &'static str {
        match self {
            Lib::Axios => "axios",
            Lib::Got => "got",
        }
    }
}

pub fn facts(f: &File<'_>) -> Vec<Fact> {
    let nodes = f.nodes();
    let mut b = Bindings::default();
    // `x.setTimeout(...)` receivers, `x.prop = value` assignments.
    let mut set_timeout: BTreeSet<&str> = BTreeSet::new();
    let mut props: BTreeMap<(String, &str), Node<'_>> = BTreeMap::new();
    // Local names of imported modules: `import http from 'k6/http'` is not Node's http.
    let mut imports: BTreeMap<&str, &str> = BTreeMap::new();
    for (n, ty) in f.typed() {
        match ty {
            "import_statement" => imported(f, *n, &mut imports),
            "variable_declarator" => {
                if let (Some(l), Some(r)) = (n.field("name"), n.field("value")) {
                    if let Some(module) = required(f, r) {
                        imports.insert(f.text(l), module);
                    }
                    b.bind(f.text(l), strip(r));
                }
            }
            "assignment_expression" => {
                if let (Some(l), Some(r)) = (n.field("left"), n.field("right")) {
                    b.bind(f.text(l), strip(r));
                    if l.ty() == "member_expression"
                        && let (Some(o), Some(p)) = (l.field("object"), l.field("property"))
                    {
                        props.insert((compact(f.text(o)), f.text(p)), strip(r));
                    }
                }
            }
            "public_field_definition" | "field_definition" => {
                let name = n.field("name").or_else(|| n.field("property"));
                if let (Some(l), Some(r)) = (name, n.field("value")) {
                    // A class field is read as `this.name`.
                    let key: &str = f.text(l);
                    b.bind_owned(format!("this.{key}"), strip(r));
                }
            }
            "call_expression" => {
                if let Some(func) = n.field("function")
                    && func.ty() == "member_expression"
                    && func
                        .field("property")
                        .is_some_and(|p| f.text(p) == "setTimeout")
                    && let Some(o) = func.field("object")
                {
                    set_timeout.insert(f.text(o));
                }
            }
            _ => {}
        }
    }
    let cx = Cx {
        f,
        b: &b,
        props: &props,
        set_timeout: &set_timeout,
        imports: &imports,
    };
    let mut out = Vec::new();
    let mut clients: BTreeMap<usize, usize> = BTreeMap::new();
    for n in f.of_kind("call_expression") {
        if let Some((lib, timeout)) = cx.client(*n) {
            clients.insert(n.start_byte(), out.len());
            out.push(f.fact(
                *n,
                function(f, *n),
                FactKind::Client(Client {
                    library: lib.name(),
                    text: callee(f, *n),
                    timeout,
                    uses: 0,
                }),
            ));
        } else if let Some(server) = cx.server(*n) {
            out.push(f.fact(*n, function(f, *n), FactKind::Server(server)));
        }
    }
    for n in f.of_kind("call_expression") {
        let Some((mut call, client)) = cx.call(*n) else {
            continue;
        };
        if let Some(c) = client
            && let Some(i) = clients.get(&c.start_byte())
        {
            if let Some(FactKind::Client(cl)) = out.get_mut(*i).map(|x| &mut x.kind) {
                cl.uses += 1;
            }
            call.client_line = Some(File::line(c));
        }
        out.push(f.fact(*n, function(f, *n), FactKind::Call(call)));
    }
    crate::shutdown::script(f, &b, &mut out);
    crate::logs::script(f, &b, &mut out);
    crate::routes::js(f, nodes, &mut out);
    out
}

struct Cx<'a, 't> {
    f: &'a File<'t>,
    b: &'a Bindings<'t>,
    props: &'a BTreeMap<(String, &'t str), Node<'t>>,
    set_timeout: &'a BTreeSet<&'t str>,
    imports: &'a BTreeMap<&'t str, &'t str>,
}

impl<'t> Cx<'_, 't> {
    /// The callee as written (`http.get`), or empty when the object it starts with is imported
    /// from a module other than the library of that name (`import http from 'k6/http'`).
    fn name(&self, call: Node<'t>) -> String {
        let name = callee_node(call)
            .map(|x| compact(self.f.text(x)))
            .unwrap_or_default();
        let object = name.split(['.', '(']).next().unwrap_or("");
        let modules: &[&str] = match object {
            "http" => &["http", "node:http"],
            "https" => &["https", "node:https"],
            "http2" => &["http2", "node:http2"],
            "axios" => &["axios"],
            "got" => &["got"],
            "express" => &["express"],
            _ => return name,
        };
        match self.imports.get(object) {
            Some(m) if !modules.contains(m) => String::new(),
            _ => name,
        }
    }

    fn args(call: Node<'t>) -> Vec<Node<'t>> {
        let Some(args) = call.field("arguments") else {
            return Vec::new();
        };
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|a| a.ty() != "comment")
            .collect()
    }

    /// The name a call's result is bound to, if any.
    fn bound_name(&self, call: Node<'t>) -> Option<&'t str> {
        let mut p = call.parent()?;
        while matches!(
            p.ty(),
            "await_expression" | "parenthesized_expression" | "as_expression"
        ) {
            p = p.parent()?;
        }
        match p.ty() {
            "variable_declarator" => p.field("name").map(|x| self.f.text(x)),
            "assignment_expression" => p.field("left").map(|x| self.f.text(x)),
            _ => None,
        }
    }

    /// A timeout set afterwards with `name.path = value` (`api.defaults.timeout = 5000`).
    fn assigned(&self, name: &str, path: &'static str) -> Option<Timeout> {
        let (object, prop) = match path.rsplit_once('.') {
            Some((o, p)) => (format!("{name}.{o}"), p),
            None => (name.to_string(), path),
        };
        self.props.get(&(object, prop)).map(|v| self.value(*v))
    }

    fn client(&self, call: Node<'t>) -> Option<(Lib, Timeout)> {
        let name = self.name(call);
        let lib = match name.as_str() {
            "axios.create" => Lib::Axios,
            "got.extend" => Lib::Got,
            _ => return None,
        };
        let args = Self::args(call);
        let own = args.first().and_then(|a| self.option(*a, "timeout", 0));
        let after = self
            .bound_name(call)
            .and_then(|n| self.assigned(n, "defaults.timeout"));
        let timeout = after.or(own).unwrap_or_else(|| match lib {
            Lib::Axios => self
                .assigned("axios", "defaults.timeout")
                .unwrap_or(Timeout::Missing { why: AXIOS_NONE }),
            Lib::Got => Timeout::Missing { why: GOT_NONE },
        });
        Some((lib, timeout))
    }

    fn server(&self, call: Node<'t>) -> Option<Server> {
        let name = self.name(call);
        let library = match name.as_str() {
            "http.createServer"
            | "https.createServer"
            | "http2.createServer"
            | "http2.createSecureServer" => "node:http",
            _ => {
                // `app.listen(...)` of an Express app built in this file.
                let (object, method) = name.rsplit_once('.')?;
                let built = self.b.find(object, call, |v| {
                    (v.ty() == "call_expression" && self.name(v) == "express").then_some(())
                });
                if method != "listen" || built.is_none() {
                    return None;
                }
                "express"
            }
        };
        let bound = self.bound_name(call);
        let set = |prop: &'static str, default: Timeout| {
            bound
                .and_then(|n| self.assigned(n, prop))
                .unwrap_or(default)
        };
        Some(Server {
            library,
            text: callee(self.f, call),
            read_header: set(
                "headersTimeout",
                Timeout::Default {
                    value: NODE_HEADERS,
                },
            ),
            read: set(
                "requestTimeout",
                Timeout::Default {
                    value: NODE_REQUEST,
                },
            ),
            write: Timeout::Missing { why: NODE_WRITE },
            idle: set("keepAliveTimeout", Timeout::Default { value: NODE_IDLE }),
        })
    }

    /// An outbound call and the client construction it goes through.
    fn call(&self, call: Node<'t>) -> Option<(Call, Option<Node<'t>>)> {
        let name = self.name(call);
        let args = Self::args(call);
        let text = callee(self.f, call);
        let at = |i: usize| args.get(i).copied();
        let simple = |library: &'static str, timeout: Timeout| {
            Some((
                Call {
                    library,
                    text: text.clone(),
                    timeout,
                    client_line: None,
                },
                None,
            ))
        };
        match name.as_str() {
            "fetch" | "globalThis.fetch" | "window.fetch" => {
                let timeout = at(1)
                    .and_then(|o| {
                        self.option(o, "signal", 0)
                            .or_else(|| self.option(o, "timeout", 0))
                    })
                    .unwrap_or(Timeout::Missing { why: FETCH_NONE });
                return simple("fetch", timeout);
            }
            "http.request" | "http.get" | "https.request" | "https.get" => {
                let options = args
                    .iter()
                    .take(2)
                    .filter(|a| !is_callback(**a) && !self.is_url(**a) && !self.names_callback(**a))
                    .find_map(|o| self.option(*o, "timeout", 0));
                let later = self
                    .bound_name(call)
                    .filter(|n| self.set_timeout.contains(n))
                    .map(|n| Timeout::set(&format!("{n}.setTimeout(...)")));
                let timeout = options
                    .or(later)
                    .unwrap_or(Timeout::Missing { why: NODE_NONE });
                return simple("node:http", timeout);
            }
            _ => {}
        }
        // axios / got, the module or an instance.
        let (object, method) = match name.rsplit_once('.') {
            Some((o, m)) => (o, m),
            None => (name.as_str(), ""),
        };
        let (lib, inherited, client) = match object {
            "axios" => (
                Lib::Axios,
                self.assigned("axios", "defaults.timeout")
                    .unwrap_or(Timeout::Missing { why: AXIOS_NONE }),
                None,
            ),
            "got" => (Lib::Got, Timeout::Missing { why: GOT_NONE }, None),
            _ => {
                let func = callee_node(call)?;
                let target = if func.ty() == "member_expression" {
                    func.field("object").map(strip)
                } else {
                    Some(func)
                }?;
                let built = if target.ty() == "call_expression" {
                    Some(target)
                } else {
                    self.b.find(object, call, |v| {
                        (v.ty() == "call_expression")
                            .then_some(v)
                            .filter(|v| self.client(*v).is_some())
                    })
                }?;
                let (lib, timeout) = self.client(built)?;
                (lib, timeout, Some(built))
            }
        };
        let config = match (lib, method) {
            (Lib::Axios, "" | "request") => args.last().copied().filter(|a| !self.is_url(*a)),
            (Lib::Axios, "get" | "delete" | "head" | "options") => at(1),
            (Lib::Axios, "post" | "put" | "patch" | "postForm" | "putForm" | "patchForm") => at(2),
            (Lib::Got, "" | "get" | "post" | "put" | "patch" | "delete" | "head" | "stream") => {
                args.iter()
                    .rev()
                    .find(|a| !self.is_url(**a) && !is_callback(**a))
                    .copied()
            }
            _ => return None,
        };
        // An abort signal bounds an axios call as it bounds `fetch`.
        let own = config.and_then(|c| {
            self.option(c, "timeout", 0).or_else(|| {
                (lib == Lib::Axios)
                    .then(|| self.option(c, "signal", 0))
                    .flatten()
            })
        });
        Some((
            Call {
                library: lib.name(),
                text,
                timeout: own.unwrap_or(inherited),
                client_line: None,
            },
            client,
        ))
    }

    /// The option `key` in an options object (or a name bound to one): `None` when the object
    /// has no such key, `Unknown` when the options cannot be read.
    fn option(&self, node: Node<'t>, key: &str, depth: u8) -> Option<Timeout> {
        let node = strip(node);
        match node.ty() {
            "object" => {
                let mut spread = false;
                let mut cursor = node.walk();
                for p in node.named_children(&mut cursor) {
                    match p.ty() {
                        "pair" => {
                            let k = p.field("key").map(|k| self.f.text(k));
                            if k.is_some_and(|k| k.trim_matches(['"', '\'', '`']) == key) {
                                return p.field("value").map(|v| self.value(v));
                            }
                        }
                        "shorthand_property_identifier" if self.f.text(p) == key => {
                            return Some(
                                self.b
                                    .values(key)
                                    .first()
                                    .map_or_else(|| Timeout::set(key), |v| self.value(*v)),
                            );
                        }
                        "spread_element" => spread = true,
                        _ => {}
                    }
                }
                spread.then(|| Timeout::Unknown {
                    why: format!("the options spread other options, which may set `{key}`"),
                })
            }
            "identifier" | "member_expression" if depth < 3 => {
                let name = self.f.text(node);
                match self.b.values(name) {
                    [one] => self.option(*one, key, depth + 1),
                    _ => Some(Timeout::Unknown {
                        why: format!(
                            "the options `{}` are not an object written in this file",
                            crate::short(name)
                        ),
                    }),
                }
            }
            "undefined" | "null" => None,
            _ => Some(Timeout::Unknown {
                why: format!(
                    "the options `{}` are computed",
                    crate::short(self.f.text(node))
                ),
            }),
        }
    }

    /// Whether an argument is a URL rather than options: a string, a `new URL(...)`, or a name
    /// that says so (`url`, `targetUrl`, `this.baseURI`, `endpoint`, `href`). A name that says
    /// neither is read as options (`axios(config)`).
    fn is_url(&self, n: Node<'t>) -> bool {
        let n = strip(n);
        match n.ty() {
            "identifier" | "member_expression" => {
                let text = self.f.text(n);
                let last = text.rsplit('.').next().unwrap_or(text).to_ascii_lowercase();
                ["url", "uri", "href", "endpoint"]
                    .iter()
                    .any(|w| last.contains(w))
            }
            "new_expression" => n
                .field("constructor")
                .is_some_and(|c| self.f.text(c) == "URL"),
            _ => is_string(n),
        }
    }

    /// Whether a name passed to Node's `http.get(url, x)` is its response callback rather than
    /// options: bound in this file to a function, or not bound here and not named like options
    /// (`cb`, `onResponse`, `handle`; `options`, `opts`, `config` are options).
    fn names_callback(&self, n: Node<'t>) -> bool {
        let n = strip(n);
        if n.ty() != "identifier" {
            return false;
        }
        let text = self.f.text(n);
        match self.b.values(text) {
            [] => {
                let lower = text.to_ascii_lowercase();
                !["opt", "conf", "setting", "param", "init"]
                    .iter()
                    .any(|w| lower.contains(w))
            }
            values => values.iter().all(|v| is_callback(strip(*v))),
        }
    }

    fn value(&self, v: Node<'t>) -> Timeout {
        let v = strip(v);
        let text = self.f.text(v);
        match v.ty() {
            "number" if text.trim_start_matches(['0', '.', '_']).is_empty() => {
                Timeout::disabled(text)
            }
            "null" | "undefined" => Timeout::disabled(text),
            _ => Timeout::set(text),
        }
    }
}

/// Records the local names an `import` statement binds, with the module they come from.
fn imported<'t>(f: &File<'t>, import: Node<'t>, out: &mut BTreeMap<&'t str, &'t str>) {
    let Some(source) = import.field("source") else {
        return;
    };
    let module = f.text(source).trim_matches(['"', '\'', '`']);
    let mut cursor = import.walk();
    for clause in import.named_children(&mut cursor) {
        if clause.ty() != "import_clause" {
            continue;
        }
        let mut c = clause.walk();
        for part in clause.named_children(&mut c) {
            match part.ty() {
                "identifier" => {
                    out.insert(f.text(part), module);
                }
                "namespace_import" => {
                    let mut i = part.walk();
                    for id in part.named_children(&mut i) {
                        if id.ty() == "identifier" {
                            out.insert(f.text(id), module);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The module of a `require('m')` call.
fn required<'t>(f: &File<'t>, value: Node<'t>) -> Option<&'t str> {
    let value = strip(value);
    if value.ty() != "call_expression"
        || value
            .field("function")
            .is_none_or(|x| f.text(x) != "require")
    {
        return None;
    }
    let args = value.field("arguments")?;
    let first = args.named_child(0)?;
    (first.ty() == "string").then(|| f.text(first).trim_matches(['"', '\'', '`']))
}

/// Looks through `await`, parentheses and type assertions.
fn strip(mut n: Node<'_>) -> Node<'_> {
    while matches!(
        n.ty(),
        "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
    ) {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

fn is_string(n: Node<'_>) -> bool {
    matches!(n.ty(), "string" | "template_string" | "binary_expression")
}

fn is_callback(n: Node<'_>) -> bool {
    matches!(
        n.ty(),
        "arrow_function" | "function_expression" | "function"
    )
}

/// The callee of a call. tree-sitter-typescript reads `await axios.get<T>(url)` as a call of
/// `await axios.get` with type arguments: the callee is the awaited expression.
fn callee_node(call: Node<'_>) -> Option<Node<'_>> {
    let func = call.field("function")?;
    if func.ty() == "await_expression" && call.field("type_arguments").is_some() {
        return func.named_child(0);
    }
    Some(func)
}

fn callee(f: &File<'_>, call: Node<'_>) -> String {
    let name = callee_node(call).map_or("", |x| f.text(x));
    crate::short(&format!("{}(...)", compact(name)))
}

pub(crate) fn function(f: &File<'_>, n: Node<'_>) -> Option<String> {
    f.enclosing(n, |f, p| {
        let name = |field: &'static str| p.field(field).map(|x| f.text(x).to_string());
        match p.ty() {
            "function_declaration" | "generator_function_declaration" | "method_definition" => {
                name("name")
            }
            "arrow_function" | "function_expression" | "function" => {
                let parent = p.parent()?;
                match parent.ty() {
                    "variable_declarator" => parent.field("name").map(|x| f.text(x).to_string()),
                    "pair" => parent.field("key").map(|x| f.text(x).to_string()),
                    "public_field_definition" | "field_definition" => parent
                        .field("name")
                        .or_else(|| parent.field("property"))
                        .map(|x| f.text(x).to_string()),
                    _ => None,
                }
            }
            _ => None,
        }
    })
}
