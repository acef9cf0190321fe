//! CAP-008 connection-pooling: Connections to databases and caches are pooled with a bounded size.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::code::{FactKind, Limit, Topic};

use crate::kit;
use crate::kit::code;
use crate::kit::finish::{Tally, in_report_order};
use crate::kit::manifest::at;
use crate::{Check, CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Connections to databases and caches are pooled with a bounded size: every datastore
    /// dependency declares `pool_size`, or `claims.connection_pooling: true` covers them.
    ///
    /// The service's own source (see SAF-002) shows the pools it builds, with their maximum as
    /// written: node-postgres `new Pool({max})`, knex `pool: {max}`, SQLAlchemy
    /// `create_engine(url, pool_size=, max_overflow=)`, psycopg_pool and asyncpg `max_size=`, Go
    /// `db.SetMaxOpenConns(n)` after `sql.Open` and pgxpool's `MaxConns`, HikariCP's
    /// `setMaximumPoolSize(n)`, Prisma's `connection_limit` in a literal URL (a URL from the
    /// environment is unknown). A pool built without a maximum fails, named by file, line and
    /// function: Go's `database/sql` then opens connections without limit, and the others run
    /// with a default sized for nobody's database. A maximum that matches none of the declared
    /// `pool_size`s fails too; the others prove the declarations. With no datastore declared,
    /// pools in the code are judged on their own, and a source file whose pools could not be
    /// read (the parser gave up on it, or syntax errors cover them) makes a pass inconclusive;
    /// beside declared `pool_size`s, it leaves the pass attested on the declarations rather
    /// than proven by the code. Go's `http.Transport{...}` is the pool of outbound HTTP
    /// connections: without `MaxConnsPerHost` it opens connections to a host without limit and
    /// keeps only 2 idle (Go's default), and fails; its size is not compared with `pool_size`.
    ///
    /// ## Why it matters
    /// Opening a connection per request adds a TCP and TLS handshake (and, for PostgreSQL, a new
    /// backend process) to every call. An unbounded pool is worse under load: each replica opens
    /// more connections until the database hits `max_connections` and refuses everyone, turning a
    /// traffic spike into an outage of every service sharing that database.
    ///
    /// ## How to fix
    /// Use the driver's pool (HikariCP, pgx pool, SQLAlchemy pool, deadpool, r2d2...) or a pooler
    /// such as PgBouncer, and size it so that `replicas x pool_size` stays under the datastore's
    /// connection limit. Declare the size on each dependency (`pool_size: 20`), or declare
    /// `claims: {connection_pooling: true}` when pools are configured elsewhere.
    ///
    /// ## Example
    /// ```yaml fails
    /// dependencies:
    ///   - name: orders-db
    ///     kind: database
    ///     timeout_ms: 300     # no pool_size: how many connections can it open?
    /// ```
    /// ```yaml passes
    /// dependencies:
    ///   - name: orders-db
    ///     kind: database
    ///     timeout_ms: 300
    ///     pool_size: 20
    /// ```
    /// ```go fails path=store.go
    /// package store
    ///
    /// import "database/sql"
    ///
    /// func Open(dsn string) (*sql.DB, error) {
    ///     return sql.Open("pgx", dsn) // no SetMaxOpenConns: no limit
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 003, "Capacity: connection pooling"; PostgreSQL documentation on `max_connections`;
    /// HikariCP "About Pool Sizing".
    pub struct ConnectionPooling {
        id: "CAP-008", slug: "connection-pooling", category: Capacity, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "D S", effort: 3,
    }
}

