//! Tests of the report readers, on reports shaped like the tools' output (written for these
//! tests).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn read(path: &str, format: ReportFormat, text: &str) -> (Vec<ReportFile>, Vec<EvidenceError>) {
    let src = Source::new(path, text);
    let mut errors = Vec::new();
    let files = parse(&src, format, &mut errors);
    (files, errors)
}

fn tests_of(path: &str, text: &str) -> TestReport {
    let (files, errors) = read(path, ReportFormat::JUnit, text);
    assert!(errors.is_empty(), "{errors:?}");
    match files.into_iter().next() {
        Some(ReportFile::Tests(t)) => t,
        other => panic!("{other:?}"),
    }
}

fn coverage_of(path: &str, format: ReportFormat, text: &str) -> CoverageReport {
    let (files, errors) = read(path, format, text);
    assert!(errors.is_empty(), "{errors:?}");
    match files.into_iter().next() {
        Some(ReportFile::Coverage(c)) => c,
        other => panic!("{other:?}"),
    }
}

fn errors_of(path: &str, format: ReportFormat, text: &str) -> Vec<(u32, u32, String)> {
    let (files, errors) = read(path, format, text);
    assert!(files.is_empty(), "{files:?}");
    errors
        .into_iter()
        .map(|e| (e.loc.line, e.loc.column, e.message))
        .collect()
}

const SUREFIRE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.acme.orders.OrderServiceTest" time="1.284" tests="4" errors="1" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="21.0.4"/>
  </properties>
  <testcase name="createsOrder" classname="com.acme.orders.OrderServiceTest" time="0.112"/>
  <testcase name="rejectsEmptyCart" classname="com.acme.orders.OrderServiceTest" time="0.031">
    <failure message="expected: &lt;400&gt; but was: &lt;500&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: &lt;400&gt; but was: &lt;500&gt;
	at com.acme.orders.OrderServiceTest.rejectsEmptyCart(OrderServiceTest.java:58)</failure>
  </testcase>
  <testcase name="talksToDatabase" classname="com.acme.orders.OrderServiceTest" time="0.002">
    <error type="java.net.ConnectException">
Connection refused: localhost/127.0.0.1:5432
	at java.base/sun.nio.ch.Net.connect0(Native Method)</error>
  </testcase>
  <testcase name="legacyExport" classname="com.acme.orders.OrderServiceTest" time="0">
    <skipped message="disabled until v2"/>
  </testcase>
</testsuite>
"#;

