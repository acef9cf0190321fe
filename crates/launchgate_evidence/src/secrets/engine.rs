//! The scan of one text: the keyword prefilter picks lines, each triggered rule's regex runs
//! once on each such line, PEM blocks extend to their END marker, allow markers are read, and
//! overlapping candidates resolve to the highest-priority rule.
//!
//! Linear by construction: one pass over the text finds the lines holding a keyword (see
//! `launchgate_source::lines`), a second over each such line finds all its keywords; each line
//! is examined at most once per rule, whatever the number of keyword hits on it; PEM END
//! markers are indexed once per file and looked up by binary search.

use std::collections::BTreeMap;

use super::rules::{COMPILED, Check, Compiled, MARKER, RULES};
use super::values::{
    decode_base64, entropy_ratio, generic_value_ok, is_placeholder, is_reference, literal_ok,
    name_is_password, name_is_secret, percent_decode, random_part_ok,
};

/// What the file's format allows the rules to assume.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ctx {
    /// Code and strictly typed formats (JSON, TOML, HCL): the generic rule reads only quoted
    /// values, since an unquoted value there is an expression, a number or a boolean.
    pub quoted_only: bool,
    /// Whether the generic rule runs (off for sealed or encrypted files and decoded values).
    pub generic: bool,
    /// A dotenv file loaded as it is (`.env`, `prod.env`; not `.env.example`): the
    /// `env-file-password` rule runs.
    pub dotenv: bool,
}

/// Commented-out settings from which a file counts as a sample configuration that documents
/// its application's defaults (`grafana.ini`, `redis.conf`, a chart's `values.yaml`).
const DOCUMENTED_DEFAULTS: usize = 10;

/// A secret's byte span and the rule that found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Candidate {
    /// Index into [`RULES`].
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    /// Found by decoding a Kubernetes Secret's base64 `data` value.
    pub decoded: bool,
}

/// An inline `launchgate:allow-secret` marker.
#[derive(Debug, Clone)]
pub(super) struct Marker {
    pub start: usize,
    pub end: usize,
    /// The reason written after the marker; `None` for a bare marker.
    pub reason: Option<String>,
    /// Nothing but comment punctuation before the marker: it also covers the next line.
    pub comment_only: bool,
}

/// How far after a PEM header its END marker may be (PGP key blocks run to a few KiB).
const PEM_WINDOW: usize = 64 * 1024;

/// Scans `text`, appending candidates and markers.
pub(super) fn scan_text(
    text: &str,
    ctx: Ctx,
    cands: &mut Vec<Candidate>,
    markers: &mut Vec<Marker>,
) {
    let Some(c) = COMPILED.as_ref() else {
        return;
    };
    let mut scanner = LineScanner {
        c,
        text,
        ctx,
        pem_ends: None,
        documents_defaults: None,
        cands,
        markers,
    };
    // Each line holding a keyword, then every keyword on it, overlapping ones included (a
    // keyword inside or across another must still mark its rules). The keywords are lowercase
    // and the walk searches an ASCII-lowercased copy, whose offsets are the text's.
    let lower = text.as_bytes().to_ascii_lowercase();
    for (start, end) in c.keywords.lines(&lower) {
        let mut mask = 0u64;
        let mut marker = false;
        for (_, pattern) in c.keywords.words(lower.get(start..end).unwrap_or(&[])) {
            match c.pattern_rules.get(pattern) {
                Some(0) => marker = true,
                Some(&bits) => mask |= bits,
                None => {}
            }
        }
        scanner.line(start, end, mask, marker);
    }
}

struct LineScanner<'a, 'o> {
    c: &'a Compiled,
    text: &'a str,
    ctx: Ctx,
    /// END markers by label, indexed on the first PEM header of the text.
    pem_ends: Option<BTreeMap<&'a str, Vec<(usize, usize)>>>,
    /// Whether the text is a sample configuration (see [`DOCUMENTED_DEFAULTS`]), computed on
    /// the first commented-out assignment the generic rule meets.
    documents_defaults: Option<bool>,
    cands: &'o mut Vec<Candidate>,
    markers: &'o mut Vec<Marker>,
}