impl Evaluate for ConnectionPooling {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        let stores: Vec<_> = m
            .dependencies
            .iter()
            .enumerate()
            .filter(|(_, d)| d.is_datastore())
            .collect();
        let declared: Vec<u32> = stores.iter().filter_map(|(_, d)| d.pool_size).collect();
        let code = code_pools(cx, &declared);
        let code_found =
            !(code.failures.is_empty() && code.unknowns.is_empty() && code.evidence.is_empty());
        if stores.is_empty() && code_found {
            // No datastore declared, but the code builds pools: judged on their own.
            return kit::code::conclude(self.meta().id, code, cx, "S", &[Topic::Pool], "");
        }
        if stores.is_empty() {
            return Outcome::not_applicable(
                "no dependency is a datastore (`dependencies[].kind: database` or `cache`)",
            );
        }
        let claim_ptr = "/claims/connection_pooling";
        if m.claims.connection_pooling == Some(false) {
            return Outcome::fail(vec![
                Finding::new(
                    "declared missing: datastore connections are not pooled (`claims.connection_pooling: false`)",
                )
                .at(at(cx, claim_ptr)),
            ]);
        }
        let claimed = m.claims.connection_pooling == Some(true);
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        if claimed {
            evidence.push(
                Finding::new("declared: datastore connections are pooled (`claims.connection_pooling: true`)")
                    .at(at(cx, claim_ptr)),
            );
        }
        for (i, d) in stores {
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            match d.pool_size {
                Some(n) => evidence.push(
                    Finding::new(format!(
                        "{} `{}` pools at most {n} connections",
                        d.kind.key(),
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/pool_size")))
                    .resource(resource),
                ),
                None if claimed => evidence.push(
                    Finding::new(format!(
                        "{} `{}` declares no `pool_size`; covered by `claims.connection_pooling: true`",
                        d.kind.key(),
                        d.name
                    ))
                    .at(at(cx, &p))
                    .resource(resource),
                ),
                None => findings.push(
                    Finding::new(format!(
                        "{} `{}` declares no `pool_size`, and `claims.connection_pooling` is not declared: nothing bounds its connections",
                        d.kind.key(),
                        d.name
                    ))
                    .at(at(cx, &p))
                    .resource(resource),
                ),
            }
        }
        findings.extend(code.failures);
        if findings.is_empty() {
            // The pools the code builds with a maximum prove the declarations.
            kit::code::conclude_with_claim(cx, "S", &[Topic::Pool], code.evidence, evidence, true)
        } else {
            Outcome::fail(in_report_order(findings))
        }
    }
}

/// The connection pools of the service's code, judged: a pool without a maximum (no limit, or
/// the library's default) fails, and so does a maximum that matches none of the declared
/// `pool_size`s; a maximum as written is evidence; what cannot be read is unknown.
fn code_pools(cx: &CheckContext<'_>, declared: &[u32]) -> Tally {
    let mut t = Tally::default();
    for (path, fact) in cx.evidence.source.facts() {
        let FactKind::Pool(p) = &fact.kind else {
            continue;
        };
        let at = Some(code::at(path, fact));
        let inside = code::inside(fact);
        let what = format!("the {} pool `{}`{inside}", p.library, p.text);
        match &p.max {
            Limit::Set { value } => {
                // `pool_size=20, max_overflow=5` or `20`: the size, when it is a number.
                let head = value.split(',').next().unwrap_or(value);
                let n = head
                    .rsplit('=')
                    .next()
                    .unwrap_or(head)
                    .trim()
                    .parse::<u32>()
                    .ok();
                match n {
                    // An HTTP transport's connections per host are not a datastore's pool.
                    Some(n)
                        if p.library != "net/http"
                            && !declared.is_empty()
                            && !declared.contains(&n) =>
                    {
                        t.failures.push(
                        Finding::new(format!(
                            "{what} opens at most `{value}` connections, but the manifest declares `pool_size` {}: one of them is wrong",
                            declared
                                .iter()
                                .map(u32::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                        .at(at),
                        );
                    }
                    _ => t
                        .evidence
                        .push(Finding::new(format!("{what} opens at most `{value}` connections")).at(at)),
                }
            }
            Limit::Default { value } => t.failures.push(
                Finding::new(format!(
                    "{what} sets no maximum and runs with the library's default, {value}: size it so that replicas x pool stays under the database's connection limit"
                ))
                .at(at),
            ),
            Limit::Unbounded { why } => t.failures.push(
                Finding::new(format!("{what} has no maximum: {why}")).at(at),
            ),
            Limit::Unknown { why } => t.unknowns.push(
                Finding::new(format!("{what}: its maximum cannot be read, {why}")).at(at),
            ),
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use launchgate_core::Outcome;

    use crate::fixture::run;

    /// The messages of the findings about code, with their locations.
    fn code(o: &Outcome) -> Vec<String> {
        let list = match o {
            Outcome::Pass { evidence, .. } => evidence,
            Outcome::Fail { findings, .. } | Outcome::Inconclusive { findings, .. } => findings,
            Outcome::NotApplicable { .. } => return Vec::new(),
        };
        list.iter()
            .filter_map(|f| {
                let l = f
                    .location
                    .as_ref()
                    .filter(|l| l.path != "launchgate.yaml")?;
                Some(format!("{}:{} {}", l.path, l.line, f.message))
            })
            .collect()
    }

    #[test]
    fn go_http_transports_and_prisma_clients_are_pools() {
        assert_eq!(
            code(&run("CAP-008", "fail_go_http_transport_unbounded")),
            [
                "client.go:9 the net/http pool `http.Transport{...}` in `NewClient` has no maximum: MaxConnsPerHost is not set, so it opens connections to a host without limit, and keeps only Go's default of 2 idle per host (MaxIdleConnsPerHost): under load it opens and closes connections all the time"
            ]
        );
        // Connections per host are not compared with a datastore's `pool_size`.
        let o = run("CAP-008", "pass_go_http_transport_sized");
        assert!(matches!(o, Outcome::Pass { .. }), "{o:?}");
        assert_eq!(
            code(&o),
            [
                "client.go:9 the net/http pool `http.Transport{...}` in `NewClient` opens at most `MaxConnsPerHost: 50` connections"
            ]
        );
        let o = run("CAP-008", "inconclusive_prisma_url_from_env");
        assert!(matches!(o, Outcome::Inconclusive { .. }), "{o:?}");
        assert_eq!(
            code(&o),
            [
                "src/db.ts:3 the prisma pool `new PrismaClient(...)`: its maximum cannot be read, its URL comes from schema.prisma or the environment"
            ]
        );
    }
}