#[test]
fn surefire_single_suite_with_failure_error_and_skip() {
    let r = tests_of("target/surefire-reports/TEST-x.xml", SUREFIRE);
    assert_eq!((r.loc.line, r.loc.column), (2, 1));
    assert_eq!(r.date, None);
    assert_eq!(r.name, None);
    assert_eq!(r.suites.len(), 1);
    let s = &r.suites[0];
    assert_eq!(s.name, "com.acme.orders.OrderServiceTest");
    assert_eq!(
        s.counts,
        TestCounts {
            tests: 4,
            failures: 1,
            errors: 1,
            skipped: 1,
            flaky: 0
        }
    );
    assert_eq!(s.classnames, vec!["com.acme.orders.OrderServiceTest"]);
    let p: Vec<(&str, bool, &str, u32, u32)> = r
        .problems()
        .map(|c| {
            (
                c.name.as_str(),
                c.error,
                c.message.as_str(),
                c.loc.line,
                c.loc.column,
            )
        })
        .collect();
    assert_eq!(
        p,
        vec![
            (
                "rejectsEmptyCart",
                false,
                "expected: <400> but was: <500>",
                7,
                3
            ),
            (
                "talksToDatabase",
                true,
                "Connection refused: localhost/127.0.0.1:5432",
                11,
                3
            ),
        ]
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn pytest_root_with_zone_less_timestamp() {
    let text = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="1" tests="3" time="0.912" timestamp="2026-11-20T09:14:02.517433" hostname="ci-runner-7"><testcase classname="tests.integration.test_orders" name="test_create_order" time="0.402" /><testcase classname="tests.unit.test_price" name="test_rounding" time="0.001" /><testcase classname="tests.unit.test_price" name="test_currency" time="0.000"><skipped type="pytest.skip" message="needs FX feed">tests/unit/test_price.py:31: needs FX feed</skipped></testcase></testsuite></testsuites>
"#;
    let r = tests_of("reports/junit.xml", text);
    assert_eq!(r.date, Some("2026-11-20T09:14:02.517433Z".parse().unwrap()));
    assert_eq!(utc_date(r.date.unwrap()), jiff::civil::date(2026, 11, 20));
    let s = &r.suites[0];
    assert_eq!(s.name, "pytest");
    assert_eq!(
        (s.counts.tests, s.counts.skipped, s.counts.passed()),
        (3, 1, 2)
    );
    assert_eq!(
        s.classnames,
        vec!["tests.integration.test_orders", "tests.unit.test_price"]
    );
}

#[test]
fn jest_and_go_reports_with_zones_and_several_suites() {
    let jest = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="3" failures="1" errors="0" time="2.31">
  <testsuite name="api e2e" errors="0" failures="1" skipped="0" timestamp="2026-11-19T16:02:11" time="1.9" tests="2">
    <testcase classname="api e2e GET /orders returns 200" name="api e2e GET /orders returns 200" time="0.8" file="e2e/orders.test.ts">
    </testcase>
    <testcase classname="api e2e POST /orders validates" name="api e2e POST /orders validates" time="0.4" file="e2e/orders.test.ts">
      <failure>Error: expect(received).toBe(expected)

Expected: 422
Received: 500</failure>
    </testcase>
  </testsuite>
  <testsuite name="price" errors="0" failures="0" skipped="0" timestamp="2026-11-19T16:02:13" time="0.1" tests="1">
    <testcase classname="price rounds" name="price rounds" time="0.01" file="src/price.test.ts"/>
  </testsuite>
</testsuites>
"#;
    let r = tests_of("reports/jest-junit.xml", jest);
    assert_eq!(r.name.as_deref(), Some("jest tests"));
    assert_eq!(r.date, Some("2026-11-19T16:02:13Z".parse().unwrap()));
    assert_eq!(r.counts().tests, 3);
    assert_eq!(r.counts().failures, 1);
    assert_eq!(r.suites[0].files, vec!["e2e/orders.test.ts"]);
    let p: Vec<(&str, u32)> = r
        .problems()
        .map(|c| (c.message.as_str(), c.loc.line))
        .collect();
    assert_eq!(p, vec![("Error: expect(received).toBe(expected)", 6)]);

    let go = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2" failures="0">
	<testsuite name="github.com/acme/orders/internal/store" tests="2" failures="0" errors="0" id="0" hostname="ci" time="0.013" timestamp="2026-11-18T08:00:00+01:00">
		<properties>
			<property name="go.version" value="go1.23.2"></property>
		</properties>
		<testcase name="TestPut" classname="github.com/acme/orders/internal/store" time="0.001"></testcase>
		<testcase name="TestGet" classname="github.com/acme/orders/internal/store" time="0.001"></testcase>
	</testsuite>
</testsuites>
"#;
    let r = tests_of("go-test.xml", go);
    assert_eq!(r.date, Some("2026-11-18T07:00:00Z".parse().unwrap()));
    assert_eq!(r.counts().tests, 2);
}

#[test]
fn nextest_flaky_and_rerun_failures_and_inconsistent_counts() {
    let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="3" failures="0" errors="0" uuid="4b0c" timestamp="2026-11-21T12:00:00.000+00:00" time="4.2">
    <testsuite name="orders::integration" tests="3" disabled="0" errors="0" failures="0">
        <testcase name="checkout_roundtrip" classname="orders::integration" timestamp="2026-11-21T12:00:01.000+00:00" time="1.1">
            <flakyFailure timestamp="2026-11-21T12:00:00.500+00:00" time="0.5" type="test failure">thread panicked</flakyFailure>
        </testcase>
        <testcase name="refund" classname="orders::integration" time="2.0">
            <failure type="test failure">thread 'refund' panicked at tests/integration.rs:88:5:
assertion failed</failure>
            <rerunFailure timestamp="2026-11-21T12:00:03.000+00:00" time="0.9" type="test failure">thread panicked</rerunFailure>
        </testcase>
        <testcase name="list" classname="orders::integration" time="0.1"/>
    </testsuite>
</testsuites>
"#;
    let r = tests_of("target/nextest/ci/junit.xml", text);
    assert_eq!(
        r.counts(),
        TestCounts {
            tests: 3,
            failures: 1,
            errors: 0,
            skipped: 0,
            flaky: 1
        }
    );
    let p: Vec<(&str, &str, u32)> = r
        .problems()
        .map(|c| (c.name.as_str(), c.message.as_str(), c.loc.line))
        .collect();
    assert_eq!(
        p,
        vec![(
            "refund",
            "thread 'refund' panicked at tests/integration.rs:88:5:",
            7
        )]
    );
    let notes: Vec<(u32, &str)> = r
        .notes
        .iter()
        .map(|n| (n.loc.line, n.value.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![
            (
                2,
                "<testsuites> says failures=\"0\" but 1 counted; the test cases are counted instead"
            ),
            (
                3,
                "<testsuite name=\"orders::integration\"> says failures=\"0\" but 1 counted; the test cases are counted instead"
            ),
        ]
    );
}

#[test]
fn malformed_junit_is_an_error_at_the_place() {
    assert_eq!(
        errors_of(
            "j.xml",
            ReportFormat::JUnit,
            "<testsuites>\n  <testsuite name=\"a\" tests=\"x\">\n  </testsuite>\n</testsuites>\n"
        ),
        vec![(
            2,
            3,
            "<testsuite> attribute `tests` is `x`, not a whole number".to_string()
        )]
    );
    assert_eq!(
        errors_of(
            "j.xml",
            ReportFormat::JUnit,
            "<testsuite name=\"a\" timestamp=\"yesterday\">\n</testsuite>\n"
        ),
        vec![(
            1,
            1,
            "<testsuite> attribute `timestamp` is `yesterday`, not an ISO 8601 date-time"
                .to_string()
        )]
    );
    let e = errors_of(
        "j.xml",
        ReportFormat::JUnit,
        "<testsuites>\n  <testsuite>\n  </testsuites>\n",
    );
    assert_eq!((e[0].0, e[0].1), (3, 3), "{e:?}");
    assert!(e[0].2.starts_with("invalid XML"), "{e:?}");
    assert_eq!(
        errors_of("j.xml", ReportFormat::JUnit, "<results/>\n"),
        vec![(
            1,
            1,
            "the root element is <results>, not <testsuites> or <testsuite>: not a JUnit XML report"
                .to_string()
        )]
    );
}

#[test]
fn lcov_totals_from_lf_lh_or_da_lines() {
    let text = "TN:\nSF:src/app.js\nFN:1,main\nDA:1,4\nDA:2,0\nDA:3,1\nLF:3\nLH:2\nend_of_record\nSF:src/util.js\nDA:1,1\nDA:2,0\nend_of_record\n";
    let c = coverage_of("coverage/lcov.info", ReportFormat::Lcov, text);
    assert_eq!(
        c.lines,
        Some(LineCounts {
            covered: 3,
            total: 5
        })
    );
    assert_eq!(c.percent, Some(60.0));
    assert_eq!((c.loc.line, c.files, c.date), (2, 2, None));
    assert_eq!(
        errors_of(
            "lcov.info",
            ReportFormat::Lcov,
            "SF:a.js\nDA:1,1\nDA:2,many\nend_of_record\n"
        ),
        vec![(
            3,
            6,
            "lcov `DA` line hit count is `many`, not a non-negative number".to_string()
        )]
    );
}

#[test]
fn cobertura_counts_rate_and_epoch_timestamps() {
    let text = r#"<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage version="7.6.1" timestamp="1763974800123" lines-valid="400" lines-covered="338" line-rate="0.845" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
	<sources><source>/src</source></sources>
	<packages>
		<package name="orders" line-rate="0.845" branch-rate="0" complexity="0">
			<classes>
				<class name="api.py" filename="orders/api.py" complexity="0" line-rate="0.9" branch-rate="0">
					<methods/>
					<lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>
"#;
    let c = coverage_of("coverage.xml", ReportFormat::Cobertura, text);
    assert_eq!(
        c.lines,
        Some(LineCounts {
            covered: 338,
            total: 400
        })
    );
    assert_eq!(c.percent, Some(84.5));
    assert_eq!(
        c.date,
        Some(jiff::Timestamp::from_millisecond(1_763_974_800_123).unwrap())
    );
    assert_eq!((c.loc.line, c.files), (3, 1));
    // Seconds, and a rate without counts.
    let c = coverage_of(
        "cobertura-coverage.xml",
        ReportFormat::Cobertura,
        "<coverage line-rate=\"0.5\" timestamp=\"1763974800\"><packages/></coverage>",
    );
    assert_eq!((c.lines, c.percent), (None, Some(50.0)));
    assert_eq!(
        c.date,
        Some(jiff::Timestamp::from_second(1_763_974_800).unwrap())
    );
    // No totals: the class-level lines are counted (method lines repeat them).
    let c = coverage_of(
        "c.xml",
        ReportFormat::Cobertura,
        "<coverage><packages><package><classes><class filename=\"a.py\"><methods><method><lines><line number=\"1\" hits=\"1\"/></lines></method></methods><lines><line number=\"1\" hits=\"1\"/><line number=\"2\" hits=\"0\"/></lines></class></classes></package></packages></coverage>",
    );
    assert_eq!(
        c.lines,
        Some(LineCounts {
            covered: 1,
            total: 2
        })
    );
}

#[test]
fn jacoco_report_level_line_counter_and_session_dump() {
    let text = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="orders"><sessioninfo id="ci-1" start="1763971200000" dump="1763974800000"/><package name="com/acme/orders"><class name="com/acme/orders/Order" sourcefilename="Order.java"><counter type="LINE" missed="5" covered="45"/></class><sourcefile name="Order.java"><line nr="3" mi="0" ci="3" mb="0" cb="0"/><counter type="LINE" missed="5" covered="45"/></sourcefile><counter type="LINE" missed="5" covered="45"/></package><counter type="INSTRUCTION" missed="20" covered="180"/><counter type="LINE" missed="30" covered="170"/></report>
"#;
    let c = coverage_of("target/site/jacoco/jacoco.xml", ReportFormat::JaCoCo, text);
    assert_eq!(
        c.lines,
        Some(LineCounts {
            covered: 170,
            total: 200
        })
    );
    assert_eq!(c.percent, Some(85.0));
    assert_eq!(
        c.date,
        Some(jiff::Timestamp::from_millisecond(1_763_974_800_000).unwrap())
    );
    assert_eq!(c.files, 1);
    assert_eq!(
        c.loc.column,
        text.find("<counter type=\"LINE\" missed=\"30\"").unwrap() as u32 + 1
    );
}

const SARIF: &str = r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "Trivy",
          "rules": [
            {"id": "CVE-2026-0001", "defaultConfiguration": {"level": "error"}, "properties": {"security-severity": "9.8"}},
            {"id": "CVE-2026-0002", "defaultConfiguration": {"level": "warning"}, "properties": {"security-severity": "5.3"}},
            {"id": "CVE-2026-0003", "defaultConfiguration": {"level": "error"}}
          ]
        }
      },
      "invocations": [{"executionSuccessful": true, "startTimeUtc": "2026-11-20T10:00:00Z", "endTimeUtc": "2026-11-20T10:01:30Z"}],
      "results": [
        {"ruleId": "CVE-2026-0001", "ruleIndex": 0, "message": {"text": "openssl 3.0.1 is vulnerable"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "Dockerfile"}, "region": {"startLine": 1}}}]},
        {"ruleId": "CVE-2026-0002", "ruleIndex": 1, "message": {"text": "zlib"}},
        {"ruleId": "CVE-2026-0003", "message": {"text": "curl"}},
        {"ruleId": "CVE-2026-0001", "level": "note", "properties": {"security-severity": 7.5}, "message": {"text": "libssl"}, "suppressions": [{"kind": "external"}]},
        {"ruleId": "CVE-2026-0002", "kind": "pass", "message": {"text": "checked"}}
      ]
    }
  ]
}
"#;

