//! Kubernetes manifests: objects, workloads with their pod templates and containers, and the
//! links between them (which Service, PDB, HPA and NetworkPolicy select which workload).

use crate::yaml::Node;
use crate::{EvidenceError, Source};

/// Every Kubernetes object found, with links.
#[derive(Debug, Clone, Default)]
pub struct Kubernetes {}

/// What one file produced.
#[derive(Debug, Clone)]
pub struct KubeFile {}

pub(crate) fn parse(
    src: &Source,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Option<KubeFile> {
    let _ = (src, docs, errors);
    None
}

pub(crate) fn assemble(files: Vec<KubeFile>) -> Kubernetes {
    let _ = files;
    Kubernetes::default()
}
