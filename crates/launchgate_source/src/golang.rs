//! Go: net/http clients (`http.Client{Timeout: ...}`, `http.Get` and `http.DefaultClient`, which
//! have none), request contexts with a deadline, and servers (`http.Server{ReadHeaderTimeout:
//! ...}` against a bare `http.ListenAndServe`, gin's `Run`).

use crate::syntax::Syntax;
use std::collections::BTreeMap;

use tree_sitter::Node;

use crate::tree::{Bindings, File, compact};
use crate::{Call, Client, Fact, FactKind, Server, Timeout};

const DEFAULT_CLIENT: &str = "http.DefaultClient has no timeout";
const CLIENT_NONE: &str = "an http.Client without Timeout waits for ever";
const SERVER_NONE: &str = "not set: no limit";
const LISTEN_NONE: &str = "http.ListenAndServe and http.Serve run a server with no timeouts";

pub fn facts(f: &File<'_>) -> Vec<Fact> {
    let mut b = Bindings::default();
    let mut props: BTreeMap<(String, String), Vec<Node<'_>>> = BTreeMap::new();
    for (n, ty) in f.typed() {
        match ty {
            "short_var_declaration" | "assignment_statement" => {
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
                    continue;
                };
                let (ls, rs) = (list(l), list(r));
                if ls.len() == rs.len() {
                    for (l, r) in ls.iter().zip(&rs) {
                        b.bind(f.text(*l), strip(*r));
                        if l.ty() == "selector_expression"
                            && let (Some(o), Some(p)) = (l.field("operand"), l.field("field"))
                        {
                            props
                                .entry((compact(f.text(o)), f.text(p).to_string()))
                                .or_default()
                                .push(strip(*r));
                        }
                    }
                } else if let Some(r) = rs.first() {
                    // `ctx, cancel := context.WithTimeout(...)`: the first name is the result.
                    if let Some(l) = ls.first() {
                        b.bind(f.text(*l), strip(*r));
                    }
                }
            }
            "var_spec" | "const_spec" => {
                if let (Some(l), Some(r)) = (n.field("name"), n.field("value"))
                    && let Some(r) = list(r).first()
                {
                    b.bind(f.text(l), strip(*r));
                }
            }
            _ => {}
        }
    }
    let cx = Cx {
        f,
        b: &b,
        props: &props,
    };
    let mut out = Vec::new();
    let mut clients: BTreeMap<usize, usize> = BTreeMap::new();
    for (n, ty) in f.typed() {
        match ty {
            "composite_literal" => match n.field("type").map(|t| f.text(t)) {
                Some("http.Client") => {
                    clients.insert(n.start_byte(), out.len());
                    out.push(f.fact(
                        *n,
                        function(f, *n),
                        FactKind::Client(Client {
                            library: "net/http",
                            text: "http.Client{...}".to_string(),
                            timeout: cx.client_timeout(*n),
                            uses: 0,
                        }),
                    ));
                }
                Some("http.Server") => {
                    let field = |k: &'static str| {
                        cx.field(*n, k)
                            .unwrap_or(Timeout::Missing { why: SERVER_NONE })
                    };
                    out.push(f.fact(
                        *n,
                        function(f, *n),
                        FactKind::Server(Server {
                            library: "net/http",
                            text: "http.Server{...}".to_string(),
                            read_header: field("ReadHeaderTimeout"),
                            read: field("ReadTimeout"),
                            write: field("WriteTimeout"),
                            idle: field("IdleTimeout"),
                        }),
                    ));
                }
                _ => {}
            },
            "call_expression" => {
                if let Some(server) = cx.listen(*n) {
                    out.push(f.fact(*n, function(f, *n), FactKind::Server(server)));
                }
            }
            _ => {}
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
    crate::shutdown::go(f, &b, &mut out);
    crate::logs::go(f, &b, &mut out);
    crate::routes::go(f, &mut out);
    out
}

struct Cx<'a, 't> {
    f: &'a File<'t>,
    b: &'a Bindings<'t>,
    props: &'a BTreeMap<(String, String), Vec<Node<'t>>>,
}

