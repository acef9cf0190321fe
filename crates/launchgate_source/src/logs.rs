//! Log calls: the logger, the names of the values each call writes and how its message is
//! built. Python `logging` and structlog, script `console` and pino/winston/bunyan loggers, Go
//! `log`, `log/slog`, zap and logrus, Java SLF4J/Log4j loggers. A logger is recognised by its
//! receiver: a name bound in the file to a logger construction, or a conventional logger name
//! (`log`, `logger`, `LOG`, `LOGGER`, `self.logger`, `this.log`). Names are collected, never
//! values; a value passed through a function other than formatting (`mask(token)`) is not
//! followed.

use crate::syntax::Syntax;
use tree_sitter::Node;

use crate::tree::{Bindings, File, compact, named_children};
use crate::{Fact, FactKind, Log};

const MAX_NAMES: usize = 32;

// A logger is followed through at most the first four bindings of a name, four deep: a file
// that rebinds a name thousands of times costs no more than one that binds it once.

/// A callee chain with every argument list shown as `(...)`: `logrus.WithField(...).Warn`, never
/// the arguments (they may hold a secret).
pub(crate) fn shape(f: &File<'_>, n: Node<'_>) -> String {
    let field = |name: &'static str| n.field(name);
    match n.ty() {
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

/// `headers.get("Authorization")`, `r.Header.Get("Authorization")`, `os.getenv("DB_PASSWORD")`,
/// `env.getProperty("db.password", "")`, `request.getParameter("password")`: the key read, a
/// string written first (a default may follow).
fn getter_key<'t>(f: &File<'t>, last: &str, args: &[Node<'t>]) -> Option<&'t str> {
    if !matches!(
        last,
        "get"
            | "Get"
            | "getHeader"
            | "header"
            | "getenv"
            | "Getenv"
            | "getProperty"
            | "getParameter"
            | "getItem"
            | "getString"
    ) {
        return None;
    }
    args.first()
        .filter(|one| {
            matches!(
                one.ty(),
                "string" | "interpreted_string_literal" | "raw_string_literal" | "string_literal"
            )
        })
        .map(|one| f.text(*one))
}

/// Whether a receiver is conventionally a logger: `log`, `logger`, `_logger`, `LOG`,
/// `self.logger`, `this.log`, `s.logger`.
fn conventional(receiver: &str) -> bool {
    let last = receiver.rsplit('.').next().unwrap_or(receiver);
    let last = last.trim_start_matches('_').to_ascii_lowercase();
    matches!(last.as_str(), "log" | "logger")
}

/// What a bare name a log call writes was last bound to in its function, as the call sees it.
enum Bound<'t> {
    /// Not bound in the function, or to nothing read further: the name alone says it.
    Name,
    /// A value whose names the call writes too: `pw = request.form["password"]`,
    /// `alias = password`, `cfg = {"password": p}`, `typed = getpass.getpass()`.
    Read(Node<'t>),
    /// A value made from the secret so that it is not one any more (`safe_password =
    /// crypt(pw)`), or a constant written in the code (`const token = "x"`, `password =
    /// "hunter2"` in a script, `shown = password ? null : "(hidden)"`): the name does not say what is
    /// written. A constant in the code is for the secret scan (SEC-001) to judge; logging it
    /// discloses nothing the code does not.
    Other,
}

/// Node kinds a bound value is read through: member accesses, subscripts, calls, other names
/// and literal objects, dictionaries and structs.
const READ: &[&str] = &[
    "attribute",
    "subscript",
    "call",
    "member_expression",
    "subscript_expression",
    "call_expression",
    "selector_expression",
    "index_expression",
    "identifier",
    "object",
    "dictionary",
    "composite_literal",
];

/// [`Bound`] for an argument of `call`; `None` when it is no bare name.
fn bound<'t>(f: &File<'t>, b: &Bindings<'t>, arg: Node<'t>, call: Node<'t>) -> Option<Bound<'t>> {
    if arg.ty() != "identifier" {
        return None;
    }
    let name = f.text(arg);
    // The nearest value the function gives the name; past constants, which a branch may have
    // put over the value the call writes (`if not auth: auth = "anonymous"`).
    let value = b.find(name, call, |v| {
        (crate::tree::function_of(v).is_some() && !constant_bound(v)).then_some(v)
    });
    // A constant of the code (`const defaultToken = "anonymous"`, `TOKEN = "dev"` at the top of
    // a module) only when every value the name is given where the call sees it is one: after
    // `token = request.headers["Authorization"]`, `if not token: token = "anonymous"` may
    // leave the header in it.
    let constant = || {
        let mut seen = b
            .values(name)
            .iter()
            .filter(|v| crate::tree::in_scope(**v, call))
            .peekable();
        seen.peek().is_some() && seen.all(|v| constant_bound(*v))
    };
    Some(match value {
        Some(v) if transformed(f, v) => Bound::Other,
        _ if constant() => Bound::Other,
        Some(v) if READ.contains(&v.ty()) && v.id() != arg.id() => Bound::Read(v),
        _ => Bound::Name,
    })
}

/// A name bound to a [`constant`] is the code's text, not a secret the service handles. Go
/// tells its constants from its variables, and so does this: a Go variable given a literal
/// (`password := "hunter2"`) is still named for what it holds, as CodeQL reads Go; a `const`
/// is not.
fn constant_bound(v: Node<'_>) -> bool {
    let mut statement = v.parent();
    if statement.is_some_and(|p| p.ty() == "expression_list") {
        statement = statement.and_then(|p| p.parent());
    }
    let go_variable = statement.is_some_and(|p| {
        matches!(
            p.ty(),
            "short_var_declaration" | "var_spec" | "assignment_statement"
        )
    });
    !go_variable && constant(v)
}

/// A value written in the code whatever runs it: a literal without interpolation, or a
/// conditional choosing between such values (`password ? null : "(hidden)"` writes `null` or
/// `(hidden)`, never the password).
fn constant(n: Node<'_>) -> bool {
    if let Some(branches) = branches(n) {
        return branches.into_iter().all(constant);
    }
    match n.ty() {
        "parenthesized_expression" => n.named_child(0).is_some_and(constant),
        "template_string" => named_children(n)
            .iter()
            .all(|c| c.ty() != "template_substitution"),
        "string" => named_children(n).iter().all(|c| c.ty() != "interpolation"),
        _ => literal(n),
    }
}

/// The values a conditional expression chooses between, its condition left out
/// (`a ? b : c`, `b if a else c`); `None` for any other node.
fn branches(n: Node<'_>) -> Option<Vec<Node<'_>>> {
    match n.ty() {
        "ternary_expression" => Some(
            [n.field("consequence"), n.field("alternative")]
                .into_iter()
                .flatten()
                .collect(),
        ),
        // Python's `b if a else c`: the first and last of its three expressions.
        "conditional_expression" => {
            let c = named_children(n);
            Some(
                [c.first(), c.get(2)]
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The keys a literal object, dictionary or struct gives and their values (`{password: x,
/// y}` gives `password` and `x`, `y` and `y`).
fn literal_fields<'t>(f: &File<'t>, literal: Node<'t>) -> Vec<(&'t str, Node<'t>)> {
    let body = match literal.ty() {
        "object" | "dictionary" => Some(literal),
        "composite_literal" => literal.field("body"),
        _ => None,
    };
    let inner = |n: Node<'t>| {
        if n.ty() == "literal_element" {
            named_children(n).into_iter().next().unwrap_or(n)
        } else {
            n
        }
    };
    body.map(named_children)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| {
            let (k, v) = match e.ty() {
                "pair" | "keyed_element" => (e.field("key")?, e.field("value")?),
                "shorthand_property_identifier" => (e, e),
                _ => return None,
            };
            Some((f.text(inner(k)).trim_matches(['"', '\'', '`']), inner(v)))
        })
        .collect()
}

/// The value a literal object, dictionary or struct gives the key `key`
/// (`{password: x, y: p}` and `y` give `p`).
fn literal_field<'t>(f: &File<'t>, literal: Node<'t>, key: &str) -> Option<Node<'t>> {
    literal_fields(f, literal)
        .into_iter()
        .find_map(|(k, v)| (k == key).then_some(v))
}

/// A member access on a name bound in the function to a literal object or struct, and the
/// value the literal gives that member (`cfg.x` after `cfg = {x: password}` gives `password`).
fn member_of_literal<'t>(
    f: &File<'t>,
    b: &Bindings<'t>,
    arg: Node<'t>,
    call: Node<'t>,
) -> Option<Node<'t>> {
    let (object, member) = match arg.ty() {
        "member_expression" => (arg.field("object")?, arg.field("property")?),
        "selector_expression" => (arg.field("operand")?, arg.field("field")?),
        _ => return None,
    };
    let Some(Bound::Read(v)) = bound(f, b, object, call) else {
        return None;
    };
    literal_field(f, v, f.text(member))
}

/// What a log call writes, read through the file's bindings: the file, its bindings and the
/// language's walk of an expression's names.
struct Values<'a, 't> {
    f: &'a File<'t>,
    b: &'a Bindings<'t>,
    names: fn(&File<'t>, Node<'t>, &mut Gather, u8),
}

/// Methods that return a logger carrying fields every later call writes: Go's logrus, zap and
/// slog `With`/`WithField`/`WithFields`, structlog's `bind`/`new`, pino's, winston's and
/// bunyan's `child`.
const WITH_FIELDS: &[&str] = &["With", "WithField", "WithFields", "bind", "new", "child"];

impl<'t> Values<'_, 't> {
    /// The names the argument `arg` of `call` writes, through what its bare names were bound
    /// to.
    fn argument(&self, call: Node<'t>, arg: Node<'t>, g: &mut Gather) {
        let Values { f, b, names } = *self;
        names(f, arg, g, 0);
        if let Some(v) = member_of_literal(f, b, arg, call) {
            names(f, v, g, 1);
        }
        // `extra=ctx`: the keyword's value is read as an argument of its own.
        let keyword = (arg.ty() == "keyword_argument")
            .then(|| arg.field("value"))
            .flatten();
        for x in std::iter::once(arg).chain(keyword).chain(interpolated(arg)) {
            self.assigned_members(x, call, g);
            self.constant_fields(x, call, g);
            match bound(f, b, x, call) {
                Some(Bound::Read(v)) => {
                    names(f, v, g, 1);
                    self.constant_fields(v, call, g);
                }
                // The name is not what the call writes: `safe_password = crypt(pw)`.
                Some(Bound::Other) => {
                    let name = f.text(x);
                    g.names.retain(|n| n != name);
                }
                _ => {}
            }
        }
    }

    /// The keys of a literal object, dictionary or struct whose values are names bound to
    /// something other than the secret (`{password: shown}`, `shown` bound to a constant or a
    /// hash) are not written: they leave `g`.
    fn constant_fields(&self, literal: Node<'t>, call: Node<'t>, g: &mut Gather) {
        let Values { f, b, .. } = *self;
        for (key, value) in literal_fields(f, literal) {
            if matches!(bound(f, b, value, call), Some(Bound::Other)) {
                g.names.retain(|n| n != key);
            }
        }
    }

    /// The members assigned to a bare name in its function before `call` (`payload.password =
    /// req.body.password` then `console.log(payload)`; `data["token"] = t` then
    /// `print(data)`): each member's key and the names of its value, unless the value is
    /// masked or hashed.
    fn assigned_members(&self, arg: Node<'t>, call: Node<'t>, g: &mut Gather) {
        let Values { f, b, names } = *self;
        if arg.ty() != "identifier" {
            return;
        }
        let Some(function) = crate::tree::function_of(call) else {
            return;
        };
        for (key, values) in b.members(f.text(arg)) {
            let seen = values.iter().find(|v| {
                v.start_byte() < call.start_byte()
                    && crate::tree::function_of(**v) == Some(function)
            });
            let Some(value) = seen.filter(|v| !transformed(f, **v)) else {
                continue;
            };
            let key = key
                .trim_start_matches(['.', '['])
                .trim_end_matches(']')
                .trim_matches(['"', '\'', '`']);
            g.name(key);
            names(f, *value, g, 1);
        }
    }

    /// The fields of a logger bound earlier in the file and written by every call through it
    /// (`entry := logrus.WithField("token", t)` then `entry.Info("x")`; `log =
    /// log.bind(email=e)` then `log.info("x")`; `const child = logger.child({ token })` then
    /// `child.info('x')`): the arguments of the [`WITH_FIELDS`] calls the name was bound to,
    /// through up to four bindings. Other calls a logger was built with (`NewLogger(cfg)`)
    /// write nothing.
    ///
    /// A binding whose text can name a secret is where the secret enters the logger: it is
    /// returned with its own fields, for a fact of its own at its line (said once, however
    /// many calls go through the logger, as CodeQL reports it); the fields of the others are
    /// the call's.
    fn logger_fields(
        &self,
        receiver: Node<'t>,
        call: Node<'t>,
        g: &mut Gather,
    ) -> Vec<(Node<'t>, Gather)> {
        let Values { f, b, .. } = *self;
        let mut carried = Vec::new();
        let mut seen_at = call;
        let mut name = receiver;
        for _ in 0..4 {
            if name.ty() != "identifier" {
                break;
            }
            // A binding written before the use (never after it, never the one being followed).
            let Some(mut value) = b.find(f.text(name), seen_at, |v| {
                (v.start_byte() < seen_at.start_byte()).then_some(v)
            }) else {
                break;
            };
            seen_at = value;
            // Down the value's chain of calls: `zap.L().With(...)`, `log.bind(a=1).bind(b=2)`.
            while matches!(value.ty(), "call" | "call_expression") {
                let Some(callee) = value.field("function") else {
                    return carried;
                };
                let (object, method) = match callee.ty() {
                    "selector_expression" => (callee.field("operand"), callee.field("field")),
                    "attribute" => (callee.field("object"), callee.field("attribute")),
                    "member_expression" => (callee.field("object"), callee.field("property")),
                    _ => return carried,
                };
                if method.is_some_and(|m| WITH_FIELDS.contains(&f.text(m))) {
                    if crate::hits::worth_reading(f.text(value)) {
                        let mut own = Gather::default();
                        for arg in crate::tree::args(value) {
                            self.argument(value, arg, &mut own);
                        }
                        carried.push((value, own));
                    } else {
                        for arg in crate::tree::args(value) {
                            self.argument(value, arg, g);
                        }
                    }
                }
                let Some(object) = object else {
                    return carried;
                };
                value = object;
            }
            name = value;
        }
        carried
    }
}

/// The facts of loggers bound with fields that can name a secret ([`Values::logger_fields`]),
/// at their bindings, each once in a file (`seen` holds the bindings already said).
fn carried_facts<'t>(
    f: &File<'t>,
    carried: Vec<(Node<'t>, Gather)>,
    library: &'static str,
    function: fn(&File<'_>, Node<'_>) -> Option<String>,
    seen: &mut Vec<usize>,
    out: &mut Vec<Fact>,
) {
    for (at, fields) in carried {
        if seen.contains(&at.id()) {
            continue;
        }
        seen.push(at.id());
        let callee = at.field("function").unwrap_or(at);
        out.push(log_fact(
            f,
            at,
            function(f, at),
            library,
            callee,
            fields,
            None,
        ));
    }
}

/// Whether a call gives a value by its name, its name is then a name the call writes. Without
/// arguments: `getPassword()`, `fetch_token()`, `getpass.getpass()`, `password()`. With them,
/// only a name that starts with a verb that gives and says nothing of what it is given:
/// `keyring.get_password("svc", user)`, `vault.GetSecret(ctx, name)`, `generate_token(user)`;
/// `get_user_by_email(e)` and `find_session_for_token(t)` give what is found by the value.
fn gives(last: &str, args: usize) -> bool {
    if args == 0
        && last
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return true;
    }
    let lower = last.to_ascii_lowercase();
    let verb = [
        "get", "fetch", "load", "read", "lookup", "find", "retrieve", "current", "generate", "new",
        "random", "decrypt", "decode", "reveal", "raw", "plain",
    ]
    .iter()
    .any(|verb| {
        lower.starts_with(verb)
            && last[verb.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '_' || c.is_ascii_uppercase())
    });
    verb && (args == 0
        || !name_words(last)
            .iter()
            .any(|w| PREPOSITIONS.contains(&w.as_str())))
}

/// Words that make a name a lookup by its argument (`getUserByEmail`, `session_for_token`).
const PREPOSITIONS: &[&str] = &["by", "for", "from", "of", "with", "in", "to", "at"];

/// The words of an identifier or key, lower-case: `apiKey`, `api_key`, `API-KEY`, `APIKey`
/// all give `["api", "key"]`; `getUserByEmail` gives `get`, `user`, `by`, `email`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// What a method called on a value gives of it (`pw.trim()`, `token.substring(0, 12)`,
/// `pw.replace(/foo/g, "")` give the value; `token.substring(0, 4)`, `token.slice(-4)` and
/// `pw.replace(/./g, "*")` a few characters of it or a masked copy): `Some(true)` when the
/// receiver is written, `Some(false)` when it is not, `None` for other methods.
fn keeps_value(f: &File<'_>, last: &str, args: &[Node<'_>]) -> Option<bool> {
    match last {
        "trim" | "trimStart" | "trimEnd" | "strip" | "lstrip" | "rstrip" | "toUpperCase"
        | "toLowerCase" | "upper" | "lower" | "intern" => Some(true),
        "substring" | "substr" | "slice" | "subSequence" => {
            let ints: Vec<i64> = args
                .iter()
                .filter_map(|a| f.text(*a).trim().parse::<i64>().ok())
                .collect();
            if ints.len() != args.len() || ints.is_empty() {
                return Some(true);
            }
            // At most the first four characters (`(0, 4)`) or the last four (`slice(-4)`);
            // `substring(4)` writes all but the first four.
            let few = match ints.as_slice() {
                [k] => (-4..0).contains(k),
                [a, e] => 0 <= *a && a <= e && *e <= 4,
                _ => false,
            };
            Some(!few)
        }
        "replace" | "replaceAll" => {
            // A regular expression matching every character, replacing all: JavaScript's
            // `/./g`, Java's `replaceAll(".", "*")` (Java's `replace` and a JavaScript string
            // pattern replace literal text).
            let every = |p: &str| matches!(p, "." | "\\S" | "\\w" | "\\d" | "[\\s\\S]" | "[^]");
            let masks = args.first().is_some_and(|p| match p.ty() {
                "regex" => {
                    p.field("pattern").is_some_and(|x| every(f.text(x)))
                        && p.field("flags").is_some_and(|x| f.text(x).contains('g'))
                }
                "string_literal" => last == "replaceAll" && every(f.text(*p).trim_matches('"')),
                _ => false,
            });
            Some(!masks)
        }
        _ => None,
    }
}

