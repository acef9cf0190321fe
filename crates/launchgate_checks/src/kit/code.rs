//! Shared wording and places of findings about the service's code (source-layer facts), and
//! the source files a check could not read.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::code::{Accepted, Fact, Gap, Topic};
use std::collections::BTreeMap;

use crate::CheckContext;
use crate::kit::finish::{self, Tally, conclude_tally};

/// Where a fact of the file at `path` is: its line and column.
pub fn at(path: &str, fact: &Fact) -> Location {
    Location::new(path.to_string(), fact.line, fact.column)
}

/// ` in `function`` for a fact inside a named function or method; empty otherwise.
pub fn inside(fact: &Fact) -> String {
    fact.function
        .as_deref()
        .map(|f| format!(" in `{f}`"))
        .unwrap_or_default()
}

/// Source files of the service that the prefilter selected for facts of one of `topics` but
/// that the source layer could not read there (the parser gave up on the file, or syntax
/// errors cover the lines with the prefilter's words), one finding per file at its first such
/// line: what a check that relies on the absence of those facts has not seen. In path order.
pub fn unread(cx: &CheckContext<'_>, topics: &[Topic]) -> Vec<Finding> {
    cx.evidence
        .source
        .files
        .iter()
        .filter_map(|f| {
            let u = f.facts.unread.as_ref()?;
            let kinds: Vec<&str> = u
                .topics
                .iter()
                .filter(|t| topics.contains(t))
                .map(|t| t.facts())
                .collect();
            if kinds.is_empty() {
                return None;
            }
            let (line, place) = match &u.why {
                Gap::GaveUp { .. } => (1, "in this file"),
                Gap::SyntaxErrors { line } => (*line, "there"),
            };
            Some(
                Finding::new(format!(
                    "{}: {} {place} were not read",
                    u.why.describe(),
                    join(&kinds)
                ))
                .at(Some(Location::new(f.path.to_string(), line, 1))),
            )
        })
        .collect()
}

/// The gaps of a check that reads evidence of the catalog `letters` and source facts of
/// `topics`: files it needed that could not be evaluated, then [`unread`] source files.
pub fn gaps(cx: &CheckContext<'_>, letters: &str, topics: &[Topic]) -> Vec<Finding> {
    let mut out = cx.evidence.gaps(letters);
    out.extend(unread(cx, topics));
    out
}

fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// [`Tally::conclude`] for the check `id` that reads source facts of `topics`: [`unread`]
/// files are gaps too, so the check never passes on the absence of bad facts from a file it
/// could not read (failures seen elsewhere still fail; see [`conclude_tally`]). Failures the
/// code accepts first become evidence ([`accept`]).
pub fn conclude(
    id: &str,
    mut t: Tally,
    cx: &CheckContext<'_>,
    letters: &str,
    topics: &[Topic],
    nothing_found: &str,
) -> Outcome {
    accept(id, &mut t, cx);
    conclude_tally(cx, gaps(cx, letters, topics), t, nothing_found)
}

/// Rules of other tools that judge what a launchgate check judges: their markers in the code
/// (`// #nosec G112`, `# nosemgrep: use-timeout`) accept that check's findings. A marker
/// naming no rule accepts what its tool's rules would report, so only for these checks.
const PEER_RULES: &[(&str, &str, &[&str])] = &[
    // gosec G112 (Slowloris: no ReadHeaderTimeout), G114 (net/http serve functions without
    // timeouts); Bandit B113 (request without timeout); Semgrep's requests rule.
    ("SAF-002", "nosec", &["G112", "G114", "B113"]),
    ("SAF-002", "nosemgrep", &["use-timeout"]),
    // Semgrep's logger credential rule.
    (
        "OBS-014",
        "nosemgrep",
        &["python-logger-credential-disclosure"],
    ),
];

