//! SLOs: the SLO specs of the repository that belong to the service, and whether a spec declares
//! an SLO of the manifest.

use launchgate_evidence::prometheus::SloSpec;

use crate::CheckContext;

/// The SLO specs for this service (a spec naming no service counts), and those for others.
pub fn service_specs<'a>(cx: &CheckContext<'a>) -> (Vec<&'a SloSpec>, Vec<&'a SloSpec>) {
    cx.evidence.prometheus.slo_specs.iter().partition(|s| {
        s.service
            .as_deref()
            .is_none_or(|v| v.eq_ignore_ascii_case(cx.manifest.service.trim()))
    })
}

/// Whether a spec declares the manifest SLO `name`: the same name, or one of them is the
/// other prefixed with the service name (`checkout-availability` and `availability` for
/// service `checkout`, as Sloth builds its SLO ids).
pub fn same_slo(cx: &CheckContext<'_>, name: &str, spec: &SloSpec) -> bool {
    let a = name.trim().to_ascii_lowercase();
    let b = spec.name.value.trim().to_ascii_lowercase();
    let service = spec
        .service
        .as_deref()
        .unwrap_or(&cx.manifest.service)
        .trim()
        .to_ascii_lowercase();
    a == b || a == format!("{service}-{b}") || b == format!("{service}-{a}")
}
