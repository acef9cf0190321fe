//! The dashboard: server-rendered pages that work without JavaScript and load nothing from the
//! network. Everything that came from a repository (names, messages, owners) is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Response};

use crate::index::{Index, diff_checks};
use crate::{Shared, html, read_guard};

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path segment.
fn seg(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn decision_label(decision: &str) -> &'static str {
    match decision {
        "go" => "GO",
        "conditional_go" => "CONDITIONAL_GO",
        "no_go" => "NO_GO",
        _ => "UNKNOWN",
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · launchgate fleet</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.45; }}
header {{ background: #1f2933; color: #fff; padding: .75rem 1.5rem; }}
header a {{ color: #fff; }}
main {{ padding: 1rem 1.5rem; max-width: 72rem; }}
a {{ color: #0b4f9c; }}
a:focus, button:focus {{ outline: 3px solid #f5a623; outline-offset: 2px; }}
table {{ border-collapse: collapse; margin: .5rem 0 1.5rem; }}
th, td {{ border: 1px solid #c6ccd2; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #eef1f4; }}
.GO {{ color: #0f5f1a; font-weight: 600; }}
.CONDITIONAL_GO {{ color: #7a4d00; font-weight: 600; }}
.NO_GO {{ color: #a3161b; font-weight: 600; }}
.fail {{ color: #a3161b; }} .warn {{ color: #7a4d00; }} .pass {{ color: #0f5f1a; }}
</style>
</head>
<body>
<header><nav aria-label="Site"><a href="/">launchgate fleet</a></nav></header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"#,
        title = esc(title)
    )
}

fn decision_cell(decision: &str) -> String {
    let label = decision_label(decision);
    format!("<td class=\"{label}\">{label}</td>")
}

fn services_table(index: &Index, filter: impl Fn(&str) -> bool) -> String {
    let mut out = String::from(
        "<table><caption>Services and their latest review</caption><thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Owner</th><th scope=\"col\">Tier</th><th scope=\"col\">Decision</th><th scope=\"col\">Score</th><th scope=\"col\">Evaluated</th></tr></thead><tbody>",
    );
    for (name, entry) in &index.services {
        let Some(latest) = entry.latest() else {
            continue;
        };
        if !filter(&latest.owner) {
            continue;
        }
        let _ = write!(
            out,
            "<tr><td><a href=\"/services/{}\">{}</a></td><td><a href=\"/owners/{}\">{}</a></td><td>{}</td>{}<td>{:.1}</td><td>{}</td></tr>",
            seg(name),
            esc(name),
            seg(&latest.owner),
            esc(&latest.owner),
            latest
                .tier
                .map_or_else(|| "-".to_owned(), |t| t.to_string()),
            decision_cell(&latest.decision),
            latest.score,
            esc(&latest.evaluated_on),
        );
    }
    out.push_str("</tbody></table>");
    out
}

pub(crate) async fn fleet(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let index = read_guard!(state, headers);
    let mut by_tier: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut by_owner: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut trend: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for entry in index.services.values() {
        for review in &entry.reviews {
            let month = review.evaluated_on.get(..7).unwrap_or("unknown").to_owned();
            let slot = trend.entry(month).or_default();
            slot.0 += review.score;
            slot.1 += 1;
        }
        let Some(latest) = entry.latest() else {
            continue;
        };
        let column = match latest.decision.as_str() {
            "go" => 0,
            "conditional_go" => 1,
            _ => 2,
        };
        let tier = latest
            .tier
            .map_or_else(|| "-".to_owned(), |t| format!("tier {t}"));
        by_tier.entry(tier).or_default()[column] += 1;
        by_owner.entry(latest.owner.clone()).or_default()[column] += 1;
    }
    let mut body = String::new();
    let counts_table = |caption: &str,
                        head: &str,
                        rows: &BTreeMap<String, [usize; 3]>,
                        link: bool| {
        let mut t = format!(
            "<table><caption>{caption}</caption><thead><tr><th scope=\"col\">{head}</th><th scope=\"col\">GO</th><th scope=\"col\">CONDITIONAL_GO</th><th scope=\"col\">NO_GO</th></tr></thead><tbody>"
        );
        for (key, [go, cond, no]) in rows {
            let name = if link {
                format!("<a href=\"/owners/{}\">{}</a>", seg(key), esc(key))
            } else {
                esc(key)
            };
            let _ = write!(
                t,
                "<tr><th scope=\"row\">{name}</th><td>{go}</td><td>{cond}</td><td>{no}</td></tr>"
            );
        }
        t.push_str("</tbody></table>");
        t
    };
    let _ = write!(
        body,
        "<p>{} services, {} reviews.</p>",
        index.services.len(),
        index
            .services
            .values()
            .map(|e| e.reviews.len())
            .sum::<usize>()
    );
    body.push_str(&counts_table("Decisions by tier", "Tier", &by_tier, false));
    body.push_str(&counts_table(
        "Decisions by owner",
        "Owner",
        &by_owner,
        true,
    ));
    body.push_str("<table><caption>Average score by month evaluated</caption><thead><tr><th scope=\"col\">Month</th><th scope=\"col\">Reviews</th><th scope=\"col\">Average score</th></tr></thead><tbody>");
    for (month, (sum, n)) in &trend {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{n}</td><td>{:.1}</td></tr>",
            esc(month),
            sum / *n as f64
        );
    }
    body.push_str("</tbody></table>");
    body.push_str("<h2>Checks failing most</h2><table><caption>Failing checks across the fleet's latest reviews</caption><thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Services failing</th></tr></thead><tbody>");
    for (id, _, services) in index.failing_checks().iter().take(20) {
        let _ = write!(
            body,
            "<tr><td><a href=\"/checks/{}\">{}</a></td><td>{}</td></tr>",
            seg(id),
            esc(id),
            services.len()
        );
    }
    body.push_str("</tbody></table><h2>Services</h2>");
    body.push_str(&services_table(&index, |_| true));
    html(page("Fleet overview", &body))
}

pub(crate) async fn service(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let index = read_guard!(state, headers);
    let Some(entry) = index.services.get(&name) else {
        return (
            StatusCode::NOT_FOUND,
            html(page("Not found", "<p>No reviews of this service.</p>")),
        )
            .into_response();
    };
    let Some(latest) = entry.latest() else {
        return (StatusCode::NOT_FOUND, html(page("Not found", ""))).into_response();
    };
    let mut body = String::new();
    let label = decision_label(&latest.decision);
    let _ = write!(
        body,
        "<p>Owner <a href=\"/owners/{}\">{}</a>. Latest review (ledger #{}, evaluated {}): <span class=\"{label}\">{label}</span>, score {:.1}.</p>",
        seg(&latest.owner),
        esc(&latest.owner),
        latest.seq,
        esc(&latest.evaluated_on),
        latest.score
    );
    body.push_str("<h2>Checks not passing</h2><table><caption>Latest review's checks that did not pass</caption><thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Status</th><th scope=\"col\">Message</th></tr></thead><tbody>");
    for check in entry.checks.iter().filter(|c| c.status != "pass") {
        let _ = write!(
            body,
            "<tr><td><a href=\"/checks/{}\">{}</a></td><td class=\"{}\">{}</td><td>{}</td></tr>",
            seg(&check.id),
            esc(&check.id),
            esc(&check.status),
            esc(&check.status.to_uppercase()),
            esc(&check.message)
        );
    }
    body.push_str("</tbody></table><h2>Changed since the previous review</h2>");
    let changes = diff_checks(&entry.previous_checks, &entry.checks);
    if entry.reviews.len() < 2 {
        body.push_str("<p>This is the service's first review.</p>");
    } else if changes.is_empty() {
        body.push_str("<p>No check changed status.</p>");
    } else {
        body.push_str("<table><caption>Checks whose status changed</caption><thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Before</th><th scope=\"col\">Now</th></tr></thead><tbody>");
        for (id, before, after) in &changes {
            let _ = write!(
                body,
                "<tr><td><a href=\"/checks/{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                seg(id),
                esc(id),
                esc(&before.to_uppercase()),
                esc(&after.to_uppercase())
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("<h2>Score history</h2><table><caption>Every review of the service</caption><thead><tr><th scope=\"col\">Ledger #</th><th scope=\"col\">Evaluated</th><th scope=\"col\">Decision</th><th scope=\"col\">Score</th></tr></thead><tbody>");
    for review in entry.reviews.iter().rev() {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td>{}<td>{:.1}</td></tr>",
            review.seq,
            esc(&review.evaluated_on),
            decision_cell(&review.decision),
            review.score
        );
    }
    body.push_str("</tbody></table><h2>Open action items</h2><ul>");
    for item in &entry.action_items {
        let field = |k: &str| {
            item.get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
        };
        let _ = write!(
            body,
            "<li>{} {}: {}</li>",
            esc(field("priority")),
            esc(field("id")),
            esc(field("fix"))
        );
    }
    body.push_str("</ul><h2>Waivers</h2><ul>");
    for waiver in &entry.waivers {
        let field = |k: &str| {
            waiver
                .get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
        };
        let _ = write!(
            body,
            "<li>{} until {}: {}</li>",
            esc(field("check")),
            esc(field("expires")),
            esc(field("reason"))
        );
    }
    body.push_str("</ul><h2>Overrides and sign-offs</h2><ul>");
    for (what, rows) in [
        ("Override", &index.overrides),
        ("Sign-off", &index.signoffs),
    ] {
        for row in rows.iter().filter(|r| r.service == name) {
            let field = |k: &str| {
                row.body
                    .get(k)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("")
            };
            let _ = write!(
                body,
                "<li>{what} #{} by {}: {}{}</li>",
                row.seq,
                esc(row.signer.as_deref().unwrap_or("?")),
                esc(field("decision")),
                esc(field("role")),
            );
        }
    }
    body.push_str("</ul>");
    html(page(&name, &body))
}

pub(crate) async fn check(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let index = read_guard!(state, headers);
    let mut title = String::new();
    let mut rows = String::new();
    for (service, entry) in &index.services {
        for check in entry.checks.iter().filter(|c| c.id == id) {
            title.clone_from(&check.title);
            if check.status == "pass" {
                continue;
            }
            let _ = write!(
                rows,
                "<tr><td><a href=\"/services/{}\">{}</a></td><td class=\"{}\">{}</td><td>{}</td></tr>",
                seg(service),
                esc(service),
                esc(&check.status),
                esc(&check.status.to_uppercase()),
                esc(&check.message)
            );
        }
    }
    let body = format!(
        "<p>{}</p><table><caption>Services whose latest review does not pass {}</caption><thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Status</th><th scope=\"col\">Why</th></tr></thead><tbody>{rows}</tbody></table>",
        esc(&title),
        esc(&id)
    );
    html(page(&id, &body))
}

pub(crate) async fn owner(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(owner): Path<String>,
) -> Response {
    let index = read_guard!(state, headers);
    let body = services_table(&index, |o| o == owner);
    html(page(&format!("Owner {owner}"), &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_text_is_escaped_and_paths_encoded() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(seg("team payments/ü"), "team%20payments%2F%C3%BC");
    }
}
