//! Organisation checks written in Rego, evaluated by an embedded interpreter (regorus) beside
//! the built-in checks: each `.rego` module is one check whose package declares `metadata`
//! (ID, slug, category, severity, tier matrix, summary, docs, evidence kinds) and a `findings`
//! rule. Loaded checks register in the same [`Registry`] as the built-ins, so the policy, the
//! reports and the catalog treat them alike. `docs/custom-checks.md` is the user guide.
//!
//! Limits: each evaluation runs under regorus's cooperative execution timer
//! ([`Limits::timeout`]) and its allocator memory limit ([`Limits::max_memory_bytes`] more than
//! the process held when the evaluation started; regorus's `allocator-memory-limits` feature
//! makes mimalloc the process's allocator so that live bytes are counted); the input is refused
//! above [`Limits::max_input_bytes`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use launchgate_checks::{Check, CheckContext, Registry};
use launchgate_core::{
    Category, CheckMeta, Effort, Finding, Location, Outcome, Requirement, Severity, TierMatrix,
};
use regorus::Engine;
use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value as Json;

pub mod input;
pub mod policy_test;
mod typecheck;

pub use input::{INPUT_VERSION, Input};

/// Evaluation limits of a custom check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time one evaluation of one check may take.
    pub timeout: Duration,
    /// The largest input (the evidence as JSON) a check is given.
    pub max_input_bytes: usize,
    /// How many bytes more than the process held when an evaluation started it may allocate.
    /// Several checks evaluated at once share the headroom.
    pub max_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(2),
            max_input_bytes: 64 * 1024 * 1024,
            max_memory_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Why custom checks could not be loaded. Each names the file, and a Rego error its line and
/// column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read custom checks: {message}")]
    Read { path: String, message: String },
    /// A syntax or type error (an unknown function, a wrong number of arguments, an undefined
    /// variable): the message names `file:line:col`, shows the line and a caret.
    #[error("{message}")]
    Rego { path: String, message: String },
    #[error("{path}: {message}")]
    Metadata { path: String, message: String },
    #[error(
        "{path}: custom check ID `{id}` is taken by a built-in check; use an organisation prefix (ORG-001)"
    )]
    BuiltinId { path: String, id: String },
    #[error("{path}: custom check ID `{id}` is also declared by {other}")]
    Duplicate {
        path: String,
        id: String,
        other: String,
    },
}

/// The `.rego` files of `paths`: a file as given, a folder's `*.rego` files (recursively, sorted,
/// leaving out `*_test.rego`).
pub fn rego_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| LoadError::Read {
            path: p.display().to_string(),
            message: e.to_string(),
        })?;
        if meta.is_dir() {
            collect(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let read = |e: std::io::Error| LoadError::Read {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read)?;
    entries.sort();
    for e in entries {
        // Symbolic links are not followed: a policy folder is read as it stands.
        let Ok(m) = std::fs::symlink_metadata(&e) else {
            continue;
        };
        if m.is_dir() {
            collect(&e, out)?;
        } else if m.is_file()
            && e.extension().is_some_and(|x| x == "rego")
            && !e
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with("_test.rego"))
        {
            out.push(e);
        }
    }
    Ok(())
}

/// The evidence input shared by the custom checks of one registry: built once per review.
#[derive(Debug, Default)]
pub struct InputCache {
    slot: Mutex<Option<(CacheKey, Result<regorus::Value, String>)>>,
}

/// The review an input was built for: the addresses of its manifest and evidence, and a
/// fingerprint of their content (the manifest's text, the root, the files' count, total size and
/// first and last paths, the parse errors), so that another review whose values reuse the same addresses is not mistaken
/// for it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CacheKey {
    manifest: usize,
    evidence: usize,
    fingerprint: u64,
}

impl CacheKey {
    fn of(cx: &CheckContext<'_>) -> CacheKey {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        cx.manifest.service.hash(&mut h);
        if let Some(l) = cx.manifest.located() {
            l.file.text.hash(&mut h);
        }
        let e = cx.evidence;
        (e.scanned, &e.root).hash(&mut h);
        // Every check asks, so the files are summed, not hashed (hashing every path cost 3% of
        // a review with 50 custom checks); the first and last paths are hashed.
        let bytes: u64 = e.files.iter().map(|f| f.size).fold(0, u64::wrapping_add);
        (e.files.len(), bytes, e.files.first().map(|f| &f.path)).hash(&mut h);
        e.files.last().map(|f| (&f.path, f.size)).hash(&mut h);
        e.errors.len().hash(&mut h);
        e.kubernetes.objects.len().hash(&mut h);
        CacheKey {
            manifest: std::ptr::from_ref(cx.manifest) as usize,
            evidence: std::ptr::from_ref(cx.evidence) as usize,
            fingerprint: h.finish(),
        }
    }
}

