//! Distribution: the Action's install steps (action.yml "Pick the launchgate build" and "Install
//! launchgate") run as GitHub would, against a release archive that the release workflow's own
//! build script (scripts/release-build) packages from the built binary, served by an HTTP server
//! on loopback. It installs in seconds, refuses a wrong checksum, and builds with `cargo install`
//! only for unreleased refs (a stand-in `cargo` records the call).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fresh directory, removed when the test ends (each holds a packaged release: 230 MB).
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("launchgate-release-{name}-"))
        .tempdir()
        .unwrap()
}

fn step_script(name: &str) -> String {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let file = launchgate_manifest::SourceFile::new("action.yml", text);
    let action: Value = launchgate_manifest::yaml::load(&file).unwrap().0;
    action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}"))["run"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Serves the files of `dir` over HTTP/1.0 on 127.0.0.1 (a 404 for anything else) from a
/// background thread; returns the base URL.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = dir.join(path.trim_start_matches('/'));
            let body = (!path.contains(".."))
                .then(|| std::fs::read(&file).ok())
                .flatten();
            let _ = match body {
                Some(body) => stream
                    .write_all(
                        format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len())
                            .as_bytes(),
                    )
                    .and_then(|()| stream.write_all(&body)),
                None => stream.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
            };
        }
    });
    format!("http://{addr}/releases")
}

struct Runner {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

struct Ran {
    code: i32,
    log: String,
    outputs: Vec<(String, String)>,
    path_added: String,
}

impl Runner {
    fn new(dir: &Path) -> Runner {
        let home = dir.join("home");
        let runner_temp = dir.join("runner_temp");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&runner_temp).unwrap();
        let (os, arch) = match (std::env::consts::OS, std::env::consts::ARCH) {
            ("macos", "aarch64") => ("macOS", "ARM64"),
            ("macos", _) => ("macOS", "X64"),
            ("linux", "aarch64") => ("Linux", "ARM64"),
            _ => ("Linux", "X64"),
        };
        Runner {
            dir: dir.to_path_buf(),
            env: vec![
                ("RUNNER_OS".into(), os.into()),
                ("RUNNER_ARCH".into(), arch.into()),
                ("RUNNER_TEMP".into(), runner_temp.display().to_string()),
                ("HOME".into(), home.display().to_string()),
                ("GITHUB_ACTION_PATH".into(), root().display().to_string()),
                (
                    "LAUNCHGATE_ACTION_REPOSITORY".into(),
                    "acme/launchgate".into(),
                ),
                ("LAUNCHGATE_VERSION".into(), String::new()),
                ("LAUNCHGATE_RELEASE_URL".into(), String::new()),
                ("LAUNCHGATE_ACTION_REF".into(), String::new()),
            ],
        }
    }

