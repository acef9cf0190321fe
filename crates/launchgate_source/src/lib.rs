//! The source layer: located facts from the concrete syntax trees (tree-sitter) of a service's
//! own code. It owns which files count as source, the cheap keyword prefilter that decides which
//! of them are parsed, and the facts read from a tree: outbound HTTP client calls and client
//! constructions with their timeouts, and the service's own HTTP servers with theirs; and, in
//! [`migrations`], the service's database migrations with their down steps and locking DDL.
//!
//! One file in, facts out: no I/O, no tree or text kept. Values the code computes at run time
//! stay [`Timeout::Unknown`]; nothing is guessed.

pub mod accepted;
pub mod audit;
mod breakers;
pub mod django;
mod golang;
mod hits;
mod java;
mod js;
pub mod lines;
mod logs;
pub mod migrations;
mod pools;
mod python;
mod ranges;
mod retries;
mod routes;
mod shutdown;
mod syntax;
mod text;
mod tree;
mod unread;

use std::cell::RefCell;
use std::sync::LazyLock;

use serde::Serialize;

pub use logs::name_words;
pub use unread::{Gap, Topic, Unread};

/// A language the source layer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    TypeScript,
    Tsx,
    JavaScript,
    Python,
    Go,
    Java,
}

impl Language {
    /// The language of a repository-relative path, if it is source the layer reads (by
    /// extension).
    pub fn of(path: &str) -> Option<Language> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "ts" | "mts" | "cts" if !name.ends_with(".d.ts") => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "py" => Language::Python,
            "go" => Language::Go,
            "java" => Language::Java,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::TypeScript => "TypeScript",
            Language::Tsx => "TSX",
            Language::JavaScript => "JavaScript",
            Language::Python => "Python",
            Language::Go => "Go",
            Language::Java => "Java",
        }
    }

    fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }

    /// Words without which a file of this language holds none of the facts the layer reads:
    /// each fact starts at a call or construction the layer names in full (`requests.get`,
    /// `axios.create`, `http.Client{...}`, `HttpClient.newBuilder`), and every client a call
    /// goes through is built in the same file, so a file without one of these words has none.
    /// They are as narrow as that allows: `requests.`, not `requests` (a word prose and
    /// docstrings use), `fetch(`, not `fetch` (`fetchOrders`), `http.Get`, not `net/http` (a
    /// handler-only file). Signal handlers, shutdown hooks and log calls add theirs: the signal
    /// names, the shutdown calls, and the logger names as a receiver (`log.`, `logger.`). Retry
    /// libraries and circuit breakers add the calls they are used through (`pRetry(`, `@retry`,
    /// `backoff.New`, `CircuitBreaker(`); hand-written retry loops add none: a loop is a retry
    /// loop only around an outbound call, so it is read only in a file selected for the call.
    ///
    /// The words are listed once, grouped by the kind of fact they announce, in
    /// `unread::words` (the unread text of a file names those kinds); this is that list,
    /// flattened.
    fn keywords(self) -> &'static [&'static str] {
        fn flat(l: Language) -> Vec<&'static str> {
            unread::words(l)
                .iter()
                .flat_map(|(_, words)| words.iter().copied())
                .collect()
        }
        static SCRIPT: LazyLock<Vec<&'static str>> = LazyLock::new(|| flat(Language::JavaScript));
        static PYTHON: LazyLock<Vec<&'static str>> = LazyLock::new(|| flat(Language::Python));
        static GO: LazyLock<Vec<&'static str>> = LazyLock::new(|| flat(Language::Go));
        static JAVA: LazyLock<Vec<&'static str>> = LazyLock::new(|| flat(Language::Java));
        match self {
            Language::TypeScript | Language::Tsx | Language::JavaScript => &SCRIPT,
            Language::Python => &PYTHON,
            Language::Go => &GO,
            Language::Java => &JAVA,
        }
    }

    /// Words a log call or a logger's construction starts with. A log call is parsed only when
    /// it can write a secret (see `hits`): every service logs, few log a secret.
    fn log_words(self) -> &'static [&'static str] {
        match self {
            Language::TypeScript | Language::Tsx | Language::JavaScript => &[
                "console.", "log.", "logger.", "Logger.", "pino", "winston", "bunyan", "debug(",
            ],
            Language::Python => &[
                "logging",
                "logger.",
                "logger().",
                "log.",
                "LOG.",
                "LOGGER.",
                "structlog",
                "print(",
                "pprint(",
                "sys.stdout.",
                "sys.stderr.",
            ],
            Language::Go => &[
                "log.",
                "slog.",
                "zap.",
                "logrus.",
                "logger.",
                "Logger.",
                "fmt.Print",
                "glog.",
                "klog.",
            ],
            Language::Java => &[
                "log.",
                "LOG.",
                "logger.",
                "LOGGER.",
                "Logger.",
                "LogManager.",
                "LoggerFactory.",
                "System.out.",
                "System.err.",
            ],
        }
    }

    /// Whether the prefilter selects source text of this language for parsing: it holds a
    /// keyword, or a log call that can write a secret (see `hits`). A word that starts with a
    /// letter must start a word in the text too: `log.` in `catalog.items` or `got(` in
    /// `forgot(` does not select a file (a logger's name may start with underscores:
    /// `self._logger.info(...)`).
    pub fn selects(self, text: &str) -> bool {
        hits::hits(self, text, &[]).is_none_or(|h| !h.is_empty())
    }
}

