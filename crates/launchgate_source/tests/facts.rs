//! The facts of small source files, each shape a peer's rule handles, with exact lines.

use launchgate_source::{
    Delay, FactKind, Language, Limit, Stop, Timeout, analyze, analyze_as, analyze_unfiltered,
};

/// One line per fact: `line:col kind library text timeout [fn]`.
fn summary(lang: Language, text: &str) -> Vec<String> {
    let state = |t: &Timeout| match t {
        Timeout::Set { value } => format!("set({value})"),
        Timeout::Default { .. } => "default".to_string(),
        Timeout::Missing { .. } => "missing".to_string(),
        Timeout::Disabled { value } => format!("disabled({value})"),
        Timeout::Unknown { .. } => "unknown".to_string(),
    };
    analyze_as(lang, text)
        .facts
        .iter()
        .map(|f| {
            let what = match &f.kind {
                FactKind::Call(c) => format!(
                    "call {} {} {}{}",
                    c.library,
                    c.text,
                    state(&c.timeout),
                    c.client_line
                        .map(|l| format!(" via:{l}"))
                        .unwrap_or_default()
                ),
                FactKind::Client(c) => format!(
                    "client {} {} {} uses:{}",
                    c.library,
                    c.text,
                    state(&c.timeout),
                    c.uses
                ),
                FactKind::Server(s) => format!(
                    "server {} {} header:{} read:{}",
                    s.library,
                    s.text,
                    state(&s.read_header),
                    state(&s.read)
                ),
                FactKind::Shutdown(s) => format!(
                    "shutdown {} {} {} [{}] sigterm:{}",
                    s.library,
                    s.text,
                    match s.stop {
                        Stop::Handler => "handler",
                        Stop::Hook => "hook",
                        Stop::Drain => "drain",
                        Stop::Framework => "framework",
                    },
                    s.signals.join(","),
                    s.sigterm.map_or("?", |t| if t { "yes" } else { "no" })
                ),
                FactKind::Log(l) => format!(
                    "log {} {}{} [{}]{}{}",
                    l.library,
                    l.text,
                    if l.structured { " structured" } else { "" },
                    l.names.join(","),
                    l.built.map(|b| format!(" built:{b}")).unwrap_or_default(),
                    if l.spread { " spread" } else { "" }
                ),
                FactKind::Retry(r) => format!(
                    "retry {} {} limit:{} delay:{} jitter:{}",
                    r.library,
                    r.text,
                    limit(&r.limit),
                    match &r.delay {
                        Delay::Exponential { value } => format!("exp({value})"),
                        Delay::Fixed { value } => format!("fixed({value})"),
                        Delay::Immediate { .. } => "immediate".to_string(),
                        Delay::Unknown { .. } => "unknown".to_string(),
                    },
                    r.jitter.map_or("?", |j| if j { "yes" } else { "no" })
                ),
                FactKind::Breaker(b) => format!(
                    "breaker {} {} wraps:{} fallback:{} calls:{:?}",
                    b.library,
                    b.text,
                    b.wraps.as_deref().unwrap_or("-"),
                    b.fallback.map_or("?", |j| if j { "yes" } else { "no" }),
                    b.calls
                ),
                FactKind::Pool(p) => format!("pool {} {} max:{}", p.library, p.text, limit(&p.max)),
                FactKind::Route(r) => format!(
                    "route {} {} {} {} [{}]{}",
                    r.framework,
                    r.method,
                    r.path.as_deref().unwrap_or("?"),
                    r.text,
                    r.guards
                        .iter()
                        .map(|g| format!("{}:{:?}:{:?}", g.name, g.role, g.scope))
                        .collect::<Vec<_>>()
                        .join(", "),
                    match (r.elsewhere.is_some(), &r.view) {
                        (_, Some(v)) => format!(" view:{v}"),
                        (true, None) => " elsewhere".to_string(),
                        (false, None) => String::new(),
                    }
                ),
                FactKind::Middleware(m) => format!(
                    "middleware {} {} {}:{:?}:{:?}",
                    m.framework, m.text, m.guard.name, m.guard.role, m.guard.scope
                ),
                FactKind::Audit(a) => format!("audit {}", a.text),
                FactKind::View(v) => format!(
                    "view {} {} [{}]",
                    v.framework,
                    v.text,
                    v.guards
                        .iter()
                        .map(|g| format!("{}:{:?}:{:?}", g.name, g.role, g.scope))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!(
                "{}:{} {what} [{}]",
                f.line,
                f.column,
                f.function.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn limit(l: &Limit) -> String {
    match l {
        Limit::Set { value } => format!("set({value})"),
        Limit::Default { .. } => "default".to_string(),
        Limit::Unbounded { .. } => "unbounded".to_string(),
        Limit::Unknown { .. } => "unknown".to_string(),
    }
}

/// The summary lines of the retry, breaker and pool facts only.
fn resilience(lang: Language, text: &str) -> Vec<String> {
    summary(lang, text)
        .into_iter()
        .filter(|l| {
            [" retry ", " breaker ", " pool "]
                .iter()
                .any(|k| l.contains(k))
        })
        .collect()
}

#[test]
fn python_shapes() {
    let text = r#"import requests, httpx, aiohttp

OPTS = {"timeout": 5}
session = requests.Session()

def charge(url, **kw):
    requests.get(url)
    requests.post(url, timeout=3)
    requests.get(url, timeout=None)
    requests.get(url, **OPTS)
    requests.get(url, **kw)
    session.get(url)
    session.get(url, timeout=2)

class Api:
    def __init__(self):
        self.http = httpx.Client(timeout=None)

    def ping(self):
        return self.http.get("/ping")

async def fetch(url):
    async with aiohttp.ClientSession() as s:
        async with s.get(url) as r:
            return await r.text()
"#;
    assert_eq!(
        summary(Language::Python, text),
        [
            "4:11 client requests requests.Session(...) missing uses:2 [-]",
            "7:5 call requests requests.get(...) missing [charge]",
            "8:5 call requests requests.post(...) set(3) [charge]",
            "9:5 call requests requests.get(...) disabled(None) [charge]",
            "10:5 call requests requests.get(...) set(5) [charge]",
            "11:5 call requests requests.get(...) unknown [charge]",
            "12:5 call requests session.get(...) missing via:4 [charge]",
            "13:5 call requests session.get(...) set(2) via:4 [charge]",
            "17:21 client httpx httpx.Client(...) disabled(None) uses:1 [__init__]",
            "20:16 call httpx self.http.get(...) disabled(None) via:17 [ping]",
            "23:16 client aiohttp aiohttp.ClientSession(...) default uses:1 [fetch]",
            "24:20 call aiohttp s.get(...) default via:23 [fetch]",
        ]
    );
}

#[test]
fn javascript_shapes() {
    let text = r"const axios = require('axios');
const http = require('http');
const api = axios.create({ baseURL: 'https://pay.example', timeout: 2000 });
const bare = axios.create({ baseURL: 'https://x.example' });
const opts = { timeout: 1500 };

async function charge(body, config) {
  await axios.post('/charge', body);
  await axios.post('/charge', body, { timeout: 0 });
  await axios.get('/x', opts);
  await axios.get('/x', config);
  await api.post('/charge', body);
  await bare.get('/y');
  await fetch('/z');
  await fetch('/z', { signal: AbortSignal.timeout(3000) });
}

const server = http.createServer(handler);
server.headersTimeout = 10000;
";
    assert_eq!(
        summary(Language::JavaScript, text),
        [
            "3:13 client axios axios.create(...) set(2000) uses:1 [-]",
            "4:14 client axios axios.create(...) missing uses:1 [-]",
            "8:9 call axios axios.post(...) missing [charge]",
            "9:9 call axios axios.post(...) disabled(0) [charge]",
            "10:9 call axios axios.get(...) set(1500) [charge]",
            "11:9 call axios axios.get(...) unknown [charge]",
            "12:9 call axios api.post(...) set(2000) via:3 [charge]",
            "13:9 call axios bare.get(...) missing via:4 [charge]",
            "14:9 call fetch fetch(...) missing [charge]",
            "15:9 call fetch fetch(...) set(AbortSignal.timeout(3000)) [charge]",
            "18:16 server node:http http.createServer(...) header:set(10000) read:default [-]",
        ]
    );
}

#[test]
fn a_name_imported_from_another_module_is_not_that_library() {
    // A k6 load script: its `http` is k6's, its `got` a local helper; Node's http is `node:http`.
    let text = r"import http from 'k6/http';
import * as got from './got';
import nodeHttp from 'node:http';
const https = require('https');

export default function () {
  http.get('https://shop.example/');
  got.get('/x');
  https.get('https://x.example/');
}
";
    assert_eq!(
        summary(Language::JavaScript, text),
        ["9:3 call node:http https.get(...) missing [-]"]
    );
}

#[test]
fn typescript_defaults_on_a_shared_instance() {
    let text = r"import axios from 'axios';
export class Stripe {
  private http = axios.create({ baseURL: 'https://api.stripe.com' });
  async charge(amount: number): Promise<void> {
    await this.http.post('/v1/charges', { amount });
  }
}
axios.defaults.timeout = 5000;
export const ping = async () => axios.get('/ping');
";
    assert_eq!(
        summary(Language::TypeScript, text),
        [
            "3:18 client axios axios.create(...) set(5000) uses:1 [-]",
            "5:11 call axios this.http.post(...) set(5000) via:3 [charge]",
            "9:33 call axios axios.get(...) set(5000) [ping]",
        ]
    );
}

#[test]
fn go_shapes() {
    let text = r#"package main

import (
	"context"
	"net/http"
	"time"
)

var client = &http.Client{Timeout: 5 * time.Second}

func charge(ctx context.Context) {
	http.Get("https://pay.example")
	client.Get("https://pay.example")
	bare := http.Client{}
	bare.Post("https://x.example", "application/json", nil)
	c2, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(c2, "GET", "https://y.example", nil)
	http.DefaultClient.Do(req)
}

func main() {
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
	go srv.ListenAndServe()
	http.ListenAndServe(":9090", nil)
}
"#;
    assert_eq!(
        summary(Language::Go, text),
        [
            "9:15 client net/http http.Client{...} set(5 * time.Second) uses:1 [-]",
            "12:2 call net/http http.Get(...) missing [charge]",
            "13:2 call net/http client.Get(...) set(5 * time.Second) via:9 [charge]",
            "14:10 client net/http http.Client{...} missing uses:1 [charge]",
            "15:2 call net/http bare.Post(...) missing via:14 [charge]",
            "19:2 call net/http http.DefaultClient.Do(...) set(context.WithTimeout(...)) [charge]",
            "23:10 server net/http http.Server{...} header:set(5 * time.Second) read:missing [main]",
            "25:2 server net/http http.ListenAndServe(...) header:missing read:missing [main]",
        ]
    );
}

#[test]
fn java_shapes() {
    let text = r"import java.net.http.*;
class Pay {
  HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  RestTemplate rest = new RestTemplate();
  void charge() throws Exception {
    HttpRequest a = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build();
    HttpRequest b = HttpRequest.newBuilder(URI.create(url)).POST(body).build();
    client.send(a, BodyHandlers.ofString());
  }
}
";
    assert_eq!(
        summary(Language::Java, text),
        [
            "3:23 client java.net.http HttpClient.newBuilder()...build() set(Duration.ofSeconds(2)) uses:0 [-]",
            "4:23 client spring new RestTemplate() missing uses:0 [-]",
            "6:21 call java.net.http HttpRequest.newBuilder()...build() set(Duration.ofSeconds(3)) [charge]",
            "7:21 call java.net.http HttpRequest.newBuilder()...build() missing [charge]",
        ]
    );
}

#[test]
fn only_service_source_is_read_and_the_prefilter_skips_parsing() {
    assert!(analyze("src/pay_test.go", "package x").is_none());
    assert!(analyze("node_modules/axios/index.js", "axios.get(u)").is_none());
    assert!(analyze("tests/test_api.py", "requests.get(u)").is_none());
    assert!(analyze("src/api.test.ts", "fetch(u)").is_none());
    let plain = analyze("src/math.py", "def add(a, b):\n    return a + b\n");
    assert_eq!(plain.map(|f| (f.parsed, f.facts.len())), Some((false, 0)));
    let read = analyze("src/api.py", "import requests\nrequests.get(u)\n");
    assert_eq!(read.map(|f| (f.parsed, f.facts.len())), Some((true, 1)));
}

#[test]
fn go_signals_shutdown_and_logs() {
    let text = r#"package main

import (
	"context"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
)

func main() {
	logger, _ := zap.NewProduction()
	sugar := logger.Sugar()
	srv := &http.Server{Addr: ":8080"}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	signal.Notify(stop, os.Interrupt)
	signal.Notify(stop)
	signal.Notify(stop, sigs...)
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT)
	_ = srv.Shutdown(ctx)
	tp := sdktrace.NewTracerProvider()
	otel, _ := otelconf.NewSDK()
	_ = tp.Shutdown(ctx)
	_ = otel.Shutdown(ctx)
	_ = api.Shutdown(ctx)
	grpcServer.GracefulStop()
	logger.Info("charged", zap.String("card_number", card.Number), zap.Int("cents", cents))
	sugar.Infow("login", "user", user.Email, "attempt", n)
	sugar.Infof("login %s %s", name, token)
	slog.Info("reset", "password", pw)
	slog.InfoContext(ctx, "ok", slog.String("apiKey", key))
	logrus.WithField("authorization", r.Header.Get("Authorization")).Warn("denied")
	log.Printf("token %s", token)
	log.Println("user " + email)
	logger.Info(fmt.Sprintf("user %s", mask(secret)))
	slog.Info("fields", args...)
}
"#;
    assert_eq!(
        summary(Language::Go, text),
        [
            "19:10 server net/http http.Server{...} header:missing read:missing [main]",
            "21:2 shutdown os/signal signal.Notify(...) handler [syscall.SIGTERM,os.Interrupt] sigterm:yes [main]",
            "22:2 shutdown os/signal signal.Notify(...) handler [os.Interrupt] sigterm:no [main]",
            "23:2 shutdown os/signal signal.Notify(...) handler [] sigterm:yes [main]",
            "24:2 shutdown os/signal signal.Notify(...) handler [sigs...] sigterm:? [main]",
            "25:17 shutdown os/signal signal.NotifyContext(...) handler [syscall.SIGINT] sigterm:no [main]",
            "26:6 shutdown net/http srv.Shutdown(...) drain [] sigterm:yes [main]",
            "31:6 shutdown server api.Shutdown(...) drain [] sigterm:yes [main]",
            "32:2 shutdown grpc grpcServer.GracefulStop(...) drain [] sigterm:yes [main]",
            "33:2 log zap logger.Info(...) structured [card_number,Number,cents] [main]",
            "34:2 log zap sugar.Infow(...) structured [user,Email,attempt,n] [main]",
            "35:2 log zap sugar.Infof(...) structured [name,token] [main]",
            "36:2 log log/slog slog.Info(...) structured [password,pw] [main]",
            "37:2 log log/slog slog.InfoContext(...) structured [apiKey,key] [main]",
            "38:2 log logrus logrus.WithField(...).Warn(...) structured [authorization,Authorization] [main]",
            "39:2 log log log.Printf(...) [token] [main]",
            "40:2 log log log.Println(...) [user,email] built:by concatenation [main]",
            "41:2 log zap logger.Info(...) structured [] built:with fmt.Sprintf [main]",
            "42:2 log log/slog slog.Info(...) structured [] spread [main]",
        ]
    );
}

#[test]
fn python_signals_servers_and_logs() {
    let text = r#"import asyncio, logging, signal
import structlog
import uvicorn

logger = logging.getLogger(__name__)
log = structlog.get_logger()

def main():
    signal.signal(signal.SIGTERM, drain)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGINT, stop)
    loop = asyncio.get_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    loop.add_signal_handler(which, stop)
    uvicorn.run(app, host="0.0.0.0")

def login(user, password, **extra):
    logger.info("login for %s", user.email)
    logger.info(f"password was {password}")
    logger.warning("token: " + user.api_token)
    logger.info("reset", extra={"passwordPolicyVersion": v, "tokenizer": t})
    log.info("charged", card_number=card, amount=amount)
    log.bind(ssn=ssn).info("verified")
    logger.info("headers", request.headers["Authorization"])
    logger.info("masked %s", mask(password))
    logger.info("extra", **extra)
    self.logger.error("failed %s", "{}".format(secret))
"#;
    assert_eq!(
        summary(Language::Python, text),
        [
            "9:5 shutdown signal signal.signal(...) handler [signal.SIGTERM] sigterm:yes [main]",
            "11:5 shutdown signal signal.signal(...) handler [signal.SIGINT] sigterm:no [main]",
            "14:9 shutdown asyncio loop.add_signal_handler(...) handler [signal.SIGTERM,signal.SIGINT] sigterm:yes [main]",
            "15:5 shutdown asyncio loop.add_signal_handler(...) handler [which] sigterm:? [main]",
            "16:5 shutdown uvicorn uvicorn.run(...) framework [] sigterm:yes [main]",
            "19:5 log logging logger.info(...) [login_for,email] [login]",
            "20:5 log logging logger.info(...) [f_password,password] built:in an f-string [login]",
            "21:5 log logging logger.warning(...) [token,api_token] built:by concatenation [login]",
            "22:5 log logging logger.info(...) [extra,passwordPolicyVersion,v,tokenizer,t] [login]",
            "23:5 log structlog log.info(...) structured [card_number,card,amount] [login]",
            "24:5 log structlog log.bind(...).info(...) structured [ssn] [login]",
            "25:5 log logging logger.info(...) [Authorization] [login]",
            "26:5 log logging logger.info(...) [] [login]",
            "27:5 log logging logger.info(...) [] spread [login]",
            "28:5 log logging self.logger.error(...) [failed,secret] [login]",
        ]
    );
}

#[test]
fn script_signals_and_logs() {
    let text = r#"const http = require('http');
const pino = require('pino');
const log = pino();
const child = log.child({ requestId });
const server = http.createServer(handler);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.once("SIGINT", stop);
process.on('exit', done);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, stop);
createTerminus(server, { onSignal });
['SIGINT', 'SIGTERM'].forEach((sig) => process.once(sig, stop));
function login(req, user) {
  console.log('login', user.password);
  log.info({ email: user.email, userId: user.id }, 'login');
  child.info(`token ${req.headers.authorization}`);
  log.warn('user ' + user.name);
  logger.error({ ...ctx }, 'failed');
  this.logger.info({ cardNumber, apiKey: key, nextPageToken });
  console.info(user.getPassword(), req.get('Authorization'));
}
"#;
    assert_eq!(
        summary(Language::JavaScript, text),
        [
            "5:16 server node:http http.createServer(...) header:default read:default [-]",
            "6:1 shutdown process process.on(...) handler ['SIGTERM'] sigterm:yes [-]",
            "6:29 shutdown node:http server.close(...) drain [] sigterm:yes [-]",
            "7:1 shutdown process process.once(...) handler [\"SIGINT\"] sigterm:no [-]",
            "9:42 shutdown process process.on(...) handler ['SIGTERM','SIGINT'] sigterm:yes [-]",
            "10:1 shutdown terminus createTerminus(...) framework [] sigterm:yes [-]",
            "11:40 shutdown process process.once(...) handler ['SIGINT','SIGTERM'] sigterm:yes [-]",
            "13:3 log console console.log(...) [password] [login]",
            "14:3 log pino log.info(...) structured [email,userId,id] [login]",
            "15:3 log pino child.info(...) structured [requestId,token,authorization] built:in a template literal [login]",
            "16:3 log pino log.warn(...) structured [user,name] built:by concatenation [login]",
            "17:3 log logger logger.error(...) [] spread [login]",
            "18:3 log logger this.logger.info(...) [cardNumber,apiKey,key,nextPageToken] [login]",
            "19:3 log console console.info(...) [getPassword,Authorization] [login]",
        ]
    );
}

#[test]
fn java_hooks_and_logs() {
    let text = r#"class App {
  private static final Logger log = LoggerFactory.getLogger(App.class);
  void start() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::drain));
    log.info("user {} logged in with {}", user.getEmail(), password);
    LOGGER.warn("token=" + token);
    log.info("charged", kv("cardNumber", card), kv("amount", amount));
    log.debug("count {}", tokenCount);
  }
}
"#;
    assert_eq!(
        summary(Language::Java, text),
        [
            "4:5 shutdown java.lang.Runtime Runtime.getRuntime().addShutdownHook(...) hook [] sigterm:yes [start]",
            "5:5 log slf4j log.info(...) [user,in_with,getEmail,password] [start]",
            "6:5 log slf4j LOGGER.warn(...) [token] built:by concatenation [start]",
            "7:5 log slf4j log.info(...) [cardNumber,card,amount] [start]",
            "8:5 log slf4j log.debug(...) [tokenCount] [start]",
        ]
    );
}

