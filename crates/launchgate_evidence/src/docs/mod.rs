//! Markdown documents (runbooks, rollback and escalation procedures, incident plans, review
//! templates) and dashboards.

use crate::{EvidenceError, FileKind, Source};

/// Every document and dashboard the scan found.
#[derive(Debug, Clone, Default)]
pub struct Docs {}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct DocFile {}

/// Reads a Markdown document or a dashboard.
pub fn parse(src: &Source, kind: FileKind, errors: &mut Vec<EvidenceError>) -> Vec<DocFile> {
    let _ = (src, kind, errors);
    Vec::new()
}

pub fn assemble(files: Vec<DocFile>) -> Docs {
    let _ = files;
    Docs::default()
}