/// Whether a repository-relative path is the service's own source: a language the layer reads,
/// not vendored or installed code, not a test.
pub fn is_service_source(path: &str) -> Option<Language> {
    let lang = Language::of(path)?;
    let mut parts = path.split('/');
    let name = parts.next_back().unwrap_or(path);
    for dir in parts {
        if matches!(
            dir,
            "node_modules"
                | "vendor"
                | "third_party"
                | "site-packages"
                | ".venv"
                | "venv"
                | "dist"
                | "build"
                | "__tests__"
                | "__mocks__"
                | "test"
                | "tests"
                | "testdata"
                | "spec"
                | "e2e"
        ) {
            return None;
        }
    }
    let stem = name.split('.').next().unwrap_or(name);
    let test = match lang {
        Language::Go => name.ends_with("_test.go"),
        Language::Python => {
            stem.starts_with("test_") || stem.ends_with("_test") || name == "conftest.py"
        }
        Language::Java => stem.ends_with("Test") || stem.ends_with("Tests") || stem.ends_with("IT"),
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            name.contains(".test.") || name.contains(".spec.") || name.contains(".min.")
        }
    };
    (!test).then_some(lang)
}

/// Why a JavaScript or TypeScript file of the service's tree runs in a user's browser rather
/// than on the service's servers, if it does: its directives open with `'use client'` (React
/// Server Components' marker for browser code), or it is a JSX/TSX file in a `components/` or
/// `hooks/` folder (React's folders for UI code) that does not declare `'use server'`. Its
/// calls and logs are the browser's, not the service's: a browser `fetch` without a timeout
/// is a page that waits, not a server thread held.
pub fn browser_code(path: &str, text: &str) -> Option<&'static str> {
    if !matches!(
        Language::of(path)?,
        Language::TypeScript | Language::Tsx | Language::JavaScript
    ) {
        return None;
    }
    let directives = directives(text);
    if directives.contains(&"use client") {
        return Some("'use client'");
    }
    let jsx = path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext == "tsx" || ext == "jsx");
    let mut dirs = path.split('/').rev().skip(1);
    if jsx && !directives.contains(&"use server") && dirs.any(|d| d == "components" || d == "hooks")
    {
        return Some("React components");
    }
    None
}

