//! The walk on a real folder: ignore files, hidden folders, `.git`, symbolic links, binary
//! and oversized files, and deterministic order whatever the thread count.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use launchgate_evidence::{FileKind, ScanOptions, SkipReason, scan};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("launchgate-walk-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

#[test]
fn ignore_files_hidden_folders_git_and_skips() {
    let root = temp("rules");
    write(&root, ".gitignore", b"build/\n");
    write(&root, ".launchgateignore", b"vendor/\n");
    write(&root, "build/out.yaml", b"apiVersion: v1\nkind: Service\n");
    write(
        &root,
        "vendor/lib/deploy.yaml",
        b"apiVersion: v1\nkind: Service\n",
    );
    write(&root, ".git/config", b"[core]\n");
    write(&root, ".github/workflows/ci.yml", b"on: push\njobs: {}\n");
    write(
        &root,
        "deploy/app.yaml",
        b"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n",
    );
    write(&root, "logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    write(&root, "dump.sql", &vec![b'x'; 4096]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&root, root.join("deploy/loop")).unwrap();

    let ev = scan(
        &root,
        &ScanOptions {
            max_file_size: 1024,
            threads: 2,
            ..ScanOptions::default()
        },
    )
    .unwrap();
    let files: Vec<(&str, FileKind)> = ev.files.iter().map(|f| (&*f.path, f.kind)).collect();
    assert_eq!(
        files,
        [
            (
                ".github/workflows/ci.yml",
                FileKind::Ci(launchgate_evidence::CiSystem::GitHubActions)
            ),
            (".gitignore", FileKind::Other),
            (".launchgateignore", FileKind::Other),
            ("deploy/app.yaml", FileKind::Kubernetes),
        ]
    );
    let mut skipped: Vec<(&str, &SkipReason)> = ev
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), &s.reason))
        .collect();
    skipped.sort();
    // A link to a folder of the repository is not followed: its files are read where they are.
    assert_eq!(skipped[0], ("deploy/loop", &SkipReason::FolderLink));
    assert_eq!(
        skipped[1],
        (
            "dump.sql",
            &SkipReason::TooLarge {
                size: 4096,
                limit: 1024,
                secrets_scanned: true,
            }
        )
    );
    assert_eq!(
        skipped[2],
        (
            "logo.png",
            &SkipReason::Binary {
                secrets_scanned: true
            }
        )
    );
    assert_eq!(skipped.len(), 3);
    assert_eq!(ev.kubernetes.services.len(), 1);
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let root = temp("threads");
    for i in 0..40 {
        write(
            &root,
            &format!("svc{i:02}/deploy.yaml"),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s{i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: app:{i}\n"
            )
            .as_bytes(),
        );
        write(
            &root,
            &format!("svc{i:02}/main.tf"),
            b"resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
        );
    }
    let one = scan(
        &root,
        &ScanOptions {
            threads: 1,
            ..ScanOptions::default()
        },
    )
    .unwrap();
    let four = scan(
        &root,
        &ScanOptions {
            threads: 4,
            ..ScanOptions::default()
        },
    )
    .unwrap();
    let names = |e: &launchgate_evidence::Evidence| -> Vec<String> {
        e.kubernetes
            .workloads
            .iter()
            .map(|w| format!("{} {}", w.name, w.loc))
            .collect()
    };
    assert_eq!(names(&one), names(&four));
    assert_eq!(names(&one).len(), 40);
    assert_eq!(names(&one)[0], "s0 svc00/deploy.yaml:1:1");
    let tf = |e: &launchgate_evidence::Evidence| -> Vec<String> {
        e.terraform
            .resources
            .iter()
            .map(|r| format!("{} {}", r.address(), r.loc))
            .collect()
    };
    assert_eq!(tf(&one), tf(&four));
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn a_missing_root_or_a_file_root_is_an_error() {
    let root = temp("missing");
    let e = scan(&root.join("nope"), &ScanOptions::default()).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
    write(&root, "f.txt", b"x");
    let e = scan(&root.join("f.txt"), &ScanOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("not a directory (give the repository root)"),
        "{e}"
    );
    let _ = fs::remove_dir_all(&root);
}

/// Migrations are read in the worker threads and their down files paired after the walk, the
/// same whatever the thread count; migrations in ignored or vendored folders are not the
/// service's.
#[test]
fn migrations_are_paired_across_threads_and_vendored_ones_left_out() {
    let root = temp("migrations");
    for i in 1..=12 {
        write(
            &root,
            &format!("db/migrations/{i:06}_step.up.sql"),
            format!("CREATE INDEX i{i} ON orders (c{i});\n").as_bytes(),
        );
        if i % 3 != 0 {
            write(
                &root,
                &format!("db/migrations/{i:06}_step.down.sql"),
                format!("DROP INDEX CONCURRENTLY i{i};\n").as_bytes(),
            );
        }
    }
    write(
        &root,
        "vendor/lib/migrations/1_x.up.sql",
        b"CREATE INDEX v ON t (c);\n",
    );
    let run = |threads| {
        scan(
            &root,
            &ScanOptions {
                threads,
                ..ScanOptions::default()
            },
        )
        .unwrap()
        .source
        .migrations
    };
    let one = run(1);
    assert_eq!(one, run(4));
    let missing: Vec<&str> = one
        .migrations
        .iter()
        .filter(|m| matches!(m.down, launchgate_evidence::code::Down::Missing { .. }))
        .map(|m| m.path.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "db/migrations/000003_step.up.sql",
            "db/migrations/000006_step.up.sql",
            "db/migrations/000009_step.up.sql",
            "db/migrations/000012_step.up.sql",
        ]
    );
    assert_eq!(one.migrations.len(), 12);
    assert_eq!(one.locks.len(), 12);
    assert_eq!(
        (
            one.locks[0].path.as_str(),
            one.locks[0].fact.line,
            one.locks[0].fact.rule.as_str()
        ),
        (
            "db/migrations/000001_step.up.sql",
            1,
            "require-concurrent-index-creation"
        )
    );
    assert_eq!(one.tools, [launchgate_evidence::code::Tool::GolangMigrate]);
    let _ = fs::remove_dir_all(&root);
}
