//! Dockerfile parser tests: exact stages, values and locations, and robustness.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;

fn parse_ok(text: &str) -> Dockerfile {
    let mut errors = Vec::new();
    let df = parse(&Source::new("app/Dockerfile", text), &mut errors).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    df
}

fn parse_err(text: &str) -> (Dockerfile, Vec<(u32, u32, String)>) {
    let mut errors = Vec::new();
    let df = parse(&Source::new("Dockerfile", text), &mut errors).unwrap();
    let errs = errors
        .into_iter()
        .map(|e| (e.loc.line, e.loc.column, e.message))
        .collect();
    (df, errs)
}

const MULTI: &str = r#"# syntax=docker/dockerfile:1.7
ARG RUST_VERSION=1.82
ARG BASE_IMAGE=gcr.io/distroless/cc-debian12:nonroot
ARG REGISTRY
FROM rust:${RUST_VERSION}-slim AS builder
WORKDIR /src
RUN apt-get update && \
    # cache-friendly
    apt-get install -y --no-install-recommends \
      pkg-config
COPY <<EOF /src/build.sh
#!/bin/sh
USER root
cargo build --release
EOF
RUN sh /src/build.sh
USER root

FROM builder AS tested
run cargo test
USER 10001:10001
HEALTHCHECK --interval=30s CMD ["/app", "health"]

FROM ${REGISTRY}/base:1 AS unresolved

FROM tested
HEALTHCHECK NONE
ENV API_TOKEN=abc123 LOG_LEVEL="info level"
ENV DB_PASSWORD_FILE=/run/secrets/db
EXPOSE 8080/tcp 9090
CMD ["/app"]
"#;

