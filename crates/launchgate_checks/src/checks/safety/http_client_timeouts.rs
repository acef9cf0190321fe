//! SAF-002 http-client-timeouts: Every outbound HTTP call in the service's code has a timeout, and
//! the service's own HTTP server bounds how long a client may take to send its request.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::code::{Call, Fact, FactKind, Server, Timeout, Topic};

use crate::kit::code;
use crate::kit::finish::{NOT_SCANNED, Tally};
use crate::{Check, CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every outbound HTTP call in the service's own source (TypeScript, JavaScript, Python, Go,
    /// Java; not tests, not vendored code) runs with a timeout: its own (`timeout=` in Python,
    /// a `timeout` option for axios and got, an abort signal for `fetch`,
    /// `HttpRequest.newBuilder().timeout(..)` in Java), or its client's (`axios.create({timeout})`,
    /// `axios.defaults.timeout`, `httpx.Client(timeout=..)`, `http.Client{Timeout: ..}` in Go), or
    /// a library default that bounds it (httpx, aiohttp, OkHttp). A Java `HttpURLConnection`
    /// needs `setReadTimeout(..)` on it (a connect timeout alone still awaits the response for
    /// ever), in the method that opens it or, for a connection kept in a field, in any method
    /// of its class; one handed to another method may get it there and is unknown (written to
    /// a log or standard output, it gets nothing there). An explicit
    /// `timeout=None`, `timeout: 0` or `setReadTimeout(0)` is no timeout, and so is an httpx
    /// `Timeout` whose read timeout is `None` (`httpx.Timeout(None, connect=2.0)`) or an aiohttp
    /// `ClientTimeout` with neither `total` nor `sock_read` (`ClientTimeout(connect=5)`). A Python `requests.Session` has no timeout of its own, so each
    /// call through it needs one; Go's `http.Get` and `http.DefaultClient` have none, unless the
    /// request carries a context with a deadline. Clients built in the file and never called
    /// there (exported for other modules) are judged by their own timeout, and so is a client
    /// built with its timeout turned off (`httpx.Client(timeout=None)`): it is one finding, where
    /// it is built, with the calls through it that set no timeout of their own as its related
    /// locations (a call that turns its own off is a finding too). A call without a timeout through a client
    /// built in the file points at the client's construction too (a related location), where
    /// a session or client can be given one once.
    ///
    /// The service's own HTTP server must bound how long a client may take to send its request:
    /// Go's `http.Server` needs `ReadHeaderTimeout` or `ReadTimeout`, in its literal or set on
    /// it later in the same function (a bare `http.ListenAndServe`, `http.ListenAndServeTLS`,
    /// `http.Serve`, `http.ServeTLS` or gin's `Run` has neither); Node's servers are bounded by default
    /// since Node 18 unless `headersTimeout`/`requestTimeout` are set to 0. A missing idle or
    /// write timeout is named in the message, not a finding.
    ///
    /// Options the code builds elsewhere (`**kwargs`, an options object passed in) cannot be
    /// read: such calls make the check inconclusive when nothing else fails it. So does a source
    /// file whose HTTP calls could not be read (the parser gave up on it, or syntax errors cover
    /// a line with a call), named with the reason: the check never passes without it. Not
    /// applicable when the repository has no source in these languages.
    /// A finding the code accepts with a comment on its line (`// launchgate:ignore SAF-002 --
    /// why`, gosec's `#nosec G112`/`G114`, Bandit's `# nosec B113`, `# nosemgrep: use-timeout`)
    /// is listed as evidence, quoting the comment, not as a failure.
    ///
    /// ## Why it matters
    /// A call without a timeout waits as long as the dependency does. When a payment provider
    /// hangs, every request that reaches that call hangs too, holds a worker, a connection and
    /// memory, and the service stops answering even the requests that never needed the
    /// provider. A server that lets a client take for ever to send its headers can be held
    /// open by a handful of slow connections (slowloris).
    ///
    /// ## How to fix
    /// Give every call a timeout shorter than the caller's: `requests.post(url, timeout=(3, 10))`,
    /// `axios.create({ timeout: 2000 })`, `fetch(url, { signal: AbortSignal.timeout(2000) })`,
    /// `&http.Client{Timeout: 5 * time.Second}`, `HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3))`.
    /// Prefer one client built once with its timeout and reused. For Go servers use
    /// `&http.Server{ReadHeaderTimeout: 5 * time.Second, ...}` instead of `http.ListenAndServe`.
    ///
    /// ## Example
    /// ```python fails path=app/payments.py
    /// import requests
    ///
    /// def charge(payload):
    ///     return requests.post("https://api.payments.example/charge", json=payload)
    /// ```
    /// ```python passes path=app/payments.py
    /// import requests
    ///
    /// def charge(payload):
    ///     return requests.post("https://api.payments.example/charge", json=payload, timeout=(3, 10))
    /// ```
    /// ```go fails path=main.go
    /// package main
    ///
    /// import "net/http"
    ///
    /// func main() {
    ///     http.ListenAndServe(":8080", nil)
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 003, "HTTP clients without timeouts"; Bandit B113 (request without timeout); gosec
    /// G107/G112 (ReadHeaderTimeout); Go net/http documentation of `Client.Timeout` and
    /// `Server.ReadHeaderTimeout`; Node.js `server.headersTimeout`.
    pub struct HttpClientTimeouts {
        id: "SAF-002", slug: "http-client-timeouts", category: Safety, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "S", effort: 2,
    }
}

