//! What of a selected file the layer could not read: a file the parser gave up on, or the lines
//! of a file it had to recover from, and which kinds of facts the prefilter's words there
//! announce. Computed only for those files, never on the path of a clean parse.

use serde::Serialize;
use tree_sitter::Node;

use crate::Language;
use crate::hits::{self, Hits};

/// Text of a file the prefilter selected that the layer could not read, and what it may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unread {
    pub why: Gap,
    /// The kinds of facts the prefilter's words in the unread text announce, sorted: the checks
    /// that read those kinds cannot rely on the absence of a fact there.
    pub topics: Vec<Topic>,
}

/// Why text went unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Gap {
    /// The parser gave up after `steps` progress checks (the budget of `bounded_parse`):
    /// nothing of the file was read.
    GaveUp { steps: usize },
    /// The parser recovered from syntax it did not understand; the first unreadable line that
    /// holds a word of the prefilter is `line` (1-based). Facts elsewhere in the file stand.
    SyntaxErrors { line: u32 },
}

impl Gap {
    /// `the parser gave up after 1,200 steps` / `syntax errors from line 7`.
    pub fn describe(&self) -> String {
        match self {
            Gap::GaveUp { steps } => format!("the parser gave up after {steps} steps"),
            Gap::SyntaxErrors { line } => format!("syntax errors from line {line}"),
        }
    }
}

/// A kind of fact, by the prefilter word that announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// Outbound HTTP calls, clients and the service's HTTP servers.
    Http,
    /// Signal handlers, shutdown hooks, graceful shutdown.
    Shutdown,
    /// Log calls that can write a secret.
    Logs,
    /// Retry libraries (hand-written retry loops are read around HTTP calls).
    Retry,
    /// Circuit breakers.
    Breaker,
    /// Database connection pools.
    Pool,
    /// Routes and their middleware.
    Route,
    /// Audit writes.
    Audit,
}

impl Topic {
    /// What facts of this kind are called in a message: `HTTP calls and servers`.
    pub fn facts(self) -> &'static str {
        match self {
            Topic::Http => "HTTP calls and servers",
            Topic::Shutdown => "signal handling and shutdown",
            Topic::Logs => "log calls",
            Topic::Retry => "retries",
            Topic::Breaker => "circuit breakers",
            Topic::Pool => "connection pools",
            Topic::Route => "routes and middleware",
            Topic::Audit => "audit writes",
        }
    }
}

const ALL: [Topic; 8] = [
    Topic::Http,
    Topic::Shutdown,
    Topic::Logs,
    Topic::Retry,
    Topic::Breaker,
    Topic::Pool,
    Topic::Route,
    Topic::Audit,
];

