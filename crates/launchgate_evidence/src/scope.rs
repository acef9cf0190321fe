//! Path scope: which files of the tree the review judges. Trees that are not deployed
//! (examples, tests, test data, fixtures, vendored code, generated docs) are out of scope by
//! default rules; the manifest's `scan:` section adds `include` and `exclude` globs or turns
//! the defaults off. Out-of-scope files are still read by the secret scanner, and by nothing
//! else; the review lists them, grouped by folder, with the rule that left them out.

use std::collections::BTreeMap;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::Excluded;

/// A default rule: a name users can find again (`default: examples`), the folder names it
/// matches (lower case, compared with each folder of a path), and why those folders are out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultRule {
    pub name: &'static str,
    pub folders: &'static [&'static str],
    pub why: &'static str,
}

/// The default out-of-scope rules, in the order they are tried. A folder at any depth whose
/// name (compared without case) is listed is out of scope with everything under it. Folders
/// that deploy or document the service (`deploy/`, `docs/`, `k8s/`, `charts/`, `src/`,
/// `scripts/`, `hack/`) are never listed: a rule here must only ever match trees that are not
/// shipped.
pub const DEFAULT_RULES: &[DefaultRule] = &[
    DefaultRule {
        name: "examples",
        folders: &[
            "examples",
            "example",
            "samples",
            "sample",
            "_examples",
            "_samples",
        ],
        why: "examples and samples show how to use something; they are not what the service deploys",
    },
    DefaultRule {
        name: "tests",
        folders: &[
            "test",
            "tests",
            "e2e",
            "__tests__",
            "integration-tests",
            "e2e-tests",
            "cypress",
        ],
        why: "test and end-to-end suites deploy throwaway copies of the service to test it",
    },
    DefaultRule {
        name: "testdata",
        folders: &["testdata", "test-data", "test_data"],
        why: "input files of tests, often deliberately wrong",
    },
    DefaultRule {
        name: "fixtures",
        folders: &["fixtures", "__fixtures__", "__mocks__", "__snapshots__"],
        why: "fixtures, mocks and snapshots of tests, often deliberately wrong",
    },
    DefaultRule {
        name: "vendored",
        folders: &[
            "vendor",
            "third_party",
            "third-party",
            "thirdparty",
            "node_modules",
            "bower_components",
            "site-packages",
        ],
        why: "vendored third-party code is reviewed by its own project, not as this service",
    },
    DefaultRule {
        name: "generated docs",
        folders: &["_site", "_build", "apidocs", "javadoc"],
        why: "built documentation sites are generated from sources that are reviewed where they are written",
    },
];

/// The scope rules of a scan, before compilation: the manifest's `scan:` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRules {
    /// Apply [`DEFAULT_RULES`].
    pub defaults: bool,
    /// Globs of files that are in scope even where a default rule would leave them out.
    pub include: Vec<String>,
    /// Globs of files that are out of scope, whatever else applies.
    pub exclude: Vec<String>,
    /// The service's source folders (`select.source`): Dockerfiles and dependency manifests
    /// elsewhere are another service's. Empty: all count.
    pub source: Vec<String>,
    /// The service's Terraform roots (`select.terraform`): Terraform elsewhere is another
    /// service's. Empty: all counts.
    pub terraform: Vec<String>,
}

impl Default for ScopeRules {
    fn default() -> Self {
        ScopeRules {
            defaults: true,
            include: Vec::new(),
            exclude: Vec::new(),
            source: Vec::new(),
            terraform: Vec::new(),
        }
    }
}

/// A glob of the `scan:` section that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`scan.{key}` glob `{glob}` is invalid: {message}")]
pub struct BadGlob {
    pub key: &'static str,
    pub glob: String,
    pub message: String,
}

fn compile(glob: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(glob.trim_start_matches("./"))
        .literal_separator(true)
        .build()
}

/// One `scan.exclude` glob: the file matcher, and for a `folder/**` glob the folder matcher,
/// so exclusions are grouped by the folder the glob names.
#[derive(Debug)]
struct ExcludeGlob {
    text: String,
    file: GlobMatcher,
    folder: Option<GlobMatcher>,
}

/// The compiled scope rules.
#[derive(Debug)]
pub(crate) struct Scope {
    defaults: bool,
    include: GlobSet,
    has_include: bool,
    exclude: Vec<ExcludeGlob>,
    source: Vec<String>,
    terraform: Vec<String>,
}

/// Why a file is out of scope: the folder (ending in `/`) or file that holds the rule, and the
/// rule as shown to users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutOfScope {
    pub path: String,
    pub rule: String,
}

