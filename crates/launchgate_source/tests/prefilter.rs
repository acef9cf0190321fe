//! The keyword prefilter never drops a fact a check needs: every source file of the check
//! fixtures, the examples, the peers' shapes and the corpora's real repositories is parsed
//! whole regardless, and
//! what the prefilter and the cut parse must give the same facts. Log calls are the exception
//! by design: only those that can write a secret (a name with a sensitive word, or spread
//! fields) must be kept; a log call the cut keeps is always one of the whole file's. Words that
//! only look like a client (prose, other functions) are not selected.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use launchgate_source::{Fact, FactKind, Language, analyze_as, analyze_unfiltered, cut_ranges};

/// Parts of a name OBS-014 can flag (a superset of its list: the oracle is looser than the
/// check). Long ones count inside a word, short ones only as a word of their own.
const SENSITIVE: [&str; 19] = [
    "pass",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api key",
    "privatekey",
    "private_key",
    "private key",
    "accesskey",
    "access_key",
    "access key",
    "credential",
    "creds",
    "authorization",
    "bearer",
    "email",
    "security",
    "card",
];
const SHORT: [&str; 5] = ["pwd", "ssn", "cvv", "cvc", "pan"];

fn sensitive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if SENSITIVE.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // Words: split at non-letters and at camel-case humps.
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if (!c.is_ascii_alphanumeric() || (prev_lower && c.is_ascii_uppercase()))
            && !word.is_empty()
        {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase();
    }
    words.push(word);
    words.iter().any(|w| SHORT.contains(&w.as_str()))
}

/// Whether the prefilter must keep a fact: every fact but log calls that name nothing
/// sensitive and spread nothing, and whose text holds no sensitive word (OBS-014 counts
/// those: the count must not depend on the cut).
fn must_keep(f: &Fact) -> bool {
    match &f.kind {
        FactKind::Log(l) => l.may_be_sensitive || l.spread || l.names.iter().any(|n| sensitive(n)),
        _ => true,
    }
}

