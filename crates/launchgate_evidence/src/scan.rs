//! The one scan: a parallel, `.gitignore`-aware walk that reads every file once, classifies
//! it, feeds it to the secret scanner and to the parser of its format, and assembles the
//! per-file results into the [`Evidence`] model in a deterministic (path-sorted) order.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use crate::classify::{FileKind, classify};
use crate::source::Source;
use crate::{
    Evidence, EvidenceError, NotEvaluated, ScannedFile, SkipReason, Skipped, alertmanager, ci,
    dashboards, deps, dockerfile, docs, k8s, ownership, prometheus, reports, secrets, terraform,
    yaml,
};

/// Files larger than this are skipped with a note (generated bundles, data dumps).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// The ignore file launchgate honours besides `.gitignore` (same syntax).
pub const IGNORE_FILE: &str = ".launchgateignore";

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Skip files larger than this many bytes.
    pub max_file_size: u64,
    /// Worker threads; 0 picks the number of CPUs.
    pub threads: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
        }
    }
}

/// The repository could not be scanned at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: not a directory (give the repository root)")]
    NotADirectory { path: PathBuf },
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
}

impl Collected {
    fn absorb(&mut self, mut other: Collected) {
        self.files.append(&mut other.files);
        self.skipped.append(&mut other.skipped);
        self.errors.append(&mut other.errors);
        self.not_evaluated.append(&mut other.not_evaluated);
        self.kubernetes.append(&mut other.kubernetes);
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
    let total = Mutex::new(Collected::default());
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .git_exclude(false)
        .follow_links(true)
        .add_custom_ignore_filename(IGNORE_FILE)
        .threads(options.threads)
        .filter_entry(|e| !(e.file_name() == ".git" && e.file_type().is_some_and(|t| t.is_dir())));
    builder.build_parallel().run(|| {
        let total = &total;
        let mut local = Local {
            out: Collected::default(),
            total,
        };
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        let rel = relative(root, entry.path());
                        visit(&rel, entry.path(), options, &mut local.out);
                    }
                }
                Err(err) => local.out.skipped.push(walk_error(root, &err)),
            }
            WalkState::Continue
        })
    });
    let collected = total
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(assemble(root, collected))
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

fn assemble(root: &Path, mut c: Collected) -> Evidence {
    c.files.sort_by(|a, b| a.path.cmp(&b.path));
    c.skipped.sort();
    c.not_evaluated.sort();
    let kubernetes = k8s::assemble(c.kubernetes);
    let prometheus = prometheus::assemble(c.prometheus, &kubernetes, &mut c.errors);
    let alertmanager = alertmanager::assemble(c.alertmanager, &kubernetes, &mut c.errors);
    let dashboards = dashboards::assemble(&c.dashboards, &kubernetes, &mut c.errors);
    c.errors.sort();
    Evidence {
        root: Some(root.to_path_buf()),
        scanned: true,
        files: c.files,
        skipped: c.skipped,
        errors: c.errors,
        not_evaluated: c.not_evaluated,
        kubernetes,
        dockerfiles: dockerfile::assemble(c.dockerfiles),
        terraform: terraform::assemble(c.terraform),
        ci: ci::assemble(c.ci),
        dependencies: deps::assemble(c.deps),
        ownership: ownership::assemble(c.ownership),
        secrets: secrets::assemble(c.secrets),
        prometheus,
        alertmanager,
        docs: docs::assemble(&c.docs),
        dashboards,
        reports: reports::assemble(&c.reports),
    }
}

fn relative(root: &Path, path: &Path) -> String {
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

/// Bytes looked at to decide whether a file is binary.
const SNIFF: usize = 8192;

fn visit(rel: &str, abs: &Path, options: &ScanOptions, out: &mut Collected) {
    let bytes = match read_limited(abs, options.max_file_size) {
        Ok(ReadOutcome::Bytes(b)) => b,
        Ok(ReadOutcome::TooLarge(size)) => {
            out.skipped.push(Skipped {
                path: rel.to_string(),
                reason: SkipReason::TooLarge {
                    size,
                    limit: options.max_file_size,
                },
            });
            return;
        }
        Err(e) => {
            out.skipped.push(Skipped {
                path: rel.to_string(),
                reason: SkipReason::Unreadable {
                    error: e.to_string(),
                },
            });
            return;
        }
    };
    if bytes[..bytes.len().min(SNIFF)].contains(&0) {
        out.skipped.push(Skipped {
            path: rel.to_string(),
            reason: SkipReason::Binary,
        });
        return;
    }
    let size = bytes.len() as u64;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let kind = classify(rel, &text);
    let path: Arc<str> = Arc::from(rel);
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
    out.secrets.extend(secrets::scan(&src, docs.as_deref()));
    parse(&src, kind, docs.unwrap_or_default(), out);
}

/// Hands a classified file (and its YAML documents, for YAML kinds) to its parser.
fn parse(src: &Source, kind: FileKind, docs: Vec<yaml::Node>, out: &mut Collected) {
    let errors = &mut out.errors;
    match kind {
        FileKind::Kubernetes => out.kubernetes.extend(k8s::parse(src, docs, errors)),
        FileKind::HelmTemplate => out.not_evaluated.push(NotEvaluated {
            loc: src.file_start(),
            kind,
            reason: format!(
                "{} is a Helm template and was not evaluated: render the chart with `helm template` and review the output",
                src.path
            ),
        }),
        FileKind::Dockerfile => out.dockerfiles.extend(dockerfile::parse(src, errors)),
        FileKind::Terraform => out.terraform.extend(terraform::parse(src, errors)),
        FileKind::Ci(system) => out.ci.extend(ci::parse(src, system, docs, errors)),
        FileKind::Dependencies(_) | FileKind::DependencyUpdates => {
            out.deps.extend(deps::parse(src, kind, errors));
        }
        FileKind::CodeOwners | FileKind::Catalog => {
            out.ownership.extend(ownership::parse(src, kind, docs, errors));
        }
        FileKind::PrometheusRules | FileKind::SloSpec => {
            out.prometheus
                .extend(prometheus::parse(src, kind, &docs, errors));
        }
        FileKind::Alertmanager => out.alertmanager.extend(alertmanager::parse(src, &docs, errors)),
        FileKind::Markdown => out.docs.extend(docs::parse(src, errors)),
        FileKind::Dashboard => out.dashboards.extend(dashboards::parse(src, errors)),
        FileKind::Report(format) => out.reports.extend(reports::parse(src, format, errors)),
        FileKind::Manifest | FileKind::Kustomization | FileKind::HelmChart | FileKind::Other => {}
    }
}

enum ReadOutcome {
    Bytes(Vec<u8>),
    TooLarge(u64),
}

/// Reads a whole file unless it is larger than `limit` (checked on the open handle, so a file
/// growing during the scan is still bounded).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<ReadOutcome> {
    let mut f = fs::File::open(path)?;
    let len = f.metadata()?.len();
    if len > limit {
        return Ok(ReadOutcome::TooLarge(len));
    }
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0) + 1);
    f.by_ref().take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Ok(ReadOutcome::TooLarge(buf.len() as u64));
    }
    Ok(ReadOutcome::Bytes(buf))
}
