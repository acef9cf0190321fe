//! Retries: retry-library calls, decorators and configurations with their settings as written,
//! and hand-written retry loops.
//!
//! Libraries: p-retry, async-retry and axios-retry (TypeScript/JavaScript); tenacity, backoff
//! and urllib3's `Retry` (Python); cenkalti/backoff and hashicorp/go-retryablehttp (Go);
//! resilience4j's `RetryConfig` and Spring's `@Retryable` (Java). A setting the call leaves out
//! is the library's default, named as such.
//!
//! A hand-written retry loop is a `for`/`while` loop (not one over a collection) whose body
//! makes an outbound HTTP call (a [`Call`](crate::Call) fact of the same file), sleeps (the
//! sleep's nearest loop is this one) and leaves on success (`break` or `return`). Its delay is
//! the sleep's argument: a constant (a literal, or a name the loop never changes) is fixed; a
//! power or a name the loop multiplies (`delay *= 2`) is exponential; anything else is unknown.
//! A loop is bounded by its condition (`range(5)`, `attempt < 5`) or, for `while True`/`for {}`,
//! by a counter it increments and compares; otherwise it retries until the call succeeds.

use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

use crate::syntax::Syntax;
use crate::tree::{File, args, compact};
use crate::{Delay, Fact, FactKind, Language, Limit, Retry};

/// Words without which a parsed file holds no retry-library fact, and words without which it
/// holds no retry loop: they gate the extra walk of the tree.
fn words(language: Language) -> (&'static [&'static str], &'static [&'static str]) {
    match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => (
            &["pRetry", "retry(", "axiosRetry"],
            &["sleep(", "setTimeout", "delay(", "wait("],
        ),
        Language::Python => (&["tenacity", "backoff", "Retry("], &["sleep("]),
        Language::Go => (
            &["cenkalti/backoff", "retryablehttp"],
            &["Sleep(", "time.After("],
        ),
        Language::Java => (&["Retry"], &["sleep("]),
    }
}

/// The retry facts of a parsed file; `facts` holds the file's other facts (its calls).
pub(crate) fn facts(language: Language, f: &File<'_>, facts: &mut Vec<Fact>) {
    let calls: Vec<(u32, u32)> = facts
        .iter()
        .filter(|x| matches!(x.kind, FactKind::Call(_)))
        .map(|x| (x.line, x.column))
        .collect();
    let (libraries, sleep_words) = words(language);
    let any = |w: &[&str]| w.iter().any(|w| f.text.contains(w));
    let loops = !calls.is_empty() && any(sleep_words);
    if !loops && !any(libraries) {
        return;
    }
    let nodes = f.nodes();
    let mut out = Vec::new();
    for n in nodes {
        let found = match language {
            Language::TypeScript | Language::Tsx | Language::JavaScript => script(f, *n),
            Language::Python => python(f, *n),
            Language::Go => go(f, *n),
            Language::Java => java(f, *n),
        };
        if let Some(r) = found {
            out.push(f.fact(*n, function(language, f, *n), FactKind::Retry(r)));
        } else if loops && let Some(r) = hand_loop(language, f, *n, &calls) {
            out.push(f.fact(*n, function(language, f, *n), FactKind::Retry(r)));
        }
    }
    facts.extend(out);
}

pub(crate) fn function(language: Language, f: &File<'_>, n: Node<'_>) -> Option<String> {
    match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => crate::js::function(f, n),
        Language::Python => crate::python::function(f, n),
        Language::Go => crate::golang::function(f, n),
        Language::Java => crate::java::function(f, n),
    }
}

/// The callee of a call node as written, compact: `pRetry`, `backoff.on_exception`,
/// `RetryConfig.custom().maxAttempts(3).build` for Java, `new CircuitBreaker` for a
/// construction.
pub(crate) fn callee(f: &File<'_>, n: Node<'_>) -> Option<String> {
    match n.ty() {
        "call_expression" | "call" => n.field("function").map(|x| compact(f.text(x))),
        "new_expression" => n
            .field("constructor")
            .map(|x| format!("new {}", compact(f.text(x)))),
        "object_creation_expression" => n
            .field("type")
            .map(|x| format!("new {}", compact(f.text(x)))),
        "method_invocation" => {
            let name = f.text(n.field("name")?);
            Some(match n.field("object") {
                Some(o) => format!("{}.{name}", compact(f.text(o))),
                None => name.to_string(),
            })
        }
        _ => None,
    }
}

