//! SEC-014 locked-dependencies: Dependencies are locked and kept up to date.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::deps::{DepManifest, Ecosystem, UpdateTool, UpdateToolKind};
use launchgate_evidence::{DepFormat, FileKind};

use crate::kit::finish::{conclude, in_report_order};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Dependencies are locked and kept up to date:
    /// - every dependency manifest that declares dependencies has a committed lockfile
    ///   beside it (or at its workspace root): `Cargo.lock`, `package-lock.json` / `yarn.lock`
    ///   / `pnpm-lock.yaml` / `bun.lock`, `go.sum`, `poetry.lock` / `uv.lock` / `pdm.lock`,
    ///   `Pipfile.lock`, `gradle.lockfile`, `Gemfile.lock`, NuGet `packages.lock.json`. A
    ///   requirements file that pins every package with `==` (pip-compile output) is its own
    ///   lock; Maven has no lockfile mechanism and is not asked for one;
    /// - dependency-update tooling is configured and enabled: `.github/dependabot.yml` with
    ///   `updates`, or a Renovate configuration (`renovate.json`, `renovate.json5`,
    ///   `.renovaterc*`) that does not set `enabled: false`. When Dependabot is the only tool,
    ///   its `updates` must cover the ecosystem of every manifest (`npm`, `cargo`, `gomod`,
    ///   `pip` / `uv` / `poetry` / `pipenv`, `maven` / `gradle`, `nuget`, `bundler`).
    ///
    /// A manifest without its lockfile fails at the manifest; missing tooling fails at the
    /// first dependency manifest (the repository has no better place). A repository without
    /// dependency manifests is inconclusive; one whose manifests declare no dependencies at
    /// all has nothing to lock or update and is not applicable.
    ///
    /// ## Why it matters
    /// Without a lockfile, every build resolves version ranges anew: two builds of the same
    /// commit can ship different code, a compromised or broken release reaches production
    /// without anyone changing a line, and a rollback does not restore what ran before.
    /// Without update tooling, the locked versions age quietly until a security advisory
    /// forces a jump across many releases at the worst moment.
    ///
    /// ## How to fix
    /// Commit the lockfile your package manager writes (`cargo generate-lockfile`,
    /// `npm install`, `go mod tidy`, `uv lock`, `poetry lock`, `bundle install`,
    /// `gradle dependencies --write-locks`, `RestorePackagesWithLockFile` for NuGet) and build
    /// with it (`npm ci`, `cargo build --locked`, `pip install --require-hashes`). Add
    /// `.github/dependabot.yml` with one `updates` entry per ecosystem and directory
    /// (`package-ecosystem: npm`, `directory: /`, `schedule: {interval: weekly}`), or enable
    /// Renovate with a `renovate.json`.
    ///
    /// ## Example
    /// ```toml fails path=Cargo.toml
    /// # No Cargo.lock is committed, and nothing keeps the versions up to date.
    /// [package]
    /// name = "ledger-api"
    /// version = "0.4.0"
    /// edition = "2021"
    ///
    /// [dependencies]
    /// axum = "0.8"
    /// tokio = { version = "1", features = ["full"] }
    /// ```
    /// ```toml passes path=Cargo.toml
    /// [package]
    /// name = "ledger-api"
    /// version = "0.4.0"
    /// edition = "2021"
    ///
    /// [dependencies]
    /// axum = "0.8"
    /// tokio = { version = "1", features = ["full"] }
    /// ```
    /// ```toml with path=Cargo.lock
    /// version = 4
    ///
    /// [[package]]
    /// name = "axum"
    /// version = "0.8.1"
    /// ```
    /// ```yaml with path=.github/dependabot.yml
    /// version: 2
    /// updates:
    ///   - package-ecosystem: cargo
    ///     directory: /
    ///     schedule: {interval: weekly}
    /// ```
    ///
    /// ## References
    /// Seed 004, "Dependencies: lockfiles and automated updates"; OpenSSF Scorecard,
    /// "Pinned-Dependencies" and "Dependency-Update-Tool" checks; GitHub documentation,
    /// "Configuration options for the dependabot.yml file"; SLSA, build reproducibility.
    pub struct LockedDependencies {
        id: "SEC-014", slug: "locked-dependencies", category: Security, severity: Minor,
        tiers: [Required, Recommended, Recommended], evidence: "L C", effort: 2,
    }
}

/// The evidence letters this check reads from the repository.
const LETTERS: &str = "L C";

/// The lockfiles that would lock a manifest of this format, for messages.
fn lockfile_names(format: DepFormat) -> &'static str {
    match format {
        DepFormat::CargoToml => "`Cargo.lock`",
        DepFormat::PackageJson => {
            "`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml` or `bun.lock`"
        }
        DepFormat::GoMod => "`go.sum` (`go mod tidy` writes it)",
        DepFormat::Requirements => {
            "a lock (pip-compile output that pins every package with `==`, or `uv.lock` / `poetry.lock`)"
        }
        DepFormat::PyProject => "`uv.lock`, `poetry.lock` or `pdm.lock`",
        DepFormat::Pipfile => "`Pipfile.lock`",
        DepFormat::Gradle => "`gradle.lockfile` (`gradle dependencies --write-locks`)",
        DepFormat::Gemfile => "`Gemfile.lock`",
        DepFormat::Csproj => "`packages.lock.json` (`RestorePackagesWithLockFile`)",
        _ => "a lockfile",
    }
}

/// Dependabot `package-ecosystem` values that update an ecosystem's manifests.
fn dependabot_keys(e: Ecosystem) -> &'static [&'static str] {
    match e {
        Ecosystem::Cargo => &["cargo"],
        Ecosystem::Npm => &["npm", "bun"],
        Ecosystem::Go => &["gomod"],
        Ecosystem::PyPi => &["pip", "uv", "poetry", "pipenv"],
        Ecosystem::Maven => &["maven", "gradle"],
        Ecosystem::NuGet => &["nuget"],
        Ecosystem::RubyGems => &["bundler"],
    }
}