#[test]
fn multi_stage_file_is_modelled_exactly() {
    let df = parse_ok(MULTI);
    assert_eq!(df.path, "app/Dockerfile");
    assert_eq!(df.escape, '\\');
    let globals: Vec<(&str, Option<&str>, u32)> = df
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref(), a.loc.line))
        .collect();
    assert_eq!(
        globals,
        [
            ("RUST_VERSION", Some("1.82"), 2),
            (
                "BASE_IMAGE",
                Some("gcr.io/distroless/cc-debian12:nonroot"),
                3
            ),
            ("REGISTRY", None, 4),
        ]
    );
    assert_eq!(df.stages.len(), 4);

    let b = &df.stages[0];
    assert_eq!(b.index, 0);
    let name = b.name.as_ref().unwrap();
    assert_eq!(
        (name.value.as_str(), name.loc.line, name.loc.column),
        ("builder", 5, 35)
    );
    assert_eq!(b.from.image.value, "rust:${RUST_VERSION}-slim");
    assert_eq!((b.from.image.loc.line, b.from.image.loc.column), (5, 6));
    assert_eq!(b.from.resolved.as_deref(), Some("rust:1.82-slim"));
    assert_eq!(b.from.tag(), Some("1.82-slim"));
    assert_eq!(b.from.digest(), None);
    assert!(b.from.is_external());
    let keywords: Vec<(&str, u32, u32)> = b
        .instructions
        .iter()
        .map(|i| (i.keyword.as_str(), i.first_line, i.last_line))
        .collect();
    assert_eq!(
        keywords,
        [
            ("FROM", 5, 5),
            ("WORKDIR", 6, 6),
            ("RUN", 7, 10),
            ("COPY", 11, 15),
            ("RUN", 16, 16),
            ("USER", 17, 17),
        ]
    );
    let run = &b.instructions[2];
    assert_eq!(
        run.args,
        "apt-get update &&     apt-get install -y --no-install-recommends       pkg-config"
    );
    assert_eq!((run.args_loc.line, run.args_loc.column), (7, 5));
    assert_eq!(run.exec_form, None);
    assert_eq!(b.instructions[3].heredocs, ["EOF"]);
    // The heredoc's `USER root` (line 13) is file content, not an instruction.
    let user = b.user.as_ref().unwrap();
    assert_eq!(
        (user.value.as_str(), user.loc.line, user.loc.column),
        ("root", 17, 6)
    );

    let t = &df.stages[1];
    assert_eq!(t.from.refers_to_stage, Some(0));
    assert_eq!(t.from.reference, None);
    assert!(!t.from.is_external());
    assert_eq!(t.instructions[1].keyword, "RUN");
    assert_eq!(
        (t.instructions[1].loc.line, t.instructions[1].loc.column),
        (20, 1)
    );
    let hc = t.healthcheck.as_ref().unwrap();
    assert!(!hc.none);
    assert_eq!(hc.options, ["--interval=30s"]);
    assert_eq!(hc.cmd.as_deref(), Some(r#"["/app", "health"]"#));
    assert_eq!(hc.loc.line, 22);

    let u = &df.stages[2];
    assert_eq!(u.from.image.value, "${REGISTRY}/base:1");
    assert_eq!(u.from.resolved, None);
    assert_eq!(u.from.reference, None);
    assert!(u.from.is_external());

    let last = df.final_stage().unwrap();
    assert_eq!(last.index, 3);
    assert_eq!(last.name, None);
    assert_eq!(last.from.refers_to_stage, Some(1));
    assert!(last.healthcheck.as_ref().unwrap().none);
    let env: Vec<(&str, Option<&str>, u32, u32)> = last
        .env
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.value.as_deref(),
                v.loc.line,
                v.loc.column,
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            ("API_TOKEN", Some("abc123"), 28, 5),
            ("LOG_LEVEL", Some("info level"), 28, 22),
            ("DB_PASSWORD_FILE", Some("/run/secrets/db"), 29, 5),
        ]
    );
    let v = last.env[0].value_loc.as_ref().unwrap();
    assert_eq!((v.line, v.column), (28, 15));
    let ports: Vec<(Option<u16>, Option<&str>, u32, u32)> = last
        .exposes
        .iter()
        .map(|e| (e.port, e.protocol.as_deref(), e.loc.line, e.loc.column))
        .collect();
    assert_eq!(
        ports,
        [(Some(8080), Some("tcp"), 30, 8), (Some(9090), None, 30, 17)]
    );
    let cmd = last.instructions.last().unwrap();
    assert_eq!(cmd.exec_form.as_deref(), Some(&["/app".to_string()][..]));

    // What the final image decides, following FROM tested -> FROM builder.
    let base = df.runtime_base().unwrap();
    assert_eq!(base.resolved.as_deref(), Some("rust:1.82-slim"));
    assert_eq!(base.loc.line, 5);
    let user = df.effective_user().unwrap();
    assert_eq!((user.value.as_str(), user.loc.line), ("10001:10001", 21));
    assert_eq!(user_is_root(&user.value), Some(false));
    let hc = df.effective_healthcheck().unwrap();
    assert!(hc.none);
    assert_eq!(hc.loc.line, 27);
    let chain: Vec<usize> = df.chain(3).map(|s| s.index).collect();
    assert_eq!(chain, [3, 1, 0]);
    let ext: Vec<u32> = df.external_froms().map(|f| f.loc.line).collect();
    assert_eq!(ext, [5, 24]);
    let secrets: Vec<(&str, u32)> = df
        .literal_secrets()
        .map(|v| (v.name.as_str(), v.loc.line))
        .collect();
    assert_eq!(secrets, [("API_TOKEN", 28)]);
}

#[test]
fn root_user_in_final_stage_and_digest_pins() {
    let df = parse_ok(
        "FROM alpine:3.20 AS base\nUSER app\n\nFROM alpine@sha256:deadbeef\nUSER root:root\nARG NPM_TOKEN=s3cr3t\nARG PLAIN\n",
    );
    let user = df.effective_user().unwrap();
    assert_eq!(
        (user.value.as_str(), user.loc.line, user.loc.column),
        ("root:root", 5, 6)
    );
    assert_eq!(user_is_root(&user.value), Some(true));
    let base = df.runtime_base().unwrap();
    assert_eq!(base.digest(), Some("sha256:deadbeef"));
    assert!(base.reference.as_ref().unwrap().is_digest_pinned());
    assert!(!base.reference.as_ref().unwrap().is_pinned_tag());
    assert_eq!(df.effective_healthcheck().map(|h| h.loc.line), None);
    let secrets: Vec<(&str, VarKind, u32)> = df
        .literal_secrets()
        .map(|v| (v.name.as_str(), v.kind, v.loc.line))
        .collect();
    assert_eq!(secrets, [("NPM_TOKEN", VarKind::Arg, 6)]);
}

#[test]
fn no_user_means_the_base_decides_and_scratch_is_not_external() {
    let df = parse_ok(
        "from golang:1.23 as build\nRUN go build\nFROM scratch\nCOPY --from=build /app /app\n",
    );
    assert_eq!(df.effective_user(), None);
    let base = df.runtime_base().unwrap();
    assert!(base.is_scratch);
    assert!(!base.is_external());
    assert_eq!(df.external_froms().count(), 1);
    assert_eq!(df.stages[0].name.as_ref().unwrap().value, "build");
}

