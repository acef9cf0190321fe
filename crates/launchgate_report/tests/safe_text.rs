//! The way out, through the library API: whatever text a review carries (a secret in a finding
//! message, a hostile path, a 100 000-character line), no renderer prints a secret or a raw
//! control character, and human formats show at most 4096 characters of a string.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use launchgate_core::{Finding, Location};
use launchgate_report::{
    CiOptions, Review, TerminalOptions, render_github, render_gitlab, render_html, render_junit,
    render_markdown, render_sarif, render_terminal,
};

use common::review;

fn every_format(r: &Review) -> Vec<(&'static str, String)> {
    let ci = CiOptions::default();
    vec![
        (
            "terminal",
            render_terminal(
                r,
                TerminalOptions {
                    width: 120,
                    cut: true,
                    verbose: true,
                },
            ),
        ),
        ("json", r.to_json()),
        ("markdown", render_markdown(r)),
        ("html", render_html(r)),
        ("sarif", render_sarif(r, &ci)),
        ("junit", render_junit(r, &ci).unwrap()),
        ("github", render_github(r, &ci)),
        ("gitlab", render_gitlab(r, &ci)),
    ]
}

#[test]
fn no_renderer_prints_a_secret_a_control_character_or_a_flood() {
    let mut r = review("payment-service");
    // Built at run time: no secret-looking literal in the source.
    let secret = format!("{}_{}", "ghp", "Zq8Kx3Lm0Np7Rt2Vw5Yb9Cd4Fg6Hj1Sk0Qe7u");
    let hostile_path = format!(
        "deploy/a{}]52;c;eA=={}\n::error file=x::b.yaml",
        '\u{1b}', '\u{7}'
    );
    let flood = "word ".repeat(20_000);
    let cap = r.checks.iter_mut().find(|c| c.id == "CAP-007").unwrap();
    cap.findings = vec![
        Finding::new(format!("token {secret} in {}", '\u{9b}')).at(Some(Location::new(
            hostile_path.as_str(),
            3,
            1,
        ))),
        Finding::new(flood.clone()).at(Some(Location::new("deploy/b.yaml", 1, 1))),
    ];
    // The terminal renderer's own styles (SGR sequences) are the only escapes allowed.
    let sgr = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    for (format, out) in every_format(&r) {
        let out = sgr.replace_all(&out, "");
        assert!(!out.contains(&secret[4..]), "{format} prints the secret");
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && !(format == "html" && c == '\t')),
            "{format} prints a raw control character"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("::error file=x")),
            "{format} lets a path inject a line"
        );
        if !matches!(format, "json" | "sarif") {
            assert!(
                !out.contains(&flood[..8000]),
                "{format} prints a 100 000-character message whole"
            );
        }
    }
}

/// On a terminal long lines are cut, and the view says how to see them whole; piped (CI logs)
/// nothing is cut, so no finding loses its reason.
#[test]
fn the_terminal_view_cuts_only_on_a_terminal_and_says_so() {
    let r = review("payment-service");
    let saf = r.checks.iter().find(|c| c.id == "SAF-001").unwrap();
    let whole = render_terminal(
        &r,
        TerminalOptions {
            width: 60,
            cut: false,
            verbose: false,
        },
    );
    assert!(!whole.contains('…'), "{whole}");
    assert!(whole.contains(&saf.message), "{whole}");
    assert!(!whole.contains("lines are cut"), "{whole}");
    let cut = render_terminal(
        &r,
        TerminalOptions {
            width: 60,
            cut: true,
            verbose: false,
        },
    );
    assert!(!cut.contains(&saf.message), "{cut}");
    assert!(
        cut.contains(
            "lines are cut to 60 columns; piped or with `--output FILE` they are printed whole"
        ),
        "{cut}"
    );
}