/// The directive prologue of a JavaScript file: the string-literal statements before any other
/// (`'use strict'`, `"use client"`), after a byte-order mark, a `#!` line and comments.
fn directives(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches('\u{feff}');
    if rest.starts_with("#!") {
        rest = rest.find('\n').map_or("", |i| &rest[i..]);
    }
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.find('\n').map_or("", |i| &r[i..]);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map_or("", |i| &r[i + 2..]);
        } else if let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let body = &rest[1..];
            let Some(end) = body.find(quote) else {
                return out;
            };
            let value = &body[..end];
            if value.contains('\n') {
                return out;
            }
            let after = body[end + 1..].trim_start_matches([' ', '\t']);
            // A directive is a whole statement: `'use client';` or the string alone on its
            // line; `'a' + b` is an expression.
            if !(after.starts_with(';')
                || after.starts_with('\n')
                || after.starts_with('\r')
                || after.is_empty())
            {
                return out;
            }
            out.push(value);
            rest = after.strip_prefix(';').unwrap_or(after);
        } else {
            return out;
        }
    }
}

/// The facts of one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    pub language: Language,
    /// Whether the keyword prefilter selected the file and it was parsed. A file not parsed
    /// holds none of the words the facts need.
    pub parsed: bool,
    /// Whether the parser had to recover from syntax it did not understand (facts from the rest
    /// of the file stand), or gave up on the file (then `parsed` is false and it has no facts:
    /// malformed text that would have kept the parser busy for minutes).
    pub syntax_errors: bool,
    /// What of the file could not be read where the prefilter's words are, and the kinds of
    /// facts those words announce: the parser gave up on the file, or its syntax errors cover
    /// lines with such words. `None` when every line that can hold a fact was read (syntax
    /// errors elsewhere in the file do not count).
    pub unread: Option<Unread>,
    /// In source order.
    pub facts: Vec<Fact>,
}

/// One located fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The name of the enclosing function or method, if any.
    pub function: Option<String>,
    pub kind: FactKind,
    /// A comment accepting findings here (`// #nosec G112`, `# launchgate:ignore SAF-002`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<accepted::Accepted>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "kebab-case")]
pub enum FactKind {
    /// An outbound HTTP call.
    Call(Call),
    /// An HTTP client (or session) built in this file.
    Client(Client),
    /// An HTTP server the service runs.
    Server(Server),
    /// A signal handler, shutdown hook or graceful server shutdown.
    Shutdown(Shutdown),
    /// A log call and the names of the values it writes.
    Log(Log),
    /// A retry: a retry library's call, decorator or configuration, or a hand-written retry
    /// loop, with its limit, delay and jitter as written.
    Retry(Retry),
    /// A circuit breaker: a breaker library's wrapper around a function or call, and whether
    /// it has a fallback.
    Breaker(Breaker),
    /// A database connection pool built in the file, with its maximum size.
    Pool(Pool),
    /// An HTTP route the service registers, with the middleware that applies to it.
    Route(Route),
    /// Authentication or rate-limiting middleware registered for a whole app, router or group
    /// (`app.use(auth)`, `r.Use(limiter)`, a Spring `SecurityFilterChain`).
    Middleware(Middleware),
    /// A write to an audit log (`audit.log(...)`, `auditLogger.info(...)`, `new AuditEvent(...)`).
    Audit(Audit),
    /// A view a route of another file can name (a Django view function or class), with its
    /// guards: the review joins routes to their views (see [`django::link`]).
    View(View),
}

/// A view function or class that routes of another file name (see [`django`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct View {
    /// `django`, or `django-rest-framework` for a DRF view (`@api_view`, `APIView`, viewsets).
    pub framework: &'static str,
    /// The function's or class's name.
    pub name: String,
    /// `def name` or `class name`.
    pub text: String,
    /// Its decorators, guard mixins and `permission_classes` / `throttle_classes`, in order.
    pub guards: Vec<Guard>,
}

