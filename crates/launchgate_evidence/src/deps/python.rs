//! Python manifests: `requirements*.txt` (pip's line format), `pyproject.toml` (PEP 621
//! `project.dependencies` and extras, PEP 735 `dependency-groups`, Poetry, uv and PDM dev
//! groups) and `Pipfile`; PEP 508 requirement strings are parsed here for all of them.

use toml::de::DeValue;

use super::toml_util::{self as t, Table};
use super::{Dep, DepManifest, DepSource, Include, Scope};
use crate::{DepFormat, Loc, Source};

/// A parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Requirement {
    pub name: String,
    pub extras: Vec<String>,
    pub version: Option<String>,
    pub url: Option<String>,
    pub marker: Option<String>,
}

/// Parses a PEP 508 requirement (`name[extra] >=1,<2 ; python_version >= "3.10"`, or
/// `name @ https://...`).
pub(super) fn pep508(text: &str) -> Result<Requirement, String> {
    let s = text.trim();
    let name_len = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphanumeric() || (i > 0 && matches!(c, '-' | '_' | '.'))))
        .map_or(s.len(), |(i, _)| i);
    if name_len == 0 {
        return Err(format!("expected a package name at the start of `{s}`"));
    }
    let name = s[..name_len].to_string();
    let mut rest = s[name_len..].trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let Some(close) = r.find(']') else {
            return Err(format!("unclosed `[` of extras in `{s}`"));
        };
        extras = r[..close]
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect();
        rest = r[close + 1..].trim_start();
    }
    let (spec, marker) = match rest.split_once(';') {
        Some((spec, marker)) => (spec.trim(), Some(marker.trim()).filter(|m| !m.is_empty())),
        None => (rest.trim(), None),
    };
    let mut req = Requirement {
        name,
        extras,
        version: None,
        url: None,
        marker: marker.map(str::to_string),
    };
    if let Some(url) = spec.strip_prefix('@') {
        let url = url.trim();
        if url.is_empty() {
            return Err(format!("expected a URL after `@` in `{s}`"));
        }
        req.url = Some(url.to_string());
    } else {
        let spec = spec
            .strip_prefix('(')
            .and_then(|x| x.strip_suffix(')'))
            .unwrap_or(spec)
            .trim();
        if !spec.is_empty() {
            if !spec.starts_with(['<', '>', '=', '!', '~']) {
                return Err(format!(
                    "expected a version specifier, `;` marker or `@ url` after `{}`, found `{spec}`",
                    req.name
                ));
            }
            req.version = Some(spec.to_string());
        }
    }
    Ok(req)
}

fn dep_from_requirement(req: Requirement, loc: Loc) -> Dep {
    let mut d = Dep::new(req.name, loc);
    d.version = req.version;
    d.features = req.extras;
    d.marker = req.marker;
    if let Some(url) = &req.url {
        d.source = url_source(url);
    }
    d
}

fn url_source(url: &str) -> DepSource {
    if url.starts_with("git+") {
        DepSource::Git
    } else if url.starts_with("file:") || url.starts_with('.') || url.starts_with('/') {
        DepSource::Path
    } else {
        DepSource::Url
    }
}

/// The scope a requirements file's name suggests (`requirements-dev.txt`,
/// `requirements_test.txt`); the format itself has none.
fn requirements_scope(path: &str) -> Scope {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name
        .strip_prefix("requirements")
        .unwrap_or(&name)
        .trim_end_matches(".txt");
    let words: Vec<&str> = stem
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .iter()
        .any(|w| matches!(*w, "test" | "tests" | "testing"))
    {
        Scope::Test
    } else if words
        .iter()
        .any(|w| matches!(*w, "dev" | "develop" | "development" | "lint" | "docs"))
    {
        Scope::Dev
    } else {
        Scope::Normal
    }
}

