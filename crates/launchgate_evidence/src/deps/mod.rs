//! Dependency manifests and lockfiles, dependency-update tooling (Dependabot, Renovate), and the
//! libraries in use by capability (structured logging, tracing, retries, ...).
//!
//! Each format has its own submodule; this one owns the model, the dispatch from a file's
//! [`DepFormat`] to its parser, and the cross-file work done in [`assemble`]: inheriting Cargo
//! workspace dependencies, pairing manifests with lockfiles, and detecting library uses.

mod capabilities;
mod cargo;
mod dotnet;
mod golang;
mod jvm;
mod lockfiles;
mod npm;
mod python;
mod ruby;
mod toml_util;
mod updates;

#[cfg(test)]
mod proptests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub use capabilities::{Capability, LibraryRule, library_rules};

use crate::{DepFormat, EvidenceError, FileKind, Loc, Source};

/// Everything the scan learned about dependencies, sorted by path and line.
#[derive(Debug, Clone, Default)]
pub struct Dependencies {
    /// Dependency manifests (Cargo.toml, package.json, go.mod, ...), by path.
    pub manifests: Vec<DepManifest>,
    /// Lockfiles, by path.
    pub lockfiles: Vec<Lockfile>,
    /// Dependabot and Renovate configurations, by path.
    pub update_tooling: Vec<UpdateTool>,
    /// Every dependency that provides a known capability, sorted by capability, path and line.
    /// Includes dev/test and Go `// indirect` dependencies; [`Dependencies::uses`] leaves those out.
    pub libraries: Vec<LibraryUse>,
}

/// What one file contributed; the scanner collects these and hands them to [`assemble`].
#[derive(Debug, Clone)]
pub enum DepFile {
    Manifest(DepManifest),
    Lockfile(Lockfile),
    UpdateTool(UpdateTool),
}

/// A package ecosystem (the registry a dependency name belongs to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Cargo,
    Npm,
    Go,
    PyPi,
    /// Maven Central coordinates, used by Maven and Gradle.
    Maven,
    NuGet,
    RubyGems,
}

impl Ecosystem {
    /// The ecosystem's key, as used in `libraries.tsv` (`cargo`, `npm`, `go`, `pypi`, `maven`,
    /// `nuget`, `rubygems`).
    pub fn key(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Go => "go",
            Ecosystem::PyPi => "pypi",
            Ecosystem::Maven => "maven",
            Ecosystem::NuGet => "nuget",
            Ecosystem::RubyGems => "rubygems",
        }
    }

    /// The ecosystem of a key (see [`Ecosystem::key`]).
    pub fn from_key(key: &str) -> Option<Ecosystem> {
        Some(match key {
            "cargo" => Ecosystem::Cargo,
            "npm" => Ecosystem::Npm,
            "go" => Ecosystem::Go,
            "pypi" => Ecosystem::PyPi,
            "maven" => Ecosystem::Maven,
            "nuget" => Ecosystem::NuGet,
            "rubygems" => Ecosystem::RubyGems,
            _ => return None,
        })
    }

    /// The ecosystem a manifest or lockfile format belongs to.
    pub fn of(format: DepFormat) -> Ecosystem {
        match format {
            DepFormat::CargoToml | DepFormat::CargoLock => Ecosystem::Cargo,
            DepFormat::PackageJson | DepFormat::NpmLock => Ecosystem::Npm,
            DepFormat::GoMod | DepFormat::GoSum => Ecosystem::Go,
            DepFormat::Requirements
            | DepFormat::PyProject
            | DepFormat::PythonLock
            | DepFormat::Pipfile => Ecosystem::PyPi,
            DepFormat::PomXml | DepFormat::Gradle | DepFormat::GradleLock => Ecosystem::Maven,
            DepFormat::Gemfile | DepFormat::GemfileLock => Ecosystem::RubyGems,
            DepFormat::Csproj | DepFormat::NugetLock => Ecosystem::NuGet,
        }
    }

    /// The name as the registry compares it: PyPI names are case-insensitive with `-`, `_`
    /// and `.` equivalent (PEP 503); NuGet and RubyGems names are case-insensitive; Go module
    /// paths lose their major-version suffix (`/v4`), which names the same library.
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPi => {
                let mut out = String::with_capacity(name.len());
                let mut sep = false;
                for c in name.chars() {
                    if matches!(c, '-' | '_' | '.') {
                        sep = true;
                    } else {
                        if sep && !out.is_empty() {
                            out.push('-');
                        }
                        sep = false;
                        out.push(c.to_ascii_lowercase());
                    }
                }
                out
            }
            Ecosystem::NuGet | Ecosystem::RubyGems => name.to_ascii_lowercase(),
            Ecosystem::Go => strip_go_major(name).to_string(),
            Ecosystem::Cargo | Ecosystem::Npm | Ecosystem::Maven => name.to_string(),
        }
    }
}

