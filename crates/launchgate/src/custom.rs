//! Custom checks for the commands: finding the `custom_checks:` of the policy layers, loading
//! them into the registry, `launchgate evidence` and `launchgate policy test`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use launchgate_checks::Registry;
use launchgate_manifest::{LocatedLayer, PolicySource, SourceFile};

use crate::{Failure, display_path, write_stdout};

/// The `.rego` files the layers name, each with the name messages show. A policy file's paths
/// are relative to it; a manifest's are relative to the repository root and must stay inside it.
pub(crate) fn files(
    layers: &[LocatedLayer],
    root: &Path,
) -> Result<Vec<(PathBuf, String)>, Failure> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for l in layers {
        let Some(entries) = &l.layer.custom_checks else {
            continue;
        };
        let (base, inside_root) = match &l.source {
            PolicySource::File(p) => (
                Path::new(p)
                    .parent()
                    .map_or_else(PathBuf::new, Path::to_path_buf),
                false,
            ),
            PolicySource::Manifest(_) => (root.to_path_buf(), true),
            PolicySource::Default => continue,
        };
        for entry in entries {
            let path = base.join(entry);
            if !path.exists() {
                return Err(Failure::Message(format!(
                    "custom_checks in {}: `{entry}` does not exist ({})",
                    l.source,
                    path.display()
                )));
            }
            if inside_root {
                let within = match (std::fs::canonicalize(root), std::fs::canonicalize(&path)) {
                    (Ok(r), Ok(p)) => p.starts_with(r),
                    _ => false,
                };
                if !within {
                    return Err(Failure::Message(format!(
                        "custom_checks in {}: `{entry}` leads outside the repository: not read (keep organisation checks in the --policy file)",
                        l.source
                    )));
                }
            }
            let found = launchgate_rego::rego_files(std::slice::from_ref(&path))
                .map_err(|e| Failure::Message(e.to_string()))?;
            for f in found {
                let shown = if inside_root {
                    display_path(&f, root)
                } else {
                    f.to_string_lossy().replace('\\', "/")
                };
                if !out.iter().any(|(p, _)| *p == f) {
                    out.push((f, shown));
                }
            }
        }
    }
    Ok(out)
}

/// The built-in checks plus the custom checks of `files`.
pub(crate) fn registry(files: &[(PathBuf, String)]) -> Result<Registry, Failure> {
    let mut registry = Registry::builtin();
    if files.is_empty() {
        return Ok(registry);
    }
    let ids = registry.ids();
    let checks = launchgate_rego::load(files, &ids, launchgate_rego::Limits::default())
        .map_err(|e| Failure::Message(e.to_string()))?;
    launchgate_rego::register(&mut registry, checks)
        .map_err(|e| Failure::Message(e.to_string()))?;
    Ok(registry)
}

/// The registry of `checks` and `explain`: the built-ins, plus the custom checks of `policy`.
pub(crate) fn catalog(policy: Option<&Path>) -> Result<Registry, Failure> {
    let Some(p) = policy else {
        return Ok(Registry::builtin());
    };
    if !p.exists() {
        return Err(Failure::Message(format!(
            "policy file {} does not exist",
            p.display()
        )));
    }
    let layer =
        LocatedLayer::parse_file(SourceFile::read(p, p.to_string_lossy().replace('\\', "/"))?)?;
    registry(&files(&[layer], Path::new("."))?)
}

/// `launchgate policy test DIR`: runs the custom checks of DIR against its fixtures.
pub(crate) fn policy_test(
    dir: &Path,
    policy: Option<PathBuf>,
    today: Option<&str>,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    use launchgate_rego::policy_test::{Judged, TestError, TestOptions};
    if let Some(p) = &policy
        && !p.exists()
    {
        return Err(Failure::Message(format!(
            "policy file {} does not exist",
            p.display()
        )));
    }
    let options = TestOptions {
        policy,
        today: crate::clock::today(today)?,
        limits: launchgate_rego::Limits::default(),
    };
    let judge = |check: &dyn launchgate_checks::Check,
                 manifest: &launchgate_manifest::ServiceManifest,
                 evidence: &launchgate_evidence::Evidence,
                 policy: &launchgate_manifest::Policy,
                 today: jiff::civil::Date| {
        let (r, _) = launchgate_policy::evaluate_check(check, manifest, evidence, policy, today);
        Judged {
            status: r.status,
            inconclusive: r.inconclusive,
            message: r.message,
            findings: r.findings,
            waiver_expires: r.waiver.map(|w| w.expires),
        }
    };
    let report = launchgate_rego::policy_test::run(dir, &options, &judge).map_err(|e| match e {
        TestError::Policy(e) => Failure::Config(e),
        e => Failure::Message(e.to_string()),
    })?;
    let mut out = String::new();
    if !quiet {
        let _ = writeln!(
            out,
            "policy: {}",
            report.policy.as_deref().unwrap_or("the built-in defaults")
        );
    }
    for case in &report.cases {
        if quiet && case.problems.is_empty() {
            continue;
        }
        let mark = if case.problems.is_empty() {
            "ok"
        } else {
            "FAILED"
        };
        let _ = writeln!(out, "{mark:<6} {} {}", case.check, case.name);
        for p in &case.problems {
            let _ = writeln!(out, "       {p}");
        }
    }
    let failed = report
        .cases
        .iter()
        .filter(|c| !c.problems.is_empty())
        .count();
    let _ = writeln!(
        out,
        "{} passed, {failed} failed",
        report.cases.len() - failed
    );
    write_stdout(&out)?;
    Ok(ExitCode::from(u8::from(failed > 0)))
}
