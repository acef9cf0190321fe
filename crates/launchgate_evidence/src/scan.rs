//! The one scan: a parallel, `.gitignore`-aware walk that reads every file once, classifies
//! it, feeds it to the secret scanner and to the parser of its format, and assembles the
//! per-file results into the [`Evidence`] model in a deterministic (path-sorted) order.

use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use launchgate_manifest::{DeploySection, ReportLocations};

use crate::classify::{FileKind, ReportFormat, classify};
use crate::deploy::{self, HelmTemplateFacts, KubeInputs, Plan, Render};
use crate::read::{self, Decoded, Opened};
use crate::scope::{self, OutOfScope, Scope, ScopeRules};
use crate::source::{Loc, Source};
use crate::{
    Evidence, EvidenceError, NotEvaluated, ScannedFile, SkipReason, Skipped, alertmanager, ci,
    compose, dashboards, deps, dockerfile, docs, grafana, k8s, ownership, prometheus, reports,
    secrets, terraform, yaml,
};

/// Files larger than this are not parsed, only streamed through the secret scanner, and listed
/// with a note (generated bundles, data dumps).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// The ignore file launchgate honours besides `.gitignore` (same syntax).
pub const IGNORE_FILE: &str = ".launchgateignore";

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Parse no file larger than this many bytes (it is scanned for secrets only).
    pub max_file_size: u64,
    /// Worker threads; 0 picks the number of CPUs.
    pub threads: usize,
    /// Where reports are (the manifest's `reports` globs): read even when `.gitignore`d, and
    /// each matched file must be a report of its group.
    pub reports: Vec<ReportGlob>,
    /// Also look for reports at the usual build-output locations ([`DEFAULT_REPORT_GLOBS`]),
    /// `.gitignore`d or not.
    pub default_report_globs: bool,
    /// Incremented once per file the scan looks at (read, skipped or refused), as it goes:
    /// a caller can show progress from another thread. The scan itself never prints.
    pub progress: Option<Arc<AtomicUsize>>,
    /// The manifest's `deploy:` section: when set, only its sources are Kubernetes evidence.
    pub deploy: Option<DeploySection>,
    /// Which renderers (`kubectl kustomize`, `kustomize build`, `helm template`) may run.
    pub render: Render,
    /// Which files are in scope (the manifest's `scan:` section): out-of-scope files are read
    /// by the secret scanner only, and listed in `Evidence::scope`.
    pub scope: ScopeRules,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            reports: Vec::new(),
            default_report_globs: true,
            progress: None,
            deploy: None,
            render: Render::Auto,
            scope: ScopeRules::default(),
        }
    }
}

impl ScanOptions {
    /// These options with the manifest's `scan:` section as scope rules.
    #[must_use]
    pub fn with_scan_section(mut self, section: &launchgate_manifest::ScanSection) -> ScanOptions {
        self.scope.defaults = section.defaults;
        self.scope.include.clone_from(&section.include);
        self.scope.exclude.clone_from(&section.exclude);
        self
    }

    /// These options with the folders of the manifest's `select:` (source folders and
    /// Terraform roots): Dockerfiles, dependency manifests and Terraform elsewhere are another
    /// service's, read for secrets only. The workloads are chosen after the scan
    /// ([`crate::Evidence::select`]).
    #[must_use]
    pub fn with_selection(
        mut self,
        selection: Option<&launchgate_manifest::Selection>,
    ) -> ScanOptions {
        if let Some(sel) = selection {
            self.scope.source.clone_from(&sel.source);
            self.scope.terraform.clone_from(&sel.terraform);
        }
        self
    }

    /// These options with the manifest's report globs added.
    #[must_use]
    pub fn with_report_locations(mut self, locations: &ReportLocations) -> ScanOptions {
        for (group, globs) in [
            (ReportGroup::Junit, &locations.junit),
            (ReportGroup::Coverage, &locations.coverage),
            (ReportGroup::Sarif, &locations.sarif),
            (ReportGroup::LoadTest, &locations.load_test),
        ] {
            self.reports.extend(globs.iter().map(|g| ReportGlob {
                group,
                glob: g.clone(),
            }));
        }
        self
    }

    /// These options with the manifest's `deploy:` section.
    #[must_use]
    pub fn with_deploy(mut self, deploy: Option<&DeploySection>) -> ScanOptions {
        self.deploy = deploy.cloned();
        self
    }
}

/// Where reports usually are, in build output that is normally `.gitignore`d: Maven Surefire
/// and Failsafe, Gradle, nextest, coverage tools, JaCoCo, and JUnit and SARIF files by name.
pub const DEFAULT_REPORT_GLOBS: &[&str] = &[
    "**/target/surefire-reports/*.xml",
    "**/target/failsafe-reports/*.xml",
    "**/build/test-results/**/*.xml",
    "**/target/nextest/**/*.xml",
    "**/coverage/lcov.info",
    "**/coverage/cobertura-coverage.xml",
    "**/coverage.xml",
    "**/target/site/jacoco/jacoco.xml",
    "**/build/reports/jacoco/**/*.xml",
    "**/junit*.xml",
    "**/TEST-*.xml",
    "**/*.sarif",
    "**/*.sarif.json",
    "**/k6-summary*.json",
];

