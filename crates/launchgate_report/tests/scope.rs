//! What the review left out and what it chose (`scan.excluded`, `scan.choices`), in every
//! format for people and in the JSON: short for people (grouped folders), complete for
//! machines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use launchgate_report::{Review, TerminalOptions, render_html, render_markdown, render_terminal};
use serde_json::{Value, json};

use common::{review, scoped_payment_service};

fn plain(s: &str) -> String {
    // Strip ANSI styles.
    let mut out = String::new();
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\u{1b}') => esc = true,
            (true, 'm') => esc = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

#[test]
fn json_lists_every_excluded_path_and_choice_and_round_trips() {
    let r = scoped_payment_service();
    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(
        v["scan"]["excluded"],
        json!([
            {"path": "deploy/all.yaml", "rule": "select: not this service's (Deployment/cart, Service/cart)", "files": 0},
            {"path": "examples/", "rule": "default: examples", "files": 12},
            {"path": "src/cart/", "rule": "select.source: not this service's", "files": 1},
        ])
    );
    assert_eq!(
        v["scan"]["choices"],
        json!([{"subject": "service", "chosen": "Deployment/payment-api", "why": "manifest select.workloads: Deployment/payment-api"}])
    );
    let back = Review::from_json(&r.to_json()).unwrap();
    assert_eq!(back.scan.unwrap().excluded, r.scan.unwrap().excluded);
    // A stored review from before these fields still reads.
    let mut old: Value = serde_json::from_str(&review("payment-service").to_json()).unwrap();
    let scan = old["scan"].as_object_mut().unwrap();
    scan.remove("excluded");
    scan.remove("choices");
    let back = Review::from_json(&old.to_string()).unwrap();
    assert!(back.scan.unwrap().excluded.is_empty());
}

#[test]
fn terminal_counts_them_and_lists_the_groups() {
    let out = plain(&render_terminal(
        &scoped_payment_service(),
        TerminalOptions::default(),
    ));
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("out of scope") || l.starts_with("  service:"))
        .collect();
    assert!(
        lines[0].starts_with("scanned ") && lines[0].ends_with(" · 13 out of scope"),
        "{}",
        lines[0]
    );
    assert_eq!(
        &lines[1..],
        [
            "  service: Deployment/payment-api (manifest select.workloads: Deployment/payment-api)",
            "  out of scope in deploy/all.yaml: select: not this service's (Deployment/cart, Service/cart)",
            "  out of scope examples/ (12 files, default: examples)",
            "  out of scope src/cart/ (1 file, select.source: not this service's)",
        ]
    );
    let none = plain(&render_terminal(
        &review("payment-service"),
        TerminalOptions::default(),
    ));
    assert!(!none.contains("out of scope"));
}

#[test]
fn markdown_has_a_table_of_what_was_left_out() {
    let md = render_markdown(&scoped_payment_service());
    assert!(md.contains(
        "\nWhat the review took:\n\n- service: `Deployment/payment-api` (manifest select.workloads: Deployment/payment-api)\n"
    ), "{md}");
    assert!(md.contains(
        "\n13 files out of scope (read for secrets only):\n\n| Out of scope | Files | Rule |\n|--------------|------:|------|\n| `deploy/all.yaml` | 0 | select: not this service's (Deployment/cart, Service/cart) |\n| `examples/` | 12 | default: examples |\n| `src/cart/` | 1 | select.source: not this service's |\n"
    ), "{md}");
    assert!(!render_markdown(&review("payment-service")).contains("out of scope"));
}

#[test]
fn html_has_a_table_of_what_was_left_out() {
    let html = render_html(&scoped_payment_service());
    assert!(html.contains(
        "<li>service: <code>Deployment/payment-api</code> (manifest select.workloads: Deployment/payment-api)</li>"
    ));
    assert!(html.contains("<caption>Out of scope: 13 files, read for secrets only</caption>"));
    assert!(html.contains(
        "<tr><th scope=\"row\"><code>examples/</code></th><td>12</td><td>default: examples</td></tr>"
    ));
    assert!(
        html.contains("not this service&#39;s") || html.contains("not this service&#x27;s"),
        "apostrophes are escaped"
    );
}