impl InputCache {
    fn get(&self, cx: &CheckContext<'_>, limits: Limits) -> Result<regorus::Value, String> {
        let key = CacheKey::of(cx);
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, v)) = slot.as_ref()
            && *k == key
        {
            return v.clone();
        }
        let value = make_input(cx, limits);
        *slot = Some((key, value.clone()));
        value
    }
}

fn make_input(cx: &CheckContext<'_>, limits: Limits) -> Result<regorus::Value, String> {
    let input = input::build(cx.manifest, cx.evidence, cx.today);
    let text = serde_json::to_string(&input).map_err(|e| e.to_string())?;
    if text.len() > limits.max_input_bytes {
        return Err(format!(
            "the evidence input is {} bytes, above the limit of {} bytes",
            text.len(),
            limits.max_input_bytes
        ));
    }
    regorus::Value::from_json_str(&text).map_err(|e| e.to_string())
}

/// A check written in Rego.
pub struct RegoCheck {
    meta: CheckMeta,
    /// The `.rego` file, as the policy named it.
    pub path: String,
    /// The evidence kinds it reads (`kubernetes`, `terraform`, ...).
    pub kinds: Vec<String>,
    package: String,
    has_not_applicable: bool,
    engine: Mutex<Engine>,
    inputs: Arc<InputCache>,
    limits: Limits,
}

impl fmt::Debug for RegoCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegoCheck")
            .field("id", &self.meta.id)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl RegoCheck {
    /// The check's metadata (also through [`Check::meta`]).
    pub fn metadata(&self) -> &CheckMeta {
        &self.meta
    }

    fn rule(&self, name: &str) -> String {
        format!("{}.{name}", self.package)
    }

    fn inconclusive_from_errors(&self, cx: &CheckContext<'_>) -> Option<Outcome> {
        let errors: Vec<Finding> = cx
            .evidence
            .errors
            .iter()
            .filter(|e| {
                input::evidence_kind(e.kind).is_some_and(|k| self.kinds.iter().any(|x| x == k))
            })
            .map(launchgate_evidence::EvidenceError::finding)
            .collect();
        if errors.is_empty() {
            return None;
        }
        Some(Outcome::inconclusive_with(
            format!(
                "{} file{} this check reads could not be parsed",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            errors,
        ))
    }

    fn run(&self, input: regorus::Value) -> Result<Outcome, String> {
        let mut engine = self
            .engine
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        engine.set_input(input);
        let usage = regorus_mimalloc::limits::global_allocation_stats_snapshot().allocated;
        regorus::set_global_memory_limit(Some(usage.saturating_add(self.limits.max_memory_bytes)));
        if self.has_not_applicable {
            let v = engine
                .eval_rule(self.rule("not_applicable"))
                .map_err(|e| runtime_message(&e, self.limits))?;
            if let Ok(reason) = v.as_string() {
                return Ok(Outcome::not_applicable(reason.to_string()));
            }
        }
        let v = engine
            .eval_rule(self.rule("findings"))
            .map_err(|e| runtime_message(&e, self.limits))?;
        let json = match v {
            regorus::Value::Undefined => Json::Array(Vec::new()),
            v => serde_json::to_value(&v).map_err(|e| e.to_string())?,
        };
        let Json::Array(items) = json else {
            return Err("`findings` must be a set of objects".to_string());
        };
        let mut findings = items
            .iter()
            .map(finding)
            .collect::<Result<Vec<Finding>, String>>()?;
        findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                f.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, l.column))
            };
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
        findings.dedup();
        Ok(if findings.is_empty() {
            Outcome::proven(Vec::new())
        } else {
            Outcome::fail(findings)
        })
    }
}

fn runtime_message(e: &impl fmt::Display, limits: Limits) -> String {
    let text = e.to_string();
    if text.contains("time limit") || text.contains("TimeLimitExceeded") {
        format!(
            "the Rego evaluation exceeded the time limit of {} ms",
            limits.timeout.as_millis()
        )
    } else if text.contains("memory limit") || text.contains("MemoryLimitExceeded") {
        format!(
            "the Rego evaluation exceeded the memory limit of {} MiB",
            limits.max_memory_bytes / (1024 * 1024)
        )
    } else {
        format!("the Rego evaluation failed: {text}")
    }
}

