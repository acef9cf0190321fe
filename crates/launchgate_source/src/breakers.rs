//! Circuit breakers: a breaker library's wrapper around a function or a call, whether it has a
//! fallback, and which outbound calls of the file it wraps.
//!
//! opossum (`new CircuitBreaker(fn, opts)` and `breaker.fallback(...)`), cockatiel
//! (`circuitBreaker(handleAll, {...})`, with a fallback when the file wraps one with
//! `fallback(...)`); pybreaker and aiobreaker (`CircuitBreaker(...)` used as a decorator or with
//! `.call(fn)`; the fallback is the code that catches `CircuitBreakerError`) and circuitbreaker's
//! `@circuit(fallback_function=...)`; Go sony/gobreaker (`gobreaker.NewCircuitBreaker(...)`,
//! `cb.Execute(func...)`, a fallback when the file handles `ErrOpenState`) and afex/hystrix-go
//! (`hystrix.Go(name, run, fallback)`, no fallback when it is `nil`); Java resilience4j
//! (`@CircuitBreaker(name=..., fallbackMethod=...)`, `CircuitBreaker.ofDefaults(...)`) and
//! Spring Cloud's `@HystrixCommand(fallbackMethod=...)`.

use tree_sitter::Node;

use crate::retries::{callee, function, setting};
use crate::syntax::Syntax;
use crate::tree::File;
use crate::tree::{args, compact};
use crate::{Breaker, Fact, FactKind, Language};

fn worth_walking(language: Language, text: &str) -> bool {
    let words: &[&str] = match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            &["CircuitBreaker", "circuitBreaker"]
        }
        Language::Python => &["CircuitBreaker", "@circuit"],
        Language::Go => &["gobreaker", "hystrix."],
        Language::Java => &["CircuitBreaker", "HystrixCommand"],
    };
    words.iter().any(|w| text.contains(w))
}

/// One breaker found, before its calls are known.
struct Found<'t> {
    node: Node<'t>,
    breaker: Breaker,
    /// The name its breaker is bound to (`chargeBreaker`, `cb`), to find the calls made
    /// through it.
    bound: Option<&'t str>,
    /// The function it wraps by name, whose calls it guards.
    wraps_function: Option<String>,
}

pub(crate) fn facts(language: Language, f: &File<'_>, facts: &mut Vec<Fact>) {
    if !worth_walking(language, f.text) {
        return;
    }
    let nodes = f.nodes();
    let mut found: Vec<Found<'_>> = Vec::new();
    for n in nodes {
        let b = match language {
            Language::TypeScript | Language::Tsx | Language::JavaScript => script(f, *n),
            Language::Python => python(f, *n),
            Language::Go => go(f, *n),
            Language::Java => java(f, *n),
        };
        found.extend(b);
    }
    if found.is_empty() {
        return;
    }
    // The outbound calls of the file: line, and enclosing function.
    let calls: Vec<(u32, Option<&str>)> = facts
        .iter()
        .filter(|x| matches!(x.kind, FactKind::Call(_)))
        .map(|x| (x.line, x.function.as_deref()))
        .collect();
    let rows = |n: Node<'_>| {
        (
            File::line(n),
            u32::try_from(n.end_position().row + 1).unwrap_or(u32::MAX),
        )
    };
    let mut out = Vec::new();
    for mut b in found {
        // Ranges it guards: its own node (a run closure), and the calls through its name.
        let mut spans = vec![rows(b.node)];
        if let Some(name) = b.bound {
            for (n, ty) in f.typed() {
                if matches!(ty, "call_expression" | "call" | "method_invocation")
                    && let Some(c) = callee(f, *n)
                    && let Some((object, method)) = c.rsplit_once('.')
                    && object == name
                    && matches!(
                        method,
                        "fire" | "execute" | "call" | "Execute" | "call_async"
                    )
                {
                    spans.push(rows(*n));
                }
            }
        }
        let mut lines: Vec<u32> = calls
            .iter()
            .filter(|(line, func)| {
                spans.iter().any(|(s, e)| line >= s && line <= e)
                    || (b.wraps_function.is_some() && *func == b.wraps_function.as_deref())
            })
            .map(|(l, _)| *l)
            .collect();
        lines.sort_unstable();
        lines.dedup();
        b.breaker.calls = lines;
        out.push(f.fact(
            b.node,
            function(language, f, b.node),
            FactKind::Breaker(b.breaker),
        ));
    }
    facts.extend(out);
}

