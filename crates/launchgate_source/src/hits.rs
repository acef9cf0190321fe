//! The prefilter's hits: where in a file a fact can start.
//!
//! Calls, clients, servers and shutdown handling start at a word the layer names in full
//! ([`Language::keywords`]); every such word is a hit. Log calls are everywhere in a service, and
//! OBS-014 needs only those that can write a secret: a log call (a word of
//! [`Language::log_words`], or a name bound to a logger in the file) is a hit only when the text
//! of the call, up to its closing parenthesis and through chained calls, holds a word that a
//! sensitive name contains (`password`, `token`, `apiKey`, `email`, `card`, ...) or spreads
//! fields whose names cannot be read (`**fields`, `...rest`, `args...`, `entries(map)`). When
//! one is, the line that binds a logger (`log = logging.getLogger(...)`) is a hit too, so that
//! the parsed text says what the name is. The words are a superset of the names OBS-014 flags:
//! a hit only decides what is parsed, the check decides what is a secret. Python's Django words
//! are hits only in a file that names Django (see [`DJANGO_FIRST`]).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use memchr::memmem;

use crate::Language;
use crate::lines::WordLines;
use crate::text::code_bytes;

/// Where facts can start, as byte offsets into the text, sorted.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    /// Calls, clients, servers, shutdown handling: names bound on their lines are followed.
    pub primary: Vec<usize>,
    /// Log calls that can write a secret, and the lines that bind a logger.
    pub logs: Vec<usize>,
}

impl Hits {
    pub fn is_empty(&self) -> bool {
        self.primary.is_empty() && self.logs.is_empty()
    }
}

/// Words a sensitive name or message label contains, matched without regard to case. `pan`,
/// `ssn`, `pwd`, `cvv` and `cvc` must stand as a word (or a camel-case part) of their own.
const SENSITIVE: [&str; 22] = [
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api key",
    "api-key",
    "privatekey",
    "private_key",
    "private key",
    "access_key",
    "accesskey",
    "credential",
    "creds",
    "authorization",
    "bearer",
    "email",
    "ssn",
    "security",
    "card",
    "cvv",
];

/// Sensitive words too short to be matched inside other words.
const SHORT: [&str; 3] = ["pwd", "ssn", "cvv"];

/// The words [`has_sensitive`] looks for: [`SENSITIVE`] and the short or compound ones only a
/// name holds.
fn sensitive_words() -> Vec<&'static str> {
    let mut words: Vec<&str> = SENSITIVE.to_vec();
    words.extend([
        "pan",
        "cvc",
        "signing_key",
        "signingkey",
        "encryption_key",
        "encryptionkey",
        "decryption_key",
        "decryptionkey",
        "database_url",
        "databaseurl",
        "database_uri",
        "databaseuri",
        "db_url",
        "dburl",
        "db_uri",
        "dburi",
        "connection_string",
        "connectionstring",
        "ccnum",
        "cc_num",
        "cc num",
        "cc-num",
    ]);
    words
}

/// What else makes a log call worth reading ([`worth_reading`]): spreads (`**`, `...`,
/// logstash's `entries(`) and the whole environment (`process.env`; `os.environ`, which,
/// matched without regard to case, is Go's `os.Environ()` too; Java's `System.getenv()`).
const WHOLE: [&str; 6] = [
    "**",
    "...",
    "entries(",
    "process.env",
    "os.environ",
    "getenv()",
];

/// The sensitive words and then [`WHOLE`], with the number of sensitive words: one automaton
/// for [`has_sensitive`] (which skips the others) and [`worth_reading`].
fn words() -> Option<&'static (AhoCorasick, usize)> {
    static AC: LazyLock<Option<(AhoCorasick, usize)>> = LazyLock::new(|| {
        let mut words = sensitive_words();
        let n = words.len();
        words.extend(WHOLE);
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(words)
            .ok()
            .map(|ac| (ac, n))
    });
    AC.as_ref()
}