/// The prefilter's words of `language`, grouped by the kind of fact they announce: the one
/// list of them ([`Language::keywords`] is this list, flattened).
pub(crate) fn words(language: Language) -> &'static [(Topic, &'static [&'static str])] {
    match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => &[
            (
                Topic::Http,
                &[
                    "axios", "fetch(", "got(", "got.", "http.", "https.", "http2.", "express(",
                ],
            ),
            (
                Topic::Shutdown,
                &[
                    "SIGTERM",
                    "SIGINT",
                    "process.on(",
                    "process.once(",
                    "createTerminus",
                ],
            ),
            (Topic::Retry, &["pRetry(", "retry(", "axiosRetry("]),
            (Topic::Breaker, &["CircuitBreaker(", "circuitBreaker("]),
            (Topic::Pool, &["new Pool(", "knex(", "PrismaClient("]),
            (
                Topic::Route,
                &[
                    "Router(",
                    "fastify",
                    "Fastify(",
                    "@Controller(",
                    "@Get(",
                    "@Post(",
                    "@Put(",
                    "@Patch(",
                    "@Delete(",
                    "@UseGuards(",
                    "useGlobalGuards(",
                    // express-rate-limit's construction, whose `skip` exempts paths.
                    "rateLimit(",
                    "APP_GUARD",
                ],
            ),
            (Topic::Audit, &["audit", "Audit"]),
        ],
        Language::Python => &[
            (
                Topic::Http,
                &[
                    "requests.",
                    "httpx.",
                    "ClientSession",
                    "urlopen",
                    // Imported under another name (`import requests as rq`, `from requests
                    // import get`): the import line is a hit and the names it binds are
                    // followed.
                    "import requests",
                    "from requests import",
                    "import httpx",
                    "from httpx import",
                ],
            ),
            (
                Topic::Shutdown,
                &[
                    "SIGTERM",
                    "SIGINT",
                    "signal.signal",
                    "add_signal_handler",
                    "uvicorn",
                    "run_app",
                ],
            ),
            (
                Topic::Retry,
                &["retry(", "@retry", "Retrying(", "backoff.on_", "Retry("],
            ),
            (Topic::Breaker, &["CircuitBreaker(", "@circuit"]),
            (
                Topic::Pool,
                &[
                    "create_engine(",
                    "create_async_engine(",
                    "ConnectionPool(",
                    "create_pool(",
                ],
            ),
            (
                Topic::Route,
                &[
                    ".route(",
                    "@app.",
                    "@router.",
                    "@bp.",
                    "@api.",
                    "@blueprint.",
                    "Flask(",
                    "FastAPI(",
                    "APIRouter(",
                    "Blueprint(",
                    "Limiter(",
                    "add_middleware(",
                    "include_router(",
                    "before_request",
                    // Django (see `django`): URL configurations, DRF routers, views (a
                    // function whose first parameter is `request`, a class with one of
                    // Django's or DRF's view or guard-mixin bases: words start at a word, so
                    // each is named), their guards, and the settings that guard every view.
                    // From here to `@ratelimit` the words are hits only in a file that names
                    // Django or DRF (`hits::DJANGO_FIRST`): elsewhere `def handle(request)` is
                    // everyday Python.
                    "urlpatterns",
                    "DefaultRouter(",
                    "SimpleRouter(",
                    "(request)",
                    "(request,",
                    "(request:",
                    "View)",
                    "View,",
                    "TemplateView",
                    "RedirectView",
                    "ListView",
                    "DetailView",
                    "FormView",
                    "CreateView",
                    "UpdateView",
                    "DeleteView",
                    "LoginRequiredMixin",
                    "PermissionRequiredMixin",
                    "UserPassesTestMixin",
                    "APIView",
                    "GenericAPIView",
                    "ListAPIView",
                    "CreateAPIView",
                    "RetrieveAPIView",
                    "UpdateAPIView",
                    "DestroyAPIView",
                    "ListCreateAPIView",
                    "RetrieveUpdateAPIView",
                    "RetrieveDestroyAPIView",
                    "RetrieveUpdateDestroyAPIView",
                    "ViewSet",
                    "GenericViewSet",
                    "ModelViewSet",
                    "ReadOnlyModelViewSet",
                    "permission_classes",
                    "DEFAULT_PERMISSION_CLASSES",
                    "DEFAULT_THROTTLE_CLASSES",
                    "LoginRequiredMiddleware",
                    "@ratelimit",
                ],
            ),
            (Topic::Audit, &["audit", "Audit"]),
        ],
        Language::Go => &[
            (
                Topic::Http,
                &[
                    "http.Get",
                    "http.Head",
                    "http.Post",
                    "http.Client",
                    "http.DefaultClient",
                    "http.Server",
                    "http.ListenAndServe",
                    "http.Serve(",
                    "http.ServeTLS(",
                    "gin.Default",
                    "gin.New",
                ],
            ),
            (
                Topic::Shutdown,
                &["signal.Notify", ".Shutdown(", ".GracefulStop("],
            ),
            (Topic::Retry, &["backoff.New", "retryablehttp.NewClient"]),
            (Topic::Breaker, &["gobreaker.New", "hystrix."]),
            (
                Topic::Pool,
                &[
                    "sql.Open(",
                    "otelsql.Open(",
                    "sqlx.Open(",
                    "sqlx.Connect(",
                    "pgxpool.",
                    "http.Transport{",
                ],
            ),
            (
                Topic::Route,
                &[
                    "HandleFunc(",
                    ".Handle(",
                    ".GET(",
                    ".POST(",
                    ".PUT(",
                    ".PATCH(",
                    ".DELETE(",
                    ".HEAD(",
                    ".OPTIONS(",
                    ".Any(",
                    ".Group(",
                    ".Use(",
                    "echo.New",
                    "http.NewServeMux",
                    "mux.NewRouter",
                    "chi.NewRouter",
                    "chi.NewMux",
                    // chi: functions that take a router, middleware chains.
                    "chi.Mux",
                    "chi.Router",
                    ".With(",
                ],
            ),
            (Topic::Audit, &["audit", "Audit"]),
        ],
        Language::Java => &[
            (
                Topic::Http,
                &[
                    "HttpClient",
                    "HttpRequest",
                    "RestTemplate",
                    "HttpURLConnection",
                    "HttpsURLConnection",
                ],
            ),
            (Topic::Shutdown, &["addShutdownHook", "Signal.handle"]),
            (
                Topic::Retry,
                &["RetryConfig", "Retryable", "Retry.ofDefaults"],
            ),
            (Topic::Breaker, &["CircuitBreaker", "HystrixCommand"]),
            (Topic::Pool, &["HikariConfig", "HikariDataSource"]),
            (
                Topic::Route,
                &[
                    "@GetMapping",
                    "@PostMapping",
                    "@PutMapping",
                    "@PatchMapping",
                    "@DeleteMapping",
                    "@RequestMapping",
                    "SecurityFilterChain",
                    "WebSecurityConfigurerAdapter",
                ],
            ),
            (Topic::Audit, &["audit", "Audit"]),
        ],
    }
}