    fn set(&mut self, key: &str, value: &str) -> &mut Runner {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs step `name` as GitHub runs a `shell: bash` step, with `extra` env (the step's
    /// `env:` built from earlier outputs) and `path_first` put before PATH.
    fn run(&self, name: &str, extra: &[(String, String)], path_first: Option<&Path>) -> Ran {
        let script = self.dir.join("step.sh");
        std::fs::write(&script, step_script(name)).unwrap();
        let output = self.dir.join("github_output");
        let gh_path = self.dir.join("github_path");
        std::fs::write(&output, "").unwrap();
        std::fs::write(&gh_path, "").unwrap();
        let path = match path_first {
            Some(p) => format!(
                "{}:{}",
                p.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
            None => std::env::var("PATH").unwrap_or_default(),
        };
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(&self.dir)
            .envs(self.env.iter().cloned())
            .envs(extra.iter().cloned())
            .env("PATH", path)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_PATH", &gh_path)
            .output()
            .unwrap();
        let outputs = std::fs::read_to_string(&output)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ran {
            code: out.status.code().unwrap_or(-1),
            log: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            outputs,
            path_added: std::fs::read_to_string(&gh_path).unwrap(),
        }
    }

    /// Pick, then Install with Pick's outputs as the Install step's env (as action.yml maps
    /// them).
    fn install(&self, path_first: Option<&Path>) -> (Ran, Ran) {
        let pick = self.run("Pick the launchgate build", &[], None);
        assert_eq!(pick.code, 0, "{}", pick.log);
        let get = |k: &str| {
            pick.outputs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let env = vec![
            ("LAUNCHGATE_MODE".to_string(), get("mode")),
            ("LAUNCHGATE_URL".to_string(), get("url")),
            ("LAUNCHGATE_ARCHIVE".to_string(), get("archive")),
        ];
        let install = self.run("Install launchgate", &env, path_first);
        (pick, install)
    }
}

fn output<'a>(ran: &'a Ran, key: &str) -> &'a str {
    ran.outputs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// Packages the built binary with scripts/release-build as the archive the runner asks for,
/// into `<dist>/releases/download/<tag>/`.
fn release(dist: &Path, tag: &str, archive: &str) {
    let target = archive
        .strip_prefix(&format!("launchgate-{tag}-"))
        .and_then(|t| t.strip_suffix(".tar.gz"))
        .unwrap();
    let out = dist.join("releases/download").join(tag);
    let bin = assert_cmd::cargo::cargo_bin("launchgate");
    let status = Command::new("bash")
        .arg(root().join("scripts/release-build"))
        .args(["--target", target, "--version", tag, "--binary"])
        .arg(&bin)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let printed = String::from_utf8(status.stdout).unwrap();
    assert_eq!(printed.trim(), out.join(archive).display().to_string());
    let sum = std::fs::read_to_string(out.join(format!("{archive}.sha256"))).unwrap();
    assert!(sum.ends_with(&format!("  {archive}\n")), "{sum}");
}

#[test]
fn action_installs_the_release_binary_and_verifies_its_checksum() {
    let tmp = temp_dir("download");
    let dir = tmp.path().to_path_buf();
    let dist = dir.join("dist");
    let base = serve(dist.clone());
    let mut runner = Runner::new(&dir);
    runner
        .set("LAUNCHGATE_ACTION_REF", "v9.8.7")
        .set("LAUNCHGATE_RELEASE_URL", &base);
    let pick = runner.run("Pick the launchgate build", &[], None);
    assert_eq!(pick.code, 0, "{}", pick.log);
    assert_eq!(output(&pick, "mode"), "download");
    assert_eq!(output(&pick, "url"), format!("{base}/download/v9.8.7"));
    let archive = output(&pick, "archive").to_string();
    assert!(
        archive.starts_with("launchgate-v9.8.7-") && archive.ends_with(".tar.gz"),
        "{archive}"
    );
    release(&dist, "v9.8.7", &archive);

    // Installs in seconds, onto the job's PATH, and the installed binary runs.
    let started = Instant::now();
    let (_, install) = runner.install(None);
    assert_eq!(install.code, 0, "{}", install.log);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    let bin_dir = dir.join("runner_temp/launchgate-bin");
    assert_eq!(install.path_added.trim(), bin_dir.display().to_string());
    assert!(
        install
            .log
            .contains(&format!("launchgate {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        install.log
    );
    let installed = bin_dir.join("launchgate");
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(assert_cmd::cargo::cargo_bin("launchgate")).unwrap()
    );

    // A wrong checksum is refused: nothing is installed, the step fails and says why.
    std::fs::remove_dir_all(&bin_dir).unwrap();
    let sum_file = dist
        .join("releases/download/v9.8.7")
        .join(format!("{archive}.sha256"));
    std::fs::write(&sum_file, format!("{}  {archive}\n", "0".repeat(64))).unwrap();
    let (_, install) = runner.install(None);
    assert_ne!(install.code, 0, "{}", install.log);
    assert!(install.log.contains("checksum mismatch"), "{}", install.log);
    assert!(!installed.exists());
    assert!(install.path_added.is_empty());

    // A release tag whose archive is missing fails; it never silently builds from source.
    let fake = fake_cargo(&dir);
    runner.set("LAUNCHGATE_ACTION_REF", "v9.9.9");
    let (_, install) = runner.install(Some(&fake));
    assert_ne!(install.code, 0, "{}", install.log);
    assert!(!dir.join("cargo-calls").exists());

    // `version:` picks a release explicitly (with or without the v).
    runner
        .set("LAUNCHGATE_ACTION_REF", "main")
        .set("LAUNCHGATE_VERSION", "1.2.3");
    let pick = runner.run("Pick the launchgate build", &[], None);
    assert_eq!(output(&pick, "url"), format!("{base}/download/v1.2.3"));
    runner.set("LAUNCHGATE_VERSION", "latest");
    let pick = runner.run("Pick the launchgate build", &[], None);
    assert_ne!(pick.code, 0);
    assert!(pick.log.contains("is not a release tag"), "{}", pick.log);
}

/// A `cargo` that records its arguments and "installs" the built binary into `--root`.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/usr/bin/env bash\nset -eu\necho \"$*\" >> '{calls}'\nroot=''\nprev=''\nfor a in \"$@\"; do\n  if [ \"$prev\" = --root ]; then root=\"$a\"; fi\n  prev=\"$a\"\ndone\nmkdir -p \"$root/bin\"\ncp '{built}' \"$root/bin/launchgate\"\n",
        calls = dir.join("cargo-calls").display(),
        built = assert_cmd::cargo::cargo_bin("launchgate").display()
    );
    let path = bin.join("cargo");
    std::fs::write(&path, script).unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(&path)
        .status()
        .unwrap();
    bin
}

#[test]
fn action_builds_unreleased_refs_with_a_cached_cargo_install() {
    let tmp = temp_dir("build");
    let dir = tmp.path().to_path_buf();
    let fake = fake_cargo(&dir);
    let mut runner = Runner::new(&dir);
    runner.set("LAUNCHGATE_ACTION_REF", "main");
    let (pick, install) = runner.install(Some(&fake));
    assert_eq!(output(&pick, "mode"), "build");
    assert_eq!(output(&pick, "commit").len(), 40, "{:?}", pick.outputs);
    assert_eq!(install.code, 0, "{}", install.log);
    let home = dir.join("home/.launchgate-build");
    let calls = std::fs::read_to_string(dir.join("cargo-calls")).unwrap();
    assert_eq!(
        calls,
        format!(
            "install --locked --path {}/crates/launchgate --root {}\n",
            root().display(),
            home.display()
        )
    );
    assert!(dir.join("runner_temp/launchgate-bin/launchgate").is_file());
    // The cache step restores ~/.launchgate-build: a second run does not build again.
    let (_, install) = runner.install(Some(&fake));
    assert_eq!(install.code, 0, "{}", install.log);
    assert_eq!(
        std::fs::read_to_string(dir.join("cargo-calls")).unwrap(),
        calls
    );
}

/// The release workflow builds every target the Action's install step can ask for, with the
/// same build script, and publishes checksums; the container image is the CLI on distroless.
#[test]
fn release_workflow_and_image_match_what_the_action_downloads() {
    let pick = step_script("Pick the launchgate build");
    let wanted: Vec<&str> = pick
        .split("target=")
        .skip(1)
        .map(|t| t.split([' ', ';', '"']).next().unwrap())
        .filter(|t| !t.is_empty() && !t.starts_with('$'))
        .collect();
    assert_eq!(wanted.len(), 5, "{wanted:?}");
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let file = launchgate_manifest::SourceFile::new("release.yml", text.clone());
    let workflow: Value = launchgate_manifest::yaml::load(&file).unwrap().0;
    let matrix: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    let mut a = wanted.clone();
    let mut b = matrix.clone();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    assert!(
        matrix.contains(&"x86_64-unknown-linux-musl")
            && matrix.contains(&"aarch64-unknown-linux-musl")
    );
    assert!(
        text.contains("bash scripts/release-build --target"),
        "{text}"
    );
    assert!(text.contains("sha256sum --check") && text.contains("SHA256SUMS"));

    let docker = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let last_from = docker.lines().rfind(|l| l.starts_with("FROM ")).unwrap();
    assert!(
        last_from.starts_with("FROM gcr.io/distroless/"),
        "{last_from}"
    );
    assert!(docker.contains("cargo build --release --locked --package launchgate"));
    assert!(docker.contains(r#"ENTRYPOINT ["/usr/local/bin/launchgate"]"#));
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    assert!(
        ci.contains("entrypoint: [\"\"]"),
        "docs/ci.md: GitLab CI with the image"
    );
}
