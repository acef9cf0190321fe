//! The memory limit, alone in its process: the limit is process-wide, and the other tests'
//! evaluations would set it again while this one runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use launchgate_core::Outcome;
use launchgate_rego::Limits;

mod support;

use support::{INGRESS, INGRESS_WAF, load_texts, run};

#[test]
fn a_policy_that_builds_a_huge_value_is_stopped_by_the_memory_limit() {
    // Three hundred thousand numbers in one set: tens of MiB in regorus's values, far above a
    // 4 MiB budget, and quick enough to reach it well before the time limit.
    let text = INGRESS_WAF.replace(
        "not o.annotations[\"waf.acme.dev/policy\"]",
        "big := {i | some i in numbers.range(1, 300000)}\n\tcount(big) < 0",
    );
    let limits = Limits {
        timeout: Duration::from_secs(30),
        max_memory_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    let checks = load_texts(&[("waf.rego", &text)], limits).unwrap();
    let out = run(&checks[0], &[("deploy/ingress.yaml", INGRESS)]);
    assert_eq!(
        out,
        Outcome::inconclusive("the Rego evaluation exceeded the memory limit of 4 MiB")
    );
    // The same check with room to spare evaluates.
    let roomy = Limits {
        timeout: Duration::from_secs(30),
        max_memory_bytes: 1024 * 1024 * 1024,
        ..Limits::default()
    };
    let checks = load_texts(&[("waf.rego", &text)], roomy).unwrap();
    let out = run(&checks[0], &[("deploy/ingress.yaml", INGRESS)]);
    assert!(matches!(out, Outcome::Pass { .. }), "{out:?}");
}
