//! Signal handlers and graceful shutdown: what the code does when the process is asked to stop.
//! Go `signal.Notify`/`signal.NotifyContext` and `srv.Shutdown(ctx)`; Python `signal.signal`,
//! `loop.add_signal_handler` and the servers that stop by themselves (`uvicorn.run`,
//! `web.run_app`); Node `process.on('SIGTERM', ...)`, `server.close(...)` and terminus; Java
//! shutdown hooks. A signal named by a variable is followed to its binding or to the `for` loop
//! that binds it; otherwise whether it is SIGTERM stays unknown.

use tree_sitter::Node;

use crate::syntax::Syntax;
use crate::tree::{Bindings, File, args, compact};
use crate::{Fact, FactKind, Shutdown, Stop};

fn callee(f: &File<'_>, call: Node<'_>) -> String {
    crate::short(&crate::logs::shape(f, call))
}

/// Whether signal names as written include SIGTERM: `Some(false)` when every one is another
/// signal, `None` when one cannot be read.
fn sigterm(texts: &[&str]) -> Option<bool> {
    let mut all_known = true;
    for t in texts {
        let t = t.trim_matches(['"', '\'', '`']);
        let last = t.rsplit('.').next().unwrap_or(t);
        if last == "SIGTERM" {
            return Some(true);
        }
        let known = (last.starts_with("SIG")
            && last.len() > 3
            && last[3..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
            || matches!(t, "os.Interrupt" | "os.Kill");
        all_known &= known;
    }
    all_known.then_some(false)
}

/// The texts a signal argument stands for: itself, or what a name is bound to, or the
/// collection the enclosing `for` loop over that name iterates.
fn signal_texts<'t>(f: &File<'t>, b: &Bindings<'t>, arg: Node<'t>) -> Vec<&'t str> {
    if arg.ty() != "identifier" {
        return vec![f.text(arg)];
    }
    let name = f.text(arg);
    if let Some(v) = b.values(name).first() {
        return vec![f.text(*v)];
    }
    let mut at = arg.parent();
    while let Some(n) = at {
        if matches!(n.ty(), "for_statement" | "for_in_statement")
            && n.field("left")
                .is_some_and(|l| f.text(l).split_whitespace().last() == Some(name))
            && let Some(r) = n.field("right")
        {
            // The elements of the collection: `(signal.SIGTERM, signal.SIGINT)`.
            let mut cursor = r.walk();
            let items: Vec<&str> = r.named_children(&mut cursor).map(|x| f.text(x)).collect();
            if !items.is_empty() && matches!(r.ty(), "tuple" | "list" | "array" | "set") {
                return items;
            }
            return vec![f.text(r)];
        }
        // `['SIGTERM', 'SIGINT'].forEach((sig) => process.on(sig, stop))`.
        if matches!(n.ty(), "arrow_function" | "function_expression")
            && n.field("parameters")
                .or_else(|| n.field("parameter"))
                .is_some_and(|p| {
                    f.text(p)
                        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .any(|w| w == name)
                })
            && let Some(call) = n.parent().and_then(|a| a.parent())
            && call.ty() == "call_expression"
            && let Some(func) = call.field("function")
            && func.ty() == "member_expression"
            && func.field("property").map(|x| f.text(x)) == Some("forEach")
            && let Some(list) = func.field("object")
            && list.ty() == "array"
        {
            let mut cursor = list.walk();
            return list
                .named_children(&mut cursor)
                .map(|x| f.text(x))
                .collect();
        }
        at = n.parent();
    }
    vec![name]
}

fn handler(
    f: &File<'_>,
    node: Node<'_>,
    function: Option<String>,
    library: &'static str,
    text: String,
    signals: &[&str],
    sigterm: Option<bool>,
) -> Fact {
    f.fact(
        node,
        function,
        FactKind::Shutdown(Shutdown {
            library,
            text,
            stop: Stop::Handler,
            signals: signals.iter().take(8).map(|s| crate::short(s)).collect(),
            sigterm,
        }),
    )
}

