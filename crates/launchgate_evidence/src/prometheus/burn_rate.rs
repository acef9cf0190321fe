//! Multiwindow, multi-burn-rate alerts: finding them in alert expressions and checking that
//! their thresholds fit the SLO they guard.
//!
//! A burn-rate pair is an alert condition `(long_window_error_ratio > T) and
//! (short_window_error_ratio > T)`: several pairs may be joined with `or` in one alert (Sloth
//! writes a page and a ticket alert that way), each comparison may sit inside an aggregation
//! (`max(... > T) without (sloth_window)`), and the comparison may be written either way round
//! (`T < ratio`). The threshold is constant arithmetic (`14.4 * (1 - 0.999)`, `(14 * (1-0.99))`,
//! `0.0144`), evaluated here. Each side's window comes from its range selectors (`[1h]`), else
//! from the name of the recording rule it reads (`slo:sli_error:ratio_rate1h`,
//! `http_requests:burnrate1h`), else from that recording rule (its `sloth_window` label or its
//! own expression).
//!
//! A pair's *factor* is `threshold / (1 - objective)`. It is accepted when its windows and
//! factor both lie within [`TOLERANCE`] (5 %) of an expected pair (see [`expected_pairs`]):
//!
//! - The Site Reliability Workbook ("Alerting on SLOs", table 5-8), which Sloth generates: pages
//!   at 14.4 over 1h/5m (2 % of a 30-day budget) and 6 over 6h/30m (5 %); tickets at 3 over
//!   1d/2h and 1 over 3d/6h (10 % each). Sloth scales the factors to its SLO period (for 28
//!   days 13.44, 5.6, 2.8 and 0.93), so for another window those are accepted too.
//! - Pyrra (`slo/rules.go`, `Windows`): 14 over 1h/5m, 7 over 6h/30m, 2 over 1d/2h and 1 over
//!   4d/6h for a 28-day window, the windows scaled with the SLO window and rounded to the
//!   minute (a 30-day SLO gets 1h4m/5m, 6h26m/32m, 1d1h43m/2h9m and 4d6h51m/6h26m).
//!
//! A pair whose windows fit but whose factor does not is mis-scaled; when its threshold fits an
//! accepted factor for another common objective, the report says which ("thresholds assume 99%
//! but the SLO is 99.9%").

use std::fmt;
use std::fmt::Write as _;

use promql_parser::parser::{Expr, VectorSelector};

use super::{Rule, duration_seconds, vector_selectors};
use crate::Loc;

/// Relative tolerance for windows and factors: 5 %. Pyrra's 14 and the workbook's 14.4 differ
/// by 2.8 % and are told apart by the closest match; the smallest other distance between
/// accepted values of one slot (13.44 against 14) is outside it only for the scaled factors,
/// which are listed separately.
pub const TOLERANCE: f64 = 0.05;

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

/// Objectives a mis-scaled threshold is tried against, to say which one it was written for.
const COMMON_OBJECTIVES: [f64; 10] = [
    90.0, 95.0, 97.0, 98.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.999,
];

/// Who recommends an expected pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// The Site Reliability Workbook's table, as Sloth generates it.
    Workbook,
    /// Pyrra's windows and factors.
    Pyrra,
}

impl Family {
    /// The name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Family::Workbook => "SRE workbook / Sloth",
            Family::Pyrra => "Pyrra",
        }
    }
}

/// The four pairs of a complete multiwindow, multi-burn-rate setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// Fast burn that pages: 1h/5m.
    PageFast,
    /// Slower burn that pages: 6h/30m.
    PageSlow,
    /// Ticket: 1d/2h.
    TicketFast,
    /// Ticket: 3d/6h (workbook) or 4d/6h (Pyrra).
    TicketSlow,
}

impl Slot {
    /// Every slot, pages first.
    pub const ALL: [Slot; 4] = [
        Slot::PageFast,
        Slot::PageSlow,
        Slot::TicketFast,
        Slot::TicketSlow,
    ];

    /// Whether the pair should page (the others open tickets).
    pub fn pages(self) -> bool {
        matches!(self, Slot::PageFast | Slot::PageSlow)
    }

    /// `page` or `ticket`.
    pub fn severity(self) -> &'static str {
        if self.pages() { "page" } else { "ticket" }
    }
}

/// An accepted pair of windows and factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpectedPair {
    pub family: Family,
    pub slot: Slot,
    /// The long window, in seconds.
    pub long: u64,
    /// The short window, in seconds.
    pub short: u64,
    /// The burn-rate factor.
    pub factor: f64,
}

impl ExpectedPair {
    /// The alert threshold for an objective in percent: `factor * (1 - objective)`.
    pub fn threshold(&self, objective_percent: f64) -> f64 {
        self.factor * (1.0 - objective_percent / 100.0)
    }

    /// The threshold as users write it: `14.4 * (1 - 0.999)`.
    pub fn threshold_expr(&self, objective_percent: f64) -> String {
        format!(
            "{} * (1 - {})",
            number(self.factor),
            number(objective_percent / 100.0)
        )
    }
}

impl fmt::Display for ExpectedPair {
    /// `14.4 over 1h/5m (page, SRE workbook / Sloth)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} over {}/{} ({}, {})",
            number(self.factor),
            duration(self.long),
            duration(self.short),
            self.slot.severity(),
            self.family.name()
        )
    }
}

