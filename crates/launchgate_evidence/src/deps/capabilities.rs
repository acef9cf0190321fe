//! Capabilities (structured logging, tracing, retries, ...) and the table of libraries that
//! provide them, `libraries.tsv`, embedded at build time and parsed once.
//!
//! Table format, one rule per line, tab-separated: `ecosystem`, `package` (an exact name, or a
//! prefix ending in `*`), `capability` key, display name, and an optional condition
//! `feature=NAME` (the dependency must request that Cargo feature or Python extra). `#` starts
//! a comment line. Matching: exact rules for a name win over prefix rules; among prefix rules
//! only the longest matching prefix counts, so a broad `@opentelemetry/*` fallback can sit
//! beside precise `@opentelemetry/sdk-metrics` rules.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{DepManifest, Ecosystem, LibraryUse};

/// Something a service does that readiness checks look for in its libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// A JSON / structured logger.
    StructuredLogging,
    /// Distributed tracing (OpenTelemetry, Jaeger, Zipkin, vendor APMs).
    Tracing,
    /// Metrics exposition (Prometheus, OpenTelemetry metrics, Micrometer, StatsD).
    Metrics,
    /// Retries with backoff.
    Retries,
    CircuitBreaker,
    RateLimiting,
    FeatureFlags,
    /// Database schema migrations.
    Migrations,
    HttpClient,
    /// A secrets-manager client (Vault, AWS Secrets Manager, GCP Secret Manager, Azure Key Vault).
    SecretsManager,
    /// Fault injection in tests or at run time (toxiproxy clients, Chaos Monkey for Spring Boot,
    /// Chaos Toolkit): usually a test dependency, so read with [`super::Dependencies::uses_anywhere`].
    FaultInjection,
}

impl Capability {
    /// Every capability, in order.
    pub const ALL: [Capability; 11] = [
        Capability::StructuredLogging,
        Capability::Tracing,
        Capability::Metrics,
        Capability::Retries,
        Capability::CircuitBreaker,
        Capability::RateLimiting,
        Capability::FeatureFlags,
        Capability::Migrations,
        Capability::HttpClient,
        Capability::SecretsManager,
        Capability::FaultInjection,
    ];

    /// The capability's key, as used in `libraries.tsv` (`structured-logging`, `tracing`, ...).
    pub fn key(self) -> &'static str {
        match self {
            Capability::StructuredLogging => "structured-logging",
            Capability::Tracing => "tracing",
            Capability::Metrics => "metrics",
            Capability::Retries => "retries",
            Capability::CircuitBreaker => "circuit-breaker",
            Capability::RateLimiting => "rate-limiting",
            Capability::FeatureFlags => "feature-flags",
            Capability::Migrations => "migrations",
            Capability::HttpClient => "http-client",
            Capability::SecretsManager => "secrets-manager",
            Capability::FaultInjection => "fault-injection",
        }
    }

    /// The capability of a key (see [`Capability::key`]).
    pub fn from_key(key: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// One row of `libraries.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryRule {
    pub ecosystem: Ecosystem,
    /// The package name, normalized for the ecosystem (see [`Ecosystem::normalize_name`]);
    /// for a prefix rule, the prefix without its `*`.
    pub package: String,
    pub prefix: bool,
    pub capability: Capability,
    /// The library's display name.
    pub library: &'static str,
    /// A Cargo feature or Python extra the dependency must request.
    pub feature: Option<&'static str>,
    /// The 1-based line in `libraries.tsv`.
    pub line: usize,
}

const TABLE: &str = include_str!("libraries.tsv");

struct Table {
    rules: Vec<LibraryRule>,
    /// Exact rules by ecosystem and normalized name.
    exact: HashMap<Ecosystem, HashMap<String, Vec<usize>>>,
    /// Prefix rules by ecosystem.
    prefixes: HashMap<Ecosystem, Vec<usize>>,
}

