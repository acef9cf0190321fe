//! Dependency-update tooling: Dependabot (`.github/dependabot.yml`, its `updates` entries)
//! and Renovate (`renovate.json`, `renovate.json5`, `.renovaterc*`: presence and `enabled`).

use super::{UpdateRule, UpdateTool, UpdateToolKind};
use crate::yaml::{self, Node};
use crate::{EvidenceError, FileKind, Loc, Source};

pub(super) fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Option<UpdateTool> {
    let kind = FileKind::DependencyUpdates;
    let mut err = |loc: Loc, message: String| errors.push(EvidenceError::new(loc, kind, message));
    let name = src
        .path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if name.starts_with("dependabot.") {
        dependabot(src, &mut err)
    } else {
        Some(renovate(src, &name, &mut err))
    }
}

fn dependabot(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<UpdateTool> {
    let docs = match yaml::load_all(src) {
        Ok(d) => d,
        Err(e) => {
            err(e.loc, e.message);
            return None;
        }
    };
    let mut tool = UpdateTool {
        tool: UpdateToolKind::Dependabot,
        path: src.path.clone(),
        loc: src.file_start(),
        enabled: false,
        updates: Vec::new(),
    };
    let Some(doc) = docs.first() else {
        return Some(tool);
    };
    if !doc.is_map() {
        err(
            doc.loc.clone(),
            "expected a mapping at the top of dependabot.yml".to_string(),
        );
        return Some(tool);
    }
    match doc.get("updates") {
        None => {}
        Some(u) if u.is_null() => {}
        Some(Node {
            value: yaml::Value::Seq(items),
            ..
        }) => {
            for item in items {
                if !item.is_map() {
                    err(
                        item.loc.clone(),
                        "expected a mapping for an `updates` entry".to_string(),
                    );
                    continue;
                }
                let directory = item
                    .get("directory")
                    .and_then(Node::scalar_text)
                    .or_else(|| {
                        item.get("directories")
                            .and_then(|d| d.as_seq().first())
                            .and_then(Node::scalar_text)
                    });
                tool.updates.push(UpdateRule {
                    ecosystem: item.get("package-ecosystem").and_then(Node::scalar_text),
                    directory,
                    interval: item
                        .at(&["schedule", "interval"])
                        .and_then(Node::scalar_text),
                    loc: item.loc.clone(),
                });
            }
        }
        Some(other) => err(
            other.loc.clone(),
            "expected a sequence for `updates`".to_string(),
        ),
    }
    tool.enabled = !tool.updates.is_empty();
    Some(tool)
}

fn renovate(src: &Source, name: &str, err: &mut dyn FnMut(Loc, String)) -> UpdateTool {
    let mut tool = UpdateTool {
        tool: UpdateToolKind::Renovate,
        path: src.path.clone(),
        loc: src.file_start(),
        enabled: true,
        updates: Vec::new(),
    };
    // Renovate reads `.json` files as JSON and falls back to JSON5 (comments, trailing
    // commas); `.json5` is JSON5, whose other extensions (unquoted keys) are not read here.
    let value = serde_json::from_str::<serde_json::Value>(&src.text)
        .or_else(|first| serde_json::from_str(&lenient(&src.text)).map_err(|_| first));
    let value = match value {
        Ok(v) => v,
        Err(e) => {
            let json5 = std::path::Path::new(name)
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("json5"));
            if !json5 {
                err(
                    crate::json::error_loc(src, &e),
                    format!("invalid JSON: {e}"),
                );
            }
            return tool;
        }
    };
    match value.as_object() {
        Some(obj) => {
            tool.enabled = obj.get("enabled").and_then(serde_json::Value::as_bool) != Some(false);
        }
        None => err(
            src.file_start(),
            format!(
                "expected a JSON object for the Renovate configuration, found {}",
                crate::json::type_name(&value)
            ),
        ),
    }
    tool
}

