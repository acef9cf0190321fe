//! One fuzz target per input format: a valid file of that format, mutated line by line and byte
//! by byte (lines dropped, doubled or cut, hostile tokens inserted: YAML anchors and tags, Go
//! template braces, deep nesting, NUL, BOM, huge lines), is scanned alone in a repository. The
//! scan must return within a minute without a crash, the same way twice, with every parse
//! failure reported as an error at a line of the file, and the unmutated file must be read as
//! its format with no error (so each target really reaches its parser).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use launchgate_evidence::{Evidence, ScanOptions, scan};
use proptest::prelude::*;

/// Text inserted at a random place of a line: the shapes that break hand-written readers.
const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{ .Values.x }}",
    "[",
    "]",
    "{",
    "}",
    "- ",
    ": ",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!binary ",
    "<<: *a",
    "\t",
    "\u{0}",
    "\u{feff}",
    "\r",
    "#",
    "<!--",
    "]]>",
    "<x>",
    "&amp;",
    "${var.x}",
    "%",
    "\\",
    "😀",
    "\u{202e}",
    "-1",
    "99999999999999999999999",
    "1e999",
    "NaN",
    "null",
];

#[derive(Debug, Clone)]
enum Mutation {
    DropLine(usize),
    DoubleLine(usize),
    CutAt(usize),
    Insert(usize, usize, usize),
    ReplaceByte(usize, u8),
    LongLine(usize),
    DeepNesting(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropLine),
        any::<usize>().prop_map(Mutation::DoubleLine),
        any::<usize>().prop_map(Mutation::CutAt),
        (any::<usize>(), any::<usize>(), 0..TOKENS.len())
            .prop_map(|(l, c, t)| Mutation::Insert(l, c, t)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::ReplaceByte(i, b)),
        any::<usize>().prop_map(Mutation::LongLine),
        any::<usize>().prop_map(Mutation::DeepNesting),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    for m in mutations {
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let n = lines.len();
        match *m {
            Mutation::DropLine(i) => {
                lines.remove(i % n);
            }
            Mutation::DoubleLine(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::CutAt(i) => {
                let mut all = lines.join(&b'\n');
                all.truncate(i % (all.len() + 1));
                lines = all.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            }
            Mutation::Insert(l, c, t) => {
                let line = &mut lines[l % n];
                let at = c % (line.len() + 1);
                line.splice(at..at, TOKENS[t].bytes());
            }
            Mutation::ReplaceByte(i, b) => {
                let line = &mut lines[i % n];
                if !line.is_empty() {
                    let at = i % line.len();
                    line[at] = b;
                }
            }
            Mutation::LongLine(i) => {
                lines[i % n].extend(std::iter::repeat_n(b'x', 20_000));
            }
            Mutation::DeepNesting(i) => {
                let mut deep = b"k: ".to_vec();
                deep.extend(std::iter::repeat_n(b'[', 2_000));
                deep.extend(std::iter::repeat_n(b']', 2_000));
                lines.insert(i % n, deep);
            }
        }
    }
    let mut out = lines.join(&b'\n');
    out.push(b'\n');
    out
}

static CASE: AtomicUsize = AtomicUsize::new(0);

fn repo(path: &str, bytes: &[u8]) -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "launchgate-fuzz-parser-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, bytes).unwrap();
    root
}

/// Scans on another thread, so that a hang fails the test instead of stalling it.
fn scan_in_time(root: &Path) -> Evidence {
    let (tx, rx) = std::sync::mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let options = ScanOptions {
            threads: 1,
            ..ScanOptions::default()
        };
        let _ = tx.send(scan(&root, &options).map_err(|e| e.to_string()));
    });
    rx.recv_timeout(Duration::from_mins(1))
        .expect("the scan hung")
        .expect("the scan failed")
}

/// What must not depend on the run: files, their kinds, errors, skips and secrets.
fn summary(ev: &Evidence) -> Vec<String> {
    let mut out: Vec<String> = ev
        .files
        .iter()
        .map(|f| format!("file {} {:?}", f.path, f.kind))
        .collect();
    out.extend(ev.errors.iter().map(|e| format!("error {e}")));
    out.extend(
        ev.skipped
            .iter()
            .map(|s| format!("skip {} {}", s.path, s.reason)),
    );
    out.extend(ev.secrets.findings.iter().map(|s| format!("secret {s}")));
    out
}

