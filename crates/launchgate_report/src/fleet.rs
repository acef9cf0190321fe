//! The fleet view: many stored reviews (one per service) summarised on one static HTML page:
//! services by tier and decision, the checks failing most, a rollup per owner, and the waivers
//! about to expire.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use launchgate_core::Status;
use launchgate_policy::Verdict;

use crate::html::{Esc, Md, page_end, page_start, trim, verdict_badge};
use crate::{Review, WaiverState};

/// Rows in the "checks failing most" table; the rest are listed under it, folded.
const FAILING_ROWS: usize = 15;

/// How far ahead the fleet view looks for expiring waivers.
pub const EXPIRY_WINDOW_DAYS: i32 = 14;

/// One review in the fleet and the file it was read from.
#[derive(Debug, Clone)]
pub struct FleetMember {
    /// Where the review came from, as the user named it (shown in notes and the table).
    pub source: String,
    pub review: Review,
}

/// Two reviews of the same service: the newer one is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub service: String,
    pub kept: String,
    pub kept_on: String,
    pub dropped: String,
    pub dropped_on: String,
}

impl Replaced {
    /// One line for people: which file was kept and why.
    pub fn note(&self) -> String {
        let why = if self.kept_on == self.dropped_on {
            "same review date; the one given later is kept".to_string()
        } else {
            format!("{} is newer", self.kept_on)
        };
        format!(
            "service `{}` has more than one review: kept {} ({}), ignored {} ({}): {why}",
            self.service, self.kept, self.kept_on, self.dropped, self.dropped_on
        )
    }
}

/// The reviews of a fleet, one per service, sorted by tier, then decision (NO_GO first), then
/// service name.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The date expiring waivers are counted from: `--today`, else the newest review date.
    pub as_of: Date,
    pub members: Vec<FleetMember>,
    /// Reviews left out because a newer review of the same service was given.
    pub replaced: Vec<Replaced>,
}

/// Why a set of reviews cannot form a fleet view.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("no reviews given")]
    Empty,
    #[error("{file}: `evaluated_on` is `{value}`, not a date (YYYY-MM-DD)")]
    BadDate { file: String, value: String },
}

/// A check that fails in at least one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingCheck {
    pub id: String,
    pub slug: String,
    pub title: String,
    /// Services where it fails on what the evidence shows, sorted.
    pub services: Vec<String>,
    /// Services where it counts as a failure because its evidence could not be read
    /// (inconclusive), sorted: listed apart, since the fix is to the files, not the service.
    pub inconclusive: Vec<String>,
}

impl FailingCheck {
    /// Services where it fails, for either reason.
    pub fn total(&self) -> usize {
        self.services.len() + self.inconclusive.len()
    }
}

/// Services, decisions and mean score of one owner (team).
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerRollup {
    /// `None` for services that declare no owner.
    pub owner: Option<String>,
    pub services: usize,
    pub go: usize,
    pub conditional: usize,
    pub no_go: usize,
    /// Mean score in percent, one decimal.
    pub mean_score: f64,
}

/// An applied waiver that expires within [`EXPIRY_WINDOW_DAYS`] of the fleet's date, or has
/// already expired since its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringWaiver {
    pub service: String,
    pub owner: Option<String>,
    pub check: String,
    pub expires: String,
    /// Days from the fleet's date to the expiry (negative: already expired).
    pub days_left: i32,
    pub reason: String,
    pub approved_by: Option<String>,
}

fn parse_date(file: &str, value: &str) -> Result<Date, FleetError> {
    value.parse().map_err(|_| FleetError::BadDate {
        file: file.to_string(),
        value: value.to_string(),
    })
}

