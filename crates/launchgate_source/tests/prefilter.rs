//! The keyword prefilter never drops a file the layer has facts for: every source file of the
//! check fixtures and the examples is parsed regardless, and each one with facts must be
//! selected. Words that only look like a client (prose, other functions) are not selected.

use std::path::{Path, PathBuf};

use launchgate_source::{Language, analyze_unfiltered};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_and_example_file_with_facts_is_selected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = Vec::new();
    files(
        &root.join("crates/launchgate_checks/tests/fixtures"),
        &mut all,
    );
    files(&root.join("examples"), &mut all);
    all.sort();
    let mut with_facts = 0;
    for path in &all {
        let Some(lang) = path.to_str().and_then(Language::of) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if analyze_unfiltered(lang, &text).facts.is_empty() {
            continue;
        }
        with_facts += 1;
        assert!(
            lang.selects(&text),
            "the prefilter drops {} although it has facts",
            path.display()
        );
    }
    assert!(with_facts >= 12, "only {with_facts} files with facts found");
}

#[test]
fn words_that_only_look_like_a_client_are_not_selected() {
    let cases = [
        (
            Language::Python,
            "\"\"\"Handles requests from the queue.\"\"\"\ndef run(requests):\n    return len(requests)\n",
        ),
        (
            Language::TypeScript,
            "// see https://wiki.internal/orders\nexport async function load() {\n  return repo.fetchOrders({ limit: 10 });\n}\n",
        ),
        (
            Language::Go,
            "package api\n\nimport \"net/http\"\n\nfunc routes(mux *http.ServeMux) {\n\tmux.HandleFunc(\"/healthz\", health)\n}\n",
        ),
        (
            Language::Java,
            "import org.springframework.http.HttpStatus;\nclass A { HttpStatus ok() { return HttpStatus.OK; } }\n",
        ),
        (
            Language::JavaScript,
            "export const items = catalog.items.filter((i) => dialog.open(i));\n",
        ),
        (
            Language::Go,
            "package blog\n\nfunc Titles(b *Blog) []string { return b.catalog.Titles() }\n",
        ),
    ];
    for (lang, text) in cases {
        assert!(!lang.selects(text), "{lang:?} selected: {text}");
        assert!(analyze_unfiltered(lang, text).facts.is_empty());
    }
    assert!(Language::Python.selects("import requests\nrequests.get(u, timeout=3)\n"));
    assert!(Language::TypeScript.selects("await fetch(url)"));
    assert!(Language::Go.selects("srv := &http.Server{Addr: \":8080\"}"));
    assert!(Language::Java.selects("HttpClient.newHttpClient()"));
    assert!(Language::JavaScript.selects("log.info({ port }, 'listening')"));
    assert!(Language::Python.selects("self.logger.info('x')"));
    assert!(Language::Go.selects("signal.Notify(stop, syscall.SIGTERM)"));
}