pub(super) fn parse_requirements(src: &Source, err: &mut dyn FnMut(Loc, String)) -> DepManifest {
    let mut m = DepManifest::new(src, DepFormat::Requirements);
    let scope = requirements_scope(&src.path);
    // A logical line: text joined over `\` continuations, starting at `start`.
    let mut logical = String::new();
    let mut start: Option<(usize, usize)> = None;
    for (_, offset, line) in src.lines() {
        let (body, continued) = match line.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        if start.is_none() {
            let lead = body.len() - body.trim_start().len();
            start = Some((offset + lead, offset + line.len()));
        }
        logical.push_str(body);
        if continued {
            logical.push(' ');
            continue;
        }
        if let Some((s, e)) = start.take() {
            requirement_line(&mut m, &logical, src.loc(s, e), scope, err);
        }
        logical.clear();
    }
    if let Some((s, e)) = start {
        requirement_line(&mut m, &logical, src.loc(s, e), scope, err);
    }
    m.finish()
}

fn requirement_line(
    m: &mut DepManifest,
    line: &str,
    loc: Loc,
    scope: Scope,
    err: &mut dyn FnMut(Loc, String),
) {
    let line = strip_comment(line).trim();
    if line.is_empty() {
        return;
    }
    if line.starts_with('-') {
        let (opt, value) = split_option(line);
        match opt {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                if value.is_empty() {
                    err(loc, format!("expected a file name after `{opt}`"));
                } else {
                    m.includes.push(Include {
                        target: value.to_string(),
                        constraint: opt == "-c" || opt == "--constraint",
                        loc,
                    });
                }
            }
            "-e" | "--editable" => {
                if value.is_empty() {
                    err(loc, format!("expected a path or URL after `{opt}`"));
                } else {
                    let mut d = located_requirement(value, loc);
                    d.scope = scope;
                    m.dependencies.push(d);
                }
            }
            // Index, find-links, hashes-only, pre-release and build options: not dependencies.
            _ => {}
        }
        return;
    }
    // Per-requirement options (`--hash=...`) follow the requirement.
    let req = line
        .find(" --")
        .or_else(|| line.find("\t--"))
        .map_or(line, |i| &line[..i])
        .trim();
    if is_location(req) {
        let mut d = located_requirement(req, loc);
        d.scope = scope;
        m.dependencies.push(d);
        return;
    }
    match pep508(req) {
        Ok(r) => {
            let mut d = dep_from_requirement(r, loc);
            d.scope = scope;
            m.dependencies.push(d);
        }
        Err(e) => err(loc, format!("invalid requirement: {e}")),
    }
}

/// A requirement given as a path or URL (`./libs/x`, `https://.../x.whl`, `git+https://..`).
fn is_location(req: &str) -> bool {
    req.starts_with('.')
        || req.starts_with('/')
        || req.starts_with('~')
        || req.starts_with("git+")
        || req
            .split_whitespace()
            .next()
            .is_some_and(|w| w.contains("://"))
}

/// A path or URL requirement: named by its `#egg=` fragment when it has one.
fn located_requirement(target: &str, loc: Loc) -> Dep {
    let target = target.trim();
    if !is_location(target)
        && let Ok(r) = pep508(target)
    {
        // `-e name @ url` and `-e name` (rare) name the package directly.
        return dep_from_requirement(r, loc);
    }
    let name = target.split_once("#egg=").map_or(target, |(_, egg)| {
        egg.split(['&', ' ']).next().unwrap_or(egg)
    });
    let mut d = Dep::new(name, loc);
    d.source = url_source(target);
    if d.source == DepSource::Url && !target.contains("://") {
        d.source = DepSource::Path;
    }
    d
}

/// `-r file`, `-rfile`, `--requirement=file`, `--requirement file` -> (`-r`, `file`).
fn split_option(line: &str) -> (&str, &str) {
    if let Some(long) = line.strip_prefix("--") {
        let end = long
            .find(|c: char| c == '=' || c.is_whitespace())
            .map_or(line.len(), |i| i + 2);
        let value = line[end..].trim_start_matches('=').trim();
        (&line[..end], value)
    } else {
        let end = line.char_indices().nth(2).map_or(line.len(), |(i, _)| i);
        (&line[..end], line[end..].trim())
    }
}

