//! Log calls: the logger, the names of the values each call writes and how its message is
//! built. Python `logging` and structlog, script `console` and pino/winston/bunyan loggers, Go
//! `log`, `log/slog`, zap and logrus, Java SLF4J/Log4j loggers. A logger is recognised by its
//! receiver: a name bound in the file to a logger construction, or a conventional logger name
//! (`log`, `logger`, `LOG`, `LOGGER`, `self.logger`, `this.log`). Names are collected, never
//! values; a value passed through a function other than formatting (`mask(token)`) is not
//! followed.

use tree_sitter::Node;

use crate::tree::{Bindings, File};
use crate::{Fact, FactKind, Log};

const MAX_NAMES: usize = 32;

// A logger is followed through at most the first four bindings of a name, four deep: a file
// that rebinds a name thousands of times costs no more than one that binds it once.

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

/// A callee chain with every argument list shown as `(...)`: `logrus.WithField(...).Warn`, never
/// the arguments (they may hold a secret).
pub(crate) fn shape(f: &File<'_>, n: Node<'_>) -> String {
    let field = |name: &str| n.child_by_field_name(name);
    match n.kind() {
        "identifier"
        | "property_identifier"
        | "field_identifier"
        | "type_identifier"
        | "this"
        | "self" => f.text(n).to_string(),
        "call" | "call_expression" => format!(
            "{}(...)",
            field("function").map_or_else(|| "...".to_string(), |x| shape(f, x))
        ),
        "method_invocation" => format!(
            "{}{}(...)",
            field("object").map_or_else(String::new, |x| format!("{}.", shape(f, x))),
            field("name").map_or("...", |x| f.text(x))
        ),
        "attribute" => format!(
            "{}.{}",
            field("object").map_or_else(|| "...".to_string(), |x| shape(f, x)),
            field("attribute").map_or("...", |x| f.text(x))
        ),
        "member_expression" => format!(
            "{}.{}",
            field("object").map_or_else(|| "...".to_string(), |x| shape(f, x)),
            field("property").map_or("...", |x| f.text(x))
        ),
        "selector_expression" => format!(
            "{}.{}",
            field("operand").map_or_else(|| "...".to_string(), |x| shape(f, x)),
            field("field").map_or("...", |x| f.text(x))
        ),
        "field_access" => format!(
            "{}.{}",
            field("object").map_or_else(|| "...".to_string(), |x| shape(f, x)),
            field("field").map_or("...", |x| f.text(x))
        ),
        _ => "...".to_string(),
    }
}

/// `headers.get("Authorization")`, `r.Header.Get("Authorization")`: the key read.
fn getter_key<'t>(f: &File<'t>, last: &str, args: &[Node<'t>]) -> Option<&'t str> {
    match (last, args) {
        ("get" | "Get" | "getHeader" | "header", [one])
            if matches!(
                one.kind(),
                "string" | "interpreted_string_literal" | "string_literal"
            ) =>
        {
            Some(f.text(*one))
        }
        _ => None,
    }
}

fn children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|x| x.kind() != "comment")
        .collect()
}

/// Whether a receiver is conventionally a logger: `log`, `logger`, `_logger`, `LOG`,
/// `self.logger`, `this.log`, `s.logger`.
fn conventional(receiver: &str) -> bool {
    let last = receiver.rsplit('.').next().unwrap_or(receiver);
    let last = last.trim_start_matches('_').to_ascii_lowercase();
    matches!(last.as_str(), "log" | "logger")
}

/// What the walk of a log call's arguments gathers.
#[derive(Default)]
struct Gather {
    names: Vec<String>,
    spread: bool,
}

impl Gather {
    fn name(&mut self, name: &str) {
        let name = name.trim_matches(['"', '\'', '`']);
        let plain = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'));
        if plain && self.names.len() < MAX_NAMES && !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_string());
        }
    }
}