impl<'a> LineScanner<'a, '_> {
    fn push(&mut self, rule: usize, start: usize, end: usize) {
        if end > start {
            self.cands.push(Candidate {
                rule,
                start,
                end,
                decoded: false,
            });
        }
    }

    fn line(&mut self, start: usize, end: usize, mask: u64, marker: bool) {
        let Some(line) = self.text.get(start..end) else {
            return;
        };
        let line = line.trim_end_matches('\r');
        if marker {
            self.markers_in(line, start);
        }
        let mut bits = mask;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let (Some(rule), Some(regexes)) = (RULES.get(i), self.c.regexes.get(i)) {
                for re in regexes {
                    self.rule(i, rule.check, re, line, start);
                }
            }
        }
    }

    fn rule(&mut self, i: usize, check: Check, re: &regex::Regex, line: &'a str, off: usize) {
        match check {
            Check::Random { skip } => {
                for caps in re.captures_iter(line) {
                    if let Some(g) = caps.get(1) {
                        let v = g.as_str();
                        let random = v.get(skip..).unwrap_or("");
                        if !is_placeholder(v) && random_part_ok(random) {
                            self.push(i, off + g.start(), off + g.end());
                        }
                    }
                }
            }
            Check::LastSegment => {
                for caps in re.captures_iter(line) {
                    if let Some(g) = caps.get(1)
                        && !is_placeholder(g.as_str())
                        && random_part_ok(g.as_str().rsplit('/').next().unwrap_or(""))
                    {
                        self.push(i, off + g.start(), off + g.end());
                    }
                }
            }
            Check::Azure => {
                let lower = line.to_ascii_lowercase();
                if lower.contains("devstoreaccount1") || lower.contains("usedevelopmentstorage") {
                    return;
                }
                for caps in re.captures_iter(line) {
                    if let Some(g) = caps.get(1)
                        && !is_placeholder(g.as_str())
                        && random_part_ok(g.as_str())
                    {
                        self.push(i, off + g.start(), off + g.end());
                    }
                }
            }
            Check::Pem => {
                for caps in re.captures_iter(line) {
                    if let (Some(m), Some(label)) = (caps.get(0), caps.get(1)) {
                        let header_end = off + m.end();
                        if let Some((body_end, end)) = self.pem_end(label.as_str(), header_end)
                            && self.text.get(header_end..body_end).is_some_and(key_body_ok)
                        {
                            self.push(i, off + m.start(), end);
                        }
                    }
                }
            }
            Check::Gcp => {
                for caps in re.captures_iter(line) {
                    if let Some(g) = caps.get(1) {
                        let v = g.as_str();
                        let body = v
                            .find("-----END")
                            .and_then(|e| v.get(..e))
                            .and_then(|b| b.get(b.find("KEY-----").map_or(0, |h| h + 8)..));
                        if body.is_some_and(key_body_ok) {
                            self.push(i, off + g.start(), off + g.end());
                        }
                    }
                }
            }
            Check::Jwt => {
                for caps in re.captures_iter(line) {
                    if let Some(g) = caps.get(1)
                        && jwt_ok(g.as_str())
                    {
                        self.push(i, off + g.start(), off + g.end());
                    }
                }
            }
            Check::Url => {
                for m in re.find_iter(line) {
                    if let Some((user, pass, host, at)) = split_url(m.as_str())
                        && url_password_ok(user, pass, host)
                    {
                        let start = off + m.start() + at;
                        self.push(i, start, start + pass.len());
                    }
                }
            }
            Check::Sql => {
                // A commented-out statement (`-- ...`, MySQL's `# ...`) runs nowhere.
                if line.trim_start().starts_with("--") || line.trim_start().starts_with('#') {
                    return;
                }
                for caps in re.captures_iter(line) {
                    let Some(g) = caps.get(1).or_else(|| caps.get(2)) else {
                        // Oracle's unquoted `IDENTIFIED BY word`; `BY PASSWORD '*hash'` and
                        // `BY VALUES` give a stored hash, not a password.
                        if let Some(g) = caps.get(3)
                            && !["password", "values"]
                                .iter()
                                .any(|w| g.as_str().eq_ignore_ascii_case(w))
                            && literal_ok(g.as_str())
                        {
                            self.push(i, off + g.start(), off + g.end());
                        }
                        continue;
                    };
                    // `''` is SQL's escaped quote.
                    if literal_ok(&g.as_str().replace("''", "")) {
                        self.push(i, off + g.start(), off + g.end());
                    }
                }
            }
            Check::Env => {
                if self.ctx.dotenv {
                    self.env(i, re, line, off);
                }
            }
            Check::Generic => {
                if self.ctx.generic {
                    self.generic(i, re, line, off);
                }
            }
            Check::Kube | Check::Marker => {}
        }
    }

    /// `NAME=value` in a dotenv file: a password-named variable with a literal value.
    fn env(&mut self, i: usize, re: &regex::Regex, line: &str, off: usize) {
        let Some(caps) = re.captures(line) else {
            return;
        };
        let (Some(name), Some(rest)) = (caps.get(1), caps.get(2)) else {
            return;
        };
        let name = name.as_str();
        let upper = name.to_ascii_uppercase();
        let password = name_is_password(name) || upper == "PASS" || upper.ends_with("_PASS");
        if !password || !name_is_secret(name) {
            return;
        }
        let Some((start, end, quoted)) = value_after(rest.as_str()) else {
            return;
        };
        let Some(v) = rest.as_str().get(start..end) else {
            return;
        };
        // `NAME= # comment` has no value.
        if (!quoted && v.starts_with('#')) || !literal_ok(v) {
            return;
        }
        let at = off + rest.start() + start;
        self.push(i, at, at + v.len());
    }

    /// Whether the text documents its settings as commented-out defaults: at least
    /// [`DOCUMENTED_DEFAULTS`] lines like `;name = value` or `# name: value`.
    fn documents_defaults(&mut self) -> bool {
        *self.documents_defaults.get_or_insert_with(|| {
            self.text
                .lines()
                .filter(|l| commented_assignment(l))
                .take(DOCUMENTED_DEFAULTS)
                .count()
                >= DOCUMENTED_DEFAULTS
        })
    }

    fn generic(&mut self, i: usize, re: &regex::Regex, line: &str, off: usize) {
        // Both patterns need a separator (`=`, `:`) or a tag (`<`): prose that only says
        // "token" or "password" costs one byte search, not two regex searches.
        if memchr::memchr3(b'=', b':', b'<', line.as_bytes()).is_none() {
            return;
        }
        // A commented-out setting in a sample configuration is the application's documented
        // default, public in its own docs (Grafana's `;secret_key = ...`), not a secret of
        // this service. Format-specific rules still report real tokens on such lines.
        if commented_assignment(line) && self.documents_defaults() {
            return;
        }
        for m in re.find_iter(line) {
            // A match that ends in the opening quote (after a type annotation) gives it back.
            let sep_end = m.end() - usize::from(m.as_str().ends_with(['"', '\'', '`']));
            let found = line.get(m.start()..sep_end).unwrap_or("");
            let rest = line.get(sep_end..).unwrap_or("");
            let (name, value) = if let Some(tag) = found.strip_prefix('<') {
                // `<secret>value</secret>`: the value runs to the next tag.
                let name = tag.trim_end_matches('>');
                let end = rest.find('<').unwrap_or(rest.len());
                if !rest.get(end..).is_some_and(|r| r.starts_with("</")) {
                    continue;
                }
                (name, Some((0, end, false)))
            } else {
                // `==` compares; `: T ==`/`=>` after a type annotation too.
                if found.ends_with("==") || rest.starts_with(['=', '>']) {
                    continue;
                }
                let name_len = found
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                    .count();
                (found.get(..name_len).unwrap_or(""), value_after(rest))
            };
            let Some((start, end, quoted)) = value else {
                continue;
            };
            let Some(raw) = rest.get(start..end) else {
                continue;
            };
            // An unquoted call (`ini_get(...)`, `substitute(...)`) is an expression.
            if !quoted && (self.ctx.quoted_only || raw.contains('(')) {
                continue;
            }
            let v = query_value(raw);
            if name_is_secret(name) && generic_value_ok(v, name_is_password(name)) {
                let at = off + sep_end + start;
                self.push(i, at, at + v.len());
            }
        }
    }

    /// The END marker for a PEM header ending at `from`: (start of END, end of END).
    fn pem_end(&mut self, label: &str, from: usize) -> Option<(usize, usize)> {
        let ends = self.pem_ends.get_or_insert_with(|| {
            let mut map: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
            for caps in self.c.pem_end.captures_iter(self.text) {
                if let (Some(m), Some(l)) = (caps.get(0), caps.get(1)) {
                    map.entry(l.as_str())
                        .or_default()
                        .push((m.start(), m.end()));
                }
            }
            map
        });
        let list = ends.get(label)?;
        let at = list.partition_point(|&(s, _)| s < from);
        list.get(at)
            .copied()
            .filter(|&(s, _)| s - from <= PEM_WINDOW)
    }

    fn markers_in(&mut self, line: &str, off: usize) {
        let lower = line.to_ascii_lowercase();
        for (pos, _) in lower.match_indices(MARKER) {
            let after = line.get(pos + MARKER.len()..).unwrap_or("");
            if after
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_')
            {
                continue;
            }
            let before = line.get(..pos).unwrap_or("");
            self.markers.push(Marker {
                start: off + pos,
                end: off + pos + MARKER.len(),
                reason: marker_reason(after),
                comment_only: before.chars().all(|c| !c.is_alphanumeric()),
            });
        }
    }
}