#[test]
fn a_logger_rebound_thousands_of_times_is_followed_a_few_bindings_deep() {
    let text = format!("{}log.info(password)\n", "log = log\n".repeat(5000));
    let facts = analyze_as(Language::Python, &text).facts;
    assert_eq!(facts.len(), 1);
    assert!(
        matches!(&facts[0].kind, FactKind::Log(l) if l.library == "logging" && l.names == ["password"])
    );
}

#[test]
fn only_spread_fields_are_unknown_not_spread_positional_values() {
    let spread = |lang: Language, text: &str| -> Vec<bool> {
        analyze_unfiltered(lang, text)
            .facts
            .iter()
            .filter_map(|f| match &f.kind {
                FactKind::Log(l) => Some(l.spread),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        spread(
            Language::Go,
            "package x\nfunc (l *L) Printf(format string, v ...any) {\n\tlog.Printf(format, v...)\n\tl.logger.Info(fmt.Sprintf(format, v...))\n\tslog.Info(\"m\", v...)\n}\n"
        ),
        [false, false, true]
    );
    assert_eq!(
        spread(
            Language::Python,
            "import logging\nlogger = logging.getLogger()\nlogger.info(msg, *args)\nlogger.info(msg, **fields)\n"
        ),
        [false, true]
    );
    assert_eq!(
        spread(
            Language::JavaScript,
            "console.log(...args);\nlogger.info({ ...ctx }, 'm');\n"
        ),
        [false, true]
    );
}

#[test]
fn python_retries_breakers_and_pools() {
    let text = r#"import time, random
import backoff, pybreaker, requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine
from tenacity import retry, stop_after_attempt, wait_exponential, wait_fixed
from urllib3.util import Retry

engine = create_engine(URL, pool_size=10, max_overflow=5)
session = requests.Session()
session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5)))
breaker = pybreaker.CircuitBreaker(fail_max=5)

@retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=1))
def a(u):
    return requests.get(u, timeout=2)

@retry(wait=wait_fixed(2))
def b(u):
    return requests.get(u, timeout=2)

@backoff.on_exception(backoff.constant, Exception, interval=3, jitter=None)
def c(u):
    return requests.get(u, timeout=2)

def d(u):
    delay = 0.5
    while True:
        try:
            return requests.get(u, timeout=2)
        except requests.RequestException:
            time.sleep(delay + random.uniform(0, delay))
            delay *= 2

def e(u):
    attempt = 0
    while True:
        resp = requests.get(u, timeout=2)
        if resp.ok:
            break
        attempt += 1
        if attempt >= 4:
            raise RuntimeError(u)
        time.sleep(2 ** attempt)

@breaker
def f(u):
    return session.get(u, timeout=2)
"#;
    assert_eq!(
        resilience(Language::Python, text),
        [
            "8:10 pool sqlalchemy create_engine(...) max:set(pool_size=10, max_overflow=5) [-]",
            "10:51 retry urllib3 Retry(...) limit:set(3) delay:exp(backoff_factor=0.5) jitter:no [-]",
            "11:11 breaker pybreaker pybreaker.CircuitBreaker(...) wraps:f fallback:no calls:[47] [-]",
            "13:2 retry tenacity @retry(...) limit:set(3) delay:exp(wait_exponential(multiplier=1)) jitter:no [-]",
            "17:2 retry tenacity @retry(...) limit:unbounded delay:fixed(wait_fixed(2)) jitter:no [-]",
            "21:2 retry backoff @backoff.on_exception(...) limit:unbounded delay:fixed(3) jitter:no [-]",
            "27:5 retry loop while True: limit:unbounded delay:exp(delay+random.uniform(0,delay)) jitter:yes [d]",
            "36:5 retry loop while True: limit:set(a counter (`attempt`)) delay:exp(2**attempt) jitter:no [e]",
        ]
    );
}

