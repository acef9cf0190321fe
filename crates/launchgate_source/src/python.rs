//! Python: outbound calls of requests, httpx, aiohttp and urllib with their `timeout=`, directly
//! or through a `Session` / `Client` / `ClientSession` built in the same file.

use crate::syntax::Syntax;
use std::collections::BTreeMap;

use tree_sitter::Node;

use crate::tree::{Bindings, File, compact, named_children};
use crate::{Call, Client, Fact, FactKind, Timeout};

const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];
/// Methods a client object adds to the module-level verbs.
const CLIENT_VERBS: &[&str] = &["stream", "send", "ws_connect"];

const REQUESTS_NONE: &str = "requests waits for ever without timeout=";
const SESSION_NONE: &str = "a requests Session has no timeout of its own: each call needs timeout=";
const URLOPEN_NONE: &str = "urlopen waits for ever without a timeout";
const HTTPX_DEFAULT: &str = "5 s (httpx default)";
const AIOHTTP_DEFAULT: &str = "300 s in total (aiohttp default)";

pub fn facts(f: &File<'_>) -> Vec<Fact> {
    let mut b = Bindings::default();
    for (n, ty) in f.typed() {
        match ty {
            "assignment" => {
                if let (Some(l), Some(r)) = (n.field("left"), n.field("right")) {
                    b.bind(f.text(l), r);
                }
            }
            // `import requests as rq`, `from requests import get`: the name and what it is.
            "aliased_import" => {
                if let Some(alias) = n.field("alias") {
                    b.bind(f.text(alias), *n);
                }
            }
            "import_from_statement" => {
                let mut cursor = n.walk();
                for name in n.children_by_field_name("name", &mut cursor) {
                    if name.ty() == "dotted_name" {
                        b.bind(f.text(name), *n);
                    }
                }
            }
            "as_pattern" => {
                if let (Some(v), Some(alias)) = (n.named_child(0), n.field("alias")) {
                    b.bind(f.text(alias), v);
                }
            }
            _ => {}
        }
    }
    let mounts = mounts(f);
    let mut out = Vec::new();
    // Client constructions by start byte: index of their fact.
    let mut clients: BTreeMap<usize, usize> = BTreeMap::new();
    for n in f.of_kind("call") {
        if let Some((library, timeout)) = client_of(f, &b, *n) {
            clients.insert(n.start_byte(), out.len());
            out.push(f.fact(
                *n,
                function(f, *n),
                FactKind::Client(Client {
                    library,
                    text: callee(f, *n),
                    timeout,
                    uses: 0,
                }),
            ));
        }
    }
    for n in f.of_kind("call") {
        let Some(call) = call_of(f, &b, &mounts, *n, &mut |client: Node<'_>| {
            let i = clients.get(&client.start_byte()).copied()?;
            if let Some(FactKind::Client(c)) = out.get_mut(i).map(|x| &mut x.kind) {
                c.uses += 1;
            }
            Some(File::line(client))
        }) else {
            continue;
        };
        out.push(f.fact(*n, function(f, *n), FactKind::Call(call)));
    }
    crate::shutdown::python(f, &b, &mut out);
    crate::logs::python(f, &b, &mut out);
    crate::routes::python(f, &mut out);
    out
}

pub(crate) fn function(f: &File<'_>, n: Node<'_>) -> Option<String> {
    f.enclosing(n, |f, p| {
        (p.ty() == "function_definition")
            .then(|| p.field("name").map(|x| f.text(x).to_string()))
            .flatten()
    })
}

/// `requests.get(...)`: the callee and an ellipsis, never the arguments (they may hold a token).
fn callee(f: &File<'_>, call: Node<'_>) -> String {
    let name = call.field("function").map_or("", |x| f.text(x));
    crate::short(&format!("{}(...)", compact(name)))
}

