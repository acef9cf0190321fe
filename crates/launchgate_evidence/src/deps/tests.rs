//! Cross-file behaviour: assembling, lockfile pairing, workspace inheritance and capability
//! detection per ecosystem, through the scanner's entry points.

use super::*;
use crate::classify;

/// Parses files as the scanner would (classified by path) and assembles them.
fn scan(files: &[(&str, &str)]) -> (Dependencies, Vec<EvidenceError>) {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (path, text) in files {
        let kind = classify(path, text);
        let src = Source::new(*path, *text);
        out.extend(parse(&src, kind, &mut errors));
    }
    (assemble(out), errors)
}

fn uses(d: &Dependencies, c: Capability) -> Vec<(String, &'static str, String, u32)> {
    d.uses(c)
        .map(|u| (u.manifest.to_string(), u.library, u.dep.clone(), u.loc.line))
        .collect()
}

#[test]
fn member_crates_use_the_workspace_root_lockfile() {
    let (d, errs) = scan(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
        ("Cargo.lock", "version = 4\n[[package]]\nname = \"api\"\n"),
        (
            "crates/api/Cargo.toml",
            "[package]\nname = \"api\"\n[dependencies]\nserde = \"1\"\n",
        ),
        (
            "tools/gen/Cargo.toml",
            "[package]\nname = \"gen\"\n[dependencies]\nclap = \"4\"\n",
        ),
        ("tools/gen/sub/Cargo.toml", "[package]\nname = \"sub\"\n"),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    let paths: Vec<&str> = d.manifests.iter().map(|m| m.path.as_ref()).collect();
    assert_eq!(
        paths,
        vec![
            "Cargo.toml",
            "crates/api/Cargo.toml",
            "tools/gen/Cargo.toml",
            "tools/gen/sub/Cargo.toml"
        ]
    );
    let api = &d.manifests[1];
    assert_eq!(
        d.lockfile_for(api).map(|l| l.path.as_ref()),
        Some("Cargo.lock")
    );
    // Under the root workspace too: the root lockfile covers it.
    assert_eq!(
        d.lockfile_for(&d.manifests[2]).map(|l| l.path.as_ref()),
        Some("Cargo.lock")
    );
    assert!(d.manifests_without_lockfile().next().is_none());
}

#[test]
fn missing_lockfiles_are_reported_per_ecosystem() {
    let (d, errs) = scan(&[
        (
            "svc/go.mod",
            "module x\n\nrequire go.uber.org/zap v1.27.0\n",
        ),
        ("tool/go.mod", "module y\n\ngo 1.23\n"),
        ("lib/go.mod", "module z\nrequire go.uber.org/zap v1.27.0\n"),
        ("lib/go.sum", "go.uber.org/zap v1.27.0 h1:x=\n"),
        ("web/package.json", "{\"dependencies\": {\"pino\": \"^9\"}}"),
        ("package-lock.json", "{\"packages\": {}}"),
        ("requirements.txt", "structlog==24.4.0\nhttpx==0.27.2\n"),
        ("requirements-dev.txt", "-r requirements.txt\npytest>=8\n"),
        (
            "java/pom.xml",
            "<project><dependencies><dependency><groupId>a</groupId><artifactId>b</artifactId></dependency></dependencies></project>",
        ),
        ("Gemfile", "gem 'rails'\n"),
        ("Gemfile.lock", "GEM\n  specs:\n    rails (7.2.1)\n"),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    let missing: Vec<&str> = d
        .manifests_without_lockfile()
        .map(|m| m.path.as_ref())
        .collect();
    // web/package.json: the root package.json that would make it a workspace member is absent.
    assert_eq!(
        missing,
        vec!["requirements-dev.txt", "svc/go.mod", "web/package.json"]
    );
    let gem = d
        .manifests
        .iter()
        .find(|m| m.path.as_ref() == "Gemfile")
        .unwrap();
    assert_eq!(
        d.lockfile_for(gem).map(|l| l.path.as_ref()),
        Some("Gemfile.lock")
    );
    let pom = d
        .manifests
        .iter()
        .find(|m| m.format == DepFormat::PomXml)
        .unwrap();
    assert!(d.lockfile_for(pom).is_none() && !pom.lockable());
}

#[test]
fn npm_workspaces_and_pnpm_roots_lock_their_members() {
    let (d, _) = scan(&[
        (
            "package.json",
            "{\"workspaces\": [\"packages/*\"], \"devDependencies\": {\"jest\": \"29\"}}",
        ),
        ("yarn.lock", "jest@29:\n  version \"29.7.0\"\n"),
        (
            "packages/a/package.json",
            "{\"dependencies\": {\"pino\": \"^9\"}}",
        ),
        ("other/package.json", "{}"),
        ("other/pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        (
            "other/apps/b/package.json",
            "{\"dependencies\": {\"axios\": \"^1\"}}",
        ),
    ]);
    let lock = |p: &str| {
        let m = d.manifests.iter().find(|m| m.path.as_ref() == p).unwrap();
        d.lockfile_for(m).map(|l| l.path.to_string())
    };
    assert_eq!(
        lock("packages/a/package.json").as_deref(),
        Some("yarn.lock")
    );
    assert_eq!(
        lock("other/apps/b/package.json").as_deref(),
        Some("other/pnpm-lock.yaml")
    );
    assert!(d.manifests_without_lockfile().next().is_none());
}

#[test]
fn update_tooling_is_detected() {
    let (d, errs) = scan(&[
        (
            ".github/dependabot.yml",
            "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: {interval: weekly}\n",
        ),
        ("renovate.json", "{\"extends\": [\"config:recommended\"]}"),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    let tools: Vec<(UpdateToolKind, &str, bool)> = d
        .update_tooling
        .iter()
        .map(|t| (t.tool, t.path.as_ref(), t.enabled))
        .collect();
    assert_eq!(
        tools,
        vec![
            (UpdateToolKind::Dependabot, ".github/dependabot.yml", true),
            (UpdateToolKind::Renovate, "renovate.json", true),
        ]
    );
    assert!(d.has_update_tooling());
    assert!(!Dependencies::default().has_update_tooling());
}

#[test]
fn rust_capabilities_with_feature_conditions_and_workspace_inheritance() {
    let (d, errs) = scan(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"api\"]\n[workspace.dependencies]\ntracing-subscriber = { version = \"0.3\", features = [\"json\"] }\n",
        ),
        (
            "api/Cargo.toml",
            "[package]\nname = \"api\"\n[dependencies]\ntracing-subscriber.workspace = true\n\
             opentelemetry-otlp = \"0.25\"\ntower = { version = \"0.5\", features = [\"limit\"] }\n\
             backon = \"1\"\nreqwest = \"0.12\"\nsqlx = \"0.8\"\n[dev-dependencies]\nwiremock = \"0.6\"\nfailsafe = \"1\"\n",
        ),
        (
            "cli/Cargo.toml",
            "[package]\nname = \"cli\"\n[dependencies]\ntracing-subscriber = \"0.3\"\n",
        ),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    let api = "api/Cargo.toml".to_string();
    assert_eq!(
        uses(&d, Capability::StructuredLogging),
        vec![(
            api.clone(),
            "tracing-subscriber (json)",
            "tracing-subscriber".into(),
            4
        )]
    );
    assert_eq!(
        uses(&d, Capability::Tracing),
        vec![(api.clone(), "OpenTelemetry", "opentelemetry-otlp".into(), 5)]
    );
    assert_eq!(
        uses(&d, Capability::Metrics),
        vec![(api.clone(), "OpenTelemetry", "opentelemetry-otlp".into(), 5)]
    );
    assert_eq!(
        uses(&d, Capability::RateLimiting),
        vec![(api.clone(), "tower (limit)", "tower".into(), 6)]
    );
    assert_eq!(
        uses(&d, Capability::Retries),
        vec![(api.clone(), "backon", "backon".into(), 7)]
    );
    assert_eq!(
        uses(&d, Capability::HttpClient),
        vec![(api.clone(), "reqwest", "reqwest".into(), 8)]
    );
    assert_eq!(
        uses(&d, Capability::Migrations),
        vec![(api.clone(), "sqlx (sqlx migrate)", "sqlx".into(), 9)]
    );
    // failsafe is a dev-dependency: listed, but it does not ship.
    assert!(uses(&d, Capability::CircuitBreaker).is_empty());
    let dev: Vec<&LibraryUse> = d
        .libraries
        .iter()
        .filter(|u| u.capability == Capability::CircuitBreaker)
        .collect();
    assert_eq!(dev.len(), 1);
    assert_eq!(
        (dev[0].scope, dev[0].loc.line, dev[0].ships()),
        (Scope::Dev, 12, false)
    );
    // The member inherited the workspace version and features.
    let member = &d.manifests[1].dependencies[0];
    assert_eq!(
        (member.version.as_deref(), member.features.clone()),
        (Some("0.3"), vec!["json".to_string()])
    );
}

#[test]
fn go_capabilities_skip_indirect_requirements() {
    let (d, _) = scan(&[(
        "go.mod",
        "module x\n\nrequire (\n\tgo.uber.org/zap v1.27.0\n\tgo.opentelemetry.io/otel/sdk v1.30.0\n\
         \tgo.opentelemetry.io/otel/sdk/metric v1.30.0\n\tgithub.com/sony/gobreaker/v2 v2.0.0\n\
         \tgithub.com/cenkalti/backoff/v4 v4.3.0\n\tgolang.org/x/time v0.6.0 // indirect\n\
         \tgithub.com/launchdarkly/go-server-sdk/v7 v7.6.0\n\tgithub.com/pressly/goose/v3 v3.22.0\n)\n",
    )]);
    let keys = |c| {
        uses(&d, c)
            .into_iter()
            .map(|(_, lib, dep, line)| (lib, dep, line))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(Capability::StructuredLogging),
        vec![("zap", "go.uber.org/zap".into(), 4)]
    );
    assert_eq!(
        keys(Capability::Tracing),
        vec![("OpenTelemetry", "go.opentelemetry.io/otel/sdk".into(), 5)]
    );
    assert_eq!(
        keys(Capability::Metrics),
        vec![(
            "OpenTelemetry",
            "go.opentelemetry.io/otel/sdk/metric".into(),
            6
        )]
    );
    assert_eq!(
        keys(Capability::CircuitBreaker),
        vec![("gobreaker", "github.com/sony/gobreaker/v2".into(), 7)]
    );
    assert_eq!(
        keys(Capability::Retries),
        vec![("backoff", "github.com/cenkalti/backoff/v4".into(), 8)]
    );
    assert!(keys(Capability::RateLimiting).is_empty());
    assert_eq!(d.libraries.iter().filter(|u| u.indirect).count(), 1);
    assert_eq!(
        keys(Capability::FeatureFlags),
        vec![(
            "LaunchDarkly",
            "github.com/launchdarkly/go-server-sdk/v7".into(),
            10
        )]
    );
    assert_eq!(
        keys(Capability::Migrations),
        vec![("goose", "github.com/pressly/goose/v3".into(), 11)]
    );
}

#[test]
fn python_capabilities_with_normalized_names() {
    let (d, _) = scan(&[(
        "requirements.txt",
        "structlog==24.4.0\nopentelemetry-instrumentation-fastapi==0.48b0\nprometheus_client==0.21.0\n\
         Tenacity==9.0.0\npybreaker==1.2.0\nslowapi==0.1.9\nUnleashClient==5.11.1\nalembic==1.13.3\nhttpx==0.27.2\nhvac==2.3.0\n",
    )]);
    let libs = |c| {
        uses(&d, c)
            .into_iter()
            .map(|(_, lib, _, line)| (lib, line))
            .collect::<Vec<_>>()
    };
    assert_eq!(libs(Capability::StructuredLogging), vec![("structlog", 1)]);
    assert_eq!(libs(Capability::Tracing), vec![("OpenTelemetry", 2)]);
    assert_eq!(libs(Capability::Metrics), vec![("Prometheus", 3)]);
    assert_eq!(libs(Capability::Retries), vec![("tenacity", 4)]);
    assert_eq!(libs(Capability::CircuitBreaker), vec![("pybreaker", 5)]);
    assert_eq!(libs(Capability::RateLimiting), vec![("slowapi", 6)]);
    assert_eq!(libs(Capability::FeatureFlags), vec![("Unleash", 7)]);
    assert_eq!(libs(Capability::Migrations), vec![("Alembic", 8)]);
    assert_eq!(libs(Capability::HttpClient), vec![("HTTPX", 9)]);
    assert_eq!(libs(Capability::SecretsManager), vec![("Vault", 10)]);
}

#[test]
fn javascript_capabilities_leave_dev_dependencies_out() {
    let (d, _) = scan(&[(
        "package.json",
        "{\n\"dependencies\": {\n\"pino\": \"^9\",\n\"@opentelemetry/sdk-node\": \"0.53\",\n\"prom-client\": \"^15\",\n\
         \"opossum\": \"^8\",\n\"express-rate-limit\": \"^7\",\n\"@openfeature/server-sdk\": \"^1\",\n\"knex\": \"^3\",\n\"axios\": \"^1\"\n},\n\
         \"devDependencies\": {\"p-retry\": \"^6\"}\n}",
    )]);
    let libs = |c| {
        uses(&d, c)
            .into_iter()
            .map(|(_, lib, _, line)| (lib, line))
            .collect::<Vec<_>>()
    };
    assert_eq!(libs(Capability::StructuredLogging), vec![("pino", 3)]);
    assert_eq!(libs(Capability::Tracing), vec![("OpenTelemetry", 4)]);
    assert_eq!(
        libs(Capability::Metrics),
        vec![("OpenTelemetry", 4), ("prom-client", 5)]
    );
    assert_eq!(libs(Capability::CircuitBreaker), vec![("opossum", 6)]);
    assert_eq!(
        libs(Capability::RateLimiting),
        vec![("express-rate-limit", 7)]
    );
    assert_eq!(libs(Capability::FeatureFlags), vec![("OpenFeature", 8)]);
    assert_eq!(libs(Capability::Migrations), vec![("Knex", 9)]);
    assert_eq!(libs(Capability::HttpClient), vec![("axios", 10)]);
    assert!(libs(Capability::Retries).is_empty());
    assert!(
        d.libraries
            .iter()
            .any(|u| u.dep == "p-retry" && u.scope == Scope::Dev)
    );
}

#[test]
fn jvm_dotnet_and_ruby_capabilities() {
    let (d, errs) = scan(&[
        (
            "build.gradle.kts",
            "dependencies {\n  implementation(\"io.github.resilience4j:resilience4j-spring-boot3:2.2.0\")\n  \
             implementation(\"org.flywaydb:flyway-core\")\n  implementation(\"net.logstash.logback:logstash-logback-encoder:8.0\")\n}\n",
        ),
        (
            "svc/Svc.csproj",
            "<Project><ItemGroup><PackageReference Include=\"Serilog.AspNetCore\" Version=\"8.0.2\" />\n\
             <PackageReference Include=\"Polly\" Version=\"8.4.2\" /></ItemGroup></Project>",
        ),
        (
            "Gemfile",
            "gem 'lograge'\ngem 'circuitbox'\ngem 'flipper-active_record'\n",
        ),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    let libs = |c| {
        uses(&d, c)
            .into_iter()
            .map(|(m, lib, _, line)| (m, lib, line))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        libs(Capability::StructuredLogging),
        vec![
            ("Gemfile".to_string(), "Lograge", 1),
            (
                "build.gradle.kts".to_string(),
                "logstash-logback-encoder",
                4
            ),
            ("svc/Svc.csproj".to_string(), "Serilog", 1),
        ]
    );
    assert_eq!(
        libs(Capability::CircuitBreaker),
        vec![
            ("Gemfile".to_string(), "Circuitbox", 2),
            ("build.gradle.kts".to_string(), "Resilience4j", 2),
            ("svc/Svc.csproj".to_string(), "Polly", 2),
        ]
    );
    assert_eq!(
        libs(Capability::Retries),
        vec![
            ("build.gradle.kts".to_string(), "Resilience4j", 2),
            ("svc/Svc.csproj".to_string(), "Polly", 2)
        ]
    );
    assert_eq!(
        libs(Capability::Migrations),
        vec![("build.gradle.kts".to_string(), "Flyway", 3)]
    );
    assert_eq!(
        libs(Capability::FeatureFlags),
        vec![("Gemfile".to_string(), "Flipper", 3)]
    );
}

#[test]
fn parse_errors_carry_the_file_kind() {
    let (_, errs) = scan(&[("Cargo.toml", "[dependencies\n"), ("go.mod", "require (\n")]);
    let got: Vec<(&str, u32, FileKind)> = errs
        .iter()
        .map(|e| (e.loc.path.as_ref(), e.loc.line, e.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Cargo.toml",
                1,
                FileKind::Dependencies(DepFormat::CargoToml)
            ),
            ("go.mod", 1, FileKind::Dependencies(DepFormat::GoMod)),
        ]
    );
}

#[test]
fn ecosystem_name_normalization() {
    assert_eq!(
        Ecosystem::PyPi.normalize_name("Python_JSON..Logger"),
        "python-json-logger"
    );
    assert_eq!(
        Ecosystem::Go.normalize_name("github.com/a/b/v12"),
        "github.com/a/b"
    );
    assert_eq!(
        Ecosystem::Go.normalize_name("gopkg.in/yaml.v3"),
        "gopkg.in/yaml.v3"
    );
    assert_eq!(
        Ecosystem::Go.normalize_name("example.com/v"),
        "example.com/v"
    );
    assert_eq!(Ecosystem::NuGet.normalize_name("Polly"), "polly");
    assert_eq!(Ecosystem::Npm.normalize_name("@Scope/X"), "@Scope/X");
    for e in [
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::Go,
        Ecosystem::PyPi,
        Ecosystem::Maven,
        Ecosystem::NuGet,
        Ecosystem::RubyGems,
    ] {
        assert_eq!(Ecosystem::from_key(e.key()), Some(e));
    }
}

#[test]
fn a_real_scan_reads_dependency_files() {
    let root = std::env::temp_dir().join(format!("launchgate-deps-scan-{}", std::process::id()));
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"a\"\n[dependencies]\ngovernor = \"0.6\"\n",
        ),
        ("Cargo.lock", "[[package]]\nname = \"governor\"\n"),
        (".renovaterc", "{\"extends\": [\"config:recommended\"]}"),
        ("api/requirements-test.txt", "pytest==8.3.3\n"),
    ];
    for (p, text) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let ev = crate::scan(&root, &crate::ScanOptions::default()).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    let d = &ev.dependencies;
    assert_eq!(d.manifests.len(), 2);
    assert_eq!(d.lockfiles[0].packages, vec!["governor"]);
    assert_eq!(d.update_tooling[0].path.as_ref(), ".renovaterc");
    let rl: Vec<(&str, u32)> = d
        .uses(Capability::RateLimiting)
        .map(|u| (u.library, u.loc.line))
        .collect();
    assert_eq!(rl, vec![("governor", 4)]);
    let paths: Vec<&str> = d.manifests.iter().map(|m| m.path.as_ref()).collect();
    assert_eq!(paths, vec!["Cargo.toml", "api/requirements-test.txt"]);
    assert_eq!(d.manifests[1].dependencies[0].scope, Scope::Test);
}
