//! The HTML report: one self-contained page (inline CSS, a few lines of inline JS, no network)
//! that shows a review to people, plus the page frame and escaping the fleet view shares.
//!
//! Every piece of text from the review is escaped with [`Esc`]. A Content-Security-Policy allows
//! only the page's own script (by its SHA-256) and no network at all, so even a missed escape
//! could not run code or fetch anything.

use std::fmt::{self, Write as _};

use base64::Engine as _;

use launchgate_core::{Category, Effort, Status};
use launchgate_policy::{CheckResult, Verdict};

use crate::{Priority, Review, WaiverState};

/// Text escaped for HTML element content and quoted attribute values.
pub(crate) struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Escaped text in which `backticked` spans (the Markdown of check docs and messages) become
/// `<code>`; a lone backtick stays a backtick.
pub(crate) struct Md<'a>(pub &'a str);

impl fmt::Display for Md<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self.0.split('`').collect();
        let pairs = (parts.len() - 1) / 2;
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 && i <= pairs * 2 {
                write!(f, "<code>{}</code>", Esc(part))?;
            } else {
                if i > pairs * 2 && i > 0 {
                    f.write_str("`")?;
                }
                write!(f, "{}", Esc(part))?;
            }
        }
        Ok(())
    }
}

/// The statuses in the order the report lists them.
pub(crate) const STATUS_ORDER: [Status; 5] = [
    Status::Fail,
    Status::Warn,
    Status::Waived,
    Status::Pass,
    Status::Skip,
];

/// `fail`, `warn`, `waived`, `pass`, `skip`: the `data-status` values and CSS classes.
pub(crate) fn status_key(s: Status) -> &'static str {
    match s {
        Status::Fail => "fail",
        Status::Warn => "warn",
        Status::Waived => "waived",
        Status::Pass => "pass",
        Status::Skip => "skip",
    }
}

/// A verdict as a badge: the label is the text, the colour only repeats it.
pub(crate) fn verdict_badge(v: Verdict) -> String {
    format!(
        r#"<span class="verdict v-{}">{}</span>"#,
        v.key(),
        v.label()
    )
}