/// `# name = value`, `;name: value`: a commented-out setting with a value.
fn commented_assignment(line: &str) -> bool {
    let t = line.trim_start();
    if !t.starts_with(['#', ';']) {
        return false;
    }
    let body = t.trim_start_matches(['#', ';']).trim_start();
    let name_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    let Some(rest) = body.get(name_len..) else {
        return false;
    };
    let rest = rest.trim_start();
    name_len > 0 && rest.starts_with(['=', ':']) && !rest.get(1..).unwrap_or("").trim().is_empty()
}

/// The value at the start of `rest` (after a separator): its byte range in `rest` without
/// quotes, and whether it was quoted. `None` for an unterminated quote or no value.
fn value_after(rest: &str) -> Option<(usize, usize, bool)> {
    let skip = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let body = rest.get(skip..)?;
    let first = body.chars().next()?;
    if matches!(first, '"' | '\'' | '`') {
        let len = body.get(1..)?.find(first)?;
        return Some((skip + 1, skip + 1 + len, true));
    }
    let len = body
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | ';'))
        .unwrap_or(body.len());
    (len > 0).then_some((skip, skip + len, false))
}

/// Splits `scheme://user:password@host` (as the URL rule's regex matched it) into user,
/// password, host and the password's offset: the password runs from the first `:` to the
/// last `@`.
fn split_url(url: &str) -> Option<(&str, &str, &str, usize)> {
    let (scheme, rest) = url.split_once("://")?;
    let (userinfo, host) = rest.rsplit_once('@')?;
    let (user, pass) = userinfo.split_once(':')?;
    Some((user, pass, host, scheme.len() + 3 + user.len() + 1))
}