fn tool_name(t: &UpdateTool) -> &'static str {
    match t.tool {
        UpdateToolKind::Dependabot => "Dependabot",
        UpdateToolKind::Renovate => "Renovate",
    }
}

/// `a/b/c.txt` -> `a/b`; `c.txt` -> `""`.
fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn declares_something(m: &DepManifest) -> bool {
    !m.dependencies.is_empty() || !m.managed.is_empty()
}

impl Evaluate for LockedDependencies {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let d = &cx.evidence.dependencies;
        let Some(first) = d.manifests.first() else {
            return conclude(
                cx,
                LETTERS,
                Vec::new(),
                Vec::new(),
                "no dependency manifests found (Cargo.toml, package.json, go.mod, pyproject.toml, requirements.txt, pom.xml, build.gradle, Gemfile, *.csproj); point launchgate at the repository that builds the service",
            );
        };
        if !d.manifests.iter().any(declares_something) && cx.evidence.gaps(LETTERS).is_empty() {
            return Outcome::not_applicable(
                "the dependency manifests declare no dependencies: nothing to lock or update",
            );
        }

        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        for (m, lock) in d.manifests.iter().zip(d.lockfiles_of_manifests()) {
            if let Some(l) = lock {
                evidence.push(
                    Finding::new(format!("{} is locked by {}", m.path, l.path))
                        .at(Some(l.loc.location())),
                );
            } else if m.pins_exact_versions() {
                evidence.push(
                    Finding::new(format!(
                        "{} pins every dependency with `==`: it is its own lock",
                        m.path
                    ))
                    .at(Some(m.loc.location())),
                );
            }
        }
        // A lockfile or update configuration that could not be parsed is not missing: the
        // check is inconclusive about what it covers (`conclude` reports the file).
        let unparsed = |want: &dyn Fn(FileKind) -> bool| -> Vec<&str> {
            cx.evidence
                .errors
                .iter()
                .filter(|e| want(e.kind))
                .map(|e| parent_dir(&e.loc.path))
                .collect()
        };
        let unparsed_lock_dirs =
            unparsed(&|k| matches!(k, FileKind::Dependencies(f) if f.is_lockfile()));
        let unparsed_tooling = !unparsed(&|k| k == FileKind::DependencyUpdates).is_empty();
        for m in d
            .manifests_without_lockfile()
            .filter(|m| !unparsed_lock_dirs.contains(&m.dir()))
        {
            let n = m.dependencies.len();
            failures.push(
                Finding::new(format!(
                    "{} declares {n} {} but no lockfile locks {}: commit {}",
                    m.path,
                    if n == 1 { "dependency" } else { "dependencies" },
                    if n == 1 { "it" } else { "them" },
                    lockfile_names(m.format)
                ))
                .at(Some(m.loc.location())),
            );
        }

        let enabled: Vec<&UpdateTool> = d.update_tooling.iter().filter(|t| t.enabled).collect();
        if enabled.is_empty() && !unparsed_tooling {
            let off = d.update_tooling.first().map_or_else(String::new, |t| {
                format!(
                    " ({} is there but does nothing: {})",
                    t.path,
                    match t.tool {
                        UpdateToolKind::Dependabot => "it has no `updates` entries",
                        UpdateToolKind::Renovate => "it sets `enabled: false`",
                    }
                )
            });
            failures.push(
                Finding::new(format!(
                    "no dependency update tooling is configured{off}: add `.github/dependabot.yml` with an `updates` entry per ecosystem, or a `renovate.json`"
                ))
                .at(Some(first.loc.location()))
                .related(d.update_tooling.first().map(|t| t.loc.location())),
            );
        } else if enabled.iter().all(|t| t.tool == UpdateToolKind::Dependabot) {
            // Renovate finds every manifest itself; Dependabot updates only the ecosystems
            // its `updates` entries name.
            let covered = |e: Ecosystem| {
                enabled.iter().flat_map(|t| &t.updates).any(|u| {
                    u.ecosystem.as_deref().is_some_and(|k| {
                        dependabot_keys(e)
                            .iter()
                            .any(|w| w.eq_ignore_ascii_case(k.trim()))
                    })
                })
            };
            let mut reported: Vec<Ecosystem> = Vec::new();
            for m in d.manifests.iter().filter(|m| declares_something(m)) {
                let Some(tool) = enabled.first() else { break };
                if covered(m.ecosystem) || reported.contains(&m.ecosystem) {
                    continue;
                }
                reported.push(m.ecosystem);
                failures.push(
                    Finding::new(format!(
                        "Dependabot ({}) does not update {} dependencies ({}): add an `updates` entry with `package-ecosystem: {}`",
                        tool.path,
                        m.ecosystem.key(),
                        m.path,
                        dependabot_keys(m.ecosystem).first().unwrap_or(&"?")
                    ))
                    .at(Some(m.loc.location()))
                    .related(Some(tool.loc.location())),
                );
            }
        }
        for t in &enabled {
            let what = if t.updates.is_empty() {
                String::new()
            } else {
                let eco: Vec<&str> = t
                    .updates
                    .iter()
                    .filter_map(|u| u.ecosystem.as_deref())
                    .collect();
                format!(" ({})", eco.join(", "))
            };
            evidence.push(
                Finding::new(format!(
                    "{} keeps dependencies up to date{what}",
                    tool_name(t)
                ))
                .at(Some(t.loc.location())),
            );
        }
        conclude(cx, LETTERS, in_report_order(failures), evidence, "")
    }
}