#[test]
fn script_retries_breakers_and_pools() {
    let text = r"import axios from 'axios';
import axiosRetry from 'axios-retry';
import retry from 'async-retry';
import CircuitBreaker from 'opossum';
import { Pool } from 'pg';

const api = axios.create({ timeout: 1000 });
axiosRetry(api, { retries: 2, retryDelay: axiosRetry.exponentialDelay });
export const pool = new Pool();

export async function load(u: string) {
  return retry(async () => api.get(u), { retries: 3 });
}

export async function poll(u: string) {
  for (let i = 0; i < 5; i++) {
    try {
      return await api.get(u);
    } catch (e) {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const breaker = new CircuitBreaker(load, { timeout: 3000 });
breaker.fallback(() => null);
";
    assert_eq!(
        resilience(Language::TypeScript, text),
        [
            "8:1 retry axios-retry axiosRetry(...) limit:set(2) delay:exp(axiosRetry.exponentialDelay) jitter:yes [-]",
            "9:21 pool pg new Pool(...) max:default [-]",
            "12:10 retry async-retry retry(...) limit:set(3) delay:exp(factor 2 (default)) jitter:yes [load]",
            "16:3 retry loop for (let i = 0; i < 5; i++) limit:set(i < 5) delay:fixed(200) jitter:no [poll]",
            "25:17 breaker opossum new CircuitBreaker(...) wraps:load fallback:yes calls:[12] [-]",
        ]
    );
}

#[test]
fn go_retries_breakers_and_pools() {
    let text = "package x

import (
\t\"database/sql\"
\t\"net/http\"
\t\"time\"

\t\"github.com/afex/hystrix-go/hystrix\"
\t\"github.com/cenkalti/backoff/v4\"
)

func open(dsn string) *sql.DB {
\tdb, _ := sql.Open(\"pgx\", dsn)
\treturn db
}

func get(u string) error {
\tb := backoff.NewConstantBackOff(time.Second)
\treturn backoff.Retry(func() error { _, err := http.Get(u); return err }, b)
}

func run(u string) {
\thystrix.Go(\"x\", func() error { _, err := http.Get(u); return err }, func(err error) error { return nil })
}

func loop(u string) error {
\tfor i := 0; i < 3; i++ {
\t\tif _, err := http.Get(u); err == nil {
\t\t\treturn nil
\t\t}
\t\ttime.Sleep(time.Duration(math.Pow(2, float64(i))) * time.Second)
\t}
\treturn nil
}
";
    assert_eq!(
        resilience(Language::Go, text),
        [
            "13:11 pool database/sql sql.Open(...) max:unbounded [open]",
            "18:7 retry cenkalti/backoff backoff.NewConstantBackOff(...) limit:unbounded delay:fixed(time.Second) jitter:no [get]",
            "23:2 breaker hystrix-go hystrix.Go(...) wraps:a function literal fallback:yes calls:[23] [run]",
            "27:2 retry loop for i := 0; i < 3; i++ limit:set(i < 3) delay:exp(time.Duration(math.Pow(2,float64(i)))*time.Second) jitter:no [loop]",
        ]
    );
}

#[test]
fn java_retries_breakers_and_pools() {
    let text = r#"import com.zaxxer.hikari.HikariConfig;
class A {
    @Retryable
    String a() { return ""; }

    @HystrixCommand(fallbackMethod = "b")
    String c() { return ""; }

    HikariConfig pool() {
        HikariConfig h = new HikariConfig();
        h.setMaximumPoolSize(12);
        return h;
    }

    RetryConfig d() {
        return RetryConfig.custom().maxAttempts(5).waitDuration(Duration.ofMillis(200)).build();
    }
}
"#;
    assert_eq!(
        resilience(Language::Java, text),
        [
            "3:5 retry spring-retry @Retryable(...) limit:default delay:fixed(1000 ms (Spring Retry default)) jitter:no [a]",
            "6:5 breaker spring-cloud-hystrix @HystrixCommand(...) wraps:c fallback:yes calls:[] [c]",
            "10:26 pool hikaricp new HikariConfig() max:set(12) [pool]",
            "16:16 retry resilience4j RetryConfig.custom()... limit:set(5) delay:fixed(Duration.ofMillis(200)) jitter:no [d]",
        ]
    );
}

#[test]
fn express_and_fastify_routes() {
    let text = r"import express from 'express';
import rateLimit from 'express-rate-limit';

const app = express();
const admin = express.Router();
app.use(express.json());
app.get('/healthz', (req, res) => res.send('ok'));
app.use('/v1', passport.authenticate('jwt', { session: false }));
app.get('/v1/accounts/:id', [validate, loadAccount], getAccount);
app.post(`/signup`, rateLimit({ limit: 5 }), signup);
admin.delete('/users/:id', purge);
app.use('/admin', requireAdmin, admin);
app.get(route, handler);
app.get('env');
";
    assert_eq!(
        summary(Language::TypeScript, text),
        [
            "7:1 route express GET /healthz app.get(...) [express.json():Other:App] [-]",
            "8:1 middleware express app.use(...) passport.authenticate('jwt',{session:false}):Auth:Group [-]",
            "9:1 route express GET /v1/accounts/:id app.get(...) [express.json():Other:App, passport.authenticate('jwt',{session:false}):Auth:Group, validate:Other:Route, loadAccount:Other:Route] [-]",
            "10:1 route express POST /signup app.post(...) [express.json():Other:App, rateLimit({limit:5}):RateLimit:Route] [-]",
            "11:1 route express DELETE /users/:id admin.delete(...) [express.json():Other:App, requireAdmin:Auth:Group] [-]",
            "12:1 middleware express app.use(...) requireAdmin:Auth:Group [-]",
            "13:1 route express GET ? app.get(...) [express.json():Other:App] [-]",
        ]
    );
    let fastify = r"const fastify = require('fastify')();

fastify.register(require('@fastify/rate-limit'), { max: 100 });
fastify.addHook('onRequest', async (request) => { await request.jwtVerify(); });
fastify.get('/items', { preHandler: [fastify.authenticate] }, list);
fastify.route({ method: 'POST', url: '/items', config: { rateLimit: { max: 5 } }, handler: create });
";
    assert_eq!(
        summary(Language::JavaScript, fastify),
        [
            "3:1 middleware fastify fastify.register(...) require('@fastify/rate-limit'):RateLimit:App [-]",
            "4:1 middleware fastify fastify.addHook('onRequest', ...) (inline function):Auth:App [-]",
            "5:1 route fastify GET /items fastify.get(...) [require('@fastify/rate-limit'):RateLimit:App, (inline function):Auth:App, fastify.authenticate:Auth:Route] [-]",
            "6:1 route fastify POST /items fastify.route(...) [require('@fastify/rate-limit'):RateLimit:App, (inline function):Auth:App, config.rateLimit:RateLimit:Route] [-]",
        ]
    );
}

#[test]
fn nestjs_routes() {
    let text = r"import { Controller, Get, Post, UseGuards } from '@nestjs/common';

@Controller('items')
@UseGuards(AuthGuard('jwt'))
export class ItemsController {
  @Get(':id')
  @Throttle({ default: { limit: 3, ttl: 60000 } })
  find() {}

  @Post()
  @Public()
  create() {}
}

@Module({ providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })
export class AppModule {}
";
    assert_eq!(
        summary(Language::TypeScript, text),
        [
            "6:3 route nestjs GET /items/:id @Get(...) [UseGuards(AuthGuard('jwt')):Auth:Group, Throttle({default:{limit:3,ttl:60000}}):RateLimit:Route] [find]",
            "10:3 route nestjs POST /items @Post(...) [UseGuards(AuthGuard('jwt')):Auth:Group, Public():Public:Route] [create]",
            "15:23 middleware nestjs APP_GUARD ThrottlerGuard:RateLimit:App [-]",
        ]
    );
}

#[test]
fn flask_and_fastapi_routes() {
    let text = r#"from fastapi import APIRouter, Depends, FastAPI, Security

app = FastAPI(dependencies=[Depends(verify_api_key)])
router = APIRouter(prefix="/v1", dependencies=[Depends(get_db)])
app.add_middleware(SlowAPIMiddleware)


@app.get("/healthz")
def health():
    return "ok"


@router.post("/orders", dependencies=[Depends(require_admin)])
async def create(order: Order, user: User = Security(get_current_user, scopes=["orders"])):
    return order


@app.api_route("/items", methods=["GET", "POST"])
@limiter.limit("5/minute")
def items():
    return []

app.include_router(router, dependencies=[Depends(get_current_user)])
"#;
    assert_eq!(
        summary(Language::Python, text),
        [
            "5:1 middleware fastapi app.add_middleware(...) SlowAPIMiddleware:RateLimit:App [-]",
            "8:2 route fastapi GET /healthz @app.get(...) [Depends(verify_api_key):Auth:App, SlowAPIMiddleware:RateLimit:App] [health]",
            "13:2 route fastapi POST /orders @router.post(...) [Depends(get_db):Other:Group, Depends(get_current_user):Auth:Group, Depends(require_admin):Auth:Route, Security(get_current_user,scopes=[\"orders\"]):Auth:Route] elsewhere [create]",
            "18:2 route fastapi GET,POST /items @app.api_route(...) [Depends(verify_api_key):Auth:App, SlowAPIMiddleware:RateLimit:App, limiter.limit(\"5/minute\"):RateLimit:Route] [items]",
            "23:1 middleware fastapi app.include_router(...) Depends(get_current_user):Auth:Group [-]",
        ]
    );
    let flask = r#"from flask import Blueprint, Flask
from flask_limiter import Limiter

app = Flask(__name__)
bp = Blueprint("admin", __name__)
limiter = Limiter(get_remote_address, app=app, default_limits=["200 per day"])


@bp.before_request
def require_login():
    pass


@bp.route("/users/<int:id>", methods=["DELETE"])
def delete_user(id):
    pass


@app.route("/report")
@cache.cached(timeout=60)
def report():
    audit_log.write("report viewed")
"#;
    assert_eq!(
        summary(Language::Python, flask),
        [
            "6:11 middleware flask Limiter(...) Limiter(default_limits=...):RateLimit:App [-]",
            "9:1 middleware flask @bp.before_request require_login:Auth:Group [-]",
            "14:2 route flask DELETE /users/<int:id> @bp.route(...) [require_login:Auth:Group] elsewhere [delete_user]",
            "19:2 route flask GET /report @app.route(...) [cache.cached(timeout=60):Other:Route] [report]",
            "22:5 audit audit_log.write(...) [report]",
        ]
    );
}

#[test]
fn go_routes() {
    let text = r#"package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", requireAuth(getOrder))
	mux.Handle("/metrics", promhttp.Handler())
	http.HandleFunc("/legacy", legacy)
	go http.ListenAndServe(":9090", tollbooth.LimitHandler(lmt, mux))

	r := gin.Default()
	r.Use(gin.Recovery())
	r.GET("/healthz", health)
	v1 := r.Group("/v1", AuthMiddleware())
	v1.POST("/orders", RateLimit(), createOrder)
	r.Use(JWT())
	r.DELETE("/orders/:id", deleteOrder)
	audit.Record(ctx, "started")
}

func Register(g *gin.RouterGroup) {
	g.GET("/items", listItems)
}
"#;
    assert_eq!(
        summary(Language::Go, text),
        [
            "11:2 route net/http GET /orders/{id} mux.HandleFunc(...) [tollbooth.LimitHandler:RateLimit:App, requireAuth:Auth:Route] [main]",
            "12:2 route net/http ANY /metrics mux.Handle(...) [tollbooth.LimitHandler:RateLimit:App, promhttp.Handler:Other:Route] [main]",
            "13:2 route net/http ANY /legacy http.HandleFunc(...) [] [main]",
            "14:5 server net/http http.ListenAndServe(...) header:missing read:missing [main]",
            "14:34 middleware net/http tollbooth.LimitHandler(mux) tollbooth.LimitHandler:RateLimit:App [main]",
            "18:2 route gin GET /healthz r.GET(...) [gin.Recovery():Other:App] [main]",
            "20:2 route gin POST /orders v1.POST(...) [gin.Recovery():Other:App, AuthMiddleware():Auth:Group, RateLimit():RateLimit:Route] [main]",
            "21:2 middleware gin r.Use(...) JWT():Auth:App [main]",
            "22:2 route gin DELETE /orders/:id r.DELETE(...) [gin.Recovery():Other:App, JWT():Auth:App] [main]",
            "23:2 audit audit.Record(...) [main]",
            "27:2 route gin GET /items g.GET(...) [] elsewhere [Register]",
        ]
    );
    let echo = r#"package main

import "github.com/labstack/echo/v4"

func main() {
	e := echo.New()
	e.Use(middleware.RateLimiter(store))
	e.GET("/items", list, middleware.JWT(key))
}
"#;
    assert_eq!(
        summary(Language::Go, echo),
        [
            "7:2 middleware echo e.Use(...) middleware.RateLimiter(store):RateLimit:App [main]",
            "8:2 route echo GET /items e.GET(...) [middleware.RateLimiter(store):RateLimit:App, middleware.JWT(key):Auth:Route] [main]",
        ]
    );
}

#[test]
fn spring_routes() {
    let text = r#"package com.example;

@RestController
@RequestMapping("/v1/invoices")
@PreAuthorize("isAuthenticated()")
public class InvoiceController {
    @GetMapping("/{id}")
    public Invoice get(@PathVariable String id) { return null; }

    @RequestMapping(value = "/export", method = RequestMethod.POST)
    @RateLimiter(name = "exports")
    public void export() {
        auditService.record(new AuditEvent("export"));
    }

    @DeleteMapping(PATH)
    @Secured("ROLE_ADMIN")
    public void delete() {}
}

class Security {
    @Bean
    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).build();
    }
}
"#;
    assert_eq!(
        summary(Language::Java, text),
        [
            "7:5 route spring GET /v1/invoices/{id} @GetMapping(...) [PreAuthorize(\"isAuthenticated()\"):Auth:Group] [get]",
            "10:5 route spring POST /v1/invoices/export @RequestMapping(...) [PreAuthorize(\"isAuthenticated()\"):Auth:Group, RateLimiter(name=\"exports\"):RateLimit:Route] [export]",
            "13:9 audit auditService.record(...) [export]",
            "13:29 audit new AuditEvent(...) [export]",
            "16:5 route spring DELETE ? @DeleteMapping(...) [PreAuthorize(\"isAuthenticated()\"):Auth:Group, Secured(\"ROLE_ADMIN\"):Auth:Route] [delete]",
            "22:5 middleware spring SecurityFilterChain SecurityFilterChain chain:Auth:App [chain]",
        ]
    );
}

#[test]
fn django_urls_views_and_settings() {
    let urls = r#"from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from . import views
from .views import OrderViewSet, export as export_csv

router = DefaultRouter()
router.register(r"orders", OrderViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.index),
    path("reports/<int:pk>/", login_required(views.report), name="report"),
    re_path(r"^export/$", export_csv),
    path("items/", views.ItemList.as_view(permission_classes=[])),
    path("api/", include(router.urls)),
]
"#;
    assert_eq!(
        summary(Language::Python, urls),
        [
            "10:1 route django ANY /orders router.register(...) [] view:views.OrderViewSet [-]",
            "13:5 route django ANY /admin/ path(...) [admin.site.urls:Auth:Route] elsewhere [-]",
            "14:5 route django ANY / path(...) [] view:views.index [-]",
            "15:5 route django ANY /reports/<int:pk>/ path(...) [login_required:Auth:Route] view:views.report [-]",
            "16:5 route django ANY /export/ re_path(...) [] view:views.export [-]",
            "17:5 route django ANY /items/ path(...) [permission_classes=[]:Public:Route] view:views.ItemList [-]",
        ]
    );
    let views = r#"from django.contrib.auth.decorators import permission_required, user_passes_test
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView
from django_ratelimit.decorators import ratelimit
from django.views.decorators.csrf import csrf_exempt
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated


def index(request):
    return render(request, "index.html")


@csrf_exempt
@ratelimit(key="ip", rate="5/m")
def export(request, fmt="csv"):
    pass


@user_passes_test(lambda u: u.is_staff)
def report(request, pk):
    pass


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    pass


class ItemList(LoginRequiredMixin, ListView):
    model = Item


class OrderViewSet(viewsets.ModelViewSet):
    queryset = Order.objects.all()


def helper(items):
    return items
"#;
    assert_eq!(
        summary(Language::Python, views),
        [
            "11:1 view django def index [] [-]",
            "15:1 view django def export [csrf_exempt:Other:Route, ratelimit(key=\"ip\",rate=\"5/m\"):RateLimit:Route] [-]",
            "21:1 view django def report [user_passes_test(lambdau:u.is_staff):Auth:Route] [-]",
            "26:1 view django-rest-framework def me [api_view([\"GET\"]):Other:Route, permission_classes([IsAuthenticated]):Auth:Route] [-]",
            "32:1 view django class ItemList [LoginRequiredMixin:Auth:Route] [-]",
            "36:1 view django-rest-framework class OrderViewSet [] [-]",
        ]
    );
    let settings = r#"MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
}
"#;
    assert_eq!(
        summary(Language::Python, settings),
        [
            "3:5 middleware django MIDDLEWARE LoginRequiredMiddleware:Auth:App [-]",
            "7:5 middleware django-rest-framework REST_FRAMEWORK DEFAULT_PERMISSION_CLASSES:[IsAuthenticated]:Auth:App [-]",
            "8:5 middleware django-rest-framework REST_FRAMEWORK DEFAULT_THROTTLE_CLASSES:[AnonRateThrottle]:RateLimit:App [-]",
        ]
    );
}