/// A database connection pool and its maximum size (see `pools`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pool {
    /// `pg`, `knex`, `prisma`, `sqlalchemy`, `psycopg_pool`, `asyncpg`, `database/sql`,
    /// `pgxpool`, `hikaricp`, or `net/http` for a Go `http.Transport` (outbound HTTP
    /// connections per host).
    pub library: &'static str,
    /// The construction as written, without its arguments.
    pub text: String,
    /// The most connections it opens: as written, the library's default, unbounded
    /// (`database/sql` without `SetMaxOpenConns`), or unknown.
    pub max: Limit,
}

/// A retry and how it backs off (see `retries`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retry {
    /// `p-retry`, `async-retry`, `axios-retry`, `tenacity`, `backoff`, `urllib3`,
    /// `cenkalti/backoff`, `go-retryablehttp`, `resilience4j`, `spring-retry`, or `loop` for a
    /// hand-written retry loop.
    pub library: &'static str,
    /// The call or decorator as written, without its arguments (`@retry(...)`), or a loop's
    /// header (`while True:`).
    pub text: String,
    /// How many times it tries.
    pub limit: Limit,
    /// How long it waits between attempts.
    pub delay: Delay,
    /// Whether the delays are randomised; `None` when that cannot be read.
    pub jitter: Option<bool>,
}

/// How many times a retry tries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Limit {
    /// Bounded, as written (`5`, `range(5)`, `attempt < max_attempts`, `a counter`).
    Set { value: String },
    /// Not written, and the library's default bounds it.
    Default { value: &'static str },
    /// Nothing bounds it: it retries until the call succeeds.
    Unbounded { why: &'static str },
    /// Set by something the layer cannot read.
    Unknown { why: String },
}

/// How long a retry waits between attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "shape", rename_all = "kebab-case")]
pub enum Delay {
    /// The delay grows (a factor above 1, `2 ** attempt`, `delay *= 2`), as written.
    Exponential { value: String },
    /// The same delay every time, as written.
    Fixed { value: String },
    /// No delay at all.
    Immediate { why: &'static str },
    /// Computed in a way the layer cannot read.
    Unknown { why: String },
}

/// A circuit breaker (see `breakers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breaker {
    /// `opossum`, `cockatiel`, `pybreaker`, `aiobreaker`, `purgatory`, `gobreaker`,
    /// `hystrix-go`, `resilience4j`, `spring-cloud-hystrix`.
    pub library: &'static str,
    /// The construction, call or annotation as written, without its arguments.
    pub text: String,
    /// What it wraps: the function or call as written, when readable.
    pub wraps: Option<String>,
    /// Whether a fallback is set; `None` when that cannot be read.
    pub fallback: Option<bool>,
    /// The lines of the outbound HTTP calls of the file it wraps (inside its call, or in the
    /// function it wraps).
    pub calls: Vec<u32>,
}

/// An HTTP route registration (see `routes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// `express`, `fastify`, `nestjs`, `flask`, `fastapi`, `django`, `net/http`, `gin`, `echo`,
    /// `chi`, `spring`.
    pub framework: &'static str,
    /// `GET`, `POST`, ... in capitals, or `ANY` when the registration takes every method.
    pub method: String,
    /// The path as written (shortened); `None` when the code computes it.
    pub path: Option<String>,
    /// The registration as written, without its arguments: `app.get(...)`, `@GetMapping(...)`.
    pub text: String,
    /// The middleware, guards and decorators that apply, in order: those registered app-,
    /// router- or group-wide earlier in the file first, then the route's own (at most 16).
    pub guards: Vec<Guard>,
    /// Why middleware registered in another file may apply too, when the code shows such
    /// wiring (a router or plugin mounted elsewhere): the route's authentication is then
    /// unknown unless a guard here says it.
    pub elsewhere: Option<&'static str>,
    /// The view a Django route names when it is not read here: `views.order_list` (module and
    /// name), or a name of the same file; joined to its [`View`] by [`django::link`].
    pub view: Option<String>,
}

