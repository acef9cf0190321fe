//! Connection pools: database pools built in the code with their maximum size as written, or the
//! library's default when the code leaves it out.
//!
//! node-postgres `new Pool({max})`, knex `knex({pool: {max}})`; SQLAlchemy
//! `create_engine(url, pool_size=, max_overflow=)`, psycopg_pool `ConnectionPool(max_size=)`,
//! asyncpg `create_pool(max_size=)`; Go `sql.Open` (or otelsql's, sqlx's) with
//! `db.SetMaxOpenConns(n)` (none: no limit),
//! pgxpool with `MaxConns`; HikariCP's `setMaximumPoolSize(n)`.

use tree_sitter::Node;

use crate::retries::{args, callee, compact, function, setting};
use crate::tree::File;
use crate::{Fact, FactKind, Language, Limit, Pool};

fn worth_walking(language: Language, text: &str) -> bool {
    let words: &[&str] = match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => &["Pool(", "knex("],
        Language::Python => &["create_engine", "ConnectionPool", "create_pool"],
        Language::Go => &["sql.Open", "sqlx.", "pgxpool."],
        Language::Java => &["Hikari"],
    };
    words.iter().any(|w| text.contains(w))
}

pub(crate) fn facts(language: Language, f: &File<'_>, facts: &mut Vec<Fact>) {
    if !worth_walking(language, f.text) {
        return;
    }
    for n in f.nodes() {
        let found = match language {
            Language::TypeScript | Language::Tsx | Language::JavaScript => script(f, n),
            Language::Python => python(f, n),
            Language::Go => go(f, n),
            Language::Java => java(f, n),
        };
        if let Some(p) = found {
            facts.push(f.fact(n, function(language, f, n), FactKind::Pool(p)));
        }
    }
}

fn pool(library: &'static str, text: String, max: Limit) -> Pool {
    Pool { library, text, max }
}

fn set(value: &str) -> Limit {
    Limit::Set {
        value: crate::short(value),
    }
}

fn unknown(why: &str) -> Limit {
    Limit::Unknown {
        why: crate::short(why),
    }
}

/// The object literal a call passes at `index`, as text; `Err` when it passes something that
/// cannot be read.
fn object<'t>(f: &File<'t>, n: Node<'t>, index: usize) -> Result<&'t str, ()> {
    match args(n).get(index) {
        None => Ok(""),
        Some(o) if o.kind() == "object" && !f.text(*o).contains("...") => Ok(f.text(*o)),
        Some(_) => Err(()),
    }
}

fn script(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    let name = callee(f, n)?;
    let text = f.text;
    match (n.kind(), name.as_str()) {
        ("new_expression", "new Pool" | "new pg.Pool")
            if text.contains("'pg'") || text.contains("\"pg\"") =>
        {
            let max = match object(f, n, 0) {
                Err(()) => unknown("its options are built elsewhere"),
                Ok(o) => setting(o, "max").map_or(
                    Limit::Default {
                        value: "10 connections (node-postgres default)",
                    },
                    |v| set(&v),
                ),
            };
            Some(pool("pg", "new Pool(...)".to_string(), max))
        }
        ("call_expression", "knex" | "Knex") if text.contains("knex") => {
            let max = match object(f, n, 0) {
                Err(()) => unknown("its options are built elsewhere"),
                Ok(o) => match setting(o, "pool") {
                    Some(p) if p.starts_with('{') => setting(&p, "max").map_or(
                        Limit::Default {
                            value: "10 connections (knex default)",
                        },
                        |v| set(&v),
                    ),
                    Some(p) => unknown(&format!("the pool is `{p}`")),
                    None => Limit::Default {
                        value: "10 connections (knex default)",
                    },
                },
            };
            Some(pool("knex", "knex(...)".to_string(), max))
        }
        _ => None,
    }
}