/// Scans `text` at `path` after `mutations`: no crash, no hang, the same twice, and errors at a
/// line of the file.
fn survives(path: &str, text: &str, mutations: &[Mutation]) -> Result<(), TestCaseError> {
    let bytes = apply(text, mutations);
    let root = repo(path, &bytes);
    let first = scan_in_time(&root);
    let again = scan_in_time(&root);
    let _ = std::fs::remove_dir_all(&root);
    prop_assert_eq!(summary(&first), summary(&again));
    // Lines as the YAML reader counts them: a lone `\r` breaks a line too.
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    let lines = u32::try_from(breaks + 1).unwrap_or(u32::MAX);
    for e in &first.errors {
        prop_assert!(
            e.loc.line <= lines.max(1),
            "error past the end of the file: {}",
            e
        );
    }
    Ok(())
}

/// The unmutated file is read as a file of its format with no error.
fn reaches_its_parser(path: &str, text: &str) {
    let root = repo(path, text.as_bytes());
    let ev = scan_in_time(&root);
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        ev.errors.is_empty(),
        "{path}: the valid template has errors: {:?}",
        ev.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    let file = ev
        .files
        .iter()
        .find(|f| &*f.path == path)
        .unwrap_or_else(|| panic!("{path} was not read"));
    assert!(
        !format!("{:?}", file.kind).contains("Other"),
        "{path} was not classified: {:?}",
        file.kind
    );
}

macro_rules! fuzz_targets {
    ($($name:ident: $path:literal => $text:expr;)+) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(24))]
            $(
                #[test]
                fn $name(mutations in proptest::collection::vec(mutation(), 1..6)) {
                    survives($path, $text, &mutations)?;
                }
            )+
        }

        #[test]
        fn every_target_reaches_its_parser() {
            $( reaches_its_parser($path, $text); )+
        }
    };
}

fuzz_targets! {
    kubernetes: "deploy/api.yaml" => "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}\n          readinessProbe:\n            httpGet: {path: /ready, port: 8080}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: api}\n";
    prometheus_rules: "monitoring/rules.yaml" => "groups:\n  - name: api\n    rules:\n      - record: job:errors:ratio5m\n        expr: sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))\n      - alert: ApiErrors\n        expr: job:errors:ratio5m > 0.05\n        for: 10m\n        labels: {severity: page}\n        annotations:\n          summary: errors\n          runbook_url: https://runbooks.example.com/api#errors\n";
    alertmanager: "alertmanager/alertmanager.yml" => "route:\n  receiver: default\n  group_by: [alertname]\n  routes:\n    - matchers: ['severity=\"page\"']\n      receiver: pager\nreceivers:\n  - name: default\n  - name: pager\n    pagerduty_configs:\n      - routing_key_file: /etc/am/pd\n";
    dockerfile: "Dockerfile" => "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /api ./cmd/api\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /api /api\nUSER 65532\nHEALTHCHECK CMD [\"/api\", \"health\"]\nENTRYPOINT [\"/api\"]\n";
    terraform: "infra/main.tf" => "resource \"aws_db_instance\" \"db\" {\n  engine                  = \"postgres\"\n  multi_az                = true\n  backup_retention_period = 30\n  deletion_protection     = var.protect\n  tags = {\n    service = \"api\"\n  }\n}\n\nvariable \"protect\" {\n  default = true\n}\n";
    github_workflow: ".github/workflows/ci.yml" => "name: ci\non:\n  pull_request:\n  push:\n    branches: [main, 'release/*']\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: go test ./...\n  deploy:\n    needs: test\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n";
    gitlab_ci: ".gitlab-ci.yml" => "stages: [test, deploy]\ntest:\n  stage: test\n  script:\n    - make test\ndeploy:\n  stage: deploy\n  environment: production\n  script:\n    - make deploy\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n";
    codeowners: ".github/CODEOWNERS" => "* @example/platform\n/deploy/ @example/sre\n/docs/*.md @example/writers\n";
    package_json: "package.json" => "{\n  \"name\": \"api\",\n  \"dependencies\": {\"pino\": \"^9.0.0\", \"opossum\": \"8.1.0\"},\n  \"devDependencies\": {\"jest\": \"29\"}\n}\n";
    go_mod: "go.mod" => "module example.com/api\n\ngo 1.23\n\nrequire (\n\tgithub.com/prometheus/client_golang v1.20.0\n\tgo.uber.org/zap v1.27.0\n)\n";
    requirements: "requirements.txt" => "flask==3.0.3\nstructlog>=24.1\ntenacity ; python_version >= \"3.9\"\n-r more.txt\n";
    junit: "reports/junit.xml" => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"api-integration\" tests=\"2\" failures=\"0\" timestamp=\"2026-11-20T09:00:00Z\">\n    <testcase classname=\"api.integration\" name=\"creates\" time=\"0.1\"/>\n    <testcase classname=\"api.integration\" name=\"reads\" time=\"0.2\"/>\n  </testsuite>\n</testsuites>\n";
    lcov: "coverage/lcov.info" => "TN:\nSF:src/api.ts\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n";
    runbook: "docs/runbooks/api.md" => "# API runbook\n\n## Alerts\n\n### ApiErrors\n\nCheck the [dashboard](https://grafana.example.com/d/api).\n\n```sh\nkubectl -n shop rollout undo deployment/api\n```\n\n## Rollback\n\nSee [deploys](../deploys.md#rollback).\n";
    dashboard: "dashboards/api.json" => "{\n  \"title\": \"API\",\n  \"uid\": \"api\",\n  \"schemaVersion\": 39,\n  \"panels\": [\n    {\"title\": \"Errors\", \"targets\": [{\"expr\": \"sum(rate(http_requests_total{code=~\\\"5..\\\"}[5m]))\"}]}\n  ]\n}\n";
    slo_spec: "slos/api.yaml" => "version: prometheus/v1\nservice: api\nslos:\n  - name: availability\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))\n        total_query: sum(rate(http_requests_total[{{.window}}]))\n    alerting:\n      page_alert:\n        labels: {severity: page}\n";
    catalog: "catalog-info.yaml" => "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  annotations:\n    pagerduty.com/service-id: PABC123\nspec:\n  type: service\n  lifecycle: production\n  owner: group:example/payments\n";
}

