//! Alertmanager configuration: receivers (classified as pager, channel or null) and the routing
//! tree, with a simulation of where an alert's labels are routed.

use crate::k8s::Kubernetes;
use crate::yaml::Node;
use crate::{EvidenceError, Source};

/// Every Alertmanager configuration the scan found.
#[derive(Debug, Clone, Default)]
pub struct Alertmanager {}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct AlertmanagerFile {}

/// Reads an Alertmanager configuration file.
pub fn parse(
    src: &Source,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Vec<AlertmanagerFile> {
    let _ = (src, docs, errors);
    Vec::new()
}

/// Joins the files with configurations inside Kubernetes objects (Secret or ConfigMap holding
/// `alertmanager.yaml`).
pub fn assemble(
    files: Vec<AlertmanagerFile>,
    kube: &Kubernetes,
    errors: &mut Vec<EvidenceError>,
) -> Alertmanager {
    let _ = (files, kube, errors);
    Alertmanager::default()
}
