//! Reports other tools wrote: JUnit XML, lcov, Cobertura, JaCoCo, SARIF and k6 summaries.

use crate::{EvidenceError, ReportFormat, Source};

/// Every report the scan found.
#[derive(Debug, Clone, Default)]
pub struct Reports {}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct ReportFile {}

/// Reads a report.
pub fn parse(
    src: &Source,
    format: ReportFormat,
    errors: &mut Vec<EvidenceError>,
) -> Vec<ReportFile> {
    let _ = (src, format, errors);
    Vec::new()
}

pub fn assemble(files: &[ReportFile]) -> Reports {
    let _ = files;
    Reports::default()
}
