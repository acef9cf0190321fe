//! The service's source code as evidence: the facts the source layer (`launchgate_source`) read
//! from each in-scope source file, kept without the file's text or tree, and the service's
//! database migrations (`launchgate_source::migrations`).

use std::sync::Arc;

pub use launchgate_source::accepted::Accepted;
pub use launchgate_source::audit::AuditTable;
/// The framework name of DRF's settings middleware, which applies to DRF views only.
pub use launchgate_source::django::DRF;
pub use launchgate_source::migrations::{
    Down, Located, Lock, Migration, MigrationFile, Migrations, Tool, Unjudged,
};
pub use launchgate_source::{
    Audit, Breaker, Call, Client, Delay, Fact, FactKind, FileFacts, Gap, Guard, Language, Limit,
    Log, Middleware, Pool, Retry, Role, Route, Scope, Server, Shutdown, Stop, Timeout, Topic,
    Unread, View, browser_code, is_service_source, name_words,
};

use crate::deps::{DepManifest, Dependencies, Ecosystem};
use crate::scope::OutOfScope;
use crate::source::Source;

/// The rule of source left out because it runs in a user's browser or on a device.
const CLIENT_RULE: &str = "source: ";

/// The source files of the service and their facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Code {
    /// Every source file of a language the layer reads, sorted by path; files the prefilter
    /// did not select are here too, without facts.
    pub files: Vec<CodeFile>,
    /// The database migrations of the service, their down steps and their locking statements.
    pub migrations: Migrations,
    /// The audit tables the migrations create, in path and line order.
    pub audit_tables: Vec<Located<AuditTable>>,
}

/// One source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFile {
    pub path: Arc<str>,
    pub facts: FileFacts,
}

impl Code {
    /// Every fact with the path of its file, in path and line order.
    pub fn facts(&self) -> impl Iterator<Item = (&Arc<str>, &Fact)> {
        self.files
            .iter()
            .flat_map(|f| f.facts.facts.iter().map(move |x| (&f.path, x)))
    }
}

/// The facts of one scanned file, if it is the service's source, and its migration facts, if it
/// is a migration (`secrets`: where the secret scanner found values in it). Source that runs in
/// a user's browser ([`browser_code`]) is left out, with its rule.
pub(crate) fn parse(
    src: &Source,
    secrets: &[usize],
    code: &mut Vec<CodeFile>,
    migrations: &mut Vec<(String, MigrationFile)>,
    out_of_scope: &mut Vec<OutOfScope>,
    audit_tables: &mut Vec<Located<AuditTable>>,
) {
    if let Some(why) = browser_code(&src.path, &src.text) {
        out_of_scope.push(OutOfScope {
            path: browser_group(&src.path, why),
            rule: format!("{CLIENT_RULE}browser code ({why})"),
        });
    } else {
        code.extend(
            launchgate_source::analyze_with_secrets(&src.path, &src.text, secrets).map(|facts| {
                CodeFile {
                    path: src.path.clone(),
                    facts,
                }
            }),
        );
    }
    if let Some(m) = launchgate_source::migrations::read(&src.path, &src.text) {
        audit_tables.extend(
            launchgate_source::audit::tables(&src.text)
                .into_iter()
                .map(|fact| Located {
                    path: src.path.to_string(),
                    fact,
                }),
        );
        migrations.push((src.path.to_string(), m));
    }
}

/// Where browser code is listed: React components at their top-most `components/` or
/// `hooks/` folder, a `'use client'` file in its folder.
fn browser_group(path: &str, why: &str) -> String {
    let mut end = 0;
    let mut folder = "";
    for seg in path.split('/') {
        end += seg.len();
        if end >= path.len() {
            break;
        }
        if why != "'use client'" && (seg == "components" || seg == "hooks") {
            return format!("{}/", &path[..end]);
        }
        folder = &path[..end];
        end += 1;
    }
    if folder.is_empty() {
        path.to_string()
    } else {
        format!("{folder}/")
    }
}

/// npm packages that make a package an application for phones or desktops.
const DEVICE_APP: [&str; 9] = [
    "react-native",
    "expo",
    "@capacitor/core",
    "@ionic/core",
    "@nativescript/core",
    "electron",
    "@tauri-apps/api",
    "react-native-web",
    "nativescript-vue",
];

