//! Shared test plumbing: run one check on a manifest text the way a review would.

#![allow(dead_code)]

use launchgate_checks::{Check, CheckContext, Outcome, builtin};
use launchgate_evidence::Evidence;
use launchgate_manifest::{Policy, ServiceManifest, SourceFile};

/// The review date used by fixtures and doc examples, so that date windows are reproducible.
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

pub fn check(id: &str) -> &'static dyn Check {
    builtin()
        .iter()
        .copied()
        .find(|c| c.meta().id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// Parses `text` as `path` and evaluates check `id` with the manifest's own policy options.
pub fn run(id: &str, path: &str, text: &str) -> Outcome {
    let manifest = ServiceManifest::parse(SourceFile::new(path, text))
        .unwrap_or_else(|e| panic!("{path}: manifest does not parse: {e:?}"));
    let ids: Vec<&str> = builtin().iter().map(|c| c.meta().id).collect();
    let layers: Vec<_> = manifest.policy_layer().into_iter().collect();
    let policy = Policy::resolve(&layers, &ids).unwrap_or_else(|e| panic!("{path}: policy: {e:?}"));
    let evidence = Evidence::none();
    let cx = CheckContext {
        manifest: &manifest,
        evidence: &evidence,
        options: &policy.options,
        today: today(),
    };
    check(id).evaluate(&cx)
}