fn breaker(
    library: &'static str,
    text: String,
    wraps: Option<String>,
    fallback: Option<bool>,
) -> Breaker {
    Breaker {
        library,
        text,
        wraps: wraps.map(|w| crate::short(&w)),
        fallback,
        calls: Vec::new(),
    }
}

/// The name a node's value is bound to: `const x = ...`, `x = ...`, `x := ...`.
fn bound_to<'t>(f: &File<'t>, n: Node<'t>) -> Option<&'t str> {
    let mut p = n.parent()?;
    while matches!(
        p.ty(),
        "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "expression_list"
            | "unary_expression"
    ) {
        p = p.parent()?;
    }
    let name = match p.ty() {
        "variable_declarator" | "var_spec" => p.field("name")?,
        "assignment_expression"
        | "assignment"
        | "short_var_declaration"
        | "assignment_statement" => p.field("left")?,
        _ => return None,
    };
    Some(f.text(name).trim())
}

/// Whether the text calls `.method(` on `name`.
fn calls_on(text: &str, name: &str, method: &str) -> bool {
    text.contains(&format!("{name}.{method}("))
}

fn script<'t>(f: &File<'t>, n: Node<'t>) -> Option<Found<'t>> {
    let name = callee(f, n)?;
    let text = f.text;
    match (n.ty(), name.as_str()) {
        ("new_expression", "new CircuitBreaker" | "new opossum") if text.contains("opossum") => {
            let a = args(n);
            let wraps = a.first().map(|x| compact(f.text(*x)));
            let bound = bound_to(f, n);
            let chained = n.parent().is_some_and(|p| {
                p.ty() == "member_expression"
                    && p.field("property").is_some_and(|x| f.text(x) == "fallback")
            });
            let fallback = if chained {
                Some(true)
            } else {
                bound.map(|b| calls_on(&compact(text), b, "fallback"))
            };
            let wraps_function = wraps.clone().filter(|w| {
                w.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
            });
            Some(Found {
                node: n,
                breaker: breaker("opossum", format!("{name}(...)"), wraps, fallback),
                bound,
                wraps_function,
            })
        }
        ("call_expression", "circuitBreaker") if text.contains("cockatiel") => {
            let bound = bound_to(f, n);
            let fallback = Some(text.contains("fallback(") && text.contains("wrap("));
            Some(Found {
                node: n,
                breaker: breaker(
                    "cockatiel",
                    "circuitBreaker(...)".to_string(),
                    None,
                    fallback,
                ),
                bound,
                wraps_function: None,
            })
        }
        _ => None,
    }
}

fn python<'t>(f: &File<'t>, n: Node<'t>) -> Option<Found<'t>> {
    if n.ty() != "call" {
        return None;
    }
    let name = callee(f, n)?;
    let text = f.text;
    let library = match name.as_str() {
        "pybreaker.CircuitBreaker" => "pybreaker",
        "aiobreaker.CircuitBreaker" => "aiobreaker",
        "CircuitBreaker" if text.contains("pybreaker") => "pybreaker",
        "CircuitBreaker" if text.contains("aiobreaker") => "aiobreaker",
        "circuit" | "circuitbreaker.circuit" if text.contains("circuitbreaker") => {
            let all = n.field("arguments").map_or("", |x| f.text(x));
            let decorated = decorated_function(f, n);
            return Some(Found {
                node: n,
                breaker: breaker(
                    "circuitbreaker",
                    format!("@{name}(...)"),
                    decorated.clone(),
                    Some(setting(all, "fallback_function").is_some()),
                ),
                bound: None,
                wraps_function: decorated,
            });
        }
        _ => return None,
    };
    let bound = bound_to(f, n);
    // What it wraps: the functions it decorates (`@breaker`), or `breaker.call(fn, ...)`.
    let mut wraps = None;
    if let Some(b) = bound {
        let decorator = format!("@{b}\n");
        if let Some(at) = text.find(&decorator) {
            wraps = text[at + decorator.len()..].lines().find_map(|l| {
                let l = l.trim_start();
                l.strip_prefix("def ")
                    .or_else(|| l.strip_prefix("async def "))
                    .map(|r| r.split('(').next().unwrap_or("").trim().to_string())
            });
        } else if let Some(at) = text.find(&format!("{b}.call(")) {
            let rest = &text[at + b.len() + 6..];
            wraps = rest
                .split([',', ')'])
                .next()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        }
    }
    let fallback = Some(text.contains("CircuitBreakerError"));
    let wraps_function = wraps.clone();
    Some(Found {
        node: n,
        breaker: breaker(library, format!("{name}(...)"), wraps, fallback),
        bound,
        wraps_function,
    })
}