/// Whether `text` holds a sensitive word.
fn has_sensitive(text: &str) -> bool {
    let Some((ac, sensitive)) = words() else {
        return true;
    };
    ac.find_overlapping_iter(text)
        .any(|m| m.pattern().as_usize() < *sensitive && word_of_its_own(text, &m))
}

/// Whether a sensitive word found at `m` counts: a long word anywhere, a short one (`pwd`,
/// `ssn`, `pan`, ...) only as a word or a camel-case part of its own.
fn word_of_its_own(text: &str, m: &aho_corasick::Match) -> bool {
    let bytes = text.as_bytes();
    let word = &text[m.start()..m.end()];
    let short = SHORT.iter().any(|s| s.eq_ignore_ascii_case(word))
        || ["pan", "cvc"].iter().any(|s| s.eq_ignore_ascii_case(word));
    if !short {
        return true;
    }
    // A word of its own: not glued to letters before (unless a camel-case part starts
    // here) or after (unless a camel-case part follows).
    let first = bytes[m.start()];
    let before = m.start().checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(m.end()).copied();
    let starts = before.is_none_or(|b| {
        !b.is_ascii_alphanumeric() || (b.is_ascii_lowercase() && first.is_ascii_uppercase())
    });
    let ends = after.is_none_or(|b| !b.is_ascii_lowercase());
    starts && ends
}

/// Whether a log call's text can matter to OBS-014: it holds a sensitive word, writes the
/// whole environment, or spreads fields whose names cannot be read (`**fields`, `...fields`,
/// `args...`, logstash's `entries(map)`), which makes the check inconclusive.
pub(crate) fn worth_reading(call: &str) -> bool {
    let Some((ac, sensitive)) = words() else {
        return true;
    };
    ac.find_overlapping_iter(call)
        .any(|m| m.pattern().as_usize() >= *sensitive || word_of_its_own(call, &m))
}

/// Whether the call text starting at `at` holds one of the `secrets` offsets.
fn holds_secret(at: usize, call: &str, secrets: &[usize]) -> bool {
    secrets.iter().any(|s| (at..at + call.len()).contains(s))
}

/// Whether the log call at `at` (its text `call`) is worth parsing: its text names something
/// sensitive or spreads fields ([`worth_reading`]), holds a value the secret scanner found, or
/// writes a bare name that the file bound, before the call, on a line naming something
/// sensitive (`const pw = req.body.password` then `console.log('attempt', pw)`). `bound`
/// keeps each name's bindings in the file, found once per name.
fn log_call_worth_reading<'t>(
    text: &'t str,
    at: usize,
    call: &'t str,
    secrets: &[usize],
    bound: &mut Vec<(&'t str, Vec<Binding>)>,
) -> bool {
    if worth_reading(call) || holds_secret(at, call, secrets) {
        return true;
    }
    names_in_call(call).into_iter().any(|(name, member_of)| {
        let i = match bound.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                bound.push((name, bindings(text, name)));
                bound.len() - 1
            }
        };
        // The nearest binding before the call decides; a member (`cfg.x`) is read through a
        // literal object or struct only.
        bound[i]
            .1
            .iter()
            .take_while(|b| b.at < at)
            .last()
            .is_some_and(|b| b.sensitive && (!member_of || b.literal))
    })
}

/// One place a file binds a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Binding {
    at: usize,
    /// The statement names something sensitive.
    sensitive: bool,
    /// The value is a literal object or struct (`{`, `Config{`, `&Config{`).
    literal: bool,
}

/// The bare names a call's arguments write: identifiers outside string literals that are not
/// a member (`.name`), a callee (`name(`), a key or keyword (`name:`, `name=`), and those of
/// the expressions interpolated into JavaScript template literals (`${pw}`) and Python
/// f-strings (`f"{pw}"`); each with whether it is a member's object (`cfg` in `cfg.x`).
fn names_in_call(call: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    names_into(call, &mut out);
    out
}