/// An unquoted value up to the next query parameter: `abc` of `token=abc&page=2`.
fn query_value(v: &str) -> &str {
    for (i, _) in v.match_indices('&') {
        let rest = v.get(i + 1..).unwrap_or("");
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            .count();
        if name_len > 0 && rest.as_bytes().get(name_len) == Some(&b'=') {
            return v.get(..i).unwrap_or(v);
        }
    }
    v
}

/// The reason after a marker, without separators and comment closers; `None` if there is no
/// word in it.
fn marker_reason(after: &str) -> Option<String> {
    let mut r = after.trim();
    for closer in ["-->", "*/", "#}", "%}", "}}", "\"", "'"] {
        r = r.strip_suffix(closer).unwrap_or(r).trim_end();
    }
    let r = r.trim_start_matches([':', '-', '=', '(', ' ', '\t']).trim();
    r.chars().any(char::is_alphabetic).then(|| r.to_string())
}

/// Whether the text between a PEM header and its END marker is key material: at least 64
/// base64 characters, random-looking, and not truncated with `...` or `xxxx`.
fn key_body_ok(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    if ["...", "\u{2026}", "xxxx", "<", ">"]
        .iter()
        .any(|m| lower.contains(m))
    {
        return false;
    }
    // JSON-escaped newlines are not key material.
    let b64: String = body
        .replace("\\n", "\n")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .take(4096)
        .collect();
    b64.len() >= 64 && entropy_ratio(&b64) >= 0.7
}

/// A signed JWT: a JSON header with a non-`none` `alg`, a JSON object payload, a signature, and
/// not jwt.io's documentation example ("John Doe").
fn jwt_ok(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let json = |s: &str| {
        decode_base64(s).and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    };
    let Some(header) = json(h) else {
        return false;
    };
    let alg_ok = header
        .get("alg")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|a| !a.eq_ignore_ascii_case("none"));
    let Some(payload) = json(p) else {
        return false;
    };
    let example = payload.get("name").and_then(serde_json::Value::as_str) == Some("John Doe");
    alg_ok && payload.is_object() && !example && sig.len() >= 16
}

/// A URL password that looks real, to a host that is not local or an example.
fn url_password_ok(user: &str, pass: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let local_or_example = host == "localhost"
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host.starts_with("[::1")
        || ["host", "hostname", "server", "domain"].contains(&host.as_str())
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid", ".localhost"]
            .iter()
            .any(|d| host.ends_with(d));
    !local_or_example
        && pass != user
        && !is_reference(pass)
        && generic_value_ok(&percent_decode(pass), true)
}