/// The function a decorator call stands before.
fn decorated_function(f: &File<'_>, n: Node<'_>) -> Option<String> {
    let d = n.parent().filter(|p| p.ty() == "decorator")?;
    let def = d.parent().filter(|p| p.ty() == "decorated_definition")?;
    let func = def.field("definition")?;
    func.field("name").map(|x| f.text(x).to_string())
}

fn go<'t>(f: &File<'t>, n: Node<'t>) -> Option<Found<'t>> {
    if n.ty() != "call_expression" {
        return None;
    }
    let name = callee(f, n)?;
    let text = f.text;
    if name.starts_with("gobreaker.NewCircuitBreaker")
        || name.starts_with("gobreaker.NewTwoStepCircuitBreaker")
    {
        let bound = bound_to(f, n).map(|b| b.split(',').next().unwrap_or(b).trim());
        return Some(Found {
            node: n,
            breaker: breaker(
                "gobreaker",
                format!("{}(...)", name.split('[').next().unwrap_or(&name)),
                None,
                Some(text.contains("ErrOpenState") || text.contains("ErrTooManyRequests")),
            ),
            bound,
            wraps_function: None,
        });
    }
    if matches!(
        name.as_str(),
        "hystrix.Go" | "hystrix.Do" | "hystrix.GoC" | "hystrix.DoC"
    ) {
        let a = args(n);
        let ctx = usize::from(name.ends_with('C'));
        let run = a.get(ctx + 1).map(|x| f.text(*x));
        let fallback = a.get(ctx + 2).map(|x| f.text(*x).trim() != "nil");
        let wraps = run.map(|r| {
            if r.starts_with("func") {
                "a function literal".to_string()
            } else {
                compact(r)
            }
        });
        return Some(Found {
            node: n,
            breaker: breaker(
                "hystrix-go",
                format!("{name}(...)"),
                wraps,
                Some(fallback.unwrap_or(false)),
            ),
            bound: None,
            wraps_function: run.filter(|r| !r.starts_with("func")).map(compact),
        });
    }
    None
}

fn java<'t>(f: &File<'t>, n: Node<'t>) -> Option<Found<'t>> {
    match n.ty() {
        "annotation" | "marker_annotation" => {
            let name = f.text(n.field("name")?);
            let library = match name {
                "CircuitBreaker" => "resilience4j",
                "HystrixCommand" => "spring-cloud-hystrix",
                _ => return None,
            };
            let all = n.field("arguments").map_or("", |x| f.text(x));
            let method = n
                .parent()
                .filter(|p| p.ty() == "modifiers")
                .and_then(|m| m.parent())
                .filter(|p| p.ty() == "method_declaration")
                .and_then(|m| m.field("name"))
                .map(|x| f.text(x).to_string());
            Some(Found {
                node: n,
                breaker: breaker(
                    library,
                    format!("@{name}(...)"),
                    method.clone(),
                    Some(setting(all, "fallbackMethod").is_some()),
                ),
                bound: None,
                wraps_function: method,
            })
        }
        "method_invocation" => {
            let c = callee(f, n)?;
            if !matches!(
                c.as_str(),
                "CircuitBreaker.ofDefaults" | "CircuitBreaker.of"
            ) {
                return None;
            }
            let fallback =
                (f.text.contains(".withFallback(") || f.text.contains(".recover(")).then_some(true);
            Some(Found {
                node: n,
                breaker: breaker("resilience4j", format!("{c}(...)"), None, fallback),
                bound: bound_to(f, n),
                wraps_function: None,
            })
        }
        _ => None,
    }
}