/// The labels a message gives the values it interpolates: the one or two words right before
/// each placeholder (`%s`, `%v`, `{}`, `{name}`, `${...}`, `%(name)s`) or hole (`\0`, where a
/// concatenation puts a value), joined with `_`: `"api key: %s"` gives `api_key`, `"user %s
/// logged in with token %s"` gives `user` and `with_token`; a `%(name)s` gives `name`.
fn message_labels(raw: &str, g: &mut Gather) {
    let chars: Vec<char> = raw.chars().collect();
    let mut piece = String::new();
    let mut i = 0;
    let label = |piece: &str, g: &mut Gather| {
        let trimmed = piece.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '=' | '"' | '\'' | '$' | '(' | '[' | '<' | '-')
        });
        let words: Vec<&str> = trimmed
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .take_while(|w| !w.is_empty())
            .take(2)
            .collect();
        if let Some(last) = words.first()
            && !trimmed.ends_with(|c: char| c.is_whitespace())
        {
            let joined = match words.get(1) {
                Some(before) => format!("{before}_{last}"),
                None => (*last).to_string(),
            };
            g.name(&joined);
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\0' {
            label(&piece, g);
            piece.clear();
            i += 1;
            continue;
        }
        if c == '%' {
            if chars.get(i + 1) == Some(&'(') {
                let end = chars[i..].iter().position(|x| *x == ')').map(|p| p + i);
                if let Some(end) = end {
                    let name: String = chars[i + 2..end].iter().collect();
                    g.name(&name);
                    label(&piece, g);
                    piece.clear();
                    i = end + 2;
                    continue;
                }
            }
            let mut j = i + 1;
            while chars
                .get(j)
                .is_some_and(|x| matches!(x, '-' | '+' | ' ' | '#' | '0'..='9' | '.'))
            {
                j += 1;
            }
            if chars.get(j).is_some_and(|x| "sdrvqxXfgeoijT".contains(*x)) {
                label(&piece, g);
                piece.clear();
                i = j + 1;
                continue;
            }
        }
        if c == '{'
            && let Some(end) = chars[i..].iter().position(|x| *x == '}').map(|p| p + i)
        {
            label(&piece, g);
            piece.clear();
            i = end + 1;
            continue;
        }
        piece.push(c);
        i += 1;
    }
}

/// The text of a message with `\0` where a concatenation puts a value that is not a literal.
fn message_text<'t>(f: &File<'t>, n: Node<'t>, depth: u8) -> String {
    let literal = matches!(
        n.kind(),
        "string"
            | "template_string"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "string_literal"
    );
    if literal {
        return f.text(n).to_string();
    }
    let plus = matches!(n.kind(), "binary_operator" | "binary_expression")
        && n.child_by_field_name("operator")
            .is_some_and(|o| f.text(o) == "+");
    if plus && depth < 16 {
        return children(n)
            .into_iter()
            .map(|c| message_text(f, c, depth + 1))
            .collect();
    }
    "\0".to_string()
}

/// Formatting calls whose arguments are written as they are.
fn formats(callee_last: &str) -> bool {
    matches!(
        callee_last,
        "format"
            | "str"
            | "repr"
            | "dumps"
            | "Sprintf"
            | "Sprint"
            | "Sprintln"
            | "Errorf"
            | "String"
            | "toString"
            | "stringify"
            | "valueOf"
    )
}

fn log_fact(
    f: &File<'_>,
    node: Node<'_>,
    function: Option<String>,
    library: &'static str,
    func: Node<'_>,
    g: Gather,
    built: Option<&'static str>,
) -> Fact {
    let structured = matches!(
        library,
        "structlog" | "pino" | "winston" | "bunyan" | "log/slog" | "zap" | "logrus"
    );
    f.fact(
        node,
        function,
        FactKind::Log(Log {
            library,
            text: crate::short(&format!("{}(...)", shape(f, func))),
            structured,
            names: g.names,
            built,
            spread: g.spread,
            end_line: u32::try_from(node.end_position().row + 1).unwrap_or(u32::MAX),
        }),
    )
}

// ---------------------------------------------------------------------------------------------
// Python

const PY_LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
];

fn py_logger<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    receiver: Node<'t>,
    depth: u8,
) -> Option<&'static str> {
    let text = compact(f.text(receiver));
    if text == "logging" {
        return Some("logging");
    }
    if text == "structlog" {
        return Some("structlog");
    }
    if depth > 3 {
        return None;
    }
    // `structlog.get_logger().bind(...)`, `log.bind(user=...)`.
    if receiver.kind() == "call"
        && let Some(func) = receiver.child_by_field_name("function")
    {
        let name = compact(f.text(func));
        return match name.as_str() {
            "structlog.get_logger" | "structlog.getLogger" | "structlog.stdlib.get_logger" => {
                Some("structlog")
            }
            "logging.getLogger" | "getLogger" => Some("logging"),
            _ if func.kind() == "attribute" && name.rsplit('.').next() == Some("bind") => func
                .child_by_field_name("object")
                .and_then(|o| py_logger(f, b, o, depth + 1)),
            _ => None,
        };
    }
    if let Some(lib) = b
        .values(&text)
        .iter()
        .take(4)
        .find_map(|v| py_logger(f, b, *v, depth + 1))
    {
        return Some(lib);
    }
    conventional(&text).then_some("logging")
}

