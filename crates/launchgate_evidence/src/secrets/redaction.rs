//! The redaction layer every output passes through on its way out (see `docs/security.md`,
//! "Redaction and safe text"): any text, whatever produced it, with every secret replaced by
//! its [`redact`](super::redact)ed form.
//!
//! Two sources of rules: the secret engine itself (every rule SEC-001 has, run on the text as
//! on a file, so a value SEC-001 would report is never printed elsewhere in full), and
//! boundary rules for credentials that are not secrets SEC-001 reports on their own but must
//! still never be printed: any password in a URL's user information, the values of
//! credential-like query parameters (`token=`, `auth_token=`, `key=`, `sig=`, ...), webhook
//! URLs whose path is the credential (Slack, Discord), Docker registry `"auth"` values, and
//! `Bearer`/`Basic` credentials.
//! Allow markers do not apply here: an allowed value is not reported, but it is not printed
//! either.
//!
//! It lives in this crate because the secret engine does; the report crate applies it to every
//! string of a review before rendering, and the binary to every line it writes on stderr.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::engine::{Ctx, scan_text};
use super::{redact, resolve};

/// One secret in a text: its byte range and what to print instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub range: Range<usize>,
    pub replacement: String,
}

struct Boundary {
    /// Group 1 is the credential.
    rules: Vec<Regex>,
}

static BOUNDARY: LazyLock<Option<Boundary>> = LazyLock::new(|| {
    let patterns = [
        // scheme://user:password@host: the password, whatever it looks like.
        r#"(?i)[a-z][a-z0-9+.-]{0,31}://[^\s:/?#@"'<>\[\]`]*:([^\s/?#"'<>\[\]`]+)@"#,
        // Credential-like query (or fragment) parameters: ?token=..., &sig=..., ;key=... (the
        // `;` of an HTML-escaped `&amp;`).
        r#"(?i)[?&;#](?:[a-z0-9_.-]*(?:token|key|sig|signature|password|passwd|pass|passphrase|pwd|secret|credentials?|auth|session|sessionid)|code)=([^\s&#"'<>`\\]+)"#,
        // Incoming-webhook URLs: the path is the credential.
        r#"(?i)hooks\.slack\.com/(?:services|workflows|triggers)/([^\s"'<>`)\]\\]+)"#,
        r#"(?i)discord(?:app)?\.com/api/webhooks/([^\s"'<>`)\]\\]+)"#,
        r#"(?i)(?:webhook\.office\.com/webhookb2|outlook\.office\.com/webhook)/([^\s"'<>`)\]\\]+)"#,
        r"(?i)events\.pagerduty\.com/integration/([A-Za-z0-9]{20,})",
        // Registry credentials as Docker's config.json keeps them: `"auth": "<base64 user:pass>"`.
        r#"(?i)"auth"\s*:\s*"([A-Za-z0-9+/]{12,}={0,2})""#,
        // HTTP authorization credentials (the scheme as written in headers, and a credential
        // with a digit, so that prose such as "a basic health-check-endpoint" is left alone).
        r"(?-u:\b)(?:Bearer|Basic|bearer)\s+([A-Za-z0-9._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
    ];
    let rules = patterns
        .iter()
        .map(|p| Regex::new(p).ok())
        .collect::<Option<Vec<_>>>()?;
    Some(Boundary { rules })
});

/// The index of the `Bearer`/`Basic` rule in [`Boundary::rules`], whose credential must be 16
/// characters or more.
const BEARER: usize = 7;

/// Quick test before the regexes: every boundary rule needs one of these.
fn may_hold_boundary_secret(text: &str) -> bool {
    text.contains("://")
        || text.contains('=')
        || text.contains("hooks.")
        || text.contains("webhook")
        || text.contains("pagerduty")
        || text.contains("uth\"")
        || text.contains("UTH\"")
        || text.contains("earer")
        || text.contains("asic")
}