impl Fleet {
    /// Builds the fleet: one review per service (the newest `evaluated_on`; on a tie the one
    /// given later), counted from `today` or else the newest review date.
    pub fn build(members: Vec<FleetMember>, today: Option<Date>) -> Result<Fleet, FleetError> {
        if members.is_empty() {
            return Err(FleetError::Empty);
        }
        let mut by_service: BTreeMap<String, (Date, FleetMember)> = BTreeMap::new();
        let mut replaced = Vec::new();
        let mut newest = None;
        for mut m in members {
            // Stored reviews are read back from files: they pass the way out again, so the
            // page and the notes show no secret and no raw control character.
            if let std::borrow::Cow::Owned(r) = crate::safe::for_people(&m.review) {
                m.review = r;
            }
            let date = parse_date(&m.source, &m.review.evaluated_on)?;
            newest = newest.max(Some(date));
            match by_service.remove(&m.review.service) {
                Some((old_date, old)) if old_date > date => {
                    replaced.push(Replaced {
                        service: m.review.service.clone(),
                        kept: old.source.clone(),
                        kept_on: old.review.evaluated_on.clone(),
                        dropped: m.source.clone(),
                        dropped_on: m.review.evaluated_on.clone(),
                    });
                    by_service.insert(old.review.service.clone(), (old_date, old));
                }
                Some((_, old)) => {
                    replaced.push(Replaced {
                        service: m.review.service.clone(),
                        kept: m.source.clone(),
                        kept_on: m.review.evaluated_on.clone(),
                        dropped: old.source,
                        dropped_on: old.review.evaluated_on,
                    });
                    by_service.insert(m.review.service.clone(), (date, m));
                }
                None => {
                    by_service.insert(m.review.service.clone(), (date, m));
                }
            }
        }
        let mut members: Vec<FleetMember> = by_service.into_values().map(|(_, m)| m).collect();
        members.sort_by(|a, b| {
            (a.review.tier, a.review.decision, &a.review.service).cmp(&(
                b.review.tier,
                b.review.decision,
                &b.review.service,
            ))
        });
        replaced.sort_by(|a, b| (&a.service, &a.dropped).cmp(&(&b.service, &b.dropped)));
        let Some(as_of) = today.or(newest) else {
            return Err(FleetError::Empty);
        };
        Ok(Fleet {
            as_of,
            members,
            replaced,
        })
    }

    /// Checks failing in at least one service: most services first, then by ID.
    pub fn failing_checks(&self) -> Vec<FailingCheck> {
        let mut by_id: BTreeMap<&str, FailingCheck> = BTreeMap::new();
        for m in &self.members {
            for c in m.review.checks.iter().filter(|c| c.status == Status::Fail) {
                let row = by_id.entry(&c.id).or_insert_with(|| FailingCheck {
                    id: c.id.clone(),
                    slug: c.slug.clone(),
                    title: c.title.clone(),
                    services: Vec::new(),
                    inconclusive: Vec::new(),
                });
                let list = if c.inconclusive {
                    &mut row.inconclusive
                } else {
                    &mut row.services
                };
                list.push(m.review.service.clone());
            }
        }
        let mut out: Vec<FailingCheck> = by_id.into_values().collect();
        for f in &mut out {
            f.services.sort();
            f.inconclusive.sort();
        }
        out.sort_by(|a, b| {
            b.total()
                .cmp(&a.total())
                .then(b.services.len().cmp(&a.services.len()))
                .then(a.id.cmp(&b.id))
        });
        out
    }

    /// One row per owner, sorted by owner; services without an owner last.
    pub fn owners(&self) -> Vec<OwnerRollup> {
        let mut by_owner: BTreeMap<(bool, Option<&str>), (OwnerRollup, f64)> = BTreeMap::new();
        for m in &self.members {
            let owner = m.review.owner.as_deref();
            let (row, sum) = by_owner.entry((owner.is_none(), owner)).or_insert((
                OwnerRollup {
                    owner: owner.map(str::to_string),
                    services: 0,
                    go: 0,
                    conditional: 0,
                    no_go: 0,
                    mean_score: 0.0,
                },
                0.0,
            ));
            row.services += 1;
            match m.review.decision {
                Verdict::Go => row.go += 1,
                Verdict::ConditionalGo => row.conditional += 1,
                Verdict::NoGo => row.no_go += 1,
            }
            *sum += m.review.score;
        }
        by_owner
            .into_values()
            .map(|(mut row, sum)| {
                row.mean_score = (sum / row.services as f64 * 10.0).round() / 10.0;
                row
            })
            .collect()
    }