fn py_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 {
        return;
    }
    match n.kind() {
        "identifier" => g.name(f.text(n)),
        "attribute" => {
            if let Some(a) = n.child_by_field_name("attribute") {
                g.name(f.text(a));
            }
        }
        "subscript" => {
            if let Some(s) = n.child_by_field_name("subscript")
                && s.kind() == "string"
            {
                g.name(f.text(s));
            }
        }
        "keyword_argument" => {
            if let Some(k) = n.child_by_field_name("name") {
                g.name(f.text(k));
            }
            if let Some(v) = n.child_by_field_name("value") {
                py_names(f, v, g, depth + 1);
            }
        }
        "pair" => {
            if let Some(k) = n.child_by_field_name("key") {
                if k.kind() == "string" {
                    g.name(f.text(k));
                } else {
                    py_names(f, k, g, depth + 1);
                }
            }
            if let Some(v) = n.child_by_field_name("value") {
                py_names(f, v, g, depth + 1);
            }
        }
        // `**fields` spreads named fields; `*args` only positional values (below).
        "dictionary_splat" => g.spread = true,
        "call" => {
            let func = n.child_by_field_name("function");
            let last = func.map_or("", |x| {
                let t = f.text(x);
                t.rsplit('.').next().unwrap_or(t)
            });
            let args = n
                .child_by_field_name("arguments")
                .map(children)
                .unwrap_or_default();
            if let Some(key) = getter_key(f, last, &args) {
                g.name(key);
            } else if formats(last) {
                if let Some(x) = func.and_then(|x| x.child_by_field_name("object")) {
                    py_names(f, x, g, depth + 1);
                }
                if let Some(a) = n.child_by_field_name("arguments") {
                    for c in children(a) {
                        py_names(f, c, g, depth + 1);
                    }
                }
            }
        }
        "lambda" | "list_splat" | "string_content" | "integer" | "float" | "true" | "false"
        | "none" => {}
        _ => {
            for c in children(n) {
                py_names(f, c, g, depth + 1);
            }
        }
    }
}

fn py_built(f: &File<'_>, msg: Node<'_>) -> Option<&'static str> {
    match msg.kind() {
        "string" if children(msg).iter().any(|c| c.kind() == "interpolation") => {
            Some("in an f-string")
        }
        "binary_operator" => match msg.child_by_field_name("operator").map(|o| f.text(o)) {
            Some("+") => Some("by concatenation"),
            Some("%") => Some("with % formatting"),
            _ => None,
        },
        "concatenated_string" if children(msg).iter().any(|s| py_built(f, *s).is_some()) => {
            Some("in an f-string")
        }
        "call" => msg
            .child_by_field_name("function")
            .filter(|x| f.text(*x).ends_with(".format"))
            .map(|_| "with str.format"),
        _ => None,
    }
}