/// npm packages that render a user interface in a browser.
const BROWSER_UI: [&str; 7] = [
    "react-dom",
    "vue",
    "svelte",
    "@angular/core",
    "solid-js",
    "preact",
    "lit",
];

/// npm packages that build a browser bundle.
const BUNDLER: [&str; 8] = [
    "vite",
    "react-scripts",
    "webpack",
    "parcel",
    "@vue/cli-service",
    "@angular/cli",
    "@angular-devkit/build-angular",
    "rollup",
];

/// npm packages that run code on a server: a package with one of them is not browser-only
/// (Next.js renders and serves, Express serves).
const SERVER_SIDE: [&str; 17] = [
    "next",
    "nuxt",
    "@sveltejs/kit",
    "@remix-run/node",
    "@remix-run/server-runtime",
    "@react-router/node",
    "express",
    "fastify",
    "koa",
    "@hapi/hapi",
    "@nestjs/core",
    "hono",
    "restify",
    "@angular/ssr",
    "@nguniversal/express-engine",
    "astro",
    "@tanstack/react-start",
];

/// Why the npm package of `m` is an application that runs on users' devices, not on the
/// service's servers: it depends on a phone or desktop framework, or it is a browser bundle
/// (a UI library and a bundler) with no server framework.
fn client_app(m: &DepManifest) -> Option<String> {
    if m.ecosystem != Ecosystem::Npm {
        return None;
    }
    let has = |names: &[&'static str]| names.iter().copied().find(|n| m.dependency(n).is_some());
    if let Some(d) = has(&DEVICE_APP) {
        return Some(format!("device app: {} depends on {d}", m.path));
    }
    if has(&SERVER_SIDE).is_some() {
        return None;
    }
    let ui = has(&BROWSER_UI)?;
    let bundler = has(&BUNDLER)?;
    Some(format!(
        "browser app: {} depends on {ui} and {bundler} and on no server framework",
        m.path
    ))
}

/// The service's code: the parsed files, less those of npm packages that are applications for
/// users' devices or browsers ([`client_app`]), each such package listed once in
/// `out_of_scope` with the files it held (browser code already listed inside it is folded in).
pub(crate) fn assemble(
    mut files: Vec<CodeFile>,
    migrations: Vec<(String, MigrationFile)>,
    mut audit_tables: Vec<Located<AuditTable>>,
    deps: &Dependencies,
    out_of_scope: &mut Vec<OutOfScope>,
) -> Code {
    let mut apps: Vec<(String, String)> = deps
        .manifests
        .iter()
        .filter_map(|m| {
            let dir = m.dir();
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            client_app(m).map(|why| (prefix, why))
        })
        .collect();
    // The service itself is never left out: a client app at the repository root is the
    // repository, and the review judges what it holds.
    apps.retain(|(prefix, _)| !prefix.is_empty());
    if !apps.is_empty() {
        let app_of = |path: &str| apps.iter().find(|(p, _)| path.starts_with(p.as_str()));
        let mut left: Vec<OutOfScope> = Vec::new();
        files.retain(|f| match app_of(&f.path) {
            Some((p, why)) => {
                left.push(OutOfScope {
                    path: p.clone(),
                    rule: format!("{CLIENT_RULE}{why}"),
                });
                false
            }
            None => true,
        });
        out_of_scope.retain(|o| match app_of(&o.path) {
            Some((p, why)) if o.rule.starts_with(CLIENT_RULE) => {
                left.push(OutOfScope {
                    path: p.clone(),
                    rule: format!("{CLIENT_RULE}{why}"),
                });
                false
            }
            _ => true,
        });
        out_of_scope.extend(left);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // Routes of one file that name views of another (Django) get the views' guards.
    let mut linked: Vec<(&str, &mut FileFacts)> = files
        .iter_mut()
        .map(|CodeFile { path, facts }| (&**path, facts))
        .collect();
    launchgate_source::django::link(&mut linked);
    audit_tables.sort_by(|a, b| (&a.path, a.fact.line).cmp(&(&b.path, b.fact.line)));
    Code {
        files,
        migrations: launchgate_source::migrations::assemble(migrations),
        audit_tables,
    }
}