/// Removes a `#` comment: at the start of the line, or after whitespace.
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_whitespace) {
            return &line[..i];
        }
    }
    line
}

pub(super) fn parse_pyproject(
    src: &Source,
    err: &mut dyn FnMut(Loc, String),
) -> Option<DepManifest> {
    let doc = t::parse(src, err)?;
    let root = doc.get_ref();
    let mut m = DepManifest::new(src, DepFormat::PyProject);
    let project = t::table(root, "project");
    let poetry = t::table_at(root, &["tool", "poetry"]);
    m.name = project
        .and_then(|p| t::str_at(p, "name"))
        .or_else(|| poetry.and_then(|p| t::str_at(p, "name")))
        .map(str::to_string);
    m.workspace_root = t::table_at(root, &["tool", "uv", "workspace"]).is_some();
    if let Some(project) = project {
        if let Some(list) = t::get(project, "dependencies") {
            pep508_list(
                src,
                list,
                "project.dependencies",
                Scope::Normal,
                None,
                &mut m,
                err,
            );
        }
        if let Some(extras) = t::table(project, "optional-dependencies") {
            for (extra, list) in extras {
                let scope = Scope::from_group_name(extra.get_ref(), Scope::Optional);
                let what = format!("project.optional-dependencies.{}", extra.get_ref());
                let group = Some(extra.get_ref().as_ref());
                pep508_list(src, list, &what, scope, group, &mut m, err);
            }
        }
    }
    if let Some(groups) = t::table(root, "dependency-groups") {
        for (group, list) in groups {
            let scope = Scope::from_group_name(group.get_ref(), Scope::Optional);
            let what = format!("dependency-groups.{}", group.get_ref());
            let name = Some(group.get_ref().as_ref());
            pep508_list(src, list, &what, scope, name, &mut m, err);
        }
    }
    if let Some(uv_dev) =
        t::table_at(root, &["tool", "uv"]).and_then(|u| t::get(u, "dev-dependencies"))
    {
        pep508_list(
            src,
            uv_dev,
            "tool.uv.dev-dependencies",
            Scope::Dev,
            None,
            &mut m,
            err,
        );
    }
    if let Some(pdm_dev) = t::table_at(root, &["tool", "pdm", "dev-dependencies"]) {
        for (group, list) in pdm_dev {
            let what = format!("tool.pdm.dev-dependencies.{}", group.get_ref());
            let scope = Scope::from_group_name(group.get_ref(), Scope::Dev);
            let name = Some(group.get_ref().as_ref());
            pep508_list(src, list, &what, scope, name, &mut m, err);
        }
    }
    if let Some(poetry) = poetry {
        if let Some(deps) = t::table(poetry, "dependencies") {
            poetry_table(src, deps, Scope::Normal, None, &mut m.dependencies, err);
        }
        if let Some(deps) = t::table(poetry, "dev-dependencies") {
            poetry_table(src, deps, Scope::Dev, None, &mut m.dependencies, err);
        }
        if let Some(groups) = t::table(poetry, "group") {
            for (group, body) in groups {
                let Some(deps) = body
                    .get_ref()
                    .as_table()
                    .and_then(|b| t::table(b, "dependencies"))
                else {
                    continue;
                };
                let scope = Scope::from_group_name(group.get_ref(), Scope::Optional);
                let name = Some(group.get_ref().as_ref());
                poetry_table(src, deps, scope, name, &mut m.dependencies, err);
            }
        }
    }
    Some(m.finish())
}