fn python(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    if n.kind() != "call" {
        return None;
    }
    let name = callee(f, n)?;
    let all = n.child_by_field_name("arguments").map_or("", |x| f.text(x));
    let spread = all.contains("**");
    let last = name.rsplit('.').next().unwrap_or(&name);
    let (library, key, default): (&'static str, &str, &'static str) = match last {
        "create_engine" | "create_async_engine" if f.text.contains("sqlalchemy") => (
            "sqlalchemy",
            "pool_size",
            "5 connections and 10 overflow (SQLAlchemy default)",
        ),
        "ConnectionPool" | "AsyncConnectionPool" if f.text.contains("psycopg_pool") => (
            "psycopg_pool",
            "max_size",
            "min_size, 4 connections (psycopg_pool default)",
        ),
        "create_pool" if name.starts_with("asyncpg") || f.text.contains("asyncpg") => {
            ("asyncpg", "max_size", "10 connections (asyncpg default)")
        }
        _ => return None,
    };
    if library == "sqlalchemy" && setting(all, "poolclass").is_some_and(|p| p.contains("NullPool"))
    {
        return Some(pool(
            library,
            format!("{name}(...)"),
            Limit::Unbounded {
                why: "poolclass=NullPool opens a connection per checkout, without a pool",
            },
        ));
    }
    let max = match setting(all, key) {
        Some(v) => {
            let overflow = (library == "sqlalchemy")
                .then(|| setting(all, "max_overflow"))
                .flatten()
                .map(|o| format!(", max_overflow={o}"))
                .unwrap_or_default();
            set(&format!("{key}={v}{overflow}"))
        }
        None if spread => unknown("its settings are built elsewhere"),
        None => Limit::Default { value: default },
    };
    Some(pool(library, format!("{name}(...)"), max))
}

/// The argument of the first `.Method(` call in the text.
fn method_arg(text: &str, method: &str) -> Option<String> {
    let at = text.find(method)? + method.len();
    let rest = &text[at..];
    let end = rest.find(')')?;
    Some(compact(&rest[..end]))
}

fn go(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    if n.kind() != "call_expression" {
        return None;
    }
    let name = callee(f, n)?;
    let text = f.text;
    match name.as_str() {
        // `otelsql.Open` wraps `sql.Open` with tracing: the same pool.
        "sql.Open" | "otelsql.Open" | "sqlx.Open" | "sqlx.Connect" => {
            let max = method_arg(text, ".SetMaxOpenConns(").map_or(
                Limit::Unbounded {
                    why: "database/sql opens connections without limit unless SetMaxOpenConns is called",
                },
                |v| set(&v),
            );
            Some(pool("database/sql", format!("{name}(...)"), max))
        }
        "pgxpool.New" | "pgxpool.NewWithConfig" | "pgxpool.Connect" | "pgxpool.ConnectConfig" => {
            let max = text
                .find(".MaxConns")
                .and_then(|at| {
                    let rest = text[at + ".MaxConns".len()..].trim_start();
                    let v = rest.strip_prefix('=')?;
                    Some(v.lines().next().unwrap_or("").trim().to_string())
                })
                .map_or(
                    if text.contains("pool_max_conns") {
                        unknown("pool_max_conns is set in the connection string")
                    } else {
                        Limit::Default {
                            value: "4 connections or the number of CPUs, whichever is more (pgxpool default)",
                        }
                    },
                    |v| set(&v),
                );
            Some(pool("pgxpool", format!("{name}(...)"), max))
        }
        _ => None,
    }
}

fn java(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    if n.kind() != "object_creation_expression" {
        return None;
    }
    let name = callee(f, n)?;
    if name != "new HikariConfig" && !(name == "new HikariDataSource" && args(n).is_empty()) {
        return None;
    }
    // `new HikariConfig("/db.properties")` or `new HikariConfig(props)`: the settings are read
    // from the properties, which the code does not show.
    let from_properties = name == "new HikariConfig" && !args(n).is_empty();
    let max = method_arg(f.text, ".setMaximumPoolSize(").map_or(
        if from_properties {
            unknown("its settings are read from properties")
        } else {
            Limit::Default {
                value: "10 connections (HikariCP default)",
            }
        },
        |v| set(&v),
    );
    Some(pool("hikaricp", format!("{name}()"), max))
}