/// `example.com/lib/v4` -> `example.com/lib`; also gopkg.in's `yaml.v3` style is left alone.
fn strip_go_major(name: &str) -> &str {
    if let Some((head, last)) = name.rsplit_once('/')
        && last.len() > 1
        && last.starts_with('v')
        && last[1..].bytes().all(|b| b.is_ascii_digit())
    {
        return head;
    }
    name
}

/// A dependency manifest: the dependencies a project declares.
#[derive(Debug, Clone)]
pub struct DepManifest {
    pub path: Arc<str>,
    pub format: DepFormat,
    pub ecosystem: Ecosystem,
    /// The start of the file.
    pub loc: Loc,
    /// The project's own name (Cargo `package.name`, package.json `name`, the Go module path,
    /// pyproject `project.name`, Maven `groupId:artifactId`), when the file gives one.
    pub name: Option<String>,
    /// Whether this manifest is a workspace root whose lockfile covers nested members (Cargo
    /// `[workspace]`, package.json `workspaces`, `[tool.uv.workspace]`).
    pub workspace_root: bool,
    /// Declared dependencies, in file order.
    pub dependencies: Vec<Dep>,
    /// Versions managed for others rather than used here: Maven `dependencyManagement`,
    /// Gradle `platform(..)` BOMs, Cargo `[workspace.dependencies]`.
    pub managed: Vec<Dep>,
    /// Other files this one pulls in: requirements `-r` / `-c` includes.
    pub includes: Vec<Include>,
    /// Gradle version-catalog references (`libs.micrometer.core`): the catalog itself
    /// (`gradle/libs.versions.toml`) is not read, so these are names without coordinates.
    pub catalog_refs: Vec<CatalogRef>,
}

impl DepManifest {
    fn new(src: &Source, format: DepFormat) -> DepManifest {
        DepManifest {
            path: src.path.clone(),
            format,
            ecosystem: Ecosystem::of(format),
            loc: src.file_start(),
            name: None,
            workspace_root: false,
            dependencies: Vec::new(),
            managed: Vec::new(),
            includes: Vec::new(),
            catalog_refs: Vec::new(),
        }
    }

    /// Puts dependencies in file order.
    fn finish(mut self) -> DepManifest {
        self.dependencies.sort_by_key(|d| d.loc.start);
        self.managed.sort_by_key(|d| d.loc.start);
        self
    }

    /// The directory the manifest is in (`""` at the repository root).
    pub fn dir(&self) -> &str {
        parent_dir(&self.path)
    }

    /// A declared dependency by name (as the ecosystem compares names).
    pub fn dependency(&self, name: &str) -> Option<&Dep> {
        let want = self.ecosystem.normalize_name(name);
        self.dependencies
            .iter()
            .find(|d| self.ecosystem.normalize_name(&d.name) == want)
    }

    /// Whether a requirements file pins every dependency to one exact version (`==`, as
    /// pip-compile writes): such a file is its own lockfile.
    pub fn pins_exact_versions(&self) -> bool {
        self.format == DepFormat::Requirements
            && !self.dependencies.is_empty()
            && self.dependencies.iter().all(|d| {
                d.version.as_deref().is_some_and(|v| {
                    v.starts_with("===")
                        || (v.starts_with("==") && !v.contains(',') && !v.contains('*'))
                })
            })
    }