impl Scope {
    pub(crate) fn new(rules: &ScopeRules) -> Result<Scope, BadGlob> {
        let bad = |key, glob: &str, e: globset::Error| BadGlob {
            key,
            glob: glob.to_string(),
            message: e.kind().to_string(),
        };
        let mut include = GlobSetBuilder::new();
        for g in &rules.include {
            include.add(compile(g).map_err(|e| bad("include", g, e))?);
        }
        let include = include
            .build()
            .map_err(|e| bad("include", &rules.include.join(", "), e))?;
        let mut exclude = Vec::new();
        for g in &rules.exclude {
            let file = compile(g)
                .map_err(|e| bad("exclude", g, e))?
                .compile_matcher();
            let folder = g
                .trim_start_matches("./")
                .strip_suffix("/**")
                .and_then(|f| compile(f).ok())
                .map(|f| f.compile_matcher());
            exclude.push(ExcludeGlob {
                text: g.clone(),
                file,
                folder,
            });
        }
        Ok(Scope {
            defaults: rules.defaults,
            include,
            has_include: !rules.include.is_empty(),
            exclude,
            source: folders(&rules.source),
            terraform: folders(&rules.terraform),
        })
    }

    /// Whether a classified file is another service's part: a Dockerfile or dependency
    /// manifest outside `select.source`, Terraform outside `select.terraform`.
    pub(crate) fn judge_kind(&self, rel: &str, kind: crate::FileKind) -> Option<OutOfScope> {
        use crate::FileKind;
        let (folders, what) = match kind {
            FileKind::Dockerfile | FileKind::Dependencies(_) => (&self.source, "source"),
            FileKind::Terraform => (&self.terraform, "terraform"),
            _ => return None,
        };
        if folders.is_empty() || folders.iter().any(|f| rel.starts_with(f.as_str())) {
            return None;
        }
        Some(OutOfScope {
            path: other_part(rel, folders),
            rule: format!("select.{what}: not this service's"),
        })
    }

    /// Whether `rel` (a repository-relative file path) is out of scope, and by which rule.
    /// `scan.exclude` wins over everything, `scan.include` over the default rules.
    pub(crate) fn judge(&self, rel: &str) -> Option<OutOfScope> {
        for g in &self.exclude {
            if g.file.is_match(rel) {
                return Some(OutOfScope {
                    path: exclude_group(rel, g),
                    rule: format!("scan.exclude: {}", g.text),
                });
            }
        }
        if !self.defaults {
            return None;
        }
        let hit = default_hit(rel)?;
        if self.has_include && self.include.is_match(rel) {
            return None;
        }
        Some(hit)
    }
}

/// Folders as prefixes: `/`-separated, without `./`, ending with `/` (`.` is the root).
fn folders(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|f| {
            let f = f.trim().trim_start_matches("./").trim_end_matches('/');
            if f.is_empty() || f == "." {
                String::new()
            } else {
                format!("{f}/")
            }
        })
        .collect()
}