type Row<'a> = (&'a str, ScanLevel, ScanSeverity, bool, u32, Option<&'a str>);

#[test]
fn sarif_levels_severities_suppressions_and_dates() {
    let (files, errors) = read("reports/trivy.sarif", ReportFormat::Sarif, SARIF);
    assert!(errors.is_empty(), "{errors:?}");
    let Some(ReportFile::Scan(s)) = files.into_iter().next() else {
        panic!("no scan");
    };
    assert_eq!(s.date, Some("2026-11-20T10:01:30Z".parse().unwrap()));
    let run = &s.runs[0];
    assert_eq!(run.tool, "Trivy");
    assert_eq!(run.loc.line, 5);
    let got: Vec<Row<'_>> = run
        .results
        .iter()
        .map(|r| {
            (
                r.rule_id.as_deref().unwrap_or(""),
                r.level,
                r.severity,
                r.suppressed,
                r.loc.line,
                r.target.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "CVE-2026-0001",
                ScanLevel::Error,
                ScanSeverity::Critical,
                false,
                18,
                Some("Dockerfile:1")
            ),
            (
                "CVE-2026-0002",
                ScanLevel::Warning,
                ScanSeverity::Medium,
                false,
                19,
                None
            ),
            (
                "CVE-2026-0003",
                ScanLevel::Error,
                ScanSeverity::High,
                false,
                20,
                None
            ),
            (
                "CVE-2026-0001",
                ScanLevel::Note,
                ScanSeverity::High,
                true,
                21,
                None
            ),
            (
                "CVE-2026-0002",
                ScanLevel::None,
                ScanSeverity::None,
                false,
                22,
                None
            ),
        ]
    );
    assert_eq!(run.count(ScanSeverity::Critical), 1);
    assert_eq!(run.count(ScanSeverity::High), 1);
    assert_eq!(run.suppressed(), 1);
    assert_eq!(s.results().count(), 4);
}