fn names_into<'c>(code: &'c str, out: &mut Vec<(&'c str, bool)>) {
    let bytes = code.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let quote = |b: u8| matches!(b, b'"' | b'\'' | b'`');
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quote(b) {
            let open = i;
            // To the closing quote, past escaped characters.
            i += 1;
            loop {
                match bytes.get(i..).and_then(|t| memchr::memchr2(b, b'\\', t)) {
                    Some(k) if bytes[i + k] == b'\\' => i += k + 2,
                    Some(k) => {
                        i += k + 1;
                        break;
                    }
                    None => {
                        i = bytes.len();
                        break;
                    }
                }
            }
            // A template literal or an f-string (`f"`, `rf"`, `F'`): its `{...}` are code.
            let interpolated = b == b'`' || f_string(&bytes[..open]);
            if interpolated && let Some(mut body) = code.get(open + 1..i.min(code.len())) {
                while let Some(s) = body.find('{') {
                    let after = &body[s + 1..];
                    let Some(e) = after.find('}') else { break };
                    names_into(&after[..e], out);
                    body = &after[e + 1..];
                }
            }
            continue;
        }
        if !ident(b) || b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        let member = start > 0 && bytes[start - 1] == b'.';
        let next = bytes[i..].iter().find(|b| **b != b' ' && **b != b'\t');
        // A string's prefix (`f"`, `rb'`) is no name either.
        let named =
            matches!(next, Some(b'(' | b':' | b'=')) || bytes.get(i).is_some_and(|c| quote(*c));
        // `cfg.x`, not `cfg.x.y` or `cfg.x(`.
        let object = next == Some(&b'.') && {
            let rest = &bytes[i..];
            let dot = rest.iter().position(|b| *b == b'.').map_or(0, |d| d + 1);
            let field = rest[dot..].iter().take_while(|b| ident(**b)).count();
            field > 0 && !matches!(rest.get(dot + field), Some(b'.' | b'('))
        };
        if !member
            && !named
            && (next != Some(&b'.') || object)
            && let Some(name) = code.get(start..i)
        {
            out.push((name, object));
        }
    }
}

/// Whether the text before a quote ends in an f-string prefix (`f`, `F`, `rf`, `fR`, ...).
fn f_string(before: &[u8]) -> bool {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
    let start = before.iter().rposition(|b| !ident(b)).map_or(0, |i| i + 1);
    let prefix = &before[start..];
    prefix.len() <= 2
        && prefix.iter().any(|b| matches!(b, b'f' | b'F'))
        && prefix
            .iter()
            .all(|b| matches!(b, b'f' | b'F' | b'r' | b'R'))
}

/// Where `text` binds `name` (`name = ...`, `name := ...`, `const name =`), in order: see
/// [`Binding`]. The statement is the binding's line and, when brackets opened on it are still
/// open at its end, the lines up to where they close (`cfg := Config{` ... `}`).
fn bindings(text: &str, name: &str) -> Vec<Binding> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut out = Vec::new();
    for at in memmem::find_iter(bytes, name.as_bytes()) {
        let end = at + name.len();
        if at > 0 && (ident(bytes[at - 1]) || bytes[at - 1] == b'.') {
            continue;
        }
        if bytes.get(end).is_none_or(|b| ident(*b)) {
            continue;
        }
        let mut rest = text[end..].trim_start_matches([' ', '\t']);
        // A member assigned (`payload.password = ...`, `data["token"] = ...`) binds the name
        // too: writing the name writes the member.
        let member = member_assigned(rest);
        if let Some(after) = member {
            rest = after;
        }
        if rest.starts_with(":=") || (rest.starts_with('=') && !rest.starts_with("==")) {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let value = rest.trim_start_matches([':', '=']).trim_start();
            let value = value.trim_start_matches('&');
            let head = value
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                .count();
            let literal = member.is_none() && value[head..].starts_with('{');
            let statement = &text[line_start..statement_end(text, at)];
            out.push(Binding {
                at,
                sensitive: has_sensitive(statement),
                literal,
            });
        }
    }
    out
}

