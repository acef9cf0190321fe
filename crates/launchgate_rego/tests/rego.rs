//! Rego checks: metadata, evaluation over a real scan, and the documented outcome of each kind
//! of broken policy (syntax error, runtime error, endless loop, duplicate or built-in ID; the
//! memory limit is tested in `memory_limit.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use launchgate_checks::Check;
use launchgate_core::{Outcome, Requirement, Severity};
use launchgate_rego::{Limits, LoadError};

mod support;

use support::{INGRESS, INGRESS_WAF, load_texts, run};

#[test]
fn metadata_is_read_from_the_package() {
    let checks = load_texts(&[("waf.rego", INGRESS_WAF)], Limits::default()).unwrap();
    let m = checks[0].meta();
    assert_eq!(m.id, "ORG-003");
    assert_eq!(m.slug, "ingress-waf");
    assert_eq!(m.severity, Severity::Blocker);
    assert_eq!(
        m.tiers.0,
        [
            Requirement::Required,
            Requirement::Required,
            Requirement::Recommended
        ]
    );
    assert_eq!(m.evidence, "K");
    assert_eq!(m.summary(), "Every Ingress carries the WAF annotation.");
    assert_eq!(checks[0].kinds, vec!["kubernetes"]);
}

#[test]
fn findings_point_at_the_object_and_a_fixed_repository_passes() {
    let checks = load_texts(&[("waf.rego", INGRESS_WAF)], Limits::default()).unwrap();
    let out = run(&checks[0], &[("deploy/ingress.yaml", INGRESS)]);
    let Outcome::Fail { findings, .. } = out else {
        panic!("expected a failure, got {out:?}")
    };
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "Ingress web has no waf.acme.dev/policy annotation"
    );
    let at = findings[0].location.as_ref().unwrap();
    assert_eq!(
        (at.path.as_str(), at.line, at.column),
        ("deploy/ingress.yaml", 1, 1)
    );
    assert_eq!(findings[0].resource.as_deref(), Some("Ingress/web"));

    let fixed = INGRESS.replace(
        "  name: web\n",
        "  name: web\n  annotations:\n    waf.acme.dev/policy: strict\n",
    );
    assert_eq!(
        run(&checks[0], &[("deploy/ingress.yaml", &fixed)]),
        Outcome::proven(Vec::new())
    );
}

#[test]
fn a_parse_error_in_evidence_the_check_reads_makes_it_inconclusive() {
    let checks = load_texts(&[("waf.rego", INGRESS_WAF)], Limits::default()).unwrap();
    let out = run(
        &checks[0],
        &[(
            "deploy/bad.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: [\n",
        )],
    );
    let Outcome::Inconclusive {
        reason, findings, ..
    } = out
    else {
        panic!("expected inconclusive, got {out:?}")
    };
    assert_eq!(reason, "1 file this check reads could not be parsed");
    assert_eq!(
        findings[0].location.as_ref().unwrap().path,
        "deploy/bad.yaml"
    );
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let broken = INGRESS_WAF.replace("some o in input.kubernetes", "some o in input.kubernetes[");
    let err = load_texts(&[("policies/waf.rego", &broken)], Limits::default()).unwrap_err();
    let LoadError::Rego { path, message } = &err else {
        panic!("expected a Rego error, got {err:?}")
    };
    assert_eq!(path, "policies/waf.rego");
    assert!(
        message.contains("--> policies/waf.rego:16:5") && message.contains("error: expecting `]`"),
        "no file:line:col in {message}"
    );
}

#[test]
fn a_runtime_error_makes_the_check_inconclusive_with_the_reason() {
    let text = INGRESS_WAF.replace(
        "not o.annotations[\"waf.acme.dev/policy\"]",
        "to_number(o.name) > 0",
    );
    let checks = load_texts(&[("waf.rego", &text)], Limits::default()).unwrap();
    let out = run(&checks[0], &[("deploy/ingress.yaml", INGRESS)]);
    let Outcome::Inconclusive {
        reason, findings, ..
    } = out
    else {
        panic!("expected inconclusive, got {out:?}")
    };
    assert!(
        reason.starts_with("the Rego evaluation failed: "),
        "{reason}"
    );
    assert!(reason.contains("waf.rego:"), "{reason}");
    assert!(findings.is_empty());
}

#[test]
fn an_endless_loop_is_stopped_by_the_time_limit() {
    let text = INGRESS_WAF.replace(
        "not o.annotations[\"waf.acme.dev/policy\"]",
        "some i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti * j < 0",
    );
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let checks = load_texts(&[("waf.rego", &text)], limits).unwrap();
    let started = std::time::Instant::now();
    let out = run(&checks[0], &[("deploy/ingress.yaml", INGRESS)]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        out,
        Outcome::inconclusive("the Rego evaluation exceeded the time limit of 300 ms")
    );
}

#[test]
fn a_duplicate_id_is_refused() {
    let err = load_texts(
        &[
            ("a.rego", INGRESS_WAF),
            (
                "b.rego",
                &INGRESS_WAF.replace("org.ingress_waf", "org.other"),
            ),
        ],
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.rego: custom check ID `ORG-003` is also declared by a.rego"
    );
}

#[test]
fn a_builtin_id_is_refused() {
    let err = load_texts(
        &[("a.rego", &INGRESS_WAF.replace("ORG-003", "CAP-006"))],
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.rego: custom check ID `CAP-006` is taken by a built-in check; use an organisation prefix (ORG-001)"
    );
}