#[test]
fn malformed_sarif_is_an_error_at_the_place() {
    let e = errors_of(
        "a.sarif",
        ReportFormat::Sarif,
        "{\"runs\": [\n  {\"tool\": }\n]}\n",
    );
    assert_eq!((e[0].0, e[0].1), (2, 12), "{e:?}");
    assert!(e[0].2.starts_with("invalid JSON"), "{e:?}");
    assert_eq!(
        errors_of(
            "a.sarif",
            ReportFormat::Sarif,
            "{\"version\": \"2.1.0\", \"runs\": [\n  {\"tool\": {\"driver\": {\"name\": \"x\"}}, \"results\": [\n    {\"ruleId\": \"r\", \"level\": \"fatal\"}]}]}\n"
        ),
        vec![(
            3,
            5,
            "result `level` is \"fatal\"; SARIF allows \"error\", \"warning\", \"note\" or \"none\""
                .to_string()
        )]
    );
}

#[test]
fn k6_summary_export_booleans_mean_failed() {
    let text = r#"{
  "root_group": {"name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": {}, "checks": {}},
  "metrics": {
    "http_reqs": {"count": 72000, "rate": 1200.4},
    "iterations": {"count": 72000, "rate": 1200.4},
    "http_req_failed": {"passes": 36, "fails": 71964, "value": 0.0005, "thresholds": {"rate<0.01": false}},
    "http_req_duration": {"avg": 81.2, "p(95)": 612.5, "thresholds": {"p(95)<500": true}}
  }
}
"#;
    let (files, errors) = read("load/summary.json", ReportFormat::K6, text);
    assert!(errors.is_empty(), "{errors:?}");
    let Some(ReportFile::LoadTest(l)) = files.into_iter().next() else {
        panic!("no summary");
    };
    assert_eq!(l.shape, K6Shape::SummaryExport);
    let rate = l.request_rate.as_ref().unwrap();
    assert_eq!((rate.value, rate.loc.line), (1200.4, 4));
    assert_eq!(
        (l.requests, l.iterations, l.failed_rate),
        (Some(72000), Some(72000), Some(0.0005))
    );
    let t: Vec<(&str, &str, bool, u32)> = l
        .thresholds
        .iter()
        .map(|t| (t.metric.as_str(), t.expr.as_str(), t.passed, t.loc.line))
        .collect();
    assert_eq!(
        t,
        vec![
            ("http_req_failed", "rate<0.01", true, 6),
            ("http_req_duration", "p(95)<500", false, 7),
        ]
    );
}