fn other(
    f: &File<'_>,
    node: Node<'_>,
    function: Option<String>,
    library: &'static str,
    text: String,
    stop: Stop,
) -> Fact {
    f.fact(
        node,
        function,
        FactKind::Shutdown(Shutdown {
            library,
            text,
            stop,
            signals: Vec::new(),
            sigterm: Some(true),
        }),
    )
}

/// Words in the construction of a Go value whose `Shutdown(ctx)` flushes or closes something
/// other than a server: OpenTelemetry's tracer, meter and logger providers, exporters and SDK,
/// and clients.
const NOT_SERVERS: &[&str] = &["Provider", "Exporter", "SDK", "Client"];

pub(crate) fn go<'t>(f: &File<'t>, b: &Bindings<'t>, out: &mut Vec<Fact>) {
    for n in f.of_kind("call_expression") {
        let Some(func) = n.field("function") else {
            continue;
        };
        let name = compact(f.text(func));
        let a = args(*n);
        match name.as_str() {
            "signal.Notify" | "signal.NotifyContext" => {
                let rest = a.get(1..).unwrap_or(&[]);
                let variadic = rest.iter().any(|x| x.ty() == "variadic_argument");
                let texts: Vec<&str> = rest.iter().map(|x| f.text(*x)).collect();
                let term = if variadic {
                    None
                } else if texts.is_empty() {
                    // Without signals, every incoming signal is relayed.
                    Some(true)
                } else {
                    sigterm(&texts)
                };
                out.push(handler(
                    f,
                    *n,
                    crate::golang::function(f, *n),
                    "os/signal",
                    callee(f, *n),
                    &texts,
                    term,
                ));
            }
            _ => {
                let Some((object, method)) = name.rsplit_once('.') else {
                    continue;
                };
                let http = b.values(object).iter().any(|v| {
                    v.ty() == "composite_literal"
                        && v.field("type").map(|t| f.text(t)) == Some("http.Server")
                });
                // `Shutdown(ctx)` is also how OpenTelemetry providers and SDKs flush, and how
                // clients close (`tp := sdktrace.NewTracerProvider(...)`, `sdk, err :=
                // otelconf.NewSDK(...)`): a receiver built by a construction named like one of
                // those drains no requests.
                let telemetry = !http
                    && b.values(object).iter().any(|v| {
                        let built = f.text(*v);
                        NOT_SERVERS.iter().any(|w| built.contains(w))
                    });
                let library = match (method, a.len()) {
                    ("Shutdown", 1) if telemetry => continue,
                    ("Shutdown", 1) if http => "net/http",
                    ("Shutdown", 1) => "server",
                    ("GracefulStop", 0) => "grpc",
                    _ => continue,
                };
                out.push(other(
                    f,
                    *n,
                    crate::golang::function(f, *n),
                    library,
                    callee(f, *n),
                    Stop::Drain,
                ));
            }
        }
    }
}

pub(crate) fn python<'t>(f: &File<'t>, b: &Bindings<'t>, out: &mut Vec<Fact>) {
    for n in f.of_kind("call") {
        let Some(func) = n.field("function") else {
            continue;
        };
        let name = compact(f.text(func));
        let a: Vec<Node<'t>> = args(*n)
            .into_iter()
            .filter(|x| x.ty() != "keyword_argument")
            .collect();
        let method = name.rsplit('.').next().unwrap_or(&name);
        let function = crate::python::function(f, *n);
        let library = match name.as_str() {
            "signal.signal" | "signal" => "signal",
            _ if method == "add_signal_handler" => "asyncio",
            "uvicorn.run" => {
                out.push(other(
                    f,
                    *n,
                    function,
                    "uvicorn",
                    callee(f, *n),
                    Stop::Framework,
                ));
                continue;
            }
            "web.run_app" | "aiohttp.web.run_app" | "run_app" => {
                out.push(other(
                    f,
                    *n,
                    function,
                    "aiohttp",
                    callee(f, *n),
                    Stop::Framework,
                ));
                continue;
            }
            _ => continue,
        };
        let (Some(sig), Some(action)) = (a.first(), a.get(1)) else {
            continue;
        };
        // Restoring the default or ignoring the signal handles nothing.
        let action = f.text(*action);
        if action.ends_with("SIG_DFL") || action.ends_with("SIG_IGN") {
            continue;
        }
        let texts = signal_texts(f, b, *sig);
        let term = sigterm(&texts);
        out.push(handler(
            f,
            *n,
            function,
            library,
            callee(f, *n),
            &texts,
            term,
        ));
    }
}