/// Folders the report walk never enters: version control, dependencies and caches that hold
/// no reports and can hold very many files.
const REPORT_WALK_PRUNE: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".gradle",
    ".terraform",
    "bower_components",
    "incremental",
    ".fingerprint",
];

/// Which reports a manifest glob is meant to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportGroup {
    /// `reports.junit`: JUnit XML.
    Junit,
    /// `reports.coverage`: lcov, Cobertura or JaCoCo.
    Coverage,
    /// `reports.sarif`: SARIF logs.
    Sarif,
    /// `reports.load_test`: k6 summaries.
    LoadTest,
}

impl ReportGroup {
    /// The manifest key (`junit`, `coverage`, `sarif`, `load_test`).
    pub fn key(self) -> &'static str {
        match self {
            ReportGroup::Junit => "junit",
            ReportGroup::Coverage => "coverage",
            ReportGroup::Sarif => "sarif",
            ReportGroup::LoadTest => "load_test",
        }
    }

    /// Whether a report of `format` belongs to this group.
    pub fn accepts(self, format: ReportFormat) -> bool {
        match self {
            ReportGroup::Junit => format == ReportFormat::JUnit,
            ReportGroup::Coverage => matches!(
                format,
                ReportFormat::Lcov | ReportFormat::Cobertura | ReportFormat::JaCoCo
            ),
            ReportGroup::Sarif => format == ReportFormat::Sarif,
            ReportGroup::LoadTest => format == ReportFormat::K6,
        }
    }

    /// The format an error about this group is filed under (so the checks reading it see it).
    fn primary(self) -> ReportFormat {
        match self {
            ReportGroup::Junit => ReportFormat::JUnit,
            ReportGroup::Coverage => ReportFormat::Lcov,
            ReportGroup::Sarif => ReportFormat::Sarif,
            ReportGroup::LoadTest => ReportFormat::K6,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ReportGroup::Junit => "a JUnit XML report",
            ReportGroup::Coverage => "an lcov, Cobertura or JaCoCo coverage report",
            ReportGroup::Sarif => "a SARIF log",
            ReportGroup::LoadTest => "a k6 end-of-test summary",
        }
    }
}

/// A manifest glob for reports (repository-relative; `*` stays within a folder, `**` crosses
/// folders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGlob {
    pub group: ReportGroup,
    pub glob: String,
}

/// The compiled report globs.
struct ReportMatcher {
    /// Manifest globs, with their group and text.
    declared: Vec<(ReportGlob, GlobMatcher)>,
    /// Every glob (manifest and defaults), for the walk of ignored folders.
    any: GlobSet,
    /// Per glob, its folder segments (`None` for `**`), to prune folders no glob reaches.
    dirs: Vec<Vec<Option<GlobMatcher>>>,
}

fn compile(glob: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(glob.trim_start_matches("./"))
        .literal_separator(true)
        .build()
}

impl ReportMatcher {
    fn new(options: &ScanOptions, errors: &mut Vec<EvidenceError>) -> ReportMatcher {
        let mut declared = Vec::new();
        let mut any = GlobSetBuilder::new();
        let mut dirs = Vec::new();
        let mut add = |text: &str, any: &mut GlobSetBuilder, glob: Glob| {
            any.add(glob);
            let segs: Vec<&str> = text.trim_start_matches("./").split('/').collect();
            let folder = &segs[..segs.len().saturating_sub(1)];
            dirs.push(
                folder
                    .iter()
                    .map(|s| {
                        if *s == "**" {
                            None
                        } else {
                            // A segment that does not compile alone matches anything.
                            compile(s).ok().map(|g| g.compile_matcher())
                        }
                    })
                    .collect(),
            );
        };
        for r in &options.reports {
            match compile(&r.glob) {
                Ok(g) => {
                    declared.push((r.clone(), g.compile_matcher()));
                    add(&r.glob, &mut any, g);
                }
                Err(e) => errors.push(EvidenceError::new(
                    Loc::file_start(&Arc::from(launchgate_manifest::MANIFEST_FILE)),
                    FileKind::Report(r.group.primary()),
                    format!(
                        "`reports.{}` glob `{}` is invalid: {e}",
                        r.group.key(),
                        r.glob
                    ),
                )),
            }
        }
        if options.default_report_globs {
            for d in DEFAULT_REPORT_GLOBS {
                if let Ok(g) = compile(d) {
                    add(d, &mut any, g);
                }
            }
        }
        ReportMatcher {
            declared,
            any: any.build().unwrap_or_else(|_| GlobSet::empty()),
            dirs,
        }
    }

    fn is_empty(&self) -> bool {
        self.dirs.is_empty()
    }

    /// The first manifest glob matching `rel`.
    fn declared_for(&self, rel: &str) -> Option<&ReportGlob> {
        self.declared
            .iter()
            .find(|(_, m)| m.is_match(rel))
            .map(|(g, _)| g)
    }

    /// Whether a file under folder `rel` (segments) can match some glob.
    fn reaches(&self, rel: &[&str]) -> bool {
        self.dirs.iter().any(|g| prefix_possible(g, rel))
    }
}