/// A one-decimal number without a trailing `.0`.
pub(crate) fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The shared style sheet. Colours meet WCAG AA contrast (4.5:1) for text on their background;
/// every status and verdict is also written out as text.
const CSS: &str = r#"
:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5461; --line: #c9d1da; --bg: #ffffff; --alt: #f4f6f8; --link: #0b57a4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .4em .8em; }
.skip-link:focus { left: 0; z-index: 1; }
header.page, main, footer.page { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header.page { padding-top: 1.25rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
a { color: var(--link); }
a:focus, input:focus-visible, button:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .2rem 1.5rem; margin: .5rem 0 1rem; }
dl.facts div { display: flex; gap: .4rem; }
dl.facts dt { color: var(--muted); }
dl.facts dt::after { content: ":"; }
dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; color: var(--muted); }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--alt); }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: .88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.title { font-weight: 400; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.findings { margin: .3rem 0 0; padding-left: 1.2rem; }
p.note, .muted { color: var(--muted); font-weight: 400; }
.status, .verdict, .tag { display: inline-block; font-weight: 700; border-radius: 4px; padding: 0 .4em; border: 1px solid currentColor; white-space: nowrap; }
.tag { font-weight: 600; font-size: .85em; }
.s-fail, .v-no_go, .p-P0 { color: #8a1212; background: #fde8e8; }
.s-warn, .v-conditional_go, .p-P1 { color: #6b4200; background: #fff4d6; }
.s-waived, .p-P2 { color: #4b2a8a; background: #efe9fb; }
.s-pass, .v-go { color: #17602c; background: #e4f5e8; }
.s-skip { color: #3d4853; background: #eef1f4; }
.decision { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: baseline; }
.decision .verdict { font-size: 1.5rem; padding: .1em .5em; }
.bar { display: inline-block; width: 10rem; height: .8rem; background: var(--alt); border: 1px solid var(--line); border-radius: 3px; vertical-align: middle; margin-right: .5rem; }
.bar > span { display: block; height: 100%; background: #3a6ea5; border-radius: 2px; }
fieldset.filter { border: 1px solid var(--line); border-radius: 4px; padding: .4rem .8rem; margin: .5rem 0; }
fieldset.filter label { margin-right: 1rem; white-space: nowrap; }
fieldset.filter legend { font-weight: 600; }
button.sort { font: inherit; font-weight: 700; color: var(--link); background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline; text-align: left; }
th[aria-sort="ascending"] button.sort::after { content: " \2191"; }
th[aria-sort="descending"] button.sort::after { content: " \2193"; }
details > summary { cursor: pointer; }
svg.chart { max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.notice { border-left: 4px solid #8a1212; background: #fde8e8; padding: .4rem .8rem; margin: .5rem 0; }
footer.page { margin-top: 2rem; padding-bottom: 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .9em; }
main:has(#show-fail:not(:checked)) tr[data-status="fail"],
main:has(#show-warn:not(:checked)) tr[data-status="warn"],
main:has(#show-waived:not(:checked)) tr[data-status="waived"],
main:has(#show-pass:not(:checked)) tr[data-status="pass"],
main:has(#show-skip:not(:checked)) tr[data-status="skip"] { display: none; }
@media print { fieldset.filter, .skip-link { display: none; } tr { break-inside: avoid; } }
"#;

/// Only the report's own script runs (it is allowed by hash); nothing loads from anywhere.
fn csp(script: &str) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

/// Opens the page: doctype, `lang`, charset, CSP, title, the style sheet and a skip link.
pub(crate) fn page_start(
    o: &mut String,
    title: &str,
    generator: &str,
    script: &str,
    (skip_to, skip_label): (&str, &str),
) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n<a class=\"skip-link\" href=\"#{}\">Skip to {}</a>\n",
        csp(script),
        Esc(generator),
        Esc(title),
        Esc(skip_to),
        Esc(skip_label),
    );
}

/// Closes the page with its script.
pub(crate) fn page_end(o: &mut String, script: &str) {
    let _ = write!(o, "<script>{script}</script>\n</body>\n</html>\n");
}

/// The status filter: CSS `:has()` hides unchecked statuses (no JS needed); the script only
/// counts the rows still shown and applies `#show=fail,warn` from the address.
const REPORT_JS: &str = r"
(function () {
  var boxes = document.querySelectorAll('#filter input[type=checkbox]');
  var shown = document.getElementById('shown');
  function update() {
    var rows = document.querySelectorAll('tr[data-status]');
    var n = 0;
    rows.forEach(function (r) { if (getComputedStyle(r).display !== 'none') { n += 1; } });
    shown.textContent = 'Showing ' + n + ' of ' + rows.length + ' checks';
  }
  var m = /^#show=([a-z,]*)$/.exec(location.hash);
  if (m) {
    var want = m[1].split(',');
    boxes.forEach(function (b) { b.checked = want.indexOf(b.value) >= 0; });
  }
  boxes.forEach(function (b) { b.addEventListener('change', update); });
  update();
})();
";

/// Renders the review as one self-contained HTML page.
pub fn render_html(r: &Review) -> String {
    let r = &*crate::safe::for_people(r);
    let mut o = String::with_capacity(64 * 1024);
    let title = format!(
        "{}: {} ({}) - launchgate readiness review",
        r.service,
        r.decision.label(),
        r.evaluated_on
    );
    let generator = format!("{} {}", r.tool.name, r.tool.version);
    page_start(
        &mut o,
        &title,
        &generator,
        REPORT_JS,
        ("findings", "findings"),
    );
    header(&mut o, r);
    o.push_str("<main>\n");
    decision(&mut o, r);
    categories(&mut o, r);
    findings(&mut o, r);
    action_items(&mut o, r);
    waivers(&mut o, r);
    signoffs(&mut o, r);
    history(&mut o, r);
    trace(&mut o, r);
    scan(&mut o, r);
    o.push_str("</main>\n");
    let _ = writeln!(
        o,
        "<footer class=\"page\"><p>Generated by {} {} from <code>{}</code> on the review date {}. \
         Content hash <code>{}</code>.</p></footer>",
        Esc(&r.tool.name),
        Esc(&r.tool.version),
        Esc(&r.manifest),
        Esc(&r.evaluated_on),
        Esc(if r.content_hash.is_empty() {
            "not recorded"
        } else {
            &r.content_hash
        }),
    );
    page_end(&mut o, REPORT_JS);
    o
}

fn header(o: &mut String, r: &Review) {
    let _ = writeln!(
        o,
        "<header class=\"page\">\n<h1>Production readiness review: {}</h1>",
        Esc(&r.service)
    );
    o.push_str("<dl class=\"facts\">\n");
    let tier = format!("Tier {}", r.tier);
    let facts: [(&str, &str); 8] = [
        ("Service", &r.service),
        ("Tier", &tier),
        ("Owner", r.owner.as_deref().unwrap_or("not declared")),
        ("Review date", &r.evaluated_on),
        ("Exposure", &r.exposure),
        ("Data", &r.data),
        ("Stage", &r.stage),
        ("Scope", &r.scope),
    ];
    for (k, v) in facts {
        let _ = writeln!(o, "<div><dt>{k}</dt><dd>{}</dd></div>", Esc(v));
    }
    o.push_str("</dl>\n</header>\n");
}

fn decision(o: &mut String, r: &Review) {
    o.push_str("<section aria-labelledby=\"decision\">\n<h2 id=\"decision\">Decision</h2>\n");
    let _ = writeln!(
        o,
        "<div class=\"decision\"><p>{} <strong>{}</strong></p>\
         <p>Score <strong>{}</strong> (GO needs {}%, CONDITIONAL_GO {}%)</p>\
         <p>Pass rate <strong>{}</strong>, {} of {} checks evaluated</p></div>",
        verdict_badge(r.decision),
        Esc(r.decision.readiness()),
        Esc(&r.score_text()),
        trim(r.thresholds.go),
        trim(r.thresholds.conditional),
        Esc(&r.pass_rate),
        r.counts.evaluated,
        r.counts.total,
    );
    let c = &r.counts;
    let _ = writeln!(
        o,
        "<p>{} <span class=\"status s-fail\">FAIL</span>, {} <span class=\"status s-warn\">WARN</span>, \
         {} <span class=\"status s-waived\">WAIVED</span>, {} <span class=\"status s-pass\">PASS</span>, \
         {} <span class=\"status s-skip\">SKIP</span>; estimated effort to production-ready: {}.</p>",
        c.fail,
        c.warn,
        c.waived,
        c.pass,
        c.skip,
        Effort(r.estimated_effort_hours)
    );
    if r.decision != r.computed_decision {
        let _ = writeln!(
            o,
            "<p><strong>Overridden.</strong> The policy computed {}; an approved override set the final decision to {}. \
             The override is listed below.</p>",
            verdict_badge(r.computed_decision),
            verdict_badge(r.decision)
        );
    }
    for n in &r.notices {
        let _ = writeln!(
            o,
            "<p class=\"notice\"><strong>Warning:</strong> {}</p>",
            Esc(n)
        );
    }
    if !r.blockers.is_empty() {
        o.push_str("<p>Blockers that force NO_GO:</p>\n<ul>\n");
        for b in &r.blockers {
            let _ = writeln!(
                o,
                "<li><a href=\"#check-{}\"><code>{}</code></a>: {}</li>",
                Esc(&b.id),
                Esc(&b.id),
                Md(&b.message)
            );
        }
        o.push_str("</ul>\n");
    }
    if !r.overrides.is_empty() {
        o.push_str(
            "<table id=\"overrides\">\n<caption>Overrides recorded in the ledger for this service</caption>\n\
             <thead><tr><th scope=\"col\">Decision</th><th scope=\"col\">Approver</th><th scope=\"col\">Reason</th>\
             <th scope=\"col\">Expires</th><th scope=\"col\">Recorded</th><th scope=\"col\">Applied</th>\
             <th scope=\"col\">Event</th></tr></thead>\n<tbody>\n",
        );
        for ov in &r.overrides {
            let roles = if ov.roles.is_empty() {
                String::new()
            } else {
                format!(
                    " <span class=\"muted\">({})</span>",
                    Esc(&ov.roles.join(", "))
                )
            };
            let applied = match (&ov.refused, ov.applied) {
                (Some(why), _) => format!("Refused: {}", Esc(why)),
                (None, true) => "Applied: sets the final decision".to_string(),
                (None, false) => "Not applied".to_string(),
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><th scope=\"row\">{}{roles}</th><td>{}</td><td>{}</td><td>{}</td><td>{applied}</td>\
                 <td><code>{}</code></td></tr>",
                verdict_badge(ov.decision),
                Esc(&ov.approver),
                Esc(&ov.reason),
                Esc(&ov.expires),
                Esc(&ov.recorded_at),
                Esc(&ov.event_hash),
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

fn category_title(r: &Review, cat: Category) -> String {
    r.categories
        .iter()
        .find(|c| c.category == cat)
        .map_or_else(|| cat.title().to_string(), |c| c.title.clone())
}

fn categories(o: &mut String, r: &Review) {
    o.push_str(
        "<section aria-labelledby=\"categories\">\n<h2 id=\"categories\">Category scores</h2>\n\
         <table>\n<caption>Score out of 10 per category, and its checks by status</caption>\n\
         <thead><tr><th scope=\"col\">Category</th><th scope=\"col\">Score</th><th scope=\"col\" class=\"num\">Fail</th>\
         <th scope=\"col\" class=\"num\">Warn</th><th scope=\"col\" class=\"num\">Waived</th><th scope=\"col\" class=\"num\">Pass</th>\
         <th scope=\"col\" class=\"num\">Skip</th></tr></thead>\n<tbody>\n",
    );
    for c in &r.categories {
        let score = match c.score {
            Some(s) => {
                let width = (s.clamp(0.0, 10.0) * 10.0).round();
                format!(
                    "<span class=\"bar\" aria-hidden=\"true\"><span style=\"width:{width}%\"></span></span>{}/10",
                    trim(s)
                )
            }
            None => "<span class=\"bar\" aria-hidden=\"true\"></span>skipped".to_string(),
        };
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\"><a href=\"#cat-{}\">{}</a></th><td>{score}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            c.category.key(),
            Esc(&c.title),
            c.fail,
            c.warn,
            c.waived,
            c.pass,
            c.skip,
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn findings(o: &mut String, r: &Review) {
    let _ = writeln!(
        o,
        "<section aria-labelledby=\"findings\">\n<h2 id=\"findings\">Findings</h2>\n\
         <p>One row per check, grouped by category; failing checks first. Untick a status to hide its rows.</p>"
    );
    o.push_str(
        "<fieldset class=\"filter\" id=\"filter\">\n<legend>Show checks with status</legend>\n",
    );
    for s in STATUS_ORDER {
        let k = status_key(s);
        let n = r.checks.iter().filter(|c| c.status == s).count();
        let _ = writeln!(
            o,
            "<label><input type=\"checkbox\" id=\"show-{k}\" value=\"{k}\" checked> {} ({n})</label>",
            s.label()
        );
    }
    let _ = writeln!(
        o,
        "</fieldset>\n<p id=\"shown\" role=\"status\">Showing {n} of {n} checks</p>",
        n = r.checks.len()
    );
    for cat in Category::ALL {
        let mut checks: Vec<&CheckResult> = r.checks.iter().filter(|c| c.category == cat).collect();
        if checks.is_empty() {
            continue;
        }
        checks.sort_by_key(|c| {
            (
                STATUS_ORDER.iter().position(|s| *s == c.status),
                c.id.as_str(),
            )
        });
        let title = category_title(r, cat);
        let score = r
            .categories
            .iter()
            .find(|c| c.category == cat)
            .and_then(|c| c.score)
            .map_or_else(|| "skipped".to_string(), |s| format!("{}/10", trim(s)));
        let _ = writeln!(
            o,
            "<h3 id=\"cat-{}\">{} ({score})</h3>\n<table>\n<caption>{} checks: {}</caption>\n\
             <thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Check</th><th scope=\"col\">Result</th>\
             </tr></thead>\n<tbody>",
            cat.key(),
            Esc(&title),
            Esc(&title),
            status_summary(&checks),
        );
        for c in checks {
            check_row(o, c);
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

fn status_summary(checks: &[&CheckResult]) -> String {
    STATUS_ORDER
        .iter()
        .filter_map(|s| {
            let n = checks.iter().filter(|c| c.status == *s).count();
            (n > 0).then(|| format!("{n} {}", s.label()))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_row(o: &mut String, c: &CheckResult) {
    let k = status_key(c.status);
    let mut tags = String::new();
    if c.blocking {
        tags.push_str(" <span class=\"tag s-fail\">forces NO_GO</span>");
    }
    if c.inconclusive {
        tags.push_str(" <span class=\"tag s-skip\">inconclusive</span>");
    }
    if c.status == Status::Pass && c.basis == Some(launchgate_core::Basis::Attested) {
        tags.push_str(" <span class=\"tag s-skip\">attested</span>");
    }
    let _ = write!(
        o,
        "<tr data-status=\"{k}\" id=\"check-{}\"><td><span class=\"status s-{k}\">{}</span>{tags}</td>\
         <th scope=\"row\"><code>{}</code><br>{}</th><td>",
        Esc(&c.id),
        c.status.label(),
        Esc(&c.id),
        Esc(&c.slug),
    );
    // The check's message summarises its findings: with findings, they are the result (each
    // once, with its place); without, the message is.
    if c.findings.is_empty() {
        let _ = write!(o, "{}", Md(&c.message));
    }
    if let Some(w) = &c.waiver {
        let _ = write!(
            o,
            "<p>Waived ({}) until {}{}{}: {}</p>",
            Esc(&w.kind),
            Esc(&w.expires),
            w.approved_by
                .as_deref()
                .map(|a| format!(", approved by {}", Esc(a)))
                .unwrap_or_default(),
            w.ticket
                .as_deref()
                .map(|t| format!(", ticket {}", Esc(t)))
                .unwrap_or_default(),
            Esc(&w.reason),
        );
    }
    if !c.findings.is_empty() {
        let all: Vec<&launchgate_core::Finding> = c.findings.iter().collect();
        o.push_str("<ul class=\"findings\">");
        for group in crate::group::group_alike(&all) {
            let Some((f, rest)) = group.split_first() else {
                continue;
            };
            o.push_str("<li>");
            finding_item(o, f);
            if !rest.is_empty() {
                let _ = write!(
                    o,
                    "<details><summary>{} more like it</summary><ul class=\"findings\">",
                    rest.len()
                );
                for g in rest {
                    o.push_str("<li>");
                    finding_item(o, g);
                    o.push_str("</li>");
                }
                o.push_str("</ul></details>");
            }
            o.push_str("</li>");
        }
        o.push_str("</ul>");
    }
    // A failing check's evidence is what the code accepted.
    if !c.evidence.is_empty() {
        let _ = write!(
            o,
            "<details><summary>Evidence ({})</summary><ul class=\"findings\">",
            c.evidence.len()
        );
        for f in &c.evidence {
            o.push_str("<li>");
            finding_item(o, f);
            o.push_str("</li>");
        }
        o.push_str("</ul></details>");
    }
    o.push_str("</td></tr>\n");
}

/// One finding: its message, the resource when the message does not name it, its place and
/// the related places.
fn finding_item(o: &mut String, f: &launchgate_core::Finding) {
    let _ = write!(o, "{}", Md(&f.message));
    if let Some(res) = f.resource.as_deref().filter(|r| !f.message.contains(*r)) {
        let _ = write!(o, " <span class=\"muted\">({})</span>", Esc(res));
    }
    if let Some(l) = &f.location {
        let _ = write!(o, " <code class=\"at\">{}</code>", Esc(&l.to_string()));
    }
    for rel in &f.related {
        let _ = write!(
            o,
            " <span class=\"muted\">see <code class=\"at\">{}</code></span>",
            Esc(&rel.to_string())
        );
    }
}

fn action_items(o: &mut String, r: &Review) {
    o.push_str("<section aria-labelledby=\"actions\">\n<h2 id=\"actions\">Action items</h2>\n");
    if r.action_items.is_empty() {
        o.push_str("<p>None: no check failed or warned.</p>\n</section>\n");
        return;
    }
    let p0: u32 = r
        .action_items
        .iter()
        .filter(|a| a.priority == Priority::P0)
        .map(|a| a.effort_hours)
        .sum();
    let _ = writeln!(
        o,
        "<p>P0 must be fixed before production, P1 should be fixed soon, P2 is nice to have. \
         Estimated effort: {} (P0 alone: {}).</p>",
        Effort(r.estimated_effort_hours),
        Effort(p0)
    );
    o.push_str(
        "<table>\n<caption>What to do, by priority</caption>\n<thead><tr><th scope=\"col\">Priority</th>\
         <th scope=\"col\">Check</th><th scope=\"col\">Fix</th><th scope=\"col\">Owner</th>\
         <th scope=\"col\">Effort</th><th scope=\"col\">Files</th></tr></thead>\n<tbody>\n",
    );
    for a in &r.action_items {
        let p = format!("{:?}", a.priority);
        let fix = if a.fix.is_empty() { &a.title } else { &a.fix };
        let _ = write!(
            o,
            "<tr data-priority=\"{p}\"><td><span class=\"status p-{p}\">{p}</span></td>\
             <th scope=\"row\"><a href=\"#check-{}\"><code>{}</code></a><br><span class=\"title\">{}</span></th><td>{}</td><td>{}</td><td>{}</td><td>",
            Esc(&a.id),
            Esc(&a.id),
            Md(&a.title),
            Md(fix),
            Esc(a.owner.as_deref().unwrap_or("unassigned")),
            Esc(&a.effort),
        );
        if !a.files.is_empty() {
            o.push_str("<ul class=\"plain\">");
            for f in &a.files {
                let _ = write!(o, "<li><code>{}</code></li>", Esc(f));
            }
            o.push_str("</ul>");
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn waiver_state(s: WaiverState) -> &'static str {
    match s {
        WaiverState::Applied => "applied",
        WaiverState::Expired => "expired",
        WaiverState::Unmatched => "unmatched",
        WaiverState::Refused => "refused",
    }
}

fn waivers(o: &mut String, r: &Review) {
    o.push_str("<section aria-labelledby=\"waivers\">\n<h2 id=\"waivers\">Waivers</h2>\n");
    if r.waivers.is_empty() {
        o.push_str("<p>The manifest declares no waivers.</p>\n</section>\n");
        return;
    }
    o.push_str(
        "<table>\n<caption>Waivers the manifest declares and what became of them</caption>\n\
         <thead><tr><th scope=\"col\">Check</th><th scope=\"col\">State</th><th scope=\"col\">Kind</th>\
         <th scope=\"col\">Reason</th><th scope=\"col\">Expires</th><th scope=\"col\">Approved by</th>\
         <th scope=\"col\">Ticket</th><th scope=\"col\">Details</th></tr></thead>\n<tbody>\n",
    );
    for w in &r.waivers {
        let scope = if w.scope.is_empty() {
            String::new()
        } else {
            format!(
                "<br><span class=\"muted\">only {}</span>",
                Esc(&w.scope.join(", "))
            )
        };
        let soon = if w.expiring_soon {
            " <span class=\"tag s-warn\">expires within 14 days</span>"
        } else {
            ""
        };
        let loc = w
            .location
            .as_ref()
            .map(|l| format!(" <code>{}</code>", Esc(&l.to_string())))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "<tr data-waiver=\"{state}\"><th scope=\"row\"><code>{}</code>{scope}</th><td>{state}</td><td>{}</td>\
             <td>{}</td><td>{}{soon}</td><td>{}</td><td>{}</td><td>{}{loc}</td></tr>",
            Esc(&w.check),
            Esc(&w.kind),
            Esc(&w.reason),
            Esc(&w.expires),
            Esc(w.approved_by.as_deref().unwrap_or("")),
            Esc(w.ticket.as_deref().unwrap_or("")),
            Md(&w.message),
            state = waiver_state(w.state),
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn signoffs(o: &mut String, r: &Review) {
    o.push_str("<section aria-labelledby=\"signoffs\">\n<h2 id=\"signoffs\">Sign-offs</h2>\n");
    if r.signoffs.is_empty() {
        o.push_str("<p>No sign-offs are recorded for this service.</p>\n</section>\n");
        return;
    }
    o.push_str(
        "<table>\n<caption>Sign-offs recorded in the ledger, newest per role</caption>\n\
         <thead><tr><th scope=\"col\">Role</th><th scope=\"col\">Approver</th><th scope=\"col\">State</th>\
         <th scope=\"col\">Note</th><th scope=\"col\">Recorded</th><th scope=\"col\">Event</th></tr></thead>\n<tbody>\n",
    );
    for s in &r.signoffs {
        let state = match (&s.refused, s.stale) {
            (Some(why), _) => format!("Does not count: {}", Esc(why)),
            (None, true) => "Stale: given on different results".to_string(),
            (None, false) => "Valid".to_string(),
        };
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{state}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            Esc(&s.role),
            Esc(&s.approver),
            Esc(s.note.as_deref().unwrap_or("")),
            Esc(&s.recorded_at),
            Esc(&s.event_hash),
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

/// The score history as an inline SVG line chart (with this review as the last point) and the
/// same data as a table for screen readers and exact values.
fn history(o: &mut String, r: &Review) {
    if r.history.is_empty() {
        return;
    }
    o.push_str("<section aria-labelledby=\"history\">\n<h2 id=\"history\">Score history</h2>\n");
    let mut points: Vec<(&str, Verdict, f64)> = r
        .history
        .iter()
        .map(|h| (h.evaluated_on.as_str(), h.decision, h.score))
        .collect();
    points.push((r.evaluated_on.as_str(), r.decision, r.score));
    let (width, height, left, right, top, bottom) = (640.0, 200.0, 40.0, 16.0, 12.0, 28.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let x_of = |i: usize| {
        if points.len() == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y_of = |score: f64| top + plot_h * (1.0 - score.clamp(0.0, 100.0) / 100.0);
    let _ = writeln!(
        o,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"history-title history-desc\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <title id=\"history-title\">Score history of {}</title>\n\
         <desc id=\"history-desc\">{} reviews from {} to {}; scores from {} to {}. The table below lists every point.</desc>",
        Esc(&r.service),
        points.len(),
        Esc(points.first().map_or("", |p| p.0)),
        Esc(points.last().map_or("", |p| p.0)),
        Esc(&crate::percent(
            points.iter().map(|p| p.2).fold(f64::INFINITY, f64::min)
        )),
        Esc(&crate::percent(
            points.iter().map(|p| p.2).fold(f64::NEG_INFINITY, f64::max)
        )),
    );
    for tick in [0.0, 50.0, 100.0] {
        let _ = writeln!(
            o,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#c9d1da\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#4a5461\">{tick}%</text>",
            width - right,
            left - 4.0,
            y_of(tick) + 4.0,
            yy = y_of(tick),
        );
    }
    for (value, name, colour) in [
        (r.thresholds.go, "GO", "#17602c"),
        (r.thresholds.conditional, "CONDITIONAL_GO", "#6b4200"),
    ] {
        let _ = writeln!(
            o,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{colour}\" stroke-dasharray=\"4 3\">\
             <title>{name} threshold {t}%</title></line>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"{colour}\">{name} {t}%</text>",
            width - right,
            width - right - 2.0,
            y_of(value) - 3.0,
            t = trim(value),
            yy = y_of(value),
        );
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x_of(i), y_of(p.2)))
        .collect();
    let _ = writeln!(
        o,
        "<polyline fill=\"none\" stroke=\"#3a6ea5\" stroke-width=\"2\" points=\"{}\"/>",
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let _ = writeln!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#3a6ea5\"><title>{}: {} {}</title></circle>",
            x_of(i),
            y_of(p.2),
            Esc(p.0),
            p.1.label(),
            Esc(&crate::percent(p.2)),
        );
    }
    let last = points.len() - 1;
    for i in [0, last] {
        let anchor = if i == 0 && last > 0 { "start" } else { "end" };
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"{anchor}\" fill=\"#4a5461\">{}</text>",
            x_of(i),
            height - 8.0,
            Esc(points[i].0),
        );
    }
    o.push_str("</svg>\n");
    o.push_str(
        "<table>\n<caption>Recorded reviews, oldest first, then this review</caption>\n\
         <thead><tr><th scope=\"col\">Review date</th><th scope=\"col\">Recorded</th><th scope=\"col\">Decision</th>\
         <th scope=\"col\" class=\"num\">Score</th><th scope=\"col\">Commit</th></tr></thead>\n<tbody>\n",
    );
    for p in &r.history {
        let _ = writeln!(
            o,
            "<tr data-history><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            Esc(&p.evaluated_on),
            Esc(&p.recorded_at),
            verdict_badge(p.decision),
            Esc(&crate::percent(p.score)),
            Esc(p.commit.as_deref().unwrap_or("")),
        );
    }
    let _ = writeln!(
        o,
        "<tr><th scope=\"row\">{}</th><td>this review</td><td>{}</td><td class=\"num\">{}</td><td></td></tr>",
        Esc(&r.evaluated_on),
        verdict_badge(r.decision),
        Esc(&r.score_text()),
    );
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn trace(o: &mut String, r: &Review) {
    o.push_str(
        "<section aria-labelledby=\"trace\">\n<h2 id=\"trace\">Decision trace</h2>\n\
         <table>\n<caption>The policy's rules in the order they were applied</caption>\n\
         <thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Pushes towards</th><th scope=\"col\">Check</th>\
         <th scope=\"col\">Why</th></tr></thead>\n<tbody>\n",
    );
    for t in &r.trace {
        let effect = t
            .effect
            .map_or_else(|| "information".to_string(), verdict_badge);
        let check = t
            .check
            .as_deref()
            .map(|c| format!("<a href=\"#check-{}\"><code>{}</code></a>", Esc(c), Esc(c)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{effect}</td><td>{check}</td><td>{}</td></tr>",
            Esc(&t.rule),
            Md(&t.message),
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn scan(o: &mut String, r: &Review) {
    o.push_str("<section aria-labelledby=\"scan\">\n<h2 id=\"scan\">Repository scan</h2>\n");
    let Some(scan) = &r.scan else {
        o.push_str(
            "<p>The repository was not scanned (<code>--no-scan</code>): checks that need repository \
             evidence are inconclusive.</p>\n</section>\n",
        );
        return;
    };
    let kinds: Vec<String> = scan.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        o,
        "<p>{} files read ({}); {} skipped; {} could not be parsed; {} not evaluated.</p>",
        scan.files,
        Esc(&kinds.join(", ")),
        scan.skipped.len(),
        scan.errors.len(),
        scan.not_evaluated.len()
    );
    if !scan.errors.is_empty() || !scan.not_evaluated.is_empty() || !scan.skipped.is_empty() {
        o.push_str(
            "<table>\n<caption>Files the checks could not use</caption>\n<thead><tr><th scope=\"col\">Where</th>\
             <th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n",
        );
        for e in &scan.errors {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\"><code>{}</code></th><td>could not be parsed: {}</td></tr>",
                Esc(&e.location.to_string()),
                Esc(&e.message)
            );
        }
        for e in &scan.not_evaluated {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\"><code>{}</code></th><td>not evaluated: {}</td></tr>",
                Esc(&e.location.to_string()),
                Esc(&e.message)
            );
        }
        for s in &scan.skipped {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\"><code>{}</code></th><td>skipped: {}</td></tr>",
                Esc(&s.path),
                Esc(&s.reason)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    if !scan.choices.is_empty() {
        o.push_str("<p>What the review took:</p>\n<ul>\n");
        for c in &scan.choices {
            let _ = writeln!(
                o,
                "<li>{}: <code>{}</code> ({})</li>",
                Esc(&c.subject),
                Esc(&c.chosen),
                Esc(&c.why)
            );
        }
        o.push_str("</ul>\n");
    }
    if !scan.excluded.is_empty() {
        let _ = writeln!(
            o,
            "<table>\n<caption>Out of scope: {} files, read for secrets only</caption>\n<thead><tr><th scope=\"col\">Path</th>\
             <th scope=\"col\">Files</th><th scope=\"col\">Rule</th></tr></thead>\n<tbody>",
            scan.excluded_files()
        );
        for e in &scan.excluded {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td></tr>",
                Esc(&e.path),
                e.files,
                Esc(&e.rule)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

/// Small hand-built reviews for the renderers' unit tests.
#[cfg(test)]
pub(crate) mod sample {
    use launchgate_core::{Category, Effort, Finding, Location, Requirement, Severity, Status};
    use launchgate_policy::{AppliedWaiver, CheckResult, TraceEntry, Verdict};

    use crate::{
        Counts, ThresholdsView, Tool, WaiverState, WaiverView, {CategoryView, Review},
    };

    pub(crate) fn check(id: &str, status: Status, message: &str) -> CheckResult {
        CheckResult {
            id: id.to_string(),
            slug: format!("{}-slug", id.to_ascii_lowercase()),
            title: format!("Title of {id}"),
            category: Category::Safety,
            severity: Severity::Major,
            requirement: Requirement::Required,
            status,
            basis: None,
            inconclusive: false,
            blocking: false,
            message: message.to_string(),
            findings: vec![
                Finding::new(format!("finding of {id}")).at(Some(Location::new(
                    "deploy/app.yaml",
                    3,
                    7,
                ))),
            ],
            evidence: Vec::new(),
            effort: Effort(2),
            waiver: None,
        }
    }

    pub(crate) fn waiver(check: &str, expires: &str, state: WaiverState) -> WaiverView {
        WaiverView {
            check: check.to_string(),
            scope: Vec::new(),
            kind: "accepted-risk".to_string(),
            reason: format!("reason for {check}"),
            expires: expires.to_string(),
            approved_by: Some("alice".to_string()),
            ticket: Some("OPS-1".to_string()),
            state,
            expiring_soon: false,
            message: "applied".to_string(),
            location: None,
        }
    }

    /// A review of `service` with the given checks; counts follow the checks.
    pub(crate) fn review(
        service: &str,
        tier: u8,
        owner: Option<&str>,
        decision: Verdict,
        score: f64,
        on: &str,
        checks: Vec<CheckResult>,
    ) -> Review {
        let n = |s: Status| checks.iter().filter(|c| c.status == s).count();
        let counts = Counts {
            total: checks.len(),
            evaluated: checks.len() - n(Status::Skip) - n(Status::Waived),
            pass: n(Status::Pass),
            warn: n(Status::Warn),
            fail: n(Status::Fail),
            skip: n(Status::Skip),
            waived: n(Status::Waived),
        };
        Review {
            schema_version: crate::SCHEMA_VERSION,
            tool: Tool {
                name: "launchgate".to_string(),
                version: "0.0.0-test".to_string(),
            },
            evaluated_on: on.to_string(),
            service: service.to_string(),
            tier,
            scope: "service".to_string(),
            owner: owner.map(str::to_string),
            exposure: "internal".to_string(),
            data: "none".to_string(),
            stage: "production".to_string(),
            manifest: "launchgate.yaml".to_string(),
            decision,
            computed_decision: decision,
            pass_rate: "50%".to_string(),
            score,
            counts,
            thresholds: ThresholdsView {
                go: 90.0,
                conditional: 70.0,
                unsafe_allowed: false,
                hard_blocker_categories: vec![Category::Security],
                min_evaluated_checks: 3,
                require_evidence: Vec::new(),
                allow_unsafe_thresholds: false,
            },
            categories: vec![CategoryView {
                category: Category::Safety,
                title: "Safety Patterns".to_string(),
                weight: 1.0,
                score: Some(5.5),
                pass: counts.pass,
                warn: counts.warn,
                fail: counts.fail,
                skip: counts.skip,
                waived: counts.waived,
            }],
            checks,
            blockers: Vec::new(),
            warnings: Vec::new(),
            action_items: Vec::new(),
            estimated_effort_hours: 0,
            notices: Vec::new(),
            trace: vec![TraceEntry {
                rule: "threshold".to_string(),
                effect: Some(decision),
                check: None,
                message: "score against thresholds".to_string(),
            }],
            scan: None,
            waivers: Vec::new(),
            overrides: Vec::new(),
            signoffs: Vec::new(),
            content_hash: String::new(),
            history: Vec::new(),
            figures: std::collections::BTreeMap::new(),
            measurement_changes: Vec::new(),
            baseline_notes: Vec::new(),
            signoff_roles: Vec::new(),
        }
    }

    pub(crate) fn applied(kind: &str) -> AppliedWaiver {
        AppliedWaiver {
            kind: kind.to_string(),
            reason: "compensated by the gateway".to_string(),
            expires: "2026-12-01".to_string(),
            approved_by: Some("alice".to_string()),
            ticket: None,
            original_status: Status::Fail,
            location: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use launchgate_core::Status;
    use launchgate_policy::Verdict;

    use crate::{HistoryPoint, OverrideView, SignoffView, WaiverState};

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn one_row_per_check_with_its_status_and_location() {
        let r = sample::review(
            "api",
            1,
            Some("team-api"),
            Verdict::ConditionalGo,
            75.0,
            "2026-11-22",
            vec![
                sample::check("SAF-001", Status::Fail, "no timeout"),
                sample::check("SAF-002", Status::Warn, "retries unbounded"),
                sample::check("SAF-003", Status::Pass, "ok"),
                sample::check("SAF-004", Status::Pass, "ok"),
            ],
        );
        let html = render_html(&r);
        assert_eq!(count(&html, "<tr data-status=\"fail\""), 1);
        assert_eq!(count(&html, "<tr data-status=\"warn\""), 1);
        assert_eq!(count(&html, "<tr data-status=\"pass\""), 2);
        assert_eq!(count(&html, "<tr data-status="), 4);
        assert!(
            html.contains(
                "<li>finding of SAF-001 <code class=\"at\">deploy/app.yaml:3:7</code></li>"
            ),
            "{html}"
        );
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains(
            "<title>api: CONDITIONAL_GO (2026-11-22) - launchgate readiness review</title>"
        ));
        // Failing rows come first within a category.
        let fail = html.find("id=\"check-SAF-001\"").unwrap();
        let warn = html.find("id=\"check-SAF-002\"").unwrap();
        assert!(fail < warn);
        // No network: nothing is loaded from anywhere.
        for needle in ["http://", "https://", "src=", "@import", "url("] {
            let hits: Vec<_> = html
                .match_indices(needle)
                .filter(|(i, _)| !html[..*i].ends_with("xmlns=\""))
                .collect();
            assert!(hits.is_empty(), "{needle} in the page");
        }
        assert_eq!(render_html(&r), html, "output is deterministic");
    }

    #[test]
    fn each_finding_is_said_once_with_its_place_and_alike_ones_fold() {
        let mut c = sample::check("OBS-009", Status::Fail, "");
        c.findings = (1..=5)
            .map(|i| {
                launchgate_core::Finding::new(format!(
                    "alert `A{i}` routes to receiver `null`, which reaches nobody"
                ))
                .at(Some(launchgate_core::Location::new(
                    "rules/a-very-long-path/alerts.yaml",
                    i * 10,
                    5,
                )))
            })
            .collect();
        c.message = format!("{} (+4 more)", c.findings[0].message);
        let r = sample::review("api", 1, None, Verdict::NoGo, 50.0, "2026-11-22", vec![c]);
        let html = render_html(&r);
        // The summary message is not shown beside the findings it summarises.
        assert_eq!(count(&html, "(+4 more)"), 0, "{html}");
        assert_eq!(count(&html, "<code>A1</code>"), 1);
        assert!(
            html.contains("<details><summary>4 more like it</summary>"),
            "{html}"
        );
        for i in 1..=5 {
            let at = format!(
                "<code class=\"at\">rules/a-very-long-path/alerts.yaml:{}:5</code>",
                i * 10
            );
            assert_eq!(count(&html, &at), 1, "{at}");
        }
        // Long places wrap instead of widening the table.
        assert!(html.contains("overflow-wrap: anywhere; }"));
    }

    #[test]
    fn text_from_the_review_is_escaped_everywhere() {
        let evil = r#"<script>document.title="pwned"</script> & 'quotes'"#;
        let mut c = sample::check("SAF-001", Status::Fail, evil);
        c.findings[0].message = evil.to_string();
        c.findings[0].location.as_mut().unwrap().path = format!("dir/{evil}.yaml");
        let mut r = sample::review(
            evil,
            0,
            Some(evil),
            Verdict::NoGo,
            10.0,
            "2026-11-22",
            vec![c],
        );
        r.notices.push(evil.to_string());
        r.trace[0].message = evil.to_string();
        r.waivers
            .push(sample::waiver(evil, "2026-12-01", WaiverState::Refused));
        let html = render_html(&r);
        assert!(!html.contains("<script>document"), "{html}");
        assert!(!html.contains("'quotes'"));
        let escaped =
            "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt; &amp; &#39;quotes&#39;";
        // title, h1, header facts (service, owner), notice, message, finding, path, trace, waiver
        assert!(count(&html, escaped) >= 9, "{}", count(&html, escaped));
        assert_eq!(count(&html, "<script>"), 1, "only the page's own script");
    }

    #[test]
    fn governance_sections_show_waivers_overrides_signoffs_and_history() {
        let mut waived = sample::check("SAF-001", Status::Waived, "no timeout");
        waived.waiver = Some(sample::applied("compensating-control"));
        let mut r = sample::review(
            "api",
            1,
            None,
            Verdict::Go,
            92.5,
            "2026-11-22",
            vec![waived, sample::check("SAF-002", Status::Pass, "ok")],
        );
        r.computed_decision = Verdict::NoGo;
        r.waivers.push(sample::waiver(
            "SAF-001",
            "2026-12-01",
            WaiverState::Applied,
        ));
        r.waivers[0].expiring_soon = true;
        r.overrides.push(OverrideView {
            decision: Verdict::Go,
            approver: "carol".to_string(),
            roles: vec!["sre-lead".to_string()],
            reason: "launch window agreed".to_string(),
            expires: "2026-12-24".to_string(),
            recorded_at: "2026-11-21T10:00:00Z".to_string(),
            event_hash: "ab12".to_string(),
            applied: true,
            refused: None,
            cosigned_by: None,
            cosign: false,
        });
        r.signoffs.push(SignoffView {
            role: "security".to_string(),
            approver: "dave".to_string(),
            note: None,
            recorded_at: "2026-11-20T09:00:00Z".to_string(),
            event_hash: "cd34".to_string(),
            stale: true,
            refused: None,
        });
        r.history = vec![
            HistoryPoint {
                recorded_at: "2026-10-01T00:00:00Z".to_string(),
                evaluated_on: "2026-10-01".to_string(),
                decision: Verdict::NoGo,
                score: 40.0,
                commit: Some("abc123".to_string()),
            },
            HistoryPoint {
                recorded_at: "2026-11-01T00:00:00Z".to_string(),
                evaluated_on: "2026-11-01".to_string(),
                decision: Verdict::ConditionalGo,
                score: 80.0,
                commit: None,
            },
        ];
        let html = render_html(&r);
        assert_eq!(count(&html, "<tr data-status=\"waived\""), 1);
        assert!(html.contains("Waived (compensating-control) until 2026-12-01, approved by alice: compensated by the gateway"));
        assert!(html.contains(
            "The policy computed <span class=\"verdict v-no_go\">NO_GO</span>; an approved override set the final decision to <span class=\"verdict v-go\">GO</span>"
        ));
        assert!(html.contains("<th scope=\"row\">carol <span class=\"muted\">(sre-lead)</span></th><td>launch window agreed</td>"));
        assert!(html.contains("Applied: sets the final decision"));
        assert!(html.contains("<td>Stale: given on different results</td>"));
        assert!(
            html.contains(
                "<tr data-waiver=\"applied\"><th scope=\"row\"><code>SAF-001</code></th>"
            )
        );
        assert!(html.contains("expires within 14 days"));
        // History: two recorded points plus this review, as a line and as a table. The plot is
        // 160 high from y=12: 40% sits at 12 + 160 * 0.6 = 108, 92.5% at 12 + 160 * 0.075 = 24.
        assert_eq!(count(&html, "<circle "), 3);
        assert_eq!(count(&html, "<tr data-history>"), 2);
        assert!(html.contains("<polyline fill=\"none\" stroke=\"#3a6ea5\" stroke-width=\"2\" points=\"40.0,108.0 332.0,44.0 624.0,24.0\"/>"), "{html}");
        assert!(html.contains("<desc id=\"history-desc\">3 reviews from 2026-10-01 to 2026-11-22; scores from 40% to 92.5%."));
    }

    #[test]
    fn no_history_no_chart_and_empty_sections_say_so() {
        let r = sample::review("api", 2, None, Verdict::Go, 100.0, "2026-11-22", vec![]);
        let html = render_html(&r);
        assert!(!html.contains("<svg"));
        assert!(!html.contains("Score history"));
        assert!(html.contains("<p>The manifest declares no waivers.</p>"));
        assert!(html.contains("<p>No sign-offs are recorded for this service.</p>"));
        assert!(html.contains("<dt>Owner</dt><dd>not declared</dd>"));
        assert!(!html.contains("id=\"overrides\""));
    }

    #[test]
    fn headings_go_down_one_level_at_a_time() {
        let r = sample::review(
            "api",
            1,
            None,
            Verdict::Go,
            100.0,
            "2026-11-22",
            vec![sample::check("SAF-001", Status::Pass, "ok")],
        );
        let html = render_html(&r);
        let mut last = 0;
        for (i, _) in html.match_indices("<h") {
            let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
                continue;
            };
            assert!(level <= last + 1, "h{level} after h{last}");
            last = level;
        }
        assert_eq!(count(&html, "<h1"), 1);
        assert_eq!(count(&html, "<main>"), 1);
        assert_eq!(count(&html, "<table"), count(&html, "<caption>"));
    }

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(
            Esc(r#"<script>alert("x" & 'y')</script>"#).to_string(),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(Esc("plain é text").to_string(), "plain é text");
        assert_eq!(Esc("").to_string(), "");
    }

    #[test]
    fn backticks_become_code_and_stay_escaped() {
        assert_eq!(
            Md("set `a<b` and `c`").to_string(),
            "set <code>a&lt;b</code> and <code>c</code>"
        );
        assert_eq!(Md("odd ` tick").to_string(), "odd ` tick");
        assert_eq!(
            Md("`x` then ` alone").to_string(),
            "<code>x</code> then ` alone"
        );
        assert_eq!(Md("``").to_string(), "<code></code>");
        assert_eq!(Md("none").to_string(), "none");
    }

    #[test]
    fn the_policy_allows_exactly_the_page_script() {
        // SHA-256 of "" is 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= in base64.
        assert_eq!(
            csp(""),
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
