//! Files as editors and platforms write them: a UTF-8 BOM, CRLF line ends, UTF-16 (little and
//! big endian) with a BOM. Each kind of YAML file the checks rely on (a Kubernetes Deployment,
//! Prometheus rules, a GitHub Actions workflow) reads to the same facts, at the same lines and
//! columns, as the plain UTF-8 file, with no parse error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use launchgate_evidence::{Evidence, ScanOptions, scan};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  annotations:
    example.com/config: \"{
      \\\"retries\\\": 3
    }\"
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: registry.example/checkout:1.4.2
          args: [
            \"--port=8080\"
          ]
";

const RULES: &str = "groups:
  - name: checkout
    rules:
      - alert: CheckoutErrors
        expr: |
          sum(rate(http_requests_total{job=\"checkout\",code=~\"5..\"}[5m])) > 1
        for: 10m
        labels:
          severity: page
";

const WORKFLOW: &str = "name: ci
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
";

/// Writes a text in one encoding.
type Encode = fn(&str) -> Vec<u8>;

fn encodings() -> Vec<(&'static str, Encode)> {
    vec![
        ("utf8", |t| t.as_bytes().to_vec()),
        ("utf8-bom", |t| {
            [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat()
        }),
        ("crlf", |t| t.replace('\n', "\r\n").into_bytes()),
        ("utf8-bom-crlf", |t| {
            [
                b"\xEF\xBB\xBF".as_slice(),
                t.replace('\n', "\r\n").as_bytes(),
            ]
            .concat()
        }),
        ("utf16le-bom", |t| {
            let mut b = vec![0xFF, 0xFE];
            b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
        ("utf16be-bom", |t| {
            let mut b = vec![0xFE, 0xFF];
            b.extend(t.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }),
        ("utf16le-bom-crlf", |t| {
            let mut b = vec![0xFF, 0xFE];
            b.extend(
                t.replace('\n', "\r\n")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            );
            b
        }),
    ]
}

fn scanned(name: &str, encode: Encode) -> Evidence {
    let root: PathBuf = std::env::temp_dir().join(format!(
        "launchgate-encodings-{}-{name}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&root);
    for (rel, text) in [
        ("deploy/checkout.yaml", DEPLOYMENT),
        ("monitoring/rules.yaml", RULES),
        (".github/workflows/ci.yml", WORKFLOW),
    ] {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, encode(text)).unwrap();
    }
    let ev = scan(&root, &ScanOptions::default()).unwrap();
    let _ = fs::remove_dir_all(Path::new(&root));
    ev
}

/// The facts the checks read, with their positions.
fn facts(ev: &Evidence) -> Vec<String> {
    let mut out = Vec::new();
    for w in &ev.kubernetes.workloads {
        let replicas = w.replicas.as_ref().unwrap();
        out.push(format!(
            "workload {} replicas {} at {}",
            w.name, replicas.value, replicas.loc
        ));
        for c in &w.pod.containers {
            out.push(format!("container {} at {}", c.name, c.loc));
        }
    }
    for r in &ev.prometheus.rules {
        out.push(format!(
            "rule {} at {} expr {:?} at {}",
            r.name.value,
            r.name.loc,
            r.expr.value.trim_end(),
            r.expr.loc
        ));
    }
    for p in &ev.ci.pipelines {
        for j in &p.jobs {
            out.push(format!("job {} at {}", j.name, j.loc));
        }
    }
    out
}

#[test]
fn boms_crlf_and_utf16_read_as_plain_utf8() {
    let plain = scanned("utf8", encodings()[0].1);
    assert!(plain.errors.is_empty(), "{:?}", plain.errors);
    let want = facts(&plain);
    assert_eq!(
        want,
        [
            "workload checkout replicas 3 at deploy/checkout.yaml:10:13",
            "container app at deploy/checkout.yaml:14:11",
            "rule CheckoutErrors at monitoring/rules.yaml:4:16 expr \"sum(rate(http_requests_total{job=\\\"checkout\\\",code=~\\\"5..\\\"}[5m])) > 1\" at monitoring/rules.yaml:6:11",
            "job test at .github/workflows/ci.yml:6:3",
        ]
    );
    for (name, encode) in encodings().into_iter().skip(1) {
        let ev = scanned(name, encode);
        assert!(ev.errors.is_empty(), "{name}: {:?}", ev.errors);
        assert_eq!(facts(&ev), want, "{name}");
    }
}
