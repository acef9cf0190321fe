//! JVM builds: Maven `pom.xml` (read with quick-xml) and Gradle `build.gradle` /
//! `build.gradle.kts` (Groovy and Kotlin DSLs, read line by line with regexes: a build script
//! is a program, so only the common declaration shapes are recognised).

use std::sync::LazyLock;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};
use regex::Regex;

use super::{CatalogRef, Dep, DepManifest, Scope};
use crate::{DepFormat, Loc, Source};

/// A `<dependency>` being read.
#[derive(Default)]
struct PomDep {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    scope: Option<String>,
    optional: Option<String>,
    managed: bool,
    loc: Option<Loc>,
}

pub(super) fn parse_pom(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<DepManifest> {
    let mut m = DepManifest::new(src, DepFormat::PomXml);
    let mut reader = Reader::from_str(&src.text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut cur: Option<PomDep> = None;
    let (mut group, mut artifact, mut parent_group) = (None, None, None);
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                err(src.loc(at, at), format!("invalid XML: {e}"));
                return None;
            }
        };
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                stack.push(name);
                text.clear();
                if stack.last().is_some_and(|n| n == "dependency")
                    && let Some(managed) = dependency_context(&stack)
                {
                    let start = end.saturating_sub(e.len() + 2);
                    cur = Some(PomDep {
                        managed,
                        loc: Some(src.loc(start, end)),
                        ..PomDep::default()
                    });
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap_or_default()),
            Event::CData(t) => text.push_str(&t.decode().unwrap_or_default()),
            Event::GeneralRef(r) => text.push_str(&entity(&r)),
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    continue;
                };
                let value = text.trim().to_string();
                text.clear();
                if let Some(d) = &mut cur {
                    if name == "dependency" && stack.last().is_some_and(|p| p == "dependencies") {
                        if let Some(d) = cur.take() {
                            finish_pom_dep(d, &mut m, err);
                        }
                        continue;
                    }
                    if stack.last().is_some_and(|p| p == "dependency") {
                        let slot = match name.as_str() {
                            "groupId" => &mut d.group,
                            "artifactId" => &mut d.artifact,
                            "version" => &mut d.version,
                            "scope" => &mut d.scope,
                            "optional" => &mut d.optional,
                            _ => continue,
                        };
                        *slot = Some(value);
                    }
                    continue;
                }
                match (stack.as_slice(), name.as_str()) {
                    ([p], "groupId") if p == "project" => group = Some(value),
                    ([p], "artifactId") if p == "project" => artifact = Some(value),
                    ([p, q], "groupId") if p == "project" && q == "parent" => {
                        parent_group = Some(value);
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(a) = artifact {
        let g = group.or(parent_group).unwrap_or_default();
        m.name = Some(format!("{g}:{a}"));
    }
    Some(m.finish())
}

/// Whether a `<dependency>` at this element path is one we read: `Some(false)` for
/// dependencies of the project or a profile, `Some(true)` for `dependencyManagement`, `None`
/// for plugin dependencies and anything else.
fn dependency_context(stack: &[String]) -> Option<bool> {
    let n = stack.len();
    if n < 3 || stack.get(n - 2).is_none_or(|d| d != "dependencies") {
        return None;
    }
    match stack.get(n - 3).map(String::as_str) {
        Some("project") if n == 3 => Some(false),
        Some("profile") => Some(false),
        Some("dependencyManagement") => Some(true),
        _ => None,
    }
}

fn finish_pom_dep(d: PomDep, m: &mut DepManifest, err: &mut dyn FnMut(Loc, String)) {
    let loc = d.loc.unwrap_or_else(|| m.loc.clone());
    let (Some(group), Some(artifact)) = (d.group, d.artifact) else {
        err(
            loc,
            "expected <groupId> and <artifactId> in <dependency>".to_string(),
        );
        return;
    };
    let mut dep = Dep::new(format!("{group}:{artifact}"), loc);
    dep.version = d.version.filter(|v| !v.is_empty());
    dep.scope = match d.scope.as_deref() {
        Some("test") => Scope::Test,
        Some("provided" | "system") => Scope::Provided,
        _ => Scope::Normal,
    };
    if let Some(s) = d
        .scope
        .filter(|s| !matches!(s.as_str(), "compile" | "test" | "provided"))
    {
        dep.group = Some(s);
    }
    if d.optional.as_deref() == Some("true") && dep.scope == Scope::Normal {
        dep.scope = Scope::Optional;
    }
    if d.managed {
        m.managed.push(dep);
    } else {
        m.dependencies.push(dep);
    }
}

/// The text of an entity or character reference (`&amp;`, `&#64;`).
fn entity(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match r.decode().as_deref() {
        Ok("amp") => "&".into(),
        Ok("lt") => "<".into(),
        Ok("gt") => ">".into(),
        Ok("quot") => "\"".into(),
        Ok("apos") => "'".into(),
        Ok(other) => format!("&{other};"),
        Err(_) => String::new(),
    }
}

/// `implementation("g:a:v")`, `testImplementation 'g:a:v'`, `api(platform("g:a:v"))`.
static STRING_DEP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?-u:\b)([A-Za-z][A-Za-z0-9]*)\s*\(?\s*(?:(platform|enforcedPlatform)\s*\(\s*)?["']([^"'\s]+)["']"#,
    )
    .ok()
});

