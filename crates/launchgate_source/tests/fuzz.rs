//! Untrusted source never panics the layer, and every fact points inside the file.

use launchgate_source::{Gap, Language, Topic, Unread, analyze_as};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "requests.get(",
    "httpx.Client(",
    "timeout=",
    "None",
    "**",
    "axios.create(",
    "{",
    "}",
    "(",
    ")",
    "timeout:",
    "0",
    "fetch(",
    "http.Client{",
    "Timeout:",
    "http.ListenAndServe(",
    "&",
    ":=",
    "=",
    ",",
    "\n",
    "\"",
    "'",
    "`",
    "HttpRequest.newBuilder()",
    ".timeout(",
    ".build()",
    "new RestTemplate(",
    "def f():\n    ",
    "func f() {\n",
    "x",
    "session",
    ".",
    "async with ",
    " as s:",
    "srv.ReadHeaderTimeout = ",
    "server.headersTimeout = ",
    "\u{e9}",
    "net/http",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_token_soup_gives_facts_inside_the_file(text in text()) {
        let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
        for lang in [
            Language::TypeScript,
            Language::Tsx,
            Language::JavaScript,
            Language::Python,
            Language::Go,
            Language::Java,
        ] {
            for f in analyze_as(lang, &text).facts {
                prop_assert!(f.line >= 1 && f.line <= lines + 1, "{lang:?} line {}", f.line);
                prop_assert!(f.column >= 1);
            }
        }
    }
}

/// Token soup the fuzz test found: tree-sitter's TypeScript error recovery parsed it for
/// minutes. The parse budget gives up on it: no facts, and the file says it was not read.
#[test]
fn a_file_the_parser_cannot_read_in_bounded_steps_is_given_up() {
    let text = include_str!("data/parser-gives-up.ts");
    let facts = analyze_as(Language::TypeScript, text);
    assert!(!facts.parsed && facts.syntax_errors, "{facts:?}");
    assert!(facts.facts.is_empty());
    // It says so, with the budget and what its words announce (`http.`, `axios.create(`).
    assert_eq!(
        facts.unread,
        Some(Unread {
            why: Gap::GaveUp { steps: 1119 },
            topics: vec![Topic::Http],
        })
    );
}