impl Route {
    /// The first guard of `role`.
    pub fn guard(&self, role: Role) -> Option<&Guard> {
        self.guards.iter().find(|g| g.role == role)
    }
}

/// A middleware, guard or decorator that applies to a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guard {
    /// As written (shortened): `auth`, `passport.authenticate(...)`, `Depends(get_current_user)`.
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    /// The 1-based line it is registered on.
    pub line: u32,
}

/// What a guard reads as, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Authentication or authorization: `auth`, `jwt`, `passport`, `login_required`,
    /// `get_current_user`, `AuthGuard`, `@PreAuthorize`, ...
    Auth,
    /// Rate limiting: `rateLimit`, `limiter`, `throttle`, `tollbooth`, `@RateLimiter`, ...
    RateLimit,
    /// Exempts the route from an app-wide rate limit: `@limiter.exempt` (Flask-Limiter,
    /// slowapi), `@SkipThrottle()` (NestJS), a path an express-rate-limit `skip` returns true for.
    RateLimitExempt,
    /// Declares the route public: `@Public()`, `AllowAny`, `@PermitAll`, `skipAuth`.
    Public,
    /// A name that says neither.
    Other,
}

/// Where a guard is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// On the route itself.
    Route,
    /// On a router, group, blueprint or controller class the route belongs to.
    Group,
    /// On the whole app or server.
    App,
}

/// Middleware registered for more than one route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Middleware {
    pub framework: &'static str,
    /// The registration as written, without its arguments: `app.use(...)`.
    pub text: String,
    pub guard: Guard,
}

/// A write to an audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// The call or construction as written, without its arguments: `audit.log(...)`.
    pub text: String,
}

/// How the code stops: a signal handler, a shutdown hook, a graceful server shutdown, or a
/// server that handles SIGTERM itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shutdown {
    /// `os/signal`, `signal`, `asyncio`, `process`, `java.lang.Runtime`, `net/http`, `uvicorn`,
    /// ...
    pub library: &'static str,
    /// The callee as written, without its arguments: `signal.Notify(...)`.
    pub text: String,
    pub stop: Stop,
    /// The signals a handler names, as written (shortened); empty for the other kinds, and for
    /// Go's `signal.Notify(ch)`, which relays every signal.
    pub signals: Vec<String>,
    /// Whether it runs when the process gets SIGTERM; `None` when the signals it names cannot
    /// be read (a variable, a spread list). Always `Some(true)` for the kinds other than
    /// [`Stop::Handler`].
    pub sigterm: Option<bool>,
}

/// What a [`Shutdown`] fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// A handler for signals: `signal.Notify`, `signal.NotifyContext`, `signal.signal`,
    /// `loop.add_signal_handler`, `process.on('SIGTERM', ...)`, `Signal.handle(...)`.
    Handler,
    /// A JVM shutdown hook (`Runtime.getRuntime().addShutdownHook`), which the JVM runs on
    /// SIGTERM.
    Hook,
    /// A server closed gracefully: Go `srv.Shutdown(ctx)`, gRPC `GracefulStop()`, Node
    /// `server.close(...)` of a server started in the file.
    Drain,
    /// A server that handles SIGTERM and drains by itself: `uvicorn.run(...)`,
    /// `aiohttp.web.run_app(...)`, terminus's `createTerminus(server, ...)`.
    Framework,
}