/// `implementation group: 'g', name: 'a', version: 'v'` and the Kotlin `group = ..` form.
static MAP_DEP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?-u:\b)([A-Za-z][A-Za-z0-9]*)\s*\(?\s*group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["'](?:\s*,\s*version\s*[:=]\s*["']([^"']+)["'])?"#,
    )
    .ok()
});

/// `implementation(libs.micrometer.core)`, `api libs.bundles.otel`.
static CATALOG_REF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)([A-Za-z][A-Za-z0-9]*)\s*\(?\s*(?:(?:platform|enforcedPlatform)\s*\(\s*)?libs\.([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)",
    )
    .ok()
});

/// `implementation(kotlin("stdlib"))`.
static KOTLIN_DEP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?-u:\b)([A-Za-z][A-Za-z0-9]*)\s*\(\s*kotlin\s*\(\s*"([^"]+)"(?:\s*,\s*"([^"]+)")?"#,
    )
    .ok()
});

/// Whether a Gradle identifier names a dependency configuration.
fn is_configuration(name: &str) -> bool {
    const SUFFIXES: [&str; 7] = [
        "implementation",
        "api",
        "compileonly",
        "compileonlyapi",
        "runtimeonly",
        "compile",
        "annotationprocessor",
    ];
    let l = name.to_ascii_lowercase();
    SUFFIXES.iter().any(|s| l.ends_with(s))
        || l.starts_with("kapt")
        || l.starts_with("ksp")
        || matches!(
            l.as_str(),
            "classpath" | "developmentonly" | "runtime" | "testruntime"
        )
}

fn gradle_scope(configuration: &str) -> Scope {
    let l = configuration.to_ascii_lowercase();
    if l.contains("test") {
        Scope::Test
    } else if l.contains("annotationprocessor")
        || l.starts_with("kapt")
        || l.starts_with("ksp")
        || l == "classpath"
    {
        Scope::Build
    } else if l == "developmentonly" {
        Scope::Dev
    } else if l.ends_with("compileonly") || l.ends_with("compileonlyapi") {
        Scope::Provided
    } else {
        Scope::Normal
    }
}