/// Whether folder `dir` can be on the way to a match of a glob whose folder segments are
/// `glob` (`None` is `**`).
fn prefix_possible(glob: &[Option<GlobMatcher>], dir: &[&str]) -> bool {
    let Some((d, drest)) = dir.split_first() else {
        return true;
    };
    match glob.split_first() {
        None => false,
        Some((None, grest)) => prefix_possible(grest, dir) || prefix_possible(glob, drest),
        Some((Some(m), grest)) => m.is_match(d) && prefix_possible(grest, drest),
    }
}

/// The repository could not be scanned at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: not a directory (give the repository root)")]
    NotADirectory { path: PathBuf },
    /// A glob of the manifest's `scan:` section does not compile.
    #[error(transparent)]
    Scope(#[from] scope::BadGlob),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What one file produced.
#[derive(Default)]
struct Collected {
    files: Vec<ScannedFile>,
    skipped: Vec<Skipped>,
    errors: Vec<EvidenceError>,
    not_evaluated: Vec<NotEvaluated>,
    kubernetes: Vec<k8s::KubeFile>,
    compose: Vec<compose::ComposeFile>,
    dockerfiles: Vec<dockerfile::Dockerfile>,
    terraform: Vec<terraform::TfFile>,
    ci: Vec<ci::CiFile>,
    deps: Vec<deps::DepFile>,
    ownership: Vec<ownership::OwnershipFile>,
    secrets: Vec<secrets::SecretFinding>,
    prometheus: Vec<prometheus::RuleFile>,
    alertmanager: Vec<alertmanager::AlertmanagerFile>,
    docs: Vec<docs::DocFile>,
    dashboards: Vec<dashboards::DashboardFile>,
    reports: Vec<reports::ReportFile>,
    helm_facts: Vec<HelmTemplateFacts>,
    /// Charts' `values.yaml` files, by path.
    helm_values: Vec<(String, yaml::Node)>,
    out_of_scope: Vec<OutOfScope>,
    code: Vec<crate::code::CodeFile>,
    migrations: Vec<(String, crate::code::MigrationFile)>,
    audit_tables: Vec<crate::code::Located<crate::code::AuditTable>>,
}

impl Collected {
    fn absorb(&mut self, mut other: Collected) {
        self.files.append(&mut other.files);
        self.skipped.append(&mut other.skipped);
        self.errors.append(&mut other.errors);
        self.not_evaluated.append(&mut other.not_evaluated);
        self.kubernetes.append(&mut other.kubernetes);
        self.compose.append(&mut other.compose);
        self.dockerfiles.append(&mut other.dockerfiles);
        self.terraform.append(&mut other.terraform);
        self.ci.append(&mut other.ci);
        self.deps.append(&mut other.deps);
        self.ownership.append(&mut other.ownership);
        self.secrets.append(&mut other.secrets);
        self.prometheus.append(&mut other.prometheus);
        self.alertmanager.append(&mut other.alertmanager);
        self.docs.append(&mut other.docs);
        self.dashboards.append(&mut other.dashboards);
        self.reports.append(&mut other.reports);
        self.helm_facts.append(&mut other.helm_facts);
        self.helm_values.append(&mut other.helm_values);
        self.out_of_scope.append(&mut other.out_of_scope);
        self.code.append(&mut other.code);
        self.migrations.append(&mut other.migrations);
        self.audit_tables.append(&mut other.audit_tables);
    }
}

/// Scans the repository at `root`.
pub fn scan(root: &Path, options: &ScanOptions) -> Result<Evidence, ScanError> {
    let meta = fs::metadata(root).map_err(|source| ScanError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(ScanError::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    // The boundary: every link is resolved and compared with the canonical root.
    let root_path = root;
    let canonical = fs::canonicalize(root).map_err(|source| ScanError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let root = canonical.as_path();
    let mut setup_errors = Vec::new();
    let scope = Scope::new(&options.scope)?;
    let reports = ReportMatcher::new(options, &mut setup_errors);
    let total = Mutex::new(Collected {
        errors: setup_errors,
        ..Collected::default()
    });
    // The walker opens ignore files itself, before we see a folder's entries: one that is a
    // FIFO or a device would hang it, one linked out of the repository would be read. At the
    // root (or above it, when a folder of a larger checkout is reviewed) such a file turns the
    // ignore files off, which scans more, never less; in a folder it keeps the folder unwalked.
    // (The walker reads the parents' `.gitignore` files whenever it reads any, to apply a
    // checkout's rules to a folder of it.)
    let honour = unsafe_ignore_file(root, root).is_none()
        && root
            .ancestors()
            .skip(1)
            .all(|d| unsafe_ignore_file(d, Path::new("/")).is_none());
    let pruned: Arc<Mutex<Vec<Skipped>>> = Arc::default();
    let (filter_root, filter_pruned) = (root.to_path_buf(), Arc::clone(&pruned));
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .require_git(false)
        .git_ignore(honour)
        .ignore(honour)
        .parents(honour)
        .git_global(false)
        .git_exclude(false)
        // Links are resolved one by one (`link`), never followed by the walk.
        .follow_links(false)
        .threads(options.threads)
        .filter_entry(move |e| {
            if !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            if e.file_name() == ".git" {
                return false;
            }
            if !honour {
                return true;
            }
            let Some((name, why)) = unsafe_ignore_file(e.path(), &filter_root) else {
                return true;
            };
            let rel = relative(&filter_root, e.path());
            filter_pruned
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(Skipped {
                    path: format!("{rel}/{name}"),
                    reason: SkipReason::UnwalkedFolder { why },
                });
            false
        });
    if honour {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    builder.build_parallel().run(|| {
        let total = &total;
        let reports = &reports;
        let scope = &scope;
        let mut local = Local {
            out: Collected::default(),
            total,
        };
        Box::new(move |entry| {
            match entry {
                Ok(entry) => match entry.file_type() {
                    Some(t) if t.is_file() => {
                        let rel = relative(root, entry.path());
                        visit(
                            &rel,
                            entry.path(),
                            options,
                            reports,
                            Visit::Repo(scope),
                            &mut local.out,
                        );
                    }
                    Some(t) if t.is_symlink() => {
                        let rel = relative(root, entry.path());
                        link(
                            root,
                            &rel,
                            entry.path(),
                            options,
                            reports,
                            scope,
                            &mut local.out,
                        );
                    }
                    Some(t) if !t.is_dir() => {
                        let rel = relative(root, entry.path());
                        special(&rel, read::special_kind(t), options, &mut local.out);
                    }
                    _ => {}
                },
                Err(err) => local.out.skipped.push(walk_error(root, &err)),
            }
            WalkState::Continue
        })
    });
    let mut collected = total
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    collected.skipped.append(
        &mut pruned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    if !reports.is_empty() {
        walk_reports(root, options, &reports, &mut collected);
    }
    Ok(assemble(root_path, options, collected))
}

/// A symbolic link met by the walk: read as the file it names when that is a regular file
/// inside the repository; anything else is a listed skip, and nothing outside the root is
/// opened (a link to `/etc`, to `/`, to `/proc/kmsg`, to `/dev/zero`, to a file in `$HOME`).
fn link(
    root: &Path,
    rel: &str,
    abs: &Path,
    options: &ScanOptions,
    reports: &ReportMatcher,
    scope: &Scope,
    out: &mut Collected,
) {
    let skip = |out: &mut Collected, reason: SkipReason| {
        count(options);
        out.skipped.push(Skipped {
            path: rel.to_string(),
            reason,
        });
    };
    let target = match fs::canonicalize(abs) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return skip(out, SkipReason::BrokenLink);
        }
        Err(e) if is_loop(&e) => return skip(out, SkipReason::SymlinkLoop),
        Err(e) => {
            return skip(
                out,
                SkipReason::Unreadable {
                    error: e.to_string(),
                },
            );
        }
    };
    if !target.starts_with(root) {
        return skip(out, SkipReason::OutsideRepository);
    }
    match fs::metadata(&target) {
        Ok(m) if m.is_file() => visit(rel, &target, options, reports, Visit::Repo(scope), out),
        Ok(m) if m.is_dir() => skip(out, SkipReason::FolderLink),
        Ok(m) => skip(
            out,
            SkipReason::Special {
                kind: read::special_kind(m.file_type()).to_string(),
            },
        ),
        Err(e) => skip(
            out,
            SkipReason::Unreadable {
                error: e.to_string(),
            },
        ),
    }
}

/// The ignore files the walker reads in every folder.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", IGNORE_FILE];

/// The first ignore file of `dir` the walker must not open, and why: a FIFO, socket or
/// device, or a link to one, or a link leading outside `root`. Three `lstat` calls a folder.
fn unsafe_ignore_file(dir: &Path, root: &Path) -> Option<(&'static str, String)> {
    for name in IGNORE_FILES {
        let path = dir.join(name);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let t = meta.file_type();
        if t.is_file() || t.is_dir() {
            continue;
        }
        if !t.is_symlink() {
            return Some((name, format!("a {}", read::special_kind(t))));
        }
        // A broken link fails to open, harmlessly.
        let Ok(target) = fs::canonicalize(&path) else {
            continue;
        };
        if !target.starts_with(root) {
            return Some((
                name,
                "a symbolic link leading outside the repository".to_string(),
            ));
        }
        // Above the repository the boundary is `/`: a link into a kernel file system
        // (`/proc/kmsg` blocks its reader, `/dev/zero` never ends) is never opened either.
        if ["/proc", "/sys", "/dev"]
            .iter()
            .any(|p| target.starts_with(p))
        {
            return Some((
                name,
                "a symbolic link into a kernel file system".to_string(),
            ));
        }
        match fs::metadata(&target) {
            Ok(m) if !m.is_file() && !m.is_dir() => {
                return Some((
                    name,
                    format!("a link to a {}", read::special_kind(m.file_type())),
                ));
            }
            _ => {}
        }
    }
    None
}

/// Whether an error is the operating system's "too many levels of symbolic links".
fn is_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// A FIFO, socket or device in the tree: listed, never opened.
fn special(rel: &str, kind: &str, options: &ScanOptions, out: &mut Collected) {
    count(options);
    out.skipped.push(Skipped {
        path: rel.to_string(),
        reason: SkipReason::Special {
            kind: kind.to_string(),
        },
    });
}

/// One more file looked at, for the progress display.
fn count(options: &ScanOptions) {
    if let Some(files) = &options.progress {
        files.fetch_add(1, Ordering::Relaxed);
    }
}

/// The second, cheap walk for reports in folders the ignore files exclude (`target/`,
/// `coverage/`, `build/`): without ignore rules, skipping `.git`, dependency folders and
/// folders no report glob reaches; files the first walk read are not read again, and only
/// files a report glob matches are read at all.
fn walk_reports(root: &Path, options: &ScanOptions, reports: &ReportMatcher, out: &mut Collected) {
    let seen: std::collections::HashSet<String> = out
        .files
        .iter()
        .map(|f| f.path.to_string())
        .chain(out.skipped.iter().map(|s| s.path.clone()))
        .collect();
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            // Symbolic links are not followed: the first walk already did, loops included.
            let Ok(t) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let rel = relative(root, &path);
            if t.is_dir() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let segs: Vec<&str> = rel.split('/').collect();
                if !REPORT_WALK_PRUNE.contains(&name.as_ref()) && reports.reaches(&segs) {
                    dirs.push(path);
                }
            } else if t.is_file() && !seen.contains(&rel) && reports.any.is_match(&rel) {
                found.push((rel, path));
            }
        }
    }
    found.sort();
    for (rel, abs) in found {
        visit(&rel, &abs, options, reports, Visit::Extra, out);
    }
}

/// A worker's results, handed over to the shared total when the worker finishes.
struct Local<'a> {
    out: Collected,
    total: &'a Mutex<Collected>,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        let mine = std::mem::take(&mut self.out);
        let mut total = self
            .total
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        total.absorb(mine);
    }
}