impl Evaluate for HttpClientTimeouts {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let code = &cx.evidence.source;
        if code.files.is_empty() {
            return Outcome::not_applicable(
                "the repository has no TypeScript, JavaScript, Python, Go or Java source of the service",
            );
        }
        let mut t = Tally::default();
        // Each fact with its file's facts: a call through a client is joined to the client's
        // construction in its own file.
        let facts = code.files.iter().flat_map(|file| {
            let all = file.facts.facts.as_slice();
            all.iter().map(move |fact| (&file.path, all, fact))
        });
        for (path, facts, fact) in facts {
            let at = Some(code::at(path, fact));
            let inside = code::inside(fact);
            let (what, timeout, via) = match &fact.kind {
                // A call that only inherits a client's timeout turned off is that client's
                // finding, said once where the client is built (below).
                FactKind::Call(c) if inherits_off(facts, c) => continue,
                FactKind::Call(c) => (
                    format!("`{}`{inside}", c.text),
                    &c.timeout,
                    c.client_line
                        .map(|l| format!(" (through the client built on line {l})"))
                        .unwrap_or_default(),
                ),
                // A client built with its timeout turned off is a finding where it is built (as
                // Bandit and Ruff report `httpx.Client(timeout=None)`); the calls through it that
                // set none of their own are its related locations.
                FactKind::Client(c)
                    if c.uses == 0 || matches!(c.timeout, Timeout::Disabled { .. }) =>
                {
                    (
                        format!("the {} client `{}`{inside}", c.library, c.text),
                        &c.timeout,
                        String::new(),
                    )
                }
                FactKind::Client(_)
                | FactKind::Shutdown(_)
                | FactKind::Log(_)
                | FactKind::Retry(_)
                | FactKind::Breaker(_)
                | FactKind::Pool(_)
                | FactKind::Route(_)
                | FactKind::Middleware(_)
                | FactKind::Audit(_)
                | FactKind::View(_) => continue,
                FactKind::Server(s) => {
                    server(&mut t, s, &inside, at);
                    continue;
                }
            };
            let (list, message) = match timeout {
                Timeout::Set { value } => (
                    &mut t.evidence,
                    format!("{what} times out after `{value}`{via}"),
                ),
                Timeout::Default { value } => (
                    &mut t.evidence,
                    format!("{what} runs with the library's default timeout, {value}{via}"),
                ),
                Timeout::Missing { why } => (
                    &mut t.failures,
                    format!("{what} has no timeout{via}: {why}"),
                ),
                Timeout::Disabled { value } => (
                    &mut t.failures,
                    format!("{what} turns its timeout off (`{value}`){via}: it waits for ever"),
                ),
                Timeout::Unknown { why } => (
                    &mut t.unknowns,
                    format!("{what}: whether it has a timeout is unknown, {why}"),
                ),
            };
            // A defect through a client points at the client's construction too (where
            // Semgrep reports a session whose calls have no timeout); evidence names its line.
            let related: Vec<Location> = match (&fact.kind, timeout) {
                (_, Timeout::Set { .. } | Timeout::Default { .. }) => Vec::new(),
                (FactKind::Call(c), _) => c
                    .client_line
                    .and_then(|l| client_at(path, facts, l))
                    .into_iter()
                    .collect(),
                (FactKind::Client(_), Timeout::Disabled { .. }) => facts
                    .iter()
                    .filter(|f| match &f.kind {
                        FactKind::Call(c) => {
                            c.client_line == Some(fact.line) && inherits_off(facts, c)
                        }
                        _ => false,
                    })
                    .map(|f| code::at(path, f))
                    .collect(),
                _ => Vec::new(),
            };
            let message = match (&fact.kind, related.as_slice()) {
                (FactKind::Client(_), [_, ..]) => {
                    let lines: Vec<String> = related.iter().map(|l| l.line.to_string()).collect();
                    let (calls, line) = if lines.len() == 1 {
                        ("does the call", "line")
                    } else {
                        ("do the calls", "lines")
                    };
                    format!(
                        "{message}, and so {calls} through it on {line} {}",
                        lines.join(", ")
                    )
                }
                _ => message,
            };
            let mut finding = Finding::new(message).at(at);
            finding.related = related;
            list.push(finding);
        }
        if t.failures.is_empty() && t.unknowns.is_empty() && t.evidence.is_empty() {
            let n = code.files.len();
            t.evidence.push(Finding::new(format!(
                "{n} source file{} no outbound HTTP call and start{} no HTTP server that launchgate recognises",
                if n == 1 { " makes" } else { "s make" },
                if n == 1 { "s" } else { "" }
            )));
        }
        code::conclude(self.meta().id, t, cx, "S", &[Topic::Http], "")
    }
}