fn finding(item: &Json) -> Result<Finding, String> {
    let Json::Object(o) = item else {
        return Err(format!(
            "a finding must be an object with `message`, got {item}"
        ));
    };
    let Some(message) = o.get("message").and_then(Json::as_str) else {
        return Err(format!("a finding has no `message` string: {item}"));
    };
    let mut f = Finding::new(message);
    if let Some(path) = o.get("path").and_then(Json::as_str) {
        let num = |k: &str| {
            o.get(k)
                .and_then(Json::as_u64)
                .map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX).max(1))
        };
        f = f.at(Some(Location::new(path, num("line"), num("column"))));
    }
    if let Some(r) = o.get("resource").and_then(Json::as_str) {
        f = f.resource(r);
    }
    Ok(f)
}

impl Check for RegoCheck {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if let Some(out) = self.inconclusive_from_errors(cx) {
            return out;
        }
        let result = self
            .inputs
            .get(cx, self.limits)
            .and_then(|input| self.run(input));
        match result {
            Ok(outcome) => outcome,
            Err(reason) => Outcome::inconclusive(reason),
        }
    }
}

/// Built-in category prefixes: a custom ID may not start with them.
const BUILTIN_PREFIXES: [&str; 8] = ["OBS", "SAF", "RUN", "DAT", "SEC", "CAP", "INC", "OPS"];

/// Loads the custom checks of `files` (see [`rego_files`]), refusing IDs of `taken` (the
/// built-in checks) and IDs declared twice. `shown` gives each file's name in messages.
pub fn load(
    files: &[(PathBuf, String)],
    taken: &[&str],
    limits: Limits,
) -> Result<Vec<RegoCheck>, LoadError> {
    let inputs = Arc::new(InputCache::default());
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (file, shown) in files {
        let text = std::fs::read_to_string(file).map_err(|e| LoadError::Read {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let check = load_one(shown, &text, limits, &inputs)?;
        let id = check.meta.id;
        if taken.contains(&id)
            || BUILTIN_PREFIXES
                .iter()
                .any(|p| id.starts_with(&format!("{p}-")))
        {
            return Err(LoadError::BuiltinId {
                path: shown.clone(),
                id: id.to_string(),
            });
        }
        if let Some(other) = seen.insert(id.to_string(), shown.clone()) {
            return Err(LoadError::Duplicate {
                path: shown.clone(),
                id: id.to_string(),
                other,
            });
        }
        out.push(check);
    }
    Ok(out)
}

/// Registers loaded checks in `registry`.
pub fn register(registry: &mut Registry, checks: Vec<RegoCheck>) -> Result<(), LoadError> {
    for c in checks {
        let path = c.path.clone();
        registry
            .register(Box::new(c))
            .map_err(|e| LoadError::Metadata {
                path,
                message: e.to_string(),
            })?;
    }
    Ok(())
}

fn new_engine(limits: Limits) -> Engine {
    let mut engine = Engine::new();
    // The clock is read every 256 work units, not every one: a clock read per unit cost more
    // than the rules themselves on the benchmark, and 256 units stop an endless loop just as well.
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit: limits.timeout,
        check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
    });
    engine
}