/// What deploys: the plan (manifest, `skaffold.yaml`, Argo CD / Flux), applied to the
/// Kubernetes results before they are assembled; what it chose and left out.
#[allow(clippy::type_complexity)] // main (0ee775b) returns this tuple; clippy -D warnings fails on it
fn deploy_scope(
    root: &Path,
    options: &ScanOptions,
    c: &mut Collected,
) -> (crate::ScopeReport, BuiltImages) {
    let kinds: std::collections::BTreeMap<String, FileKind> = c
        .files
        .iter()
        .map(|f| (f.path.to_string(), f.kind))
        .collect();
    let skaffold = deploy::read_skaffold(root, options.max_file_size);
    let kustomizations: Vec<k8s::Kustomization> = c
        .kubernetes
        .iter()
        .flat_map(|f| f.kustomizations().iter().cloned())
        .collect();
    let k_files: std::collections::BTreeSet<String> = kinds
        .iter()
        .filter(|(_, k)| k.letter() == Some('K'))
        .map(|(p, _)| p.clone())
        .collect();
    let mut plan: Option<Plan> = match (&options.deploy, &skaffold) {
        (Some(d), _) => Some(deploy::from_manifest(d)),
        (None, Some(s)) if !s.sources.is_empty() => Some(Plan {
            sources: s.sources.clone(),
            origin: "skaffold.yaml".to_string(),
            render: true,
            config_files: std::collections::BTreeSet::new(),
        }),
        _ => deploy::from_gitops(&c.kubernetes, &kustomizations, &k_files),
    };
    if let Some(p) = &mut plan
        && options.render == Render::Off
    {
        p.render = false;
    }
    let out = deploy::apply(
        plan.as_ref(),
        &mut KubeInputs {
            root,
            kube: &mut c.kubernetes,
            not_evaluated: &mut c.not_evaluated,
            errors: &mut c.errors,
            kinds: &kinds,
            render: &options.render,
            secrets: &mut c.secrets,
        },
    );
    let mut choices = Vec::new();
    if plan.is_none() && !k_files.is_empty() {
        choices.push(crate::ScopeChoice {
            subject: "deploy".to_string(),
            chosen: EVERY_KUBERNETES_FILE.to_string(),
            why: "no manifest `deploy` section, skaffold.yaml or Argo CD / Flux object names what deploys; copies of one resource are judged once".to_string(),
        });
    }
    choices.extend(out.choices);
    (
        crate::ScopeReport {
            excluded: out.excluded,
            choices,
        },
        skaffold
            .map(|s| (s.built_images, s.build_contexts))
            .unwrap_or_default(),
    )
}

