//! SAF-003 retries-with-backoff: Every retried dependency (`retries` above 0) backs off
//! exponentially with jitter and retries a bounded number of times.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::code::{Delay, FactKind, Limit, Retry, Topic};
use launchgate_evidence::deps::Capability;

use crate::kit::code;
use crate::kit::finish::{Tally, conclude};
use crate::kit::libraries::{library_findings, shipped_libraries};
use crate::kit::manifest::at;
use crate::{Check, CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every retried dependency (`retries` above 0) backs off exponentially with jitter and
    /// retries a bounded number of times: it has a `backoff` with `multiplier` above 1 and
    /// `jitter: true`, and `retries` is at most the policy's `max_retries` (default 5).
    ///
    /// A retry library among the service's runtime dependencies (p-retry, async-retry,
    /// tenacity, backoff, resilience4j-retry, Polly, cenkalti/backoff, backon, ...) is evidence
    /// that retries are done by a library rather than by hand: it makes a passing result
    /// proven, and passes on its own when the manifest declares no retried dependency. It does
    /// not replace the declared policy: a declared dependency whose retries are unbounded or
    /// lack jitter still fails, whatever library runs them.
    ///
    /// The service's own source (see SAF-002) proves or contradicts the declared policy: each
    /// retry-library call, decorator or configuration with its settings as written (p-retry,
    /// async-retry and axios-retry; tenacity's `@retry(stop=..., wait=...)`, backoff's
    /// `@backoff.on_exception`, urllib3's `Retry(total=, backoff_factor=)`; cenkalti/backoff and
    /// go-retryablehttp; resilience4j's `RetryConfig` and Spring's `@Retryable`), a setting left
    /// out counting as the library's default, and each hand-written retry loop: a `for`/`while`
    /// loop around an outbound HTTP call that sleeps between attempts and leaves on success. A
    /// retry that waits a fixed delay, retries at once, backs off without jitter, or retries
    /// without a bound (`while True` with no counter, tenacity without `stop=`) fails, named by
    /// file, line and function; a library that backs off exponentially with jitter and a bound
    /// is evidence. Delays the code computes in ways launchgate cannot read prove nothing. When
    /// the code's retries are judged on their own (no retried dependency declared), a source
    /// file whose retries or HTTP calls could not be read (the parser gave up on it, or syntax
    /// errors cover them) makes a pass inconclusive, naming the file; beside declared policies,
    /// such a file leaves the pass attested on the declarations rather than proven.
    ///
    /// ## Why it matters
    /// Retries turn a brief blip into a success, and a real outage into a flood. Immediate or
    /// fixed-delay retries from every instance hit a struggling dependency again at the same
    /// moment, multiplying its load exactly when it can least take it; without jitter, clients
    /// that failed together retry together. Beyond a handful of attempts a retry only delays the
    /// error the caller will see anyway.
    ///
    /// ## How to fix
    /// For each dependency with `retries`, add `backoff: {initial_ms: 100, multiplier: 2,
    /// max_ms: 2000, jitter: true}` (use your retry library's equivalent: full or equal
    /// jitter), and keep `retries` at 3 to 5. Retry only idempotent calls, and only on errors
    /// that can succeed on a second attempt (timeouts, 503, connection resets). Prefer a retry
    /// library to a hand-written loop: it gets the backoff and jitter right once.
    ///
    /// ## Example
    /// ```yaml fails
    /// dependencies:
    ///   - name: inventory-api
    ///     kind: http
    ///     timeout_ms: 300
    ///     retries: 3
    ///     backoff: {initial_ms: 200, multiplier: 1}   # fixed delay, no jitter
    /// ```
    /// ```yaml passes
    /// dependencies:
    ///   - name: inventory-api
    ///     kind: http
    ///     timeout_ms: 300
    ///     retries: 3
    ///     backoff: {initial_ms: 100, multiplier: 2, max_ms: 1000, jitter: true}
    /// ```
    /// ```python fails path=app/quotes.py
    /// import time
    ///
    /// import requests
    ///
    /// def quote(order):
    ///     for attempt in range(5):
    ///         try:
    ///             return requests.post("https://carrier.example/quote", json=order, timeout=3)
    ///         except requests.RequestException:
    ///             time.sleep(2)   # the same 2 s for every client, every time
    /// ```
    /// ```python passes path=app/quotes.py
    /// import requests
    /// from tenacity import retry, stop_after_attempt, wait_random_exponential
    ///
    /// @retry(stop=stop_after_attempt(4), wait=wait_random_exponential(multiplier=0.2, max=5))
    /// def quote(order):
    ///     return requests.post("https://carrier.example/quote", json=order, timeout=3)
    /// ```
    /// ```toml passes path=pyproject.toml
    /// [project]
    /// name = "shipping-quotes"
    /// dependencies = [
    ///   "httpx>=0.28",
    ///   "tenacity>=9.0",   # retries with wait_random_exponential and stop_after_attempt
    /// ]
    /// ```
    ///
    /// ## References
    /// Seed 003, "Retries with exponential backoff and jitter"; AWS Architecture Blog,
    /// "Exponential Backoff And Jitter"; Google SRE book, "Addressing Cascading Failures".
    pub struct RetriesWithBackoff {
        id: "SAF-003", slug: "retries-with-backoff", category: Safety, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "L D S", effort: 3,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Evaluate for RetriesWithBackoff {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let deps = &cx.manifest.dependencies;
        let libs = shipped_libraries(cx, Capability::Retries);
        let lib_evidence = library_findings(&libs, "a retry library is in use");
        let code = code_retries(cx);
        let code_found =
            !(code.failures.is_empty() && code.unknowns.is_empty() && code.evidence.is_empty());
        if deps.iter().all(|d| d.retries == 0) && code_found {
            // Nothing declared is retried, but the code retries: it is judged on its own.
            let mut t = code;
            t.evidence.extend(lib_evidence);
            return code::conclude(
                self.meta().id,
                t,
                cx,
                "L S",
                &[Topic::Retry, Topic::Http],
                "",
            );
        }
        if deps.is_empty() {
            if !lib_evidence.is_empty() {
                // The service retries something: the library shows how, nothing declares what.
                return conclude(cx, "L", Vec::new(), lib_evidence, "");
            }
            return Outcome::not_applicable(
                "the manifest declares no dependencies (`dependencies`)",
            );
        }
        if deps.iter().all(|d| d.retries == 0) {
            if !lib_evidence.is_empty() {
                return conclude(cx, "L", Vec::new(), lib_evidence, "");
            }
            let on = match deps.len() {
                1 => "the only dependency".to_string(),
                n => format!("all {n} dependencies"),
            };
            return Outcome::not_applicable(format!(
                "no dependency is retried (`retries` is 0 or absent on {on})"
            ));
        }
        let max = cx.options.max_retries;
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for (i, d) in deps.iter().enumerate() {
            if d.retries == 0 {
                continue;
            }
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            let before = findings.len();
            if d.retries > max {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` retries {} times; the policy allows at most {max} (`max_retries`)",
                        d.name,
                        d.retries
                    ))
                    .at(at(cx, &format!("{p}/retries")))
                    .resource(resource.clone()),
                );
            }
            let Some(b) = &d.backoff else {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` retries up to {} with no `backoff`: every retry fires immediately",
                        d.name,
                        plural(d.retries, "time", "times")
                    ))
                    .at(at(cx, &format!("{p}/backoff")))
                    .resource(resource),
                );
                continue;
            };
            if b.multiplier <= 1.0 {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` backs off with a fixed {} ms delay (`multiplier: {}`); use a multiplier above 1 so delays grow",
                        d.name, b.initial_ms, b.multiplier
                    ))
                    .at(at(cx, &format!("{p}/backoff/multiplier")))
                    .resource(resource.clone()),
                );
            }
            if !b.jitter {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` backs off without jitter (`backoff.jitter` is not true): clients that fail together retry together",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/backoff/jitter")))
                    .resource(resource.clone()),
                );
            }
            if findings.len() == before {
                let cap = b
                    .max_ms
                    .map_or_else(String::new, |m| format!(", capped at {m} ms"));
                evidence.push(
                    Finding::new(format!(
                        "dependency `{}`: {} (policy max {max}), backoff from {} ms x{}{cap}, with jitter",
                        d.name,
                        plural(d.retries, "retry", "retries"),
                        b.initial_ms,
                        b.multiplier
                    ))
                    .at(at(cx, &format!("{p}/backoff")))
                    .resource(resource),
                );
            }
        }
        // The code contradicts the declared policy where it retries otherwise.
        let declared = at(cx, "/dependencies");
        findings.extend(
            code.failures
                .into_iter()
                .map(|f| f.related(declared.clone())),
        );
        if findings.is_empty() {
            // The declared policies pass on their own; a library in use, or retries in the code
            // that back off with jitter, make them proven. Code whose backoff cannot be read
            // proves nothing.
            let mut repo = lib_evidence;
            repo.extend(code.evidence);
            let topics = [Topic::Retry, Topic::Http];
            code::conclude_with_claim(cx, "L S", &topics, repo, evidence, true)
        } else {
            Outcome::fail(findings)
        }
    }
}