/// The part of the repository `rel` belongs to, seen from the selected folders: the first
/// folder where its path leaves every selected one (`src/checkoutservice/` for
/// `src/checkoutservice/go.mod` when `src/adservice/` is selected), or the file itself.
fn other_part(rel: &str, selected: &[String]) -> String {
    let common = selected
        .iter()
        .map(|f| {
            rel.split_inclusive('/')
                .zip(f.split_inclusive('/'))
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.len())
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    let rest = &rel[common..];
    match rest.find('/') {
        Some(i) => format!("{}{}/", &rel[..common], &rest[..i]),
        None => rel.to_string(),
    }
}

/// The top-most folder of `rel` a default rule matches. Below a JVM source root
/// (`src/main/java/`, `src/main/kotlin/`, `src/main/scala/`, `src/main/groovy/`) folders are
/// packages: `com/example/wallet/` is the `com.example.wallet` package of the service, not an
/// examples folder.
fn default_hit(rel: &str) -> Option<OutOfScope> {
    let mut end = 0;
    let mut packages = false;
    let mut previous = "";
    let mut parts = rel.split('/').peekable();
    while let Some(seg) = parts.next() {
        // The last part is the file itself: the rules are about folders, but for Compose
        // files that run a test suite (`compose.tests.yaml`, `docker-compose.e2e.yml`).
        if parts.peek().is_none() {
            return is_test_compose_file(seg).then(|| OutOfScope {
                path: rel.to_string(),
                rule: "default: tests".to_string(),
            });
        }
        end += seg.len() + 1;
        if packages {
            continue;
        }
        if previous == "main" && matches!(seg, "java" | "kotlin" | "scala" | "groovy") {
            packages = true;
            continue;
        }
        previous = seg;
        if let Some(rule) = default_rule_for(seg) {
            return Some(OutOfScope {
                path: rel[..end].to_string(),
                rule: format!("default: {}", rule.name),
            });
        }
    }
    None
}

/// Whether a file name is a Compose file of a test suite: `compose.tests.yaml`,
/// `docker-compose.test.yml`, `docker-compose.e2e.yaml`, `compose.ci.yaml`,
/// `docker-compose-integration-test.yml`: a Compose file name whose qualifier (between
/// `compose` and the extension) holds a word `test`, `tests`, `e2e`, `ci` or `integration`.
pub fn is_test_compose_file(name: &str) -> bool {
    // Called for every file of the walk: no allocation unless the name says `compose`.
    if !name
        .as_bytes()
        .windows(7)
        .any(|w| w.eq_ignore_ascii_case(b"compose"))
    {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
    else {
        return false;
    };
    let Some(at) = stem.find("compose") else {
        return false;
    };
    let qualifier = format!("{}.{}", &stem[..at], &stem[at + "compose".len()..]);
    qualifier
        .split(['.', '-', '_'])
        .any(|w| matches!(w, "test" | "tests" | "e2e" | "ci" | "integration" | "it"))
}

/// The default rule matching a folder name, if any.
pub fn default_rule_for(folder: &str) -> Option<&'static DefaultRule> {
    // Most folder names are not listed: a cheap length test first, then a case-blind compare.
    if folder.len() > 17 || folder.len() < 3 {
        return None;
    }
    DEFAULT_RULES
        .iter()
        .find(|r| r.folders.iter().any(|f| f.eq_ignore_ascii_case(folder)))
}

/// For a `folder/**` glob, the top-most ancestor folder of `rel` the folder part matches;
/// otherwise the file itself.
fn exclude_group(rel: &str, g: &ExcludeGlob) -> String {
    if let Some(folder) = &g.folder {
        let mut end = 0;
        for seg in rel.split('/') {
            end += seg.len();
            if end >= rel.len() {
                break;
            }
            if folder.is_match(&rel[..end]) {
                return format!("{}/", &rel[..end]);
            }
            end += 1;
        }
    }
    rel.to_string()
}

/// The out-of-scope files grouped into [`Excluded`] entries, sorted by path.
pub(crate) fn group(found: Vec<OutOfScope>) -> Vec<Excluded> {
    let mut groups: BTreeMap<(String, String), usize> = BTreeMap::new();
    for o in found {
        *groups.entry((o.path, o.rule)).or_default() += 1;
    }
    groups
        .into_iter()
        .map(|((path, rule), files)| Excluded { path, rule, files })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rules(include: &[&str], exclude: &[&str]) -> Scope {
        Scope::new(&ScopeRules {
            include: include.iter().map(ToString::to_string).collect(),
            exclude: exclude.iter().map(ToString::to_string).collect(),
            ..ScopeRules::default()
        })
        .unwrap()
    }

    fn judged(s: &Scope, rel: &str) -> Option<(String, String)> {
        s.judge(rel).map(|o| (o.path, o.rule))
    }

    #[test]
    fn default_rules_take_the_top_most_listed_folder() {
        let s = rules(&[], &[]);
        let out = |p: &str, r: &str| Some((p.to_string(), r.to_string()));
        assert_eq!(
            judged(&s, "examples/app/tests/x.yaml"),
            out("examples/", "default: examples")
        );
        assert_eq!(
            judged(&s, "tests/e2e/kind/cluster.yaml"),
            out("tests/", "default: tests")
        );
        assert_eq!(
            judged(&s, "src/cart/Tests/a.cs"),
            out("src/cart/Tests/", "default: tests")
        );
        assert_eq!(
            judged(&s, "pkg/testdata/bad.yaml"),
            out("pkg/testdata/", "default: testdata")
        );
        assert_eq!(
            judged(&s, "vendor/github.com/x/go.mod"),
            out("vendor/", "default: vendored")
        );
        assert_eq!(
            judged(&s, "src/test/java/com/example/AccountsTest.java"),
            out("src/test/", "default: tests")
        );
        assert_eq!(
            judged(&s, "examples/src/main/java/com/example/Demo.java"),
            out("examples/", "default: examples")
        );
        assert_eq!(
            judged(&s, "docs/_site/index.md"),
            out("docs/_site/", "default: generated docs")
        );
        for kept in [
            "docs/runbooks/high-latency.md",
            "deploy/app.yaml",
            "kubernetes-manifests/adservice.yaml",
            "test.yaml",
            "examples.md",
            "src/testing/x.go",
            "manifests/prometheus-prometheus.yaml",
            "contest/app.yaml",
            "src/main/java/com/example/wallet/Accounts.java",
            "service/src/main/kotlin/org/sample/test/Api.kt",
        ] {
            assert_eq!(judged(&s, kept), None, "{kept}");
        }
    }

    #[test]
    fn include_beats_a_default_and_exclude_beats_everything() {
        let s = rules(&["examples/prod/**"], &["legacy/**", "**/*.tmp.yaml"]);
        assert_eq!(judged(&s, "examples/prod/app.yaml"), None);
        assert_eq!(
            judged(&s, "examples/dev/app.yaml"),
            Some(("examples/".to_string(), "default: examples".to_string()))
        );
        assert_eq!(
            judged(&s, "legacy/old/app.yaml"),
            Some(("legacy/".to_string(), "scan.exclude: legacy/**".to_string()))
        );
        assert_eq!(
            judged(&s, "deploy/a.tmp.yaml"),
            Some((
                "deploy/a.tmp.yaml".to_string(),
                "scan.exclude: **/*.tmp.yaml".to_string()
            ))
        );
    }

    #[test]
    fn select_folders_leave_out_other_services_sources_and_terraform() {
        let s = Scope::new(&ScopeRules {
            source: vec!["src/adservice".to_string()],
            terraform: vec!["./terraform/ads/".to_string()],
            ..ScopeRules::default()
        })
        .unwrap();
        let deps = crate::FileKind::Dependencies(crate::DepFormat::GoMod);
        let out = |p: &str, r: &str| Some((p.to_string(), r.to_string()));
        let j = |rel: &str, k| s.judge_kind(rel, k).map(|o| (o.path, o.rule));
        assert_eq!(j("src/adservice/build.gradle", deps), None);
        assert_eq!(
            j("src/checkoutservice/go.mod", deps),
            out("src/checkoutservice/", "select.source: not this service's")
        );
        assert_eq!(
            j("package.json", deps),
            out("package.json", "select.source: not this service's")
        );
        assert_eq!(
            j("src/cart/Dockerfile", crate::FileKind::Dockerfile),
            out("src/cart/", "select.source: not this service's")
        );
        assert_eq!(j("terraform/ads/main.tf", crate::FileKind::Terraform), None);
        assert_eq!(
            j("terraform/main.tf", crate::FileKind::Terraform),
            out("terraform/main.tf", "select.terraform: not this service's")
        );
        assert_eq!(j("deploy/app.yaml", crate::FileKind::Kubernetes), None);
    }

    #[test]
    fn defaults_can_be_turned_off() {
        let s = Scope::new(&ScopeRules {
            defaults: false,
            ..ScopeRules::default()
        })
        .unwrap();
        assert_eq!(judged(&s, "examples/app.yaml"), None);
    }

    #[test]
    fn a_bad_glob_is_an_error_naming_the_key() {
        let e = Scope::new(&ScopeRules {
            exclude: vec!["a/[b".to_string()],
            ..ScopeRules::default()
        })
        .unwrap_err();
        assert_eq!(e.key, "exclude");
        assert_eq!(e.glob, "a/[b");
    }

    #[test]
    fn compose_files_of_test_suites_are_tests() {
        for name in [
            "compose.tests.yaml",
            "docker-compose.test.yml",
            "docker-compose.e2e.yaml",
            "compose.ci.yml",
            "docker-compose-integration-test.yml",
            "test.compose.yaml",
        ] {
            assert!(super::is_test_compose_file(name), "{name}");
        }
        for name in [
            "compose.yaml",
            "docker-compose.yml",
            "compose.override.yaml",
            "compose.observability.yaml",
            "docker-compose.testing-tools.md",
            "contest.yaml",
            "tests.yaml",
        ] {
            assert!(!super::is_test_compose_file(name), "{name}");
        }
        let s = rules(&[], &[]);
        assert_eq!(
            s.judge("compose.tests.yaml").map(|o| o.rule),
            Some("default: tests".to_string())
        );
    }

    #[test]
    fn groups_count_files_per_folder_and_rule() {
        let s = rules(&[], &[]);
        let found = ["examples/a.yaml", "examples/b/c.yaml", "tests/x.go"]
            .iter()
            .filter_map(|p| s.judge(p))
            .collect();
        assert_eq!(
            group(found),
            vec![
                Excluded {
                    path: "examples/".to_string(),
                    rule: "default: examples".to_string(),
                    files: 2
                },
                Excluded {
                    path: "tests/".to_string(),
                    rule: "default: tests".to_string(),
                    files: 1
                },
            ]
        );
    }
}