    /// Applied waivers expiring on or before `as_of` + 14 days (including those already past),
    /// soonest first. A waiver whose date cannot be read is listed as expiring today.
    pub fn expiring_waivers(&self) -> Vec<ExpiringWaiver> {
        let mut out = Vec::new();
        for m in &self.members {
            for w in m
                .review
                .waivers
                .iter()
                .filter(|w| w.state == WaiverState::Applied)
            {
                let days_left = w
                    .expires
                    .parse::<Date>()
                    .ok()
                    .and_then(|d| self.as_of.until(d).ok())
                    .map_or(0, |span| span.get_days());
                if days_left > EXPIRY_WINDOW_DAYS {
                    continue;
                }
                out.push(ExpiringWaiver {
                    service: m.review.service.clone(),
                    owner: m.review.owner.clone(),
                    check: w.check.clone(),
                    expires: w.expires.clone(),
                    days_left,
                    reason: w.reason.clone(),
                    approved_by: w.approved_by.clone(),
                });
            }
        }
        out.sort_by(|a, b| {
            (a.days_left, &a.service, &a.check).cmp(&(b.days_left, &b.service, &b.check))
        });
        out
    }
}

/// Sorts the services table by a header button, or by `#sort=score` / `#sort=score-desc` in the
/// address. Without JS the table keeps its order: tier, then decision, then name.
const FLEET_JS: &str = r"
(function () {
  var table = document.getElementById('services');
  var heads = table.querySelectorAll('thead th[data-key]');
  function sortBy(th, dir) {
    var i = th.cellIndex;
    var num = th.hasAttribute('data-num');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[i].getAttribute('data-sort'), y = b.cells[i].getAttribute('data-sort');
      var c = num ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : (x > y ? 1 : 0));
      return dir * c || a.getAttribute('data-order') - b.getAttribute('data-order');
    });
    rows.forEach(function (r) { body.appendChild(r); });
    heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
  }
  heads.forEach(function (th) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'sort';
    b.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(b);
    b.addEventListener('click', function () {
      sortBy(th, th.getAttribute('aria-sort') === 'ascending' ? -1 : 1);
    });
  });
  var m = /^#sort=([a-z]+)(-desc)?$/.exec(location.hash);
  if (m) {
    var th = table.querySelector('thead th[data-key=' + m[1] + ']');
    if (th) { sortBy(th, m[2] ? -1 : 1); }
  }
})();
";

fn decision_rank(v: Verdict) -> u8 {
    match v {
        Verdict::NoGo => 0,
        Verdict::ConditionalGo => 1,
        Verdict::Go => 2,
    }
}

/// Renders the fleet as one self-contained HTML page.
pub fn render_fleet_html(f: &Fleet) -> String {
    let mut o = String::with_capacity(32 * 1024);
    let count = |v: Verdict| f.members.iter().filter(|m| m.review.decision == v).count();
    let (go, cond, no_go) = (
        count(Verdict::Go),
        count(Verdict::ConditionalGo),
        count(Verdict::NoGo),
    );
    let generator = f.members.first().map_or_else(
        || "launchgate".to_string(),
        |m| format!("{} {}", m.review.tool.name, m.review.tool.version),
    );
    let title = format!(
        "Fleet readiness: {} services, {go} GO, {cond} CONDITIONAL_GO, {no_go} NO_GO ({})",
        f.members.len(),
        f.as_of
    );
    page_start(
        &mut o,
        &title,
        &generator,
        FLEET_JS,
        ("services-heading", "services"),
    );
    let _ = writeln!(
        o,
        "<header class=\"page\">\n<h1>Fleet readiness</h1>\n<dl class=\"facts\">\n\
         <div><dt>Services</dt><dd>{}</dd></div>\n<div><dt>As of</dt><dd>{}</dd></div>\n\
         <div><dt>GO</dt><dd>{go}</dd></div>\n<div><dt>CONDITIONAL_GO</dt><dd>{cond}</dd></div>\n\
         <div><dt>NO_GO</dt><dd>{no_go}</dd></div>\n</dl>\n</header>\n<main>",
        f.members.len(),
        f.as_of,
    );
    if !f.replaced.is_empty() {
        o.push_str("<section aria-labelledby=\"notes\">\n<h2 id=\"notes\">Notes</h2>\n<ul>\n");
        for r in &f.replaced {
            let _ = writeln!(o, "<li>{}</li>", Esc(&r.note()));
        }
        o.push_str("</ul>\n</section>\n");
    }
    services(&mut o, f);
    failing(&mut o, f);
    owners(&mut o, f);
    expiring(&mut o, f);
    let _ = writeln!(
        o,
        "</main>\n<footer class=\"page\"><p>Generated by {} from {} review file{}. \
         Waivers are counted from {}.</p></footer>",
        Esc(&generator),
        f.members.len() + f.replaced.len(),
        if f.members.len() + f.replaced.len() == 1 {
            ""
        } else {
            "s"
        },
        f.as_of
    );
    page_end(&mut o, FLEET_JS);
    o
}

