//! Following a link to the document (and heading) it names: repository paths, relative links,
//! and URLs that policy maps to a repository folder.

use std::collections::BTreeMap;

use super::{Docs, Document, Heading, Section};

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// A Markdown document of the repository.
    Document {
        doc: &'a Document,
        /// The `#fragment`, checked against the document's headings; `None` without one.
        anchor: Option<Anchor<'a>>,
        /// The URL prefix (from policy) the link was mapped through, if it was a URL.
        prefix: Option<String>,
    },
    /// A repository path where no Markdown document is.
    NotFound {
        /// The repository paths tried, in order (`x`, `x.md`, `x/README.md`, `x/index.md`).
        tried: Vec<String>,
        /// The `#fragment`, if any.
        anchor: Option<String>,
        /// The URL prefix (from policy) the link was mapped through, if it was a URL.
        prefix: Option<String>,
    },
    /// A relative link that climbs above the repository root.
    OutsideRepository,
    /// A URL under no configured prefix (a wiki, another repository, a GitHub blob URL):
    /// the repository cannot say whether it exists.
    External { url: String },
}

/// What a link's `#fragment` names in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor<'a> {
    /// A heading with that anchor, and its section.
    Heading(&'a Heading, &'a Section),
    /// An anchor defined in HTML (`<a name="...">`).
    Html(String),
    /// No heading or HTML anchor has it.
    Missing(String),
}

impl Docs {
    /// Follows `link` as written in the file `from` (a repository path; `None` when the link is
    /// relative to the repository root, as in an alert annotation or a manifest claim).
    ///
    /// - `#anchor` alone names a heading of `from`.
    /// - `docs/runbooks/x.md`, `./x.md`, `../runbooks/x.md#diagnose`: relative to `from`'s
    ///   folder (to the root without `from`; a leading `/` is the root).
    /// - `https://...` under a key of `prefixes` (policy `runbook_url_prefixes`, URL prefix to
    ///   repository folder): the rest of the URL in that folder. The longest prefix wins.
    /// - Any other URL is [`Resolution::External`].
    ///
    /// A path without `.md` is tried as written, then with `.md`, `/README.md` and
    /// `/index.md` (a `.html` page as its `.md` source); a query string is ignored; `%20` and
    /// other escapes are decoded. When no candidate exists as written, the first document
    /// (in path order) whose path equals a candidate ignoring ASCII case is taken, since
    /// static site generators such as Hugo lowercase the paths of their URLs
    /// (`.../kubepodcrashlooping` for `KubePodCrashLooping.md`).
    pub fn resolve<'a>(
        &'a self,
        link: &str,
        from: Option<&str>,
        prefixes: &BTreeMap<String, String>,
    ) -> Resolution<'a> {
        let link = link.trim();
        let (base, fragment) = link.split_once('#').unwrap_or((link, ""));
        let fragment = decode(fragment);
        let fragment = (!fragment.is_empty()).then_some(fragment);
        let (path, prefix) = if base.is_empty() {
            match from {
                Some(f) => (Some(f.to_string()), None),
                None => (Some(String::new()), None),
            }
        } else if let Some(scheme_end) = scheme(base) {
            let is_http = matches!(&base[..scheme_end], "http" | "https");
            match prefix_of(base, prefixes).filter(|_| is_http) {
                Some((p, dir)) => {
                    let rest = strip_query(&base[p.len()..]).trim_start_matches('/');
                    let rest = decode(rest);
                    let rest = match rest.strip_suffix(".html") {
                        Some(stem) => format!("{stem}.md"),
                        None => rest,
                    };
                    let dir = dir.trim_matches('/');
                    let joined = if dir.is_empty() {
                        rest
                    } else {
                        format!("{dir}/{rest}")
                    };
                    (normalize(&joined), Some(p.to_string()))
                }
                None => {
                    return Resolution::External {
                        url: link.to_string(),
                    };
                }
            }
        } else if base.starts_with("//") {
            return Resolution::External {
                url: link.to_string(),
            };
        } else {
            let rel = decode(strip_query(base));
            let joined = match (rel.strip_prefix('/'), from) {
                (Some(root), _) => root.to_string(),
                (None, Some(f)) => match f.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{rel}"),
                    None => rel.clone(),
                },
                (None, None) => rel.clone(),
            };
            (normalize(&joined), None)
        };
        let Some(path) = path else {
            return Resolution::OutsideRepository;
        };
        let dir_like = base.ends_with('/') || path.is_empty();
        let tried = candidates(&path, dir_like);
        // Static site generators (Hugo) lowercase paths in URLs: when no path matches as
        // written, one that matches ignoring ASCII case does.
        let found = tried
            .iter()
            .find_map(|p| self.get(p))
            .or_else(|| tried.iter().find_map(|p| self.get_ignoring_case(p)));
        match found {
            Some(doc) => Resolution::Document {
                doc,
                anchor: fragment.map(|f| anchor(doc, f)),
                prefix,
            },
            None => Resolution::NotFound {
                tried,
                anchor: fragment,
                prefix,
            },
        }
    }
}