#[test]
fn bad_metadata_says_what_to_write() {
    let err = load_texts(
        &[(
            "a.rego",
            &INGRESS_WAF.replace("\"blocker\"", "\"critical\""),
        )],
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.rego: `metadata.severity` `critical` must be blocker, major or minor"
    );
    let err = load_texts(
        &[("a.rego", "package x\nfindings contains 1 if false\n")],
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.rego: package `x` declares no `metadata` rule (see docs/custom-checks.md)"
    );
}

#[test]
fn not_applicable_gives_a_skip_reason() {
    let text = format!(
        "{INGRESS_WAF}\nnot_applicable := \"no Ingress is deployed\" if {{\n\tcount([o | some o in input.kubernetes; o.kind == \"Ingress\"]) == 0\n}}\n"
    );
    let checks = load_texts(&[("waf.rego", &text)], Limits::default()).unwrap();
    assert_eq!(
        run(&checks[0], &[]),
        Outcome::not_applicable("no Ingress is deployed")
    );
}

#[test]
fn the_input_schema_names_its_version() {
    let s = launchgate_rego::input::schema();
    assert!(s.contains("\"$id\": \"https://launchgate.dev/schema/rego-input.json\""));
    assert!(s.contains("\"kubernetes\""));
}

/// The message of the Rego error `text` (the example check edited) gives at load.
fn load_error(find: &str, replace: &str) -> String {
    assert!(INGRESS_WAF.contains(find), "{find}");
    let text = INGRESS_WAF.replace(find, replace);
    let err = load_texts(&[("policies/waf.rego", &text)], Limits::default()).unwrap_err();
    let LoadError::Rego { path, message } = &err else {
        panic!("expected a Rego error, got {err:?}")
    };
    assert_eq!(path, "policies/waf.rego");
    assert_eq!(err.to_string(), *message);
    message.clone()
}

#[test]
fn an_unknown_function_is_refused_at_load_with_file_line_and_column() {
    // regorus counts a tab as four columns: the caret is under the name in a 4-wide tab view.
    assert_eq!(
        load_error("o.kind == \"Ingress\"", "lenght(o.name) > 0"),
        "--> policies/waf.rego:15:5\n   |\n15 | \tlenght(o.name) > 0\n   |     ^\nerror: unknown function `lenght` (did you mean `count`?)"
    );
    assert_eq!(
        load_error("o.kind == \"Ingress\"", "startwith(o.name, \"web\")"),
        "--> policies/waf.rego:15:5\n   |\n15 | \tstartwith(o.name, \"web\")\n   |     ^\nerror: unknown function `startwith` (did you mean `startswith`?)"
    );
    // No guess when nothing is near.
    assert_eq!(
        load_error("o.kind == \"Ingress\"", "frobnicate(o)"),
        "--> policies/waf.rego:15:5\n   |\n15 | \tfrobnicate(o)\n   |     ^\nerror: unknown function `frobnicate`"
    );
    // A built-in launchgate leaves out on purpose says why.
    assert_eq!(
        load_error("o.kind == \"Ingress\"", "time.now_ns() > 0"),
        "--> policies/waf.rego:15:5\n   |\n15 | \ttime.now_ns() > 0\n   |     ^\nerror: unknown function `time.now_ns`: launchgate's Rego has no `time.*` built-ins (a check is a pure function of its input; compare dates with `input.today`)"
    );
}

#[test]
fn a_call_with_the_wrong_number_of_arguments_is_refused_at_load() {
    assert_eq!(
        load_error("o.kind == \"Ingress\"", "startswith(o.name)"),
        "--> policies/waf.rego:15:5\n   |\n15 | \tstartswith(o.name)\n   |     ^\nerror: `startswith` takes 2 arguments, got 1"
    );
    // The module's own functions too, found anywhere in the module (here in a rule head).
    let text = format!(
        "{INGRESS_WAF}\nis_ingress(o) if o.kind == \"Ingress\"\n\nexample := is_ingress({{}}, 1, 2)\n"
    );
    let err = load_texts(&[("waf.rego", &text)], Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--> waf.rego:27:12\n   |\n27 | example := is_ingress({}, 1, 2)\n   |            ^\nerror: `is_ingress` takes 1 argument, got 3"
    );
}

#[test]
fn an_undefined_variable_is_refused_at_load() {
    assert_eq!(
        load_error("o.kind == \"Ingress\"", "o.kind == kind"),
        "--> policies/waf.rego:15:15\n   |\n15 | \to.kind == kind\n   |               ^\nerror: use of undefined variable `kind` is unsafe"
    );
}

#[test]
fn calls_that_exist_load() {
    // A result bound by one more argument, the module's own function (also through `data.`),
    // `print`, and a function a `with` modifier replaces.
    let text = INGRESS_WAF.replace(
        "o.kind == \"Ingress\"",
        "count(o.name, n)\n\tn > 0\n\tis_ingress(o)\n\tdata.org.ingress_waf.is_ingress(o)\n\tprint(\"seen\", o.name)\n\tnot mocked(o) with mocked as is_ingress",
    ) + "\nis_ingress(o) if o.kind == \"Ingress\"\n";
    let checks = load_texts(&[("waf.rego", &text)], Limits::default()).unwrap();
    assert_eq!(checks[0].metadata().id, "ORG-003");
}
