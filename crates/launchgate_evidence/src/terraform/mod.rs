//! Terraform (HCL): the resources the catalog needs, with literal variables and locals resolved.

use crate::{EvidenceError, Source};

#[derive(Debug, Clone, Default)]
pub struct Terraform {}

#[derive(Debug, Clone)]
pub struct TfFile {}

pub(crate) fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Option<TfFile> {
    let _ = (src, errors);
    None
}

pub(crate) fn assemble(files: Vec<TfFile>) -> Terraform {
    let _ = files;
    Terraform::default()
}