pub(crate) fn script<'t>(f: &File<'t>, b: &Bindings<'t>, out: &mut Vec<Fact>) {
    for n in f.of_kind("call_expression") {
        let Some(func) = n.field("function") else {
            continue;
        };
        let name = compact(f.text(func));
        let a = args(*n);
        let function = crate::js::function(f, *n);
        if name == "createTerminus" || name.ends_with(".createTerminus") {
            out.push(other(
                f,
                *n,
                function,
                "terminus",
                callee(f, *n),
                Stop::Framework,
            ));
            continue;
        }
        let Some((object, method)) = name.rsplit_once('.') else {
            continue;
        };
        if object == "process"
            && matches!(method, "on" | "once" | "addListener" | "prependListener")
        {
            let Some(sig) = a.first() else {
                continue;
            };
            let texts = signal_texts(f, b, *sig);
            let is_string = matches!(sig.ty(), "string" | "template_string");
            let term = sigterm(&texts);
            // `process.on('exit', ...)` and other events are not signals.
            if is_string && term.is_none() {
                continue;
            }
            out.push(handler(
                f,
                *n,
                function,
                "process",
                callee(f, *n),
                &texts,
                term,
            ));
        } else if method == "close" {
            let server = b.values(object).iter().any(|v| {
                v.ty() == "call_expression"
                    && v.field("function").is_some_and(|x| {
                        let t = compact(f.text(x));
                        t.ends_with("createServer")
                            || t.ends_with("createSecureServer")
                            || t.ends_with(".listen")
                    })
            });
            if server {
                out.push(other(
                    f,
                    *n,
                    function,
                    "node:http",
                    callee(f, *n),
                    Stop::Drain,
                ));
            }
        }
    }
}

pub(crate) fn java(f: &File<'_>, out: &mut Vec<Fact>) {
    for n in f.of_kind("method_invocation") {
        let name = n.field("name").map(|x| f.text(x));
        let object = n.field("object").map(|x| compact(f.text(x)));
        // `Signal.handle(new Signal("TERM"), handler)` (sun.misc / jdk.internal.misc).
        if name == Some("handle")
            && object
                .as_deref()
                .is_some_and(|o| o == "Signal" || o.ends_with(".Signal"))
        {
            let Some(first) = args(*n).first().copied() else {
                continue;
            };
            let named = (first.ty() == "object_creation_expression")
                .then(|| first.field("arguments"))
                .flatten()
                .and_then(|a| a.named_child(0))
                .filter(|a| a.ty() == "string_literal")
                .map(|a| format!("SIG{}", f.text(a).trim_matches('"')));
            let term = named.as_deref().and_then(|s| sigterm(&[s]));
            let shown = named.unwrap_or_else(|| f.text(first).to_string());
            out.push(handler(
                f,
                *n,
                crate::java::function(f, *n),
                "sun.misc.Signal",
                callee(f, *n),
                &[shown.as_str()],
                term,
            ));
            continue;
        }
        if name == Some("addShutdownHook")
            && object.as_deref().is_some_and(|o| o.contains("Runtime"))
        {
            out.push(other(
                f,
                *n,
                crate::java::function(f, *n),
                "java.lang.Runtime",
                "Runtime.getRuntime().addShutdownHook(...)".to_string(),
                Stop::Hook,
            ));
        }
    }
}