/// Whether a call's timeout is off only because the client it goes through, built in its file,
/// was built with its timeout turned off: its timeout is that client's.
fn inherits_off(facts: &[Fact], call: &Call) -> bool {
    let Timeout::Disabled { value } = &call.timeout else {
        return false;
    };
    call.client_line.is_some_and(|line| {
        facts.iter().any(|f| {
            f.line == line
                && matches!(&f.kind, FactKind::Client(c)
                    if matches!(&c.timeout, Timeout::Disabled { value: v } if v == value))
        })
    })
}

/// Where the client built on `line` of the file at `path` is: its construction's fact.
fn client_at(path: &str, facts: &[Fact], line: u32) -> Option<Location> {
    facts
        .iter()
        .find(|f| f.line == line && matches!(f.kind, FactKind::Client(_)))
        .map(|f| code::at(path, f))
}

/// A server bounds how long a client may take to send its request; idle and write timeouts are
/// a note.
fn server(t: &mut Tally, s: &Server, inside: &str, at: Option<Location>) {
    let mut notes: Vec<&str> = Vec::new();
    if !s.idle.bounds() {
        notes.push("idle");
    }
    if !s.write.bounds() {
        notes.push("write");
    }
    let note = if notes.is_empty() {
        String::new()
    } else {
        format!(" (no {} timeout either)", notes.join(" or "))
    };
    let shown = |x: &Timeout| match x {
        Timeout::Set { value } | Timeout::Disabled { value } => format!("`{value}`"),
        Timeout::Default { value } => value.to_string(),
        Timeout::Missing { .. } => "not set".to_string(),
        Timeout::Unknown { why } => why.clone(),
    };
    let what = format!("the {} server `{}`{inside}", s.library, s.text);
    match s.guarded() {
        Some(true) => t.evidence.push(
            Finding::new(format!(
                "{what} bounds how long a client may take to send its request (read-header timeout {}, read timeout {}){note}",
                shown(&s.read_header),
                shown(&s.read)
            ))
            .at(at),
        ),
        Some(false) => t.failures.push(
            Finding::new(format!(
                "{what} does not bound how long a client may take to send its request (read-header timeout {}, read timeout {}): a few slow clients can hold every connection (slowloris){note}",
                shown(&s.read_header),
                shown(&s.read)
            ))
            .at(at),
        ),
        None => t.unknowns.push(
            Finding::new(format!(
                "{what}: whether it bounds how long a client may take to send its request is unknown (read-header timeout {})",
                shown(&s.read_header)
            ))
            .at(at),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::fixture::run;
    use launchgate_core::{Finding, Outcome};

    /// The lines the findings point at.
    fn lines(findings: &[Finding]) -> Vec<u32> {
        findings
            .iter()
            .map(|f| f.location.as_ref().map_or(0, |l| l.line))
            .collect()
    }

    #[test]
    fn a_call_without_timeout_names_the_call_and_its_function() {
        let Outcome::Fail { findings, .. } = run("SAF-002", "fail_python_requests") else {
            panic!("expected a failure");
        };
        assert_eq!(
            findings[0].message,
            "`requests.get(...)` in `lookup` has no timeout: requests waits for ever without timeout="
        );
    }

    #[test]
    fn a_call_through_a_client_points_at_the_client_too() {
        let Outcome::Fail { findings, .. } = run("SAF-002", "fail_python_requests") else {
            panic!("expected a failure");
        };
        let places: Vec<(u32, Vec<(u32, u32)>)> = findings
            .iter()
            .map(|f| {
                (
                    f.location.as_ref().map_or(0, |l| l.line),
                    f.related.iter().map(|r| (r.line, r.column)).collect(),
                )
            })
            .collect();
        assert_eq!(
            places,
            [(7, vec![]), (11, vec![(3, 11)]), (12, vec![(3, 11)])],
            "the session's calls point at `requests.Session()` on line 3"
        );
    }

    #[test]
    fn what_the_code_accepted_is_listed_beside_the_failures() {
        let Outcome::Fail { findings, accepted } =
            run("SAF-002", "fail_python_one_accepted_one_not")
        else {
            panic!("expected a failure");
        };
        assert_eq!(lines(&findings), [7]);
        assert_eq!(lines(&accepted), [6]);
        assert_eq!(
            accepted[0].message,
            "accepted in the code (`nosec B113 -- loopback mirror`): `requests.get(...)` in `pull` has no timeout: requests waits for ever without timeout="
        );
    }

    #[test]
    fn what_the_code_accepted_is_listed_while_the_check_is_inconclusive() {
        let Outcome::Inconclusive {
            findings, accepted, ..
        } = run("SAF-002", "inconclusive_python_one_accepted_one_unknown")
        else {
            panic!("expected an inconclusive outcome");
        };
        assert_eq!(lines(&findings), [5]);
        assert_eq!(lines(&accepted), [9]);
        assert!(
            accepted[0].message.starts_with(
                "accepted in the code (`launchgate:ignore SAF-002 -- sidecar on loopback`)"
            ),
            "{}",
            accepted[0].message
        );
    }

    #[test]
    fn a_client_built_with_its_timeout_off_is_one_finding_naming_its_calls() {
        let Outcome::Fail { findings, .. } = run("SAF-002", "fail_python_client_with_timeout_off")
        else {
            panic!("expected a failure");
        };
        let places: Vec<(u32, Vec<u32>)> = findings
            .iter()
            .map(|f| {
                (
                    f.location.as_ref().map_or(0, |l| l.line),
                    f.related.iter().map(|r| r.line).collect(),
                )
            })
            .collect();
        assert!(
            findings[0]
                .message
                .ends_with("waits for ever, and so do the calls through it on lines 7, 15")
        );
        assert_eq!(
            places,
            [(3, vec![7, 15]), (19, vec![3])],
            "the calls that inherit `timeout=None` are the client's; one that sets its own is not"
        );
    }
}