/// What skaffold.yaml says the repository's build produces: the images, and the folder each is
/// built from.
type BuiltImages = (
    Vec<crate::Located<String>>,
    std::collections::BTreeMap<String, String>,
);

/// The deploy choice when nothing names what deploys.
const EVERY_KUBERNETES_FILE: &str = "every Kubernetes file";

fn assemble(root: &Path, options: &ScanOptions, mut c: Collected) -> Evidence {
    c.files.sort_by(|a, b| a.path.cmp(&b.path));
    c.skipped.sort();
    let (scope, (built_images, build_contexts)) = deploy_scope(root, options, &mut c);
    let mut kubernetes = k8s::assemble(std::mem::take(&mut c.kubernetes));
    kubernetes.built_images = built_images;
    kubernetes.build_contexts = build_contexts;
    // "Every Kubernetes file" is a choice worth reporting only when it decided something: when
    // copies of one resource were found and judged once.
    let mut scope = scope;
    if kubernetes.objects.iter().all(|o| o.copies.is_empty()) {
        scope
            .choices
            .retain(|c| !(c.subject == "deploy" && c.chosen == EVERY_KUBERNETES_FILE));
    }
    let values: std::collections::BTreeMap<String, yaml::Node> =
        std::mem::take(&mut c.helm_values).into_iter().collect();
    deploy::cover_helm_templates(&mut c.not_evaluated, &c.helm_facts, &values, &kubernetes);
    c.not_evaluated.sort();
    let prometheus = prometheus::assemble(c.prometheus, &kubernetes, &mut c.errors);
    let alertmanager = alertmanager::assemble(c.alertmanager, &kubernetes, &mut c.errors);
    let dashboards = dashboards::assemble(&c.dashboards, &kubernetes, &mut c.errors);
    c.errors.sort();
    let dependencies = deps::assemble(c.deps);
    let source = crate::code::assemble(
        c.code,
        c.migrations,
        c.audit_tables,
        &dependencies,
        &mut c.out_of_scope,
    );
    Evidence {
        root: Some(root.to_path_buf()),
        scanned: true,
        files: c.files,
        skipped: c.skipped,
        errors: c.errors,
        not_evaluated: c.not_evaluated,
        kubernetes,
        compose: compose::assemble(c.compose),
        dockerfiles: dockerfile::assemble(c.dockerfiles),
        terraform: terraform::assemble(c.terraform),
        ci: ci::assemble(c.ci),
        dependencies,
        ownership: ownership::assemble(c.ownership),
        secrets: secrets::assemble(c.secrets),
        prometheus,
        alertmanager,
        docs: docs::assemble(&c.docs),
        dashboards,
        reports: reports::assemble(&c.reports),
        source,
        scope: {
            scope.excluded.extend(scope::group(c.out_of_scope));
            scope.excluded.sort();
            scope
        },
    }
}