/// After a name, the text past a member it assigns (`.password = ...`, `["token"] = ...` give
/// `= ...`); `None` when the name is not followed by a member and `=`.
fn member_assigned(rest: &str) -> Option<&str> {
    let after = if let Some(field) = rest.strip_prefix('.') {
        let n = field
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
            .count();
        (n > 0).then(|| &field[n..])?
    } else if let Some(index) = rest.strip_prefix('[') {
        let close = index.find(']')?;
        (!index[..close].contains('\n')).then(|| &index[close + 1..])?
    } else {
        return None;
    };
    let after = after.trim_start_matches([' ', '\t']);
    (after.starts_with('=') && !after.starts_with("==")).then_some(after)
}

/// The end of the statement whose line holds `at`: the line's end, or, when brackets opened
/// on it are still open there, where they close (at most 4 KiB on). Strings are not told
/// apart: a bracket inside one can move the end, which only changes what the prefilter
/// selects for parsing, never what a parse reads.
pub(crate) fn statement_end(text: &str, at: usize) -> usize {
    const MAX: usize = 4096;
    let bytes = text.as_bytes();
    let limit = (at + MAX).min(bytes.len());
    let mut depth = 0i32;
    let mut i = at;
    while i < limit {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'\n' if depth <= 0 => return i,
            _ => {}
        }
        i += 1;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// A language's keywords followed by its log words, compiled for the line walk.
fn automaton(language: Language) -> Option<&'static WordLines> {
    fn build(l: Language) -> Option<WordLines> {
        let words: Vec<&str> = l.keywords().iter().chain(l.log_words()).copied().collect();
        WordLines::new(&words)
    }
    static SCRIPT: LazyLock<Option<WordLines>> = LazyLock::new(|| build(Language::JavaScript));
    static PYTHON: LazyLock<Option<WordLines>> = LazyLock::new(|| build(Language::Python));
    static GO: LazyLock<Option<WordLines>> = LazyLock::new(|| build(Language::Go));
    static JAVA: LazyLock<Option<WordLines>> = LazyLock::new(|| build(Language::Java));
    match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => SCRIPT.as_ref(),
        Language::Python => PYTHON.as_ref(),
        Language::Go => GO.as_ref(),
        Language::Java => JAVA.as_ref(),
    }
}

/// The first of Python's Django words ([`Language::keywords`] from it to [`DJANGO_LAST`]):
/// views (`def index(request)`, `class Orders(View)`), URL configurations and settings. They
/// are hits only in a file that names Django or DRF (`django`, `rest_framework`,
/// `REST_FRAMEWORK`): a view module imports from Django (`django.http`, `django.views`,
/// `rest_framework`), and elsewhere a function taking `request` is a Flask or FastAPI handler
/// whose routes other words find.
pub(crate) const DJANGO_FIRST: &str = "urlpatterns";
/// The last of Python's Django words.
pub(crate) const DJANGO_LAST: &str = "@ratelimit";

/// The pattern numbers of `language`'s words that are hits only in a file naming Django.
fn django_words(language: Language) -> std::ops::Range<usize> {
    if language != Language::Python {
        return 0..0;
    }
    let words = language.keywords();
    let first = words.iter().position(|w| *w == DJANGO_FIRST);
    let last = words.iter().position(|w| *w == DJANGO_LAST);
    match (first, last) {
        (Some(a), Some(b)) if a <= b => a..b + 1,
        _ => 0..0,
    }
}

/// Whether a file names Django or DRF.
fn names_django(text: &str) -> bool {
    text.contains("django") || text.contains("rest_framework") || text.contains("REST_FRAMEWORK")
}

