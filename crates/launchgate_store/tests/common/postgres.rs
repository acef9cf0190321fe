//! A real PostgreSQL server on loopback for tests, shared by every test of one test binary:
//! `scripts/test-postgres` starts it and stops it (removing its files) when this process exits.
//! `LAUNCHGATE_TEST_POSTGRES=postgres://USER@HOST:PORT/` points at a running server instead.
//! Without a server, tests skip with a message, or fail under `CI=true`.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use sqlx::Connection as _;

#[derive(Debug)]
pub struct TestPostgres {
    /// `postgres://launchgate@127.0.0.1:PORT/` (ends with `/`; append a database name).
    pub base: String,
    _child: Option<Mutex<Child>>,
}

fn start() -> Result<TestPostgres, String> {
    if let Ok(base) = std::env::var("LAUNCHGATE_TEST_POSTGRES")
        && !base.is_empty()
    {
        let base = if base.ends_with('/') {
            base
        } else {
            format!("{base}/")
        };
        return Ok(TestPostgres { base, _child: None });
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let dir = std::env::temp_dir().join(format!("launchgate-pg-{}-{port}", std::process::id()));
    let mut child = Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    match line.trim().strip_prefix("ready ") {
        Some(base) => Ok(TestPostgres {
            base: base.to_owned(),
            _child: Some(Mutex::new(child)),
        }),
        None => {
            let output = child.wait_with_output().map_err(|e| e.to_string())?;
            Err(format!(
                "scripts/test-postgres failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }
}

/// The shared server, or `None` (after saying why) when there is none and `CI` is not `true`.
pub fn postgres() -> Option<&'static TestPostgres> {
    static SERVER: OnceLock<Result<TestPostgres, String>> = OnceLock::new();
    match SERVER.get_or_init(start) {
        Ok(server) => Some(server),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("PostgreSQL is needed under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("skipped: no PostgreSQL server for tests: {why}");
            None
        }
    }
}

impl TestPostgres {
    /// A new, empty database (named `t<pid>_<name>`, created on first use) and its URL.
    pub fn database(&self, name: &str) -> String {
        static CREATED: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let name = format!("t{}_{}", std::process::id(), name.replace('-', "_"));
        let url = format!("{}{name}", self.base);
        let mut created = CREATED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !created.contains(&name) {
            let admin = format!("{}postgres", self.base);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = sqlx::postgres::PgConnection::connect(&admin).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\""
                )))
                .execute(&mut conn)
                .await
                .unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
            });
            created.push(name);
        }
        url
    }

    /// Runs SQL on database `url` directly, as someone with database access would.
    #[allow(clippy::unused_self)]
    pub fn raw_sql(&self, url: &str, sql: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut conn = sqlx::postgres::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
        });
    }
}