/// An array of PEP 508 strings (`project.dependencies`, an extra, a dependency group).
fn pep508_list(
    src: &Source,
    list: &t::Item<'_>,
    what: &str,
    scope: Scope,
    group: Option<&str>,
    m: &mut DepManifest,
    err: &mut dyn FnMut(Loc, String),
) {
    let Some(items) = list.get_ref().as_array() else {
        err(
            t::loc_of(src, list),
            format!(
                "expected an array of requirement strings for {what}, found {}",
                t::type_name(list.get_ref())
            ),
        );
        return;
    };
    for item in &**items {
        let loc = t::loc_of(src, item);
        match item.get_ref() {
            DeValue::String(s) => match pep508(s) {
                Ok(r) => {
                    let mut d = dep_from_requirement(r, loc);
                    d.scope = scope;
                    d.group = group.map(str::to_string);
                    m.dependencies.push(d);
                }
                Err(e) => err(loc, format!("invalid requirement in {what}: {e}")),
            },
            // PEP 735 `{include-group = "..."}` entries include another group.
            DeValue::Table(tbl) if tbl.contains_key("include-group") => {}
            other => err(
                loc,
                format!(
                    "expected a requirement string in {what}, found {}",
                    t::type_name(other)
                ),
            ),
        }
    }
}