    /// Whether the ecosystem has a lockfile mechanism at all (Maven has none).
    pub fn lockable(&self) -> bool {
        self.format != DepFormat::PomXml
    }
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// The package name as the registry knows it: Cargo's real package name (after `package =`
    /// renames), npm name with scope, Go module path, PyPI name as written, Maven
    /// `groupId:artifactId`, NuGet package id, gem name.
    pub name: String,
    /// The version requirement as written (`^1.2`, `>=2,<3`, `v1.9.0`, `${log4j.version}`);
    /// `None` when the file gives none (inherited, path or unpinned dependency).
    pub version: Option<String>,
    pub scope: Scope,
    /// The group the file puts it in: a Poetry / PEP 735 group, a PEP 621 extra, a Gemfile
    /// group list (`development,test`), a Maven scope spelled differently from [`Scope`].
    pub group: Option<String>,
    /// An environment condition: a Cargo `[target.'cfg(..)']` key or a PEP 508 marker.
    pub marker: Option<String>,
    /// Cargo features and Python extras requested.
    pub features: Vec<String>,
    /// Go `// indirect`: required only by other dependencies.
    pub indirect: bool,
    pub source: DepSource,
    /// Where the dependency is declared (its name on that line).
    pub loc: Loc,
}

impl Dep {
    fn new(name: impl Into<String>, loc: Loc) -> Dep {
        Dep {
            name: name.into(),
            version: None,
            scope: Scope::Normal,
            group: None,
            marker: None,
            features: Vec::new(),
            indirect: false,
            source: DepSource::Registry,
            loc,
        }
    }
}

/// When a dependency is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Needed at run time: Cargo `[dependencies]`, npm `dependencies`, Maven compile/runtime,
    /// Gradle `implementation`.
    Normal,
    /// Development only: Cargo `[dev-dependencies]`, npm `devDependencies`, Poetry `dev` group.
    Dev,
    /// Tests only: Maven `test`, Gradle `test*`, a `test` group.
    Test,
    /// Build only: Cargo `[build-dependencies]`, Gradle annotation processors.
    Build,
    /// npm `peerDependencies`: the host application provides it.
    Peer,
    /// npm `optionalDependencies`, PEP 621 extras and other optional groups.
    Optional,
    /// Provided by the runtime platform: Maven `provided` / `system`, Gradle `compileOnly`.
    Provided,
}

impl Scope {
    /// Whether the dependency can end up in the running service (not dev, test or build).
    pub fn ships(self) -> bool {
        !matches!(self, Scope::Dev | Scope::Test | Scope::Build)
    }

    /// The scope a group name suggests (`dev`, `test`, `docs`, ...); `fallback` otherwise.
    fn from_group_name(name: &str, fallback: Scope) -> Scope {
        match name.to_ascii_lowercase().as_str() {
            "dev" | "develop" | "development" | "lint" | "linting" | "docs" | "doc" | "typing"
            | "types" | "style" | "format" => Scope::Dev,
            "test" | "tests" | "testing" => Scope::Test,
            _ => fallback,
        }
    }
}

/// Where a dependency comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DepSource {
    /// The ecosystem's package registry (the default).
    Registry,
    /// Inherited from the workspace (`workspace = true`, npm `workspace:*`).
    Workspace,
    /// A local path (Cargo `path =`, `file:`, `-e ./lib`).
    Path,
    /// A Git repository.
    Git,
    /// A direct URL (`name @ https://...`, a tarball).
    Url,
}

/// A file another one includes (`-r base.txt`, `-c constraints.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The path as written, relative to the including file.
    pub target: String,
    /// A constraints file (`-c`) rather than requirements (`-r`).
    pub constraint: bool,
    pub loc: Loc,
}

/// A Gradle version-catalog reference (`libs.resilience4j.circuitbreaker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRef {
    /// The accessor after `libs.`, e.g. `resilience4j.circuitbreaker`.
    pub alias: String,
    pub scope: Scope,
    pub loc: Loc,
}

/// A lockfile.
#[derive(Debug, Clone)]
pub struct Lockfile {
    pub path: Arc<str>,
    pub format: DepFormat,
    pub ecosystem: Ecosystem,
    /// The start of the file.
    pub loc: Loc,
    /// The package names it locks, sorted and deduplicated, where reading them is cheap
    /// (empty for `bun.lock`).
    pub packages: Vec<String>,
}