impl<'t> Cx<'_, 't> {
    fn name(&self, call: Node<'t>) -> String {
        call.field("function")
            .map(|x| compact(self.f.text(x)))
            .unwrap_or_default()
    }

    /// A field of a composite literal, or `name.Field = value` on the name it is bound to, in
    /// the literal's function (`srv` of one function is not `srv` of the next).
    fn field(&self, lit: Node<'t>, key: &str) -> Option<Timeout> {
        if let Some(body) = lit.field("body") {
            let mut cursor = body.walk();
            for e in body.named_children(&mut cursor) {
                if e.ty() == "keyed_element" && e.field("key").map(|k| self.f.text(k)) == Some(key)
                {
                    return e.field("value").map(|v| self.value(v));
                }
            }
        }
        let bound = bound_name(self.f, lit)?;
        self.props
            .get(&(bound, key.to_string()))?
            .iter()
            .find(|v| crate::tree::in_scope(lit, **v))
            .map(|v| self.value(*v))
    }

    fn client_timeout(&self, lit: Node<'t>) -> Timeout {
        self.field(lit, "Timeout")
            .unwrap_or(Timeout::Missing { why: CLIENT_NONE })
    }

    fn value(&self, v: Node<'t>) -> Timeout {
        let text = self.f.text(v);
        if text.trim() == "0" {
            Timeout::disabled(text)
        } else {
            Timeout::set(text)
        }
    }

    fn listen(&self, call: Node<'t>) -> Option<Server> {
        let name = self.name(call);
        let library = match name.as_str() {
            "http.ListenAndServe" | "http.ListenAndServeTLS" | "http.Serve" | "http.ServeTLS" => {
                "net/http"
            }
            _ => {
                let (object, method) = name.rsplit_once('.')?;
                let gin = self.b.find(object, call, |v| {
                    (v.ty() == "call_expression"
                        && matches!(self.name(v).as_str(), "gin.Default" | "gin.New"))
                    .then_some(())
                });
                if !matches!(method, "Run" | "RunTLS") || gin.is_none() {
                    return None;
                }
                "gin"
            }
        };
        let none = || Timeout::Missing { why: LISTEN_NONE };
        Some(Server {
            library,
            text: format!("{name}(...)"),
            read_header: none(),
            read: none(),
            write: none(),
            idle: none(),
        })
    }

    fn call(&self, call: Node<'t>) -> Option<(Call, Option<Node<'t>>)> {
        let name = self.name(call);
        let (object, method) = name.rsplit_once('.')?;
        if !matches!(method, "Get" | "Head" | "Post" | "PostForm" | "Do") {
            return None;
        }
        let (inherited, client) = if object == "http" {
            if method == "Do" {
                return None;
            }
            (
                Timeout::Missing {
                    why: DEFAULT_CLIENT,
                },
                None,
            )
        } else if object == "http.DefaultClient" {
            (
                Timeout::Missing {
                    why: DEFAULT_CLIENT,
                },
                None,
            )
        } else {
            let lit = self.b.find(object, call, |v| {
                (v.ty() == "composite_literal"
                    && v.field("type").map(|t| self.f.text(t)) == Some("http.Client"))
                .then_some(v)
            })?;
            (self.client_timeout(lit), Some(lit))
        };
        let timeout = if method == "Do" && !inherited.bounds() {
            self.request_deadline(call).unwrap_or(inherited)
        } else {
            inherited
        };
        Some((
            Call {
                library: "net/http",
                text: format!("{name}(...)"),
                timeout,
                client_line: None,
            },
            client,
        ))
    }

    /// A request built with a context: its deadline bounds the call.
    fn request_deadline(&self, call: Node<'t>) -> Option<Timeout> {
        let args = call.field("arguments")?;
        let req = args.named_child(0)?;
        let built = self.b.find(self.f.text(req), call, |v| {
            (v.ty() == "call_expression"
                && matches!(
                    self.name(v).as_str(),
                    "http.NewRequestWithContext" | "req.WithContext"
                ))
            .then_some(v)
        })?;
        let ctx = built.field("arguments")?.named_child(0)?;
        let deadline = self.b.find(self.f.text(ctx), call, |v| {
            (v.ty() == "call_expression"
                && matches!(
                    self.name(v).as_str(),
                    "context.WithTimeout" | "context.WithDeadline"
                ))
            .then_some(v)
        });
        Some(match deadline {
            Some(d) => Timeout::set(&format!("{}(...)", self.name(d))),
            None => Timeout::Unknown {
                why: format!(
                    "the request's context `{}` comes from elsewhere and may carry a deadline",
                    crate::short(self.f.text(ctx))
                ),
            },
        })
    }
}

/// The names of an expression list, or the one expression.
fn list(n: Node<'_>) -> Vec<Node<'_>> {
    if n.ty() == "expression_list" {
        let mut cursor = n.walk();
        n.named_children(&mut cursor).collect()
    } else {
        vec![n]
    }
}

/// Looks through `&` and parentheses.
fn strip(mut n: Node<'_>) -> Node<'_> {
    while matches!(n.ty(), "unary_expression" | "parenthesized_expression") {
        match n.field("operand").or_else(|| n.named_child(0)) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

/// The name a literal is bound to (`srv := &http.Server{...}` gives `srv`).
fn bound_name(f: &File<'_>, lit: Node<'_>) -> Option<String> {
    let mut p = lit.parent()?;
    while matches!(p.ty(), "unary_expression" | "expression_list") {
        p = p.parent()?;
    }
    let left = match p.ty() {
        "short_var_declaration" | "assignment_statement" => p.field("left")?,
        "var_spec" => p.field("name")?,
        _ => return None,
    };
    let names = list(left);
    (names.len() == 1).then(|| compact(f.text(names[0])))
}

pub(crate) fn function(f: &File<'_>, n: Node<'_>) -> Option<String> {
    f.enclosing(n, |f, p| match p.ty() {
        "function_declaration" | "method_declaration" => {
            p.field("name").map(|x| f.text(x).to_string())
        }
        _ => None,
    })
}