/// Holds what the prefilter and the cut keep of a file to the facts of the whole file.
fn assert_keeps(lang: Language, text: &str, path: &Path) {
    let whole = analyze_unfiltered(lang, text).facts;
    let kept = analyze_as(lang, text).facts;
    for f in whole.iter().filter(|f| must_keep(f)) {
        assert!(
            kept.contains(f),
            "{}: the prefilter or the cut loses {f:?}",
            path.display()
        );
    }
    for f in &kept {
        assert!(
            whole.contains(f),
            "{}: the cut reads {f:?}, which the whole file does not have",
            path.display()
        );
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_and_example_file_with_facts_is_selected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = Vec::new();
    files(
        &root.join("crates/launchgate_checks/tests/fixtures"),
        &mut all,
    );
    files(&root.join("examples"), &mut all);
    // The shapes of peers' own tests (request and server timeouts, credential logging).
    files(&root.join("crates/launchgate/tests/data/peers"), &mut all);
    all.sort();
    let mut with_facts = 0;
    let mut cut = 0;
    for path in &all {
        let Some(lang) = path.to_str().and_then(Language::of) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if !analyze_unfiltered(lang, &text).facts.iter().any(must_keep) {
            continue;
        }
        with_facts += 1;
        assert!(
            lang.selects(&text),
            "the prefilter drops {} although it has facts",
            path.display()
        );
        assert_keeps(lang, &text, path);
        if cut_ranges(lang, &text).is_some() {
            cut += 1;
        }
    }
    assert!(with_facts >= 12, "only {with_facts} files with facts found");
    // Fixtures are small: most are parsed whole, at least one is cut.
    assert!(cut >= 1, "no file with facts parsed in part");
}

/// A module with a session built at the top and used by a few of its many functions: only the
/// imports, the session and the functions using it are parsed, with the facts of the whole file.
#[test]
fn only_the_declarations_that_can_hold_a_fact_are_parsed() {
    let mut py = String::from(
        "\"\"\"Orders.\"\"\"\nimport logging\nimport requests\n\nsession = requests.Session()\nlog = logging.getLogger(__name__)\n\n",
    );
    let mut ts = String::from(
        "import axios from 'axios';\n\nconst api = axios.create({ timeout: 2000 });\n\n",
    );
    let mut go = String::from(
        "package orders\n\nimport (\n\t\"net/http\"\n)\n\nvar client = &http.Client{}\n\n",
    );
    for i in 0..12 {
        let call = i % 4 == 0;
        let _ = write!(py, "def f{i}(x):\n    log.info(\"x\")\n");
        let _ = write!(
            ts,
            "export async function f{i}(x: string): Promise<void> {{\n  logger.info(x);\n"
        );
        let _ = write!(
            go,
            "func f{i}(x string) error {{\n\tlog(x)\n\tif x == \"\" {{\n\t\treturn nil\n\t}}\n"
        );
        if call {
            py.push_str("    r = session.get(x)\n    r.raise_for_status()\n");
            ts.push_str("  await api.get(x);\n");
            go.push_str("\tresp, err := client.Get(x)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer resp.Body.Close()\n");
        }
        py.push_str("    return None\n\n\n");
        ts.push_str("}\n\n");
        go.push_str("\treturn nil\n}\n\n");
    }
    for (lang, text) in [
        (Language::Python, &py),
        (Language::TypeScript, &ts),
        (Language::Go, &go),
    ] {
        let ranges = cut_ranges(lang, text).unwrap_or_default();
        let parsed: usize = ranges.iter().map(|(s, e)| e - s).sum();
        assert!(
            parsed > 0 && parsed * 2 < text.len(),
            "{lang:?}: {parsed} of {} bytes parsed",
            text.len()
        );
        let facts = analyze_as(lang, text).facts;
        let calls = facts
            .iter()
            .filter(|f| !matches!(f.kind, FactKind::Log(_)))
            .count();
        assert_eq!(calls, 4, "{lang:?}: {facts:?}");
        assert_keeps(lang, text, Path::new("generated"));
    }
}

/// Retry loops, retry libraries, breakers and pools in a module of many functions: the cut
/// parses the declarations that hold them (a loop only where it surrounds an outbound call) and
/// keeps the facts of the whole file; a file whose only loop-and-sleep has no outbound call is
/// not selected.
#[test]
fn retries_breakers_and_pools_survive_the_cut() {
    let mut py = String::from(
        "import time\nimport requests\nfrom tenacity import retry, stop_after_attempt, wait_random_exponential\n\nsession = requests.Session()\n\n",
    );
    for i in 0..12 {
        let _ = write!(
            py,
            "def f{i}(x):\n    total = 0\n    for y in x:\n        total += y\n    return total\n\n\n"
        );
    }
    py.push_str("def fetch(u):\n    for attempt in range(3):\n        try:\n            return session.get(u, timeout=2)\n        except requests.RequestException:\n            time.sleep(1)\n    return None\n\n\n");
    py.push_str("@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=2))\ndef fetch2(u):\n    return requests.get(u, timeout=2)\n");
    let ranges = cut_ranges(Language::Python, &py).unwrap_or_default();
    let parsed: usize = ranges.iter().map(|(s, e)| e - s).sum();
    assert!(
        parsed > 0 && parsed * 2 < py.len(),
        "{parsed} of {} bytes parsed",
        py.len()
    );
    let facts = analyze_as(Language::Python, &py).facts;
    let retries: Vec<u32> = facts
        .iter()
        .filter(|f| matches!(f.kind, FactKind::Retry(_)))
        .map(|f| f.line)
        .collect();
    assert_eq!(retries, [92, 100], "{facts:?}");
    assert_keeps(Language::Python, &py, Path::new("generated"));
    // A worker loop that sleeps but calls nothing outbound: nothing to read.
    let worker = "import time\n\ndef run(queue):\n    while True:\n        job = queue.pop()\n        if job is None:\n            break\n        time.sleep(1)\n";
    assert!(!Language::Python.selects(worker));
    assert!(
        analyze_unfiltered(Language::Python, worker)
            .facts
            .is_empty()
    );
}

#[test]
fn words_that_only_look_like_a_client_are_not_selected() {
    let cases = [
        (
            Language::Python,
            "\"\"\"Handles requests from the queue.\"\"\"\ndef run(requests):\n    return len(requests)\n",
        ),
        (
            Language::TypeScript,
            "// see https://wiki.internal/orders\nexport async function load() {\n  return repo.fetchOrders({ limit: 10 });\n}\n",
        ),
        (
            Language::Go,
            "package api\n\nimport \"net/http\"\n\nfunc ok(w http.ResponseWriter) {\n\tw.WriteHeader(http.StatusOK)\n}\n",
        ),
        // Route words in prose or on other objects.
        (
            Language::Python,
            "\"\"\"The router decides the route.\"\"\"\ndef pick(routes, app):\n    return routes.get(app.name)\n",
        ),
        (
            Language::TypeScript,
            "// the router and the app\nexport const x = cache.get('/v1/items');\n",
        ),
        (
            Language::Java,
            "import org.springframework.http.HttpStatus;\nclass A { HttpStatus ok() { return HttpStatus.OK; } }\n",
        ),
        (
            Language::JavaScript,
            "export const items = catalog.items.filter((i) => dialog.open(i));\n",
        ),
        (
            Language::Go,
            "package blog\n\nfunc Titles(b *Blog) []string { return b.catalog.Titles() }\n",
        ),
    ];
    for (lang, text) in cases {
        assert!(!lang.selects(text), "{lang:?} selected: {text}");
        assert!(analyze_unfiltered(lang, text).facts.is_empty());
    }
    assert!(Language::Python.selects("import requests\nrequests.get(u, timeout=3)\n"));
    assert!(Language::TypeScript.selects("await fetch(url)"));
    assert!(Language::Go.selects("srv := &http.Server{Addr: \":8080\"}"));
    assert!(Language::Java.selects("HttpClient.newHttpClient()"));
    // Log calls only when they can write a secret or spread what they write.
    assert!(!Language::JavaScript.selects("log.info({ port }, 'listening')"));
    assert!(Language::JavaScript.selects("log.info({ apiKey }, 'listening')"));
    assert!(!Language::Python.selects("self.logger.info('x')"));
    assert!(Language::Python.selects("self.logger.info('login %s', user.email)"));
    assert!(Language::Python.selects("self.logger.info('x', **fields)"));
    assert!(Language::Go.selects("signal.Notify(stop, syscall.SIGTERM)"));
    // Routes: the registrations and the constructions whose names are followed.
    assert!(Language::Go.selects("mux.HandleFunc(\"/orders\", orders)"));
    assert!(Language::Python.selects("@app.get(\"/orders\")\ndef orders():\n    pass\n"));
    assert!(Language::Python.selects("orders = APIRouter()\n"));
    assert!(Language::TypeScript.selects("export const orders = Router();"));
    assert!(Language::Java.selects("@GetMapping(\"/orders\")"));
    // Django: URL configurations, views, their guards and settings, in a file naming Django or
    // DRF; not a `requests` parameter, and not a Flask handler taking `request`.
    let dj = "from django.urls import path\n";
    assert!(Language::Python.selects(&format!("{dj}urlpatterns = [path('x/', views.x)]\n")));
    assert!(Language::Python.selects(&format!("{dj}def index(request):\n    pass\n")));
    assert!(Language::Python.selects(&format!("{dj}class Orders(generic.ListView):\n    pass\n")));
    assert!(Language::Python.selects(
        "from rest_framework import viewsets\nclass Orders(viewsets.ModelViewSet):\n    pass\n"
    ));
    assert!(Language::Python.selects("REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': []}\n"));
    assert!(!Language::Python.selects("def index(request):\n    pass\n"));
    assert!(!Language::Python.selects("class Orders(ListView):\n    pass\n"));
    assert!(!Language::Python.selects("def run(requests):\n    return requests\n"));
    assert!(!Language::Python.selects("class Preview(Base):\n    pass\n"));
}

/// A module of many functions with a router built at the top and two routes: only the imports,
/// the router and the routes are parsed, with the route facts of the whole file.
#[test]
fn only_the_routes_of_a_module_are_parsed() {
    let mut py = String::from(
        "from fastapi import APIRouter, Depends\n\nrouter = APIRouter(prefix=\"/v1\")\n\n",
    );
    let mut ts =
        String::from("import { Router } from 'express';\n\nexport const orders = Router();\n\n");
    for i in 0..12 {
        let _ = write!(
            py,
            "def helper{i}(x):\n    y = x + {i}\n    return y * 2\n\n\n"
        );
        let _ = write!(
            ts,
            "export function helper{i}(x: number): number {{\n  const y = x + {i};\n  return y * 2;\n}}\n\n"
        );
        if i % 6 == 0 {
            let _ = write!(
                py,
                "@router.get(\"/orders/{i}\")\ndef order{i}(user=Depends(get_current_user)):\n    return None\n\n\n"
            );
            let _ = write!(
                ts,
                "orders.get('/orders/{i}', requireUser, (req, res) => res.json([]));\n\n"
            );
        }
    }
    for (lang, text) in [(Language::Python, &py), (Language::TypeScript, &ts)] {
        let ranges = cut_ranges(lang, text).unwrap_or_default();
        let parsed: usize = ranges.iter().map(|(s, e)| e - s).sum();
        assert!(
            parsed > 0 && parsed * 2 < text.len(),
            "{lang:?}: {parsed} of {} bytes parsed",
            text.len()
        );
        let routes = analyze_as(lang, text)
            .facts
            .iter()
            .filter(|f| matches!(f.kind, FactKind::Route(_)))
            .count();
        assert_eq!(routes, 2, "{lang:?}");
        assert_keeps(lang, text, Path::new("generated"));
    }
}

/// On the corpora's real repositories, the prefilter and the cut keep every fact a check needs
/// of every source file.
#[test]
fn on_real_repositories_the_cut_keeps_every_fact() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/repos");
    if !root.is_dir() {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "{} is missing",
            root.display()
        );
        return;
    }
    let mut all = Vec::new();
    files(&root, &mut all);
    all.sort();
    let (mut selected, mut cut) = (0, 0);
    for path in &all {
        let Some(lang) = path.to_str().and_then(Language::of) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        assert_keeps(lang, &text, path);
        if !lang.selects(&text) {
            continue;
        }
        selected += 1;
        if cut_ranges(lang, &text).is_some() {
            cut += 1;
        }
    }
    eprintln!("{selected} selected, {cut} cut");
    assert!(selected >= 15, "only {selected} files selected");
    assert!(cut >= 8, "only {cut} of {selected} files parsed in part");
}