impl Lockfile {
    /// The directory the lockfile is in (`""` at the repository root).
    pub fn dir(&self) -> &str {
        parent_dir(&self.path)
    }

    /// The lockfile's file name, lowercased.
    fn file_name(&self) -> String {
        self.path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    }
}

/// A dependency-update tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpdateToolKind {
    Dependabot,
    Renovate,
}

/// A Dependabot or Renovate configuration.
#[derive(Debug, Clone)]
pub struct UpdateTool {
    pub tool: UpdateToolKind,
    pub path: Arc<str>,
    /// The start of the file.
    pub loc: Loc,
    /// `false` when the configuration turns the tool off (Renovate `"enabled": false`, a
    /// Dependabot file without `updates`).
    pub enabled: bool,
    /// Dependabot `updates` entries (empty for Renovate, which finds manifests itself).
    pub updates: Vec<UpdateRule>,
}

/// One Dependabot `updates` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRule {
    /// `package-ecosystem` (`cargo`, `npm`, `gomod`, `pip`, `github-actions`, ...).
    pub ecosystem: Option<String>,
    /// `directory` or the first of `directories`.
    pub directory: Option<String>,
    /// `schedule.interval` (`daily`, `weekly`, ...).
    pub interval: Option<String>,
    /// The entry (the `- ` item).
    pub loc: Loc,
}

/// A library that provides a capability, found among the declared dependencies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LibraryUse {
    pub capability: Capability,
    /// The library's display name from the table (`zap`, `OpenTelemetry`).
    pub library: &'static str,
    /// The dependency's name as declared.
    pub dep: String,
    pub ecosystem: Ecosystem,
    pub scope: Scope,
    /// Go `// indirect`.
    pub indirect: bool,
    /// The manifest that declares it.
    pub manifest: Arc<str>,
    /// The declaring dependency.
    pub loc: Loc,
}

impl LibraryUse {
    /// Whether the service itself uses the library at run time: not a dev, test or build
    /// dependency, and not a Go `// indirect` requirement.
    pub fn ships(&self) -> bool {
        self.scope.ships() && !self.indirect
    }
}

impl Dependencies {
    /// Uses of libraries with this capability that ship in the service (see
    /// [`LibraryUse::ships`]), by manifest path and line. All uses, including dev and test
    /// dependencies, are in [`Dependencies::libraries`].
    pub fn uses(&self, capability: Capability) -> impl Iterator<Item = &LibraryUse> {
        self.libraries
            .iter()
            .filter(move |u| u.capability == capability && u.ships())
    }

    /// Libraries of `capability` in any scope, dev and test dependencies included: for
    /// capabilities that live in tests (fault injection).
    pub fn uses_anywhere(&self, capability: Capability) -> impl Iterator<Item = &LibraryUse> {
        self.libraries
            .iter()
            .filter(move |u| u.capability == capability)
    }

    /// The lockfile that locks this manifest: one of the same ecosystem in the manifest's
    /// directory or, for workspace members, in the directory of an ancestor workspace root
    /// (Cargo `[workspace]`, package.json `workspaces`, `[tool.uv.workspace]`, or a
    /// `pnpm-lock.yaml`, whose `pnpm-workspace.yaml` the scan does not read). Go modules
    /// need `go.sum` beside `go.mod`. Maven has no lockfile: always `None`.
    pub fn lockfile_for(&self, manifest: &DepManifest) -> Option<&Lockfile> {
        LockIndex::new(self).lockfile_for(manifest)
    }

    /// The lockfile of each manifest, in the order of `manifests`: [`Dependencies::lockfile_for`]
    /// of every manifest, with the lockfiles and workspace roots indexed by directory once, so
    /// that a monorepo of thousands of manifests costs as many lookups, not their square.
    pub fn lockfiles_of_manifests(&self) -> Vec<Option<&Lockfile>> {
        let index = LockIndex::new(self);
        self.manifests
            .iter()
            .map(|m| index.lockfile_for(m))
            .collect()
    }