/// A client construction: its library and own timeout.
fn client_of<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    call: Node<'t>,
) -> Option<(&'static str, Timeout)> {
    if call.ty() != "call" {
        return None;
    }
    let name = canonical(f, b, &compact(f.text(call.field("function")?)));
    let args = call.field("arguments");
    let given = || args.and_then(|a| keyword_timeout(f, b, a, None));
    Some(match name.as_str() {
        "requests.Session" | "requests.session" | "requests.sessions.Session" => {
            ("requests", Timeout::Missing { why: SESSION_NONE })
        }
        "httpx.Client" | "httpx.AsyncClient" => (
            "httpx",
            given().unwrap_or(Timeout::Default {
                value: HTTPX_DEFAULT,
            }),
        ),
        "aiohttp.ClientSession" | "ClientSession" => (
            "aiohttp",
            given().unwrap_or(Timeout::Default {
                value: AIOHTTP_DEFAULT,
            }),
        ),
        _ => return None,
    })
}

/// An outbound call; `via` records the use of a client construction and gives its line.
fn call_of<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    mounts: &[Mount<'t>],
    call: Node<'t>,
    via: &mut dyn FnMut(Node<'t>) -> Option<u32>,
) -> Option<Call> {
    let func = call.field("function")?;
    let args = call.field("arguments")?;
    let text = callee(f, call);
    let name = canonical(f, b, &compact(f.text(func)));
    if matches!(
        name.as_str(),
        "urlopen" | "urllib.request.urlopen" | "request.urlopen"
    ) {
        let timeout =
            keyword_timeout(f, b, args, Some(2)).unwrap_or(Timeout::Missing { why: URLOPEN_NONE });
        return Some(Call {
            library: "urllib",
            text,
            timeout,
            client_line: None,
        });
    }
    // `get(url)` imported from requests or httpx.
    if func.ty() == "identifier"
        && let Some((module, method)) = name.rsplit_once('.')
        && VERBS.contains(&method)
    {
        let own = keyword_timeout(f, b, args, None);
        let (library, default) = match module {
            "requests" | "requests.api" => ("requests", Timeout::Missing { why: REQUESTS_NONE }),
            "httpx" => (
                "httpx",
                Timeout::Default {
                    value: HTTPX_DEFAULT,
                },
            ),
            _ => return None,
        };
        return Some(Call {
            library,
            text,
            timeout: own.unwrap_or(default),
            client_line: None,
        });
    }
    if func.ty() != "attribute" {
        return None;
    }
    let object = func.field("object")?;
    let method = f.text(func.field("attribute")?);
    let verb = VERBS.contains(&method);
    let own = keyword_timeout(f, b, args, None);
    match canonical(f, b, &compact(f.text(object))).as_str() {
        "requests" if verb => {
            return Some(Call {
                library: "requests",
                text,
                timeout: own.unwrap_or(Timeout::Missing { why: REQUESTS_NONE }),
                client_line: None,
            });
        }
        "httpx" if verb => {
            return Some(Call {
                library: "httpx",
                text,
                timeout: own.unwrap_or(Timeout::Default {
                    value: HTTPX_DEFAULT,
                }),
                client_line: None,
            });
        }
        _ => {}
    }
    if !verb && !CLIENT_VERBS.contains(&method) {
        return None;
    }
    // Through a client: built right there (`requests.Session().get`) or bound to the name.
    let client = if object.ty() == "call" {
        client_of(f, b, object).map(|c| (object, c))
    } else {
        b.find(f.text(object), call, |v| client_of(f, b, v).map(|c| (v, c)))
    }?;
    let (node, (library, inherited)) = client;
    let client_line = via(node);
    let inherited = match (library, &own) {
        ("requests", None) => mounted(f, mounts, f.text(object), call).unwrap_or(inherited),
        _ => inherited,
    };
    Some(Call {
        library,
        text,
        timeout: own.unwrap_or(inherited),
        client_line,
    })
}

/// The timeout among keyword arguments (or at the positional index `positional`): `None` when
/// none is given.
fn keyword_timeout<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    args: Node<'t>,
    positional: Option<usize>,
) -> Option<Timeout> {
    let mut spread = None;
    let mut cursor = args.walk();
    let children: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
    for a in &children {
        match a.ty() {
            "keyword_argument" => {
                let name = a.field("name").map(|x| f.text(x));
                if name == Some("timeout") {
                    return a.field("value").map(|v| value(f, v));
                }
            }
            "dictionary_splat" => spread = a.named_child(0),
            _ => {}
        }
    }
    if let Some(i) = positional
        && let Some(v) = children.iter().filter(|a| is_positional(a)).nth(i)
    {
        return Some(value(f, *v));
    }
    let spread = spread?;
    Some(from_dict(f, b, spread, 0).unwrap_or_else(|| Timeout::Unknown {
        why: format!(
            "keyword arguments are spread from `{}`, which is not a dictionary written in this file",
            crate::short(f.text(spread))
        ),
    }))
    .and_then(|t| match t {
        // A dictionary without a timeout key: the spread gives none.
        Timeout::Missing { .. } => None,
        t => Some(t),
    })
}