/// A log call: the logger, the names of the values it writes, and how its message is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Log {
    /// `logging`, `structlog`, `console`, `pino`, `winston`, `bunyan`, `log`, `log/slog`,
    /// `zap`, `logrus`, `slf4j`, or `logger` when the logger is not built in the file.
    pub library: &'static str,
    /// The callee as written, without its arguments: `logger.info(...)`.
    pub text: String,
    /// Whether the logger writes structured records (structlog, pino, winston, bunyan, slog,
    /// zap, logrus).
    pub structured: bool,
    /// The names of the values the call writes, in order, each once (at most 32): identifiers,
    /// the last part of a member access (`user.email` gives `email`), getters
    /// (`user.getPassword()`), keyword-argument names, dictionary, object and field keys
    /// (`{"token": t}`, `zap.String("token", t)`, slog's `"token", t`), string subscripts
    /// (`headers["Authorization"]`). Never a value, and nothing inside a call other than
    /// formatting (`str`, `format`, `fmt.Sprintf`, `JSON.stringify`): a value passed through
    /// `mask(token)` is not the token.
    pub names: Vec<String>,
    /// How the message is built when it is not a literal: `by concatenation`, `in an f-string`,
    /// `in a template literal`, `with % formatting`, `with str.format`, `with fmt.Sprintf`.
    pub built: Option<&'static str>,
    /// Whether the call spreads fields whose names cannot be read (`**fields`, `...fields`,
    /// `args...`).
    pub spread: bool,
    /// The 1-based line the call ends on (the line it starts on is the fact's).
    pub end_line: u32,
    /// Whether the call's text holds a word a sensitive name contains (`password`, `token`,
    /// `email`, ...) or spreads fields: the log calls the prefilter always keeps, so a count of
    /// these does not depend on how much of a file was parsed. Not part of the evidence's
    /// contract.
    #[serde(skip)]
    pub may_be_sensitive: bool,
}

/// An outbound HTTP call and the timeout it runs with (its own, or its client's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    /// The client library: `requests`, `axios`, `net/http`, ...
    pub library: &'static str,
    /// The callee as written, without its arguments: `requests.get(...)`.
    pub text: String,
    pub timeout: Timeout,
    /// The line of the client construction the call goes through, when the timeout is the
    /// client's.
    pub client_line: Option<u32>,
}

/// An HTTP client built in the file, with its own timeout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Client {
    pub library: &'static str,
    pub text: String,
    pub timeout: Timeout,
    /// How many calls in the same file go through it.
    pub uses: u32,
}

/// An HTTP server the service runs, with the timeouts that bound a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Server {
    pub library: &'static str,
    pub text: String,
    /// How long a client may take to send the request headers (Go `ReadHeaderTimeout`, Node
    /// `headersTimeout`): the slowloris guard.
    pub read_header: Timeout,
    /// How long a client may take to send the whole request (Go `ReadTimeout`, Node
    /// `requestTimeout`): a guard too.
    pub read: Timeout,
    pub write: Timeout,
    pub idle: Timeout,
}

impl Server {
    /// Whether something bounds how long a client may take to send its request, or `None`
    /// when that cannot be known.
    pub fn guarded(&self) -> Option<bool> {
        let states = [&self.read_header, &self.read];
        if states.iter().any(|t| t.bounds()) {
            return Some(true);
        }
        if states.iter().any(|t| matches!(t, Timeout::Unknown { .. })) {
            return None;
        }
        Some(false)
    }
}

/// A timeout as the code sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Timeout {
    /// Set, to the value as written (a literal, a constant or an expression).
    Set { value: String },
    /// Not set, and the library's default bounds it.
    Default { value: &'static str },
    /// Not set, and nothing bounds it.
    Missing { why: &'static str },
    /// Explicitly no timeout (`timeout=None`, `timeout: 0`).
    Disabled { value: String },
    /// Set by something the layer cannot read (a spread of options built elsewhere).
    Unknown { why: String },
}

impl Timeout {
    /// Whether the timeout bounds the wait.
    pub fn bounds(&self) -> bool {
        matches!(self, Timeout::Set { .. } | Timeout::Default { .. })
    }

    fn set(value: &str) -> Timeout {
        Timeout::Set {
            value: short(value),
        }
    }

    fn disabled(value: &str) -> Timeout {
        Timeout::Disabled {
            value: short(value),
        }
    }
}

/// Text of the repository shortened to one line of at most 60 characters.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(60).collect();
    if out.len() < line.len() {
        out.push_str("...");
    }
    out
}