/// A number for messages: six significant digits, without trailing zeros (`14.4`, `0.0144`,
/// `99.95`).
pub fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = usize::try_from((5 - magnitude).clamp(0, 15)).unwrap_or(0);
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A duration in seconds the way Prometheus writes it: `1h`, `5m`, `1d1h43m`, `90s`.
pub fn duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, size) in [("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1)] {
        if rest >= size {
            let _ = write!(out, "{}{unit}", rest / size);
            rest %= size;
        }
    }
    out
}

fn close(value: f64, expected: f64) -> bool {
    expected > 0.0 && ((value - expected) / expected).abs() <= TOLERANCE
}

fn close_secs(value: u64, expected: u64) -> bool {
    close(value as f64, expected as f64)
}

/// The accepted pairs for an SLO window (`None`: 30 days for the workbook, Pyrra's 28 days).
pub fn expected_pairs(window_seconds: Option<u64>) -> Vec<ExpectedPair> {
    // (slot, long, short, share of the budget the pair spends before it fires)
    let workbook = [
        (Slot::PageFast, HOUR, 5 * MINUTE, 0.02),
        (Slot::PageSlow, 6 * HOUR, 30 * MINUTE, 0.05),
        (Slot::TicketFast, DAY, 2 * HOUR, 0.10),
        (Slot::TicketSlow, 3 * DAY, 6 * HOUR, 0.10),
    ];
    let mut out = Vec::new();
    let mut periods = vec![30 * DAY];
    if let Some(w) = window_seconds.filter(|w| *w > 0 && *w != 30 * DAY) {
        periods.push(w);
    }
    for period in periods {
        for (slot, long, short, share) in workbook {
            let factor = share * period as f64 / long as f64;
            let e = ExpectedPair {
                family: Family::Workbook,
                slot,
                long,
                short,
                factor,
            };
            if !out
                .iter()
                .any(|o: &ExpectedPair| o.slot == slot && (o.factor - factor).abs() < 1e-9)
            {
                out.push(e);
            }
        }
    }
    let window = window_seconds.filter(|w| *w > 0).unwrap_or(28 * DAY);
    let scale = |base: u64| {
        let secs = base as f64 * window as f64 / (28 * DAY) as f64;
        ((secs / MINUTE as f64).round() as u64).max(1) * MINUTE
    };
    for (slot, long, short, factor) in [
        (Slot::PageFast, HOUR, 5 * MINUTE, 14.0),
        (Slot::PageSlow, 6 * HOUR, 30 * MINUTE, 7.0),
        (Slot::TicketFast, DAY, 2 * HOUR, 2.0),
        (Slot::TicketSlow, 4 * DAY, 6 * HOUR, 1.0),
    ] {
        out.push(ExpectedPair {
            family: Family::Pyrra,
            slot,
            long: scale(long),
            short: scale(short),
            factor,
        });
    }
    out
}

/// A burn-rate pair found in an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The alert's name.
    pub alert: String,
    /// The alert's `expr:` value.
    pub loc: Loc,
    /// The long window, in seconds.
    pub long: u64,
    /// The short window, in seconds.
    pub short: u64,
    /// The long side's threshold.
    pub threshold: f64,
    /// The short side's threshold (usually the same).
    pub short_threshold: f64,
    /// `threshold / (1 - objective)`; 0 until verified against an objective.
    pub factor: f64,
    /// The accepted pair it fits, if any.
    pub matched: Option<ExpectedPair>,
}

impl Pair {
    /// `1h/5m`.
    pub fn windows(&self) -> String {
        format!("{}/{}", duration(self.long), duration(self.short))
    }
}

/// A pair whose windows fit an accepted pair but whose threshold does not fit the objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Misscaled {
    pub pair: Pair,
    /// The accepted pairs with these windows, closest factor first.
    pub expected: Vec<ExpectedPair>,
    /// The common objective the thresholds would fit, when one does.
    pub assumed_objective: Option<f64>,
    /// What is wrong and how to write it.
    pub message: String,
}

/// The verdict on one SLO's burn-rate alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnRateReport {
    /// The objective, in percent.
    pub objective: f64,
    /// Every pair found, by alert and position; `matched` says which are accepted.
    pub pairs: Vec<Pair>,
    /// Slots no pair fills (not even a mis-scaled one), as the pair to add.
    pub missing: Vec<ExpectedPair>,
    /// Pairs with fitting windows and a threshold that does not fit the objective.
    pub misscaled: Vec<Misscaled>,
}

impl BurnRateReport {
    /// The accepted pairs.
    pub fn matched(&self) -> impl Iterator<Item = (&Pair, &ExpectedPair)> {
        self.pairs
            .iter()
            .filter_map(|p| p.matched.as_ref().map(|m| (p, m)))
    }
}

