//! Dependency manifests and lockfiles, and the libraries in use by capability.

use crate::{EvidenceError, FileKind, Source};

#[derive(Debug, Clone, Default)]
pub struct Dependencies {}

#[derive(Debug, Clone)]
pub struct DepFile {}

pub(crate) fn parse(
    src: &Source,
    kind: FileKind,
    errors: &mut Vec<EvidenceError>,
) -> Option<DepFile> {
    let _ = (src, kind, errors);
    None
}

pub(crate) fn assemble(files: Vec<DepFile>) -> Dependencies {
    let _ = files;
    Dependencies::default()
}