/// JSON with comments and trailing commas made plain JSON; comments become spaces so that
/// error positions stay put.
fn lenient(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut in_string = false;
    while let Some(&c) = b.get(i) {
        if in_string {
            out.push(c);
            if c == b'\\' {
                if let Some(&n) = b.get(i + 1) {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                out.push(c);
                i += 1;
            }
            (b'/', Some(b'/')) => {
                while let Some(&x) = b.get(i) {
                    if x == b'\n' {
                        break;
                    }
                    out.push(b' ');
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                out.extend_from_slice(b"  ");
                i += 2;
                while let Some(&x) = b.get(i) {
                    if x == b'*' && b.get(i + 1) == Some(&b'/') {
                        out.extend_from_slice(b"  ");
                        i += 2;
                        break;
                    }
                    out.push(if x == b'\n' { b'\n' } else { b' ' });
                    i += 1;
                }
            }
            (b'}' | b']', _) => {
                // Drop a trailing comma before the closer.
                if let Some(pos) = out.iter().rposition(|x| !x.is_ascii_whitespace())
                    && out.get(pos) == Some(&b',')
                    && let Some(slot) = out.get_mut(pos)
                {
                    *slot = b' ';
                }
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    type Row<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, u32);

    #[test]
    fn dependabot_updates_entries() {
        let src = Source::new(
            ".github/dependabot.yml",
            "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: github-actions\n    directories: [\"/\", \"/tools\"]\n    schedule: {interval: daily}\n",
        );
        let mut errs = Vec::new();
        let t = parse(&src, &mut errs).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(t.tool, UpdateToolKind::Dependabot);
        assert!(t.enabled);
        let got: Vec<Row<'_>> = t
            .updates
            .iter()
            .map(|u| {
                (
                    u.ecosystem.as_deref(),
                    u.directory.as_deref(),
                    u.interval.as_deref(),
                    u.loc.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("cargo"), Some("/"), Some("weekly"), 3),
                (Some("github-actions"), Some("/"), Some("daily"), 7),
            ]
        );
    }

    #[test]
    fn dependabot_without_updates_is_disabled_and_bad_shapes_are_errors() {
        let mut errs = Vec::new();
        let t = parse(
            &Source::new(".github/dependabot.yml", "version: 2\n"),
            &mut errs,
        )
        .unwrap();
        assert!(!t.enabled && errs.is_empty());
        let t = parse(
            &Source::new(".github/dependabot.yml", "version: 2\nupdates: cargo\n"),
            &mut errs,
        )
        .unwrap();
        assert!(!t.enabled);
        let msgs: Vec<(u32, &str)> = errs
            .iter()
            .map(|e| (e.loc.line, e.message.as_str()))
            .collect();
        assert_eq!(msgs, vec![(2, "expected a sequence for `updates`")]);
        let mut errs = Vec::new();
        assert!(
            parse(
                &Source::new(".github/dependabot.yml", "updates: [\n"),
                &mut errs
            )
            .is_none()
        );
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].kind, FileKind::DependencyUpdates);
    }

    #[test]
    fn renovate_json_json5_and_disabled() {
        let mut errs = Vec::new();
        let t = parse(
            &Source::new(
                "renovate.json",
                "{\n  // shared preset\n  \"extends\": [\"config:recommended\",],\n}\n",
            ),
            &mut errs,
        )
        .unwrap();
        assert_eq!((t.tool, t.enabled), (UpdateToolKind::Renovate, true));
        let t = parse(
            &Source::new(".renovaterc.json", "{\"enabled\": false}"),
            &mut errs,
        )
        .unwrap();
        assert!(!t.enabled);
        let t = parse(
            &Source::new("renovate.json5", "{extends: ['config:base']}"),
            &mut errs,
        )
        .unwrap();
        assert!(t.enabled);
        assert!(errs.is_empty(), "{errs:?}");
        let t = parse(
            &Source::new("renovate.json", "{\n  \"extends\": [\n"),
            &mut errs,
        )
        .unwrap();
        assert!(t.enabled);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].loc.line, 3);
        assert!(
            errs[0].message.starts_with("invalid JSON"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn lenient_json_keeps_strings_and_positions() {
        assert_eq!(
            lenient("{\"a\": \"//x\", /* c */ \"b\": [1,],}"),
            "{\"a\": \"//x\",         \"b\": [1 ] }"
        );
    }
}