fn is_positional(n: &Node<'_>) -> bool {
    !matches!(
        n.ty(),
        "keyword_argument" | "dictionary_splat" | "list_splat" | "comment"
    )
}

/// The timeout in a dictionary a call spreads (`**options`): `Missing` when the dictionary has no
/// timeout key, `None` when the dictionary cannot be read.
fn from_dict<'t>(f: &File<'t>, b: &Bindings<'t>, node: Node<'t>, depth: u8) -> Option<Timeout> {
    if depth > 3 {
        return None;
    }
    match node.ty() {
        "dictionary" => {
            let mut cursor = node.walk();
            for pair in node.named_children(&mut cursor) {
                if pair.ty() == "dictionary_splat" {
                    return None;
                }
                if pair.ty() != "pair" {
                    continue;
                }
                let key = pair.field("key").map(|k| f.text(k));
                if key.is_some_and(|k| k.trim_matches(['"', '\'']) == "timeout") {
                    return pair.field("value").map(|v| value(f, v));
                }
            }
            Some(Timeout::Missing { why: "" })
        }
        "call" if node.field("function").map(|x| f.text(x)) == Some("dict") => {
            let args = node.field("arguments")?;
            Some(keyword_timeout(f, b, args, None).unwrap_or(Timeout::Missing { why: "" }))
        }
        "identifier" | "attribute" => {
            let values = b.values(f.text(node));
            // Only a name bound once: which binding reaches the call is not known otherwise.
            match values {
                [one] => from_dict(f, b, *one, depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A timeout value as written: `None` disables it, and so does an httpx `Timeout` whose read
/// timeout is `None` (`httpx.Timeout(None)`, `httpx.Timeout(None, connect=2.0)`,
/// `httpx.Timeout(10.0, read=None)`: the response is awaited for ever) or an aiohttp
/// `ClientTimeout` with neither a `total` nor a `sock_read` (`ClientTimeout(total=None)`,
/// `ClientTimeout(connect=5)`: aiohttp's own default of 300 s is replaced by nothing).
fn value(f: &File<'_>, v: Node<'_>) -> Timeout {
    let text = f.text(v);
    if v.ty() == "none" {
        return Timeout::disabled(text);
    }
    let callee = v
        .field("function")
        .filter(|_| v.ty() == "call")
        .map(|x| f.text(x));
    let Some(args) = v.field("arguments").filter(|_| callee.is_some()) else {
        return Timeout::set(text);
    };
    let all = named_children(args);
    let positional: Vec<Node<'_>> = all
        .iter()
        .filter(|a| a.ty() != "keyword_argument")
        .copied()
        .collect();
    let keyword = |name: &str| {
        all.iter().find_map(|a| {
            (a.ty() == "keyword_argument" && a.field("name").is_some_and(|k| f.text(k) == name))
                .then(|| a.field("value"))
                .flatten()
        })
    };
    // Present and not `None`: a bound.
    let bounds = |n: Option<Node<'_>>| n.is_some_and(|n| n.ty() != "none");
    let off = match callee {
        Some("Timeout" | "httpx.Timeout") => {
            match keyword("read").or(positional.first().copied()) {
                Some(read) => read.ty() == "none",
                None => false,
            }
        }
        Some("ClientTimeout" | "aiohttp.ClientTimeout") => {
            !bounds(keyword("total").or(positional.first().copied()))
                && !bounds(keyword("sock_read").or(positional.get(2).copied()))
        }
        _ => false,
    };
    if off {
        Timeout::disabled(text)
    } else {
        Timeout::set(text)
    }
}

/// `session.mount(prefix, adapter)`: the session's name, the adapter and the call.
struct Mount<'t> {
    session: String,
    adapter: Node<'t>,
    call: Node<'t>,
}

fn mounts<'t>(f: &File<'t>) -> Vec<Mount<'t>> {
    let mut out = Vec::new();
    for n in f.of_kind("call") {
        let Some(func) = n.field("function") else {
            continue;
        };
        if func.ty() != "attribute" || func.field("attribute").map(|a| f.text(a)) != Some("mount") {
            continue;
        }
        let (Some(object), Some(adapter)) = (
            func.field("object"),
            n.field("arguments").and_then(|a| a.named_child(1)),
        ) else {
            continue;
        };
        out.push(Mount {
            session: compact(f.text(object)),
            adapter,
            call: *n,
        });
    }
    out
}

/// The timeout a transport adapter mounted on a requests session gives its calls: a stock
/// `HTTPAdapter` gives none (its `max_retries` is not a timeout); an adapter class of this file
/// whose body sets `timeout` gives one; any other adapter may, which is unknown.
fn mounted<'t>(f: &File<'t>, mounts: &[Mount<'t>], session: &str, at: Node<'t>) -> Option<Timeout> {
    let session = compact(session);
    let m = mounts
        .iter()
        .find(|m| m.session == session && crate::tree::in_scope(m.call, at))?;
    let class = match m.adapter.ty() {
        "call" => m.adapter.field("function").map(|x| f.text(x))?,
        _ => f.text(m.adapter),
    };
    let class = class.rsplit('.').next().unwrap_or(class);
    if class == "HTTPAdapter" {
        return None;
    }
    let own = f.nodes().iter().copied().find(|n| {
        n.ty() == "class_definition" && n.field("name").map(|x| f.text(x)) == Some(class)
    });
    Some(match own {
        Some(c) if f.text(c).contains("timeout") => {
            Timeout::set(&format!("set by the mounted adapter {class}"))
        }
        _ => Timeout::Unknown {
            why: format!(
                "the adapter `{}` mounted on the session may set one",
                crate::short(f.text(m.adapter))
            ),
        },
    })
}

/// A callee with an imported name spelt out: `rq.get` for `import requests as rq` is
/// `requests.get`, `get` for `from requests import get` is `requests.get`. Only the HTTP
/// libraries the layer reads are spelt out; other names stay as written.
fn canonical(f: &File<'_>, b: &Bindings<'_>, name: &str) -> String {
    let (first, rest) = match name.split_once('.') {
        Some((a, r)) => (a, Some(r)),
        None => (name, None),
    };
    let full = b.values(first).iter().find_map(|v| match v.ty() {
        "aliased_import" => v
            .field("name")
            .filter(|_| v.parent().is_some_and(|p| p.ty() == "import_statement"))
            .map(|x| f.text(x).to_string()),
        "import_from_statement" => v
            .field("module_name")
            .map(|m| format!("{}.{first}", f.text(m))),
        _ => None,
    });
    match full {
        Some(full)
            if ["requests", "httpx", "aiohttp", "urllib.request"]
                .iter()
                .any(|lib| full == *lib || full.starts_with(&format!("{lib}."))) =>
        {
            match rest {
                Some(r) => format!("{full}.{r}"),
                None => full,
            }
        }
        _ => name.to_string(),
    }
}