fn strip(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

fn op(e: &Expr) -> Option<String> {
    match e {
        Expr::Binary(b) => Some(b.op.to_string()),
        _ => None,
    }
}

/// Evaluates constant arithmetic: numbers, parentheses, unary minus, `+ - * / % ^`, and
/// `vector(c)` / `scalar(c)` of a constant.
pub fn constant(e: &Expr) -> Option<f64> {
    match strip(e) {
        Expr::NumberLiteral(n) => Some(n.val),
        Expr::Unary(u) => constant(&u.expr).map(|v| -v),
        Expr::Call(c) if matches!(c.func.name, "vector" | "scalar") && c.args.args.len() == 1 => {
            constant(&c.args.args[0])
        }
        Expr::Binary(bin) => {
            let (lhs, rhs) = (constant(&bin.lhs)?, constant(&bin.rhs)?);
            let value = match bin.op.to_string().as_str() {
                "+" => lhs + rhs,
                "-" => lhs - rhs,
                "*" => lhs * rhs,
                "/" => lhs / rhs,
                "%" => lhs % rhs,
                "^" => lhs.powf(rhs),
                _ => return None,
            };
            value.is_finite().then_some(value)
        }
        _ => None,
    }
}

fn split<'a>(e: &'a Expr, operator: &str, out: &mut Vec<&'a Expr>) {
    let e = strip(e);
    match e {
        Expr::Binary(b) if b.op.to_string() == operator => {
            split(&b.lhs, operator, out);
            split(&b.rhs, operator, out);
        }
        _ => out.push(e),
    }
}

