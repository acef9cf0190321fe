//! Markdown documents: runbooks, rollback and escalation procedures, incident plans, review
//! templates.

use crate::{EvidenceError, Source};

/// Every document the scan found.
#[derive(Debug, Clone, Default)]
pub struct Docs {}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct DocFile {}

/// Reads a Markdown document.
pub fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Vec<DocFile> {
    let _ = (src, errors);
    Vec::new()
}

pub fn assemble(files: &[DocFile]) -> Docs {
    let _ = files;
    Docs::default()
}
