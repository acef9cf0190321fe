//! CAP-008 connection-pooling: Connections to databases and caches are pooled with a bounded size.

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Connections to databases and caches are pooled with a bounded size: every datastore
    /// dependency declares `pool_size`, or `claims.connection_pooling: true` covers them.
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
        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
