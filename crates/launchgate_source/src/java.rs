//! Java: `java.net.http` requests and clients built with their timeouts, OkHttp clients,
//! `RestTemplate`s built without a request factory, and `HttpURLConnection`s with the timeouts
//! set on them.

use tree_sitter::Node;

use crate::syntax::Syntax;
use crate::tree::File;
use crate::{Call, Client, Fact, FactKind, Timeout};

const REQUEST_NONE: &str = "an HttpRequest without timeout(...) waits for ever for the response";
const CLIENT_NONE: &str =
    "an HttpClient without connectTimeout(...) waits for the OS to give up connecting";
const REST_NONE: &str = "new RestTemplate() uses a request factory with no connect or read timeout";
const OKHTTP_DEFAULT: &str = "10 s connect, read and write (OkHttp default)";
const URL_CONNECTION_NONE: &str = "an HttpURLConnection without setReadTimeout(...) and setConnectTimeout(...) waits for ever (both default to 0, no limit)";
const URL_CONNECTION_CONNECT_ONLY: &str = "setConnectTimeout(...) bounds connecting only: without setReadTimeout(...) the response is awaited for ever";

pub fn facts(f: &File<'_>) -> Vec<Fact> {
    let mut out = Vec::new();
    let nodes = f.nodes();
    for (&n, ty) in f.typed() {
        let fact = match ty {
            "object_creation_expression" => creation(f, n),
            "method_invocation" => invocation(f, n).or_else(|| url_connection(f, nodes, n)),
            _ => None,
        };
        if let Some(kind) = fact {
            out.push(f.fact(n, function(f, n), kind));
        }
    }
    crate::shutdown::java(f, &mut out);
    crate::logs::java(f, &mut out);
    crate::routes::java(f, &mut out);
    out
}

fn client(library: &'static str, text: &str, timeout: Timeout) -> FactKind {
    FactKind::Client(Client {
        library,
        text: text.to_string(),
        timeout,
        uses: 0,
    })
}

fn creation(f: &File<'_>, n: Node<'_>) -> Option<FactKind> {
    let ty = f.text(n.field("type")?);
    let args = n.field("arguments").map_or(0, |a| a.named_child_count());
    match ty {
        "RestTemplate" if args == 0 => Some(client(
            "spring",
            "new RestTemplate()",
            Timeout::Missing { why: REST_NONE },
        )),
        "RestTemplate" => Some(client(
            "spring",
            "new RestTemplate(...)",
            Timeout::Unknown {
                why: "the timeouts are the request factory's, built elsewhere".to_string(),
            },
        )),
        "OkHttpClient" => Some(client(
            "okhttp",
            "new OkHttpClient()",
            Timeout::Default {
                value: OKHTTP_DEFAULT,
            },
        )),
        _ => None,
    }
}

fn invocation(f: &File<'_>, n: Node<'_>) -> Option<FactKind> {
    let name = f.text(n.field("name")?);
    if name == "newHttpClient" && n.field("object").map(|o| f.text(o)) == Some("HttpClient") {
        return Some(client(
            "java.net.http",
            "HttpClient.newHttpClient()",
            Timeout::Missing { why: CLIENT_NONE },
        ));
    }
    if name != "build" {
        return None;
    }
    // The builder chain, outermost call first, and what it starts from.
    let mut steps: Vec<(&str, Option<Node<'_>>)> = Vec::new();
    let mut at = n.field("object");
    let mut root = "";
    while let Some(x) = at {
        if x.ty() == "method_invocation" {
            steps.push((
                x.field("name").map_or("", |m| f.text(m)),
                x.field("arguments"),
            ));
            at = x.field("object");
        } else {
            root = f.text(x);
            if x.ty() == "object_creation_expression" {
                root = x.field("type").map_or("", |t| f.text(t));
            }
            break;
        }
    }
    let starts = |s: &str| {
        steps
            .last()
            .is_some_and(|(m, _)| *m == "newBuilder" && root == s)
    };
    let arg = |method: &str| {
        steps.iter().find(|(m, _)| *m == method).map(|(_, a)| {
            let text = a.map_or("", |a| f.text(a));
            let inner = text.strip_prefix('(').and_then(|t| t.strip_suffix(')'));
            Timeout::set(inner.unwrap_or(text))
        })
    };
    if starts("HttpRequest") {
        return Some(FactKind::Call(Call {
            library: "java.net.http",
            text: "HttpRequest.newBuilder()...build()".to_string(),
            timeout: arg("timeout").unwrap_or(Timeout::Missing { why: REQUEST_NONE }),
            client_line: None,
        }));
    }
    if starts("HttpClient") {
        return Some(client(
            "java.net.http",
            "HttpClient.newBuilder()...build()",
            arg("connectTimeout").unwrap_or(Timeout::Missing { why: CLIENT_NONE }),
        ));
    }
    if root == "OkHttpClient.Builder" || root.ends_with("OkHttpClient.Builder") {
        let set = [
            "callTimeout",
            "readTimeout",
            "connectTimeout",
            "writeTimeout",
        ]
        .iter()
        .find_map(|m| arg(m));
        return Some(client(
            "okhttp",
            "new OkHttpClient.Builder()...build()",
            set.unwrap_or(Timeout::Default {
                value: OKHTTP_DEFAULT,
            }),
        ));
    }
    None
}

/// Whether a type is an HTTP connection of `java.net`.
fn http_connection(ty: &str) -> bool {
    matches!(
        ty,
        "HttpURLConnection"
            | "HttpsURLConnection"
            | "java.net.HttpURLConnection"
            | "javax.net.ssl.HttpsURLConnection"
    )
}

/// Whether `scope` declares `name` itself: a local variable or a parameter of the method.
fn declares(f: &File<'_>, nodes: &[Node<'_>], scope: Node<'_>, name: &str) -> bool {
    nodes.iter().any(|d| {
        matches!(
            d.ty(),
            "variable_declarator" | "formal_parameter" | "catch_formal_parameter"
        ) && scope.start_byte() <= d.start_byte()
            && d.end_byte() <= scope.end_byte()
            && d.field("name").is_some_and(|x| f.text(x) == name)
    })
}