/// The service manifest and the policy reader (launchgate_manifest): a mutated manifest or
/// policy is either read or refused with errors, each at a line of the file (or none), never a
/// crash; the manifest's own policy section is a second way into the policy reader.
fn manifest_survives(path: &str, text: &str, mutations: &[Mutation]) -> Result<(), TestCaseError> {
    use launchgate_manifest::{LocatedLayer, Policy, ServiceManifest, SourceFile};
    let bytes = apply(text, mutations);
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(()); // invalid UTF-8 is refused before parsing (tested in the binary's tests)
    };
    // Lines as YAML counts them: a lone `\r` breaks a line too.
    let breaks = text.replace("\r\n", "\n").matches(['\n', '\r']).count();
    let lines = u32::try_from(breaks + 1).unwrap_or(u32::MAX);
    let file = SourceFile::new(path, text.as_str());
    let errors = if path.ends_with("policy.yaml") {
        match LocatedLayer::parse_file(file) {
            Ok(layer) => Policy::resolve(&[layer], &["SEC-001", "OBS-005"]).err(),
            Err(e) => Some(e),
        }
    } else {
        ServiceManifest::parse_checked(file, &["SEC-001", "OBS-005"]).err()
    };
    for e in errors.iter().flat_map(|e| &e.errors) {
        prop_assert!(
            e.line.is_none_or(|l| l <= lines),
            "error past the end of the file: {}",
            e.message
        );
    }
    Ok(())
}

const MANIFEST: &str = include_str!("../../../examples/payment-service/launchgate.yaml");
const TASK_QUEUE: &str = include_str!("../../../examples/task-queue/launchgate.yaml");
const POLICY: &str = "thresholds: {go: 90, conditional: 70}\nweights: {security: 2}\nhard_blocker_categories: [security]\nmin_evaluated_checks: 3\nreport_max_age_days: 14\nwaiver_max_days: {0: 30, 1: 90, 2: 90}\napprovers:\n  - name: vera@example.com\n    roles: [vp]\n    public_key: \"ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\noverride_roles: [vp]\njustification: a test policy\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn manifest(mutations in proptest::collection::vec(mutation(), 1..6)) {
        manifest_survives("launchgate.yaml", MANIFEST, &mutations)?;
        manifest_survives("launchgate.yaml", TASK_QUEUE, &mutations)?;
    }

    #[test]
    fn policy(mutations in proptest::collection::vec(mutation(), 1..6)) {
        manifest_survives("policy.yaml", POLICY, &mutations)?;
    }
}