thread_local! {
    static PARSER: RefCell<tree_sitter::Parser> = RefCell::new(tree_sitter::Parser::new());
}

/// The facts of one file of the service's source (see [`is_service_source`]); `None` for a path
/// that is not.
pub fn analyze(path: &str, text: &str) -> Option<FileFacts> {
    analyze_with_secrets(path, text, &[])
}

/// [`analyze`], told where in the text the secret scanner found values (byte offsets): a log
/// call whose text holds one is read whatever words it has, so that OBS-014 can say the call
/// writes a value the scanner recognises.
pub fn analyze_with_secrets(path: &str, text: &str, secrets: &[usize]) -> Option<FileFacts> {
    let language = is_service_source(path)?;
    Some(analyze_inner(language, text, secrets))
}

/// The facts of source text in `language`.
pub fn analyze_as(language: Language, text: &str) -> FileFacts {
    analyze_inner(language, text, &[])
}

fn analyze_inner(language: Language, text: &str, secrets: &[usize]) -> FileFacts {
    let mut out = FileFacts {
        language,
        parsed: false,
        syntax_errors: false,
        unread: None,
        facts: Vec::new(),
    };
    // The prefilter: most source files make no HTTP call and run no server, and reading them
    // for a few words costs a fraction of parsing them. The hits are found once, and say both
    // whether the file is parsed and which of its declarations are.
    let hits = hits::hits(language, text, secrets);
    if hits.as_ref().is_some_and(hits::Hits::is_empty) {
        return out;
    }
    parse_into(language, text, &mut out, hits.as_ref());
    out
}

/// The facts of source text in `language`, parsed whatever the prefilter says: for tests that
/// hold the prefilter to never dropping a file with facts.
#[doc(hidden)]
pub fn analyze_unfiltered(language: Language, text: &str) -> FileFacts {
    let mut out = FileFacts {
        language,
        parsed: false,
        syntax_errors: false,
        unread: None,
        facts: Vec::new(),
    };
    parse_into(language, text, &mut out, None);
    out
}

/// The byte ranges of `text` that [`analyze_as`] parses when it does not parse the whole file:
/// for tests that hold the cut to the facts of the whole file.
#[doc(hidden)]
pub fn cut_ranges(language: Language, text: &str) -> Option<Vec<(usize, usize)>> {
    let hits = hits::hits(language, text, &[])?;
    ranges::ranges(language, text, &hits)
        .map(|r| r.iter().map(|r| (r.start_byte, r.end_byte)).collect())
}

/// The parse budget, in tree-sitter's progress checks (one per 100 parser operations): a floor,
/// and one check per [`PARSE_BYTES_PER_STEP`] bytes of text. On every source file of the
/// corpora, the examples and the benchmark tree (8,633 files) a whole-file parse took at most
/// 1,118 checks and at most one check per 80 bytes; the budget is twenty times that. Some
/// malformed text sends tree-sitter's error recovery into a search that does not end in any
/// time a review can wait (the fuzz test found TypeScript that parsed for minutes).
const PARSE_STEPS_FLOOR: usize = 1_000;
const PARSE_BYTES_PER_STEP: usize = 4;

/// The step budget of a parse of `text` (see [`PARSE_STEPS_FLOOR`]).
fn parse_budget(text: &str) -> usize {
    PARSE_STEPS_FLOOR + text.len() / PARSE_BYTES_PER_STEP
}