/// Parses one module and reads its metadata. The string leaks are deliberate: a check's
/// metadata is `'static` like a built-in's, and custom checks are loaded once per process.
pub fn load_one(
    shown: &str,
    text: &str,
    limits: Limits,
    inputs: &Arc<InputCache>,
) -> Result<RegoCheck, LoadError> {
    let rego = |e: &dyn fmt::Display| LoadError::Rego {
        path: shown.to_string(),
        message: e.to_string().trim().to_string(),
    };
    let meta_err = |m: String| LoadError::Metadata {
        path: shown.to_string(),
        message: m,
    };
    let mut engine = new_engine(limits);
    let package = engine
        .add_policy(shown.to_string(), text.to_string())
        .map_err(|e| rego(&e))?;
    if let Some(message) = engine
        .get_modules()
        .last()
        .and_then(|m| typecheck::first_error(m))
    {
        return Err(rego(&message));
    }
    let declared = |engine: &Engine, name: &str| {
        engine
            .has_declared_rule_rooted_at(shown, name)
            .unwrap_or(false)
    };
    if !declared(&engine, "metadata") {
        return Err(meta_err(format!(
            "package `{}` declares no `metadata` rule (see docs/custom-checks.md)",
            package.trim_start_matches("data.")
        )));
    }
    if !declared(&engine, "findings") {
        return Err(meta_err(format!(
            "package `{}` declares no `findings` rule: the set of findings the check reports",
            package.trim_start_matches("data.")
        )));
    }
    let has_not_applicable = declared(&engine, "not_applicable");
    engine.set_input(regorus::Value::new_object());
    let value = engine
        .eval_rule(format!("{package}.metadata"))
        .map_err(|e| rego(&e))?;
    let json = serde_json::to_value(&value).map_err(|e| meta_err(e.to_string()))?;
    let (meta, kinds) = metadata(&json).map_err(meta_err)?;
    Ok(RegoCheck {
        meta,
        path: shown.to_string(),
        kinds,
        package,
        has_not_applicable,
        engine: Mutex::new(engine),
        inputs: Arc::clone(inputs),
        limits,
    })
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The keys of a check's `metadata`.
const KEYS: [&str; 10] = [
    "id", "slug", "category", "severity", "tiers", "summary", "docs", "evidence", "effort",
    "version",
];

fn metadata(v: &Json) -> Result<(CheckMeta, Vec<String>), String> {
    let Json::Object(o) = v else {
        return Err("`metadata` must be an object".to_string());
    };
    if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "`metadata` has an unknown key `{k}`; the keys are {}",
            KEYS.join(", ")
        ));
    }
    let text = |k: &str| -> Result<&str, String> {
        o.get(k)
            .and_then(Json::as_str)
            .ok_or_else(|| format!("`metadata.{k}` must be a string"))
    };
    let id = text("id")?;
    if !launchgate_core::is_valid_check_id(id) {
        return Err(format!(
            "`metadata.id` `{id}` is not of the form PREFIX-NNN (2-8 capital letters, a dash, 3 digits), e.g. ORG-001"
        ));
    }
    let slug = text("slug")?;
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!("`metadata.slug` `{slug}` must be kebab-case"));
    }
    let category = Category::from_key(text("category")?).ok_or_else(|| {
        format!(
            "`metadata.category` must be one of {}",
            Category::ALL.map(Category::key).join(", ")
        )
    })?;
    let severity = match text("severity")? {
        "blocker" => Severity::Blocker,
        "major" => Severity::Major,
        "minor" => Severity::Minor,
        other => {
            return Err(format!(
                "`metadata.severity` `{other}` must be blocker, major or minor"
            ));
        }
    };
    let tiers = tiers(o.get("tiers"))?;
    let summary = text("summary")?.trim();
    if summary.is_empty() {
        return Err("`metadata.summary` is empty".to_string());
    }
    let docs = match o.get("docs") {
        None => String::new(),
        Some(Json::String(s)) => s.trim().to_string(),
        Some(_) => return Err("`metadata.docs` must be a string of Markdown".to_string()),
    };
    let mut kinds = Vec::new();
    let mut letters = BTreeSet::new();
    match o.get("evidence") {
        Some(Json::Array(items)) => {
            for k in items {
                let k = k.as_str().unwrap_or_default();
                let Some((_, letter)) = input::EVIDENCE_KINDS.iter().find(|(n, _)| *n == k) else {
                    return Err(format!(
                        "`metadata.evidence` names `{k}`; the kinds are {}",
                        input::EVIDENCE_KINDS.map(|(n, _)| n).join(", ")
                    ));
                };
                kinds.push(k.to_string());
                letters.insert(*letter);
            }
        }
        _ => {
            return Err(
                "`metadata.evidence` must list the evidence kinds the check reads, e.g. [\"kubernetes\"]"
                    .to_string(),
            );
        }
    }
    let num = |k: &str, default: u32| -> Result<u32, String> {
        match o.get(k) {
            None => Ok(default),
            Some(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("`metadata.{k}` must be a whole number")),
        }
    };
    let effort = num("effort", 4)?;
    let version = num("version", 1)?;
    let docs_md = if docs.contains("## What it checks") {
        docs
    } else {
        format!("## What it checks\n{summary}\n\n{docs}")
    };
    let letters: Vec<String> = letters.into_iter().map(String::from).collect();
    Ok((
        CheckMeta {
            id: leak(id.to_string()),
            slug: leak(slug.to_string()),
            category,
            severity,
            tiers,
            evidence: leak(letters.join(" ")),
            effort: Effort(effort),
            version,
            docs: leak(docs_md),
        },
        kinds,
    ))
}

fn tiers(v: Option<&Json>) -> Result<TierMatrix, String> {
    let err = || {
        "`metadata.tiers` must list what the check means for tiers 0, 1 and 2, each `required`, `recommended` or `skipped`".to_string()
    };
    let Some(Json::Array(items)) = v else {
        return Err(err());
    };
    if items.len() != 3 {
        return Err(err());
    }
    let mut out = [Requirement::Skipped; 3];
    for (i, item) in items.iter().enumerate() {
        out[i] = match item.as_str() {
            Some("required" | "R") => Requirement::Required,
            Some("recommended" | "W") => Requirement::Recommended,
            Some("skipped" | "-") => Requirement::Skipped,
            _ => return Err(err()),
        };
    }
    Ok(TierMatrix(out))
}

/// A fresh input cache, for loading checks one by one with [`load_one`].
pub fn input_cache() -> Arc<InputCache> {
    Arc::new(InputCache::default())
}
