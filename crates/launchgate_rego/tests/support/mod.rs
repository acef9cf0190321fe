//! What the Rego tests share: an example check, a scan of a small repository and evaluation.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use launchgate_checks::{Check, CheckContext, Registry};
use launchgate_core::Outcome;
use launchgate_evidence::{Evidence, ScanOptions};
use launchgate_manifest::{Policy, ServiceManifest, SourceFile};
use launchgate_rego::{Limits, LoadError, RegoCheck, load};

pub const MANIFEST: &str = "service: pay\ntier: 0\nexposure: public\ndata: none\n";

pub const INGRESS_WAF: &str = r#"package org.ingress_waf

metadata := {
	"id": "ORG-003",
	"slug": "ingress-waf",
	"category": "security",
	"severity": "blocker",
	"tiers": ["required", "required", "recommended"],
	"summary": "Every Ingress carries the WAF annotation.",
	"evidence": ["kubernetes"],
}

findings contains f if {
	some o in input.kubernetes
	o.kind == "Ingress"
	not o.annotations["waf.acme.dev/policy"]
	f := {
		"message": sprintf("Ingress %s has no waf.acme.dev/policy annotation", [o.name]),
		"path": o.path,
		"line": o.line,
		"resource": sprintf("Ingress/%s", [o.name]),
	}
}
"#;

pub fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

pub fn load_texts(texts: &[(&str, &str)], limits: Limits) -> Result<Vec<RegoCheck>, LoadError> {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(PathBuf, String)> = texts
        .iter()
        .map(|(name, text)| (write(dir.path(), name, text), (*name).to_string()))
        .collect();
    let ids = Registry::builtin().ids();
    load(&files, &ids, limits)
}

/// Scans `repo` (files by path) and evaluates `check` over it.
pub fn run(check: &RegoCheck, repo: &[(&str, &str)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "launchgate.yaml", MANIFEST);
    for (p, t) in repo {
        write(dir.path(), p, t);
    }
    let manifest = ServiceManifest::parse(SourceFile::new("launchgate.yaml", MANIFEST)).unwrap();
    let evidence = launchgate_evidence::scan(dir.path(), &ScanOptions::default()).unwrap();
    eval(check, &manifest, &evidence)
}

pub fn eval(check: &RegoCheck, manifest: &ServiceManifest, evidence: &Evidence) -> Outcome {
    let policy = Policy::default();
    let options = policy.options_for(manifest.tier);
    let gate = policy.gate(None);
    let cx = CheckContext {
        manifest,
        evidence,
        options: &options,
        today: jiff::civil::date(2026, 11, 22),
        gate: &gate,
    };
    check.evaluate(&cx)
}

pub const INGRESS: &str =
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules: []\n";
