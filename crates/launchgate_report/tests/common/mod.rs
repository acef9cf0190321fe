//! Real reviews of the bundled examples, built through the same library pipeline as
//! `launchgate check` (manifest, policy, repository scan, evaluation), for the renderer tests.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};

use launchgate_checks::Registry;
use launchgate_core::{Location, Status};
use launchgate_evidence::ScanOptions;
use launchgate_manifest::{LocatedLayer, Policy, ServiceManifest, SourceFile};
use launchgate_policy::AppliedWaiver;
use launchgate_report::Review;

/// The four bundled examples.
pub const EXAMPLES: [&str; 4] = [
    "payment-service",
    "internal-dashboard",
    "all-false",
    "task-queue",
];

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The review of `examples/<name>` on 2026-11-22.
pub fn review(name: &str) -> Review {
    let root = repo_root().join("examples").join(name);
    let manifest = ServiceManifest::parse(
        SourceFile::read(&root.join("launchgate.yaml"), "launchgate.yaml").unwrap(),
    )
    .unwrap();
    let registry = Registry::builtin();
    let layers: Vec<LocatedLayer> = manifest.policy_layer().into_iter().collect();
    let policy = Policy::resolve(&layers, &registry.ids()).unwrap();
    let options = ScanOptions::default().with_report_locations(&manifest.reports);
    let evidence = launchgate_evidence::scan(&root, &options).unwrap();
    let today: jiff::civil::Date = "2026-11-22".parse().unwrap();
    let evaluation =
        launchgate_policy::evaluate(&registry, &manifest, &evidence, &policy, today).unwrap();
    let fix_of = |id: &str| {
        registry
            .get(id)
            .and_then(|c| c.meta().section("How to fix"))
    };
    Review::build(&manifest, &policy, evaluation, &evidence, today, &fix_of)
}

/// payment-service with its INC-006 failure waived (accepted risk) and its SAF-001 warning
/// waived without approver details, as a manifest waiver would leave them.
pub fn waived_payment_service() -> Review {
    let mut r = review("payment-service");
    for c in &mut r.checks {
        match c.id.as_str() {
            "INC-006" => {
                c.waiver = Some(AppliedWaiver {
                    kind: "accepted-risk".into(),
                    reason: "training booked for 2026-12-03, see ticket".into(),
                    expires: "2026-12-31".into(),
                    approved_by: Some("sre-lead@example.com".into()),
                    ticket: Some("OPS-1234".into()),
                    original_status: Status::Fail,
                    location: Some(Location::new("launchgate.yaml", 130, 5)),
                });
                c.status = Status::Waived;
                c.blocking = false;
            }
            "SAF-001" => {
                c.waiver = Some(AppliedWaiver {
                    kind: "compensating-control".into(),
                    reason: "gateway enforces a 2s timeout".into(),
                    expires: "2027-01-15".into(),
                    approved_by: None,
                    ticket: None,
                    original_status: Status::Warn,
                    location: None,
                });
                c.status = Status::Waived;
            }
            _ => {}
        }
    }
    for cat in &mut r.categories {
        if cat.category == launchgate_core::Category::Incident {
            cat.fail -= 1;
            cat.waived += 1;
        }
        if cat.category == launchgate_core::Category::Safety {
            cat.warn -= 1;
            cat.waived += 1;
        }
    }
    r.counts.fail -= 1;
    r.counts.warn -= 1;
    r.counts.waived += 2;
    r
}

/// An external validator installed by `scripts/install-test-deps` under `target/test-deps`
/// (or `LAUNCHGATE_TEST_DEPS`), e.g. `venv/bin/python`. `None` (the caller skips) when it is
/// missing, except under `CI=true`, where a missing validator fails the test.
pub fn test_dep(relative: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("LAUNCHGATE_TEST_DEPS")
        .map_or_else(|| repo_root().join("target/test-deps"), PathBuf::from);
    let path = dir.join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{} is missing under CI=true: run scripts/install-test-deps",
        path.display()
    );
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "skipping: {} is not installed (run scripts/install-test-deps)",
            path.display()
        );
    }
    None
}

/// Runs `command`; panics with its output unless it succeeds. Returns stdout and stderr.
pub fn run_ok(command: &mut std::process::Command) -> String {
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{command:?} failed:\n{text}");
    text
}

/// A scratch folder under `target/tmp` for files handed to external validators.
pub fn scratch(name: &str) -> PathBuf {
    let dir = repo_root().join("target/tmp").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// payment-service as a review of one service of a monorepo would show it: folders left out
/// by a default rule and by `select:`, a file that kept some of its objects, and a choice.
pub fn scoped_payment_service() -> Review {
    use launchgate_report::{ChoiceView, ExcludedView};
    let mut r = review("payment-service");
    let scan = r.scan.as_mut().unwrap();
    let excluded = |path: &str, rule: &str, files| ExcludedView {
        path: path.to_string(),
        rule: rule.to_string(),
        files,
    };
    scan.excluded = vec![
        excluded(
            "deploy/all.yaml",
            "select: not this service's (Deployment/cart, Service/cart)",
            0,
        ),
        excluded("examples/", "default: examples", 12),
        excluded("src/cart/", "select.source: not this service's", 1),
    ];
    scan.choices = vec![ChoiceView {
        subject: "service".to_string(),
        chosen: "Deployment/payment-api".to_string(),
        why: "manifest select.workloads: Deployment/payment-api".to_string(),
    }];
    r
}