/// The retries of the service's code, judged: fixed delays, immediate retries, backoff without
/// jitter and unbounded retries fail; exponential backoff with jitter and a bound is evidence;
/// what cannot be read is unknown.
fn code_retries(cx: &CheckContext<'_>) -> Tally {
    let mut t = Tally::default();
    for (path, fact) in cx.evidence.source.facts() {
        let FactKind::Retry(r) = &fact.kind else {
            continue;
        };
        let at = Some(code::at(path, fact));
        let inside = code::inside(fact);
        let what = if r.library == "loop" {
            format!("the retry loop `{}`{inside}", r.text)
        } else {
            format!("the {} retry `{}`{inside}", r.library, r.text)
        };
        judge(&mut t, r, &what, at, cx.options.max_retries);
    }
    t
}

fn judge(t: &mut Tally, r: &Retry, what: &str, at: Option<Location>, max: u32) {
    let mut problems: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    match &r.delay {
        Delay::Fixed { value } => problems.push(format!(
            "waits a fixed delay (`{value}`) between attempts: clients that fail together retry in step; back off exponentially with jitter"
        )),
        Delay::Immediate { why } => problems.push(format!("retries at once ({why})")),
        Delay::Exponential { value } => match r.jitter {
            Some(false) => problems.push(format!(
                "backs off exponentially (`{value}`) without jitter: clients that fail together retry together"
            )),
            None => unknown.push("whether it adds jitter cannot be read".to_string()),
            Some(true) => {}
        },
        Delay::Unknown { why } => unknown.push(format!("how it backs off cannot be read: {why}")),
    }
    let limit = match &r.limit {
        Limit::Set { value } => {
            if let Ok(n) = value.trim().parse::<u32>()
                && n > max
            {
                problems.push(format!(
                    "retries up to {n} times; the policy allows at most {max} (`max_retries`)"
                ));
            }
            format!("bounded by `{value}`")
        }
        Limit::Default { value } => format!("bounded by the default, {value}"),
        Limit::Unbounded { why } => {
            problems.push(format!("retries without a bound ({why})"));
            String::new()
        }
        Limit::Unknown { why } => {
            unknown.push(format!("its bound cannot be read: {why}"));
            String::new()
        }
    };
    if !problems.is_empty() {
        t.failures
            .push(Finding::new(format!("{what} {}", problems.join("; "))).at(at));
    } else if !unknown.is_empty() {
        t.unknowns
            .push(Finding::new(format!("{what}: {}", unknown.join("; "))).at(at));
    } else if let Delay::Exponential { value } = &r.delay {
        t.evidence.push(
            Finding::new(format!(
                "{what} backs off exponentially (`{value}`) with jitter, {limit}"
            ))
            .at(at),
        );
    }
}
