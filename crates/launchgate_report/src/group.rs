//! Alike findings, grouped: one line per distinct problem, with the places it occurs folded
//! and countable (`+ 138 more like it`), in every format for people (terminal, Markdown, HTML).

use std::collections::HashMap;

use launchgate_core::Finding;

/// The smallest group worth folding: fewer alike findings are listed one by one.
pub(crate) const FOLD_AT: usize = 4;

/// What makes findings alike: the message with its subject taken out (the resource it names,
/// `Deployment/api`, else its first code span: an alert, a container, a dependency), and the
/// places it refers to.
fn alike_key(f: &Finding) -> (String, Vec<String>) {
    let m = &f.message;
    let key = match f
        .resource
        .as_deref()
        .filter(|r| !r.is_empty() && m.contains(*r))
    {
        Some(r) => m.replace(r, "…"),
        None => match m
            .find('`')
            .and_then(|a| m[a + 1..].find('`').map(|b| (a, a + 1 + b)))
        {
            Some((a, b)) => format!("{}`…`{}", &m[..a], &m[b + 1..]),
            None => m.clone(),
        },
    };
    (key, f.related.iter().map(ToString::to_string).collect())
}

/// Findings in groups of alike ones, in the order of each group's first finding; groups
/// smaller than [`FOLD_AT`] are split back into single findings.
pub(crate) fn group_alike<'a>(show: &[&'a Finding]) -> Vec<Vec<&'a Finding>> {
    let mut order: Vec<(String, Vec<String>)> = Vec::new();
    let mut groups: HashMap<(String, Vec<String>), Vec<&Finding>> = HashMap::new();
    for f in show {
        let k = alike_key(f);
        if !groups.contains_key(&k) {
            order.push(k.clone());
        }
        groups.entry(k).or_default().push(f);
    }
    let mut out = Vec::new();
    for k in order {
        let g = groups.remove(&k).unwrap_or_default();
        if g.len() >= FOLD_AT {
            out.push(g);
        } else {
            out.extend(g.into_iter().map(|f| vec![f]));
        }
    }
    out
}

/// A finding's subject and place, for a folded list: `` `B` (x.yaml:30) ``, or
/// `Deployment/b (x.yaml:30)` when the message names its resource.
pub(crate) fn subject(f: &Finding) -> String {
    let s = subject_name(f);
    match &f.location {
        Some(l) => format!("{s} ({}:{})", l.path, l.line),
        None => s.to_string(),
    }
}

/// What a finding is about: the resource its message names, else the message's first code
/// span (with its backticks), else nothing.
pub(crate) fn subject_name(f: &Finding) -> &str {
    let m = &f.message;
    match f
        .resource
        .as_deref()
        .filter(|r| !r.is_empty() && m.contains(*r))
    {
        Some(r) => r,
        None => m
            .find('`')
            .and_then(|a| m[a + 1..].find('`').map(|b| &m[a..a + 2 + b]))
            .unwrap_or(""),
    }
}
