//! `Cargo.toml`: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
//! `[target.'cfg(..)'.*]` variants, and `[workspace.dependencies]` (as managed versions).

use toml::de::DeValue;

use super::toml_util::{self as t, Table};
use super::{Dep, DepManifest, DepSource, Scope};
use crate::{DepFormat, Loc, Source};

const SECTIONS: [(&str, Scope); 5] = [
    ("dependencies", Scope::Normal),
    ("dev-dependencies", Scope::Dev),
    ("dev_dependencies", Scope::Dev),
    ("build-dependencies", Scope::Build),
    ("build_dependencies", Scope::Build),
];

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<DepManifest> {
    let doc = t::parse(src, err)?;
    let root = doc.get_ref();
    let mut m = DepManifest::new(src, DepFormat::CargoToml);
    m.name = t::table(root, "package")
        .and_then(|p| t::str_at(p, "name"))
        .map(str::to_string);
    if let Some(ws) = t::get(root, "workspace") {
        m.workspace_root = true;
        if let Some(ws) = section_table(src, ws, "[workspace]", err)
            && let Some(deps) = t::get(ws, "dependencies")
            && let Some(deps) = section_table(src, deps, "[workspace.dependencies]", err)
        {
            section(src, deps, Scope::Normal, None, &mut m.managed, err);
        }
    }
    for (key, scope) in SECTIONS {
        if let Some(item) = t::get(root, key)
            && let Some(deps) = section_table(src, item, &format!("[{key}]"), err)
        {
            section(src, deps, scope, None, &mut m.dependencies, err);
        }
    }
    if let Some(targets) = t::table(root, "target") {
        for (cfg, item) in targets {
            let Some(target) = item.get_ref().as_table() else {
                continue;
            };
            for (key, scope) in SECTIONS {
                if let Some(item) = t::get(target, key)
                    && let Some(deps) =
                        section_table(src, item, &format!("[target.{}.{key}]", cfg.get_ref()), err)
                {
                    let marker = Some(cfg.get_ref().as_ref());
                    section(src, deps, scope, marker, &mut m.dependencies, err);
                }
            }
        }
    }
    Some(m.finish())
}

/// The table a dependency section must be, or an error.
fn section_table<'a, 'i>(
    src: &Source,
    item: &'a t::Item<'i>,
    what: &str,
    err: &mut dyn FnMut(Loc, String),
) -> Option<&'a Table<'i>> {
    let table = item.get_ref().as_table();
    if table.is_none() {
        err(
            t::loc_of(src, item),
            format!(
                "expected a table for {what}, found {}",
                t::type_name(item.get_ref())
            ),
        );
    }
    table
}