    /// Manifests that declare dependencies but have no lockfile (see
    /// [`Dependencies::lockfile_for`]). Left out: manifests without dependencies (a `go.mod`
    /// without requires needs no `go.sum`), Maven `pom.xml` (Maven has no lockfile), and
    /// requirements files that pin every dependency with `==` (they are the lock).
    pub fn manifests_without_lockfile(&self) -> impl Iterator<Item = &DepManifest> {
        self.manifests
            .iter()
            .zip(self.lockfiles_of_manifests())
            .filter(|(m, lock)| {
                m.lockable()
                    && !m.dependencies.is_empty()
                    && !m.pins_exact_versions()
                    && lock.is_none()
            })
            .map(|(m, _)| m)
    }

    /// Whether an enabled Dependabot or Renovate configuration exists.
    pub fn has_update_tooling(&self) -> bool {
        self.update_tooling.iter().any(|t| t.enabled)
    }
}

/// The lockfiles by directory and the workspace roots by directory and format.
struct LockIndex<'d> {
    lockfiles: HashMap<&'d str, Vec<&'d Lockfile>>,
    roots: HashSet<(&'d str, DepFormat)>,
}

impl<'d> LockIndex<'d> {
    fn new(d: &'d Dependencies) -> LockIndex<'d> {
        let mut lockfiles: HashMap<&str, Vec<&Lockfile>> = HashMap::new();
        for l in &d.lockfiles {
            lockfiles.entry(l.dir()).or_default().push(l);
        }
        let roots = d
            .manifests
            .iter()
            .filter(|m| m.workspace_root)
            .map(|m| (m.dir(), m.format))
            .collect();
        LockIndex { lockfiles, roots }
    }

    /// The first lockfile of `dir` (in the scan's order) that `keep` accepts.
    fn find(&self, dir: &str, keep: impl Fn(&Lockfile) -> bool) -> Option<&'d Lockfile> {
        self.lockfiles
            .get(dir)
            .and_then(|ls| ls.iter().copied().find(|l| keep(l)))
    }