/// Whether the marker at a fact accepts the findings of check `id` there: launchgate's own
/// naming `id` (or no check), or a peer's naming one of its rules for `id` (or none). A rule
/// written in full (`python.requests.best-practice.use-timeout`) is matched by its last part.
fn accepts(id: &str, a: &Accepted) -> bool {
    if a.marker == "launchgate" {
        return a.rules.is_empty() || a.rules.iter().any(|r| r == id);
    }
    PEER_RULES
        .iter()
        .filter(|(check, marker, _)| *check == id && *marker == a.marker)
        .any(|(_, _, rules)| {
            a.rules.is_empty()
                || a.rules.iter().any(|r| {
                    let last = r.rsplit('.').next().unwrap_or(r);
                    rules
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(r) || x.eq_ignore_ascii_case(last))
                })
        })
}

/// Moves the failures of check `id` that a marker in the code accepts (at the fact the finding
/// points at) to the evidence, saying so and quoting the marker: accepted, never unseen. With
/// the policy's `accept_in_code: false` they stay failures and quote the marker.
pub fn accept(id: &str, t: &mut Tally, cx: &CheckContext<'_>) {
    // The facts whose marker accepts this check's findings, by place: few, found once.
    let markers: BTreeMap<(&str, u32, u32), &str> = cx
        .evidence
        .source
        .facts()
        .filter_map(|(path, f)| {
            let a = f.accepted.as_ref().filter(|a| accepts(id, a))?;
            Some(((&**path, f.line, f.column), a.text.as_str()))
        })
        .collect();
    if markers.is_empty() {
        return;
    }
    let accepted = |f: &Finding| -> Option<&str> {
        let loc = f.location.as_ref()?;
        markers
            .get(&(loc.path.as_str(), loc.line, loc.column))
            .copied()
    };
    let failures = std::mem::take(&mut t.failures);
    for mut f in failures {
        match accepted(&f) {
            None => t.failures.push(f),
            // The policy does not let the code accept findings: they fail, quoting the comment.
            Some(text) if !cx.options.accept_in_code => {
                f.message = format!(
                    "{} (the comment `{text}` does not accept it: the policy sets `accept_in_code: false`)",
                    f.message
                );
                t.failures.push(f);
            }
            Some(text) => {
                f.message = format!("accepted in the code (`{text}`): {}", f.message);
                f.accepted = Some(text.to_string());
                t.accepted.push(f);
            }
        }
    }
}

/// [`conclude_with_claim`](crate::kit::finish::conclude_with_claim) for a check whose
/// repository evidence (`repo`) includes source facts of `topics`: when such a file could not
/// be read ([`unread`]), the code does not prove the claim: the claim stands alone (attested,
/// listing the files) when it suffices, and the check is inconclusive otherwise.
pub fn conclude_with_claim(
    cx: &CheckContext<'_>,
    letters: &str,
    topics: &[Topic],
    repo: Vec<Finding>,
    claim: Vec<Finding>,
    claim_suffices: bool,
) -> Outcome {
    let unread = unread(cx, topics);
    if unread.is_empty() || repo.is_empty() {
        return finish::conclude_with_claim(cx, letters, repo, claim, claim_suffices);
    }
    if claim_suffices && !claim.is_empty() {
        let mut evidence = claim;
        evidence.extend(unread);
        return Outcome::attested(evidence);
    }
    let mut findings = cx.evidence.gaps(letters);
    findings.extend(unread);
    not_evaluated(findings)
}

/// For a check that a fact proves (a limiter, an audit write): when the repository shows none
/// (`shown` is empty) and source files that may hold one could not be read ([`unread`]), the
/// check cannot say it is missing: inconclusive, naming the files. `None` otherwise.
pub fn unseen(cx: &CheckContext<'_>, topics: &[Topic], shown: &[Finding]) -> Option<Outcome> {
    if !shown.is_empty() || !cx.evidence.scanned {
        return None;
    }
    let findings = unread(cx, topics);
    (!findings.is_empty()).then(|| not_evaluated(findings))
}