/// Whether a call only writes what it is given, to a log or standard output
/// (`log.info("{}", conn)`, `System.out.println(conn)`): it sets nothing on a connection.
fn writes_only(f: &File<'_>, call: Node<'_>) -> bool {
    let Some(object) = call.field("object") else {
        return false;
    };
    let object = f.text(object);
    let last = object.rsplit('.').next().unwrap_or(object);
    let last = last.trim_start_matches('_').to_ascii_lowercase();
    matches!(object, "System.out" | "System.err") || matches!(last.as_str(), "log" | "logger")
}

/// `(HttpURLConnection) url.openConnection()`, cast to or declared as an HTTP connection (a
/// `URLConnection` alone may be a file or a jar entry): a request whose read timeout is what
/// `setReadTimeout(...)` sets on the connection's variable in the same method, or in any
/// method of the class for a connection kept in a field. A connection handed to another method
/// (`configure(conn)`) may get its timeouts there: unknown.
fn url_connection<'t>(f: &File<'t>, nodes: &[Node<'t>], n: Node<'t>) -> Option<FactKind> {
    if n.field("name").map(|m| f.text(m)) != Some("openConnection") {
        return None;
    }
    let outer = |mut x: Node<'t>| {
        while let Some(p) = x.parent().filter(|p| p.ty() == "parenthesized_expression") {
            x = p;
        }
        x
    };
    let mut holder = outer(n).parent()?;
    let mut http = false;
    if holder.ty() == "cast_expression" {
        http = holder
            .field("type")
            .is_some_and(|t| http_connection(f.text(t)));
        holder = outer(holder).parent()?;
    }
    let var = match holder.ty() {
        "variable_declarator" => {
            let declared = holder.parent().and_then(|d| d.field("type"));
            http |= declared.is_some_and(|t| http_connection(f.text(t)));
            holder.field("name").map(|v| f.text(v))
        }
        "assignment_expression" => holder.field("left").map(|v| f.text(v)),
        _ => None,
    };
    if !http {
        return None;
    }
    let ancestors = f.ancestors(n);
    let method = ancestors
        .iter()
        .rev()
        .find(|a| matches!(a.ty(), "method_declaration" | "constructor_declaration"))
        .copied();
    let mut scope = method.unwrap_or(f.root);
    // A connection kept in a field (`this.conn = ...`, or a name the method does not declare)
    // may be configured in another method of the class: the class is where to look.
    let field = var.and_then(|v| match v.strip_prefix("this.") {
        Some(name) => Some(name),
        None => (!declares(f, nodes, scope, v)).then_some(v),
    });
    if field.is_some()
        && let Some(class) = ancestors
            .iter()
            .rev()
            .find(|a| matches!(a.ty(), "class_declaration" | "enum_declaration"))
    {
        scope = *class;
    }
    let is_var = |text: &str| {
        Some(text) == var || field.is_some_and(|name| text.strip_prefix("this.") == Some(name))
    };
    let (mut read, mut connect, mut handed) = (None, false, None);
    let calls = nodes.iter().filter(|m| {
        m.ty() == "method_invocation"
            && scope.start_byte() <= m.start_byte()
            && m.end_byte() <= scope.end_byte()
    });
    // Without a variable, nothing can set a timeout on the connection.
    for m in calls.filter(|_| var.is_some()) {
        let name = m.field("name").map_or("", |x| f.text(x));
        let on_var = m.field("object").is_some_and(|o| is_var(f.text(o)));
        let arg = crate::tree::args(*m);
        match name {
            "setReadTimeout" if on_var => read = arg.first().map(|a| f.text(*a)),
            "setConnectTimeout" if on_var => connect = true,
            _ if writes_only(f, *m) => {}
            _ if arg.iter().any(|a| is_var(f.text(*a))) => handed = Some(name),
            _ => {}
        }
    }
    let timeout = match (read, handed) {
        (Some("0"), _) => Timeout::disabled("setReadTimeout(0)"),
        (Some(v), _) => Timeout::set(v),
        (None, Some(helper)) => Timeout::Unknown {
            why: format!("the connection is passed to `{helper}(...)`, which may set its timeouts"),
        },
        (None, None) if connect => Timeout::Missing {
            why: URL_CONNECTION_CONNECT_ONLY,
        },
        (None, None) => Timeout::Missing {
            why: URL_CONNECTION_NONE,
        },
    };
    Some(FactKind::Call(Call {
        library: "java.net",
        text: crate::short(f.text(n)),
        timeout,
        client_line: None,
    }))
}

pub(crate) fn function(f: &File<'_>, n: Node<'_>) -> Option<String> {
    f.enclosing(n, |f, p| match p.ty() {
        "method_declaration" | "constructor_declaration" => {
            p.field("name").map(|x| f.text(x).to_string())
        }
        _ => None,
    })
}
