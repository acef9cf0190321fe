//! The evidence model: everything launchgate learned from the repository, parsed once, with
//! locations. Checks read it and never touch the file system themselves.
//!
//! The repository scanner fills this model; a review of a manifest alone uses [`Evidence::none`].

use std::path::PathBuf;

/// What the scan found. Empty when no repository was scanned.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Evidence {
    /// The scanned repository root, if a repository was scanned.
    pub root: Option<PathBuf>,
    /// Whether a repository was scanned at all. When it was not, repository evidence is
    /// unknown (not absent), and checks must not treat it as missing.
    pub scanned: bool,
}

impl Evidence {
    /// No repository evidence: a review of the manifest and its claims alone.
    pub fn none() -> Evidence {
        Evidence::default()
    }
}