static LIBRARIES: LazyLock<Table> = LazyLock::new(|| {
    // A malformed row is a bug in the embedded table; `parse_table` is unit-tested on the
    // whole table, and here bad rows are left out rather than failing the scan.
    let rules: Vec<LibraryRule> = parse_table(TABLE)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let mut exact: HashMap<Ecosystem, HashMap<String, Vec<usize>>> = HashMap::new();
    let mut prefixes: HashMap<Ecosystem, Vec<usize>> = HashMap::new();
    for (i, r) in rules.iter().enumerate() {
        if r.prefix {
            prefixes.entry(r.ecosystem).or_default().push(i);
        } else {
            exact
                .entry(r.ecosystem)
                .or_default()
                .entry(r.package.clone())
                .or_default()
                .push(i);
        }
    }
    Table {
        rules,
        exact,
        prefixes,
    }
});

/// The library table's rules, in file order.
pub fn library_rules() -> &'static [LibraryRule] {
    &LIBRARIES.rules
}

/// Parses `libraries.tsv`: one result per non-comment line, an error naming the line and the
/// problem for a malformed row.
fn parse_table(text: &'static str) -> Vec<Result<LibraryRule, String>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(parse_row(line, line_no));
    }
    out
}

fn parse_row(line: &'static str, line_no: usize) -> Result<LibraryRule, String> {
    let cols: Vec<&'static str> = line.split('\t').collect();
    let [eco, package, capability, library, rest @ ..] = cols.as_slice() else {
        return Err(format!(
            "line {line_no}: expected at least 4 tab-separated columns"
        ));
    };
    let ecosystem = Ecosystem::from_key(eco)
        .ok_or_else(|| format!("line {line_no}: unknown ecosystem `{eco}`"))?;
    let capability = Capability::from_key(capability)
        .ok_or_else(|| format!("line {line_no}: unknown capability `{capability}`"))?;
    if library.trim().is_empty() || *library != library.trim() {
        return Err(format!("line {line_no}: empty or padded display name"));
    }
    let feature = match rest {
        [] => None,
        [cond] => Some(
            cond.strip_prefix("feature=")
                .filter(|f| !f.is_empty())
                .ok_or_else(|| {
                    format!("line {line_no}: condition must be `feature=NAME`, found `{cond}`")
                })?,
        ),
        _ => return Err(format!("line {line_no}: too many columns")),
    };
    let (name, prefix) = match package.strip_suffix('*') {
        Some(p) => (p, true),
        None => (*package, false),
    };
    if name.is_empty() || name.contains(char::is_whitespace) || name.contains('*') {
        return Err(format!("line {line_no}: bad package pattern `{package}`"));
    }
    let package = if prefix {
        // Prefixes are compared on the same normalized form, minus what normalization
        // would strip from a partial name.
        match ecosystem {
            Ecosystem::PyPi | Ecosystem::NuGet | Ecosystem::RubyGems => name.to_ascii_lowercase(),
            _ => name.to_string(),
        }
    } else {
        ecosystem.normalize_name(name)
    };
    Ok(LibraryRule {
        ecosystem,
        package,
        prefix,
        capability,
        library,
        feature,
        line: line_no,
    })
}

/// The rules that match a dependency name (exact rules win; else the longest prefix).
fn matching(ecosystem: Ecosystem, name: &str) -> Vec<&'static LibraryRule> {
    let table: &'static Table = &LIBRARIES;
    let norm = ecosystem.normalize_name(name);
    if let Some(ids) = table
        .exact
        .get(&ecosystem)
        .and_then(|m| m.get(norm.as_str()))
    {
        return ids.iter().filter_map(|&i| table.rules.get(i)).collect();
    }
    let prefix_name = match ecosystem {
        Ecosystem::PyPi => norm,
        Ecosystem::NuGet | Ecosystem::RubyGems => name.to_ascii_lowercase(),
        _ => name.to_string(),
    };
    let hits: Vec<&'static LibraryRule> = table
        .prefixes
        .get(&ecosystem)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|&i| table.rules.get(i))
        .filter(|r| prefix_name.starts_with(&r.package))
        .collect();
    let longest = hits.iter().map(|r| r.package.len()).max().unwrap_or(0);
    hits.into_iter()
        .filter(|r| r.package.len() == longest)
        .collect()
}