/// The topic of the prefilter keyword that starts at `at` in `text`.
fn topic_at(language: Language, text: &str, at: usize) -> Option<Topic> {
    let rest = text.get(at..)?;
    words(language)
        .iter()
        .find(|(_, words)| words.iter().any(|w| rest.starts_with(w)))
        .map(|(topic, _)| *topic)
}

/// The topics of the prefilter's hits that `keep` accepts (by byte offset), sorted. Without
/// hits (the prefilter could not be built) every topic, since nothing says which are absent.
fn topics_of(
    language: Language,
    text: &str,
    hits: Option<&Hits>,
    keep: impl Fn(usize) -> bool,
) -> Vec<Topic> {
    let owned;
    let hits = match hits {
        Some(h) => h,
        None => match hits::hits(language, text, &[]) {
            Some(h) => {
                owned = h;
                &owned
            }
            None => return ALL.to_vec(),
        },
    };
    let mut out: Vec<Topic> = hits
        .primary
        .iter()
        .filter(|at| keep(**at))
        .filter_map(|at| topic_at(language, text, *at))
        .collect();
    // A logger's binding is a hit only so that the calls read say what they write to.
    if hits
        .logs
        .iter()
        .any(|at| keep(*at) && hits::binds_logger(text, *at).is_none())
    {
        out.push(Topic::Logs);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A file the parser gave up on after `steps`: every topic its hits announce.
pub(crate) fn gave_up(language: Language, text: &str, hits: Option<&Hits>, steps: usize) -> Unread {
    Unread {
        why: Gap::GaveUp { steps },
        topics: topics_of(language, text, hits, |_| true),
    }
}

/// A tree with errors: the whole lines its error and missing nodes span, and the topics of the
/// hits on them that no fact was read from (`read`: the lines of the facts read, sorted);
/// `None` when there are none (the facts the checks need were read).
pub(crate) fn recovered(
    language: Language,
    text: &str,
    hits: Option<&Hits>,
    root: Node<'_>,
    read: &[u32],
) -> Option<Unread> {
    let lines = error_lines(root);
    if lines.is_empty() {
        return None;
    }
    // Line numbers of byte offsets, by binary search over the newlines (found once).
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |at: usize| -> u32 {
        u32::try_from(newlines.partition_point(|&n| n < at) + 1).unwrap_or(u32::MAX)
    };
    let in_error = |at: usize| {
        let l = line_of(at);
        lines.iter().any(|(a, b)| *a <= l && l <= *b) && read.binary_search(&l).is_err()
    };
    let topics = topics_of(language, text, hits, in_error);
    if topics.is_empty() {
        return None;
    }
    // The first error line that holds a hit.
    let all: Vec<usize> = match hits {
        Some(h) => h.primary.iter().chain(&h.logs).copied().collect(),
        None => hits::hits(language, text, &[])
            .map(|h| h.primary.into_iter().chain(h.logs).collect())
            .unwrap_or_default(),
    };
    let line = all
        .into_iter()
        .filter(|at| in_error(*at))
        .map(line_of)
        .min()
        .or_else(|| lines.first().map(|(a, _)| *a))
        .unwrap_or(1);
    Some(Unread {
        why: Gap::SyntaxErrors { line },
        topics,
    })
}

/// The 1-based line spans of the error and missing nodes of a tree, in tree order.
fn error_lines(root: Node<'_>) -> Vec<(u32, u32)> {
    let line = |row: usize| u32::try_from(row + 1).unwrap_or(u32::MAX);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            out.push((
                line(node.start_position().row),
                line(node.end_position().row),
            ));
            continue;
        }
        if !node.has_error() {
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn unread(language: Language, text: &str) -> Option<Unread> {
        crate::analyze_as(language, text).unread
    }

    #[test]
    fn syntax_errors_count_only_where_a_word_of_the_prefilter_went_unread() {
        // The call on the broken line is still read: nothing is missing.
        let read = "import axios from 'axios';\nexport const bad = ( => axios.post('/y');\n";
        let facts = crate::analyze_as(Language::TypeScript, read);
        assert!(facts.syntax_errors && facts.facts.len() == 1, "{facts:?}");
        assert_eq!(facts.unread, None);
        // Errors far from every word of the prefilter.
        let far = "import requests\n\ndef get():\n    return requests.get('/x', timeout=5)\n\ndef broken(:\n    pass\n";
        assert_eq!(unread(Language::Python, far), None);
        // A log call that can write a secret, swallowed by an unclosed parenthesis; the
        // logger's binding on line 2 is read, and does not count.
        let swallowed = "import logging\nlog = logging.getLogger(__name__)\ndef f(password):\n    log.info('pw %s', password\n\ndef g():\n    x = = 1\n";
        assert_eq!(
            unread(Language::Python, swallowed),
            Some(Unread {
                why: Gap::SyntaxErrors { line: 4 },
                topics: vec![Topic::Logs],
            })
        );
    }

    #[test]
    fn a_file_given_up_on_lists_the_topics_of_all_its_words() {
        let text = "process.on('SIGTERM', stop); export const p = new Pool({});\ne(n(&t=t.t{new e(t=t=ef f():\n";
        assert_eq!(
            unread(Language::TypeScript, text),
            Some(Unread {
                why: Gap::GaveUp {
                    steps: 1000 + text.len() / 4
                },
                topics: vec![Topic::Shutdown, Topic::Pool],
            })
        );
        assert_eq!(
            Gap::GaveUp { steps: 1020 }.describe(),
            "the parser gave up after 1020 steps"
        );
        assert_eq!(
            Gap::SyntaxErrors { line: 7 }.describe(),
            "syntax errors from line 7"
        );
    }

    #[test]
    fn no_word_has_two_topics() {
        for lang in [
            Language::TypeScript,
            Language::Python,
            Language::Go,
            Language::Java,
        ] {
            let mut seen = BTreeSet::new();
            for (_, words) in words(lang) {
                for w in *words {
                    assert!(seen.insert(*w), "{lang:?}: `{w}` is listed twice");
                }
            }
        }
    }
}