    /// See [`Dependencies::lockfile_for`].
    fn lockfile_for(&self, manifest: &DepManifest) -> Option<&'d Lockfile> {
        if !manifest.lockable() {
            return None;
        }
        let here = manifest.dir();
        if let Some(l) = self.find(here, |l| locks(manifest.format, l)) {
            return Some(l);
        }
        if manifest.format == DepFormat::GoMod {
            return None;
        }
        let mut dir = here;
        while !dir.is_empty() {
            dir = parent_dir(dir);
            let root_manifest = self.roots.contains(&(dir, manifest.format));
            let found = self.find(dir, |l| {
                locks(manifest.format, l) && (root_manifest || l.file_name() == "pnpm-lock.yaml")
            });
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// Whether lockfile `lock` can lock a manifest of `format`.
fn locks(format: DepFormat, lock: &Lockfile) -> bool {
    let name = lock.file_name();
    match format {
        DepFormat::CargoToml => lock.format == DepFormat::CargoLock,
        DepFormat::PackageJson => lock.format == DepFormat::NpmLock,
        DepFormat::GoMod => lock.format == DepFormat::GoSum,
        DepFormat::Pipfile => name == "pipfile.lock",
        DepFormat::PyProject => lock.format == DepFormat::PythonLock && name != "pipfile.lock",
        DepFormat::Requirements => lock.format == DepFormat::PythonLock,
        DepFormat::Gradle => lock.format == DepFormat::GradleLock,
        DepFormat::Gemfile => lock.format == DepFormat::GemfileLock,
        DepFormat::Csproj => lock.format == DepFormat::NugetLock,
        _ => false,
    }
}

/// `a/b/c.txt` -> `a/b`; `c.txt` -> `""`.
fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

pub(crate) fn parse(
    src: &Source,
    kind: FileKind,
    errors: &mut Vec<EvidenceError>,
) -> Option<DepFile> {
    let format = match kind {
        FileKind::Dependencies(format) => format,
        FileKind::DependencyUpdates => {
            return updates::parse(src, errors).map(DepFile::UpdateTool);
        }
        _ => return None,
    };
    let mut err = |loc: Loc, message: String| errors.push(EvidenceError::new(loc, kind, message));
    if format.is_lockfile() {
        return lockfiles::parse(src, format, &mut err).map(DepFile::Lockfile);
    }
    let manifest = match format {
        DepFormat::CargoToml => cargo::parse(src, &mut err),
        DepFormat::PackageJson => npm::parse(src, &mut err),
        DepFormat::GoMod => Some(golang::parse(src, &mut err)),
        DepFormat::Requirements => Some(python::parse_requirements(src, &mut err)),
        DepFormat::PyProject => python::parse_pyproject(src, &mut err),
        DepFormat::Pipfile => python::parse_pipfile(src, &mut err),
        DepFormat::PomXml => jvm::parse_pom(src, &mut err),
        DepFormat::Gradle => jvm::parse_gradle(src),
        DepFormat::Gemfile => ruby::parse_gemfile(src),
        DepFormat::Csproj => dotnet::parse_csproj(src, &mut err),
        _ => None,
    };
    manifest.map(DepFile::Manifest)
}

pub(crate) fn assemble(files: Vec<DepFile>) -> Dependencies {
    let mut out = Dependencies::default();
    for f in files {
        match f {
            DepFile::Manifest(m) => out.manifests.push(m),
            DepFile::Lockfile(l) => out.lockfiles.push(l),
            DepFile::UpdateTool(t) => out.update_tooling.push(t),
        }
    }
    out.manifests.sort_by(|a, b| a.path.cmp(&b.path));
    out.lockfiles.sort_by(|a, b| a.path.cmp(&b.path));
    out.update_tooling.sort_by(|a, b| a.path.cmp(&b.path));
    for m in &mut out.manifests {
        m.dependencies.sort_by_key(|d| d.loc.start);
        m.managed.sort_by_key(|d| d.loc.start);
    }
    inherit_workspace_features(&mut out.manifests);
    out.libraries = capabilities::detect(&out.manifests);
    out
}

/// Cargo members that declare `foo = { workspace = true }` get the workspace's version and
/// features for `foo` (Cargo adds the member's own features to the inherited ones), so that
/// capability conditions such as tracing-subscriber's `json` feature see them.
fn inherit_workspace_features(manifests: &mut [DepManifest]) {
    let roots: Vec<(String, BTreeMap<String, Dep>)> = manifests
        .iter()
        .filter(|m| m.format == DepFormat::CargoToml && !m.managed.is_empty())
        .map(|m| {
            let deps = m
                .managed
                .iter()
                .map(|d| (d.name.clone(), d.clone()))
                .collect();
            (m.dir().to_string(), deps)
        })
        .collect();
    if roots.is_empty() {
        return;
    }
    for m in manifests
        .iter_mut()
        .filter(|m| m.format == DepFormat::CargoToml)
    {
        let dir = m.dir().to_string();
        // The nearest workspace root at or above the member.
        let Some((_, root)) = roots
            .iter()
            .filter(|(r, _)| is_ancestor_or_same(r, &dir))
            .max_by_key(|(r, _)| r.len())
        else {
            continue;
        };
        for d in m
            .dependencies
            .iter_mut()
            .filter(|d| d.source == DepSource::Workspace)
        {
            if let Some(w) = root.get(&d.name) {
                if d.version.is_none() {
                    d.version.clone_from(&w.version);
                }
                for f in &w.features {
                    if !d.features.contains(f) {
                        d.features.push(f.clone());
                    }
                }
            }
        }
    }
}

fn is_ancestor_or_same(ancestor: &str, dir: &str) -> bool {
    ancestor.is_empty()
        || dir == ancestor
        || (dir.starts_with(ancestor) && dir.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// A manifest's dependencies as `(name, version, scope, line, column)`, for exact assertions.
#[cfg(test)]
pub(crate) fn dependency_rows(m: &DepManifest) -> Vec<(&str, Option<&str>, Scope, u32, u32)> {
    m.dependencies
        .iter()
        .map(|d| {
            (
                d.name.as_str(),
                d.version.as_deref(),
                d.scope,
                d.loc.line,
                d.loc.column,
            )
        })
        .collect()
}