/// Every library use in these manifests, sorted by capability, manifest path and line.
pub(super) fn detect(manifests: &[DepManifest]) -> Vec<LibraryUse> {
    let mut out = Vec::new();
    for m in manifests {
        for d in &m.dependencies {
            for rule in matching(m.ecosystem, &d.name) {
                if let Some(f) = rule.feature
                    && !d.features.iter().any(|x| x.eq_ignore_ascii_case(f))
                {
                    continue;
                }
                out.push(LibraryUse {
                    capability: rule.capability,
                    library: rule.library,
                    dep: d.name.clone(),
                    ecosystem: m.ecosystem,
                    scope: d.scope,
                    indirect: d.indirect,
                    manifest: m.path.clone(),
                    loc: d.loc.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.capability, &a.manifest, a.loc.start, &a.dep, a.library).cmp(&(
            b.capability,
            &b.manifest,
            b.loc.start,
            &b.dep,
            b.library,
        ))
    });
    out.dedup_by(|a, b| {
        a.capability == b.capability && a.manifest == b.manifest && a.loc == b.loc && a.dep == b.dep
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_embedded_table_parses() {
        let rows = parse_table(TABLE);
        let bad: Vec<&String> = rows.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(bad.is_empty(), "malformed rows in libraries.tsv: {bad:#?}");
        assert!(rows.len() > 250, "{} rows", rows.len());
        assert_eq!(library_rules().len(), rows.len());
        // Every capability and ecosystem is represented.
        for c in Capability::ALL {
            assert!(library_rules().iter().any(|r| r.capability == c), "{c:?}");
        }
        for e in ["cargo", "npm", "go", "pypi", "maven", "nuget", "rubygems"] {
            let e = Ecosystem::from_key(e).unwrap();
            assert!(library_rules().iter().any(|r| r.ecosystem == e), "{e:?}");
        }
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let rows = parse_table(
            "# c\ncargo\tx\tmetrics\tX\nfoo\tx\tmetrics\tX\ncargo\tx\tnope\tX\ncargo\tx\n\
             cargo\tx\tmetrics\tX\tflag=json\ncargo\ta b\tmetrics\tX\n",
        );
        let errs: Vec<String> = rows.into_iter().filter_map(Result::err).collect();
        assert_eq!(
            errs,
            vec![
                "line 3: unknown ecosystem `foo`",
                "line 4: unknown capability `nope`",
                "line 5: expected at least 4 tab-separated columns",
                "line 6: condition must be `feature=NAME`, found `flag=json`",
                "line 7: bad package pattern `a b`",
            ]
        );
    }

    #[test]
    fn capability_keys_round_trip() {
        for c in Capability::ALL {
            assert_eq!(Capability::from_key(c.key()), Some(c));
        }
        assert_eq!(Capability::CircuitBreaker.key(), "circuit-breaker");
    }

    fn caps(eco: Ecosystem, name: &str) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = matching(eco, name)
            .into_iter()
            .map(|r| (r.capability.key(), r.library))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn exact_rules_win_and_the_longest_prefix_decides() {
        assert_eq!(
            caps(Ecosystem::Npm, "@opentelemetry/sdk-metrics"),
            vec![("metrics", "OpenTelemetry")]
        );
        assert_eq!(
            caps(Ecosystem::Npm, "@opentelemetry/exporter-trace-otlp-http"),
            vec![("tracing", "OpenTelemetry")]
        );
        assert_eq!(
            caps(Ecosystem::Go, "github.com/cenkalti/backoff/v4"),
            vec![("retries", "backoff")]
        );
        assert_eq!(
            caps(Ecosystem::PyPi, "Python_JSON.Logger"),
            vec![("structured-logging", "python-json-logger")]
        );
        assert_eq!(
            caps(
                Ecosystem::Maven,
                "io.github.resilience4j:resilience4j-circuitbreaker"
            ),
            vec![("circuit-breaker", "Resilience4j")]
        );
        assert_eq!(
            caps(Ecosystem::NuGet, "serilog.sinks.console"),
            vec![("structured-logging", "Serilog")]
        );
        assert!(caps(Ecosystem::Cargo, "serde").is_empty());
        assert!(caps(Ecosystem::Go, "github.com/cenkalti/backoffice").is_empty());
    }
}
