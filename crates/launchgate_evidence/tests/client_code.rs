//! Code that runs on users' browsers or devices is not the service's code: React components,
//! `'use client'` files, and npm packages that are phone, desktop or browser-only apps leave
//! the source evidence, each listed in the scope report with its rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use launchgate_evidence::{ScanOptions, scan};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("launchgate-client-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const FETCH: &str = "export async function f() { return fetch('/x'); }\n";

#[test]
fn browser_and_device_code_leave_the_source_evidence_with_their_rule() {
    let root = temp("apps");
    write(&root, "src/server.ts", FETCH);
    write(
        &root,
        "src/components/Server.tsx",
        &format!("'use server';\n{FETCH}"),
    );
    write(&root, "src/components/Card.tsx", FETCH);
    write(&root, "src/components/nested/hooks/useX.tsx", FETCH);
    write(&root, "src/hooks/useCart.ts", FETCH);
    write(
        &root,
        "src/widgets/cart.ts",
        &format!("// c\n/* d */ \"use client\";\n{FETCH}"),
    );
    write(
        &root,
        "src/widgets/not-a-directive.ts",
        &format!("'use client' + x;\n{FETCH}"),
    );
    write(
        &root,
        "mobile/package.json",
        r#"{"dependencies": {"expo": "1", "react-native": "1"}}"#,
    );
    write(&root, "mobile/app/request.ts", FETCH);
    write(&root, "mobile/components/Row.tsx", FETCH);
    write(
        &root,
        "web/package.json",
        r#"{"dependencies": {"react-dom": "19"}, "devDependencies": {"vite": "7"}}"#,
    );
    write(&root, "web/src/api.ts", FETCH);
    // A UI library with a server framework is a full-stack app: its code stays.
    write(
        &root,
        "ssr/package.json",
        r#"{"dependencies": {"react-dom": "19", "next": "16"}, "devDependencies": {"webpack": "5"}}"#,
    );
    write(&root, "ssr/lib/data.ts", FETCH);
    // A UI library without a bundler may be rendered on a server: its code stays.
    write(
        &root,
        "render/package.json",
        r#"{"dependencies": {"react-dom": "19"}}"#,
    );
    write(&root, "render/index.ts", FETCH);

    let ev = scan(&root, &ScanOptions::default()).unwrap();
    let _ = fs::remove_dir_all(&root);

    let code: Vec<&str> = ev.source.files.iter().map(|f| &*f.path).collect();
    assert_eq!(
        code,
        [
            "render/index.ts",
            "src/components/Server.tsx",
            "src/hooks/useCart.ts",
            "src/server.ts",
            "src/widgets/not-a-directive.ts",
            "ssr/lib/data.ts",
        ]
    );
    let excluded: Vec<(&str, &str, usize)> = ev
        .scope
        .excluded
        .iter()
        .map(|e| (e.path.as_str(), e.rule.as_str(), e.files))
        .collect();
    assert_eq!(
        excluded,
        [
            (
                "mobile/",
                "source: device app: mobile/package.json depends on react-native",
                2
            ),
            (
                "src/components/",
                "source: browser code (React components)",
                2
            ),
            ("src/widgets/", "source: browser code ('use client')", 1),
            (
                "web/",
                "source: browser app: web/package.json depends on react-dom and vite and on no server framework",
                1
            ),
        ]
    );
}

#[test]
fn a_client_app_at_the_repository_root_is_still_reviewed() {
    let root = temp("root-app");
    write(
        &root,
        "package.json",
        r#"{"dependencies": {"react-native": "1"}}"#,
    );
    write(&root, "src/request.ts", FETCH);
    let ev = scan(&root, &ScanOptions::default()).unwrap();
    let _ = fs::remove_dir_all(&root);
    let code: Vec<&str> = ev.source.files.iter().map(|f| &*f.path).collect();
    assert_eq!(code, ["src/request.ts"]);
    assert!(ev.scope.excluded.is_empty(), "{:?}", ev.scope.excluded);
}