fn services(o: &mut String, f: &Fleet) {
    o.push_str(
        "<section aria-labelledby=\"services-heading\">\n<h2 id=\"services-heading\">Services</h2>\n\
         <table id=\"services\">\n<caption>One row per service: tier, then decision (NO_GO first), then name. \
         Select a column heading to sort.</caption>\n<thead><tr>\
         <th scope=\"col\" data-key=\"service\">Service</th><th scope=\"col\" data-key=\"tier\" data-num>Tier</th>\
         <th scope=\"col\" data-key=\"owner\">Owner</th><th scope=\"col\" data-key=\"decision\" data-num>Decision</th>\
         <th scope=\"col\" data-key=\"score\" data-num class=\"num\">Score</th><th scope=\"col\" data-key=\"blockers\" data-num class=\"num\">Blockers</th>\
         <th scope=\"col\" data-key=\"fail\" data-num class=\"num\">Fail</th><th scope=\"col\" data-key=\"warn\" data-num class=\"num\">Warn</th>\
         <th scope=\"col\" data-key=\"waived\" data-num class=\"num\">Waived</th><th scope=\"col\" data-key=\"date\">Review date</th>\
         <th scope=\"col\">Review file</th></tr></thead>\n<tbody>\n",
    );
    for (i, m) in f.members.iter().enumerate() {
        let r = &m.review;
        let owner = r.owner.as_deref().unwrap_or("");
        let overridden = if r.decision == r.computed_decision {
            String::new()
        } else {
            format!(
                " <span class=\"tag\">override; computed {}</span>",
                r.computed_decision.label()
            )
        };
        let _ = writeln!(
            o,
            "<tr data-service=\"{svc}\" data-order=\"{i}\"><th scope=\"row\" data-sort=\"{svc}\">{svc}</th>\
             <td data-sort=\"{}\">Tier {}</td><td data-sort=\"{own}\">{}</td>\
             <td data-sort=\"{}\">{}{overridden}</td><td class=\"num\" data-sort=\"{}\">{}</td>\
             <td class=\"num\" data-sort=\"{b}\">{b}</td><td class=\"num\" data-sort=\"{fl}\">{fl}</td>\
             <td class=\"num\" data-sort=\"{wn}\">{wn}</td><td class=\"num\" data-sort=\"{wv}\">{wv}</td>\
             <td data-sort=\"{date}\">{date}</td><td><code>{}</code></td></tr>",
            r.tier,
            r.tier,
            if owner.is_empty() {
                "<span class=\"muted\">not declared</span>".to_string()
            } else {
                Esc(owner).to_string()
            },
            decision_rank(r.decision),
            verdict_badge(r.decision),
            r.score,
            Esc(&r.score_text()),
            Esc(&m.source),
            svc = Esc(&r.service),
            own = Esc(owner),
            b = r.blockers.len(),
            fl = r.counts.fail,
            wn = r.counts.warn,
            wv = r.counts.waived,
            date = Esc(&r.evaluated_on),
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn failing(o: &mut String, f: &Fleet) {
    o.push_str(
        "<section aria-labelledby=\"failing\">\n<h2 id=\"failing\">Checks failing most</h2>\n",
    );
    let checks = f.failing_checks();
    if checks.is_empty() {
        o.push_str("<p>No check fails in any service.</p>\n</section>\n");
        return;
    }
    o.push_str(
        "<table>\n<caption>Checks with status FAIL, by the number of services they fail in. \
         Inconclusive counts the services where the check fails because its evidence could not be read \
         (a parse error, a file not evaluated): fix those files first.</caption>\n\
         <thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Requirement</th>\
         <th scope=\"col\" class=\"num\">Services</th><th scope=\"col\" class=\"num\">Inconclusive</th>\
         <th scope=\"col\">Failing in</th></tr></thead>\n<tbody>\n",
    );
    let (top, rest) = checks.split_at(checks.len().min(FAILING_ROWS));
    for c in top {
        let _ = writeln!(
            o,
            "<tr data-check=\"{}\"><th scope=\"row\"><code>{}</code><br>{}</th><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            Esc(&c.id),
            Esc(&c.id),
            Esc(&c.slug),
            Md(&c.title),
            c.total(),
            c.inconclusive.len(),
            Esc(&failing_in(c)),
        );
    }
    o.push_str("</tbody>\n</table>\n");
    if !rest.is_empty() {
        let _ = write!(
            o,
            "<details><summary>{} more failing check{}</summary>\n<ul>\n",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        );
        for c in rest {
            let _ = writeln!(
                o,
                "<li data-check=\"{}\"><code>{}</code> {}: {}</li>",
                Esc(&c.id),
                Esc(&c.id),
                Esc(&c.slug),
                Esc(&failing_in(c)),
            );
        }
        o.push_str("</ul>\n</details>\n");
    }
    o.push_str("</section>\n");
}

/// The services a check fails in, inconclusive ones marked: `a, b, c (inconclusive)`.
fn failing_in(c: &FailingCheck) -> String {
    c.services
        .iter()
        .cloned()
        .chain(c.inconclusive.iter().map(|s| format!("{s} (inconclusive)")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn owners(o: &mut String, f: &Fleet) {
    o.push_str(
        "<section aria-labelledby=\"owners\">\n<h2 id=\"owners\">Owners</h2>\n\
         <table>\n<caption>Services and decisions per owning team</caption>\n<thead><tr>\
         <th scope=\"col\">Owner</th><th scope=\"col\" class=\"num\">Services</th><th scope=\"col\" class=\"num\">GO</th>\
         <th scope=\"col\" class=\"num\">CONDITIONAL_GO</th><th scope=\"col\" class=\"num\">NO_GO</th>\
         <th scope=\"col\" class=\"num\">Mean score</th></tr></thead>\n<tbody>\n",
    );
    for r in f.owners() {
        let owner = r.owner.as_deref().map_or_else(
            || "<span class=\"muted\">no owner declared</span>".to_string(),
            |o| Esc(o).to_string(),
        );
        let _ = writeln!(
            o,
            "<tr data-owner><th scope=\"row\">{owner}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}%</td></tr>",
            r.services,
            r.go,
            r.conditional,
            r.no_go,
            trim(r.mean_score),
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn expiring(o: &mut String, f: &Fleet) {
    let _ = writeln!(
        o,
        "<section aria-labelledby=\"expiring\">\n<h2 id=\"expiring\">Waivers expiring soon</h2>\n\
         <p>Applied waivers that expire within {EXPIRY_WINDOW_DAYS} days of {}, or have expired since their review.</p>",
        f.as_of
    );
    let list = f.expiring_waivers();
    if list.is_empty() {
        o.push_str("<p>None.</p>\n</section>\n");
        return;
    }
    o.push_str(
        "<table>\n<caption>Waivers by expiry date, soonest first</caption>\n<thead><tr>\
         <th scope=\"col\">Service</th><th scope=\"col\">Owner</th><th scope=\"col\">Check</th>\
         <th scope=\"col\">Expires</th><th scope=\"col\">Reason</th><th scope=\"col\">Approved by</th></tr></thead>\n<tbody>\n",
    );
    for w in &list {
        let when = match w.days_left {
            d if d < 0 => format!("expired {} day{} ago", -d, if d == -1 { "" } else { "s" }),
            0 => "today".to_string(),
            d => format!("in {d} day{}", if d == 1 { "" } else { "s" }),
        };
        let _ = writeln!(
            o,
            "<tr data-expiring><th scope=\"row\">{}</th><td>{}</td><td><code>{}</code></td>\
             <td>{} <span class=\"tag s-warn\">{when}</span></td><td>{}</td><td>{}</td></tr>",
            Esc(&w.service),
            Esc(w.owner.as_deref().unwrap_or("")),
            Esc(&w.check),
            Esc(&w.expires),
            Esc(&w.reason),
            Esc(w.approved_by.as_deref().unwrap_or("")),
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use launchgate_core::Status;
    use launchgate_policy::Verdict;

    use super::*;
    use crate::html::sample;

    fn member(source: &str, review: Review) -> FleetMember {
        FleetMember {
            source: source.to_string(),
            review,
        }
    }

    fn svc(name: &str, tier: u8, owner: Option<&str>, d: Verdict, score: f64, on: &str) -> Review {
        sample::review(name, tier, owner, d, score, on, Vec::new())
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn sorted_by_tier_then_decision_then_name() {
        let f = Fleet::build(
            vec![
                member("a", svc("zeta", 1, None, Verdict::Go, 95.0, "2026-11-01")),
                member("b", svc("alpha", 1, None, Verdict::Go, 95.0, "2026-11-01")),
                member("c", svc("mid", 1, None, Verdict::NoGo, 20.0, "2026-11-01")),
                member("d", svc("late", 2, None, Verdict::NoGo, 20.0, "2026-11-01")),
                member("e", svc("core", 0, None, Verdict::Go, 99.0, "2026-11-03")),
            ],
            None,
        )
        .unwrap();
        let names: Vec<&str> = f
            .members
            .iter()
            .map(|m| m.review.service.as_str())
            .collect();
        assert_eq!(names, ["core", "mid", "alpha", "zeta", "late"]);
        assert_eq!(f.as_of, date("2026-11-03"), "the newest review date");
        assert!(f.replaced.is_empty());
    }

    #[test]
    fn duplicates_keep_the_newest_review_and_say_so() {
        let f = Fleet::build(
            vec![
                member(
                    "new.json",
                    svc("api", 1, None, Verdict::Go, 95.0, "2026-11-20"),
                ),
                member(
                    "old.json",
                    svc("api", 1, None, Verdict::NoGo, 10.0, "2026-10-01"),
                ),
                member(
                    "one.json",
                    svc("web", 1, None, Verdict::Go, 95.0, "2026-11-20"),
                ),
                member(
                    "two.json",
                    svc("web", 1, None, Verdict::NoGo, 15.0, "2026-11-20"),
                ),
            ],
            None,
        )
        .unwrap();
        assert_eq!(f.members.len(), 2);
        let kept: Vec<&str> = f.members.iter().map(|m| m.source.as_str()).collect();
        assert_eq!(kept, ["two.json", "new.json"]);
        let notes: Vec<String> = f.replaced.iter().map(Replaced::note).collect();
        assert_eq!(
            notes,
            [
                "service `api` has more than one review: kept new.json (2026-11-20), ignored old.json (2026-10-01): 2026-11-20 is newer",
                "service `web` has more than one review: kept two.json (2026-11-20), ignored one.json (2026-11-20): same review date; the one given later is kept",
            ]
        );
        let html = render_fleet_html(&f);
        assert_eq!(html.matches("<tr data-service=").count(), 2);
        assert!(html.contains("<h2 id=\"notes\">Notes</h2>"));
        assert!(html.contains("from 4 review files"));
    }

    #[test]
    fn a_bad_date_names_the_file_and_nothing_is_an_error() {
        let err = Fleet::build(
            vec![member(
                "x.json",
                svc("api", 1, None, Verdict::Go, 9.0, "someday"),
            )],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.json: `evaluated_on` is `someday`, not a date (YYYY-MM-DD)"
        );
        assert_eq!(
            Fleet::build(Vec::new(), None).unwrap_err().to_string(),
            "no reviews given"
        );
    }

    #[test]
    fn failing_checks_owners_and_expiring_waivers() {
        let fail = |id: &str| sample::check(id, Status::Fail, "bad");
        let a = sample::review(
            "a",
            0,
            Some("team-x"),
            Verdict::NoGo,
            20.0,
            "2026-11-20",
            vec![fail("SAF-002"), fail("CAP-001")],
        );
        let mut b = sample::review(
            "b",
            1,
            Some("team-x"),
            Verdict::ConditionalGo,
            75.5,
            "2026-11-18",
            vec![
                fail("SAF-002"),
                sample::check("CAP-001", Status::Pass, "ok"),
            ],
        );
        b.waivers = vec![
            sample::waiver("SAF-009", "2026-12-04", WaiverState::Applied),
            sample::waiver("SAF-010", "2026-12-05", WaiverState::Applied),
            sample::waiver("SAF-011", "2026-11-15", WaiverState::Applied),
            sample::waiver("SAF-012", "2026-11-25", WaiverState::Refused),
        ];
        let mut unreadable = sample::check("CAP-001", Status::Fail, "inconclusive");
        unreadable.inconclusive = true;
        let c = sample::review(
            "c",
            2,
            None,
            Verdict::Go,
            100.0,
            "2026-11-20",
            vec![unreadable],
        );
        let f = Fleet::build(
            vec![member("a", a), member("b", b), member("c", c)],
            Some(date("2026-11-20")),
        )
        .unwrap();
        // An inconclusive failure counts, but apart: the fix is to the files, not the service.
        let cap = f
            .failing_checks()
            .into_iter()
            .find(|c| c.id == "CAP-001")
            .unwrap();
        assert_eq!(
            (cap.services, cap.inconclusive),
            (vec!["a".to_string()], vec!["c".to_string()])
        );
        let page = render_fleet_html(&f);
        assert!(
            page.contains(
                "<td class=\"num\">2</td><td class=\"num\">1</td><td>a, c (inconclusive)</td>"
            ),
            "{page}"
        );

        let failing: Vec<(String, Vec<String>)> = f
            .failing_checks()
            .into_iter()
            .map(|c| (c.id, c.services))
            .collect();
        assert_eq!(
            failing,
            [
                (
                    "SAF-002".to_string(),
                    vec!["a".to_string(), "b".to_string()]
                ),
                ("CAP-001".to_string(), vec!["a".to_string()]),
            ]
        );

        assert_eq!(
            f.owners(),
            [
                OwnerRollup {
                    owner: Some("team-x".to_string()),
                    services: 2,
                    go: 0,
                    conditional: 1,
                    no_go: 1,
                    mean_score: 47.8,
                },
                OwnerRollup {
                    owner: None,
                    services: 1,
                    go: 1,
                    conditional: 0,
                    no_go: 0,
                    mean_score: 100.0,
                },
            ]
        );

        // 14 days from 2026-11-20 is 2026-12-04: included; 12-05 is not; refused ones never.
        let expiring: Vec<(String, i32)> = f
            .expiring_waivers()
            .into_iter()
            .map(|w| (w.check, w.days_left))
            .collect();
        assert_eq!(
            expiring,
            [("SAF-011".to_string(), -5), ("SAF-009".to_string(), 14)]
        );
        let html = render_fleet_html(&f);
        assert!(html.contains("expired 5 days ago"));
        assert!(html.contains("in 14 days"));
        assert_eq!(html.matches("<tr data-expiring>").count(), 2);
        assert_eq!(html.matches("<tr data-owner>").count(), 2);
        assert_eq!(html.matches("<tr data-check=").count(), 2);
    }

    #[test]
    fn many_failing_checks_fold_after_the_top_rows() {
        let checks = (1..=20)
            .map(|i| sample::check(&format!("SAF-{i:03}"), Status::Fail, "bad"))
            .collect();
        let r = sample::review("a", 0, None, Verdict::NoGo, 0.0, "2026-11-20", checks);
        let f = Fleet::build(vec![member("a", r)], None).unwrap();
        let html = render_fleet_html(&f);
        assert_eq!(html.matches("<tr data-check=").count(), FAILING_ROWS);
        assert_eq!(html.matches("<li data-check=").count(), 20 - FAILING_ROWS);
        assert!(html.contains("<summary>5 more failing checks</summary>"));
    }

    #[test]
    fn service_names_and_files_are_escaped() {
        let evil = "<img src=x onerror=alert(1)>\"'";
        let f = Fleet::build(
            vec![member(
                evil,
                svc(evil, 1, Some(evil), Verdict::Go, 95.0, "2026-11-20"),
            )],
            None,
        )
        .unwrap();
        let html = render_fleet_html(&f);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;"));
        assert_eq!(html.matches("<script>").count(), 1);
    }
}
