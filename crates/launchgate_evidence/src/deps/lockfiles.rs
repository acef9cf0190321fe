//! Lockfiles: presence, and the package names they lock where that is cheap. Line-oriented
//! formats (Cargo.lock, poetry/uv/pdm locks, go.sum, yarn.lock, pnpm-lock.yaml, Gemfile.lock,
//! gradle.lockfile) are scanned line by line and never fail; JSON locks are parsed, and a
//! syntax error there is reported.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{Ecosystem, Lockfile};
use crate::{DepFormat, Loc, Source};

pub(super) fn parse(
    src: &Source,
    format: DepFormat,
    err: &mut dyn FnMut(Loc, String),
) -> Option<Lockfile> {
    let name = src
        .path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let packages = match (format, name.as_str()) {
        (DepFormat::CargoLock | DepFormat::PythonLock, n) if n != "pipfile.lock" => {
            toml_packages(src)
        }
        (DepFormat::PythonLock, _) => pipfile_lock(src, err)?,
        (DepFormat::NpmLock, "package-lock.json" | "npm-shrinkwrap.json") => npm_lock(src, err)?,
        (DepFormat::NpmLock, "yarn.lock") => yarn_lock(src),
        (DepFormat::NpmLock, "pnpm-lock.yaml") => pnpm_lock(src),
        (DepFormat::GoSum, _) => go_sum(src),
        (DepFormat::GradleLock, _) => gradle_lock(src),
        (DepFormat::GemfileLock, _) => gemfile_lock(src),
        (DepFormat::NugetLock, _) => nuget_lock(src, err)?,
        _ => Vec::new(),
    };
    Some(Lockfile {
        path: src.path.clone(),
        format,
        ecosystem: Ecosystem::of(format),
        loc: src.file_start(),
        packages: sorted(packages),
    })
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort_unstable();
    names.dedup();
    names
}

/// `[[package]]` tables followed by `name = "..."` (Cargo.lock, poetry.lock, uv.lock,
/// pdm.lock).
fn toml_packages(src: &Source) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_package = false;
    for (_, _, line) in src.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[[package]]";
            continue;
        }
        if in_package
            && let Some(rest) = line.strip_prefix("name")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            out.push(value.trim().trim_matches('"').to_string());
            in_package = false;
        }
    }
    out
}

/// Parses JSON into `T`, reporting a syntax or shape error at its location.
fn json<'a, T: Deserialize<'a>>(src: &'a Source, err: &mut dyn FnMut(Loc, String)) -> Option<T> {
    match serde_json::from_str(&src.text) {
        Ok(v) => Some(v),
        Err(e) => {
            err(
                crate::json::error_loc(src, &e),
                format!("invalid lockfile JSON: {e}"),
            );
            None
        }
    }
}