/// The value of a setting `key` in argument or object text as written: `key: v`, `key=v`,
/// `key = v` (not `==`), up to the next `,`, `)` or `}` outside brackets and strings. `key`
/// must stand as a word of its own.
pub(crate) fn setting(text: &str, key: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices(key) {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
            continue;
        }
        let mut i = at + key.len();
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'"' | b'\'') {
            i += 1;
        }
        if i >= bytes.len() || !matches!(bytes[i], b':' | b'=') {
            continue;
        }
        if bytes.get(i + 1) == Some(&b'=') {
            continue;
        }
        i += 1;
        let start = i;
        let mut depth = 0usize;
        let mut end = bytes.len();
        for (k, b) in crate::text::code_bytes(bytes, start) {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' | b',' | b'\n' | b';' if depth == 0 => {
                    end = k;
                    break;
                }
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
        }
        let value = text.get(start..end)?.trim();
        if !value.is_empty() {
            return Some(value.to_string());
        }
    }
    None
}

/// The argument of a chained method `.name(...)` as written, when the chain calls it.
fn chained(text: &str, name: &str) -> Option<String> {
    let pat = format!(".{name}(");
    let at = text.find(&pat)? + pat.len();
    let bytes = text.as_bytes();
    let mut depth = 1usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    text.get(at..i).map(compact)
}

/// Whether a value as written is a number above 1 (`2`, `1.5`, `2.0`).
fn above_one(value: &str) -> Option<bool> {
    let v = value.trim().trim_end_matches(['f', 'F', 'd', 'D']);
    v.parse::<f64>().ok().map(|x| x > 1.0)
}

fn is_true(value: &str) -> Option<bool> {
    match value.trim() {
        "true" | "True" => Some(true),
        "false" | "False" | "None" | "null" | "undefined" | "0" => Some(false),
        _ => None,
    }
}

fn set(value: &str) -> Limit {
    Limit::Set {
        value: crate::short(value),
    }
}

fn unknown_limit(why: &str) -> Limit {
    Limit::Unknown {
        why: crate::short(why),
    }
}

fn exponential(value: &str) -> Delay {
    Delay::Exponential {
        value: crate::short(value),
    }
}

fn fixed(value: &str) -> Delay {
    Delay::Fixed {
        value: crate::short(value),
    }
}

fn retry(
    library: &'static str,
    text: String,
    limit: Limit,
    delay: Delay,
    jitter: Option<bool>,
) -> Retry {
    Retry {
        library,
        text,
        limit,
        delay,
        jitter,
    }
}