#[test]
fn chi_routes_groups_and_subroutes() {
    let text = r#"package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/go-chi/jwtauth/v5"
)

func main() {
	r := chi.NewRouter()
	r.Use(middleware.Logger)
	r.Use(httprate.LimitByIP(100, time.Minute))
	r.Get("/healthz", health)
	r.With(jwtauth.Verifier(tokenAuth)).Post("/orders", createOrder)
	r.Group(func(r chi.Router) {
		r.Use(jwtauth.Authenticator(tokenAuth))
		r.Get("/me", me)
	})
	r.Route("/admin", func(r chi.Router) {
		r.Method(http.MethodDelete, "/users/{id}", deleteUser)
	})
	r.Get("/catalog", catalog)
	r.Mount("/api", apiRouter())
	http.ListenAndServe(":8080", r)
}

func apiRouter() http.Handler {
	r := chi.NewRouter()
	r.Get("/items", items)
	return r
}
"#;
    assert_eq!(
        summary(Language::Go, text),
        [
            "15:2 middleware chi r.Use(...) httprate.LimitByIP(100,time.Minute):RateLimit:App [main]",
            "16:2 route chi GET /healthz r.Get(...) [middleware.Logger:Other:App, httprate.LimitByIP(100,time.Minute):RateLimit:App] [main]",
            "17:2 route chi POST /orders r.With(...).Post(...) [middleware.Logger:Other:App, httprate.LimitByIP(100,time.Minute):RateLimit:App, jwtauth.Verifier(tokenAuth):Auth:Route] [main]",
            "19:3 middleware chi r.Use(...) jwtauth.Authenticator(tokenAuth):Auth:Group [main]",
            "20:3 route chi GET /me r.Get(...) [middleware.Logger:Other:App, httprate.LimitByIP(100,time.Minute):RateLimit:App, jwtauth.Authenticator(tokenAuth):Auth:Group] [main]",
            "23:3 route chi DELETE /admin/users/{id} r.Method(...) [middleware.Logger:Other:App, httprate.LimitByIP(100,time.Minute):RateLimit:App] [main]",
            "25:2 route chi GET /catalog r.Get(...) [middleware.Logger:Other:App, httprate.LimitByIP(100,time.Minute):RateLimit:App] [main]",
            "27:2 server net/http http.ListenAndServe(...) header:missing read:missing [main]",
            "32:2 route chi GET /items r.Get(...) [] elsewhere [apiRouter]",
        ]
    );
}

