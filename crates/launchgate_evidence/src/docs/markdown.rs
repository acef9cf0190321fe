//! Reading one Markdown file into a [`Document`]: headings with GitHub anchors, sections, code
//! blocks, links and the text of paragraphs, list items and table rows, each with its location.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{CodeBlock, Document, Heading, Link, Section, TextBlock, TextKind};
use crate::{Located, Source};

/// The Markdown dialect read: GitHub's (tables, strikethrough, task lists, footnotes), with YAML
/// front matter kept out of the text (otherwise its closing `---` would make a heading).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// An element whose text is being collected.
#[derive(Debug)]
enum Open {
    Heading {
        level: u8,
        start: usize,
        text: String,
    },
    Paragraph {
        start: usize,
        end: usize,
        text: String,
    },
    Item {
        ordered: bool,
        start: usize,
        end: usize,
        text: String,
    },
    List {
        ordered: bool,
    },
    Row {
        start: usize,
        end: usize,
        cells: Vec<String>,
    },
    Cell {
        text: String,
    },
    Code {
        lang: String,
        fenced: bool,
        start: usize,
        end: usize,
        text: String,
    },
    Link {
        dest: String,
        start: usize,
        end: usize,
        text: String,
    },
    Image {
        dest: String,
        start: usize,
        end: usize,
    },
    Other,
}

