//! Line coverage: lcov tracefiles (`SF` / `DA` / `LF` / `LH` / `end_of_record`), Cobertura XML
//! (`<coverage line-rate lines-covered lines-valid timestamp>`) and JaCoCo XML (`<report>` with
//! `<sessioninfo>` and report-level `<counter type="LINE">`).

use std::collections::BTreeSet;

use super::xml::{Element, Item, items};
use super::{CoverageReport, LineCounts, epoch_timestamp};
use crate::{Loc, ReportFormat, Source};

/// One lcov record being read.
#[derive(Default)]
struct Record {
    lf: Option<u64>,
    lh: Option<u64>,
    da_total: u64,
    da_hit: u64,
}

impl Record {
    /// Totals from `LF` / `LH` when written, else from the `DA` lines.
    fn counts(&self) -> LineCounts {
        LineCounts {
            covered: self.lh.unwrap_or(self.da_hit),
            total: self.lf.unwrap_or(self.da_total),
        }
    }
}

pub(super) fn parse_lcov(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<CoverageReport> {
    let mut lines = LineCounts::default();
    let mut files = 0usize;
    let mut first: Option<Loc> = None;
    let mut rec: Option<Record> = None;
    let mut failed = false;
    for (n, start, line) in src.lines() {
        let line = line.trim();
        // Byte searches: a coverage file of a large project has millions of lines.
        let Some((key, value)) =
            memchr::memchr(b':', line.as_bytes()).map(|i| (&line[..i], &line[i + 1..]))
        else {
            if line == "end_of_record"
                && let Some(r) = rec.take()
            {
                let c = r.counts();
                lines.covered += c.covered;
                lines.total += c.total;
            }
            continue;
        };
        let at = |col: usize| src.loc(start + col, start + line.len());
        let mut number = |v: &str, what: &str, col: usize| -> Option<u64> {
            let v = v.trim();
            // Hit counts can exceed u64 in theory and are written as floats by a few tools.
            let parsed = v.parse::<u64>().ok().or_else(|| {
                v.parse::<f64>()
                    .ok()
                    .filter(|f| *f >= 0.0)
                    .map(|f| f as u64)
            });
            if parsed.is_none() {
                err(
                    at(col),
                    format!("lcov `{key}` line {what} is `{v}`, not a non-negative number"),
                );
                failed = true;
            }
            parsed
        };
        match key {
            "SF" => {
                if let Some(r) = rec.take() {
                    // A record without `end_of_record`: count it anyway.
                    let c = r.counts();
                    lines.covered += c.covered;
                    lines.total += c.total;
                }
                files += 1;
                first.get_or_insert_with(|| src.line_loc(n));
                rec = Some(Record::default());
            }
            "DA" => {
                // `DA:<line>,<hits>[,<checksum>]`.
                let Some(comma) = memchr::memchr(b',', value.as_bytes()) else {
                    err(
                        at(0),
                        format!("lcov `DA` line `{line}` needs `DA:<line>,<hits>`"),
                    );
                    failed = true;
                    continue;
                };
                let rest = &value[comma + 1..];
                let hits = memchr::memchr(b',', rest.as_bytes()).map_or(rest, |i| &rest[..i]);
                let col = 3 + comma + 1;
                if let Some(h) = number(hits, "hit count", col)
                    && let Some(r) = rec.as_mut()
                {
                    r.da_total += 1;
                    if h > 0 {
                        r.da_hit += 1;
                    }
                }
            }
            "LF" => {
                let v = number(value, "value", 3);
                if let Some(r) = rec.as_mut() {
                    r.lf = v;
                }
            }
            "LH" => {
                let v = number(value, "value", 3);
                if let Some(r) = rec.as_mut() {
                    r.lh = v;
                }
            }
            _ => {}
        }
    }
    if let Some(r) = rec.take() {
        let c = r.counts();
        lines.covered += c.covered;
        lines.total += c.total;
    }
    if failed {
        return None;
    }
    if files == 0 {
        err(
            src.file_start(),
            "no `SF:` record: the lcov file lists no source file".to_string(),
        );
        return None;
    }
    Some(CoverageReport {
        loc: first.unwrap_or_else(|| src.file_start()),
        format: ReportFormat::Lcov,
        date: None,
        lines: Some(lines),
        percent: lines.percent(),
        files,
    })
}

fn xml_items(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<Vec<Item>> {
    match items(src) {
        Ok(i) => Some(i),
        Err((loc, m)) => {
            err(loc, m);
            None
        }
    }
}

/// A numeric attribute; an unreadable one is an error at the element.
fn num_attr<T: std::str::FromStr>(
    e: &Element,
    name: &str,
    err: &mut dyn FnMut(Loc, String),
    failed: &mut bool,
) -> Option<T> {
    let v = e.attr(name)?;
    let parsed = v.trim().parse::<T>().ok();
    if parsed.is_none() {
        err(
            e.loc.clone(),
            format!("<{}> attribute `{name}` is `{v}`, not a number", e.name),
        );
        *failed = true;
    }
    parsed
}

pub(super) fn parse_cobertura(
    src: &Source,
    err: &mut dyn FnMut(Loc, String),
) -> Option<CoverageReport> {
    let items = xml_items(src, err)?;
    let mut failed = false;
    let mut root: Option<Element> = None;
    let mut stack: Vec<String> = Vec::new();
    let mut files: BTreeSet<String> = BTreeSet::new();
    // Class-level `<line hits>` (method-level lines repeat them), for reports without totals.
    let mut counted = LineCounts::default();
    for item in items {
        match item {
            Item::Start(e) => {
                if root.is_none() {
                    if e.name != "coverage" {
                        err(
                            e.loc.clone(),
                            format!(
                                "the root element is <{}>, not <coverage>: not a Cobertura report",
                                e.name
                            ),
                        );
                        return None;
                    }
                    stack.push(e.name.clone());
                    root = Some(e);
                    continue;
                }
                if e.name == "class" {
                    files.extend(e.attr("filename").map(str::to_string));
                }
                let in_class = stack.len() >= 2
                    && stack[stack.len() - 1] == "lines"
                    && stack[stack.len() - 2] == "class";
                if e.name == "line"
                    && in_class
                    && let Some(h) = num_attr::<f64>(&e, "hits", err, &mut failed)
                {
                    counted.total += 1;
                    if h > 0.0 {
                        counted.covered += 1;
                    }
                }
                stack.push(e.name);
            }
            Item::End(_) => {
                stack.pop();
            }
            Item::Text(_) => {}
        }
    }
    let Some(root) = root else {
        err(
            src.file_start(),
            "no root element: expected <coverage>".to_string(),
        );
        return None;
    };
    let rate = num_attr::<f64>(&root, "line-rate", err, &mut failed);
    let covered = num_attr::<u64>(&root, "lines-covered", err, &mut failed);
    let valid = num_attr::<u64>(&root, "lines-valid", err, &mut failed);
    let stamp = num_attr::<i64>(&root, "timestamp", err, &mut failed);
    if failed {
        return None;
    }
    let (lines, percent) = match (covered, valid, rate) {
        (Some(c), Some(v), _) => {
            let l = LineCounts {
                covered: c,
                total: v,
            };
            (Some(l), l.percent())
        }
        (_, _, Some(r)) if counted.total == 0 => (None, Some(r * 100.0)),
        _ => (Some(counted), counted.percent()),
    };
    Some(CoverageReport {
        loc: root.loc,
        format: ReportFormat::Cobertura,
        date: stamp.and_then(epoch_timestamp),
        lines,
        percent,
        files: files.len(),
    })
}

pub(super) fn parse_jacoco(
    src: &Source,
    err: &mut dyn FnMut(Loc, String),
) -> Option<CoverageReport> {
    let items = xml_items(src, err)?;
    let mut failed = false;
    let mut root: Option<Loc> = None;
    let mut stack: Vec<String> = Vec::new();
    let mut date: Option<jiff::Timestamp> = None;
    let mut report_level: Option<(LineCounts, Loc)> = None;
    let mut by_file = LineCounts::default();
    let mut files = 0usize;
    for item in items {
        match item {
            Item::Start(e) => {
                if root.is_none() {
                    if e.name != "report" {
                        err(
                            e.loc.clone(),
                            format!(
                                "the root element is <{}>, not <report>: not a JaCoCo report",
                                e.name
                            ),
                        );
                        return None;
                    }
                    root = Some(e.loc.clone());
                    stack.push(e.name);
                    continue;
                }
                let parent = stack.last().map_or("", String::as_str);
                match e.name.as_str() {
                    "sessioninfo" => {
                        // `dump` is when the execution data was written; `start` the session start.
                        let t = num_attr::<i64>(&e, "dump", err, &mut failed)
                            .or_else(|| num_attr::<i64>(&e, "start", err, &mut failed))
                            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok());
                        date = date.max(t);
                    }
                    "sourcefile" => files += 1,
                    "counter" if e.attr("type") == Some("LINE") => {
                        let missed = num_attr::<u64>(&e, "missed", err, &mut failed);
                        let covered = num_attr::<u64>(&e, "covered", err, &mut failed);
                        if let (Some(m), Some(c)) = (missed, covered) {
                            let l = LineCounts {
                                covered: c,
                                total: c + m,
                            };
                            if parent == "report" {
                                report_level = Some((l, e.loc.clone()));
                            } else if parent == "sourcefile" {
                                by_file.covered += l.covered;
                                by_file.total += l.total;
                            }
                        }
                    }
                    _ => {}
                }
                stack.push(e.name);
            }
            Item::End(_) => {
                stack.pop();
            }
            Item::Text(_) => {}
        }
    }
    let Some(root) = root else {
        err(
            src.file_start(),
            "no root element: expected <report>".to_string(),
        );
        return None;
    };
    if failed {
        return None;
    }
    let (lines, loc) = report_level.unwrap_or((by_file, root));
    Some(CoverageReport {
        loc,
        format: ReportFormat::JaCoCo,
        date,
        lines: Some(lines),
        percent: lines.percent(),
        files,
    })
}
