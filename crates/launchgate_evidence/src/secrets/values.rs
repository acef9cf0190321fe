//! Value tests shared by the rules: Shannon entropy with alphabet-aware thresholds,
//! placeholders and references (`${VAR}`, `{{ .Values.x }}`, `process.env.X`), names that only
//! look secret (`token_url`, `secretName`).
//!
//! Thresholds (documented here, tested in `tests.rs`):
//! - *Randomness*: Shannon entropy (bits per character) must reach 70 % of the most a string of
//!   that length could have over its alphabet (`log2(min(len, alphabet))`; the alphabet is 16
//!   for hex, 17 for UUID-like hex with dashes, else 26 per letter case present, 10 for digits
//!   and 1 per distinct symbol) for format-specific tokens, and 75 % for the
//!   generic rule, whose value has no format to vouch for it. Random keys score 90 % and more;
//!   `aaaabbbb1111`, `xxxx...` and most words score far lower.
//! - *Generic passwords* (`password`, `passwd`, `pwd` names): at least 8 characters, ASCII, no
//!   whitespace, letters plus a digit or symbol, not letters followed by a short number
//!   (`Summer2024`), not a common weak or placeholder word.
//! - *Generic tokens* (every other secret-like name): at least 16 characters, a digit unless 32
//!   characters or more, not dash/underscore-joined words (`build-artifacts-v2`).

/// Shannon entropy of `s` in bits per byte.
pub(super) fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// The fraction of the highest entropy a string of this length and alphabet could reach.
pub(super) fn entropy_ratio(s: &str) -> f64 {
    let len = s.len();
    if len < 2 {
        return 0.0;
    }
    let alphabet = alphabet_size(s);
    let max = (len.min(alphabet) as f64).log2();
    entropy(s) / max
}

/// The size of the alphabet `s` appears to be drawn from: 16 for hex (17 with dashes, as in
/// UUIDs), else 26 per letter case present, 10 for digits, and each distinct symbol used.
fn alphabet_size(s: &str) -> usize {
    let lower_hex = s
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b'-'));
    let upper_hex = s
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F' | b'-'));
    let dash = usize::from(s.contains('-'));
    if lower_hex || upper_hex {
        return 16 + dash;
    }
    let mut symbols = [false; 128];
    for b in s.bytes().filter(|b| !b.is_ascii_alphanumeric()) {
        if let Some(seen) = symbols.get_mut(usize::from(b)) {
            *seen = true;
        }
    }
    let class = |present: bool, size: usize| if present { size } else { 0 };
    class(s.bytes().any(|b| b.is_ascii_lowercase()), 26)
        + class(s.bytes().any(|b| b.is_ascii_uppercase()), 26)
        + class(s.bytes().any(|b| b.is_ascii_digit()), 10)
        + symbols.iter().filter(|&&x| x).count()
        + usize::from(!s.is_ascii())
}

/// Markers of example, template or redacted values: applies to every rule.
const PLACEHOLDER_MARKS: &[&str] = &[
    "xxxx",
    "****",
    "...",
    "\u{2026}",
    "<",
    ">",
    "example",
    "placeholder",
    "redacted",
    "dummy",
    "sample",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "your",
    "fake",
    "0000",
    "1234",
    "abcdef",
];

/// Words that a random secret does not contain, but config examples, weak dev defaults and
/// self-describing names do: applies to the generic rule and URL passwords.
const WORDS: &[&str] = &[
    "test",
    "demo",
    "mock",
    "secret",
    "password",
    "passwd",
    "passw0rd",
    "p@ss",
    "pass123",
    "token",
    "apikey",
    "api_key",
    "credential",
    "admin",
    "root",
    "qwerty",
    "letmein",
    "welcome",
    "default",
    "guest",
    "local",
    "todo",
    "fixme",
    "tbd",
    "replace",
    "insert",
    "enter",
    "null",
    "none",
    "undefined",
    "lorem",
    "foobar",
    "invalid",
    "notreal",
    "not-real",
    "not_real",
];

fn contains_any(haystack_lower: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| haystack_lower.contains(n))
}

/// A placeholder rather than a value: empty, all one character, or marked as an example.
pub(super) fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    let Some(first) = v.chars().next() else {
        return true;
    };
    if v.chars().all(|c| c == first) {
        return true;
    }
    contains_any(&v.to_ascii_lowercase(), PLACEHOLDER_MARKS)
}