fn anchor(doc: &Document, fragment: String) -> Anchor<'_> {
    if let Some((h, s)) = doc.anchor(&fragment) {
        Anchor::Heading(h, s)
    } else if doc.html_anchors.contains(&fragment) {
        Anchor::Html(fragment)
    } else {
        Anchor::Missing(fragment)
    }
}

/// The end of a URL scheme (`https` in `https://...`, `mailto` in `mailto:x`), if the link has
/// one. A Windows-looking `C:` is not a scheme here (single letters are not schemes).
fn scheme(link: &str) -> Option<usize> {
    let i = link.find(':')?;
    let s = &link[..i];
    (s.len() > 1
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(i)
}

/// The longest configured prefix the URL starts with, at a path boundary.
fn prefix_of<'p>(url: &str, prefixes: &'p BTreeMap<String, String>) -> Option<(&'p str, &'p str)> {
    prefixes
        .iter()
        .filter(|(p, _)| {
            url.strip_prefix(p.as_str()).is_some_and(|rest| {
                p.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?', '#'])
            })
        })
        .max_by_key(|(p, _)| p.len())
        .map(|(p, d)| (p.as_str(), d.as_str()))
}

fn strip_query(s: &str) -> &str {
    s.split_once('?').map_or(s, |(p, _)| p)
}

/// Joins `.` and `..` segments; `None` when the path climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