fn section(
    src: &Source,
    deps: &Table<'_>,
    scope: Scope,
    marker: Option<&str>,
    out: &mut Vec<Dep>,
    err: &mut dyn FnMut(Loc, String),
) {
    for (key, value) in deps {
        let loc = t::loc_of(src, key);
        let mut d = Dep::new(key.get_ref().to_string(), loc.clone());
        d.scope = scope;
        d.marker = marker.map(str::to_string);
        match value.get_ref() {
            DeValue::String(v) => d.version = Some(v.to_string()),
            DeValue::Table(spec) => {
                if let Some(p) = t::str_at(spec, "package") {
                    d.name = p.to_string();
                }
                d.version = t::str_at(spec, "version").map(str::to_string);
                d.features = t::strings_at(spec, "features");
                let flag = |k: &str| spec.get(k).and_then(|v| v.get_ref().as_bool()) == Some(true);
                d.source = if flag("workspace") {
                    DepSource::Workspace
                } else if spec.contains_key("path") {
                    DepSource::Path
                } else if spec.contains_key("git") {
                    DepSource::Git
                } else {
                    DepSource::Registry
                };
                if flag("optional") && scope == Scope::Normal {
                    d.scope = Scope::Optional;
                }
            }
            other => {
                err(
                    t::loc_of(src, value),
                    format!(
                        "expected a version string or a table for dependency `{}`, found {}",
                        key.get_ref(),
                        t::type_name(other)
                    ),
                );
                continue;
            }
        }
        out.push(d);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> DepManifest {
        let src = Source::new("svc/Cargo.toml", text);
        let mut errs = Vec::new();
        let m = parse(&src, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        m
    }

    const SAMPLE: &str = r#"[package]
name = "payments"
version = "0.3.0"

[dependencies]
tokio = { version = "1.40", features = ["rt-multi-thread", "macros"] }
tracing-subscriber = { workspace = true, features = ["json"] }
axum.workspace = true
db = { path = "../db" }
ledger = { package = "ledger-client", git = "https://example.invalid/ledger" }
metrics = { version = "0.24", optional = true }

[dev-dependencies]
proptest = "1"

[build-dependencies.prost-build]
version = "0.13"

[target.'cfg(unix)'.dependencies]
nix = "0.29"
"#;

    #[test]
    fn every_section_with_versions_scopes_and_lines() {
        let m = parse_ok(SAMPLE);
        assert_eq!(m.name.as_deref(), Some("payments"));
        assert!(!m.workspace_root);
        let got = crate::deps::dependency_rows(&m);
        assert_eq!(
            got,
            vec![
                ("tokio", Some("1.40"), Scope::Normal, 6, 1),
                ("tracing-subscriber", None, Scope::Normal, 7, 1),
                ("axum", None, Scope::Normal, 8, 1),
                ("db", None, Scope::Normal, 9, 1),
                ("ledger-client", None, Scope::Normal, 10, 1),
                ("metrics", Some("0.24"), Scope::Optional, 11, 1),
                ("proptest", Some("1"), Scope::Dev, 14, 1),
                ("prost-build", Some("0.13"), Scope::Build, 16, 21),
                ("nix", Some("0.29"), Scope::Normal, 20, 1),
            ]
        );
        let d = &m.dependencies;
        assert_eq!(d[0].features, vec!["rt-multi-thread", "macros"]);
        assert_eq!(d[1].features, vec!["json"]);
        assert_eq!(
            [
                d[1].source,
                d[2].source,
                d[3].source,
                d[4].source,
                d[5].source
            ],
            [
                DepSource::Workspace,
                DepSource::Workspace,
                DepSource::Path,
                DepSource::Git,
                DepSource::Registry
            ]
        );
        assert_eq!(d[8].marker.as_deref(), Some("cfg(unix)"));
    }

    #[test]
    fn workspace_dependencies_are_managed_versions() {
        let m = parse_ok(
            "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.dependencies]\n\
             tracing-subscriber = { version = \"0.3\", features = [\"json\", \"env-filter\"] }\n\
             serde = \"1\"\n",
        );
        assert!(m.workspace_root);
        assert!(m.dependencies.is_empty());
        let got: Vec<(&str, Option<&str>, u32)> = m
            .managed
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.loc.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("tracing-subscriber", Some("0.3"), 5),
                ("serde", Some("1"), 6)
            ]
        );
        assert_eq!(m.managed[0].features, vec!["json", "env-filter"]);
    }

    #[test]
    fn malformed_files_and_entries_are_located_errors() {
        let src = Source::new(
            "Cargo.toml",
            "[dependencies]\nserde = 1\nok = \"1\"\n[dev-dependencies\n",
        );
        let mut errs = Vec::new();
        assert!(parse(&src, &mut |l, m| errs.push((l.line, l.column, m))).is_none());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 4);
        assert!(errs[0].2.starts_with("invalid TOML"), "{}", errs[0].2);

        let src = Source::new(
            "Cargo.toml",
            "dependencies = 3\n[dev-dependencies]\nserde = 1\nok = \"1\"\n",
        );
        let mut errs = Vec::new();
        let m = parse(&src, &mut |l, m| errs.push((l.line, l.column, m))).unwrap();
        assert_eq!(
            errs,
            vec![
                (
                    1,
                    16,
                    "expected a table for [dependencies], found an integer".to_string()
                ),
                (
                    3,
                    9,
                    "expected a version string or a table for dependency `serde`, found an integer"
                        .to_string()
                ),
            ]
        );
        assert_eq!(m.dependencies.len(), 1);
        assert_eq!(m.dependencies[0].name, "ok");
    }
}
