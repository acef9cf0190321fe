//! Dockerfiles: instructions with locations, stages, and what the final stage decides.

use crate::{EvidenceError, Source};

#[derive(Debug, Clone, Default)]
pub struct Dockerfiles {}

#[derive(Debug, Clone)]
pub struct Dockerfile {}

pub(crate) fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Option<Dockerfile> {
    let _ = (src, errors);
    None
}

pub(crate) fn assemble(files: Vec<Dockerfile>) -> Dockerfiles {
    let _ = files;
    Dockerfiles::default()
}