/// `ratio > T` (or `T < ratio`), also inside an aggregation: the side and the threshold.
fn condition(e: &Expr) -> Option<(&Expr, f64)> {
    match strip(e) {
        Expr::Aggregate(a) => condition(&a.expr),
        Expr::Binary(b) => {
            if b.modifier.as_ref().is_some_and(|m| m.return_bool) {
                return None;
            }
            match (
                b.op.to_string().as_str(),
                constant(&b.lhs),
                constant(&b.rhs),
            ) {
                (">" | ">=", None, Some(t)) => Some((&b.lhs, t)),
                ("<" | "<=", Some(t), None) => Some((&b.rhs, t)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn ranges(e: &Expr, out: &mut Vec<u64>) {
    match e {
        Expr::Aggregate(a) => ranges(&a.expr, out),
        Expr::Unary(u) => ranges(&u.expr, out),
        Expr::Binary(b) => {
            ranges(&b.lhs, out);
            ranges(&b.rhs, out);
        }
        Expr::Paren(p) => ranges(&p.expr, out),
        Expr::Subquery(s) => out.push(s.range.as_secs()),
        Expr::MatrixSelector(m) => out.push(m.range.as_secs()),
        Expr::Call(c) => c.args.args.iter().for_each(|a| ranges(a, out)),
        Expr::VectorSelector(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => {}
    }
}

/// A selector's metric name (`name{...}` or `{__name__="name"}`).
fn metric_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && matches!(m.op, promql_parser::label::MatchOp::Equal))
            .map(|m| m.value.as_str())
    })
}

/// The window a recording rule's name ends with: `slo:sli_error:ratio_rate1h` is 1h,
/// `http_requests:burnrate1d1h43m` is 1d1h43m.
pub fn name_window(name: &str) -> Option<u64> {
    let tail_start = name
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || "smhdwy".contains(*c))
        .last()
        .map(|(i, _)| i)?;
    let tail = &name[tail_start..];
    let digits = tail.find(|c: char| c.is_ascii_digit())?;
    duration_seconds(&tail[digits..]).filter(|s| *s > 0)
}

/// The window an error-ratio expression is computed over.
fn side_window(e: &Expr, recording: &[&Rule], depth: u8) -> Option<u64> {
    let mut rs = Vec::new();
    ranges(e, &mut rs);
    if let Some(first) = rs.first() {
        return rs.iter().all(|r| r == first).then_some(*first);
    }
    let selectors = vector_selectors(e);
    let mut names: Vec<&str> = selectors.iter().filter_map(|v| metric_name(v)).collect();
    names.sort_unstable();
    names.dedup();
    let [name] = names.as_slice() else {
        return None;
    };
    if let Some(w) = name_window(name) {
        return Some(w);
    }
    if depth >= 3 {
        return None;
    }
    let rule = recording.iter().find(|r| r.name.value == *name)?;
    if let Some(w) = rule.label("sloth_window").and_then(duration_seconds) {
        return Some(w);
    }
    side_window(rule.parsed()?, recording, depth + 1)
}

/// The burn-rate pairs of one alert (with `factor` 0 and no match yet): every `or`-joined
/// branch that compares error ratios of two different windows with constant thresholds.
pub fn alert_pairs(alert: &Rule, recording: &[&Rule]) -> Vec<Pair> {
    let Some(expr) = alert.parsed() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut branches = Vec::new();
    split(expr, "or", &mut branches);
    for b in branches {
        let mut parts = Vec::new();
        split(b, "and", &mut parts);
        let mut sides: Vec<(u64, f64)> = parts
            .iter()
            .filter_map(|p| condition(p))
            .filter_map(|(side, t)| side_window(side, recording, 0).map(|w| (w, t)))
            .collect();
        if sides.len() < 2 {
            continue;
        }
        sides.sort_by_key(|s| s.0);
        let (short, long) = (sides[0], sides[sides.len() - 1]);
        if long.0 > short.0 {
            out.push(Pair {
                alert: alert.name.value.clone(),
                loc: alert.expr.loc.clone(),
                long: long.0,
                short: short.0,
                threshold: long.1,
                short_threshold: short.1,
                factor: 0.0,
                matched: None,
            });
        }
    }
    out
}

/// Checks the burn-rate alerts among `alerts` against an objective (in percent) and its
/// window, resolving windows through `recording_rules`.
pub fn verify_burn_rate(
    objective_percent: f64,
    window_seconds: Option<u64>,
    alerts: &[&Rule],
    recording_rules: &[&Rule],
) -> BurnRateReport {
    let budget = 1.0 - objective_percent / 100.0;
    let expected = expected_pairs(window_seconds);
    let mut pairs = Vec::new();
    let mut misscaled = Vec::new();
    // Slots a pair fills, matched or mis-scaled.
    let mut filled = Vec::new();
    for alert in alerts {
        for mut pair in alert_pairs(alert, recording_rules) {
            if budget <= 0.0 {
                pairs.push(pair);
                continue;
            }
            pair.factor = pair.threshold / budget;
            let short_factor = pair.short_threshold / budget;
            let mut fitting: Vec<ExpectedPair> = expected
                .iter()
                .filter(|e| close_secs(pair.long, e.long) && close_secs(pair.short, e.short))
                .copied()
                .collect();
            let distance = |e: &ExpectedPair| (pair.factor / e.factor - 1.0).abs();
            fitting.sort_by(|a, b| distance(a).total_cmp(&distance(b)));
            pair.matched = fitting
                .iter()
                .find(|e| close(pair.factor, e.factor) && close(short_factor, e.factor))
                .copied();
            filled.extend(fitting.iter().map(|e| e.slot));
            if pair.matched.is_none() && !fitting.is_empty() {
                misscaled.push(misscale(&pair, fitting, objective_percent));
            }
            pairs.push(pair);
        }
    }
    let pyrra = pairs
        .iter()
        .any(|p| p.matched.is_some_and(|m| m.family == Family::Pyrra))
        || misscaled
            .iter()
            .any(|m| m.expected.iter().all(|e| e.family == Family::Pyrra));
    let family = if pyrra {
        Family::Pyrra
    } else {
        Family::Workbook
    };
    let missing = Slot::ALL
        .iter()
        .filter(|s| !filled.contains(s))
        .filter_map(|s| {
            expected
                .iter()
                .find(|e| e.slot == *s && e.family == family)
                .copied()
        })
        .collect();
    BurnRateReport {
        objective: objective_percent,
        pairs,
        missing,
        misscaled,
    }
}

fn misscale(pair: &Pair, fitting: Vec<ExpectedPair>, objective: f64) -> Misscaled {
    // The accepted factors over these windows, by family in catalog order.
    let mut by_family: Vec<(Family, Vec<String>)> = Vec::new();
    let mut in_order = fitting.clone();
    in_order.sort_by_key(|e| e.family);
    for e in &in_order {
        let f = number(e.factor);
        match by_family.iter_mut().find(|(fam, _)| *fam == e.family) {
            Some((_, fs)) => {
                if !fs.contains(&f) {
                    fs.push(f);
                }
            }
            None => by_family.push((e.family, vec![f])),
        }
    }
    let factors: Vec<String> = by_family
        .iter()
        .map(|(fam, fs)| format!("{} ({})", fs.join(", "), fam.name()))
        .collect();
    // The objective the thresholds were written for, and the pair they fit there.
    let assumed = COMMON_OBJECTIVES
        .iter()
        .copied()
        .filter(|o| (o - objective).abs() > 1e-9)
        .find_map(|o| {
            let b = 1.0 - o / 100.0;
            let (f, sf) = (pair.threshold / b, pair.short_threshold / b);
            fitting
                .iter()
                .filter(|e| close(f, e.factor) && close(sf, e.factor))
                .min_by(|a, c| {
                    (f / a.factor - 1.0)
                        .abs()
                        .total_cmp(&(f / c.factor - 1.0).abs())
                })
                .map(|e| (o, *e))
        });
    let best = assumed.map_or(in_order[0], |(_, e)| e);
    let fix = format!(
        "write `{}` ({})",
        best.threshold_expr(objective),
        number(best.threshold(objective))
    );
    let message = match assumed {
        Some((o, _)) => format!(
            "thresholds assume {}% but the SLO is {}%: alert `{}` fires on the {} pair at {}, a burn-rate factor of {} for {}%; {fix}",
            number(o),
            number(objective),
            pair.alert,
            pair.windows(),
            number(pair.threshold),
            number(pair.factor),
            number(objective),
        ),
        None => format!(
            "alert `{}` fires on the {} pair at {}, a burn-rate factor of {} for the {}% SLO; the accepted factor over these windows is {}: {fix}",
            pair.alert,
            pair.windows(),
            number(pair.threshold),
            number(pair.factor),
            number(objective),
            factors.join(" or "),
        ),
    };
    Misscaled {
        pair: pair.clone(),
        expected: fitting,
        assumed_objective: assumed.map(|(o, _)| o),
        message,
    }
}

/// Labels that tie a rule to one SLO: Pyrra writes `slo`, Sloth `sloth_slo`.
pub const SLO_LABELS: [&str; 2] = ["slo", "sloth_slo"];

/// The SLO a rule is tied to: its `slo` or `sloth_slo` label, else an equality matcher on one
/// of them in its expression (`..:burnrate5m{slo="orders-api-errors"}`).
pub fn slo_link(rule: &Rule) -> Option<String> {
    if let Some(v) = SLO_LABELS.iter().find_map(|l| rule.label(l)) {
        return Some(v.to_string());
    }
    vector_selectors(rule.parsed()?)
        .iter()
        .flat_map(|vs| vs.matchers.matchers.iter())
        .find(|m| {
            SLO_LABELS.contains(&m.name.as_str())
                && matches!(m.op, promql_parser::label::MatchOp::Equal)
        })
        .map(|m| m.value.clone())
}

/// What an SLI recording rule computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SliRecord {
    /// Bad events over all events (`slo:sli_error:ratio_rate5m`, `errors / requests`).
    ErrorRatio,
    /// Good events over all events (availability, or requests under a latency bucket).
    SuccessRatio,
    /// The error ratio divided by the error budget (Pyrra's `..:burnrate5m`, Sloth's
    /// `slo:current_burn_rate:ratio`).
    BurnRate,
    /// The error budget, or what remains of it.
    ErrorBudget,
}

