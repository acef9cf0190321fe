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
pub mod code;
pub mod compose;
pub mod dashboards;
pub mod deploy;
pub mod deps;
pub mod dockerfile;
pub mod docs;
mod encoded;
pub mod grafana;
mod json;
pub mod k8s;
pub mod ownership;
pub mod prometheus;
mod read;
pub mod reports;
mod scan;
pub mod scope;
pub mod secrets;
mod select;
mod source;
pub mod terraform;
pub mod yaml;

pub use classify::{CiSystem, DepFormat, FileKind, ReportFormat, classify};
pub use scan::{
    DEFAULT_MAX_FILE_SIZE, DEFAULT_REPORT_GLOBS, IGNORE_FILE, ReportGlob, ReportGroup, ScanError,
    ScanOptions, scan,
};
pub use scope::{DEFAULT_RULES, DefaultRule, ScopeRules};
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
    /// Docker Compose services, as workloads of kind `ComposeService` (not in
    /// `kubernetes.workloads`: checks that apply to them read [`Evidence::container_workloads`]).
    pub compose: compose::Compose,
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
    /// The service's own source code (TypeScript, JavaScript, Python, Go, Java): located facts
    /// read from syntax trees, such as outbound HTTP calls and their timeouts; and its database
    /// migrations with their down steps and locking statements (`source.migrations`).
    pub source: code::Code,
    /// What the review took from the repository and what it left out, with the rule for each:
    /// every review format lists it.
    pub scope: ScopeReport,
}

/// What the review took from the repository and what it left out, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScopeReport {
    /// Paths (folders or files) that were not reviewed, except by the secret scanner, each with
    /// the rule that left it out. Sorted by path.
    pub excluded: Vec<Excluded>,
    /// What the review chose where the repository offered several candidates (which deploy
    /// sources count, which parts are this service's), and why. In the order they were made.
    pub choices: Vec<ScopeChoice>,
}

/// A path the review left out. A rule that starts with `source:` leaves out only the code the
/// path holds, because it runs on users' browsers or devices: its other files are reviewed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Excluded {
    /// Repository-relative, `/`-separated; a folder ends with `/`.
    pub path: String,
    /// The rule that left it out, as a user can find it again: `default: examples`,
    /// `scan.exclude: legacy/**`, `deploy: not a deploy source (skaffold.yaml deploys kubernetes-manifests/)`,
    /// `source: browser code (React components)`.
    pub rule: String,
    /// How many files it holds that the review would otherwise have read.
    pub files: usize,
}

/// A choice the review made, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeChoice {
    /// What was chosen: `deploy`, `service`, ...
    pub subject: String,
    /// What was taken: `kustomize kubernetes-manifests/`, `Deployment/adservice`.
    pub chosen: String,
    /// Why: `skaffold.yaml manifests.kustomize.paths`, `manifest select.workloads`.
    pub why: String,
}

impl Evidence {
    /// No repository evidence: a review of the manifest and its claims alone.
    pub fn none() -> Evidence {
        Evidence::default()
    }

    /// Every workload whose containers the container checks judge: the Kubernetes workloads,
    /// then the Compose services.
    pub fn container_workloads(&self) -> impl Iterator<Item = &k8s::Workload> {
        self.kubernetes
            .workloads
            .iter()
            .chain(self.compose.workloads())
    }

    /// Files of a kind, by path.
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &ScannedFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    /// The skips that may hide repository text from the secret scanner (unreadable files and
    /// folders, special files): see [`SkipReason::hides_text`].
    pub fn unseen(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped.iter().filter(|s| s.reason.hides_text())
    }

    /// Whether any file provides evidence letter `letter` (`K`, `T`, ...).
    pub fn has_letter(&self, letter: char) -> bool {
        self.files.iter().any(|f| f.kind.letter() == Some(letter))
    }