impl Open {
    /// The text buffer that inline text of this element goes to.
    fn buffer(&mut self) -> Option<&mut String> {
        match self {
            Open::Heading { text, .. }
            | Open::Paragraph { text, .. }
            | Open::Item { text, .. }
            | Open::Cell { text }
            | Open::Code { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Parses `src` as Markdown. Markdown has no syntax errors: every text is a document.
pub(super) fn read(src: &Source) -> Document {
    let mut doc = Document {
        path: src.path.clone(),
        loc: src.file_start(),
        title: None,
        headings: Vec::new(),
        sections: Vec::new(),
        code_blocks: Vec::new(),
        links: Vec::new(),
        images: Vec::new(),
        blocks: Vec::new(),
        html_anchors: BTreeSet::new(),
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut slugs = Slugger::default();
    for (event, range) in Parser::new_ext(&src.text, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => stack.push(open(tag, range.start, range.end, &stack)),
            Event::End(end) => {
                let Some(top) = stack.pop() else { continue };
                close(src, &mut doc, &mut stack, &mut slugs, top, end);
            }
            Event::Text(t) | Event::Code(t) => push_text(&mut stack, &t),
            Event::SoftBreak | Event::HardBreak => push_text(&mut stack, " "),
            Event::Html(h) | Event::InlineHtml(h) => html_anchors(&h, &mut doc.html_anchors),
            _ => {}
        }
    }
    doc.blocks.sort_by_key(|b| b.loc.start);
    doc.sections = sections(&doc.headings, src.text.len());
    doc.title = doc
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| Located::new(h.text.clone(), h.loc.clone()));
    doc
}

fn open(tag: Tag<'_>, start: usize, end: usize, stack: &[Open]) -> Open {
    match tag {
        Tag::Heading { level, .. } => Open::Heading {
            level: heading_level(level),
            start,
            text: String::new(),
        },
        Tag::Paragraph => Open::Paragraph {
            start,
            end,
            text: String::new(),
        },
        Tag::List(first) => Open::List {
            ordered: first.is_some(),
        },
        Tag::Item => Open::Item {
            ordered: matches!(stack.last(), Some(Open::List { ordered: true })),
            start,
            end,
            text: String::new(),
        },
        Tag::TableHead | Tag::TableRow => Open::Row {
            start,
            end,
            cells: Vec::new(),
        },
        Tag::TableCell => Open::Cell {
            text: String::new(),
        },
        Tag::CodeBlock(kind) => {
            let (lang, fenced) = match kind {
                CodeBlockKind::Fenced(info) => (language(&info), true),
                CodeBlockKind::Indented => (String::new(), false),
            };
            Open::Code {
                lang,
                fenced,
                start,
                end,
                text: String::new(),
            }
        }
        Tag::Link { dest_url, .. } => Open::Link {
            dest: dest_url.to_string(),
            start,
            end,
            text: String::new(),
        },
        Tag::Image { dest_url, .. } => Open::Image {
            dest: dest_url.to_string(),
            start,
            end,
        },
        _ => Open::Other,
    }
}

/// The language of a fence's info string: its first word (`bash` in ```` ```bash title=x ````,
/// `sh` in ```` ```{sh} ````), lowercased.
fn language(info: &str) -> String {
    info.split(|c: char| c.is_whitespace() || c == ',')
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == '{' || c == '}' || c == '.')
        .to_ascii_lowercase()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Inline text goes to the innermost element that collects text, and to every open link.
fn push_text(stack: &mut [Open], t: &str) {
    for o in stack.iter_mut() {
        if let Open::Link { text, .. } = o {
            text.push_str(t);
        }
    }
    if let Some(buf) = stack.iter_mut().rev().find_map(Open::buffer) {
        buf.push_str(t);
    }
}

fn close(
    src: &Source,
    doc: &mut Document,
    stack: &mut [Open],
    slugs: &mut Slugger,
    top: Open,
    end: TagEnd,
) {
    match top {
        Open::Heading { level, start, text } => {
            let text = squash(&text);
            let anchor = slugs.slug(&text);
            let loc = src.loc(start, line_end(&src.text, start));
            doc.headings.push(Heading {
                level,
                text,
                anchor,
                loc,
            });
        }
        Open::Paragraph { start, end, text } => {
            let kind = match stack.last() {
                Some(Open::Item { ordered, .. }) => TextKind::ListItem { ordered: *ordered },
                _ => TextKind::Paragraph,
            };
            push_block(src, doc, kind, (start, end), &text);
        }
        Open::Item {
            ordered,
            start,
            end,
            text,
        } => push_block(
            src,
            doc,
            TextKind::ListItem { ordered },
            (start, end),
            &text,
        ),
        Open::Cell { text } => {
            if let Some(Open::Row { cells, .. }) = stack.last_mut() {
                cells.push(squash(&text));
            }
        }
        Open::Row {
            start,
            end: stop,
            cells,
        } => {
            let header = matches!(end, TagEnd::TableHead);
            let kind = TextKind::TableRow { header };
            push_block(src, doc, kind, (start, stop), &cells.join(" | "));
        }
        Open::Code {
            lang,
            fenced,
            start,
            end,
            text,
        } => doc.code_blocks.push(CodeBlock {
            lang,
            fenced,
            text,
            loc: src.loc(start, end),
        }),
        Open::Link {
            dest,
            start,
            end,
            text,
        } => doc.links.push(Link {
            target: dest,
            text: squash(&text),
            loc: src.loc(start, end),
        }),
        Open::Image { dest, start, end } => doc.images.push(Link {
            target: dest,
            text: String::new(),
            loc: src.loc(start, end),
        }),
        Open::List { .. } | Open::Other => {}
    }
}

/// Records a text block; its location spans the block (`range`), its line is the first.
fn push_block(src: &Source, doc: &mut Document, kind: TextKind, range: (usize, usize), text: &str) {
    let text = squash(text);
    if text.is_empty() {
        return;
    }
    let loc = src.loc(range.0, range.1);
    doc.blocks.push(TextBlock { kind, text, loc });
}

/// The end of the line that `start` is on.
fn line_end(text: &str, start: usize) -> usize {
    text.get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i)
}

/// Collapses runs of whitespace into one space and trims.
fn squash(s: &str) -> String {
    let t = s.trim();
    // Most paragraphs already are: ASCII words between single spaces, copied as they are.
    let ws = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let bytes = t.as_bytes();
    let squashed = t.is_ascii()
        && !bytes
            .windows(2)
            .any(|w| ws(w[0]) && (w[0] != b' ' || ws(w[1])));
    if squashed {
        return t.to_string();
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `<a name="x">` and `id="x"` in HTML: anchors that links may point at.
fn html_anchors(html: &str, out: &mut BTreeSet<String>) {
    for attr in ["name=\"", "id=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let before_ok = i == 0 || rest[..i].ends_with(char::is_whitespace);
            rest = &rest[i + attr.len()..];
            if let Some(j) = rest.find('"')
                && before_ok
            {
                out.insert(rest[..j].to_string());
            }
        }
    }
}

/// Each heading's section: from the heading to the next heading of the same or a higher level.
fn sections(headings: &[Heading], len: usize) -> Vec<Section> {
    headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let end = headings[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(len, |n| n.loc.start);
            Section {
                heading: i,
                start: h.loc.start,
                end,
            }
        })
        .collect()
}

/// GitHub's heading anchors: lowercase, punctuation removed (letters, digits, `-` and `_`
/// kept), spaces turned into `-`; a repeated anchor gets `-1`, `-2`, ... in order.
#[derive(Debug, Default)]
pub(super) struct Slugger {
    used: BTreeSet<String>,
    counts: BTreeMap<String, usize>,
}

impl Slugger {
    pub(super) fn slug(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut result = base.clone();
        while self.used.contains(&result) {
            let n = self.counts.entry(base.clone()).or_insert(0);
            *n += 1;
            result = format!("{base}-{n}");
        }
        self.used.insert(result.clone());
        result
    }
}

/// The anchor GitHub gives a heading's text, before duplicates are numbered.
pub fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn doc(text: &str) -> Document {
        read(&Source::new("docs/runbooks/high-error-rate.md", text))
    }

    const RUNBOOK: &str = "\
---
owner: team-payments
---
# High error rate

Users see 5xx answers. See [the dashboard](https://grafana.acme.dev/d/pay).

## Assess impact

1. Open the dashboard
2. Check `kubectl get pods`

## Diagnose

```bash
kubectl logs -l app=payments --since=5m
```

### Diagnose

    curl -s localhost:8080/health

## Escalate!

| Level | Who | How |
|---|---|---|
| L1 | payments-oncall | @payments-oncall |
";

    #[test]
    fn headings_have_levels_github_anchors_and_exact_locations() {
        let d = doc(RUNBOOK);
        let got: Vec<(u8, &str, &str, u32, u32)> = d
            .headings
            .iter()
            .map(|h| {
                (
                    h.level,
                    h.text.as_str(),
                    h.anchor.as_str(),
                    h.loc.line,
                    h.loc.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "High error rate", "high-error-rate", 4, 1),
                (2, "Assess impact", "assess-impact", 8, 1),
                (2, "Diagnose", "diagnose", 13, 1),
                (3, "Diagnose", "diagnose-1", 19, 1),
                (2, "Escalate!", "escalate", 23, 1),
            ]
        );
        let title = d.title.as_ref().unwrap();
        assert_eq!(
            (title.value.as_str(), title.loc.line),
            ("High error rate", 4)
        );
    }

    #[test]
    fn sections_end_at_the_next_heading_of_the_same_level() {
        let d = doc(RUNBOOK);
        let diagnose = &d.sections[2];
        assert_eq!(d.headings[diagnose.heading].text, "Diagnose");
        // The H3 below belongs to the H2 "Diagnose": both code blocks are in it.
        let blocks: Vec<u32> = d.code_blocks_in(diagnose).map(|c| c.loc.line).collect();
        assert_eq!(blocks, vec![15, 21]);
        let assess: Vec<&str> = d
            .blocks_in(&d.sections[1])
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(assess, vec!["Open the dashboard", "Check kubectl get pods"]);
        // The title's section is the whole document.
        assert_eq!(d.sections[0].end, RUNBOOK.len());
    }

    #[test]
    fn code_blocks_keep_language_text_and_location() {
        let d = doc(RUNBOOK);
        let got: Vec<(&str, bool, u32, u32, &str)> = d
            .code_blocks
            .iter()
            .map(|c| {
                (
                    c.lang.as_str(),
                    c.fenced,
                    c.loc.line,
                    c.loc.column,
                    c.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "bash",
                    true,
                    15,
                    1,
                    "kubectl logs -l app=payments --since=5m\n"
                ),
                ("", false, 21, 5, "curl -s localhost:8080/health\n"),
            ]
        );
    }

    #[test]
    fn links_list_items_and_table_rows_are_located() {
        let d = doc(RUNBOOK);
        let l = &d.links[0];
        assert_eq!(
            (l.target.as_str(), l.text.as_str(), l.loc.line, l.loc.column),
            ("https://grafana.acme.dev/d/pay", "the dashboard", 6, 28)
        );
        let rows: Vec<(&TextKind, &str, u32)> = d
            .blocks
            .iter()
            .filter(|b| matches!(b.kind, TextKind::TableRow { .. }))
            .map(|b| (&b.kind, b.text.as_str(), b.loc.line))
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    &TextKind::TableRow { header: true },
                    "Level | Who | How",
                    25
                ),
                (
                    &TextKind::TableRow { header: false },
                    "L1 | payments-oncall | @payments-oncall",
                    27
                ),
            ]
        );
        let items: Vec<(u32, u32)> = d
            .blocks
            .iter()
            .filter(|b| b.kind == TextKind::ListItem { ordered: true })
            .map(|b| (b.loc.line, b.loc.column))
            .collect();
        assert_eq!(items, vec![(10, 1), (11, 1)]);
    }

    #[test]
    fn front_matter_is_not_a_heading_and_html_anchors_count() {
        let d = doc("---\ntitle: x\n---\nText <a name=\"rollback-steps\"></a>\n");
        assert!(d.headings.is_empty());
        assert!(d.title.is_none());
        assert!(d.html_anchors.contains("rollback-steps"));
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(
            slug("Step 1: Assess Impact (2 minutes)"),
            "step-1-assess-impact-2-minutes"
        );
        assert_eq!(slug("Roll back / revert"), "roll-back--revert");
        assert_eq!(slug("snake_case & C++"), "snake_case--c");
        assert_eq!(slug("Ärger über Fehler"), "ärger-über-fehler");
        let mut s = Slugger::default();
        let got: Vec<String> = ["A", "A", "A-1", "A"].iter().map(|t| s.slug(t)).collect();
        assert_eq!(got, vec!["a", "a-1", "a-1-1", "a-2"]);
    }

    #[test]
    fn loose_and_nested_list_items_are_separate_blocks() {
        let d = doc("# E\n\n1. Primary\n\n2. Secondary\n   - via @lead\n");
        let got: Vec<(&str, u32)> = d
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.loc.line))
            .collect();
        assert_eq!(
            got,
            vec![("Primary", 3), ("Secondary", 5), ("via @lead", 6)]
        );
    }
}