impl SliRecord {
    /// For messages.
    pub fn name(self) -> &'static str {
        match self {
            SliRecord::ErrorRatio => "error ratio",
            SliRecord::SuccessRatio => "success ratio",
            SliRecord::BurnRate => "burn rate",
            SliRecord::ErrorBudget => "error budget",
        }
    }
}

const STATUS_LABELS: [&str; 8] = [
    "code",
    "status",
    "status_code",
    "grpc_code",
    "response_code",
    "http_status",
    "result",
    "outcome",
];

/// Whether a selector picks good events: a success status or a histogram bucket under a
/// latency threshold.
fn selects_success(vs: &VectorSelector) -> bool {
    use promql_parser::label::MatchOp;
    let name = metric_name(vs).unwrap_or("");
    vs.matchers.matchers.iter().any(|m| {
        let v = m.value.to_ascii_lowercase();
        (m.name == "le" && name.ends_with("_bucket"))
            || (STATUS_LABELS.contains(&m.name.as_str())
                && matches!(m.op, MatchOp::Equal | MatchOp::Re(_))
                && (v.starts_with('2') || v == "ok" || v.contains("success")))
    })
}

/// What a recording rule computes for an SLO, if anything: by its name (`slo:sli_error:*`,
/// `*:burnrate*`, `*error_budget*`, `*errors*:ratio*`), else by its expression: a ratio (also
/// `1 - ratio`) whose numerator selects errors (error ratio) or good events (success ratio).
/// Rules whose expression is a constant (`slo:objective:ratio`) compute nothing.
pub fn sli_record(rule: &Rule) -> Option<SliRecord> {
    let expr = rule.parsed()?;
    if constant(expr).is_some() {
        return None;
    }
    let name = rule.name.value.to_ascii_lowercase();
    if name.contains("burnrate") || name.contains("burn_rate") {
        return Some(SliRecord::BurnRate);
    }
    if name.contains("error_budget") || name.contains("errorbudget") {
        return Some(SliRecord::ErrorBudget);
    }
    if name.contains("sli_error") || (name.contains("error") && name.contains("ratio")) {
        return Some(SliRecord::ErrorRatio);
    }
    ratio_kind(expr, false)
}

