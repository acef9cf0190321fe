//! Fuzzing the scan over whole random repository trees: files of every format, mutated
//! (truncated, with NUL bytes, BOMs, UTF-16, random bytes), odd names, FIFOs, and symbolic
//! links to anywhere (`/`, `/etc`, `/dev/zero`, `/proc/kmsg`, loops, each other, nothing).
//! The scan must return, quickly, without a crash, with every path relative and inside the
//! repository, and with the same result twice.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use launchgate_evidence::{Evidence, ScanOptions, scan};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "deploy",
    "monitoring",
    ".github",
    "workflows",
    "Dockerfile",
    "dockerfile.py",
    "launchgate.yaml",
    "CODEOWNERS",
    "app.yaml",
    "rules.yml",
    "alertmanager.yml",
    "main.tf",
    "package.json",
    "README.md",
    "a b",
    "ü.yaml",
    "new\nline.yaml",
    ".gitignore",
    ".launchgateignore",
    "x",
];

const TEMPLATES: &[&str] = &[
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:1\n",
    "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n",
    "route:\n  receiver: r\nreceivers:\n  - name: r\n",
    "FROM alpine:3\nRUN echo hi\nUSER 10001\n",
    "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    "{\"name\": \"x\", \"dependencies\": {\"a\": \"1\"}}\n",
    "* @team\n/docs @writers\n",
    "service: x\ntier: 1\n",
    "# Title\n\nSome text.\n",
];

/// What one entry of the tree is.
#[derive(Debug, Clone)]
enum Entry {
    File(Vec<u8>),
    Link(String),
    Fifo,
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (0..TEMPLATES.len(), any::<u16>(), 0u8..6).prop_map(|(t, cut, mutation)| {
            let text = TEMPLATES[t];
            let mut bytes = text.as_bytes().to_vec();
            match mutation {
                0 => bytes.truncate(usize::from(cut) % (bytes.len() + 1)),
                1 => bytes.insert(usize::from(cut) % (bytes.len() + 1), 0),
                2 => {
                    let mut b = b"\xEF\xBB\xBF".to_vec();
                    b.extend(text.replace('\n', "\r\n").as_bytes());
                    bytes = b;
                }
                3 => {
                    bytes = vec![0xFF, 0xFE];
                    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                }
                4 => {
                    bytes = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
                    bytes.truncate(usize::from(cut) % (bytes.len() + 1));
                }
                _ => bytes = bytes.repeat(1 + usize::from(cut % 64)),
            }
            bytes
        }),
    ]
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        6 => content().prop_map(Entry::File),
        3 => prop_oneof![
            Just("/".to_string()),
            Just("/etc".to_string()),
            Just("/dev/zero".to_string()),
            Just("/proc/kmsg".to_string()),
            Just("..".to_string()),
            Just(".".to_string()),
            Just("../../..".to_string()),
            Just("nowhere".to_string()),
            proptest::sample::select(NAMES).prop_map(str::to_string),
            proptest::collection::vec(proptest::sample::select(NAMES), 1..3)
                .prop_map(|p| p.join("/")),
        ]
        .prop_map(Entry::Link),
        1 => Just(Entry::Fifo),
    ]
}

fn tree() -> impl Strategy<Value = Vec<(Vec<&'static str>, Entry)>> {
    proptest::collection::vec(
        (
            proptest::collection::vec(proptest::sample::select(NAMES), 1..4),
            entry(),
        ),
        1..14,
    )
}

static CASE: AtomicUsize = AtomicUsize::new(0);

fn build(entries: &[(Vec<&str>, Entry)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "launchgate-fuzz-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    for (segs, e) in entries {
        let path = root.join(segs.join("/"));
        // A path whose folder is already a file or a link: skipped, as git could not hold it.
        // Through a link to `..` or `/` it would be written outside the tree: skipped too.
        let inside = path
            .ancestors()
            .skip(1)
            .find(|a| a.exists())
            .and_then(|a| a.canonicalize().ok())
            .is_some_and(|a| a.starts_with(root.canonicalize().unwrap()));
        if !inside
            || path
                .parent()
                .is_some_and(|p| std::fs::create_dir_all(p).is_err())
            || std::fs::symlink_metadata(&path).is_ok()
        {
            continue;
        }
        let _ = match e {
            Entry::File(bytes) => std::fs::write(&path, bytes),
            Entry::Link(target) => symlink(target, &path),
            Entry::Fifo => rustix::fs::mknodat(
                rustix::fs::CWD,
                &path,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o644),
                0,
            )
            .map_err(std::io::Error::from),
        };
    }
    root
}

/// Scans on another thread, so that a hang fails the test instead of stalling it.
fn scan_in_time(root: &Path, max_file_size: u64) -> Evidence {
    let (tx, rx) = std::sync::mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let options = ScanOptions {
            max_file_size,
            threads: 2,
            ..ScanOptions::default()
        };
        let _ = tx.send(scan(&root, &options).map_err(|e| e.to_string()));
    });
    rx.recv_timeout(Duration::from_mins(1))
        .expect("the scan hung")
        .expect("the scan failed")
}

/// The parts of a scan that must not depend on the run.
fn summary(ev: &Evidence) -> (Vec<String>, Vec<String>, Vec<String>) {
    (
        ev.files.iter().map(|f| f.path.to_string()).collect(),
        ev.skipped
            .iter()
            .map(|s| format!("{} {}", s.path, s.reason))
            .collect(),
        ev.secrets
            .findings
            .iter()
            .map(ToString::to_string)
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_scan_survives_any_tree(entries in tree(), max in 8u64..2048) {
        let root = build(&entries);
        let first = scan_in_time(&root, max);
        let again = scan_in_time(&root, max);
        // Every file read is inside the repository once its links are resolved.
        let canonical = root.canonicalize().unwrap();
        let outside: Vec<String> = first
            .files
            .iter()
            .filter(|f| {
                root.join(&*f.path)
                    .canonicalize()
                    .is_ok_and(|p| !p.starts_with(&canonical))
            })
            .map(|f| f.path.to_string())
            .collect();
        let _ = std::fs::remove_dir_all(&root);
        prop_assert!(outside.is_empty(), "read outside the repository: {outside:?}");
        let paths = first
            .files
            .iter()
            .map(|f| f.path.to_string())
            .chain(first.skipped.iter().map(|s| s.path.clone()))
            .chain(first.secrets.findings.iter().map(|f| f.loc.path.to_string()));
        for p in paths {
            prop_assert!(
                !p.starts_with('/') && !p.split('/').any(|s| s == ".."),
                "a path outside the repository: {p:?}"
            );
        }
        prop_assert_eq!(summary(&first), summary(&again));
    }
}
