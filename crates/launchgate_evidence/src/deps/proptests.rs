//! Robustness: every dependency parser, fed arbitrary text and mutations of valid samples,
//! never panics and reports every error at a location inside the file.

use proptest::prelude::*;

use super::parse;
use crate::{DepFormat, FileKind, Source, classify};

const SAMPLES: [(&str, &str); 16] = [
    (
        "Cargo.toml",
        "[package]\nname = \"a\"\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n[target.'cfg(unix)'.dependencies]\nnix = \"0.29\"\n",
    ),
    ("Cargo.lock", "[[package]]\nname = \"a\"\nversion = \"1\"\n"),
    (
        "package.json",
        "{\"name\": \"x\", \"dependencies\": {\"pino\": \"^9\", \"a\": \"npm:b@1\"}}",
    ),
    (
        "package-lock.json",
        "{\"packages\": {\"node_modules/a\": {}}}",
    ),
    ("yarn.lock", "\"a@^1\", a@^2:\n  version \"1\"\n"),
    ("pnpm-lock.yaml", "packages:\n  /a@1.0.0(b@2):\n    x: y\n"),
    (
        "go.mod",
        "module x\nrequire (\n  a.b/c v1 // indirect\n)\nrequire \"d/e\" v2\n",
    ),
    ("go.sum", "a.b/c v1 h1:x=\n"),
    (
        "requirements.txt",
        "-r base.txt\nrequests[socks]>=2 ; python_version<'3.9' \\\n  --hash=sha256:00\n-e git+https://x/y#egg=z\n",
    ),
    (
        "pyproject.toml",
        "[project]\ndependencies = [\"a>=1\"]\n[tool.poetry.dependencies]\nb = {version = \"^1\", extras = [\"x\"]}\n",
    ),
    (
        "Pipfile",
        "[packages]\na = \"*\"\n[dev-packages]\nb = {version = \"==1\"}\n",
    ),
    (
        "pom.xml",
        "<project><dependencies><dependency><groupId>a</groupId><artifactId>b</artifactId><version>1&amp;2</version></dependency></dependencies></project>",
    ),
    (
        "build.gradle.kts",
        "dependencies {\n  implementation(\"a:b:1\") /* x */\n  api(libs.c.d)\n}\n",
    ),
    (
        "Gemfile",
        "group :test do\n  gem 'a', '~> 1', require: false\nend\n",
    ),
    (
        "x.csproj",
        "<Project><ItemGroup><PackageReference Include=\"a\"><Version>1</Version></PackageReference></ItemGroup></Project>",
    ),
    ("renovate.json", "{\n  // c\n  \"enabled\": false,\n}\n"),
];

/// Names every parser is reached by.
const NAMES: [&str; 20] = [
    "Cargo.toml",
    "Cargo.lock",
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "go.mod",
    "go.sum",
    "requirements.txt",
    "pyproject.toml",
    "poetry.lock",
    "Pipfile",
    "Pipfile.lock",
    "pom.xml",
    "build.gradle",
    "Gemfile",
    "Gemfile.lock",
    "x.csproj",
    "packages.lock.json",
    ".github/dependabot.yml",
];

fn check(path: &str, text: &str) -> Result<(), TestCaseError> {
    let kind = classify(path, text);
    prop_assert!(matches!(
        kind,
        FileKind::Dependencies(_) | FileKind::DependencyUpdates
    ));
    let src = Source::new(path, text);
    let mut errors = Vec::new();
    let _ = parse(&src, kind, &mut errors);
    for e in &errors {
        prop_assert!(e.loc.line >= 1, "{e}");
        prop_assert!(e.loc.start <= text.len() && e.loc.end <= text.len(), "{e}");
        prop_assert_eq!(e.loc.path.as_ref(), path);
        prop_assert!(!e.message.is_empty());
    }
    Ok(())
}

/// A valid sample with a slice replaced by arbitrary text.
fn mutated() -> impl Strategy<Value = (usize, usize, usize, String)> {
    (0..SAMPLES.len(), any::<usize>(), 0usize..12, ".{0,12}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(name in 0..NAMES.len(), text in "\\PC{0,200}") {
        check(NAMES[name], &text)?;
    }

    #[test]
    fn structured_noise_never_panics(name in 0..NAMES.len(), text in "[\\[\\]{}()<>\"'=:,#/\\\\ \\n\\ta-z0-9@*.-]{0,160}") {
        check(NAMES[name], &text)?;
    }

    #[test]
    fn mutated_samples_never_panic((i, at, len, insert) in mutated()) {
        let (path, sample) = SAMPLES[i];
        let mut at = at % (sample.len() + 1);
        while !sample.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + len).min(sample.len());
        while !sample.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &sample[..at], insert, &sample[end..]);
        check(path, &text)?;
    }
}

#[test]
fn samples_parse_without_errors() {
    for (path, text) in SAMPLES {
        let kind = classify(path, text);
        let mut errors = Vec::new();
        assert!(
            parse(&Source::new(path, text), kind, &mut errors).is_some(),
            "{path}"
        );
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    assert_eq!(
        classify("poetry.lock", ""),
        FileKind::Dependencies(DepFormat::PythonLock)
    );
}
