//! The evidence model: everything launchgate learned from the repository, parsed once, with
//! locations. Checks read it and never touch the file system themselves.
//!
//! [`scan`] walks a repository once (in parallel, `.gitignore`-aware), classifies each file,
//! reads it once and hands it to the parser of its format; the secret scanner sees every text
//! file. A review of a manifest alone uses [`Evidence::none`].

use std::path::PathBuf;
use std::sync::Arc;

use launchgate_core::{Finding, Location};
use serde::Serialize;

pub mod alertmanager;
pub mod ci;
mod classify;
pub mod dashboards;
pub mod deps;
pub mod dockerfile;
pub mod docs;
mod encoded;
mod json;
pub mod k8s;
pub mod ownership;
pub mod prometheus;
pub mod reports;
mod scan;
pub mod secrets;
mod source;
pub mod terraform;
pub mod yaml;

pub use classify::{CiSystem, DepFormat, FileKind, ReportFormat, classify};
pub use scan::{
    DEFAULT_MAX_FILE_SIZE, DEFAULT_REPORT_GLOBS, IGNORE_FILE, ReportGlob, ReportGroup, ScanError,
    ScanOptions, scan,
};
pub use source::{Loc, Located, Source};

/// What the scan found. Empty when no repository was scanned.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Evidence {
    /// The scanned repository root, if a repository was scanned.
    pub root: Option<PathBuf>,
    /// Whether a repository was scanned at all. When it was not, repository evidence is
    /// unknown (not absent), and checks must not treat it as missing.
    pub scanned: bool,
    /// Every file read, sorted by path.
    pub files: Vec<ScannedFile>,
    /// Files the scan did not read, and why (too large, binary, unreadable, symlink loop).
    pub skipped: Vec<Skipped>,
    /// Files that could not be parsed: the checks that need them are inconclusive.
    pub errors: Vec<EvidenceError>,
    /// Files that were recognised but not evaluated (Helm templates), with the reason.
    pub not_evaluated: Vec<NotEvaluated>,
    pub kubernetes: k8s::Kubernetes,
    pub dockerfiles: dockerfile::Dockerfiles,
    pub terraform: terraform::Terraform,
    pub ci: ci::Ci,
    pub dependencies: deps::Dependencies,
    pub ownership: ownership::Ownership,
    pub secrets: secrets::Secrets,
    pub prometheus: prometheus::Prometheus,
    pub alertmanager: alertmanager::Alertmanager,
    pub docs: docs::Docs,
    pub dashboards: dashboards::Dashboards,
    pub reports: reports::Reports,
}

impl Evidence {
    /// No repository evidence: a review of the manifest and its claims alone.
    pub fn none() -> Evidence {
        Evidence::default()
    }

    /// Files of a kind, by path.
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &ScannedFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    /// Whether any file provides evidence letter `letter` (`K`, `T`, ...).
    pub fn has_letter(&self, letter: char) -> bool {
        self.files.iter().any(|f| f.kind.letter() == Some(letter))
    }

    /// Why evidence of the given letters (`"K T"`) is incomplete: parse errors and files not
    /// evaluated, as findings. A check that would otherwise pass is inconclusive when this is
    /// not empty.
    pub fn gaps(&self, letters: &str) -> Vec<Finding> {
        let wanted = |k: FileKind| k.letter().is_some_and(|l| letters.contains(l));
        let mut out: Vec<Finding> = self
            .errors
            .iter()
            .filter(|e| wanted(e.kind))
            .map(EvidenceError::finding)
            .collect();
        out.extend(
            self.not_evaluated
                .iter()
                .filter(|n| wanted(n.kind))
                .map(|n| Finding::new(n.reason.clone()).at(Some(n.loc.location()))),
        );
        out
    }
}

/// A file the scan read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScannedFile {
    pub path: Arc<str>,
    pub kind: FileKind,
    pub size: u64,
}

/// A file or folder the scan did not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum SkipReason {
    /// Larger than the size limit.
    TooLarge { size: u64, limit: u64 },
    /// Contains NUL bytes: not text.
    Binary,
    /// Could not be read (permissions, I/O error).
    Unreadable { error: String },
    /// A symbolic link that leads back into its own ancestry.
    SymlinkLoop,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => {
                write!(f, "larger than the {limit}-byte limit ({size} bytes)")
            }
            SkipReason::Binary => f.write_str("binary file"),
            SkipReason::Unreadable { error } => write!(f, "unreadable: {error}"),
            SkipReason::SymlinkLoop => f.write_str("symbolic link loop"),
        }
    }
}

/// A file that could not be parsed: where and why. Evidence too: the checks that needed the
/// file report it and are inconclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvidenceError {
    pub loc: Loc,
    pub kind: FileKind,
    pub message: String,
}

impl EvidenceError {
    pub fn new(loc: Loc, kind: FileKind, message: impl Into<String>) -> EvidenceError {
        EvidenceError {
            loc,
            kind,
            message: message.into(),
        }
    }

    pub fn location(&self) -> Location {
        self.loc.location()
    }

    /// The error as a finding of an inconclusive check.
    pub fn finding(&self) -> Finding {
        Finding::new(format!(
            "could not parse {}: {}",
            self.loc.path, self.message
        ))
        .at(Some(self.location()))
    }
}

impl std::fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// A file recognised but deliberately not evaluated (a Helm template needs rendering).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NotEvaluated {
    pub loc: Loc,
    pub kind: FileKind,
    pub reason: String,
}
