//! Connection pools: database pools built in the code with their maximum size as written, or the
//! library's default when the code leaves it out.
//!
//! node-postgres `new Pool({max})`, knex `knex({pool: {max}})`; SQLAlchemy
//! `create_engine(url, pool_size=, max_overflow=)`, psycopg_pool `ConnectionPool(max_size=)`,
//! asyncpg `create_pool(max_size=)`; Go `sql.Open` (or otelsql's, sqlx's) with
//! `db.SetMaxOpenConns(n)` (none: no limit),
//! pgxpool with `MaxConns`; HikariCP's `setMaximumPoolSize(n)`; Prisma's `new PrismaClient(...)`
//! with `connection_limit` in a literal URL (`datasources.db.url`, `datasourceUrl`; a URL from
//! the environment or `schema.prisma` is unknown); Go's `http.Transport{...}`, the pool of
//! outbound HTTP connections, with `MaxConnsPerHost` (none: no limit) and
//! `MaxIdleConnsPerHost`.

use tree_sitter::Node;

use crate::retries::{callee, function, setting};
use crate::syntax::Syntax;
use crate::tree::File;
use crate::tree::{args, compact};
use crate::{Fact, FactKind, Language, Limit, Pool};

fn worth_walking(language: Language, text: &str) -> bool {
    let words: &[&str] = match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            &["Pool(", "knex(", "PrismaClient("]
        }
        Language::Python => &["create_engine", "ConnectionPool", "create_pool"],
        Language::Go => &["sql.Open", "sqlx.", "pgxpool.", "http.Transport{"],
        Language::Java => &["Hikari"],
    };
    words.iter().any(|w| text.contains(w))
}

pub(crate) fn facts(language: Language, f: &File<'_>, facts: &mut Vec<Fact>) {
    if !worth_walking(language, f.text) {
        return;
    }
    for &n in f.nodes() {
        let found = match language {
            Language::TypeScript | Language::Tsx | Language::JavaScript => script(f, n),
            Language::Python => python(f, n),
            Language::Go => go(f, n).or_else(|| go_transport(f, n)),
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
        Some(o) if o.ty() == "object" && !f.text(*o).contains("...") => Ok(f.text(*o)),
        Some(_) => Err(()),
    }
}

fn script(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    let name = callee(f, n)?;
    let text = f.text;
    match (n.ty(), name.as_str()) {
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
        ("new_expression", "new PrismaClient") => Some(pool(
            "prisma",
            "new PrismaClient(...)".to_string(),
            prisma(f, n),
        )),
        _ => None,
    }
}

const PRISMA_DEFAULT: &str = "the number of CPUs x 2 + 1 connections (Prisma default)";

/// A Prisma client's `connection_limit`, read from a literal URL among its options.
fn prisma(f: &File<'_>, n: Node<'_>) -> Limit {
    let o = match object(f, n, 0) {
        Err(()) => return unknown("its options are built elsewhere"),
        Ok(o) => o,
    };
    let url = setting(o, "datasourceUrl").or_else(|| {
        setting(o, "datasources")
            .and_then(|d| setting(&d, "db"))
            .and_then(|db| setting(&db, "url"))
    });
    let Some(url) = url else {
        return unknown("its URL comes from schema.prisma or the environment");
    };
    let url = url.trim();
    if !(url.starts_with(['"', '\'']) || url.starts_with('`') && !url.contains("${")) {
        return unknown(&format!("the connection URL is `{url}`"));
    }
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .trim_end_matches(['"', '\'', '`'])
        .split('&')
        .find_map(|kv| kv.strip_prefix("connection_limit="))
        .map_or(
            Limit::Default {
                value: PRISMA_DEFAULT,
            },
            set,
        )
}

fn python(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    if n.ty() != "call" {
        return None;
    }
    let name = callee(f, n)?;
    let all = n.field("arguments").map_or("", |x| f.text(x));
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
    if n.ty() != "call_expression" {
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

/// Go's `http.Transport{...}` (or `&http.Transport{...}`): its `MaxConnsPerHost`, set in the
/// literal or on the transport later in the file.
fn go_transport(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    if n.ty() != "composite_literal"
        || n.field("type").map(|t| compact(f.text(t))) != Some("http.Transport".into())
    {
        return None;
    }
    let body = n.field("body").map_or("", |b| f.text(b));
    let field = |key: &str| {
        setting(body, key).or_else(|| {
            // `t.MaxConnsPerHost = 50` further on.
            let at = f.text.find(&format!(".{key}"))? + key.len() + 1;
            let v = f.text[at..].trim_start().strip_prefix('=')?;
            Some(v.lines().next().unwrap_or("").trim().to_string())
        })
    };
    let max = match (field("MaxConnsPerHost"), field("MaxIdleConnsPerHost")) {
        (Some(v), _) if v.trim() != "0" => set(&format!("MaxConnsPerHost: {}", v.trim())),
        (_, Some(idle)) => Limit::Unbounded {
            why: if idle.trim() == "0" {
                "MaxConnsPerHost is not set, so it opens connections to a host without limit (MaxIdleConnsPerHost 0 keeps Go's default of 2 idle)"
            } else {
                "MaxConnsPerHost is not set, so it opens connections to a host without limit (MaxIdleConnsPerHost only bounds the idle ones it keeps)"
            },
        },
        _ => Limit::Unbounded {
            why: "MaxConnsPerHost is not set, so it opens connections to a host without limit, and keeps only Go's default of 2 idle per host (MaxIdleConnsPerHost): under load it opens and closes connections all the time",
        },
    };
    Some(pool("net/http", "http.Transport{...}".to_string(), max))
}

fn java(f: &File<'_>, n: Node<'_>) -> Option<Pool> {
    if n.ty() != "object_creation_expression" {
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