/// Names a logger conventionally has: a call through them is a log call wherever the logger
/// was built.
const CONVENTIONAL: [&str; 6] = ["log", "logger", "LOG", "LOGGER", "console", "logging"];

/// The hits of `text` (see the module documentation). A log call whose text holds one of the
/// byte offsets in `secrets` (where the secret scanner found a value) is a hit whatever its
/// words. `None` when the automaton could not be built: the caller then parses the whole file.
pub(crate) fn hits(language: Language, text: &str, secrets: &[usize]) -> Option<Hits> {
    let ac = automaton(language)?;
    let primary_count = language.keywords().len();
    let django = django_words(language);
    // Asked once, at the first Django word.
    let mut django_file: Option<bool> = None;
    let bytes = text.as_bytes();
    let mut out = Hits::default();
    let mut loggers: Vec<&str> = Vec::new();
    let mut carrying: Vec<(&str, usize)> = Vec::new();
    let mut bindings: Vec<usize> = Vec::new();
    let mut bound: Vec<(&str, Vec<Binding>)> = Vec::new();
    let each = ac.lines(bytes).flat_map(|(line, end)| {
        ac.words(&bytes[line..end])
            .map(move |(at, pattern)| (line + at, pattern))
    });
    for (start, pattern) in each {
        // A word starting with a letter must start a word in the text: `log.` in
        // `catalog.items` or `got(` in `forgot(` is no hit. A logger returned by a call ends
        // the name of a function of any name (`get_logger().`, `current_logger().`).
        // Leading underscores belong to a logger's name, as the readers take them
        // (`self._logger.`, `this._log.`; `my_log.` stays glued).
        let mut from = start;
        if pattern >= primary_count {
            while from > 0 && bytes[from - 1] == b'_' {
                from -= 1;
            }
        }
        let glued = start > 0
            && bytes[start].is_ascii_alphanumeric()
            && !(pattern >= primary_count && bytes[start..].starts_with(b"logger()."))
            && from
                .checked_sub(1)
                .and_then(|i| bytes.get(i))
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if glued {
            continue;
        }
        if pattern < primary_count {
            if django.contains(&pattern) && !*django_file.get_or_insert_with(|| names_django(text))
            {
                continue;
            }
            out.primary.push(start);
            continue;
        }
        if let Some(name) = binds_logger(text, start) {
            bindings.push(start);
            // A logger bound with fields naming something sensitive
            // (`entry := logrus.WithField("token", t)`): every call through it writes them.
            let line = text[..start].rfind('\n').map_or(0, |i| i + 1);
            if has_sensitive(&text[start..statement_end(text, start)]) {
                carrying.push((name, line));
            }
            if !CONVENTIONAL.contains(&name) && !loggers.contains(&name) {
                loggers.push(name);
            }
        } else {
            let call = call_text(text, start);
            if log_call_worth_reading(text, start, call, secrets, &mut bound) {
                out.logs.push(start);
            }
        }
    }
    // Calls through a logger carrying sensitive fields, after its binding.
    for (name, from) in carrying {
        for (at, _) in text[from..].match_indices(name) {
            let at = from + at;
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + name.len()).copied();
            let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if line > from
                && before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                && after == Some(b'.')
            {
                out.logs.push(at);
            }
        }
    }
    // Calls through a logger bound to another name (`audit = structlog.get_logger()`).
    for name in loggers {
        for (at, _) in text.match_indices(name) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + name.len()).copied();
            if before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                && after == Some(b'.')
                && log_call_worth_reading(text, at, call_text(text, at), secrets, &mut bound)
            {
                out.logs.push(at);
            }
        }
    }
    // A logger's binding says what the log calls that are read write to (those that can write
    // a secret, and any in a declaration parsed for another fact); a file is not selected for
    // its logger alone.
    if !out.logs.is_empty() || !out.primary.is_empty() {
        out.logs.extend(bindings);
    }
    out.primary.sort_unstable();
    out.primary.dedup();
    out.logs.sort_unstable();
    out.logs.dedup();
    Some(out)
}