#[test]
fn prisma_clients_and_go_http_transports() {
    let ts = r#"import { PrismaClient } from '@prisma/client';

export const a = new PrismaClient();
export const b = new PrismaClient({ datasourceUrl: 'postgresql://db:5432/app?schema=public&connection_limit=5' });
export const c = new PrismaClient({ datasources: { db: { url: "postgresql://db:5432/app" } } });
export const d = new PrismaClient({ datasourceUrl: process.env.DATABASE_URL });
"#;
    assert_eq!(
        resilience(Language::TypeScript, ts),
        [
            "3:18 pool prisma new PrismaClient(...) max:unknown [-]",
            "4:18 pool prisma new PrismaClient(...) max:set(5) [-]",
            "5:18 pool prisma new PrismaClient(...) max:default [-]",
            "6:18 pool prisma new PrismaClient(...) max:unknown [-]",
        ]
    );
    let go = r#"package client

import "net/http"

var plain = &http.Transport{}

var sized = http.Transport{MaxConnsPerHost: 20, MaxIdleConnsPerHost: 20}

func idle() *http.Transport {
	return &http.Transport{MaxIdleConnsPerHost: 100}
}
"#;
    assert_eq!(
        resilience(Language::Go, go),
        [
            "5:14 pool net/http http.Transport{...} max:unbounded [-]",
            "7:13 pool net/http http.Transport{...} max:set(MaxConnsPerHost: 20) [-]",
            "10:10 pool net/http http.Transport{...} max:unbounded [idle]",
        ]
    );
}

#[test]
fn routes_exempted_from_a_rate_limit() {
    let flask = r#"from flask import Flask

app = Flask(__name__)


@app.route("/upload", methods=["POST"])
@limiter.exempt
@csrf.exempt
def upload():
    pass
"#;
    assert_eq!(
        summary(Language::Python, flask),
        [
            "6:2 route flask POST /upload @app.route(...) [limiter.exempt:RateLimitExempt:Route, csrf.exempt:Other:Route] [upload]"
        ]
    );
    let nest = r"import { Controller, Get } from '@nestjs/common';

@Controller('feed')
@SkipThrottle({ default: false })
export class FeedController {
  @SkipThrottle()
  @Get()
  list() {}
}
";
    assert_eq!(
        summary(Language::TypeScript, nest),
        [
            "7:3 route nestjs GET /feed @Get(...) [SkipThrottle({default:false}):RateLimit:Group, SkipThrottle():RateLimitExempt:Route] [list]"
        ]
    );
}