pub(super) fn parse_gradle(src: &Source) -> Option<DepManifest> {
    // The patterns are constants, compiled in a unit test; `None` cannot happen.
    let (Some(string_dep), Some(map_dep), Some(kotlin_dep), Some(catalog_ref)) = (
        STRING_DEP.as_ref(),
        MAP_DEP.as_ref(),
        KOTLIN_DEP.as_ref(),
        CATALOG_REF.as_ref(),
    ) else {
        return None;
    };
    let mut m = DepManifest::new(src, DepFormat::Gradle);
    let mut in_block_comment = false;
    for (_, offset, line) in src.lines() {
        let code = strip_comments(line, &mut in_block_comment);
        if code.trim().is_empty() {
            continue;
        }
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for c in map_dep.captures_iter(&code) {
            let (Some(all), Some(conf), Some(g), Some(a)) =
                (c.get(0), c.get(1), c.get(2), c.get(3))
            else {
                continue;
            };
            if !is_configuration(conf.as_str()) {
                continue;
            }
            taken.push((all.start(), all.end()));
            let mut d = Dep::new(
                format!("{}:{}", g.as_str(), a.as_str()),
                src.loc(offset + conf.start(), offset + all.end()),
            );
            d.version = c.get(4).map(|v| v.as_str().to_string());
            d.scope = gradle_scope(conf.as_str());
            m.dependencies.push(d);
        }
        for c in string_dep.captures_iter(&code) {
            let (Some(all), Some(conf), Some(coord)) = (c.get(0), c.get(1), c.get(3)) else {
                continue;
            };
            if !is_configuration(conf.as_str()) || overlaps(&taken, all.start(), all.end()) {
                continue;
            }
            let Some((name, version)) = coordinates(coord.as_str()) else {
                continue;
            };
            let mut d = Dep::new(name, src.loc(offset + conf.start(), offset + all.end()));
            d.version = version;
            d.scope = gradle_scope(conf.as_str());
            if c.get(2).is_some() {
                m.managed.push(d);
            } else {
                m.dependencies.push(d);
            }
        }
        for c in kotlin_dep.captures_iter(&code) {
            let (Some(all), Some(conf), Some(module)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            if !is_configuration(conf.as_str()) {
                continue;
            }
            let mut d = Dep::new(
                format!("org.jetbrains.kotlin:kotlin-{}", module.as_str()),
                src.loc(offset + conf.start(), offset + all.end()),
            );
            d.version = c.get(3).map(|v| v.as_str().to_string());
            d.scope = gradle_scope(conf.as_str());
            m.dependencies.push(d);
        }
        for c in catalog_ref.captures_iter(&code) {
            let (Some(all), Some(conf), Some(alias)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            if !is_configuration(conf.as_str()) {
                continue;
            }
            let alias = alias.as_str();
            m.catalog_refs.push(CatalogRef {
                alias: alias.strip_suffix(".get").unwrap_or(alias).to_string(),
                scope: gradle_scope(conf.as_str()),
                loc: src.loc(offset + conf.start(), offset + all.end()),
            });
        }
    }
    Some(m.finish())
}

fn overlaps(taken: &[(usize, usize)], s: usize, e: usize) -> bool {
    taken.iter().any(|&(a, b)| s < b && a < e)
}

/// `group:name[:version[:classifier]][@ext]` -> (`group:name`, version).
fn coordinates(coord: &str) -> Option<(String, Option<String>)> {
    let coord = coord.split('@').next().unwrap_or(coord);
    let mut parts = coord.split(':');
    let group = parts.next().filter(|g| !g.is_empty())?;
    let name = parts.next().filter(|n| !n.is_empty())?;
    if group.contains('/') || group.contains('$') {
        return None;
    }
    let version = parts.next().filter(|v| !v.is_empty()).map(str::to_string);
    Some((format!("{group}:{name}"), version))
}

/// Removes `//` and `/* */` comments (outside string literals); keeps byte offsets by
/// replacing comment text with spaces.
fn strip_comments(line: &str, in_block: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((_, c)) = chars.next() {
        if *in_block {
            if c == '*' && chars.peek().is_some_and(|&(_, n)| n == '/') {
                chars.next();
                *in_block = false;
                out.push_str("  ");
            } else {
                push_blank(&mut out, c);
            }
            continue;
        }
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            out.push(c);
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                out.push(c);
            }
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => break,
            '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                chars.next();
                *in_block = true;
                out.push_str("  ");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Spaces as wide (in bytes) as `c`, so offsets into the stripped line stay valid.
fn push_blank(out: &mut String, c: char) {
    for _ in 0..c.len_utf8() {
        out.push(' ');
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_gradle_patterns_compile() {
        for re in [&STRING_DEP, &MAP_DEP, &CATALOG_REF, &KOTLIN_DEP] {
            assert!(re.is_some());
        }
    }

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.4</version>
  </parent>
  <groupId>com.acme</groupId>
  <artifactId>ledger</artifactId>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.opentelemetry</groupId>
        <artifactId>opentelemetry-bom</artifactId>
        <version>1.42.1</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>net.logstash.logback</groupId>
      <artifactId>logstash-logback-encoder</artifactId>
      <version>${logstash.version}</version>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>jakarta.servlet</groupId><artifactId>jakarta.servlet-api</artifactId>
      <scope>provided</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <dependencies>
          <dependency><groupId>x</groupId><artifactId>plugin-dep</artifactId></dependency>
        </dependencies>
      </plugin>
    </plugins>
  </build>
</project>
"#;

    #[test]
    fn pom_dependencies_scopes_and_management() {
        let src = Source::new("ledger/pom.xml", POM);
        let mut errs = Vec::new();
        let m = parse_pom(&src, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.name.as_deref(), Some("com.acme:ledger"));
        let got = crate::deps::dependency_rows(&m);
        assert_eq!(
            got,
            vec![
                (
                    "net.logstash.logback:logstash-logback-encoder",
                    Some("${logstash.version}"),
                    Scope::Normal,
                    23,
                    5
                ),
                ("org.junit.jupiter:junit-jupiter", None, Scope::Test, 28, 5),
                (
                    "jakarta.servlet:jakarta.servlet-api",
                    None,
                    Scope::Provided,
                    33,
                    5
                ),
            ]
        );
        assert_eq!(m.managed.len(), 1);
        assert_eq!(m.managed[0].name, "io.opentelemetry:opentelemetry-bom");
        assert_eq!(m.managed[0].group.as_deref(), Some("import"));
        assert_eq!(m.managed[0].loc.line, 13);
    }

    #[test]
    fn pom_errors_are_located() {
        let src = Source::new(
            "pom.xml",
            "<project>\n<dependencies>\n  <dependency><artifactId>a</artifactId></dependency>\n</dependencies>\n</project>\n",
        );
        let mut errs = Vec::new();
        let m = parse_pom(&src, &mut |l, m| errs.push((l.line, l.column, m))).unwrap();
        assert!(m.dependencies.is_empty());
        assert_eq!(
            errs,
            vec![(
                3,
                3,
                "expected <groupId> and <artifactId> in <dependency>".to_string()
            )]
        );
        let src = Source::new("pom.xml", "<project>\n<dependencies>\n</project>\n");
        let mut errs = Vec::new();
        assert!(parse_pom(&src, &mut |l, m| errs.push((l.line, m))).is_none());
        assert_eq!(errs.len(), 1);
        assert!(errs[0].1.starts_with("invalid XML"), "{}", errs[0].1);
    }

    const GRADLE_KTS: &str = r#"plugins {
    id("org.springframework.boot") version "3.3.4"
}

dependencies {
    implementation(platform("io.opentelemetry:opentelemetry-bom:1.42.1"))
    implementation("io.github.resilience4j:resilience4j-spring-boot3:2.2.0")
    implementation("io.micrometer:micrometer-registry-prometheus")
    implementation(libs.flyway.core)
    implementation(kotlin("reflect"))
    // implementation("com.example:commented-out:1.0")
    compileOnly("org.projectlombok:lombok:1.18.34")
    annotationProcessor("org.projectlombok:lombok:1.18.34")
    /* testImplementation("x:y:1") */ testImplementation("org.junit.jupiter:junit-jupiter:5.11.0")
    runtimeOnly(project(":db"))
}
"#;

    #[test]
    fn gradle_kotlin_dsl() {
        let src = Source::new("app/build.gradle.kts", GRADLE_KTS);
        let m = parse_gradle(&src).unwrap();
        let got = crate::deps::dependency_rows(&m);
        assert_eq!(
            got,
            vec![
                (
                    "io.github.resilience4j:resilience4j-spring-boot3",
                    Some("2.2.0"),
                    Scope::Normal,
                    7,
                    5
                ),
                (
                    "io.micrometer:micrometer-registry-prometheus",
                    None,
                    Scope::Normal,
                    8,
                    5
                ),
                (
                    "org.jetbrains.kotlin:kotlin-reflect",
                    None,
                    Scope::Normal,
                    10,
                    5
                ),
                (
                    "org.projectlombok:lombok",
                    Some("1.18.34"),
                    Scope::Provided,
                    12,
                    5
                ),
                (
                    "org.projectlombok:lombok",
                    Some("1.18.34"),
                    Scope::Build,
                    13,
                    5
                ),
                (
                    "org.junit.jupiter:junit-jupiter",
                    Some("5.11.0"),
                    Scope::Test,
                    14,
                    39
                ),
            ]
        );
        assert_eq!(m.managed.len(), 1);
        assert_eq!(m.managed[0].name, "io.opentelemetry:opentelemetry-bom");
        let refs: Vec<(&str, u32)> = m
            .catalog_refs
            .iter()
            .map(|r| (r.alias.as_str(), r.loc.line))
            .collect();
        assert_eq!(refs, vec![("flyway.core", 9)]);
    }

    #[test]
    fn gradle_groovy_dsl() {
        let src = Source::new(
            "build.gradle",
            "dependencies {\n  implementation 'org.flywaydb:flyway-core:10.18.0'\n  \
             implementation group: 'com.squareup.okhttp3', name: 'okhttp', version: '4.12.0'\n  \
             testImplementation \"org.mockito:mockito-core:$mockitoVersion\"\n  implementation files('libs/a.jar')\n}\n",
        );
        let m = parse_gradle(&src).unwrap();
        let got: Vec<(&str, Option<&str>, Scope, u32)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.scope, d.loc.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "org.flywaydb:flyway-core",
                    Some("10.18.0"),
                    Scope::Normal,
                    2
                ),
                (
                    "com.squareup.okhttp3:okhttp",
                    Some("4.12.0"),
                    Scope::Normal,
                    3
                ),
                (
                    "org.mockito:mockito-core",
                    Some("$mockitoVersion"),
                    Scope::Test,
                    4
                ),
            ]
        );
    }
}