/// Parses `text`, giving up (`None`) past the step budget: a file the parser cannot read in
/// bounded time is not read, and says so ([`FileFacts::syntax_errors`], not
/// [`FileFacts::parsed`]). The budget counts operations, not time, so the outcome is the
/// same on every machine.
fn bounded_parse(parser: &mut tree_sitter::Parser, text: &str) -> Option<tree_sitter::Tree> {
    let budget = parse_budget(text);
    let mut steps = 0usize;
    let mut progress = |_: &tree_sitter::ParseState| {
        steps += 1;
        if steps > budget {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let tree = parser.parse_with_options(
        &mut |at: usize, _| bytes.get(at..).unwrap_or_default(),
        None,
        Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
    );
    // A parse that was stopped keeps its state for a resumption that will not come.
    if tree.is_none() {
        parser.reset();
    }
    tree
}

/// Parses `text` with this thread's parser and reads its facts into `out`; the tree is dropped
/// before returning. With the prefilter's hits (`cut`), only the declarations that can hold a
/// fact are parsed when that gives a clean tree (see [`ranges`]); otherwise, and without
/// `cut`, the whole file.
fn parse_into(language: Language, text: &str, out: &mut FileFacts, cut: Option<&hits::Hits>) {
    let parsed = PARSER.with(|p| {
        let mut parser = p.borrow_mut();
        parser.set_language(&language.grammar()).ok()?;
        let chosen = cut.and_then(|hits| ranges::ranges(language, text, hits));
        if let Some(chosen) = chosen
            && parser.set_included_ranges(&chosen).is_ok()
        {
            let tree = bounded_parse(&mut parser, text);
            // The ranges stay set on the parser until reset.
            let reset = parser.set_included_ranges(&[]);
            if reset.is_ok()
                && let Some(tree) = tree
                && !tree.root_node().has_error()
            {
                return Some(tree);
            }
        }
        bounded_parse(&mut parser, text)
    });
    let Some(tree) = parsed else {
        // The parser gave up (see `bounded_parse`): nothing of the file was read.
        out.syntax_errors = true;
        out.unread = Some(unread::gave_up(language, text, cut, parse_budget(text)));
        return;
    };
    out.parsed = true;
    let root = tree.root_node();
    out.syntax_errors = root.has_error();
    let file = tree::File::new(text, root);
    let mut facts = match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => js::facts(&file),
        Language::Python => python::facts(&file),
        Language::Go => golang::facts(&file),
        Language::Java => java::facts(&file),
    };
    retries::facts(language, &file, &mut facts);
    breakers::facts(language, &file, &mut facts);
    pools::facts(language, &file, &mut facts);
    facts.sort_by_key(|f| (f.line, f.column));
    if out.syntax_errors {
        let read: Vec<u32> = facts.iter().map(|f| f.line).collect();
        out.unread = unread::recovered(language, text, cut, root, &read);
    }
    out.facts = facts;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_the_leading_string_statements() {
        assert_eq!(directives("'use client';\nexport {}"), ["use client"]);
        assert_eq!(
            directives("\u{feff}#!/usr/bin/env node\n// a\n/* b */ \"use strict\"\n'use client'"),
            ["use strict", "use client"]
        );
        assert!(directives("'use client' + x;").is_empty());
        assert!(directives("import x from 'y';\n'use client';").is_empty());
        assert!(directives("'unterminated").is_empty());
        assert!(directives("/* never closed").is_empty());
    }

    #[test]
    fn browser_code_is_react_components_and_use_client_files() {
        let fetch = "fetch('/x');";
        assert_eq!(
            browser_code("web/components/Card.tsx", fetch),
            Some("React components")
        );
        assert_eq!(
            browser_code("web/hooks/useCart.jsx", fetch),
            Some("React components")
        );
        assert_eq!(
            browser_code("src/cart.ts", "'use client';\nfetch('/x');"),
            Some("'use client'")
        );
        // A server action, a plain module beside the components, a file named `components`,
        // webhooks in a `hooks/` folder, and other languages are not browser code.
        assert_eq!(
            browser_code("web/components/act.tsx", "'use server';\nfetch('/x');"),
            None
        );
        assert_eq!(browser_code("web/components/index.ts", fetch), None);
        assert_eq!(browser_code("web/components.tsx", fetch), None);
        assert_eq!(browser_code("api/hooks/github.ts", fetch), None);
        assert_eq!(browser_code("web/components/x.py", "'use client'"), None);
    }
}