/// Inconclusive on files that could not be evaluated, in the words of
/// [`unread_files`](crate::kit::finish::unread_files).
fn not_evaluated(findings: Vec<Finding>) -> Outcome {
    let n = findings.len();
    Outcome::inconclusive_with(
        format!(
            "{n} file{} this check needs could not be evaluated",
            if n == 1 { "" } else { "s" }
        ),
        findings,
    )
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Outcome};

    use crate::fixture::{basis, evidence, run, run_files};
    use launchgate_evidence::code::Accepted;

    /// Text the TypeScript parser gives up on within its step budget (token soup of the kind
    /// the fuzz test found), after a line that names `what`.
    fn unreadable(what: &str) -> String {
        format!("{what}\ne(n(&t=t.t{{new e(t=t=ef f():\n")
    }

    #[test]
    fn a_file_the_parser_gave_up_on_keeps_an_http_check_from_passing() {
        let o = run("SAF-002", "inconclusive_typescript_parser_gave_up");
        let Outcome::Inconclusive { reason, .. } = &o else {
            panic!("{o:?}");
        };
        assert_eq!(reason, "1 file this check needs could not be evaluated");
        assert_eq!(
            evidence(&o),
            [
                "src/generated/rates.ts:1 the parser gave up after 1045 steps: HTTP calls and servers in this file were not read"
            ]
        );
    }

    #[test]
    fn syntax_errors_over_a_call_name_their_first_line() {
        // Go: the client built below is read and bounded, the call the error swallowed is not.
        assert_eq!(
            evidence(&run(
                "SAF-002",
                "inconclusive_go_call_swallowed_by_syntax_error"
            )),
            ["rates.go:9 syntax errors from line 9: HTTP calls and servers there were not read"]
        );
    }

    #[test]
    fn syntax_errors_over_a_log_call_name_their_first_line() {
        assert_eq!(
            evidence(&run("OBS-014", "inconclusive_python_log_call_syntax_error")),
            ["app/login.py:7 syntax errors from line 7: log calls there were not read"]
        );
    }

    #[test]
    fn only_the_facts_a_check_reads_count() {
        // The unread file holds a log call, not an HTTP call.
        assert!(matches!(
            run("SAF-002", "pass_typescript_unread_log_call_only"),
            Outcome::Pass { .. }
        ));
        // Syntax errors away from every prefilter word do not count.
        let o = run_files(
            "SAF-002",
            &[
                (
                    "launchgate.yaml",
                    "service: a\ntier: 2\nowner: t\nexposure: internal\ndata: none\n",
                ),
                (
                    "src/a.py",
                    "import requests\n\ndef get():\n    return requests.get('/x', timeout=5)\n\ndef broken(:\n    pass\n",
                ),
            ],
        );
        assert!(matches!(o, Outcome::Pass { .. }), "{o:?}");
    }

    #[test]
    fn a_defect_seen_fails_whatever_went_unread() {
        let o = run_files(
            "SAF-002",
            &[
                (
                    "launchgate.yaml",
                    "service: a\ntier: 2\nowner: t\nexposure: internal\ndata: none\n",
                ),
                (
                    "src/a.ts",
                    "import axios from 'axios';\nexport const f = () => axios.get('/x');\n",
                ),
                (
                    "src/b.ts",
                    &unreadable("export const g = () => axios.get('/y');"),
                ),
            ],
        );
        assert_eq!(
            evidence(&o),
            [
                "src/a.ts:2 `axios.get(...)` in `f` has no timeout: axios waits for ever without a timeout (its default is 0)"
            ]
        );
    }

    #[test]
    fn what_a_fact_proves_stands_beside_an_unread_file() {
        assert_eq!(
            basis("SAF-006", "pass_node_handler_beside_unread_file"),
            Some(Basis::Proven)
        );
        // Every route read is authenticated, but the routes of an unread file are not known:
        // the claim stands in for them, and the evidence says which file it covers.
        // Pools read that match the declared sizes prove them; beside a file whose pools
        // could not be read, the declarations stand alone.
        assert_eq!(
            basis("CAP-008", "pass_typescript_pg_pool_max"),
            Some(Basis::Proven)
        );
        let o = run("CAP-008", "pass_attested_pool_in_unread_file");
        assert_eq!(
            evidence(&o),
            [
                "launchgate.yaml:10 database `orders-db` pools at most 20 connections",
                "src/reports.ts:1 the parser gave up after 1022 steps: connection pools in this file were not read"
            ]
        );
        assert!(matches!(
            o,
            Outcome::Pass {
                basis: Basis::Attested,
                ..
            }
        ));
        let case = "pass_attested_routes_in_unread_file";
        assert_eq!(basis("SEC-012", case), Some(Basis::Attested));
        assert!(
            evidence(&run("SEC-012", case)).contains(
                &"src/admin.ts:1 the parser gave up after 1022 steps: routes and middleware in this file were not read"
                    .to_string()
            )
        );
    }

    #[test]
    fn findings_the_code_accepts_are_evidence_quoting_the_marker() {
        let o = run("SAF-002", "pass_go_server_accepted_in_code");
        assert_eq!(
            basis("SAF-002", "pass_go_server_accepted_in_code"),
            Some(Basis::Proven)
        );
        assert_eq!(
            evidence(&o),
            [
                "main.go:10 accepted in the code (`nosec G112 -- loopback only, never exposed`): the net/http server `http.Server{...}` in `metrics` does not bound how long a client may take to send its request (read-header timeout not set, read timeout not set): a few slow clients can hold every connection (slowloris) (no idle or write timeout either)",
                "main.go:18 accepted in the code (`launchgate:ignore SAF-002 -- the debug listener is compiled out of release builds`): the net/http server `http.ListenAndServe(...)` in `debugServer` does not bound how long a client may take to send its request (read-header timeout not set, read timeout not set): a few slow clients can hold every connection (slowloris) (no idle or write timeout either)",
                "main.go:22 the net/http server `http.Server{...}` in `api` bounds how long a client may take to send its request (read-header timeout `5 * time.Second`, read timeout not set) (no idle or write timeout either)",
            ]
        );
        assert_eq!(
            evidence(&run("OBS-014", "pass_python_accepted_in_code")),
            [
                "no log call in 1 source file writes a value named like a secret, a credential, personal data or a card number apart from the one accepted in the code (1 call naming such a word or spreading fields read in 1 file)",
                "app.py:9 accepted in the code (`launchgate:ignore OBS-014 -- the token here is the public CSRF token, not a credential`): `logger.debug(...)` in `login` writes `csrf_token` (a credential) and `session_token` (a credential) to the log: log the event or an ID, not the value",
            ]
        );
    }

    #[test]
    fn with_acceptance_off_in_the_policy_an_accepted_finding_fails_quoting_the_comment() {
        assert_eq!(
            evidence(&run("SAF-002", "fail_go_acceptance_off_in_policy")),
            [
                "main.go:7 the net/http server `http.Server{...}` in `metrics` does not bound how long a client may take to send its request (read-header timeout not set, read timeout not set): a few slow clients can hold every connection (slowloris) (no idle or write timeout either) (the comment `nosec G112 -- loopback only // expect: SAF-002` does not accept it: the policy sets `accept_in_code: false`)"
            ]
        );
    }

    #[test]
    fn a_peer_marker_accepts_only_for_the_checks_its_rules_judge() {
        let marker = |marker: &'static str, rules: &[&str]| Accepted {
            marker,
            rules: rules.iter().map(ToString::to_string).collect(),
            text: String::new(),
        };
        assert!(super::accepts("SAF-002", &marker("nosec", &["G112"])));
        assert!(super::accepts("SAF-002", &marker("nosec", &[])));
        assert!(super::accepts(
            "SAF-002",
            &marker("nosemgrep", &["python.requests.best-practice.use-timeout"])
        ));
        assert!(!super::accepts("SAF-002", &marker("nosec", &["G104"])));
        assert!(!super::accepts("SAF-003", &marker("nosec", &[])));
        assert!(super::accepts("SAF-003", &marker("launchgate", &[])));
        assert!(!super::accepts(
            "SAF-003",
            &marker("launchgate", &["SAF-002"])
        ));
    }
}