#[test]
fn k6_handle_summary_ok_objects() {
    let text = r#"{"state": {"isStdOutTTY": false, "testRunDurationMs": 600012.5},
"metrics": {
 "http_reqs": {"type": "counter", "contains": "default", "values": {"count": 720000, "rate": 1199.97}},
 "http_req_failed": {"type": "rate", "contains": "default", "values": {"rate": 0.002, "passes": 1440, "fails": 718560}, "thresholds": {"rate<0.01": {"ok": true}}},
 "http_req_duration{name:/api/orders}": {"type": "trend", "values": {"p(95)": 220.1}, "thresholds": {"p(95)<300": {"ok": false}}}
}}
"#;
    let (files, errors) = read("load/handle-summary.json", ReportFormat::K6, text);
    assert!(errors.is_empty(), "{errors:?}");
    let Some(ReportFile::LoadTest(l)) = files.into_iter().next() else {
        panic!("no summary");
    };
    assert_eq!(l.shape, K6Shape::HandleSummary);
    assert_eq!(l.request_rate.as_ref().map(|r| r.value), Some(1199.97));
    assert_eq!(l.failed_rate, Some(0.002));
    assert_eq!(l.duration_ms, Some(600_012.5));
    let t: Vec<(&str, bool, u32)> = l
        .thresholds
        .iter()
        .map(|t| (t.metric.as_str(), t.passed, t.loc.line))
        .collect();
    assert_eq!(
        t,
        vec![
            ("http_req_failed", true, 4),
            ("http_req_duration{name:/api/orders}", false, 5),
        ]
    );
    assert_eq!(
        errors_of(
            "k.json",
            ReportFormat::K6,
            "{\"metrics\": {\"http_reqs\": {\"rate\": 10, \"thresholds\": {\"rate>5\": \"yes\"}}}}"
        ),
        vec![(
            1,
            65,
            "threshold `rate>5` of `http_reqs` is \"yes\"; expected a boolean (summary-export) or {\"ok\": bool} (handleSummary)"
                .to_string()
        )]
    );
}
