//! Java: `java.net.http` requests and clients built with their timeouts, OkHttp clients, and
//! `RestTemplate`s built without a request factory.

use tree_sitter::Node;

use crate::syntax::Syntax;
use crate::tree::File;
use crate::{Call, Client, Fact, FactKind, Timeout};

const REQUEST_NONE: &str = "an HttpRequest without timeout(...) waits for ever for the response";
const CLIENT_NONE: &str =
    "an HttpClient without connectTimeout(...) waits for the OS to give up connecting";
const REST_NONE: &str = "new RestTemplate() uses a request factory with no connect or read timeout";
const OKHTTP_DEFAULT: &str = "10 s connect, read and write (OkHttp default)";

pub fn facts(f: &File<'_>) -> Vec<Fact> {
    let mut out = Vec::new();
    let nodes = f.nodes();
    for n in nodes.iter().copied() {
        let fact = match n.ty() {
            "object_creation_expression" => creation(f, n),
            "method_invocation" => invocation(f, n),
            _ => None,
        };
        if let Some(kind) = fact {
            out.push(f.fact(n, function(f, n), kind));
        }
    }
    crate::shutdown::java(f, &nodes, &mut out);
    crate::logs::java(f, &nodes, &mut out);
    crate::routes::java(f, &nodes, &mut out);
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

pub(crate) fn function(f: &File<'_>, n: Node<'_>) -> Option<String> {
    f.enclosing(n, |f, p| match p.ty() {
        "method_declaration" | "constructor_declaration" => {
            p.field("name").map(|x| f.text(x).to_string())
        }
        _ => None,
    })
}