/// A reference or an already redacted value: nothing to hide.
fn is_harmless(value: &str) -> bool {
    value.starts_with('$')
        || value.starts_with("{{")
        || value.starts_with("%(")
        || value.contains('\u{2026}')
        || value.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

/// The secrets in `text`: sorted by start, disjoint (overlapping finds are merged).
pub fn find_secrets(text: &str) -> Vec<Redaction> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut cands = Vec::new();
    let mut markers = Vec::new();
    scan_text(
        text,
        Ctx {
            quoted_only: false,
            generic: true,
            // Output text may quote a dotenv line: redact more rather than less.
            dotenv: true,
        },
        &mut cands,
        &mut markers,
    );
    ranges.extend(resolve(cands).into_iter().map(|c| c.start..c.end));
    if may_hold_boundary_secret(text)
        && let Some(b) = BOUNDARY.as_ref()
    {
        for (i, re) in b.rules.iter().enumerate() {
            for caps in re.captures_iter(text) {
                if let Some(g) = caps.get(1)
                    && !is_harmless(g.as_str())
                    && (i != BEARER || g.len() >= 16)
                {
                    ranges.push(g.range());
                }
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
        .into_iter()
        .filter_map(|range| {
            let value = text.get(range.clone())?;
            Some(Redaction {
                replacement: redact(value),
                range,
            })
        })
        .collect()
}

/// `text` with every secret [found](find_secrets) replaced by its redacted form; borrowed when
/// there is none.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let found = find_secrets(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in found {
        out.push_str(text.get(at..r.range.start).unwrap_or_default());
        out.push_str(&r.replacement);
        at = r.range.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random-looking text built at run time, so no secret-looking literal sits in the source.
    fn noise(len: usize) -> String {
        let a = b"Q7wErTy9UiOp3AsDfGh5JkLzXc8VbNm2";
        (0..len)
            .map(|i| char::from(a[(i * 7 + i / 3) % a.len()]))
            .collect()
    }

    #[test]
    fn engine_rules_and_boundary_rules_are_redacted() {
        let gh = format!("{}_{}", "ghp", noise(36));
        let pass = format!("{}9!", noise(6));
        let tok = noise(24);
        let hook = format!("T{}/B{}/{}", "0ABCDEF12", "0ABCDEF34", noise(24));
        for (text, secret) in [
            (format!("owner `{gh}` is not valid"), gh.clone()),
            (
                format!("status page https://ops:{pass}@status.acme.io is down"),
                pass.clone(),
            ),
            (
                format!("see https://grafana.acme.io/d/x?orgId=1&auth_token={tok}"),
                tok.clone(),
            ),
            (
                format!("https://wiki.acme.io/run?token={tok}#step"),
                tok.clone(),
            ),
            (
                format!("contact: https://hooks.slack.com/services/{hook}"),
                hook.clone(),
            ),
            (format!("Authorization: Bearer {tok}"), tok.clone()),
            (
                format!("Server=db;User Id=sa;Password={pass};"),
                pass.clone(),
            ),
            (
                format!("https://acme.webhook.office.com/webhookb2/{tok}@x/IncomingWebhook/{tok}"),
                tok.clone(),
            ),
            (
                format!("invalid owner `{{\"auth\":\"{tok}==\"}}`"),
                tok.clone(),
            ),
            (format!("\"auth\": \"{tok}\""), tok.clone()),
            (format!("curl -H 'Authorization: Basic {tok}'"), tok.clone()),
        ] {
            let out = redact_text(&text);
            assert!(!out.contains(&secret), "{out}");
            assert!(out.contains('\u{2026}'), "{out}");
        }
    }

    #[test]
    fn plain_text_references_and_redacted_values_are_left_alone() {
        for text in [
            "no secret here: https://status.example.com/x?page=2",
            "postgres://app:${DB_PASSWORD}@db/app",
            "ghp_\u{2026} (40 chars)",
            "token: missing",
            "a basic health-check-endpoint-for-the-service",
            "Authorization: Bearer abc1",
        ] {
            assert!(matches!(redact_text(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn redaction_is_idempotent() {
        let text = format!("https://u:{}@h.io/?sig={}", noise(12), noise(30));
        let once = redact_text(&text).into_owned();
        assert_eq!(redact_text(&once), once);
    }
}