/// The name a line binds to a logger when the log word at `at` stands right of its `=`
/// (`log = logging.getLogger(__name__)`, `const logger = pino()`, `log, _ := zap.NewProduction()`).
pub(crate) fn binds_logger(text: &str, at: usize) -> Option<&str> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    let eq = before.rfind('=')?;
    let prev = eq.checked_sub(1).map(|i| before.as_bytes()[i]);
    if before[eq + 1..].trim_start().starts_with('=') || prev.is_some_and(|b| b"=!<>".contains(&b))
    {
        return None;
    }
    let left = before[..eq].trim_end_matches(':').trim_end();
    let left = left.split(',').next().unwrap_or(left);
    let left = left.split(':').next().unwrap_or(left);
    let name = left.split_whitespace().last()?;
    let name = name.trim_start_matches("self.").trim_start_matches("this.");
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

/// The text of the call starting at `at`: through its argument list and the argument lists of
/// calls chained on it (`logrus.WithField("k", v).Info("msg")`), at most 4 KiB.
fn call_text(text: &str, at: usize) -> &str {
    const MAX: usize = 4096;
    let bytes = text.as_bytes();
    // The end of the window, on a character boundary (the scan below moves byte by byte and
    // stops at ASCII punctuation or at this limit).
    let mut limit = (at + MAX).min(bytes.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let mut i = at;
    let mut end = at;
    loop {
        // The next argument list, on the callee chain (no newline before it).
        while i < limit && bytes[i] != b'(' && bytes[i] != b'\n' {
            i += 1;
        }
        if i >= limit || bytes[i] != b'(' {
            break;
        }
        // To the bracket that closes it, outside strings.
        let mut depth = 0usize;
        let mut closed = None;
        for (k, b) in code_bytes(&bytes[..limit], i) {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        closed = Some(k + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        i = closed.unwrap_or(limit);
        end = i;
        // A chained call continues: `.Info(` after `)`, possibly on the next line.
        let rest = &text[end..limit];
        let next = rest.trim_start();
        if !next.starts_with('.') {
            break;
        }
        i = end + (rest.len() - next.len()) + 1;
        while i < limit && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    &text[at..end.max(line_end).min(text.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_call_is_a_hit_only_when_it_can_write_a_secret() {
        let text = "log.info(\"user %s signed in\", user.id)\nlog.info(\"reset for %s\",\n    user.email)\nlogger.debug(f\"n={n}\")\nlogrus.WithField(\"k\", v).\n\tInfo(\"token\")\n";
        let h = hits(Language::Python, text, &[]).unwrap_or_default();
        let lines: Vec<usize> = h
            .logs
            .iter()
            .map(|at| text[..*at].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [2]);
        let go = hits(
            Language::Go,
            "\tlogrus.WithField(\"k\", v).\n\t\tInfo(\"token\")\n",
            &[],
        )
        .unwrap_or_default();
        assert_eq!(go.logs.len(), 1);
    }

    #[test]
    fn a_bound_logger_is_followed_by_its_name() {
        let text = "import structlog\naudit = structlog.get_logger()\n\ndef f(pw):\n    audit.info(\"login\", password=pw)\n    audit.info(\"ok\")\n";
        let h = hits(Language::Python, text, &[]).unwrap_or_default();
        let lines: Vec<usize> = h
            .logs
            .iter()
            .map(|at| text[..*at].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [2, 5]);
        // A binding alone selects nothing: no call that can write a secret is there.
        let quiet =
            "import logging\nlog = logging.getLogger(__name__)\n\ndef f():\n    log.info(\"ok\")\n";
        assert!(hits(Language::Python, quiet, &[]).is_some_and(|h| h.is_empty()));
    }

    #[test]
    fn text_beyond_ascii_never_splits_a_character() {
        // A multi-byte character right before `=` and at the 4 KiB window's end.
        let mut text = String::from("é= log.info(\"x\", token)\nlog.info(\"");
        text.push_str(&"é".repeat(3000));
        text.push_str("\")\n");
        let h = hits(Language::Python, &text, &[]).unwrap_or_default();
        assert_eq!(h.logs.len(), 1);
    }

    #[test]
    fn words_hold_no_line_break_and_every_match_is_found() {
        // `Automata::each` searches line by line.
        for l in [
            Language::TypeScript,
            Language::Tsx,
            Language::JavaScript,
            Language::Python,
            Language::Go,
            Language::Java,
        ] {
            assert!(
                l.keywords()
                    .iter()
                    .chain(l.log_words())
                    .all(|w| !w.contains('\n'))
            );
        }
        // Overlapping and repeated words on one line, and words on later lines, all found.
        let text = "x\nlogger.info(log.info(1)) logger.\n\nlog.\n";
        let mut found = Vec::new();
        if let Some(a) = automaton(Language::Python) {
            for (line, end) in a.lines(text.as_bytes()) {
                found.extend(
                    a.words(&text.as_bytes()[line..end])
                        .map(|(at, _)| line + at),
                );
            }
        }
        found.sort_unstable();
        assert_eq!(found, [2, 14, 27, 36]);
    }

    #[test]
    fn the_names_a_call_writes_are_its_bare_identifiers_outside_strings() {
        // A member's object is shown with its dot.
        fn names(call: &str) -> Vec<String> {
            names_in_call(call)
                .into_iter()
                .map(|(n, object)| {
                    if object {
                        format!("{n}.")
                    } else {
                        n.to_string()
                    }
                })
                .collect()
        }
        assert_eq!(
            names(
                "log.info('a \\'pw\\' b', pw, user.token, fmt(x), {k: v}, n=m, $x, a.b.c, o.f())"
            ),
            ["pw", "user.", "x", "v", "m", "$x"]
        );
        assert_eq!(names("console.log(`${pw}`, \"q\\\\\", who)"), ["pw", "who"]);
        assert_eq!(names("log.info(\"never closed, pw)"), Vec::<String>::new());
        // Interpolated expressions are code; a plain string's braces are text.
        assert_eq!(
            names("console.log(`attempt ${pw} by ${user.name}`)"),
            ["pw", "user."]
        );
        assert_eq!(
            names("log.info(f\"attempt {pw}\", rf'{key}')"),
            ["pw", "key"]
        );
        assert_eq!(
            names("log.info(\"attempt {pw}\", b'{x}')"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_log_call_writing_a_name_bound_to_something_sensitive_is_a_hit() {
        let logged = |language: Language, text: &str| -> Vec<u32> {
            let h = hits(language, text, &[]).unwrap_or_default();
            h.logs
                .iter()
                .map(|&at| u32::try_from(text[..at].lines().count().max(1)).unwrap_or(0))
                .collect()
        };
        let js = "function signIn(req) {\n  const pw = req.body.password;\n  console.log('attempt', pw);\n  const who = req.body.username;\n  console.log('attempt by', who);\n  console.log('pw', pwx, req.pw, pw.length);\n}\n";
        // Line 3 writes `pw`, bound on line 2 to a password; line 5's `who` is a user name;
        // line 6 writes no bare `pw` (a string, another name, a member, a member's object).
        assert_eq!(logged(Language::JavaScript, js), [3]);
        let go = "func h(r *http.Request) {\n\tctx := r.Context()\n\tkey := r.Header.Get(\"Authorization\")\n\tlog.Println(ctx, key)\n}\n";
        assert_eq!(logged(Language::Go, go), [4]);
        // Bound after the call, or compared rather than bound: not a hit.
        let later = "def f(request):\n    log.info(\"x %s\", pw)\n    pw = request.form[\"password\"]\n    if pw == secret_value:\n        log.info(\"y %s\", who)\n";
        assert_eq!(logged(Language::Python, later), Vec::<u32>::new());
        // A literal object or struct over several lines: its name, and a member of it
        // (`cfg.x`), are read; a member of another value (`req.pw` above) is not.
        let go = "func h() {\n\tcfg := Settings{\n\t\tHost: \"h\",\n\t\tX:    password,\n\t}\n\tlog.Println(cfg.X)\n\tlog.Println(cfg)\n\tlog.Println(cfg.Host.Name)\n}\n";
        assert_eq!(logged(Language::Go, go), [6, 7]);
        let js = "function h(req) {\n  const a1 = {\n    password: x,\n  };\n  console.log(a1);\n  const a2 = { v: 1 };\n  console.log(a2);\n}\n";
        assert_eq!(logged(Language::JavaScript, js), [5]);
        // The whole environment.
        let js =
            "function h() {\n  console.log(process.env);\n  console.log(process.env.PORT);\n}\n";
        assert_eq!(logged(Language::JavaScript, js), [2, 3]);
        // A member assigned something sensitive, then the object written whole.
        let js = "function h(req) {\n  const payload = {};\n  payload.password = req.body.password;\n  console.log(payload);\n  const other = {};\n  other.user = req.body.user;\n  console.log(other);\n}\n";
        assert_eq!(logged(Language::JavaScript, js), [4]);
        let py = "def h(pw):\n    data = {}\n    data[\"token\"] = pw\n    print(data)\n";
        assert_eq!(logged(Language::Python, py), [4]);
        // A logger bound with a sensitive field: every later call through it (and its binding).
        let go = "func h(t string) {\n\tentry.Info(\"early\")\n\tentry := logrus.WithField(\"token\", t)\n\tentry.Info(\"a\")\n\tother.Info(\"b\")\n\tentry.Warn(\"c\")\n}\n";
        assert_eq!(logged(Language::Go, go), [3, 4, 6]);
    }

    #[test]
    fn django_words_are_hits_only_in_a_file_naming_django() {
        let view = "def orders(request):\n    return render(request, 'orders.html')\n";
        let h = hits(Language::Python, view, &[]).unwrap_or_default();
        assert!(h.primary.is_empty(), "{:?}", h.primary);
        let django = format!("from django.shortcuts import render\n\n{view}");
        let h = hits(Language::Python, &django, &[]).unwrap_or_default();
        assert_eq!(
            h.primary,
            [
                django.find("(request)").unwrap_or(0),
                django.find("(request,").unwrap_or(0)
            ]
        );
        let drf = "class Orders(ModelViewSet):\n    pass\n";
        assert!(
            hits(Language::Python, drf, &[])
                .unwrap_or_default()
                .primary
                .is_empty()
        );
        let drf = format!("from rest_framework.viewsets import ModelViewSet\n{drf}");
        assert_eq!(
            hits(Language::Python, &drf, &[])
                .unwrap_or_default()
                .primary
                .len(),
            2
        );
        // The range covers the Django words only.
        let words = Language::Python.keywords();
        let range = django_words(Language::Python);
        assert_eq!(words.get(range.start), Some(&DJANGO_FIRST));
        assert_eq!(words.get(range.end - 1), Some(&DJANGO_LAST));
        assert!(!words[range].contains(&"requests."));
        assert_eq!(django_words(Language::Go), 0..0);
    }

    #[test]
    fn short_sensitive_words_stand_alone() {
        assert!(has_sensitive("card_pan"));
        assert!(has_sensitive("cardPan"));
        assert!(has_sensitive("user.ssn"));
        assert!(!has_sensitive("company span expand panic"));
        assert!(!has_sensitive("lessn cvcx"));
        assert!(has_sensitive("apiKey"));
        assert!(has_sensitive("X-Api-Key"));
    }
}