/// Marks of a masked or self-declared fake value: what a person writes instead of a value
/// (`****`, `xxxx`, `<redacted>`, `your-password`, `xoxp-...-####`).
const MASKS: &[&str] = &[
    "xxxx",
    "****",
    "###",
    "...",
    "\u{2026}",
    "<",
    ">",
    "redacted",
    "masked",
    "placeholder",
    "your",
    "example",
    "sample",
    "dummy",
    "fake",
];

/// Whether a literal that a statement or an environment file sets as a password is a real
/// value: not empty, not masked (see [`MASKS`], or all one character), not a reference, and
/// not an expression built in code (a quote inside it). Weak values (`changeit`, `admin`) are
/// real: the system will run with them.
pub(super) fn literal_ok(v: &str) -> bool {
    let v = v.trim();
    let Some(first) = v.chars().next() else {
        return false;
    };
    !v.chars().all(|c| c == first)
        && !contains_any(&v.to_ascii_lowercase(), MASKS)
        && !is_reference(v)
        && !v.contains(['"', '`', '\''])
}

/// A reference to a value kept elsewhere: variables, templates, secret stores, encrypted
/// values, code expressions.
pub(super) fn is_reference(v: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "$",
        "!",
        "@",
        "env.",
        "env:",
        "secrets.",
        "vault:",
        "ref+",
        "arn:",
        "sm://",
        "enc[",
        "file:",
        "awskms:",
        "gcpkms:",
        "azurekms:",
    ];
    const INSIDE: &[&str] = &[
        "${",
        "{{",
        "}}",
        "%(",
        "%s",
        "%{",
        "#{",
        "process.env",
        "os.environ",
        "getenv",
        "env(",
        "env[",
        "environ[",
    ];
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p))
        || contains_any(&lower, INSIDE)
        || (v.starts_with('{') && v.ends_with('}'))
        || (v.len() > 2 && v.starts_with('%') && v.ends_with('%'))
}

/// A file path or URL rather than a secret.
fn is_path_or_url(v: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        ".pem",
        ".key",
        ".crt",
        ".cer",
        ".p12",
        ".pfx",
        ".jks",
        ".json",
        ".yaml",
        ".yml",
        ".txt",
        ".env",
        ".conf",
        ".properties",
        ".ini",
        ".toml",
        ".gpg",
        ".asc",
    ];
    let lower = v.to_ascii_lowercase();
    v.contains("://")
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.contains('\\')
        || EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// `config.api_key`, `self.token`, `settings.DB_PASSWORD`: an expression, not a literal.