/// Shapes of real modules that misled a textual cut: a module constant whose multi-line string
/// has blank lines and text at column 0, a docstring whose `Args:` section looks like bindings,
/// a query at column 0 inside a function, a template literal and a block comment at column 0,
/// a member assigned before its object is logged, a logger passed as a parameter. The cut must
/// still cut these files, and read what the whole file reads.
#[test]
fn strings_and_comments_over_several_lines_do_not_mislead_the_cut() {
    let filler = |lang: Language, i: usize| match lang {
        Language::Python => format!(
            "def pad{i}(x):\n    a = x + 1\n    b = a * 2\n    c = b - 3\n    return c\n\n\n"
        ),
        _ => format!(
            "export function pad{i}(x: number): number {{\n  const a = x + 1;\n  const b = a * 2;\n  const c = b - 3;\n  return c;\n}}\n\n"
        ),
    };
    let py = "import logging\nimport requests\n\nlog = logging.getLogger(__name__)\n\nKEY_WARNING = \"\"\"A private key was exported to {}.\n\nKeep it where only you can read it.\n\"\"\"\n\n\ndef export_private_key(path, private_key):\n    \"\"\"Export a private key.\n\n    Args:\n      path: where to write it.\n      private_key: the key.\n    \"\"\"\n\n    query = \"\"\"\nselect id\nfrom keys\n\"\"\"\n    try:\n        write(path, private_key)\n        log.warning(KEY_WARNING.format(path), private_key)\n    except OSError:\n        raise\n\n\ndef login(user):\n    payload = {}\n    n = count(user)\n    payload.password = user.password\n    m = n + 1\n    log.info(\"login %s\", payload)\n    return requests.get(URL, timeout=5)\n\n\n";
    let ts = "import axios from 'axios';\n\nconst api = axios.create({ timeout: 2000 });\n\nexport async function report(id: string): Promise<void> {\n  const sql = `\nselect *\nfrom orders\n`;\n  const n = 1;\n/*\nexport function old() {\n}\n*/\n  await api.get(`/orders/${id}`);\n  done(n);\n}\n\n";
    for (lang, head) in [(Language::Python, py), (Language::TypeScript, ts)] {
        let mut text = String::from(head);
        for i in 0..12 {
            text.push_str(&filler(lang, i));
        }
        let ranges = cut_ranges(lang, &text).unwrap_or_default();
        let parsed: usize = ranges.iter().map(|(s, e)| e - s).sum();
        assert!(
            parsed > 0 && parsed * 2 < text.len(),
            "{lang:?}: {parsed} of {} bytes parsed",
            text.len()
        );
        assert_keeps(lang, &text, Path::new("generated"));
        let facts = analyze_as(lang, &text).facts;
        // Every call and log call is read inside its function (a string cut in two had put
        // the rest of the file outside it).
        let inside = facts
            .iter()
            .filter(|f| matches!(f.kind, FactKind::Call(_) | FactKind::Log(_)))
            .map(|f| f.function.as_deref())
            .collect::<Vec<_>>();
        let want: &[Option<&str>] = match lang {
            Language::Python => &[Some("export_private_key"), Some("login"), Some("login")],
            _ => &[Some("report")],
        };
        assert_eq!(inside, want, "{lang:?}: {facts:?}");
    }
}

