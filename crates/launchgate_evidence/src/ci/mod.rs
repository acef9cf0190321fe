//! CI/CD pipelines: GitHub Actions and GitLab CI parsed into jobs, triggers and steps; other
//! systems detected.

use crate::yaml::Node;
use crate::{CiSystem, EvidenceError, Source};

#[derive(Debug, Clone, Default)]
pub struct Ci {}

#[derive(Debug, Clone)]
pub struct CiFile {}

pub(crate) fn parse(
    src: &Source,
    system: CiSystem,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Option<CiFile> {
    let _ = (src, system, docs, errors);
    None
}

pub(crate) fn assemble(files: Vec<CiFile>) -> Ci {
    let _ = files;
    Ci::default()
}
