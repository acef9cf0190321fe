//! Ownership: CODEOWNERS and Backstage `catalog-info.yaml`.

use crate::yaml::Node;
use crate::{EvidenceError, FileKind, Source};

#[derive(Debug, Clone, Default)]
pub struct Ownership {}

#[derive(Debug, Clone)]
pub struct OwnershipFile {}

pub(crate) fn parse(
    src: &Source,
    kind: FileKind,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Option<OwnershipFile> {
    let _ = (src, kind, docs, errors);
    None
}

pub(crate) fn assemble(files: Vec<OwnershipFile>) -> Ownership {
    let _ = files;
    Ownership::default()
}