fn candidates(path: &str, dir_like: bool) -> Vec<String> {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}/{name}")
        }
    };
    if dir_like {
        return vec![join("README.md"), join("index.md")];
    }
    let markdown = std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    if markdown {
        return vec![path.to_string()];
    }
    vec![
        path.to_string(),
        format!("{path}.md"),
        join("README.md"),
        join("index.md"),
    ]
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::Source;
    use crate::docs::{assemble, parse};

    fn docs() -> Docs {
        let files: Vec<_> = [
            (
                "docs/runbooks/high-error-rate.md",
                "# High error rate\n\n## Diagnose\n\n## Diagnose\n\n<a name=\"old-anchor\"></a>\n",
            ),
            (
                "docs/runbooks/queue/README.md",
                "# Queue\n\n## Drain the DLQ\n",
            ),
            ("docs/runbooks/rollback.md", "# Roll back\n"),
            ("docs/oncall.md", "# On call\n"),
        ]
        .iter()
        .flat_map(|(p, t)| parse(&Source::new(*p, *t), &mut Vec::new()))
        .collect();
        assemble(&files)
    }

    fn prefixes() -> BTreeMap<String, String> {
        BTreeMap::from([
            (
                "https://runbooks.acme.dev/payments/".to_string(),
                "docs/runbooks/".to_string(),
            ),
            ("https://runbooks.acme.dev".to_string(), "docs".to_string()),
        ])
    }

    /// (document path, heading line of the anchor or 0, anchor outcome)
    fn found(r: &Resolution<'_>) -> Option<(String, u32, String)> {
        match r {
            Resolution::Document { doc, anchor, .. } => {
                let (line, what) = match anchor {
                    None => (0, "none".to_string()),
                    Some(Anchor::Heading(h, _)) => (h.loc.line, h.anchor.clone()),
                    Some(Anchor::Html(a)) => (0, format!("html {a}")),
                    Some(Anchor::Missing(a)) => (0, format!("missing {a}")),
                };
                Some((doc.path.to_string(), line, what))
            }
            _ => None,
        }
    }

    fn at(link: &str, from: Option<&str>) -> Option<(String, u32, String)> {
        found(&docs().resolve(link, from, &prefixes()))
    }

    #[test]
    fn repository_relative_links() {
        let hit =
            |path: &str, line: u32, what: &str| Some((path.to_string(), line, what.to_string()));
        assert_eq!(
            at("docs/runbooks/high-error-rate.md", None),
            hit("docs/runbooks/high-error-rate.md", 0, "none")
        );
        assert_eq!(
            at("/docs/runbooks/rollback", None),
            hit("docs/runbooks/rollback.md", 0, "none")
        );
        assert_eq!(
            at("./rollback.md", Some("docs/runbooks/high-error-rate.md")),
            hit("docs/runbooks/rollback.md", 0, "none")
        );
        assert_eq!(
            at(
                "../runbooks/high-error-rate.md#diagnose-1",
                Some("docs/guides/x.md")
            ),
            hit("docs/runbooks/high-error-rate.md", 5, "diagnose-1")
        );
        assert_eq!(
            at("runbooks/queue/", Some("docs/oncall.md")),
            hit("docs/runbooks/queue/README.md", 0, "none")
        );
        assert_eq!(
            at("#DIAGNOSE", Some("docs/runbooks/high-error-rate.md")),
            hit("docs/runbooks/high-error-rate.md", 3, "diagnose")
        );
        assert_eq!(
            at("docs/runbooks/high-error-rate.md#old-anchor", None),
            hit("docs/runbooks/high-error-rate.md", 0, "html old-anchor")
        );
        assert_eq!(
            at("docs/runbooks/high-error-rate.md#mitigate", None),
            hit("docs/runbooks/high-error-rate.md", 0, "missing mitigate")
        );
        assert_eq!(
            docs().resolve("../../x.md", Some("docs/a.md"), &prefixes()),
            Resolution::OutsideRepository
        );
        assert_eq!(
            docs().resolve("docs/runbooks/latency#p99", None, &prefixes()),
            Resolution::NotFound {
                tried: vec![
                    "docs/runbooks/latency".to_string(),
                    "docs/runbooks/latency.md".to_string(),
                    "docs/runbooks/latency/README.md".to_string(),
                    "docs/runbooks/latency/index.md".to_string(),
                ],
                anchor: Some("p99".to_string()),
                prefix: None,
            }
        );
    }

    #[test]
    fn urls_under_a_prefix_map_to_the_folder_and_others_are_external() {
        let hit =
            |path: &str, line: u32, what: &str| Some((path.to_string(), line, what.to_string()));
        assert_eq!(
            at(
                "https://runbooks.acme.dev/payments/high-error-rate#diagnose",
                None
            ),
            hit("docs/runbooks/high-error-rate.md", 3, "diagnose")
        );
        assert_eq!(
            at("https://runbooks.acme.dev/payments/queue?ref=alert", None),
            hit("docs/runbooks/queue/README.md", 0, "none")
        );
        assert_eq!(
            at("https://runbooks.acme.dev/oncall.html", None),
            hit("docs/oncall.md", 0, "none")
        );
        // `https://runbooks.acme.dev` is a prefix only at a path boundary.
        assert_eq!(
            docs().resolve(
                "https://runbooks.acme.dev.evil.example/x",
                None,
                &prefixes()
            ),
            Resolution::External {
                url: "https://runbooks.acme.dev.evil.example/x".to_string()
            }
        );
        let d = docs();
        let r = d.resolve(
            "https://runbooks.acme.dev/payments/latency",
            None,
            &prefixes(),
        );
        assert!(
            matches!(&r, Resolution::NotFound { tried, prefix: Some(p), .. }
            if tried[1] == "docs/runbooks/latency.md" && p == "https://runbooks.acme.dev/payments/")
        );
        for external in [
            "https://github.com/acme/payments/blob/main/docs/runbooks/high-error-rate.md",
            "https://wiki.company.com/runbooks/payment-api-errors",
            "mailto:oncall@acme.dev",
            "//cdn.acme.dev/x.md",
        ] {
            assert_eq!(
                docs().resolve(external, None, &prefixes()),
                Resolution::External {
                    url: external.to_string()
                }
            );
        }
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(decode("High%20error%zz"), "High error%zz");
        assert_eq!(normalize("a/./b/../c"), Some("a/c".to_string()));
        assert_eq!(normalize("a/../.."), None);
    }
}