/// The names interpolated whole into a template literal (`${pw}`) or an f-string (`{pw}`):
/// bound elsewhere like a bare argument, they are read through [`bound`] the same way.
fn interpolated(arg: Node<'_>) -> Vec<Node<'_>> {
    named_children(arg)
        .into_iter()
        .filter(|c| matches!(c.ty(), "template_substitution" | "interpolation"))
        .filter_map(|c| named_children(c).into_iter().next())
        .filter(|e| e.ty() == "identifier")
        .collect()
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
///
/// A placeholder filled by a value passed through a function (`"token %s", mask(token)`,
/// `f"password {len(pw)}"`, `"hash: " + sha256(t)`) gives no label: the message names the value
/// the function was given, not the one written. `skip` says, for each positional placeholder in
/// order, whether its argument is such a value; a concatenation marks such a hole `\u{1}`.
fn message_labels(raw: &str, skip: &[bool], g: &mut Gather) {
    let chars: Vec<char> = raw.chars().collect();
    let mut piece = String::new();
    let mut i = 0;
    let mut slot = 0;
    let label = |piece: &str, g: &mut Gather| {
        let punctuation = |c: char| {
            c.is_whitespace() || matches!(c, ':' | '=' | '"' | '\'' | '$' | '(' | '[' | '<' | '-')
        };
        let mut trimmed = piece.trim_end_matches(punctuation);
        // A verb between the name and the value says nothing: `"the password is %s"` names
        // `password`.
        while let Some((head, verb)) = trimmed.rsplit_once(' ')
            && ["is", "was", "are", "were", "equals"]
                .iter()
                .any(|w| verb.eq_ignore_ascii_case(w))
        {
            trimmed = head.trim_end_matches(punctuation);
        }
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
        if c == '\0' || c == '\u{1}' {
            if c == '\0' {
                label(&piece, g);
            }
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
                if !skip.get(slot).copied().unwrap_or(false) {
                    label(&piece, g);
                }
                slot += 1;
                piece.clear();
                i = j + 1;
                continue;
            }
        }
        if c == '{'
            && let Some(end) = chars[i..].iter().position(|x| *x == '}').map(|p| p + i)
        {
            let inside: String = chars[i + 1..end].iter().collect();
            let passed = if inside.trim().is_empty() {
                slot += 1;
                skip.get(slot - 1).copied().unwrap_or(false)
            } else {
                transformed_text(&inside)
            };
            if !passed {
                label(&piece, g);
            }
            piece.clear();
            i = end + 1;
            continue;
        }
        piece.push(c);
        i += 1;
    }
}

/// Whether a call's callee (its last name) makes something else of the value it is given
/// (`mask(token)`, `len(password)`, `sha256(t).hexdigest()`, `redact(h)`), rather than giving
/// it, read or formatted (`user.getPassword()`, `r.FormValue("t")`, `str(token)`): named for
/// masking, hashing, encrypting or measuring.
fn derives(last: &str) -> bool {
    let lower = last.to_ascii_lowercase();
    matches!(lower.as_str(), "len" | "bool" | "type" | "id" | "hash")
        || [
            "mask",
            "redact",
            "hash",
            "sha1",
            "sha2",
            "sha256",
            "sha512",
            "md5",
            "digest",
            "length",
            "count",
            "size",
            "truncat",
            "obfuscat",
            "anonymi",
            "encrypt",
            "hmac",
            "censor",
            "scrub",
            "sanitiz",
            "fingerprint",
            "last4",
        ]
        .iter()
        .any(|w| lower.contains(w))
        || (lower.contains("crypt") && !lower.contains("decrypt"))
}

/// Whether an argument is a value passed through a function that [`derives`] something else.
/// So is a value of which a method keeps a few characters or a masked copy
/// ([`keeps_value`]: `token.substring(0, 4)`, `pw.replace(/./g, "*")`).
fn transformed(f: &File<'_>, n: Node<'_>) -> bool {
    let callee = match n.ty() {
        "call" | "call_expression" => n.field("function").map(|x| f.text(x)),
        "method_invocation" => n.field("name").map(|x| f.text(x)),
        _ => return false,
    };
    let Some(last) = callee.map(|c| c.rsplit('.').next().unwrap_or(c).trim()) else {
        return false;
    };
    derives(last) || keeps_value(f, last, &crate::tree::args(n)) == Some(false)
}

/// [`transformed`] for the text of an interpolation (`{mask(token)}`).
fn transformed_text(inside: &str) -> bool {
    let inside = inside.trim().trim_start_matches('$');
    let Some((callee, _)) = inside.split_once('(') else {
        return false;
    };
    let last = callee.rsplit('.').next().unwrap_or(callee).trim();
    !last.is_empty() && last.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && derives(last)
}

/// Whether an expression gives a truth value, not the values it compares: `token is not None`,
/// `not password`, `!!apiKey`, `token != ""`, `secret == null`, `key instanceof String`.
fn boolean(f: &File<'_>, n: Node<'_>) -> bool {
    match n.ty() {
        "comparison_operator" | "not_operator" | "instanceof_expression" => true,
        "binary_expression" => n.field("operator").is_some_and(|o| {
            matches!(
                f.text(o),
                "==" | "===" | "!=" | "!==" | "<" | ">" | "<=" | ">=" | "instanceof" | "in"
            )
        }),
        "unary_expression" => n
            .field("operator")
            .is_some_and(|o| matches!(f.text(o), "!" | "typeof")),
        _ => false,
    }
}

/// Whether a slice keeps at most four characters of what it slices, as [`keeps_value`] judges
/// `substring`: Python `token[:4]`, `token[-4:]`, Go `token[:4]`, `token[len(token)-4:]`.
/// `token[:16]` and `token[4:]` keep the value.
fn few_chars(f: &File<'_>, n: Node<'_>) -> bool {
    let (start, end) = match n.ty() {
        // Python: `value[slice]`, the slice's text `a:b`.
        "subscript" => {
            let Some(slice) = n.field("subscript").filter(|s| s.ty() == "slice") else {
                return false;
            };
            let text = f.text(slice);
            let mut parts = text.splitn(3, ':');
            (
                parts.next().unwrap_or("").trim(),
                parts.next().unwrap_or("").trim(),
            )
        }
        "slice_expression" => (
            n.field("start").map_or("", |x| f.text(x)).trim(),
            n.field("end").map_or("", |x| f.text(x)).trim(),
        ),
        _ => return false,
    };
    // Go's `len(token)-4` counts from the end, as Python's `-4` does.
    let from_end = |t: &str| -> Option<i64> {
        let t = t.replace(' ', "");
        let rest = t.strip_prefix("len(")?;
        let (_, k) = rest.split_once(")-")?;
        k.parse::<i64>().ok().map(|k| -k)
    };
    let int = |t: &str| t.parse::<i64>().ok().or_else(|| from_end(t));
    match (start, end) {
        ("" | "0", e) => int(e).is_some_and(|e| (0..=4).contains(&e)),
        (s, "") => int(s).is_some_and(|s| (-4..0).contains(&s)),
        (s, e) => match (int(s), int(e)) {
            (Some(s), Some(e)) => 0 <= s && s <= e && e - s <= 4,
            _ => false,
        },
    }
}

/// For each argument after a message, whether the message's label for it is not its name: the
/// value is [`transformed`], or its own name says what it is and that is not the secret
/// (`"token %s revoked", token_id`; `user.rotated_at`).
fn skips<'t>(
    f: &File<'t>,
    after: &[Node<'t>],
    seen: Option<(&Bindings<'t>, Node<'t>)>,
) -> Vec<bool> {
    after
        .iter()
        .map(|a| {
            transformed(f, *a)
                || boolean(f, *a)
                || few_chars(f, *a)
                || names_other(f, *a)
                || constant(*a)
                || seen.is_some_and(|(b, call)| matches!(bound(f, b, *a, call), Some(Bound::Other)))
        })
        .collect()
}

/// A literal written in the call (`"Password=%s", "*****"`): the code's text, not a value.
fn literal(n: Node<'_>) -> bool {
    matches!(
        n.ty(),
        "string"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "number"
            | "null"
            | "undefined"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "nil"
            | "string_literal"
            | "decimal_integer_literal"
            | "character_literal"
    )
}

/// Words a name ends with that make it a fact about a secret or a person, not the value:
/// `token_id`, `passwordHash`, `secret_rotated_at`, `tokenCount`, `token_expiry`, `key_tail`,
/// `secret_path`, `token_url`.
const QUALIFIERS: &[&str] = &[
    "id",
    "ids",
    "count",
    "hash",
    "hashed",
    "digest",
    "expiry",
    "expires",
    "expiration",
    "at",
    "length",
    "len",
    "type",
    "kind",
    "status",
    "version",
    "name",
    "names",
    "ttl",
    "age",
    "tail",
    "suffix",
    "prefix",
    "preview",
    "last4",
    "fingerprint",
    "path",
    "file",
    "filename",
    "dir",
    "url",
    "uri",
    "endpoint",
];

/// Whether an argument is a name (`token_id`, `user.rotated_at`, `user.getTokenId()`, `name`)
/// whose last word is one of [`QUALIFIERS`].
fn names_other(f: &File<'_>, n: Node<'_>) -> bool {
    let text = match n.ty() {
        "identifier"
        | "attribute"
        | "member_expression"
        | "selector_expression"
        | "field_access" => f.text(n),
        "method_invocation"
            if n.field("arguments")
                .is_none_or(|a| a.named_child_count() == 0) =>
        {
            n.field("name").map_or("", |x| f.text(x))
        }
        _ => return false,
    };
    let last = text.rsplit('.').next().unwrap_or(text);
    let last = last.strip_prefix("get").unwrap_or(last);
    // The last word: after the last `_` or `-`, or the last capitalised part of camel case.
    let word = last
        .rsplit(['_', '-'])
        .next()
        .map(|w| {
            let cut = w
                .char_indices()
                .rev()
                .find(|(i, c)| {
                    *i > 0
                        && c.is_ascii_uppercase()
                        && !w[..*i].ends_with(|p: char| p.is_ascii_uppercase())
                })
                .map_or(0, |(i, _)| i);
            w[cut..].to_ascii_lowercase()
        })
        .unwrap_or_default();
    QUALIFIERS.contains(&word.as_str())
}

/// The text of a message with `\0` where a concatenation puts a value that is not a literal
/// (`\u{1}` where that value is passed through a function, see [`message_labels`]).
fn message_text<'t>(f: &File<'t>, n: Node<'t>, depth: u8) -> String {
    let literal = matches!(
        n.ty(),
        "string"
            | "template_string"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "string_literal"
    );
    if literal {
        return f.text(n).to_string();
    }
    let plus = matches!(n.ty(), "binary_operator" | "binary_expression")
        && n.field("operator").is_some_and(|o| f.text(o) == "+");
    if plus && depth < 16 {
        return named_children(n)
            .into_iter()
            .map(|c| message_text(f, c, depth + 1))
            .collect();
    }
    if transformed(f, n) || constant(n) {
        return "\u{1}".to_string();
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
            | "dict"
            | "toString"
            | "stringify"
            | "valueOf"
            | "concat"
            // Copies and views of a collection, Node's `util.inspect`: the values themselves.
            | "list"
            | "tuple"
            | "sorted"
            | "copy"
            | "items"
            | "values"
            | "entries"
            | "inspect"
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
            may_be_sensitive: crate::hits::worth_reading(f.text(node)),
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
    if text == "logging" || text == "logging.root" {
        return Some("logging");
    }
    if text == "structlog" {
        return Some("structlog");
    }
    if depth > 3 {
        return None;
    }
    // `structlog.get_logger().bind(...)`, `log.bind(user=...)`.
    if receiver.ty() == "call"
        && let Some(func) = receiver.field("function")
    {
        let name = compact(f.text(func));
        return match name.as_str() {
            "structlog.get_logger" | "structlog.getLogger" | "structlog.stdlib.get_logger" => {
                Some("structlog")
            }
            "logging.getLogger" | "getLogger" => Some("logging"),
            // A function of the service's own that gives its logger (`get_logger()`,
            // `current_logger()`).
            _ if name
                .rsplit('.')
                .next()
                .is_some_and(|last| last.to_ascii_lowercase().ends_with("logger")) =>
            {
                Some("logging")
            }
            _ if func.ty() == "attribute" && name.rsplit('.').next() == Some("bind") => func
                .field("object")
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
    if depth > 8 || boolean(f, n) || few_chars(f, n) {
        return;
    }
    match n.ty() {
        "identifier" => g.name(f.text(n)),
        "attribute" if compact(f.text(n)) == "os.environ" => g.name("os.environ"),
        "attribute" => {
            if let Some(a) = n.field("attribute") {
                g.name(f.text(a));
            }
        }
        "subscript" => match n.field("subscript") {
            Some(s) if s.ty() == "string" => g.name(f.text(s)),
            // `token[:16]`: a slice keeps the value (a few characters of it are left above).
            Some(s) if s.ty() == "slice" => {
                if let Some(v) = n.field("value") {
                    py_names(f, v, g, depth + 1);
                }
            }
            _ => {}
        },
        // A key whose value is masked, hashed or a constant (`password=hash(p)`,
        // `{"password": "***"}`) is not the secret.
        "keyword_argument" | "pair"
            if n.field("value")
                .is_some_and(|v| transformed(f, v) || constant(v)) => {}
        "conditional_expression" => {
            for c in branches(n).unwrap_or_default() {
                py_names(f, c, g, depth + 1);
            }
        }
        "keyword_argument" => {
            if let Some(k) = n.field("name") {
                g.name(f.text(k));
            }
            if let Some(v) = n.field("value") {
                py_names(f, v, g, depth + 1);
            }
        }
        "pair" => {
            if let Some(k) = n.field("key") {
                if k.ty() == "string" {
                    g.name(f.text(k));
                } else {
                    py_names(f, k, g, depth + 1);
                }
            }
            if let Some(v) = n.field("value") {
                py_names(f, v, g, depth + 1);
            }
        }
        // `**fields` spreads named fields; `*args` only positional values (below).
        "dictionary_splat" => g.spread = true,
        "call" => {
            let func = n.field("function");
            let last = func.map_or("", |x| {
                let t = f.text(x);
                t.rsplit('.').next().unwrap_or(t)
            });
            let args = n.field("arguments").map(named_children).unwrap_or_default();
            if let Some(key) = getter_key(f, last, &args) {
                g.name(key);
            } else if formats(last) {
                if let Some(x) = func.and_then(|x| x.field("object")) {
                    py_names(f, x, g, depth + 1);
                }
                if let Some(a) = n.field("arguments") {
                    for c in named_children(a) {
                        py_names(f, c, g, depth + 1);
                    }
                }
            } else if let Some(object) = func
                .filter(|x| x.ty() == "attribute")
                .and_then(|x| x.field("object"))
                && let Some(keep) = keeps_value(f, last, &args)
            {
                if keep {
                    py_names(f, object, g, depth + 1);
                }
            } else if gives(last, args.len()) || last == "getpass" {
                // `getpass.getpass("password: ")` gives what was typed at its prompt.
                g.name(last);
            }
        }
        "lambda" | "list_splat" | "string_content" | "integer" | "float" | "true" | "false"
        | "none" => {}
        _ => {
            for c in named_children(n) {
                py_names(f, c, g, depth + 1);
            }
        }
    }
}

fn py_built(f: &File<'_>, msg: Node<'_>) -> Option<&'static str> {
    match msg.ty() {
        "string"
            if named_children(msg)
                .iter()
                .any(|c| c.ty() == "interpolation") =>
        {
            Some("in an f-string")
        }
        "binary_operator" => match msg.field("operator").map(|o| f.text(o)) {
            Some("+") => Some("by concatenation"),
            Some("%") => Some("with % formatting"),
            _ => None,
        },
        "concatenated_string"
            if named_children(msg)
                .iter()
                .any(|s| py_built(f, *s).is_some()) =>
        {
            Some("in an f-string")
        }
        "call" => msg
            .field("function")
            .filter(|x| f.text(*x).ends_with(".format"))
            .map(|_| "with str.format"),
        _ => None,
    }
}

pub(crate) fn python<'t>(f: &File<'t>, b: &Bindings<'t>, out: &mut Vec<Fact>) {
    let values = Values {
        f,
        b,
        names: py_names,
    };
    // Loggers bound with sensitive fields, said at their bindings once.
    let mut said: Vec<usize> = Vec::new();
    for n in f.of_kind("call") {
        let Some(func) = n.field("function") else {
            continue;
        };
        // `print(...)` writes to standard output, which a container's runtime logs; so do
        // `pprint.pprint(...)` and `pprint(...)` imported from it.
        let print = match func.ty() {
            "identifier" => match f.text(func) {
                "print" => b.values("print").is_empty(),
                "pprint" => b.values("pprint").iter().all(|v| {
                    v.ty() == "import_from_statement"
                        && v.field("module_name")
                            .is_some_and(|m| f.text(m) == "pprint")
                }),
                _ => false,
            },
            "attribute" => compact(f.text(func)) == "pprint.pprint",
            _ => false,
        };
        let (receiver, method, library) = if print {
            (None, "print", "print")
        } else {
            if func.ty() != "attribute" {
                continue;
            }
            let (Some(receiver), Some(method)) = (func.field("object"), func.field("attribute"))
            else {
                continue;
            };
            // `sys.stdout.write(...)`: standard output, as `print`.
            if f.text(method) == "write"
                && matches!(
                    compact(f.text(receiver)).as_str(),
                    "sys.stdout" | "sys.stderr"
                )
            {
                (None, "write", "print")
            } else {
                if !PY_LEVELS.contains(&f.text(method)) {
                    continue;
                }
                let Some(library) = py_logger(f, b, receiver, 0) else {
                    continue;
                };
                (Some(receiver), f.text(method), library)
            }
        };
        let Some(args) = n.field("arguments") else {
            continue;
        };
        let mut g = Gather::default();
        // Fields bound to the logger on the way (`log.bind(token=...)`), or earlier in the
        // file (`log = log.bind(token=...)`).
        if let Some(receiver) = receiver.filter(|r| r.ty() == "call")
            && let Some(a) = receiver.field("arguments")
        {
            for c in named_children(a) {
                py_names(f, c, &mut g, 0);
            }
        }
        let carried = receiver.map_or_else(Vec::new, |r| values.logger_fields(r, *n, &mut g));
        let all = named_children(args);
        // `logger.log(level, msg, ...)` puts the message second.
        let at = usize::from(method == "log" && library == "logging");
        let msg = all.get(at).filter(|m| m.ty() != "keyword_argument");
        let built = msg.and_then(|m| py_built(f, *m));
        if let Some(m) = msg.filter(|_| all.len() > at + 1 || built.is_some()) {
            let m = match m.ty() {
                // `"password: {}".format(pw)`, `"password: %s" % pw`: the format is the message.
                "call" => m
                    .field("function")
                    .and_then(|x| x.field("object"))
                    .unwrap_or(*m),
                "binary_operator" if m.field("operator").map(|o| f.text(o)) == Some("%") => {
                    m.field("left").unwrap_or(*m)
                }
                _ => *m,
            };
            let after: Vec<Node<'_>> = all
                .iter()
                .skip(at + 1)
                .filter(|a| a.ty() != "keyword_argument")
                .copied()
                .collect();
            let after = match m.parent().filter(|_| after.is_empty()) {
                // `"...".format(a, b)`, `"..." % (a, b)`: the values are the format's.
                Some(parent) if parent.ty() == "attribute" => parent
                    .parent()
                    .and_then(|c| c.field("arguments"))
                    .map(named_children)
                    .unwrap_or_default(),
                Some(parent) if parent.ty() == "binary_operator" => parent
                    .field("right")
                    .map(|r| {
                        if r.ty() == "tuple" {
                            named_children(r)
                        } else {
                            vec![r]
                        }
                    })
                    .unwrap_or_default(),
                _ => after,
            };
            message_labels(
                &message_text(f, m, 0),
                &skips(f, &after, Some((b, *n))),
                &mut g,
            );
        }
        for (i, c) in all.iter().enumerate() {
            if i == at && c.ty() == "string" && built.is_none() {
                continue;
            }
            values.argument(*n, *c, &mut g);
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
        carried_facts(f, carried, library, crate::python::function, &mut said, out);
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
    if receiver.ty() == "call_expression"
        && let Some(func) = receiver.field("function")
    {
        let name = compact(f.text(func));
        return match name.as_str() {
            "pino" | "pino.default" | "require('pino')" | "require(\"pino\")" => Some("pino"),
            "winston.createLogger" | "createLogger" => Some("winston"),
            "bunyan.createLogger" => Some("bunyan"),
            _ if func.ty() == "member_expression" && name.rsplit('.').next() == Some("child") => {
                func.field("object")
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

/// Whether a name is a logger of the debug package: bound to `require('debug')(...)` or to a
/// call of its conventional import name (`createDebug('app')`, `debug('app')`).
fn debug_logger<'t>(f: &File<'t>, b: &Bindings<'t>, name: Node<'t>) -> bool {
    b.values(f.text(name)).iter().take(4).any(|v| {
        v.ty() == "call_expression"
            && v.field("function").is_some_and(|c| {
                matches!(
                    compact(f.text(c)).as_str(),
                    "require('debug')" | "require(\"debug\")" | "createDebug" | "debug" | "Debug"
                )
            })
    })
}

fn js_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 || boolean(f, n) || few_chars(f, n) {
        return;
    }
    match n.ty() {
        "identifier" | "shorthand_property_identifier" => g.name(f.text(n)),
        "member_expression" if compact(f.text(n)) == "process.env" => g.name("process.env"),
        "member_expression" => {
            if let Some(p) = n.field("property") {
                g.name(f.text(p));
            }
        }
        "subscript_expression" => {
            if let Some(i) = n.field("index")
                && i.ty() == "string"
            {
                g.name(f.text(i));
            }
        }
        // A key whose value is masked, hashed or a constant (`{password: hash(p)}`,
        // `{password: "***"}`) is not the secret.
        "pair"
            if n.field("value")
                .is_some_and(|v| transformed(f, v) || constant(v)) => {}
        "ternary_expression" => {
            for c in branches(n).unwrap_or_default() {
                js_names(f, c, g, depth + 1);
            }
        }
        "pair" => {
            if let Some(k) = n.field("key") {
                if k.ty() == "computed_property_name" {
                    js_names(f, k, g, depth + 1);
                } else {
                    g.name(f.text(k));
                }
            }
            if let Some(v) = n.field("value") {
                js_names(f, v, g, depth + 1);
            }
        }
        // `{ ...ctx }` spreads named fields; `console.log(...args)` only positional values.
        "spread_element" => {
            if n.parent().is_some_and(|p| p.ty() == "object") {
                g.spread = true;
            }
        }
        "call_expression" => {
            let func = n.field("function");
            let name = func.map(|x| compact(f.text(x))).unwrap_or_default();
            let last = name.rsplit('.').next().unwrap_or(&name);
            let args = n.field("arguments").map(named_children).unwrap_or_default();
            if let Some(key) = getter_key(f, last, &args) {
                g.name(key);
            } else if formats(last) {
                if let Some(o) = func.and_then(|x| x.field("object"))
                    && last != "stringify"
                {
                    js_names(f, o, g, depth + 1);
                }
                for c in args {
                    js_names(f, c, g, depth + 1);
                }
            } else if let Some(object) = func
                .filter(|x| x.ty() == "member_expression")
                .and_then(|x| x.field("object"))
                && let Some(keep) = keeps_value(f, last, &args)
            {
                if keep {
                    js_names(f, object, g, depth + 1);
                }
            } else if gives(last, args.len()) {
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
            for c in named_children(n) {
                js_names(f, c, g, depth + 1);
            }
        }
    }
}

fn js_built(msg: Node<'_>) -> Option<&'static str> {
    match msg.ty() {
        "template_string"
            if named_children(msg)
                .iter()
                .any(|c| c.ty() == "template_substitution") =>
        {
            Some("in a template literal")
        }
        "binary_expression" => {
            let plus = msg.field("operator").is_some_and(|o| o.ty() == "+");
            let stringy = named_children(msg)
                .iter()
                .any(|c| matches!(c.ty(), "string" | "template_string" | "binary_expression"));
            (plus && stringy).then_some("by concatenation")
        }
        _ => None,
    }
}

pub(crate) fn script<'t>(f: &File<'t>, b: &Bindings<'t>, out: &mut Vec<Fact>) {
    let values = Values {
        f,
        b,
        names: js_names,
    };
    // Loggers bound with sensitive fields, said at their bindings once.
    let mut said: Vec<usize> = Vec::new();
    for n in f.of_kind("call_expression") {
        let Some(func) = n.field("function") else {
            continue;
        };
        // `debug('payments:charge')` from the debug package: the logger is the function.
        let (receiver, library) = if func.ty() == "identifier" {
            if !debug_logger(f, b, func) {
                continue;
            }
            (func, "debug")
        } else if func.ty() == "member_expression"
            && let (Some(receiver), Some(method)) = (func.field("object"), func.field("property"))
            && JS_LEVELS.contains(&f.text(method))
            && let Some(library) = js_logger(f, b, receiver, 0)
        {
            (receiver, library)
        } else {
            continue;
        };
        let mut g = Gather::default();
        // `logger.child({ token }).info(...)`, or a child bound earlier.
        if receiver.ty() == "call_expression"
            && let Some(a) = receiver.field("arguments")
        {
            for c in named_children(a) {
                js_names(f, c, &mut g, 0);
            }
        }
        let carried = values.logger_fields(receiver, *n, &mut g);
        let all = n.field("arguments").map(named_children).unwrap_or_default();
        let built = all.iter().find_map(|a| js_built(*a));
        if all.len() > 1 || built.is_some() {
            for m in all
                .iter()
                .filter(|a| matches!(a.ty(), "string" | "template_string" | "binary_expression"))
            {
                let after: Vec<Node<'_>> = all
                    .iter()
                    .skip_while(|a| a.id() != m.id())
                    .skip(1)
                    .copied()
                    .collect();
                message_labels(
                    &message_text(f, *m, 0),
                    &skips(f, &after, Some((b, *n))),
                    &mut g,
                );
            }
        }
        for c in &all {
            if matches!(c.ty(), "string") {
                continue;
            }
            values.argument(*n, *c, &mut g);
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
        carried_facts(f, carried, library, crate::js::function, &mut said, out);
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
            | "Output"
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
    if receiver.ty() == "call_expression"
        && let Some(func) = receiver.field("function")
    {
        let name = compact(f.text(func));
        let (object, method) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
        return match object {
            "zap" => Some("zap"),
            "slog" => Some("log/slog"),
            "logrus" => Some("logrus"),
            "log" if !b.values("log").is_empty() => func
                .field("operand")
                .and_then(|o| go_logger(f, b, o, depth + 1)),
            // `l := log.Default()`, `log.New(os.Stderr, "", 0)`.
            "log" if matches!(method, "Default" | "New") => Some("log"),
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
                func.field("operand")
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
        "glog" | "klog" if b.values(&text).is_empty() => Some("glog"),
        // `fmt.Println` writes to standard output, which a container's runtime logs.
        "fmt" if b.values("fmt").is_empty() => Some("fmt"),
        _ if conventional(&text) => Some("logger"),
        _ => go_typed_logger(f, receiver),
    }
}

/// A receiver declared with a logger's type as a parameter of its function (`z *zap.Logger`,
/// `l *slog.Logger`, `entry *logrus.Entry`, `lg *log.Logger`).
fn go_typed_logger(f: &File<'_>, receiver: Node<'_>) -> Option<&'static str> {
    if receiver.ty() != "identifier" {
        return None;
    }
    let name = f.text(receiver);
    let func = crate::tree::function_of(receiver)?;
    let params = func.field("parameters")?;
    for p in named_children(params) {
        let ty = p.field("type").map(|t| compact(f.text(t)));
        let named = named_children(p)
            .iter()
            .any(|c| c.ty() == "identifier" && f.text(*c) == name);
        let Some(ty) = ty.filter(|_| named) else {
            continue;
        };
        let ty = ty.trim_start_matches('*');
        return match ty {
            "zap.Logger" | "zap.SugaredLogger" => Some("zap"),
            "slog.Logger" => Some("log/slog"),
            "logrus.Logger" | "logrus.Entry" | "logrus.FieldLogger" | "logrus.Ext1FieldLogger" => {
                Some("logrus")
            }
            "log.Logger" => Some("log"),
            _ => None,
        };
    }
    None
}

fn go_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 || boolean(f, n) || few_chars(f, n) {
        return;
    }
    match n.ty() {
        // A string among the fields is a key (`slog.Info(msg, "token", t)`).
        "identifier" | "interpreted_string_literal" | "raw_string_literal" => g.name(f.text(n)),
        "selector_expression" => {
            if let Some(p) = n.field("field") {
                g.name(f.text(p));
            }
        }
        "index_expression" => {
            if let Some(i) = n.field("index")
                && i.ty() == "interpreted_string_literal"
            {
                g.name(f.text(i));
            }
        }
        // `fmt.Sprintf(format, v...)`: positional values, not fields.
        "variadic_argument" => {
            let formatting = n
                .parent()
                .and_then(|a| a.parent())
                .and_then(|c| c.field("function"))
                .is_some_and(|x| {
                    let t = f.text(x);
                    formats(t.rsplit('.').next().unwrap_or(t))
                });
            if !formatting {
                g.spread = true;
            }
        }
        "call_expression" => {
            let func = n.field("function");
            let name = func.map(|x| compact(f.text(x))).unwrap_or_default();
            let (object, last) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
            let args = n.field("arguments").map(named_children).unwrap_or_default();
            // zap.String("token", t), slog.String("token", t), fmt.Sprintf(...).
            if let Some(key) = getter_key(f, last, &args) {
                g.name(key);
            } else if name == "os.Environ" {
                g.name("os.Environ");
            } else if matches!(object, "zap" | "slog")
                || formats(last)
                || object == "strings"
                    && matches!(
                        last,
                        "TrimSpace" | "Trim" | "TrimPrefix" | "TrimSuffix" | "ToLower" | "ToUpper"
                    )
            {
                // `token.String()`: the receiver is the value too; a package
                // (`fmt.Sprintf`, `zap.String`) is not.
                let package = matches!(
                    object,
                    "zap" | "slog" | "fmt" | "strings" | "strconv" | "errors"
                );
                if formats(last)
                    && !package
                    && let Some(o) = func.and_then(|x| x.field("operand"))
                {
                    go_names(f, o, g, depth + 1);
                }
                for c in args {
                    go_names(f, c, g, depth + 1);
                }
            } else if gives(last, args.len()) {
                g.name(last);
            }
        }
        // A field whose value is masked, hashed or a constant (`{Password: hash(p)}`,
        // `{Password: "***"}`) is not the secret.
        "keyed_element"
            if n.field("value").is_some_and(|v| {
                named_children(v)
                    .into_iter()
                    .next()
                    .is_some_and(|x| transformed(f, x) || constant(x))
            }) => {}
        "func_literal" | "int_literal" | "float_literal" | "true" | "false" | "nil" => {}
        _ => {
            for c in named_children(n) {
                go_names(f, c, g, depth + 1);
            }
        }
    }
}

/// The verbs of a printf format, in order (`"%s took %5.2fs, %%"` gives `s`, `f`).
fn printf_verbs(format: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        for v in chars.by_ref() {
            if !matches!(v, '-' | '+' | ' ' | '#' | '0'..='9' | '.' | '*' | '[' | ']') {
                if v != '%' {
                    out.push(v);
                }
                break;
            }
        }
    }
    out
}

fn go_built(f: &File<'_>, msg: Node<'_>) -> Option<&'static str> {
    match msg.ty() {
        "binary_expression" if msg.field("operator").map(|o| f.text(o)) == Some("+") => {
            Some("by concatenation")
        }
        "call_expression"
            if msg
                .field("function")
                .is_some_and(|x| compact(f.text(x)) == "fmt.Sprintf") =>
        {
            Some("with fmt.Sprintf")
        }
        _ => None,
    }
}

pub(crate) fn go<'t>(f: &File<'t>, b: &Bindings<'t>, out: &mut Vec<Fact>) {
    let values = Values {
        f,
        b,
        names: go_names,
    };
    // Loggers bound with sensitive fields, said at their bindings once.
    let mut said: Vec<usize> = Vec::new();
    for n in f.of_kind("call_expression") {
        let Some(func) = n
            .field("function")
            .filter(|x| x.ty() == "selector_expression")
        else {
            continue;
        };
        let (Some(receiver), Some(method)) = (func.field("operand"), func.field("field")) else {
            continue;
        };
        let method = f.text(method);
        if !go_level(method) {
            continue;
        }
        let Some(library) = go_logger(f, b, receiver, 0) else {
            continue;
        };
        // The standard `log` has Print, Fatal and Panic only; `fmt` prints.
        if library == "log"
            && !(method.starts_with("Print")
                || method.starts_with("Fatal")
                || method.starts_with("Panic")
                || method == "Output")
            || library == "fmt" && !matches!(method, "Print" | "Printf" | "Println")
        {
            continue;
        }
        let mut g = Gather::default();
        // `args...` spreads key-value fields only where the call takes them (slog, zap's
        // `w` methods, logrus); to the standard `log`, a printf-style method or `fmt.Sprintf`
        // they are positional values.
        let fields = !matches!(library, "log" | "fmt" | "glog")
            && !method.ends_with('f')
            && !method.ends_with("ln");
        // Fields added on the way: `logrus.WithField("token", t).Info(...)`.
        let mut chain = Some(receiver);
        while let Some(c) = chain.filter(|c| c.ty() == "call_expression") {
            if let Some(a) = c.field("arguments") {
                for x in named_children(a) {
                    // `logrus.WithFields(fields)` after `fields := logrus.Fields{...}`.
                    values.argument(*n, x, &mut g);
                }
            }
            chain = c.field("function").and_then(|x| x.field("operand"));
        }
        // Or earlier in the file: `entry := logrus.WithField("token", t)` then `entry.Info(...)`.
        let carried = values.logger_fields(receiver, *n, &mut g);
        let all = n.field("arguments").map(named_children).unwrap_or_default();
        // The message: first, after a context for the `Context` variants and after the call
        // depth for `Output(calldepth, s)`.
        let at = usize::from(method.ends_with("Context") || method == "Output");
        let built = all.get(at).and_then(|m| go_built(f, *m));
        let printf = method.ends_with('f');
        if let Some(m) = all.get(at) {
            let format = if m.ty() == "call_expression" {
                m.field("arguments")
                    .and_then(|a| named_children(a).first().copied())
            } else {
                Some(*m)
            };
            if let Some(format) = format.filter(|_| printf || built.is_some()) {
                let after: Vec<Node<'_>> = if m.ty() == "call_expression" {
                    m.field("arguments")
                        .map(|a| named_children(a).into_iter().skip(1).collect())
                        .unwrap_or_default()
                } else {
                    all.iter().skip(at + 1).copied().collect()
                };
                message_labels(
                    &message_text(f, format, 0),
                    &skips(f, &after, Some((b, *n))),
                    &mut g,
                );
            }
        }
        // `%T` writes a value's type, not the value.
        let types = all
            .get(at)
            .filter(|m| printf && m.ty() == "interpreted_string_literal")
            .map(|m| {
                printf_verbs(f.text(*m))
                    .into_iter()
                    .map(|v| v == 'T')
                    .collect::<Vec<bool>>()
            })
            .unwrap_or_default();
        for (i, c) in all.iter().enumerate() {
            if i < at || i > at && types.get(i - at - 1).copied().unwrap_or(false) {
                continue;
            }
            if i == at && matches!(c.ty(), "interpreted_string_literal" | "raw_string_literal") {
                continue;
            }
            if i == at && c.ty() == "call_expression" && built.is_some() {
                // fmt.Sprintf's own format is a message, its other arguments are values.
                if let Some(a) = c.field("arguments") {
                    for x in named_children(a).into_iter().skip(1) {
                        go_names(f, x, &mut g, 0);
                    }
                }
                continue;
            }
            // Printf-style arguments after the format are values, not keys.
            if printf && matches!(c.ty(), "interpreted_string_literal" | "raw_string_literal") {
                continue;
            }
            values.argument(*n, *c, &mut g);
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
        carried_facts(f, carried, library, crate::golang::function, &mut said, out);
    }
}

// ---------------------------------------------------------------------------------------------
// Java

const JAVA_LEVELS: &[&str] = &[
    "trace", "debug", "info", "warn", "error", "fatal", // SLF4J, Log4j
    "warning", "severe", "fine", "finer", "finest", // java.util.logging
];

/// Names the file declares with a logger type (`Logger AUDIT = ...`, `org.slf4j.Logger audit`,
/// `ExtendedLogger l`): fields, locals and parameters.
fn java_loggers<'t>(f: &File<'t>) -> Vec<&'t str> {
    let mut out = Vec::new();
    for (n, ty) in f.typed() {
        if !matches!(
            ty,
            "field_declaration" | "local_variable_declaration" | "formal_parameter"
        ) {
            continue;
        }
        let is_logger = n
            .field("type")
            .is_some_and(|t| f.text(t).ends_with("Logger"));
        if !is_logger {
            continue;
        }
        if n.ty() == "formal_parameter" {
            if let Some(name) = n.field("name") {
                out.push(f.text(name));
            }
            continue;
        }
        for d in named_children(*n)
            .into_iter()
            .filter(|d| d.ty() == "variable_declarator")
        {
            if let Some(name) = d.field("name") {
                out.push(f.text(name));
            }
        }
    }
    out
}

fn java_names<'t>(f: &File<'t>, n: Node<'t>, g: &mut Gather, depth: u8) {
    if depth > 8 || boolean(f, n) || few_chars(f, n) {
        return;
    }
    match n.ty() {
        "identifier" => g.name(f.text(n)),
        "field_access" => {
            if let Some(p) = n.field("field") {
                g.name(f.text(p));
            }
        }
        "method_invocation" => {
            let name = n.field("name").map_or("", |x| f.text(x));
            let args = n.field("arguments").map(named_children).unwrap_or_default();
            if let Some(key) = getter_key(f, name, &args) {
                g.name(key);
            } else if matches!(name, "entries" | "e") && !args.is_empty() {
                // logstash's `entries(map)`: the map's keys become fields, and they are not
                // written here.
                g.spread = true;
            } else if formats(name) || matches!(name, "kv" | "keyValue" | "v" | "value") {
                // `password.toString()`: the receiver is the value too.
                if formats(name)
                    && let Some(o) = n.field("object")
                {
                    java_names(f, o, g, depth + 1);
                }
                for c in args {
                    java_names(f, c, g, depth + 1);
                }
            } else if name == "getenv"
                && args.is_empty()
                && n.field("object").is_some_and(|o| f.text(o) == "System")
            {
                g.name("System.getenv");
            } else if let Some(object) = n.field("object")
                && let Some(keep) = keeps_value(f, name, &args)
            {
                if keep {
                    java_names(f, object, g, depth + 1);
                }
            } else if gives(name, args.len()) {
                g.name(name);
            }
        }
        // A string among the arguments is a message or a `kv("token", t)` key.
        "string_literal" if n.parent().is_some_and(|p| p.ty() == "argument_list") => {
            let text = f.text(n);
            if !text.contains(' ') && !text.contains("{}") {
                g.name(text);
            }
        }
        "ternary_expression" => {
            for c in branches(n).unwrap_or_default() {
                java_names(f, c, g, depth + 1);
            }
        }
        "lambda_expression"
        | "string_literal"
        | "decimal_integer_literal"
        | "true"
        | "false"
        | "null_literal" => {}
        _ => {
            for c in named_children(n) {
                java_names(f, c, g, depth + 1);
            }
        }
    }
}

pub(crate) fn java(f: &File<'_>, out: &mut Vec<Fact>) {
    let declared = java_loggers(f);
    for n in f.of_kind("method_invocation") {
        let (Some(receiver), Some(method)) = (n.field("object"), n.field("name")) else {
            continue;
        };
        let receiver_text = compact(f.text(receiver));
        // `System.out.println`: standard output, which a container's runtime logs.
        let stdout = matches!(receiver_text.as_str(), "System.out" | "System.err")
            && matches!(f.text(method), "println" | "print" | "printf" | "format");
        // `LogManager.getLogger(X.class).info(...)`, `LoggerFactory.getLogger(...).warn(...)`.
        let fetched = receiver.ty() == "method_invocation"
            && receiver
                .field("name")
                .is_some_and(|x| f.text(x) == "getLogger");
        let logger =
            conventional(&receiver_text) || declared.contains(&receiver_text.as_str()) || fetched;
        if !stdout && (!JAVA_LEVELS.contains(&f.text(method)) || !logger) {
            continue;
        }
        let all = n.field("arguments").map(named_children).unwrap_or_default();
        let built = all.first().and_then(|m| {
            (m.ty() == "binary_expression" && m.field("operator").map(|o| f.text(o)) == Some("+"))
                .then_some("by concatenation")
        });
        let mut g = Gather::default();
        if let Some(m) = all.first().filter(|_| all.len() > 1 || built.is_some()) {
            message_labels(&message_text(f, *m, 0), &skips(f, &all[1..], None), &mut g);
        }
        for (i, c) in all.iter().enumerate() {
            if i == 0 && c.ty() == "string_literal" {
                continue;
            }
            java_names(f, *c, &mut g, 0);
        }
        let text = format!("{}.{}(...)", shape(f, receiver), f.text(method));
        let mut fact = log_fact(
            f,
            *n,
            crate::java::function(f, *n),
            if stdout { "stdout" } else { "slf4j" },
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

#[cfg(test)]
mod tests {
    use super::{gives, name_words};

    #[test]
    fn names_split_into_lower_case_words() {
        assert_eq!(name_words("getUserByEmail"), ["get", "user", "by", "email"]);
        assert_eq!(
            name_words("get_user_by_email"),
            ["get", "user", "by", "email"]
        );
        assert_eq!(name_words("GetSecret"), ["get", "secret"]);
    }

    #[test]
    fn a_call_gives_what_it_is_named_for_unless_it_looks_up_by_its_arguments() {
        for (name, args) in [
            ("getPassword", 0),
            ("password", 0),
            ("get_password", 2),
            ("GetSecret", 2),
            ("generate_token", 1),
            ("read_secret", 1),
        ] {
            assert!(gives(name, args), "{name}/{args}");
        }
        for (name, args) in [
            ("password", 1),
            ("getenv", 1),
            ("getUserByEmail", 1),
            ("find_session_for_token", 1),
            ("verify_password", 2),
        ] {
            assert!(!gives(name, args), "{name}/{args}");
        }
    }
}