/// The keys of a JSON object; the values are skipped without being built.
#[derive(Default)]
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    out.push(k);
                }
                Ok(Keys(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

#[derive(Deserialize)]
struct NpmLock {
    #[serde(default)]
    packages: Keys,
    #[serde(default)]
    dependencies: Keys,
}

/// package-lock.json v2/v3 `packages` keys (`node_modules/a/node_modules/@s/b`) and v1
/// `dependencies` keys.
fn npm_lock(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<Vec<String>> {
    let lock: NpmLock = json(src, err)?;
    let mut out: Vec<String> = lock
        .packages
        .0
        .iter()
        .filter_map(|k| after_node_modules(k))
        .collect();
    out.extend(lock.dependencies.0);
    Some(out)
}

/// The package name after the last `node_modules/`; `None` for the root (`""`) and for
/// workspace folders.
fn after_node_modules(key: &str) -> Option<String> {
    key.rsplit_once("node_modules/")
        .map(|(_, name)| name.to_string())
        .filter(|n| !n.is_empty())
}

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: Keys,
    #[serde(default)]
    develop: Keys,
}

fn pipfile_lock(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<Vec<String>> {
    let lock: PipfileLock = json(src, err)?;
    Some(lock.default.0.into_iter().chain(lock.develop.0).collect())
}

#[derive(Deserialize)]
struct NugetLock {
    #[serde(default)]
    dependencies: BTreeMap<String, Keys>,
}

fn nuget_lock(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<Vec<String>> {
    let lock: NugetLock = json(src, err)?;
    Some(lock.dependencies.into_values().flat_map(|k| k.0).collect())
}

/// `module version[/go.mod] hash` lines.
fn go_sum(src: &Source) -> Vec<String> {
    src.lines()
        .filter_map(|(_, _, l)| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// yarn.lock entries: unindented `"name@range", name@other:` headers (v1 and Berry).
fn yarn_lock(src: &Source) -> Vec<String> {
    let mut out = Vec::new();
    for (_, _, line) in src.lines() {
        if line.is_empty() || line.starts_with([' ', '#']) || !line.ends_with(':') {
            continue;
        }
        for spec in line.trim_end_matches(':').split(", ") {
            let spec = spec.trim().trim_matches('"');
            if let Some(at) = spec.get(1..).and_then(|s| s.find('@')) {
                out.push(spec[..=at].to_string());
            }
        }
    }
    out
}

/// pnpm-lock.yaml `packages:` keys: `/name@1.0.0:` (v6) or `name@1.0.0:` (v9), with the
/// peer-dependency suffix `(...)` dropped.
fn pnpm_lock(src: &Source) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_packages = false;
    for (_, _, line) in src.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        let Some(key) = line.strip_prefix("  ") else {
            continue;
        };
        if !in_packages || key.starts_with(' ') || !key.trim_end().ends_with(':') {
            continue;
        }
        let key = key
            .trim_end()
            .trim_end_matches(':')
            .trim_matches(['\'', '"']);
        let key = key.strip_prefix('/').unwrap_or(key);
        let key = key.split('(').next().unwrap_or(key);
        if let Some(at) = key.get(1..).and_then(|s| s.find('@')) {
            out.push(key[..=at].to_string());
        }
    }
    out
}

/// `group:artifact:version=configurations` lines.
fn gradle_lock(src: &Source) -> Vec<String> {
    src.lines()
        .filter(|(_, _, l)| !l.starts_with('#') && !l.starts_with("empty="))
        .filter_map(|(_, _, l)| {
            let coord = l.split('=').next()?;
            let mut parts = coord.split(':');
            let (g, a) = (parts.next()?, parts.next()?);
            Some(format!("{g}:{a}"))
        })
        .collect()
}

/// `    name (version)` spec lines (four spaces) under `specs:`.
fn gemfile_lock(src: &Source) -> Vec<String> {
    src.lines()
        .filter_map(|(_, _, l)| {
            let spec = l.strip_prefix("    ")?;
            if spec.starts_with(' ') {
                return None;
            }
            let name = spec.split(" (").next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn names(path: &str, format: DepFormat, text: &str) -> Vec<String> {
        let src = Source::new(path, text);
        let mut errs = Vec::new();
        let l = parse(&src, format, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!((l.loc.line, l.ecosystem), (1, Ecosystem::of(format)));
        l.packages
    }

    #[test]
    fn package_names_per_lockfile_format() {
        assert_eq!(
            names(
                "Cargo.lock",
                DepFormat::CargoLock,
                "version = 4\n\n[[package]]\nname = \"tokio\"\nversion = \"1.40.0\"\n\n[[package]]\nname = \"axum\"\n"
            ),
            vec!["axum", "tokio"]
        );
        assert_eq!(
            names(
                "poetry.lock",
                DepFormat::PythonLock,
                "[[package]]\nname = \"structlog\"\nversion = \"24.4.0\"\n\n[package.extras]\nname = \"x\"\n"
            ),
            vec!["structlog"]
        );
        assert_eq!(
            names(
                "package-lock.json",
                DepFormat::NpmLock,
                r#"{"lockfileVersion": 3, "packages": {"": {}, "node_modules/pino": {}, "node_modules/a/node_modules/@s/b": {}, "packages/web": {}}}"#
            ),
            vec!["@s/b", "pino"]
        );
        assert_eq!(
            names(
                "yarn.lock",
                DepFormat::NpmLock,
                "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.25.2\"\n\nwinston@^3.14.0:\n  version \"3.14.2\"\n"
            ),
            vec!["@babel/core", "winston"]
        );
        assert_eq!(
            names(
                "pnpm-lock.yaml",
                DepFormat::NpmLock,
                "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies: {}\n\npackages:\n\n  pino@9.4.0:\n    resolution: {integrity: x}\n\n  '@opentelemetry/api@1.9.0':\n    resolution: {}\n\nsnapshots:\n  x@1:\n"
            ),
            vec!["@opentelemetry/api", "pino"]
        );
        assert_eq!(
            names(
                "go.sum",
                DepFormat::GoSum,
                "go.uber.org/zap v1.27.0 h1:abc=\ngo.uber.org/zap v1.27.0/go.mod h1:def=\n"
            ),
            vec!["go.uber.org/zap"]
        );
        assert_eq!(
            names(
                "gradle.lockfile",
                DepFormat::GradleLock,
                "# comment\nio.micrometer:micrometer-core:1.13.4=runtimeClasspath\nempty=\n"
            ),
            vec!["io.micrometer:micrometer-core"]
        );
        assert_eq!(
            names(
                "Gemfile.lock",
                DepFormat::GemfileLock,
                "GEM\n  remote: https://rubygems.org/\n  specs:\n    lograge (0.14.0)\n      actionpack (>= 4)\n    rack-attack (6.7.0)\n"
            ),
            vec!["lograge", "rack-attack"]
        );
        assert_eq!(
            names(
                "packages.lock.json",
                DepFormat::NugetLock,
                r#"{"version": 1, "dependencies": {"net8.0": {"Polly": {"type": "Direct"}, "Serilog": {}}}}"#
            ),
            vec!["Polly", "Serilog"]
        );
        assert_eq!(
            names(
                "Pipfile.lock",
                DepFormat::PythonLock,
                r#"{"_meta": {}, "default": {"flask": {}}, "develop": {"pytest": {}}}"#
            ),
            vec!["flask", "pytest"]
        );
        assert!(names("bun.lock", DepFormat::NpmLock, "{ /* jsonc */ }").is_empty());
    }

    #[test]
    fn malformed_json_locks_are_located_errors() {
        let src = Source::new("package-lock.json", "{\n  \"packages\": [1,\n");
        let mut errs = Vec::new();
        assert!(parse(&src, DepFormat::NpmLock, &mut |l, m| errs.push((l.line, m))).is_none());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 2);
        assert!(
            errs[0].1.starts_with("invalid lockfile JSON"),
            "{}",
            errs[0].1
        );
    }
}