#[test]
fn default_values_in_from_and_platform_flag() {
    let df = parse_ok(
        "ARG TAG\nARG IMG=node\nFROM --platform=$BUILDPLATFORM ${IMG}:${TAG:-22-alpine}\n",
    );
    let f = &df.stages[0].from;
    assert_eq!(f.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(f.resolved.as_deref(), Some("node:22-alpine"));
    assert_eq!(f.tag(), Some("22-alpine"));
    assert_eq!((f.image.loc.line, f.image.loc.column), (3, 32));
}

#[test]
fn escape_directive_changes_the_continuation_character() {
    let df = parse_ok(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\nRUN powershell -Command `\n    Write-Host hi\nUSER ContainerUser\n",
    );
    assert_eq!(df.escape, '`');
    let s = &df.stages[0];
    let kws: Vec<(&str, &str, u32)> = s
        .instructions
        .iter()
        .map(|i| (i.keyword.as_str(), i.args.as_str(), i.first_line))
        .collect();
    assert_eq!(
        kws,
        [
            ("FROM", "mcr.microsoft.com/windows/servercore:ltsc2022", 2),
            ("WORKDIR", "C:\\", 3),
            ("RUN", "powershell -Command     Write-Host hi", 4),
            ("USER", "ContainerUser", 6),
        ]
    );
    assert_eq!(user_is_root("ContainerUser"), Some(false));
}

#[test]
fn columns_count_characters_on_long_lines() {
    let df = parse_ok("FROM a:1\nARG A=é B=2 C\nEXPOSE 80 443/udp\n");
    let env: Vec<(&str, u32, u32)> = df.stages[0]
        .args
        .iter()
        .map(|v| (v.name.as_str(), v.loc.line, v.loc.column))
        .collect();
    assert_eq!(env, [("A", 2, 5), ("B", 2, 9), ("C", 2, 13)]);
    assert_eq!(
        df.stages[0].args[1].value_loc.as_ref().map(|l| l.column),
        Some(11)
    );
    assert_eq!(df.stages[0].args[2].value, None);
    let ports: Vec<(u32, u32)> = df.stages[0]
        .exposes
        .iter()
        .map(|e| (e.loc.line, e.loc.column))
        .collect();
    assert_eq!(ports, [(3, 8), (3, 11)]);
}

#[test]
fn directives_after_the_top_are_comments() {
    let df = parse_ok("FROM a:1\n# escape=`\nRUN x \\\n  y\n");
    assert_eq!(df.escape, '\\');
    assert_eq!(df.stages[0].instructions[1].args, "x   y");
}

#[test]
fn user_values() {
    let table = [
        ("root", Some(true)),
        ("0", Some(true)),
        ("root:root", Some(true)),
        ("0:0", Some(true)),
        ("0:1000", Some(true)),
        ("10001", Some(false)),
        ("10001:10001", Some(false)),
        ("app", Some(false)),
        ("nonroot:nonroot", Some(false)),
        ("$UID", None),
        ("${APP_USER}:app", None),
        ("", None),
    ];
    for (u, want) in table {
        assert_eq!(user_is_root(u), want, "{u}");
    }
}

#[test]
fn secret_names() {
    for yes in [
        "DB_PASSWORD",
        "API_KEY",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "apikey",
        "PRIVATE_KEY",
        "NPM_AUTH_TOKEN",
        "CLIENT_SECRET",
        "ACCESS_KEY",
        "PGPASSWORD",
    ] {
        assert!(is_secret_name(yes), "{yes}");
    }
    for no in [
        "PASSWORD_FILE",
        "TOKEN_URL",
        "LOG_LEVEL",
        "PWD",
        "SECRET_NAME",
        "KEYCLOAK_REALM",
        "PATH",
        "TOKEN_TTL",
        "KEY",
    ] {
        assert!(!is_secret_name(no), "{no}");
    }
}

#[test]
fn malformed_files_report_located_errors() {
    let (df, errs) = parse_err(
        "RUN echo early\nARG V=1\nFROM alpine:$V\nFROBNICATE x\nHEALTHCHECK --interval=5s\nUSER\nFROM a b c\nENV A=1 B\nRUN cat <<EOF\nnever closed\n",
    );
    assert_eq!(
        errs,
        [
            (
                1,
                1,
                "RUN before the first FROM: only ARG may come before FROM".to_string()
            ),
            (4, 1, "unknown instruction `FROBNICATE`".to_string()),
            (
                5,
                1,
                "HEALTHCHECK expects `NONE` or `[OPTIONS] CMD command`".to_string()
            ),
            (6, 1, "USER without a user name or uid".to_string()),
            (
                7,
                6,
                "FROM expects `FROM [--platform=...] image [AS name]`".to_string()
            ),
            (
                8,
                9,
                "ENV `B` has no value: expected name=value".to_string()
            ),
            (
                9,
                1,
                "heredoc `<<EOF` is never closed: no line `EOF` follows".to_string()
            ),
        ]
    );
    assert_eq!(df.stages.len(), 2);
    assert_eq!(df.stages[0].from.resolved.as_deref(), Some("alpine:1"));
    assert_eq!(df.stages[1].instructions.last().unwrap().last_line, 11);

    let (df, errs) = parse_err("# just a comment\n\n");
    assert!(df.stages.is_empty());
    assert_eq!(
        errs,
        [(
            1,
            1,
            "no FROM instruction: a Dockerfile must start a build stage with FROM".to_string()
        )]
    );
}

#[test]
fn heredoc_with_dash_strips_tabs_and_crlf_lines_work() {
    let df = parse_ok("FROM a:1\r\nRUN <<-EOT bash\r\n\techo hi\r\n\tEOT\r\nUSER 1000\r\n");
    let s = &df.stages[0];
    assert_eq!(s.instructions[1].heredocs, ["EOT"]);
    assert_eq!(
        (s.instructions[1].first_line, s.instructions[1].last_line),
        (2, 4)
    );
    assert_eq!(s.user.as_ref().unwrap().value, "1000");
    assert_eq!(s.user.as_ref().unwrap().loc.line, 5);
}

#[test]
fn assemble_sorts_by_path() {
    let mut errors = Vec::new();
    let a = parse(&Source::new("b/Dockerfile", "FROM a:1\n"), &mut errors).unwrap();
    let b = parse(&Source::new("a/Dockerfile", "FROM a:1\n"), &mut errors).unwrap();
    let all = assemble(vec![a, b]);
    let paths: Vec<&str> = all.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["a/Dockerfile", "b/Dockerfile"]);
    assert!(all.get("b/Dockerfile").is_some());
}

fn check_robust(text: &str) {
    let src = Source::new("Dockerfile", text);
    let mut errors = Vec::new();
    let df = parse(&src, &mut errors).unwrap();
    let lines = u32::try_from(text.split('\n').count()).unwrap();
    for e in &errors {
        assert!(e.loc.line >= 1 && e.loc.line <= lines, "{e:?}");
        assert!(e.loc.start <= text.len());
    }
    for s in &df.stages {
        for i in &s.instructions {
            assert!(i.loc.line >= 1 && i.first_line <= i.last_line && i.last_line <= lines);
        }
    }
    let _ = (
        df.effective_user(),
        df.effective_healthcheck(),
        df.runtime_base(),
    );
}

/// Pieces of Dockerfile syntax, glued at random (a `Vec` of indices is much cheaper for
/// proptest to generate than a union of strategies).
const TOKENS: &[&str] = &[
    "FROM ",
    "RUN ",
    "USER ",
    "ARG ",
    "ENV ",
    "HEALTHCHECK ",
    "EXPOSE ",
    "<<EOF",
    "EOF",
    "\\\n",
    "`\n",
    "\n",
    "# escape=`\n",
    "${A:-${B}}",
    "$",
    "{",
    "}",
    "\"",
    "'",
    " AS ",
    "=",
    "é",
    "\t",
    "[",
    "]",
    "--x=1 ",
    "CMD ",
    "NONE",
    "\r\n",
    "<<-'X'",
    "X\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check_robust(&text);
    }

    #[test]
    fn dockerfile_like_text_never_panics(
        picks in proptest::collection::vec(0usize..TOKENS.len(), 0..60)
    ) {
        let text: String = picks.iter().filter_map(|&i| TOKENS.get(i).copied()).collect();
        check_robust(&text);
    }

    #[test]
    fn mutated_sample_never_panics(
        cuts in proptest::collection::vec((0usize..2000, 0usize..8, "\\PC{0,3}"), 1..6)
    ) {
        let mut text = MULTI.to_string();
        for (at, len, insert) in cuts {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) { at -= 1; }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            text.replace_range(at..end, &insert);
        }
        check_robust(&text);
    }
}