fn ratio_kind(e: &Expr, flipped: bool) -> Option<SliRecord> {
    let e = strip(e);
    let Expr::Binary(b) = e else {
        return None;
    };
    match op(e).as_deref() {
        Some("-") if constant(&b.lhs) == Some(1.0) => ratio_kind(&b.rhs, !flipped),
        Some("/") if constant(&b.lhs).is_none() && constant(&b.rhs).is_none() => {
            let num = vector_selectors(&b.lhs);
            let kind = if num.iter().any(|v| super::selects_errors(v)) {
                SliRecord::ErrorRatio
            } else if num.iter().any(|v| selects_success(v)) {
                SliRecord::SuccessRatio
            } else {
                return None;
            };
            Some(match (kind, flipped) {
                (SliRecord::ErrorRatio, true) => SliRecord::SuccessRatio,
                (SliRecord::SuccessRatio, true) => SliRecord::ErrorRatio,
                (k, _) => k,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::format_push_string,
        clippy::type_complexity,
        clippy::unreadable_literal,
        clippy::single_match_else
    )]

    use super::*;
    use crate::prometheus::{Prometheus, RuleFile, assemble, parse};
    use crate::{EvidenceError, FileKind, Source, k8s, yaml};

    fn rules(path: &str, text: &str) -> Prometheus {
        let src = Source::new(path, text);
        let docs = yaml::load_all(&src).unwrap();
        let mut errors: Vec<EvidenceError> = Vec::new();
        let kind = crate::classify(path, text);
        let p = match kind {
            FileKind::Kubernetes => {
                let kube = k8s::assemble(k8s::parse(&src, docs, &mut errors).into_iter().collect());
                assemble(Vec::new(), &kube, &mut errors)
            }
            _ => {
                let files: Vec<RuleFile> = parse(&src, kind, &docs, &mut errors);
                assemble(files, &k8s::Kubernetes::default(), &mut errors)
            }
        };
        assert!(errors.is_empty(), "{errors:?}");
        p
    }

    fn verify(p: &Prometheus, objective: f64, window: Option<u64>) -> BurnRateReport {
        let alerts: Vec<&Rule> = p.alerts().collect();
        let recording: Vec<&Rule> = p.recording_rules().collect();
        verify_burn_rate(objective, window, &alerts, &recording)
    }

    fn summary(r: &BurnRateReport) -> Vec<(String, String, Option<(Family, Slot)>)> {
        r.pairs
            .iter()
            .map(|p| {
                (
                    p.alert.clone(),
                    p.windows(),
                    p.matched.map(|m| (m.family, m.slot)),
                )
            })
            .collect()
    }

    /// Sloth's output shape: per-window error-ratio recording rules and two alerts, each two
    /// `or`-joined pairs of `max(... > (factor * budget)) without (sloth_window)`.
    fn sloth_rules(budget: &str) -> String {
        let sel = r#"{sloth_id="payments-api-requests-availability", sloth_service="payments-api", sloth_slo="requests-availability"}"#;
        let mut s = String::from(
            "groups:\n  - name: sloth-slo-sli-recordings-payments-api-requests-availability\n    rules:\n",
        );
        for w in ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] {
            s.push_str(&format!(
                "      - record: slo:sli_error:ratio_rate{w}\n        expr: |\n          (sum(rate(payments_http_requests_total{{job=\"payments-api\",code=~\"(5..|429)\"}}[{w}])))\n          /\n          (sum(rate(payments_http_requests_total{{job=\"payments-api\"}}[{w}])))\n        labels:\n          sloth_id: payments-api-requests-availability\n          sloth_service: payments-api\n          sloth_slo: requests-availability\n          sloth_window: {w}\n"
            ));
        }
        s.push_str("  - name: sloth-slo-alerts-payments-api-requests-availability\n    rules:\n");
        for (name, sev, pairs) in [
            (
                "PaymentsApiHighErrorRate",
                "page",
                [("5m", "1h", "14.4"), ("30m", "6h", "6")],
            ),
            (
                "PaymentsApiHighErrorRate",
                "ticket",
                [("2h", "1d", "3"), ("6h", "3d", "1")],
            ),
        ] {
            s.push_str(&format!("      - alert: {name}\n        expr: |\n"));
            for (i, (short, long, f)) in pairs.iter().enumerate() {
                if i > 0 {
                    s.push_str("          or\n");
                }
                s.push_str(&format!(
                    "          (\n              max(slo:sli_error:ratio_rate{short}{sel} > ({f} * {budget})) without (sloth_window)\n              and\n              max(slo:sli_error:ratio_rate{long}{sel} > ({f} * {budget})) without (sloth_window)\n          )\n"
                ));
            }
            s.push_str(&format!(
                "        labels:\n          sloth_severity: {sev}\n        annotations:\n          summary: High error rate on payments API requests\n"
            ));
        }
        s
    }

    #[test]
    fn sloth_shape_correct() {
        let p = rules("slo/payments.yml", &sloth_rules("0.0009999999999999432"));
        let r = verify(&p, 99.9, None);
        let w = Family::Workbook;
        assert_eq!(
            summary(&r),
            [
                (
                    "PaymentsApiHighErrorRate".into(),
                    "1h/5m".into(),
                    Some((w, Slot::PageFast))
                ),
                (
                    "PaymentsApiHighErrorRate".into(),
                    "6h/30m".into(),
                    Some((w, Slot::PageSlow))
                ),
                (
                    "PaymentsApiHighErrorRate".into(),
                    "1d/2h".into(),
                    Some((w, Slot::TicketFast))
                ),
                (
                    "PaymentsApiHighErrorRate".into(),
                    "3d/6h".into(),
                    Some((w, Slot::TicketSlow))
                ),
            ]
        );
        assert!(r.missing.is_empty());
        assert!(r.misscaled.is_empty());
        assert_eq!(number(r.pairs[0].factor), "14.4");
        // The pair points at the alert's `expr:` value.
        let alert = p.alerts().next().unwrap();
        assert_eq!(r.pairs[0].loc, alert.expr.loc);
    }

    #[test]
    fn sloth_shape_misscaled() {
        // Generated for 99%, checked against 99.9%.
        let p = rules("slo/payments.yml", &sloth_rules("0.01"));
        let r = verify(&p, 99.9, None);
        assert_eq!(r.pairs.iter().filter(|p| p.matched.is_some()).count(), 0);
        assert!(r.missing.is_empty(), "{:?}", r.missing);
        assert_eq!(r.misscaled.len(), 4);
        let m = &r.misscaled[0];
        assert_eq!(m.assumed_objective, Some(99.0));
        assert_eq!(
            m.message,
            "thresholds assume 99% but the SLO is 99.9%: alert `PaymentsApiHighErrorRate` fires on the 1h/5m pair at 0.144, a burn-rate factor of 144 for 99.9%; write `14.4 * (1 - 0.999)` (0.0144)"
        );
    }

    /// Pyrra's output shape: `<metric>:burnrate<window>` recording rules and one alert per
    /// pair, short window first, `> (factor * (1-target))`.
    fn pyrra_rules(target: &str) -> String {
        let mut s = String::from(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: orders-api-errors\n  namespace: monitoring\nspec:\n  groups:\n    - name: orders-api-errors\n      interval: 30s\n      rules:\n",
        );
        for w in ["5m", "30m", "1h", "2h", "6h", "1d", "4d"] {
            s.push_str(&format!(
                "        - record: orders_http_requests:burnrate{w}\n          expr: sum(rate(orders_http_requests_total{{code=~\"5..\",job=\"orders-api\"}}[{w}])) / sum(rate(orders_http_requests_total{{job=\"orders-api\"}}[{w}]))\n          labels:\n            job: orders-api\n            slo: orders-api-errors\n"
            ));
        }
        for (short, long, f, sev) in [
            ("5m", "1h", "14", "critical"),
            ("30m", "6h", "7", "critical"),
            ("2h", "1d", "2", "warning"),
            ("6h", "4d", "1", "warning"),
        ] {
            s.push_str(&format!(
                "        - alert: ErrorBudgetBurn\n          expr: orders_http_requests:burnrate{short}{{job=\"orders-api\",slo=\"orders-api-errors\"}} > ({f} * (1-{target})) and orders_http_requests:burnrate{long}{{job=\"orders-api\",slo=\"orders-api-errors\"}} > ({f} * (1-{target}))\n          for: 2m\n          labels:\n            severity: {sev}\n            long: {long}\n            short: {short}\n"
            ));
        }
        s
    }

    #[test]
    fn pyrra_shape_correct() {
        let p = rules("deploy/orders-slo-rules.yaml", &pyrra_rules("0.995"));
        let r = verify(&p, 99.5, Some(28 * DAY));
        let got: Vec<_> = summary(&r).into_iter().map(|s| (s.1, s.2)).collect();
        let y = Family::Pyrra;
        assert_eq!(
            got,
            [
                ("1h/5m".to_string(), Some((y, Slot::PageFast))),
                ("6h/30m".to_string(), Some((y, Slot::PageSlow))),
                ("1d/2h".to_string(), Some((y, Slot::TicketFast))),
                ("4d/6h".to_string(), Some((y, Slot::TicketSlow))),
            ]
        );
        assert!(r.missing.is_empty() && r.misscaled.is_empty());
        let alert = p.alerts().next().unwrap();
        assert_eq!(slo_link(alert).as_deref(), Some("orders-api-errors"));
        let sloth = rules("slo/payments.yml", &sloth_rules("0.001"));
        let alert = sloth.alerts().next().unwrap();
        assert_eq!(slo_link(alert).as_deref(), Some("requests-availability"));
    }

    #[test]
    fn pyrra_shape_misscaled() {
        // Thresholds for 99.95% on a 99.5% objective: ten times too tight.
        let p = rules("deploy/orders-slo-rules.yaml", &pyrra_rules("0.9995"));
        let r = verify(&p, 99.5, Some(28 * DAY));
        assert_eq!(r.misscaled.len(), 4);
        assert_eq!(r.misscaled[1].assumed_objective, Some(99.95));
        assert_eq!(
            r.misscaled[1].message,
            "thresholds assume 99.95% but the SLO is 99.5%: alert `ErrorBudgetBurn` fires on the 6h/30m pair at 0.0035, a burn-rate factor of 0.7 for 99.5%; write `7 * (1 - 0.995)` (0.035)"
        );
        assert!(r.missing.is_empty());
    }

    const HAND: &str = r#"groups:
  - name: inventory-slo
    rules:
      - record: inventory:request_errors:ratio_rate1h
        expr: sum(rate(inventory_requests_total{status=~"5.."}[1h])) / sum(rate(inventory_requests_total[1h]))
      - record: inventory:request_errors:ratio_rate5m
        expr: sum(rate(inventory_requests_total{status=~"5.."}[5m])) / sum(rate(inventory_requests_total[5m]))
      - record: inventory:errors:short
        expr: sum(rate(inventory_requests_total{status=~"5.."}[30m])) / sum(rate(inventory_requests_total[30m]))
      - alert: InventoryFastBurn
        expr: |
          inventory:request_errors:ratio_rate1h > 14.4 * (1 - 0.999)
          and
          (14.4 * 0.001) < inventory:request_errors:ratio_rate5m
        for: 2m
      - alert: InventorySlowBurn
        expr: |
          (sum(rate(inventory_requests_total{status=~"5.."}[6h])) / sum(rate(inventory_requests_total[6h])) > THRESH)
          and
          (inventory:errors:short > THRESH)
        for: 15m
"#;

    #[test]
    fn hand_written_pairs() {
        let ok = HAND.replace("THRESH", "0.006");
        let p = rules("monitoring/slo.yml", &ok);
        let r = verify(&p, 99.9, Some(28 * DAY));
        let w = Family::Workbook;
        assert_eq!(
            summary(&r),
            [
                (
                    "InventoryFastBurn".into(),
                    "1h/5m".into(),
                    Some((w, Slot::PageFast))
                ),
                (
                    "InventorySlowBurn".into(),
                    "6h/30m".into(),
                    Some((w, Slot::PageSlow))
                ),
            ]
        );
        assert!(r.misscaled.is_empty());
        let missing: Vec<String> = r.missing.iter().map(ToString::to_string).collect();
        assert_eq!(
            missing,
            [
                "3 over 1d/2h (ticket, SRE workbook / Sloth)",
                "1 over 3d/6h (ticket, SRE workbook / Sloth)"
            ]
        );

        // The slow pair written with a factor of 4.5: no common objective explains it.
        let bad = HAND.replace("THRESH", "0.0045");
        let p = rules("monitoring/slo.yml", &bad);
        let r = verify(&p, 99.9, Some(28 * DAY));
        assert_eq!(r.misscaled.len(), 1);
        let m = &r.misscaled[0];
        assert_eq!(m.pair.alert, "InventorySlowBurn");
        assert_eq!(m.assumed_objective, None);
        assert_eq!(
            m.message,
            "alert `InventorySlowBurn` fires on the 6h/30m pair at 0.0045, a burn-rate factor of 4.5 for the 99.9% SLO; the accepted factor over these windows is 5.6, 6 (SRE workbook / Sloth) or 7 (Pyrra): write `5.6 * (1 - 0.999)` (0.0056)"
        );
        assert_eq!(m.pair.loc.line, 18);
    }

    #[test]
    fn expected_sets() {
        let e = expected_pairs(Some(30 * DAY));
        let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "14.4 over 1h/5m (page, SRE workbook / Sloth)",
                "6 over 6h/30m (page, SRE workbook / Sloth)",
                "3 over 1d/2h (ticket, SRE workbook / Sloth)",
                "1 over 3d/6h (ticket, SRE workbook / Sloth)",
                "14 over 1h4m/5m (page, Pyrra)",
                "7 over 6h26m/32m (page, Pyrra)",
                "2 over 1d1h43m/2h9m (ticket, Pyrra)",
                "1 over 4d6h51m/6h26m (ticket, Pyrra)",
            ]
        );
        let f: Vec<String> = expected_pairs(Some(28 * DAY))
            .iter()
            .map(|e| number(e.factor))
            .collect();
        assert_eq!(
            f,
            [
                "14.4", "6", "3", "1", "13.44", "5.6", "2.8", "0.933333", "14", "7", "2", "1"
            ]
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(name_window("slo:sli_error:ratio_rate30m"), Some(1800));
        assert_eq!(name_window("http_requests:burnrate1d1h43m"), Some(92_580));
        assert_eq!(name_window("http_requests_total"), None);
        assert_eq!(name_window("latency_p99"), None);
        assert_eq!(duration(92_580), "1d1h43m");
        assert_eq!(number(0.0009999999999999432 * 14.4), "0.0144");
        assert_eq!(number(99.95), "99.95");
        let c = |s: &str| constant(&promql_parser::parser::parse(s).unwrap());
        assert_eq!(c("14.4 * (1 - 0.999)").map(number), Some("0.0144".into()));
        assert_eq!(c("(2 ^ 3) % 5"), Some(3.0));
        assert_eq!(c("-(1)"), Some(-1.0));
        assert_eq!(c("x > 1"), None);
    }

    #[test]
    fn sli_recording_rules() {
        let text = r#"groups:
  - name: r
    rules:
      - record: slo:sli_error:ratio_rate5m
        expr: sum(rate(a_total{code=~"5.."}[5m])) / sum(rate(a_total[5m]))
      - record: slo:objective:ratio
        expr: vector(0.999)
      - record: slo:error_budget:ratio
        expr: vector(1 - 0.999)
      - record: api:availability:ratio_rate1h
        expr: 1 - (sum(rate(api_requests_total{grpc_code!="OK"}[1h])) / sum(rate(api_requests_total[1h])))
      - record: api:fast:ratio_rate1h
        expr: sum(rate(api_duration_seconds_bucket{le="0.3"}[1h])) / sum(rate(api_duration_seconds_count[1h]))
      - record: orders_http_requests:burnrate5m
        expr: sum(rate(x_total[5m]))
      - record: node:cpu:ratio
        expr: sum(rate(node_cpu_seconds_total{mode!="idle"}[5m])) / sum(rate(node_cpu_seconds_total[5m]))
      - record: slo:objective:const
        expr: 0.999
"#;
        let p = rules("monitoring/r.yml", text);
        let got: Vec<(&str, Option<SliRecord>)> = p
            .recording_rules()
            .map(|r| (r.name.value.as_str(), sli_record(r)))
            .collect();
        assert_eq!(
            got,
            [
                ("slo:sli_error:ratio_rate5m", Some(SliRecord::ErrorRatio)),
                ("slo:objective:ratio", None),
                ("slo:error_budget:ratio", None),
                (
                    "api:availability:ratio_rate1h",
                    Some(SliRecord::SuccessRatio)
                ),
                ("api:fast:ratio_rate1h", Some(SliRecord::SuccessRatio)),
                ("orders_http_requests:burnrate5m", Some(SliRecord::BurnRate)),
                ("node:cpu:ratio", None),
                ("slo:objective:const", None),
            ]
        );
    }
}
