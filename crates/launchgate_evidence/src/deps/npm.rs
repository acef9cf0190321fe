//! `package.json`: `dependencies`, `devDependencies`, `peerDependencies`,
//! `optionalDependencies`. Values come from serde_json; each entry's line from a key scan.

use std::collections::HashMap;

use serde_json::Value;

use super::{Dep, DepManifest, DepSource, Scope};
use crate::{DepFormat, Loc, Source};

const SECTIONS: [(&str, Scope); 4] = [
    ("dependencies", Scope::Normal),
    ("devDependencies", Scope::Dev),
    ("peerDependencies", Scope::Peer),
    ("optionalDependencies", Scope::Optional),
];

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<DepManifest> {
    let value: Value = match serde_json::from_str(&src.text) {
        Ok(v) => v,
        Err(e) => {
            err(
                crate::json::error_loc(src, &e),
                format!("invalid JSON: {e}"),
            );
            return None;
        }
    };
    let Some(obj) = value.as_object() else {
        err(
            src.file_start(),
            format!(
                "expected a JSON object at the top of package.json, found {}",
                crate::json::type_name(&value)
            ),
        );
        return None;
    };
    let mut m = DepManifest::new(src, DepFormat::PackageJson);
    m.name = obj.get("name").and_then(Value::as_str).map(str::to_string);
    m.workspace_root = obj.contains_key("workspaces");
    let names: Vec<&str> = SECTIONS.iter().map(|(s, _)| *s).collect();
    let keys = crate::json::keys::locate(&src.text, &names);
    // Later duplicates overwrite earlier ones, as in serde_json.
    let spans: HashMap<(&str, Option<&str>), (usize, usize)> = keys
        .iter()
        .map(|k| ((k.top.as_str(), k.key.as_deref()), (k.start, k.end)))
        .collect();
    let key_loc = |top: &str, key: Option<&str>| -> Loc {
        spans
            .get(&(top, key))
            .map_or_else(|| src.file_start(), |&(s, e)| src.loc(s, e))
    };
    for (section, scope) in SECTIONS {
        let Some(deps) = obj.get(section) else {
            continue;
        };
        let Some(deps) = deps.as_object() else {
            err(
                key_loc(section, None),
                format!(
                    "expected an object for `{section}`, found {}",
                    crate::json::type_name(deps)
                ),
            );
            continue;
        };
        for (name, spec) in deps {
            let loc = key_loc(section, Some(name));
            let Some(spec) = spec.as_str() else {
                err(
                    loc,
                    format!(
                        "expected a version string for `{name}` in `{section}`, found {}",
                        crate::json::type_name(spec)
                    ),
                );
                continue;
            };
            let mut d = Dep::new(name.clone(), loc);
            d.scope = scope;
            d.source = source_of(spec);
            d.version = Some(spec.to_string());
            // `npm:real-name@^1` installs another package under this name.
            if let Some(alias) = spec.strip_prefix("npm:") {
                if let Some(at) = alias.get(1..).and_then(|a| a.find('@')).map(|i| i + 1) {
                    d.name = alias[..at].to_string();
                    d.version = Some(alias[at + 1..].to_string());
                } else {
                    d.name = alias.to_string();
                    d.version = None;
                }
            }
            m.dependencies.push(d);
        }
    }
    Some(m.finish())
}

fn source_of(spec: &str) -> DepSource {
    if spec.starts_with("workspace:") {
        DepSource::Workspace
    } else if spec.starts_with("file:") || spec.starts_with("link:") || spec.starts_with("portal:")
    {
        DepSource::Path
    } else if spec.starts_with("git")
        || spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("bitbucket:")
    {
        DepSource::Git
    } else if spec.starts_with("http://") || spec.starts_with("https://") {
        DepSource::Url
    } else {
        DepSource::Registry
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
  "name": "checkout-web",
  "private": true,
  "workspaces": ["packages/*"],
  "dependencies": {
    "pino": "^9.4.0",
    "@opentelemetry/sdk-node": "0.53.0",
    "shared": "workspace:*",
    "legacy-client": "npm:axios@^1.7.0"
  },
  "devDependencies": {"jest": "^29.7.0", "local": "file:../local"},
  "peerDependencies": {
    "react": ">=18"
  },
  "optionalDependencies": {
    "fsevents": "2.3.3"
  }
}
"#;

    #[test]
    fn all_sections_with_lines_and_columns() {
        let src = Source::new("web/package.json", SAMPLE);
        let mut errs = Vec::new();
        let m = parse(&src, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.name.as_deref(), Some("checkout-web"));
        assert!(m.workspace_root);
        let got: Vec<(&str, &str, Scope, DepSource, u32, u32)> = m
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.version.as_deref().unwrap(),
                    d.scope,
                    d.source,
                    d.loc.line,
                    d.loc.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("pino", "^9.4.0", Scope::Normal, DepSource::Registry, 6, 5),
                (
                    "@opentelemetry/sdk-node",
                    "0.53.0",
                    Scope::Normal,
                    DepSource::Registry,
                    7,
                    5
                ),
                (
                    "shared",
                    "workspace:*",
                    Scope::Normal,
                    DepSource::Workspace,
                    8,
                    5
                ),
                ("axios", "^1.7.0", Scope::Normal, DepSource::Registry, 9, 5),
                ("jest", "^29.7.0", Scope::Dev, DepSource::Registry, 11, 23),
                (
                    "local",
                    "file:../local",
                    Scope::Dev,
                    DepSource::Path,
                    11,
                    42
                ),
                ("react", ">=18", Scope::Peer, DepSource::Registry, 13, 5),
                (
                    "fsevents",
                    "2.3.3",
                    Scope::Optional,
                    DepSource::Registry,
                    16,
                    5
                ),
            ]
        );
    }

    #[test]
    fn malformed_json_and_entries_are_located() {
        let src = Source::new(
            "package.json",
            "{\n  \"dependencies\": {\n    \"a\": \"1\",\n  }\n}\n",
        );
        let mut errs = Vec::new();
        assert!(parse(&src, &mut |l, m| errs.push((l.line, m))).is_none());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 4);
        assert!(
            errs[0].1.starts_with("invalid JSON: trailing comma"),
            "{}",
            errs[0].1
        );

        let src = Source::new(
            "package.json",
            "{\"dependencies\": [\"a\"],\n \"devDependencies\": {\n  \"b\": 1, \"c\": \"2\"}}",
        );
        let mut errs = Vec::new();
        let m = parse(&src, &mut |l, m| errs.push((l.line, l.column, m))).unwrap();
        assert_eq!(
            errs,
            vec![
                (
                    1,
                    2,
                    "expected an object for `dependencies`, found an array".to_string()
                ),
                (
                    3,
                    3,
                    "expected a version string for `b` in `devDependencies`, found a number"
                        .to_string()
                ),
            ]
        );
        assert_eq!(m.dependencies.len(), 1);

        let src = Source::new("package.json", "[1]");
        let mut errs = Vec::new();
        assert!(parse(&src, &mut |l, m| errs.push((l.line, m))).is_none());
        assert_eq!(
            errs,
            vec![(
                1,
                "expected a JSON object at the top of package.json, found an array".into()
            )]
        );
    }
}