fn is_dotted_identifier(v: &str) -> bool {
    let mut parts = 0;
    for part in v.split('.') {
        let mut chars = part.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        if !(first.is_ascii_alphabetic() || first == '_')
            || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// Letters followed by at most four digits (`Summer2024`, `hunter`): a word, not a key.
fn is_word_with_number(v: &str) -> bool {
    let letters = v
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let rest = v.get(letters..).unwrap_or("");
    letters > 0 && rest.len() <= 4 && rest.bytes().all(|b| b.is_ascii_digit())
}

/// Words joined by `-`, `_`, `.`, `/`, `:` or `|` (`build-artifacts-v2-2024`, `my_app_key`).
fn is_joined_words(v: &str) -> bool {
    let segments: Vec<&str> = v
        .split(['-', '_', '.', '/', ':', '|'])
        .filter(|s| !s.is_empty())
        .collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            s.len() <= 3
                || s.bytes().all(|b| b.is_ascii_lowercase())
                || s.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Whether a format-specific token's random part looks random and is not a placeholder.
pub(super) fn random_part_ok(random: &str) -> bool {
    !is_placeholder(random) && entropy_ratio(random) >= 0.7
}

/// Whether a name that contains a secret keyword names a secret, and not its location, type,
/// length or other metadata (`token_url`, `secretName`, `password_min_length`).
pub(super) fn name_is_secret(name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "name",
        "names",
        "url",
        "uri",
        "urls",
        "path",
        "paths",
        "file",
        "files",
        "dir",
        "ref",
        "refs",
        "arn",
        "id",
        "ids",
        "type",
        "types",
        "header",
        "headers",
        "field",
        "fields",
        "endpoint",
        "length",
        "len",
        "ttl",
        "expiry",
        "expiration",
        "expires",
        "expiresat",
        "expiresin",
        "lifetime",
        "timeout",
        "policy",
        "version",
        "prefix",
        "suffix",
        "format",
        "env",
        "var",
        "count",
        "size",
        "enabled",
        "required",
        "regex",
        "pattern",
        "label",
        "hint",
        "prompt",
        "location",
        "provider",
        "mode",
        "source",
        "store",
        "manager",
        "template",
        "class",
        "algorithm",
        "method",
        "kind",
        "scope",
        "scopes",
        "audience",
        "issuer",
        "limit",
        "max",
        "min",
        "interval",
        "duration",
        "seconds",
        "hash",
        "digest",
        "at",
        "in",
        "selector",
        "mount",
        "volume",
        "generator",
        "rotation",
    ];
    // Public halves, pagination and anti-forgery tokens, and references to secrets.
    const INSIDE: &[&str] = &[
        "public",
        "placeholder",
        "tokeniz",
        "secretkeyref",
        "secretref",
        "nexttoken",
        "pagetoken",
        "pagination",
        "continuation",
        "synctoken",
        "cursor",
        "csrf",
        "xsrf",
        "idempotency",
    ];
    let norm: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let last = last_word(name).to_ascii_lowercase();
    let singular = last.strip_suffix('s').unwrap_or(&last);
    !SUFFIXES.contains(&last.as_str())
        && !SUFFIXES.contains(&singular)
        && !contains_any(&norm, INSIDE)
}

/// The last word of an identifier, split at separators and lower-to-upper case changes
/// (`db.secretName` -> `Name`, `TOKEN_URL` -> `URL`).
fn last_word(name: &str) -> &str {
    let trimmed = name.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut start = 0;
    let mut prev_lower = false;
    for (i, c) in trimmed.char_indices() {
        if !c.is_ascii_alphanumeric() {
            start = i + c.len_utf8();
            prev_lower = false;
            continue;
        }
        if prev_lower && c.is_ascii_uppercase() {
            start = i;
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    trimmed.get(start..).unwrap_or("")
}

/// Whether a name is password-like (shorter, human-made values are accepted).
pub(super) fn name_is_password(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("passw") || lower.contains("pwd")
}

/// Whether a generic value looks like a real secret: see the module documentation.
pub(super) fn generic_value_ok(value: &str, password: bool) -> bool {
    value_ok(value, password, true)
}

fn value_ok(value: &str, password: bool, decode: bool) -> bool {
    let v = value.trim();
    let min = if password { 8 } else { 16 };
    if v.len() < min || v.len() > 512 {
        return false;
    }
    if !v.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    // Word tests ignore trailing punctuation: `scmVersion=` is still a word.
    let core = v.trim_end_matches(['=', ':', ',', ';', ')', '|']);
    if is_placeholder(v)
        || is_reference(v)
        || contains_any(&lower, WORDS)
        || is_path_or_url(v)
        || is_dotted_identifier(core)
        || is_word_with_number(core)
        || is_joined_words(core)
    {
        return false;
    }
    let letter = v.bytes().any(|b| b.is_ascii_alphabetic());
    let digit = v.bytes().any(|b| b.is_ascii_digit());
    let symbol = v.bytes().any(|b| !b.is_ascii_alphanumeric());
    let shape = if password {
        letter && (digit || symbol)
    } else {
        let classes = usize::from(v.bytes().any(|b| b.is_ascii_lowercase()))
            + usize::from(v.bytes().any(|b| b.is_ascii_uppercase()))
            + usize::from(digit)
            + usize::from(symbol);
        letter && (digit || (v.len() >= 32 && classes >= 2))
    };
    shape && entropy_ratio(v) >= 0.75 && (!decode || encoded_text_ok(v))
}

/// A base64 value that decodes to printable text is an encoded password (`cGFzc3dvcmQxMjM=`):
/// the decoded text is judged instead. Random keys decode to binary and pass.
fn encoded_text_ok(v: &str) -> bool {
    if !v.len().is_multiple_of(4) {
        return true;
    }
    match decode_base64(v) {
        Some(bytes) if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') => {
            let text = String::from_utf8_lossy(&bytes);
            value_ok(&text, true, false)
        }
        _ => true,
    }
}

/// Percent-decodes a URL component (`he%2F%2Fo` -> `he//o`); invalid escapes stay as they are.
pub(super) fn percent_decode(v: &str) -> String {
    percent_encoding::percent_decode_str(v)
        .decode_utf8_lossy()
        .into_owned()
}

/// Base64 as the evidence readers decode it.
pub(super) use crate::encoded::base64 as decode_base64;