/// A logger kept in a private attribute (`self._logger`, `this._log`) is a logger to the readers,
/// so its calls are log calls to the prefilter too; `my_log` is neither.
#[test]
fn loggers_named_with_leading_underscores_are_log_calls() {
    let py = "class Store:\n    def __init__(self, logger):\n        self._logger = logger\n\n    def save(self, token):\n        self._logger.info(\"saving %s\", token)\n";
    assert!(Language::Python.selects(py));
    let facts = analyze_as(Language::Python, py).facts;
    assert!(
        facts
            .iter()
            .any(|f| matches!(&f.kind, FactKind::Log(l) if l.names.iter().any(|n| n == "token"))),
        "{facts:?}"
    );
    assert!(Language::JavaScript.selects("this._log.info({ apiKey }, 'saved');"));
    assert!(!Language::Python.selects("my_log.info(password)\n"));
    assert!(!Language::JavaScript.selects("catalog_log.info({ apiKey });"));
}

/// An import guarded by `try:` names the library a call goes through (`urllib2` is
/// `urllib.request`): it is parsed like the imports, and the call is read as the whole file
/// reads it.
#[test]
fn imports_guarded_by_try_are_parsed_with_the_imports() {
    let mut py = String::from(
        "import sys\n\ntry:\n    import urllib2\nexcept ImportError:\n    import urllib.request as urllib2\n\n",
    );
    for i in 0..12 {
        let _ = write!(
            py,
            "def pad{i}(x):\n    a = x + 1\n    b = a * 2\n    return b\n\n\n"
        );
    }
    py.push_str("def fetch(url):\n    return urllib2.urlopen(url).read()\n");
    let ranges = cut_ranges(Language::Python, &py).unwrap_or_default();
    assert!(!ranges.is_empty(), "the module is parsed whole");
    assert_keeps(Language::Python, &py, Path::new("generated"));
    let calls: Vec<String> = analyze_as(Language::Python, &py)
        .facts
        .iter()
        .filter_map(|f| match &f.kind {
            FactKind::Call(c) => Some(format!("{} {}", c.library, c.text)),
            _ => None,
        })
        .collect();
    assert_eq!(calls, ["urllib urllib2.urlopen(...)"]);
}