/// The options object a call passes at `index`, as text, or `None` when it passes none; `Err`
/// when it passes something that cannot be read (a name, a spread).
fn options<'t>(f: &File<'t>, a: &[Node<'t>], index: usize) -> Result<Option<&'t str>, ()> {
    match a.get(index) {
        None => Ok(None),
        Some(o) if o.ty() == "object" => {
            let text = f.text(*o);
            if text.contains("...") {
                Err(())
            } else {
                Ok(Some(text))
            }
        }
        Some(_) => Err(()),
    }
}

fn script(f: &File<'_>, n: Node<'_>) -> Option<Retry> {
    if n.ty() != "call_expression" {
        return None;
    }
    let name = callee(f, n)?;
    let text = f.text;
    let library = match name.as_str() {
        "pRetry" => "p-retry",
        "axiosRetry" => "axios-retry",
        "retry" | "asyncRetry" if text.contains("async-retry") => "async-retry",
        "retry" if text.contains("p-retry") => "p-retry",
        _ => return None,
    };
    let a = args(n);
    let shown = format!("{name}(...)");
    let opts = match options(f, &a, 1) {
        Ok(o) => o.unwrap_or(""),
        Err(()) => {
            let why = "its options are built elsewhere";
            return Some(retry(
                library,
                shown,
                unknown_limit(why),
                Delay::Unknown {
                    why: why.to_string(),
                },
                None,
            ));
        }
    };
    if library == "axios-retry" {
        let limit = setting(opts, "retries").map_or(
            Limit::Default {
                value: "3 (axios-retry default)",
            },
            |v| set(&v),
        );
        let (delay, jitter) = match setting(opts, "retryDelay") {
            None => (
                Delay::Immediate {
                    why: "axios-retry retries at once without retryDelay",
                },
                Some(false),
            ),
            Some(v) if v.contains("exponentialDelay") => (exponential(&v), Some(true)),
            Some(v) => (
                Delay::Unknown {
                    why: format!("the delay is computed by `{}`", crate::short(&v)),
                },
                None,
            ),
        };
        return Some(retry(library, shown, limit, delay, jitter));
    }
    // p-retry and async-retry share node-retry's options.
    let limit = if setting(opts, "forever").as_deref().and_then(is_true) == Some(true) {
        Limit::Unbounded {
            why: "`forever: true` retries until the call succeeds",
        }
    } else {
        match setting(opts, "retries") {
            Some(v) if v == "Infinity" || v.ends_with("POSITIVE_INFINITY") => Limit::Unbounded {
                why: "`retries: Infinity` retries until the call succeeds",
            },
            Some(v) => set(&v),
            None => Limit::Default {
                value: "10 (node-retry default)",
            },
        }
    };
    let delay = match setting(opts, "factor") {
        None => exponential("factor 2 (default)"),
        Some(v) => match above_one(&v) {
            Some(true) => exponential(&format!("factor {v}")),
            Some(false) => {
                fixed(&setting(opts, "minTimeout").unwrap_or_else(|| "1000 ms".to_string()))
            }
            None => Delay::Unknown {
                why: format!("the factor `{}` cannot be read", crate::short(&v)),
            },
        },
    };
    let jitter = match setting(opts, "randomize") {
        None => Some(library == "async-retry"),
        Some(v) => is_true(&v),
    };
    Some(retry(library, shown, limit, delay, jitter))
}

fn python(f: &File<'_>, n: Node<'_>) -> Option<Retry> {
    let text = f.text;
    match n.ty() {
        // `@retry` without arguments: tenacity's defaults.
        "decorator" => {
            let e = n.named_child(0)?;
            let name = compact(f.text(e));
            if matches!(e.ty(), "identifier" | "attribute")
                && (name == "retry" || name == "tenacity.retry")
                && text.contains("tenacity")
            {
                return Some(tenacity(&format!("@{name}"), ""));
            }
            None
        }
        "call" => {
            let name = callee(f, n)?;
            let a = args(n);
            let all = n.field("arguments").map_or("", |x| f.text(x));
            let decorated = n.parent().is_some_and(|p| p.ty() == "decorator");
            let shown = if decorated {
                format!("@{name}(...)")
            } else {
                format!("{name}(...)")
            };
            match name.as_str() {
                "retry"
                | "tenacity.retry"
                | "Retrying"
                | "AsyncRetrying"
                | "tenacity.Retrying"
                | "tenacity.AsyncRetrying"
                    if text.contains("tenacity") =>
                {
                    if a.iter().any(|x| x.ty() == "dictionary_splat") {
                        let why = "its settings are built elsewhere";
                        return Some(retry(
                            "tenacity",
                            shown,
                            unknown_limit(why),
                            Delay::Unknown {
                                why: why.to_string(),
                            },
                            None,
                        ));
                    }
                    Some(tenacity(&shown, all))
                }
                "backoff.on_exception" | "backoff.on_predicate" => {
                    let wait = a.first().map_or("", |x| f.text(*x));
                    let delay = match wait.rsplit('.').next().unwrap_or(wait) {
                        "expo" | "fibo" => exponential(wait),
                        "constant" => fixed(
                            &setting(all, "interval")
                                .unwrap_or_else(|| "1 s (backoff default)".to_string()),
                        ),
                        _ => Delay::Unknown {
                            why: format!(
                                "the wait generator `{}` is not one launchgate knows",
                                crate::short(wait)
                            ),
                        },
                    };
                    let limit = match (setting(all, "max_tries"), setting(all, "max_time")) {
                        (Some(v), _) if v == "None" => Limit::Unbounded {
                            why: "`max_tries=None` retries until the call succeeds",
                        },
                        (Some(v), _) => set(&v),
                        (None, Some(v)) => set(&format!("max_time={v}")),
                        (None, None) => Limit::Unbounded {
                            why: "backoff retries for ever without max_tries= or max_time=",
                        },
                    };
                    let jitter = match setting(all, "jitter") {
                        None => Some(true),
                        Some(v) => Some(v != "None"),
                    };
                    Some(retry("backoff", shown, limit, delay, jitter))
                }
                "Retry"
                | "urllib3.Retry"
                | "urllib3.util.Retry"
                | "urllib3.util.retry.Retry"
                | "requests.adapters.Retry"
                    if text.contains("urllib3") || text.contains("requests.adapters") =>
                {
                    let positional = a
                        .first()
                        .filter(|x| x.ty() != "keyword_argument")
                        .map(|x| f.text(*x).to_string());
                    let limit = match setting(all, "total").or(positional) {
                        Some(v) if v == "None" || v == "False" => Limit::Unbounded {
                            why: "`total=None` leaves the count to the other limits",
                        },
                        Some(v) => set(&v),
                        None => Limit::Default {
                            value: "10 (urllib3 default)",
                        },
                    };
                    let (delay, jitter) = match setting(all, "backoff_factor") {
                        Some(v) if v.parse::<f64>().map_or(true, |x| x > 0.0) => {
                            let jitter = setting(all, "backoff_jitter")
                                .map(|j| j.parse::<f64>().map_or(true, |x| x > 0.0));
                            (
                                exponential(&format!("backoff_factor={v}")),
                                Some(jitter.unwrap_or(false)),
                            )
                        }
                        _ => (
                            Delay::Immediate {
                                why: "urllib3 retries at once without a backoff_factor above 0",
                            },
                            Some(false),
                        ),
                    };
                    Some(retry("urllib3", shown, limit, delay, jitter))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// tenacity's `retry`/`Retrying` with its arguments as written.
fn tenacity(shown: &str, all: &str) -> Retry {
    let limit = match setting(all, "stop") {
        None => Limit::Unbounded {
            why: "tenacity retries for ever without stop=",
        },
        Some(v) => {
            if let Some(n) = v
                .split("stop_after_attempt(")
                .nth(1)
                .and_then(|r| r.split(')').next())
            {
                set(n)
            } else if v.contains("stop_after_delay") || v.contains("stop_before_delay") {
                set(&v)
            } else if v.contains("stop_never") {
                Limit::Unbounded {
                    why: "`stop=stop_never` retries until the call succeeds",
                }
            } else {
                unknown_limit(&format!("the stop condition `{v}` cannot be read"))
            }
        }
    };
    let (delay, jitter) = match setting(all, "wait") {
        None => (
            Delay::Immediate {
                why: "tenacity retries at once without wait=",
            },
            Some(false),
        ),
        Some(v) => {
            let random = v.contains("wait_random(") || v.contains("jitter");
            if v.contains("wait_random_exponential")
                || v.contains("wait_exponential_jitter")
                || v.contains("wait_full_jitter")
            {
                (exponential(&v), Some(true))
            } else if v.contains("wait_exponential") {
                (exponential(&v), Some(random))
            } else if v.contains("wait_fixed") || v.contains("wait_random(") {
                (fixed(&v), Some(random))
            } else {
                (
                    Delay::Unknown {
                        why: format!("the wait `{}` cannot be read", crate::short(&v)),
                    },
                    None,
                )
            }
        }
    };
    retry("tenacity", shown.to_string(), limit, delay, jitter)
}

fn go(f: &File<'_>, n: Node<'_>) -> Option<Retry> {
    if n.ty() != "call_expression" {
        return None;
    }
    let name = callee(f, n)?;
    let text = f.text;
    // `backoff.WithMaxRetries(b, n)` around the construction bounds it.
    let max_retries = || {
        let parent = n.parent()?.parent()?;
        (parent.ty() == "call_expression"
            && callee(f, parent).as_deref() == Some("backoff.WithMaxRetries"))
        .then(|| args(parent).get(1).map(|x| f.text(*x).to_string()))
        .flatten()
    };
    match name.as_str() {
        "backoff.NewExponentialBackOff" if text.contains("cenkalti/backoff") => {
            let limit = max_retries().map_or(
                Limit::Default {
                    value: "15 min of elapsed time (MaxElapsedTime default)",
                },
                |v| set(&v),
            );
            Some(retry(
                "cenkalti/backoff",
                "backoff.NewExponentialBackOff(...)".to_string(),
                limit,
                exponential("Multiplier 1.5 (default)"),
                Some(true),
            ))
        }
        "backoff.NewConstantBackOff" if text.contains("cenkalti/backoff") => {
            let d = args(n).first().map_or("", |x| f.text(*x)).to_string();
            let limit = max_retries().map_or(
                Limit::Unbounded {
                    why: "a constant backoff retries for ever unless wrapped in backoff.WithMaxRetries",
                },
                |v| set(&v),
            );
            Some(retry(
                "cenkalti/backoff",
                "backoff.NewConstantBackOff(...)".to_string(),
                limit,
                fixed(&d),
                Some(false),
            ))
        }
        "retryablehttp.NewClient" => {
            let limit = assigned(text, ".RetryMax").map_or(
                Limit::Default {
                    value: "4 (RetryMax default)",
                },
                |v| set(&v),
            );
            let (delay, jitter) = match assigned(text, ".Backoff") {
                None => (
                    exponential("DefaultBackoff, from RetryWaitMin"),
                    Some(false),
                ),
                Some(v) if v.contains("LinearJitterBackoff") => (
                    Delay::Unknown {
                        why: "retryablehttp.LinearJitterBackoff grows linearly".to_string(),
                    },
                    Some(true),
                ),
                Some(v) => (
                    Delay::Unknown {
                        why: format!("the backoff is `{}`", crate::short(&v)),
                    },
                    None,
                ),
            };
            Some(retry(
                "go-retryablehttp",
                "retryablehttp.NewClient(...)".to_string(),
                limit,
                delay,
                jitter,
            ))
        }
        _ => None,
    }
}

/// The value assigned to a field `.Name` anywhere in the text (`client.RetryMax = 3`).
fn assigned(text: &str, field: &str) -> Option<String> {
    text.match_indices(field).find_map(|(at, _)| {
        let rest = &text[at + field.len()..];
        let rest = rest.trim_start_matches([' ', '\t']);
        let v = rest.strip_prefix('=')?;
        if v.starts_with('=') {
            return None;
        }
        Some(v.lines().next().unwrap_or("").trim().to_string())
    })
}

fn java(f: &File<'_>, n: Node<'_>) -> Option<Retry> {
    match n.ty() {
        "method_invocation" => {
            let name = f.text(n.field("name")?);
            let object = n.field("object").map(|o| compact(f.text(o)));
            match (object.as_deref(), name) {
                (Some("RetryConfig" | "Retry"), "ofDefaults") => Some(retry(
                    "resilience4j",
                    format!("{}.ofDefaults(...)", object.as_deref().unwrap_or_default()),
                    Limit::Default {
                        value: "3 attempts (resilience4j default)",
                    },
                    fixed("500 ms (resilience4j default)"),
                    Some(false),
                )),
                (Some("RetryConfig"), "custom") => {
                    // The whole builder chain: the invocations this one is the object of.
                    let mut top = n;
                    while let Some(p) = top.parent() {
                        if p.ty() == "method_invocation"
                            && p.field("object").is_some_and(|o| o.id() == top.id())
                        {
                            top = p;
                        } else {
                            break;
                        }
                    }
                    let chain = compact(f.text(top));
                    let limit = chained(&chain, "maxAttempts").map_or(
                        Limit::Default {
                            value: "3 attempts (resilience4j default)",
                        },
                        |v| set(&v),
                    );
                    let (delay, jitter) = match chained(&chain, "intervalFunction") {
                        Some(v) if v.contains("ofExponentialRandomBackoff") => {
                            (exponential(&v), Some(true))
                        }
                        Some(v) if v.contains("ofExponentialBackoff") => {
                            (exponential(&v), Some(false))
                        }
                        Some(v) if v.contains("ofRandomized") => (fixed(&v), Some(true)),
                        Some(v) => (
                            Delay::Unknown {
                                why: format!(
                                    "the interval function `{}` cannot be read",
                                    crate::short(&v)
                                ),
                            },
                            None,
                        ),
                        None => match chained(&chain, "waitDuration") {
                            Some(v) => (fixed(&v), Some(false)),
                            None => (fixed("500 ms (resilience4j default)"), Some(false)),
                        },
                    };
                    Some(retry(
                        "resilience4j",
                        "RetryConfig.custom()...".to_string(),
                        limit,
                        delay,
                        jitter,
                    ))
                }
                _ => None,
            }
        }
        "annotation" | "marker_annotation" => {
            let name = f.text(n.field("name")?);
            if name != "Retryable" && name != "org.springframework.retry.annotation.Retryable" {
                return None;
            }
            let all = n.field("arguments").map_or("", |x| f.text(x));
            let limit = setting(all, "maxAttempts").map_or(
                Limit::Default {
                    value: "3 attempts (Spring Retry default)",
                },
                |v| set(&v),
            );
            let (delay, jitter) = match all.find("@Backoff") {
                None => (fixed("1000 ms (Spring Retry default)"), Some(false)),
                Some(at) => {
                    let b = &all[at..];
                    let random = setting(b, "random").as_deref().and_then(is_true) == Some(true);
                    match setting(b, "multiplier").map(|m| (above_one(&m), m)) {
                        Some((Some(true), m)) => {
                            (exponential(&format!("multiplier {m}")), Some(random))
                        }
                        Some((None, m)) => (
                            Delay::Unknown {
                                why: format!(
                                    "the multiplier `{}` cannot be read",
                                    crate::short(&m)
                                ),
                            },
                            None,
                        ),
                        _ => (
                            fixed(
                                &setting(b, "delay")
                                    .or_else(|| setting(b, "value"))
                                    .unwrap_or_else(|| {
                                        "1000 ms (Spring Retry default)".to_string()
                                    }),
                            ),
                            Some(random),
                        ),
                    }
                }
            };
            Some(retry(
                "spring-retry",
                "@Retryable(...)".to_string(),
                limit,
                delay,
                jitter,
            ))
        }
        _ => None,
    }
}

/// Loop kinds, and whether one iterates a collection (never a retry loop).
fn loop_kind(language: Language, f: &File<'_>, n: Node<'_>) -> Option<()> {
    match (language, n.ty()) {
        (Language::Python, "for_statement") => {
            let right = n.field("right")?;
            (right.ty() == "call"
                && right
                    .field("function")
                    .is_some_and(|x| f.text(x) == "range"))
            .then_some(())
        }
        (Language::Python, "while_statement") => Some(()),
        (Language::TypeScript | Language::Tsx | Language::JavaScript, k) => {
            matches!(k, "for_statement" | "while_statement" | "do_statement").then_some(())
        }
        (Language::Go, "for_statement") => {
            let mut cursor = n.walk();
            let range = n
                .named_children(&mut cursor)
                .find(|c| c.ty() == "range_clause");
            match range {
                // `for i := range 5`: a count; `for _, x := range items`: a collection.
                Some(r) => r
                    .field("right")
                    .is_some_and(|x| x.ty() == "int_literal")
                    .then_some(()),
                None => Some(()),
            }
        }
        (Language::Java, k) => {
            matches!(k, "for_statement" | "while_statement" | "do_statement").then_some(())
        }
        _ => None,
    }
}

fn is_loop(language: Language, n: Node<'_>) -> bool {
    match language {
        Language::Python => matches!(n.ty(), "for_statement" | "while_statement"),
        Language::Go => n.ty() == "for_statement",
        _ => matches!(
            n.ty(),
            "for_statement"
                | "while_statement"
                | "do_statement"
                | "for_in_statement"
                | "enhanced_for_statement"
        ),
    }
}

fn is_function(n: Node<'_>) -> bool {
    matches!(
        n.ty(),
        "function_definition"
            | "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "method_declaration"
            | "func_literal"
            | "lambda"
            | "lambda_expression"
    )
}

/// The delay argument of a sleep call, or `None` when the node is no sleep.
/// `None`: not a sleep; `Some(None)`: a sleep whose delay is not written.
#[allow(clippy::option_option)]
fn sleep_arg<'t>(language: Language, f: &File<'t>, n: Node<'t>) -> Option<Option<Node<'t>>> {
    let name = callee(f, n)?;
    let a = args(n);
    let last = name.rsplit('.').next().unwrap_or(&name);
    let is_sleep = match language {
        Language::Python => matches!(name.as_str(), "time.sleep" | "sleep" | "asyncio.sleep"),
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            if name == "setTimeout" {
                // `new Promise((r) => setTimeout(r, ms))`.
                return Some(a.get(1).copied());
            }
            matches!(last, "sleep" | "delay" | "wait" | "setTimeoutPromise")
        }
        Language::Go => name == "time.Sleep" || name == "time.After",
        Language::Java => {
            name == "Thread.sleep" || (last == "sleep" && name.starts_with("TimeUnit."))
        }
    };
    is_sleep.then(|| a.first().copied())
}

fn nearest_loop(language: Language, n: Node<'_>) -> Option<Node<'_>> {
    let mut at = n.parent();
    while let Some(p) = at {
        // `new Promise((r) => setTimeout(r, ms))` sleeps in the loop around it.
        if is_function(p) && p.ty() != "arrow_function" {
            return None;
        }
        if is_loop(language, p) {
            return Some(p);
        }
        at = p.parent();
    }
    None
}

/// Whether a subtree holds a node of one of `kinds`, not inside a nested function.
fn holds(n: Node<'_>, kinds: &[&str]) -> bool {
    let mut cursor = n.walk();
    for c in n.named_children(&mut cursor) {
        if kinds.contains(&c.ty()) {
            return true;
        }
        if !is_function(c) && holds(c, kinds) {
            return true;
        }
    }
    false
}

fn sleeps<'t>(
    language: Language,
    f: &File<'t>,
    n: Node<'t>,
    out: &mut Vec<(Node<'t>, Option<Node<'t>>)>,
) {
    let mut cursor = n.walk();
    for c in n.named_children(&mut cursor) {
        if is_function(c) && !(language != Language::Python && c.ty() == "arrow_function") {
            continue;
        }
        if let Some(arg) = sleep_arg(language, f, c) {
            out.push((c, arg));
        }
        sleeps(language, f, c, out);
    }
}

/// A hand-written retry loop at `n`, if it is one.
fn hand_loop(language: Language, f: &File<'_>, n: Node<'_>, calls: &[(u32, u32)]) -> Option<Retry> {
    loop_kind(language, f, n)?;
    let (first, last) = (
        File::line(n),
        u32::try_from(n.end_position().row + 1).unwrap_or(u32::MAX),
    );
    if !calls.iter().any(|(l, _)| *l >= first && *l <= last) {
        return None;
    }
    let mut found = Vec::new();
    sleeps(language, f, n, &mut found);
    // The sleep whose nearest loop is this one.
    let (_, arg) = found
        .into_iter()
        .find(|(s, _)| nearest_loop(language, *s).is_some_and(|l| l.id() == n.id()))?;
    if !holds(n, &["break_statement", "return_statement"]) {
        return None;
    }
    let body = f.text(n);
    // The loop's first line without its comment: `while True:`, `for {`.
    let first = body.lines().next().unwrap_or("");
    let first = match language {
        Language::Python => first.split(" #").next(),
        _ => first.split(" //").next(),
    }
    .unwrap_or(first);
    let header = crate::short(first);
    let header = header.trim_end_matches(['{', ' ']).to_string();
    let limit = bound(language, f, n, body);
    let (delay, jitter) = match arg {
        None => (
            Delay::Unknown {
                why: "the sleep's delay cannot be read".to_string(),
            },
            None,
        ),
        Some(a) => delay_of(f.text(a), body),
    };
    Some(retry("loop", header, limit, delay, jitter))
}

fn random(text: &str) -> bool {
    ["random", "rand.", "Rand", "jitter", "Jitter", "uniform("]
        .iter()
        .any(|w| text.contains(w))
}

/// Whether the loop `b` (compact text) multiplies `name`: `delay *= 2`, `delay = delay * 2`,
/// `delay <<= 1`, `delay = min(delay * 2, cap)`.
fn doubles(b: &str, name: &str) -> bool {
    [
        format!("{name}*="),
        format!("{name}={name}*"),
        format!("{name}<<="),
        format!("{name}={name}<<"),
        format!("{name}=min({name}*"),
        format!("{name}=Math.min({name}*"),
        format!("{name}=math.Min({name}*"),
        format!("{name}=min({name}*"),
        format!("{name}+={name}"),
    ]
    .iter()
    .any(|d| {
        b.match_indices(d.as_str()).any(|(i, _)| {
            i.checked_sub(1)
                .map(|j| b.as_bytes()[j])
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.'))
        })
    })
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// The delay of a sleep argument as written, in a loop whose text is `body`.
fn delay_of(arg: &str, body: &str) -> (Delay, Option<bool>) {
    let a = compact(arg);
    let b = compact(body);
    let jitter = random(&a);
    let names: Vec<&str> = a
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .collect();
    let grows = ["**", "pow(", "Pow(", "<<", "exp("]
        .iter()
        .any(|w| a.contains(w))
        || names.iter().any(|n| doubles(&b, n));
    if grows {
        return (exponential(&a), Some(jitter || random(body)));
    }
    // A literal, possibly times a unit: `2`, `0.5`, `2*time.Second`, `time.Second`, `1_000`.
    let stripped = a
        .replace("time.Second", "")
        .replace("time.Millisecond", "")
        .replace("time.Minute", "");
    let literal = stripped
        .bytes()
        .all(|c| c.is_ascii_digit() || b"._*()".contains(&c))
        && (a.bytes().any(|c| c.is_ascii_digit()) || stripped.is_empty());
    if literal {
        return (fixed(&a), Some(jitter));
    }
    // A name: constant unless the loop changes it.
    let is_name =
        !jitter && a.bytes().all(is_name_byte) && !a.starts_with(|c: char| c.is_ascii_digit());
    if is_name {
        let changed = b.match_indices(a.as_str()).any(|(i, _)| {
            let before = i.checked_sub(1).map(|j| b.as_bytes()[j]);
            let after = &b[i + a.len()..];
            before.is_none_or(|c| !is_name_byte(c))
                && ((after.starts_with('=') && !after.starts_with("=="))
                    || after.starts_with("+=")
                    || after.starts_with("-=")
                    || after.starts_with(":="))
        });
        if !changed {
            return (fixed(&a), Some(false));
        }
    }
    (
        Delay::Unknown {
            why: format!("the delay is computed: `{}`", crate::short(&a)),
        },
        jitter.then_some(true),
    )
}

/// How a retry loop is bounded.
fn bound(language: Language, f: &File<'_>, n: Node<'_>, body: &str) -> Limit {
    let cond = match (language, n.ty()) {
        (Language::Python, "for_statement") => {
            return n.field("right").map_or_else(
                || unknown_limit("the loop's range cannot be read"),
                |r| set(f.text(r)),
            );
        }
        (Language::Go, _) => {
            let mut cursor = n.walk();
            let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
            children.iter().find_map(|c| match c.ty() {
                "for_clause" => c.field("condition").map(|x| f.text(x)),
                "block" | "comment" => None,
                _ => Some(f.text(*c)),
            })
        }
        _ => n.field("condition").map(|x| f.text(x)),
    };
    // A script's `for` condition keeps its `;`.
    let cond = cond.map(|c| c.trim().trim_end_matches(';').trim_end());
    let forever = cond.is_none_or(|c| {
        matches!(
            c.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim(),
            "" | "True" | "true" | "1" | ";"
        )
    });
    if !forever {
        return set(cond.unwrap_or_default());
    }
    match counter(body) {
        Some(name) => set(&format!("a counter (`{name}`)")),
        None => Limit::Unbounded {
            why: "the loop retries until the call succeeds, with no limit",
        },
    }
}

/// A name the loop increments and compares: `attempt += 1` ... `if attempt >= 5`.
fn counter(body: &str) -> Option<String> {
    static INCREMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"([A-Za-z_][\w.]*)\s*(?:\+=\s*1\b|\+\+)|\+\+\s*([A-Za-z_][\w.]*)").ok()
    });
    let increment = INCREMENT.as_ref()?;
    increment.captures_iter(body).find_map(|c| {
        let name = c.get(1).or_else(|| c.get(2))?.as_str();
        let name_re = regex::escape(name);
        let compared = Regex::new(&format!(
            r"(?:^|[^\w.]){name_re}\s*(?:>=|>|==|<=|<)|(?:>=|>|==|<=|<)\s*{name_re}\b"
        ))
        .ok()?;
        compared.is_match(body).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_as_written() {
        assert_eq!(
            setting("{ retries: 5, factor: 2 }", "retries").as_deref(),
            Some("5")
        );
        assert_eq!(
            setting("(stop=stop_after_attempt(3), wait=wait_fixed(2))", "wait").as_deref(),
            Some("wait_fixed(2)")
        );
        assert_eq!(setting("(total == 3)", "total"), None);
        assert_eq!(setting("{ maxRetries: 5 }", "retries"), None);
        assert_eq!(
            chained("RetryConfig.custom().maxAttempts(4).build()", "maxAttempts").as_deref(),
            Some("4")
        );
    }

    #[test]
    fn loop_delays() {
        assert!(matches!(delay_of("2", "").0, Delay::Fixed { .. }));
        assert!(matches!(
            delay_of("2 * time.Second", "").0,
            Delay::Fixed { .. }
        ));
        assert!(matches!(
            delay_of("2 ** attempt", "").0,
            Delay::Exponential { .. }
        ));
        assert!(matches!(
            delay_of("delay", "delay *= 2").0,
            Delay::Exponential { .. }
        ));
        assert!(matches!(delay_of("delay", "x = 1").0, Delay::Fixed { .. }));
        assert!(matches!(
            delay_of("delay", "delay = next(d)").0,
            Delay::Unknown { .. }
        ));
        assert_eq!(
            delay_of("base * 2 ** n + random.random()", "").1,
            Some(true)
        );
        assert_eq!(
            counter("attempt += 1\nif attempt >= 5: raise").as_deref(),
            Some("attempt")
        );
        assert_eq!(counter("while True:\n  ok()"), None);
    }
}
