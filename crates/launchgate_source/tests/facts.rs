//! The facts of small source files, each shape a peer's rule handles, with exact lines.

use launchgate_source::{FactKind, Language, Timeout, analyze, analyze_as};

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