fn relative(root: &Path, path: &Path) -> String {
    // The walker joins names to the root, so the relative path is nearly always the text after
    // the root and a `/`: taken as it is when that text is clean (what the component-wise form
    // below gives too), at a fraction of the cost of splitting both paths into components.
    if let Some(rest) = clean_rest(root, path) {
        return rest.to_string();
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

/// The text of `path` after `root` and a `/`, when it is valid UTF-8 and holds no empty or `.`
/// component (so that it equals its component-wise form); `None` otherwise.
fn clean_rest<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    if std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    let root = root.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
    let rest = match rest.strip_prefix(b"/") {
        Some(r) => r,
        None if root.ends_with(b"/") || rest.is_empty() => rest,
        None => return None,
    };
    let text = std::str::from_utf8(rest).ok()?;
    let clean = text.is_empty() || text.split('/').all(|part| !part.is_empty() && part != ".");
    clean.then_some(text)
}

fn walk_error(root: &Path, err: &ignore::Error) -> Skipped {
    fn inner(err: &ignore::Error) -> (Option<&Path>, SkipReason) {
        match err {
            ignore::Error::WithPath { path, err } => {
                let (p, r) = inner(err);
                (p.or(Some(path.as_path())), r)
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner(err)
            }
            ignore::Error::Loop { child, .. } => (Some(child.as_path()), SkipReason::SymlinkLoop),
            other => (
                None,
                SkipReason::Unreadable {
                    error: other.to_string(),
                },
            ),
        }
    }
    let (path, reason) = inner(err);
    Skipped {
        path: path.map_or_else(String::new, |p| relative(root, p)),
        reason,
    }
}

/// Where a visited file comes from.
#[derive(Clone, Copy)]
enum Visit<'a> {
    /// The walk of the repository, judged by the scope rules.
    Repo(&'a Scope),
    /// The report walk of ignored build output.
    Extra,
}

/// Reads, classifies and parses one file. `Extra` files come from the report walk: they are
/// kept only when they are reports, and are not secret-scanned (they are build output, not
/// the repository's content). Out-of-scope files are scanned for secrets and nothing else,
/// except reports, which are read wherever they are (tests write them into test folders).
fn visit(
    rel: &str,
    abs: &Path,
    options: &ScanOptions,
    reports: &ReportMatcher,
    mode: Visit<'_>,
    out: &mut Collected,
) {
    count(options);
    let (extra, scope) = match mode {
        Visit::Repo(s) => (false, Some(s)),
        Visit::Extra => (true, None),
    };
    let scoped = scope.and_then(|s| s.judge(rel));
    let skip = |out: &mut Collected, reason: SkipReason| {
        out.skipped.push(Skipped {
            path: rel.to_string(),
            reason,
        });
    };
    let unreadable = |e: io::Error| SkipReason::Unreadable {
        error: e.to_string(),
    };
    let (file, len) = match read::open(abs) {
        Ok(Opened::File(f, len)) => (f, len),
        Ok(Opened::Special(kind)) => {
            return skip(
                out,
                SkipReason::Special {
                    kind: kind.to_string(),
                },
            );
        }
        Err(e) => return skip(out, unreadable(e)),
    };
    let path: Arc<str> = Arc::from(rel);
    let limit = options.max_file_size;
    let bytes = match read_limited(file, len, limit) {
        Ok(ReadOutcome::Bytes(b)) => b,
        Ok(ReadOutcome::TooLarge(head, rest)) => {
            if extra {
                let size = len.max(head.len() as u64);
                return skip(
                    out,
                    SkipReason::TooLarge {
                        size,
                        limit,
                        secrets_scanned: false,
                    },
                );
            }
            // Too large to parse, never too large to scan for secrets.
            return match read::stream_secrets(&path, io::Cursor::new(head).chain(rest)) {
                Ok((found, size, _)) => {
                    out.secrets.extend(found);
                    if let Some(o) = scoped {
                        return out.out_of_scope.push(o);
                    }
                    skip(
                        out,
                        SkipReason::TooLarge {
                            size,
                            limit,
                            secrets_scanned: true,
                        },
                    );
                }
                Err(e) => skip(out, unreadable(e)),
            };
        }
        Err(e) => return skip(out, unreadable(e)),
    };
    let size = bytes.len() as u64;
    let text = match read::decode(bytes) {
        Decoded::Text(t) => t,
        Decoded::Binary(shown) => {
            if !extra {
                out.secrets
                    .extend(secrets::scan(&Source::new(path, shown), None));
            }
            if let Some(o) = scoped {
                return out.out_of_scope.push(o);
            }
            return skip(
                out,
                SkipReason::Binary {
                    secrets_scanned: !extra,
                },
            );
        }
    };
    let kind = classify(rel, &text);
    let scoped = scoped.or_else(|| scope.and_then(|s| s.judge_kind(rel, kind)));
    if let Some(o) = scoped
        && !matches!(kind, FileKind::Report(_))
    {
        // Secrets only: a committed secret leaks wherever it sits. Kubernetes Secret data is
        // found in the YAML tree, when the file loads.
        let src = Source::new(path, text);
        let docs = kind.is_yaml().then(|| yaml::load_all(&src).ok()).flatten();
        out.secrets.extend(secrets::scan(&src, docs.as_deref()));
        out.out_of_scope.push(o);
        return;
    }
    if let Some(glob) = reports.declared_for(rel) {
        let fits = matches!(kind, FileKind::Report(f) if glob.group.accepts(f));
        if !fits {
            let is = match kind {
                FileKind::Report(f) => format!("a {} report", f.name()),
                FileKind::Other => "not a report launchgate recognises".to_string(),
                k => format!("a {} file", k.key()),
            };
            out.errors.push(EvidenceError::new(
                Loc::file_start(&path),
                FileKind::Report(glob.group.primary()),
                format!(
                    "`reports.{}` glob `{}` matches this file, but it is {is}, not {}",
                    glob.group.key(),
                    glob.glob,
                    glob.group.describe()
                ),
            ));
            if extra {
                return;
            }
        }
    }
    if extra && !matches!(kind, FileKind::Report(_)) {
        return;
    }
    out.files.push(ScannedFile {
        path: path.clone(),
        kind,
        size,
    });
    let src = Source::new(path, text);
    // YAML is loaded once and shared: the secret scanner reads Kubernetes Secret data from the
    // same tree the Kubernetes parser gets.
    let docs = if kind.is_yaml() {
        match yaml::load_all(&src) {
            Ok(docs) => Some(docs),
            Err(e) => {
                out.errors.push(EvidenceError::new(e.loc, kind, e.message));
                out.secrets.extend(secrets::scan(&src, None));
                return;
            }
        }
    } else {
        None
    };
    if !extra {
        out.secrets.extend(secrets::scan(&src, docs.as_deref()));
    }
    parse(&src, kind, docs.unwrap_or_default(), out);
}

/// Hands a classified file (and its YAML documents, for YAML kinds) to its parser.
fn parse(src: &Source, kind: FileKind, docs: Vec<yaml::Node>, out: &mut Collected) {
    let errors = &mut out.errors;
    match kind {
        FileKind::Kubernetes => out.kubernetes.extend(k8s::parse(src, docs, errors)),
        FileKind::HelmTemplate => {
            out.helm_facts
                .push(deploy::helm_facts(&src.path, &src.text));
            out.not_evaluated.push(NotEvaluated {
                loc: src.file_start(),
                kind,
                reason: format!(
                    "{} is a Helm template and was not evaluated: render the chart with `helm template` and review the output",
                    src.path
                ),
                covered_by: None,
            });
        }
        FileKind::HelmChart if src.path.ends_with("values.yaml") => {
            if let Ok(mut d) = yaml::load_all(src)
                && !d.is_empty()
            {
                out.helm_values
                    .push((src.path.to_string(), d.swap_remove(0)));
            }
        }
        FileKind::Compose => out.compose.push(compose::parse(src, &docs, errors)),
        FileKind::ComposeEnv => out.compose.push(compose::parse_env(src)),
        FileKind::GrafanaAlerting => {
            let (rules, routing) = grafana::parse(src, &docs, errors);
            out.prometheus.extend(rules);
            out.alertmanager.extend(routing);
        }
        FileKind::Dockerfile => out.dockerfiles.extend(dockerfile::parse(src, errors)),
        FileKind::Terraform => out.terraform.extend(terraform::parse(src, errors)),
        FileKind::Ci(system) => out.ci.extend(ci::parse(src, system, docs, errors)),
        FileKind::Dependencies(_) | FileKind::DependencyUpdates => {
            out.deps.extend(deps::parse(src, kind, errors));
        }
        FileKind::CodeOwners | FileKind::Catalog => {
            out.ownership
                .extend(ownership::parse(src, kind, docs, errors));
        }
        FileKind::PrometheusRules | FileKind::SloSpec => {
            out.prometheus
                .extend(prometheus::parse(src, kind, &docs, errors));
        }
        FileKind::Alertmanager => out
            .alertmanager
            .extend(alertmanager::parse(src, &docs, errors)),
        FileKind::Markdown => out.docs.extend(docs::parse(src, errors)),
        FileKind::Dashboard => out.dashboards.extend(dashboards::parse(src, errors)),
        FileKind::Report(format) => out.reports.extend(reports::parse(src, format, errors)),
        FileKind::Kustomization => out.kubernetes.extend(k8s::kustomize::parse(src, &docs)),
        // The service's source and migrations: facts from its syntax tree and its migration
        // facts, in this worker thread.
        FileKind::Other => {
            // Where the secret scanner found values in this file (its findings were the last
            // added): a log call that writes one is read whatever its words.
            let secrets: Vec<usize> = out
                .secrets
                .iter()
                .rev()
                .take_while(|f| f.loc.path == src.path)
                .map(|f| f.loc.start)
                .collect();
            crate::code::parse(
                src,
                &secrets,
                &mut out.code,
                &mut out.migrations,
                &mut out.out_of_scope,
                &mut out.audit_tables,
            );
        }
        FileKind::Manifest | FileKind::HelmChart => {}
    }
}

enum ReadOutcome {
    Bytes(Vec<u8>),
    /// Larger than the limit: what was read so far, and the rest.
    TooLarge(Vec<u8>, fs::File),
}

/// Reads a whole file unless it is larger than `limit` (checked on the open handle, so a file
/// growing during the scan is still bounded).
fn read_limited(mut f: fs::File, len: u64, limit: u64) -> io::Result<ReadOutcome> {
    if len > limit {
        return Ok(ReadOutcome::TooLarge(Vec::new(), f));
    }
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0) + 1);
    f.by_ref().take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Ok(ReadOutcome::TooLarge(buf, f));
    }
    Ok(ReadOutcome::Bytes(buf))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_take_the_fast_way_only_when_it_gives_the_same_text() {
        // The component-wise form, as `relative` computes it without the fast path.
        let slow = |root: &str, path: &str| {
            let rel = Path::new(path)
                .strip_prefix(root)
                .unwrap_or(Path::new(path));
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        };
        for (root, path) in [
            ("repo", "repo/src/main.go"),
            ("repo/", "repo/src/main.go"),
            ("/abs/repo", "/abs/repo/deploy/app.yaml"),
            (".", "./a/b"),
            ("./repo", "./repo/x"),
            ("repo", "repo"),
            ("repo", "repo//a"),
            ("repo", "repo/./a"),
            ("repo", "repo/a/"),
            ("repo", "repository/a"),
            ("repo", "other/a"),
            ("repo", "repo/../x"),
            ("repo", "repo/caf\u{e9}/\u{1f600}.yaml"),
        ] {
            assert_eq!(
                relative(Path::new(root), Path::new(path)),
                slow(root, path),
                "{root} {path}"
            );
        }
        assert_eq!(
            clean_rest(Path::new("repo"), Path::new("repo/a/b")),
            Some("a/b")
        );
        assert_eq!(
            clean_rest(Path::new("repo"), Path::new("repository/a")),
            None
        );
        assert_eq!(clean_rest(Path::new("repo"), Path::new("repo//a")), None);
    }

    #[test]
    fn the_progress_counter_counts_every_file_looked_at() {
        let root = std::env::temp_dir().join(format!("launchgate-progress-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("deploy")).unwrap();
        fs::write(root.join("README.md"), "# svc\n").unwrap();
        fs::write(root.join("deploy/app.yaml"), "kind: ConfigMap\n").unwrap();
        fs::write(root.join("blob.bin"), [0u8, 1, 2]).unwrap();
        fs::write(root.join("big.txt"), "x".repeat(64)).unwrap();
        let files = Arc::new(AtomicUsize::new(0));
        let options = ScanOptions {
            max_file_size: 32,
            progress: Some(files.clone()),
            ..ScanOptions::default()
        };
        let ev = scan(&root, &options).unwrap();
        let _ = fs::remove_dir_all(&root);
        // Two read, one binary and one too large: four looked at.
        assert_eq!((ev.files.len(), ev.skipped.len()), (2, 2));
        assert_eq!(files.load(Ordering::Relaxed), 4);
    }
}