/// A Poetry (or Pipfile) dependency table: `name = "^1.2"` or `name = { version, extras, ... }`
/// or a list of such tables (one per environment).
pub(super) fn poetry_table(
    src: &Source,
    deps: &Table<'_>,
    scope: Scope,
    group: Option<&str>,
    out: &mut Vec<Dep>,
    err: &mut dyn FnMut(Loc, String),
) {
    for (key, value) in deps {
        if key.get_ref().eq_ignore_ascii_case("python") {
            continue;
        }
        let mut d = Dep::new(key.get_ref().to_string(), t::loc_of(src, key));
        d.scope = scope;
        d.group = group.map(str::to_string);
        match value.get_ref() {
            DeValue::String(v) => d.version = Some(v.to_string()),
            DeValue::Table(spec) => poetry_spec(&mut d, spec),
            DeValue::Array(alternatives) => {
                let mut versions = Vec::new();
                for alt in &**alternatives {
                    if let Some(spec) = alt.get_ref().as_table() {
                        poetry_spec(&mut d, spec);
                        versions.extend(t::str_at(spec, "version").map(str::to_string));
                    }
                }
                d.version = (!versions.is_empty()).then(|| versions.join(" || "));
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

fn poetry_spec(d: &mut Dep, spec: &Table<'_>) {
    d.version = t::str_at(spec, "version").map(str::to_string);
    for e in t::strings_at(spec, "extras") {
        if !d.features.contains(&e) {
            d.features.push(e);
        }
    }
    d.marker = t::str_at(spec, "markers")
        .map(str::to_string)
        .or(d.marker.take());
    if spec.contains_key("path") {
        d.source = DepSource::Path;
    } else if spec.contains_key("git") {
        d.source = DepSource::Git;
    } else if spec.contains_key("url") || spec.contains_key("file") {
        d.source = DepSource::Url;
    }
    if spec.get("optional").and_then(|o| o.get_ref().as_bool()) == Some(true)
        && d.scope == Scope::Normal
    {
        d.scope = Scope::Optional;
    }
}

pub(super) fn parse_pipfile(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<DepManifest> {
    let doc = t::parse(src, err)?;
    let root = doc.get_ref();
    let mut m = DepManifest::new(src, DepFormat::Pipfile);
    for (section, scope) in [("packages", Scope::Normal), ("dev-packages", Scope::Dev)] {
        if let Some(deps) = t::table(root, section) {
            poetry_table(src, deps, scope, None, &mut m.dependencies, err);
        }
    }
    for d in &mut m.dependencies {
        if d.version.as_deref() == Some("*") {
            d.version = None;
        }
    }
    Some(m.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    type Row<'a> = (&'a str, Option<&'a str>, Scope, u32);

    fn rows(m: &DepManifest) -> Vec<Row<'_>> {
        m.dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.scope, d.loc.line))
            .collect()
    }

    #[test]
    fn pep508_strings() {
        let r = pep508("requests[security, socks] >=2.31,<3 ; python_version >= \"3.9\"").unwrap();
        assert_eq!(r.name, "requests");
        assert_eq!(r.extras, vec!["security", "socks"]);
        assert_eq!(r.version.as_deref(), Some(">=2.31,<3"));
        assert_eq!(r.marker.as_deref(), Some("python_version >= \"3.9\""));
        let r = pep508("pkg @ https://example.invalid/pkg-1.0.tar.gz").unwrap();
        assert_eq!(
            (r.name.as_str(), r.url.as_deref()),
            ("pkg", Some("https://example.invalid/pkg-1.0.tar.gz"))
        );
        assert_eq!(
            pep508("name (==1.0)").unwrap().version.as_deref(),
            Some("==1.0")
        );
        assert_eq!(pep508("zope.interface").unwrap().version, None);
        assert_eq!(
            pep508("foo bar").unwrap_err(),
            "expected a version specifier, `;` marker or `@ url` after `foo`, found `bar`"
        );
        assert_eq!(
            pep508("==1.0").unwrap_err(),
            "expected a package name at the start of `==1.0`"
        );
        assert_eq!(
            pep508("a[b").unwrap_err(),
            "unclosed `[` of extras in `a[b`"
        );
    }

    const REQUIREMENTS: &str = "# production requirements
-r base.txt
--constraint=constraints.txt
-i https://pypi.example.invalid/simple

structlog==24.4.0  # JSON logs
opentelemetry-sdk>=1.27 ; python_version >= \"3.9\"
tenacity==9.0.0 \\
    --hash=sha256:93de0c98785b27fcf659856aa9f54bfbd399e29969b0621bc7f762bd441b4539
uvicorn[standard]==0.30.6
-e git+https://example.invalid/acme/sdk.git#egg=acme-sdk
./vendor/wheel-1.0-py3-none-any.whl
";

    #[test]
    fn requirements_file_with_includes_options_and_continuations() {
        let src = Source::new("api/requirements.txt", REQUIREMENTS);
        let mut errs = Vec::new();
        let m = parse_requirements(&src, &mut |l, m| errs.push((l, m)));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            rows(&m),
            vec![
                ("structlog", Some("==24.4.0"), Scope::Normal, 6),
                ("opentelemetry-sdk", Some(">=1.27"), Scope::Normal, 7),
                ("tenacity", Some("==9.0.0"), Scope::Normal, 8),
                ("uvicorn", Some("==0.30.6"), Scope::Normal, 10),
                ("acme-sdk", None, Scope::Normal, 11),
                (
                    "./vendor/wheel-1.0-py3-none-any.whl",
                    None,
                    Scope::Normal,
                    12
                ),
            ]
        );
        let d = &m.dependencies;
        assert_eq!(d[1].marker.as_deref(), Some("python_version >= \"3.9\""));
        assert_eq!(d[3].features, vec!["standard"]);
        assert_eq!(
            (d[4].source, d[5].source),
            (DepSource::Git, DepSource::Path)
        );
        let inc: Vec<(&str, bool, u32)> = m
            .includes
            .iter()
            .map(|i| (i.target.as_str(), i.constraint, i.loc.line))
            .collect();
        assert_eq!(
            inc,
            vec![("base.txt", false, 2), ("constraints.txt", true, 3)]
        );
        assert!(!m.pins_exact_versions());
    }

    #[test]
    fn requirements_scope_comes_from_the_file_name_and_errors_are_located() {
        let src = Source::new("requirements-dev.txt", "pytest==8.3.3\n\nfoo bar\n");
        let mut errs = Vec::new();
        let m = parse_requirements(&src, &mut |l, m| errs.push((l.line, l.column, m)));
        assert_eq!(rows(&m), vec![("pytest", Some("==8.3.3"), Scope::Dev, 1)]);
        assert!(m.pins_exact_versions());
        assert_eq!(
            errs,
            vec![(
                3,
                1,
                "invalid requirement: expected a version specifier, `;` marker or `@ url` after `foo`, found `bar`"
                    .to_string()
            )]
        );
        assert_eq!(requirements_scope("requirements_test.txt"), Scope::Test);
        assert_eq!(requirements_scope("requirements.txt"), Scope::Normal);
    }

    const PYPROJECT: &str = r#"[project]
name = "billing"
dependencies = [
  "fastapi>=0.115",
  "structlog",
  "httpx[http2]>=0.27",
]

[project.optional-dependencies]
otel = ["opentelemetry-distro>=0.48b0"]
test = ["pytest>=8"]

[dependency-groups]
lint = ["ruff>=0.6", {include-group = "test"}]

[tool.poetry.dependencies]
python = "^3.12"
tenacity = "^9.0"
pybreaker = { version = "^1.2", optional = true }

[tool.poetry.group.dev.dependencies]
mypy = "^1.11"

[tool.uv.workspace]
members = ["libs/*"]
"#;

    #[test]
    fn pyproject_pep621_groups_and_poetry() {
        let src = Source::new("pyproject.toml", PYPROJECT);
        let mut errs = Vec::new();
        let m = parse_pyproject(&src, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.name.as_deref(), Some("billing"));
        assert!(m.workspace_root);
        assert_eq!(
            rows(&m),
            vec![
                ("fastapi", Some(">=0.115"), Scope::Normal, 4),
                ("structlog", None, Scope::Normal, 5),
                ("httpx", Some(">=0.27"), Scope::Normal, 6),
                (
                    "opentelemetry-distro",
                    Some(">=0.48b0"),
                    Scope::Optional,
                    10
                ),
                ("pytest", Some(">=8"), Scope::Test, 11),
                ("ruff", Some(">=0.6"), Scope::Dev, 14),
                ("tenacity", Some("^9.0"), Scope::Normal, 18),
                ("pybreaker", Some("^1.2"), Scope::Optional, 19),
                ("mypy", Some("^1.11"), Scope::Dev, 22),
            ]
        );
        assert_eq!(m.dependencies[0].loc.column, 3);
        assert_eq!(m.dependencies[2].features, vec!["http2"]);
        assert_eq!(m.dependencies[3].group.as_deref(), Some("otel"));
        assert_eq!(m.dependencies[8].group.as_deref(), Some("dev"));
    }

    #[test]
    fn pyproject_errors_are_located() {
        let src = Source::new(
            "pyproject.toml",
            "[project]\ndependencies = \"requests\"\n[project.optional-dependencies]\nx = [\"ok\", 3, \"==1\"]\n",
        );
        let mut errs = Vec::new();
        let m = parse_pyproject(&src, &mut |l, m| errs.push((l.line, l.column, m))).unwrap();
        assert_eq!(
            errs,
            vec![
                (
                    2,
                    16,
                    "expected an array of requirement strings for project.dependencies, found a string"
                        .to_string()
                ),
                (4, 12, "expected a requirement string in project.optional-dependencies.x, found an integer".to_string()),
                (
                    4,
                    15,
                    "invalid requirement in project.optional-dependencies.x: expected a package name at the start of `==1`"
                        .to_string()
                ),
            ]
        );
        assert_eq!(rows(&m), vec![("ok", None, Scope::Optional, 4)]);
    }

    #[test]
    fn pipfile_packages_and_dev_packages() {
        let src = Source::new(
            "Pipfile",
            "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nflask = \"*\"\n\
             flask-limiter = {version = \">=3.8\", extras = [\"redis\"]}\n\n[dev-packages]\npytest = \"==8.3.3\"\n\n\
             [requires]\npython_version = \"3.12\"\n",
        );
        let mut errs = Vec::new();
        let m = parse_pipfile(&src, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            rows(&m),
            vec![
                ("flask", None, Scope::Normal, 5),
                ("flask-limiter", Some(">=3.8"), Scope::Normal, 6),
                ("pytest", Some("==8.3.3"), Scope::Dev, 9),
            ]
        );
        assert_eq!(m.dependencies[1].features, vec!["redis"]);
    }
}