pub(crate) fn python<'t>(f: &File<'t>, nodes: &[Node<'t>], b: &Bindings<'t>, out: &mut Vec<Fact>) {
    for n in nodes.iter().filter(|n| n.kind() == "call") {
        let Some(func) = n
            .child_by_field_name("function")
            .filter(|x| x.kind() == "attribute")
        else {
            continue;
        };
        let (Some(receiver), Some(method)) = (
            func.child_by_field_name("object"),
            func.child_by_field_name("attribute"),
        ) else {
            continue;
        };
        if !PY_LEVELS.contains(&f.text(method)) {
            continue;
        }
        let Some(library) = py_logger(f, b, receiver, 0) else {
            continue;
        };
        let Some(args) = n.child_by_field_name("arguments") else {
            continue;
        };
        let mut g = Gather::default();
        // Fields bound to the logger on the way (`log.bind(token=...)`).
        if receiver.kind() == "call"
            && let Some(a) = receiver.child_by_field_name("arguments")
        {
            for c in children(a) {
                py_names(f, c, &mut g, 0);
            }
        }
        let all = children(args);
        // `logger.log(level, msg, ...)` puts the message second.
        let at = usize::from(f.text(method) == "log" && library == "logging");
        let msg = all.get(at).filter(|m| m.kind() != "keyword_argument");
        let built = msg.and_then(|m| py_built(f, *m));
        if let Some(m) = msg.filter(|_| all.len() > at + 1 || built.is_some()) {
            let m = match m.kind() {
                // `"password: {}".format(pw)`, `"password: %s" % pw`: the format is the message.
                "call" => m
                    .child_by_field_name("function")
                    .and_then(|x| x.child_by_field_name("object"))
                    .unwrap_or(*m),
                "binary_operator"
                    if m.child_by_field_name("operator").map(|o| f.text(o)) == Some("%") =>
                {
                    m.child_by_field_name("left").unwrap_or(*m)
                }
                _ => *m,
            };
            message_labels(&message_text(f, m, 0), &mut g);
        }
        for (i, c) in all.iter().enumerate() {
            if i == at && c.kind() == "string" && built.is_none() {
                continue;
            }
            py_names(f, *c, &mut g, 0);
        }
        out.push(log_fact(
            f,
            *n,
            crate::python::function(f, *n),
            library,
            func,
            g,
            built,
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// JavaScript and TypeScript

const JS_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error", "fatal", "log"];

fn js_logger<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    receiver: Node<'t>,
    depth: u8,
) -> Option<&'static str> {
    let text = compact(f.text(receiver));
    if text == "console" {
        return Some("console");
    }
    if depth > 3 {
        return None;
    }
    if receiver.kind() == "call_expression"
        && let Some(func) = receiver.child_by_field_name("function")
    {
        let name = compact(f.text(func));
        return match name.as_str() {
            "pino" | "pino.default" | "require('pino')" | "require(\"pino\")" => Some("pino"),
            "winston.createLogger" | "createLogger" => Some("winston"),
            "bunyan.createLogger" => Some("bunyan"),
            _ if func.kind() == "member_expression" && name.rsplit('.').next() == Some("child") => {
                func.child_by_field_name("object")
                    .and_then(|o| js_logger(f, b, o, depth + 1))
            }
            _ => None,
        };
    }
    if let Some(lib) = b
        .values(&text)
        .iter()
        .take(4)
        .find_map(|v| js_logger(f, b, *v, depth + 1))
    {
        return Some(lib);
    }
    conventional(&text).then_some("logger")
}

fn js_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 {
        return;
    }
    match n.kind() {
        "identifier" | "shorthand_property_identifier" => g.name(f.text(n)),
        "member_expression" => {
            if let Some(p) = n.child_by_field_name("property") {
                g.name(f.text(p));
            }
        }
        "subscript_expression" => {
            if let Some(i) = n.child_by_field_name("index")
                && i.kind() == "string"
            {
                g.name(f.text(i));
            }
        }
        "pair" => {
            if let Some(k) = n.child_by_field_name("key") {
                if k.kind() == "computed_property_name" {
                    js_names(f, k, g, depth + 1);
                } else {
                    g.name(f.text(k));
                }
            }
            if let Some(v) = n.child_by_field_name("value") {
                js_names(f, v, g, depth + 1);
            }
        }
        // `{ ...ctx }` spreads named fields; `console.log(...args)` only positional values.
        "spread_element" => {
            if n.parent().is_some_and(|p| p.kind() == "object") {
                g.spread = true;
            }
        }
        "call_expression" => {
            let func = n.child_by_field_name("function");
            let name = func.map(|x| compact(f.text(x))).unwrap_or_default();
            let last = name.rsplit('.').next().unwrap_or(&name);
            let args = n
                .child_by_field_name("arguments")
                .map(children)
                .unwrap_or_default();
            if let Some(key) = getter_key(f, last, &args) {
                g.name(key);
            } else if formats(last) {
                if let Some(o) = func.and_then(|x| x.child_by_field_name("object"))
                    && last != "stringify"
                {
                    js_names(f, o, g, depth + 1);
                }
                for c in args {
                    js_names(f, c, g, depth + 1);
                }
            } else if args.is_empty() && (last.starts_with("get") || last.starts_with("Get")) {
                g.name(last);
            }
        }
        "arrow_function"
        | "function_expression"
        | "string_fragment"
        | "number"
        | "true"
        | "false"
        | "null"
        | "undefined"
        | "regex" => {}
        _ => {
            for c in children(n) {
                js_names(f, c, g, depth + 1);
            }
        }
    }
}

fn js_built(msg: Node<'_>) -> Option<&'static str> {
    match msg.kind() {
        "template_string"
            if children(msg)
                .iter()
                .any(|c| c.kind() == "template_substitution") =>
        {
            Some("in a template literal")
        }
        "binary_expression" => {
            let plus = msg
                .child_by_field_name("operator")
                .is_some_and(|o| o.kind() == "+");
            let stringy = children(msg)
                .iter()
                .any(|c| matches!(c.kind(), "string" | "template_string" | "binary_expression"));
            (plus && stringy).then_some("by concatenation")
        }
        _ => None,
    }
}

pub(crate) fn script<'t>(f: &File<'t>, nodes: &[Node<'t>], b: &Bindings<'t>, out: &mut Vec<Fact>) {
    for n in nodes.iter().filter(|n| n.kind() == "call_expression") {
        let Some(func) = n
            .child_by_field_name("function")
            .filter(|x| x.kind() == "member_expression")
        else {
            continue;
        };
        let (Some(receiver), Some(method)) = (
            func.child_by_field_name("object"),
            func.child_by_field_name("property"),
        ) else {
            continue;
        };
        if !JS_LEVELS.contains(&f.text(method)) {
            continue;
        }
        let Some(library) = js_logger(f, b, receiver, 0) else {
            continue;
        };
        let mut g = Gather::default();
        // `logger.child({ token }).info(...)`.
        if receiver.kind() == "call_expression"
            && let Some(a) = receiver.child_by_field_name("arguments")
        {
            for c in children(a) {
                js_names(f, c, &mut g, 0);
            }
        }
        let all = n
            .child_by_field_name("arguments")
            .map(children)
            .unwrap_or_default();
        let built = all.iter().find_map(|a| js_built(*a));
        if all.len() > 1 || built.is_some() {
            for m in all
                .iter()
                .filter(|a| matches!(a.kind(), "string" | "template_string" | "binary_expression"))
            {
                message_labels(&message_text(f, *m, 0), &mut g);
            }
        }
        for c in &all {
            if matches!(c.kind(), "string") {
                continue;
            }
            js_names(f, *c, &mut g, 0);
        }
        out.push(log_fact(
            f,
            *n,
            crate::js::function(f, *n),
            library,
            func,
            g,
            built,
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Go

/// A Go logging method without its `f`/`w`/`ln`/`Context` suffix.
fn go_level(method: &str) -> bool {
    let m = method.strip_suffix("Context").unwrap_or(method);
    let m = m
        .strip_suffix("ln")
        .or_else(|| m.strip_suffix('f'))
        .or_else(|| m.strip_suffix('w'))
        .unwrap_or(m);
    matches!(
        m,
        "Print"
            | "Fatal"
            | "Panic"
            | "Debug"
            | "Info"
            | "Warn"
            | "Warning"
            | "Error"
            | "DPanic"
            | "Trace"
            | "Log"
    )
}

fn go_logger<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    receiver: Node<'t>,
    depth: u8,
) -> Option<&'static str> {
    let text = compact(f.text(receiver));
    if depth > 3 {
        return None;
    }
    if receiver.kind() == "call_expression"
        && let Some(func) = receiver.child_by_field_name("function")
    {
        let name = compact(f.text(func));
        let (object, method) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
        return match object {
            "zap" => Some("zap"),
            "slog" => Some("log/slog"),
            "logrus" => Some("logrus"),
            "log" if !b.values("log").is_empty() => func
                .child_by_field_name("operand")
                .and_then(|o| go_logger(f, b, o, depth + 1)),
            "log" => None,
            _ if matches!(
                method,
                "Sugar"
                    | "Named"
                    | "With"
                    | "WithField"
                    | "WithFields"
                    | "WithError"
                    | "WithContext"
                    | "WithGroup"
            ) =>
            {
                func.child_by_field_name("operand")
                    .and_then(|o| go_logger(f, b, o, depth + 1))
            }
            _ => None,
        };
    }
    if let Some(lib) = b
        .values(&text)
        .iter()
        .take(4)
        .find_map(|v| go_logger(f, b, *v, depth + 1))
    {
        return Some(lib);
    }
    match text.as_str() {
        // The standard package, unless the name is bound in the file.
        "log" => Some("log"),
        "slog" => Some("log/slog"),
        "logrus" => Some("logrus"),
        _ => conventional(&text).then_some("logger"),
    }
}

fn go_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 {
        return;
    }
    match n.kind() {
        // A string among the fields is a key (`slog.Info(msg, "token", t)`).
        "identifier" | "interpreted_string_literal" | "raw_string_literal" => g.name(f.text(n)),
        "selector_expression" => {
            if let Some(p) = n.child_by_field_name("field") {
                g.name(f.text(p));
            }
        }
        "index_expression" => {
            if let Some(i) = n.child_by_field_name("index")
                && i.kind() == "interpreted_string_literal"
            {
                g.name(f.text(i));
            }
        }
        // `fmt.Sprintf(format, v...)`: positional values, not fields.
        "variadic_argument" => {
            let formatting = n
                .parent()
                .and_then(|a| a.parent())
                .and_then(|c| c.child_by_field_name("function"))
                .is_some_and(|x| {
                    let t = f.text(x);
                    formats(t.rsplit('.').next().unwrap_or(t))
                });
            if !formatting {
                g.spread = true;
            }
        }
        "call_expression" => {
            let func = n.child_by_field_name("function");
            let name = func.map(|x| compact(f.text(x))).unwrap_or_default();
            let (object, last) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
            let args = n
                .child_by_field_name("arguments")
                .map(children)
                .unwrap_or_default();
            // zap.String("token", t), slog.String("token", t), fmt.Sprintf(...).
            if let Some(key) = getter_key(f, last, &args) {
                g.name(key);
            } else if matches!(object, "zap" | "slog") || formats(last) {
                for c in args {
                    go_names(f, c, g, depth + 1);
                }
            } else if args.is_empty() && last.starts_with("Get") {
                g.name(last);
            }
        }
        "func_literal" | "int_literal" | "float_literal" | "true" | "false" | "nil" => {}
        _ => {
            for c in children(n) {
                go_names(f, c, g, depth + 1);
            }
        }
    }
}

fn go_built(f: &File<'_>, msg: Node<'_>) -> Option<&'static str> {
    match msg.kind() {
        "binary_expression"
            if msg.child_by_field_name("operator").map(|o| f.text(o)) == Some("+") =>
        {
            Some("by concatenation")
        }
        "call_expression"
            if msg
                .child_by_field_name("function")
                .is_some_and(|x| compact(f.text(x)) == "fmt.Sprintf") =>
        {
            Some("with fmt.Sprintf")
        }
        _ => None,
    }
}

pub(crate) fn go<'t>(f: &File<'t>, nodes: &[Node<'t>], b: &Bindings<'t>, out: &mut Vec<Fact>) {
    for n in nodes.iter().filter(|n| n.kind() == "call_expression") {
        let Some(func) = n
            .child_by_field_name("function")
            .filter(|x| x.kind() == "selector_expression")
        else {
            continue;
        };
        let (Some(receiver), Some(method)) = (
            func.child_by_field_name("operand"),
            func.child_by_field_name("field"),
        ) else {
            continue;
        };
        let method = f.text(method);
        if !go_level(method) {
            continue;
        }
        let Some(library) = go_logger(f, b, receiver, 0) else {
            continue;
        };
        // The standard `log` has Print, Fatal and Panic only.
        if library == "log"
            && !(method.starts_with("Print")
                || method.starts_with("Fatal")
                || method.starts_with("Panic"))
        {
            continue;
        }
        let mut g = Gather::default();
        // `args...` spreads key-value fields only where the call takes them (slog, zap's
        // `w` methods, logrus); to the standard `log`, a printf-style method or `fmt.Sprintf`
        // they are positional values.
        let fields = library != "log" && !method.ends_with('f') && !method.ends_with("ln");
        // Fields added on the way: `logrus.WithField("token", t).Info(...)`.
        let mut chain = Some(receiver);
        while let Some(c) = chain.filter(|c| c.kind() == "call_expression") {
            if let Some(a) = c.child_by_field_name("arguments") {
                for x in children(a) {
                    go_names(f, x, &mut g, 0);
                }
            }
            chain = c
                .child_by_field_name("function")
                .and_then(|x| x.child_by_field_name("operand"));
        }
        let all = n
            .child_by_field_name("arguments")
            .map(children)
            .unwrap_or_default();
        // The message: first, after a context for the `Context` variants.
        let at = usize::from(method.ends_with("Context"));
        let built = all.get(at).and_then(|m| go_built(f, *m));
        let printf = method.ends_with('f');
        if let Some(m) = all.get(at) {
            let format = if m.kind() == "call_expression" {
                m.child_by_field_name("arguments")
                    .and_then(|a| children(a).first().copied())
            } else {
                Some(*m)
            };
            if let Some(format) = format.filter(|_| printf || built.is_some()) {
                message_labels(&message_text(f, format, 0), &mut g);
            }
        }
        for (i, c) in all.iter().enumerate() {
            if i < at {
                continue;
            }
            if i == at
                && matches!(
                    c.kind(),
                    "interpreted_string_literal" | "raw_string_literal"
                )
            {
                continue;
            }
            if i == at && c.kind() == "call_expression" && built.is_some() {
                // fmt.Sprintf's own format is a message, its other arguments are values.
                if let Some(a) = c.child_by_field_name("arguments") {
                    for x in children(a).into_iter().skip(1) {
                        go_names(f, x, &mut g, 0);
                    }
                }
                continue;
            }
            // Printf-style arguments after the format are values, not keys.
            if printf
                && matches!(
                    c.kind(),
                    "interpreted_string_literal" | "raw_string_literal"
                )
            {
                continue;
            }
            go_names(f, *c, &mut g, 0);
        }
        g.spread &= fields;
        out.push(log_fact(
            f,
            *n,
            crate::golang::function(f, *n),
            library,
            func,
            g,
            built,
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Java

const JAVA_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error", "fatal"];

fn java_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 {
        return;
    }
    match n.kind() {
        "identifier" => g.name(f.text(n)),
        "field_access" => {
            if let Some(p) = n.child_by_field_name("field") {
                g.name(f.text(p));
            }
        }
        "method_invocation" => {
            let name = n.child_by_field_name("name").map_or("", |x| f.text(x));
            let args = n
                .child_by_field_name("arguments")
                .map(children)
                .unwrap_or_default();
            if let Some(key) = getter_key(f, name, &args) {
                g.name(key);
            } else if matches!(name, "entries" | "e") && !args.is_empty() {
                // logstash's `entries(map)`: the map's keys become fields, and they are not
                // written here.
                g.spread = true;
            } else if formats(name) || matches!(name, "kv" | "keyValue" | "v" | "value") {
                for c in args {
                    java_names(f, c, g, depth + 1);
                }
            } else if args.is_empty() && name.starts_with("get") {
                g.name(name);
            }
        }
        // A string among the arguments is a message or a `kv("token", t)` key.
        "string_literal" if n.parent().is_some_and(|p| p.kind() == "argument_list") => {
            let text = f.text(n);
            if !text.contains(' ') && !text.contains("{}") {
                g.name(text);
            }
        }
        "lambda_expression"
        | "string_literal"
        | "decimal_integer_literal"
        | "true"
        | "false"
        | "null_literal" => {}
        _ => {
            for c in children(n) {
                java_names(f, c, g, depth + 1);
            }
        }
    }
}

pub(crate) fn java<'t>(f: &File<'t>, nodes: &[Node<'t>], out: &mut Vec<Fact>) {
    for n in nodes.iter().filter(|n| n.kind() == "method_invocation") {
        let (Some(receiver), Some(method)) = (
            n.child_by_field_name("object"),
            n.child_by_field_name("name"),
        ) else {
            continue;
        };
        if !JAVA_LEVELS.contains(&f.text(method)) || !conventional(&compact(f.text(receiver))) {
            continue;
        }
        let all = n
            .child_by_field_name("arguments")
            .map(children)
            .unwrap_or_default();
        let built = all.first().and_then(|m| {
            (m.kind() == "binary_expression"
                && m.child_by_field_name("operator").map(|o| f.text(o)) == Some("+"))
            .then_some("by concatenation")
        });
        let mut g = Gather::default();
        if let Some(m) = all.first().filter(|_| all.len() > 1 || built.is_some()) {
            message_labels(&message_text(f, *m, 0), &mut g);
        }
        for (i, c) in all.iter().enumerate() {
            if i == 0 && c.kind() == "string_literal" {
                continue;
            }
            java_names(f, *c, &mut g, 0);
        }
        let text = format!("{}.{}(...)", shape(f, receiver), f.text(method));
        let mut fact = log_fact(
            f,
            *n,
            crate::java::function(f, *n),
            "slf4j",
            method,
            g,
            built,
        );
        if let FactKind::Log(l) = &mut fact.kind {
            l.text = crate::short(&text);
        }
        out.push(fact);
    }
}