    /// Adds to each finding of `outcome` that points into a Kubernetes object the other places
    /// the same resource was found ([`k8s::Object::copies`]), as related locations: a resource
    /// is judged once, and its findings say where else it is written. The one place this is
    /// done, so that checks need not know about copies.
    pub fn note_copies(&self, outcome: &mut launchgate_core::Outcome) {
        let with_copies: Vec<&k8s::Object> = self
            .kubernetes
            .objects
            .iter()
            .filter(|o| !o.copies.is_empty())
            .collect();
        if with_copies.is_empty() {
            return;
        }
        let findings = match outcome {
            launchgate_core::Outcome::Fail { findings, .. }
            | launchgate_core::Outcome::Inconclusive { findings, .. }
            | launchgate_core::Outcome::Pass {
                evidence: findings, ..
            } => findings,
            launchgate_core::Outcome::NotApplicable { .. } => return,
        };
        for f in findings.iter_mut() {
            let Some(at) = &f.location else { continue };
            let Some(o) = with_copies
                .iter()
                .find(|o| *o.loc.path == *at.path && (o.loc.line..=o.end_line).contains(&at.line))
            else {
                continue;
            };
            for c in &o.copies {
                let l = c.loc.location();
                if !f.related.contains(&l) {
                    f.related.push(l);
                }
            }
        }
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
                .filter(|n| wanted(n.kind) && n.covered_by.is_none())
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
    /// Larger than the size limit: not parsed. Its text was still read in a streaming pass
    /// for secrets (`secrets_scanned`), unless it came from the report walk (build output).
    TooLarge {
        size: u64,
        limit: u64,
        secrets_scanned: bool,
    },
    /// Binary by content (NUL and control bytes in the first block): not parsed. Its printable
    /// runs were still scanned for secrets (`secrets_scanned`), as `strings` would show them,
    /// unless it came from the report walk (build output).
    Binary { secrets_scanned: bool },
    /// Could not be read (permissions, I/O error).
    Unreadable { error: String },
    /// A symbolic link that leads back into its own ancestry, or around in a circle.
    SymlinkLoop,
    /// A symbolic link whose target is outside the repository: never followed.
    OutsideRepository,
    /// A symbolic link to a folder inside the repository: not followed (its files are read at
    /// their own path).
    FolderLink,
    /// A symbolic link to nothing.
    BrokenLink,
    /// A FIFO, socket or device file (directly, or as the target of a link): never opened.
    Special { kind: String },
    /// An ignore file (`.gitignore`, `.ignore`, `.launchgateignore`) that is a special file or
    /// a link out of the repository: never opened, and its folder not walked (the walker
    /// would open it first).
    UnwalkedFolder { why: String },
}

impl SkipReason {
    /// Whether the skip may hide repository text the secret scanner never saw: an unreadable
    /// file or folder, or a special file standing where a file should be. A check that must
    /// see every file (SEC-001) is inconclusive while any such skip exists. Links out of the
    /// repository, links to its own folders and broken links hide nothing of the repository;
    /// binary and oversized files are scanned for secrets all the same, except build output
    /// the report walk found, which is never secret-scanned (it is not the repository's).
    pub fn hides_text(&self) -> bool {
        match self {
            SkipReason::Unreadable { .. }
            | SkipReason::Special { .. }
            | SkipReason::UnwalkedFolder { .. } => true,
            SkipReason::TooLarge { .. }
            | SkipReason::Binary { .. }
            | SkipReason::SymlinkLoop
            | SkipReason::OutsideRepository
            | SkipReason::FolderLink
            | SkipReason::BrokenLink => false,
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge {
                size,
                limit,
                secrets_scanned,
            } => {
                write!(f, "larger than the {limit}-byte limit ({size} bytes)")?;
                if *secrets_scanned {
                    f.write_str(": not parsed, scanned for secrets only")?;
                }
                Ok(())
            }
            SkipReason::Binary { secrets_scanned } => {
                f.write_str("binary file")?;
                if *secrets_scanned {
                    f.write_str(": not parsed, its printable text scanned for secrets")?;
                }
                Ok(())
            }
            SkipReason::Unreadable { error } => write!(f, "unreadable: {error}"),
            SkipReason::SymlinkLoop => f.write_str("symbolic link loop"),
            SkipReason::OutsideRepository => {
                f.write_str("symbolic link leading outside the repository: not followed")
            }
            SkipReason::FolderLink => f.write_str(
                "symbolic link to a folder of the repository: not followed (its files are read at their own path)",
            ),
            SkipReason::BrokenLink => f.write_str("symbolic link to nothing"),
            SkipReason::Special { kind } => write!(f, "{kind}: special file, never opened"),
            SkipReason::UnwalkedFolder { why } => write!(
                f,
                "ignore file that is {why}, never opened: its folder was not walked"
            ),
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
    /// What covers it, when other sources already show every object it declares (a Helm
    /// template whose Deployment a plain manifest holds): listed, but no check is
    /// inconclusive because of it.
    pub covered_by: Option<String>,
}
