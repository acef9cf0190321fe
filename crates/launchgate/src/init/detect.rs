//! What `launchgate init` can learn from the scanned repository: the service's name, owner,
//! description and lifecycle (Backstage catalog, CODEOWNERS, Kubernetes workloads, dependency
//! manifests), whether it is reachable from outside, and its datastores and queues (Terraform
//! resources and modules, Kubernetes workloads running well-known images, client libraries).
//! Every value carries where it was found, so the wizard can say why it suggests it.

use std::collections::BTreeSet;
use std::path::Path;

use launchgate_evidence::Evidence;
use launchgate_evidence::deps::{DepManifest, Ecosystem};
use launchgate_evidence::k8s::ImageRef;
use launchgate_evidence::ownership::{OwnerKind, normalize_owner};
use launchgate_evidence::terraform::{Resource, Terraform, TfValue, address_of};

/// A suggested answer and where it comes from (`catalog-info.yaml:4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hint {
    pub value: String,
    pub from: String,
}

impl Hint {
    fn new(value: impl Into<String>, from: impl Into<String>) -> Hint {
        Hint {
            value: value.into(),
            from: from.into(),
        }
    }
}

/// A dependency found in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundDep {
    pub name: String,
    /// A manifest `kind` key: `database`, `cache` or `queue`.
    pub kind: &'static str,
    /// For queues: the dead-letter queue their redrive policy names.
    pub dead_letter_queue: Option<String>,
    /// What it is and where (`aws_sqs_queue.tasks in infra/terraform/queue.tf:14`).
    pub from: String,
}

/// Everything detected, each value with its source.
#[derive(Debug, Clone, Default)]
pub(crate) struct Detected {
    pub service: Option<Hint>,
    pub description: Option<Hint>,
    pub owner: Option<Hint>,
    /// Owners named elsewhere that differ from `owner`.
    pub other_owners: Vec<Hint>,
    pub stage: Option<Hint>,
    pub exposure: Option<Hint>,
    pub dependencies: Vec<FoundDep>,
}

/// Well-known datastore and broker technologies: name and manifest kind.
const TECHS: &[(&str, &str)] = &[
    ("postgres", "database"),
    ("mysql", "database"),
    ("mongodb", "database"),
    ("dynamodb", "database"),
    ("spanner", "database"),
    ("firestore", "database"),
    ("elasticsearch", "database"),
    ("cassandra", "database"),
    ("redis", "cache"),
    ("memcached", "cache"),
    ("kafka", "queue"),
    ("rabbitmq", "queue"),
    ("nats", "queue"),
    ("sqs", "queue"),
    ("pubsub", "queue"),
];

fn tech_kind(tech: &str) -> &'static str {
    TECHS
        .iter()
        .find(|(t, _)| *t == tech)
        .map_or("database", |(_, k)| k)
}

/// Client libraries of datastores and brokers: ecosystem, package (as the ecosystem compares
/// names), and the technology. Only dependencies that ship (not dev, test or build) count.
const CLIENT_LIBRARIES: &[(Ecosystem, &str, &str)] = &[
    // npm
    (Ecosystem::Npm, "pg", "postgres"),
    (Ecosystem::Npm, "postgres", "postgres"),
    (Ecosystem::Npm, "pg-promise", "postgres"),
    (Ecosystem::Npm, "mysql", "mysql"),
    (Ecosystem::Npm, "mysql2", "mysql"),
    (Ecosystem::Npm, "mongodb", "mongodb"),
    (Ecosystem::Npm, "mongoose", "mongodb"),
    (Ecosystem::Npm, "redis", "redis"),
    (Ecosystem::Npm, "ioredis", "redis"),
    (Ecosystem::Npm, "memjs", "memcached"),
    (Ecosystem::Npm, "kafkajs", "kafka"),
    (Ecosystem::Npm, "node-rdkafka", "kafka"),
    (Ecosystem::Npm, "@confluentinc/kafka-javascript", "kafka"),
    (Ecosystem::Npm, "amqplib", "rabbitmq"),
    (Ecosystem::Npm, "nats", "nats"),
    (Ecosystem::Npm, "@aws-sdk/client-sqs", "sqs"),
    (Ecosystem::Npm, "@aws-sdk/client-dynamodb", "dynamodb"),
    (Ecosystem::Npm, "@aws-sdk/lib-dynamodb", "dynamodb"),
    (Ecosystem::Npm, "@google-cloud/pubsub", "pubsub"),
    (Ecosystem::Npm, "@google-cloud/spanner", "spanner"),
    (Ecosystem::Npm, "@google-cloud/firestore", "firestore"),
    (Ecosystem::Npm, "@elastic/elasticsearch", "elasticsearch"),
    (Ecosystem::Npm, "cassandra-driver", "cassandra"),
    // Go (module paths without their /vN suffix)
    (Ecosystem::Go, "github.com/jackc/pgx", "postgres"),
    (Ecosystem::Go, "github.com/lib/pq", "postgres"),
    (Ecosystem::Go, "github.com/go-sql-driver/mysql", "mysql"),
    (Ecosystem::Go, "go.mongodb.org/mongo-driver", "mongodb"),
    (Ecosystem::Go, "github.com/redis/go-redis", "redis"),
    (Ecosystem::Go, "github.com/go-redis/redis", "redis"),
    (Ecosystem::Go, "github.com/gomodule/redigo", "redis"),
    (Ecosystem::Go, "github.com/bradfitz/gomemcache", "memcached"),
    (Ecosystem::Go, "github.com/segmentio/kafka-go", "kafka"),
    (Ecosystem::Go, "github.com/IBM/sarama", "kafka"),
    (Ecosystem::Go, "github.com/Shopify/sarama", "kafka"),
    (Ecosystem::Go, "github.com/twmb/franz-go", "kafka"),
    (
        Ecosystem::Go,
        "github.com/confluentinc/confluent-kafka-go",
        "kafka",
    ),
    (Ecosystem::Go, "github.com/rabbitmq/amqp091-go", "rabbitmq"),
    (Ecosystem::Go, "github.com/streadway/amqp", "rabbitmq"),
    (Ecosystem::Go, "github.com/nats-io/nats.go", "nats"),
    (
        Ecosystem::Go,
        "github.com/aws/aws-sdk-go-v2/service/sqs",
        "sqs",
    ),
    (
        Ecosystem::Go,
        "github.com/aws/aws-sdk-go-v2/service/dynamodb",
        "dynamodb",
    ),
    (Ecosystem::Go, "cloud.google.com/go/pubsub", "pubsub"),
    (Ecosystem::Go, "cloud.google.com/go/spanner", "spanner"),
    (Ecosystem::Go, "cloud.google.com/go/firestore", "firestore"),
    (Ecosystem::Go, "github.com/gocql/gocql", "cassandra"),
    (
        Ecosystem::Go,
        "github.com/elastic/go-elasticsearch",
        "elasticsearch",
    ),
    // PyPI (PEP 503 names)
    (Ecosystem::PyPi, "psycopg", "postgres"),
    (Ecosystem::PyPi, "psycopg2", "postgres"),
    (Ecosystem::PyPi, "psycopg2-binary", "postgres"),
    (Ecosystem::PyPi, "asyncpg", "postgres"),
    (Ecosystem::PyPi, "pymysql", "mysql"),
    (Ecosystem::PyPi, "mysqlclient", "mysql"),
    (Ecosystem::PyPi, "aiomysql", "mysql"),
    (Ecosystem::PyPi, "pymongo", "mongodb"),
    (Ecosystem::PyPi, "motor", "mongodb"),
    (Ecosystem::PyPi, "redis", "redis"),
    (Ecosystem::PyPi, "aioredis", "redis"),
    (Ecosystem::PyPi, "pymemcache", "memcached"),
    (Ecosystem::PyPi, "kafka-python", "kafka"),
    (Ecosystem::PyPi, "confluent-kafka", "kafka"),
    (Ecosystem::PyPi, "aiokafka", "kafka"),
    (Ecosystem::PyPi, "pika", "rabbitmq"),
    (Ecosystem::PyPi, "aio-pika", "rabbitmq"),
    (Ecosystem::PyPi, "nats-py", "nats"),
    (Ecosystem::PyPi, "google-cloud-pubsub", "pubsub"),
    (Ecosystem::PyPi, "google-cloud-spanner", "spanner"),
    (Ecosystem::PyPi, "google-cloud-firestore", "firestore"),
    (Ecosystem::PyPi, "elasticsearch", "elasticsearch"),
    (Ecosystem::PyPi, "cassandra-driver", "cassandra"),
    // crates.io
    (Ecosystem::Cargo, "tokio-postgres", "postgres"),
    (Ecosystem::Cargo, "postgres", "postgres"),
    (Ecosystem::Cargo, "deadpool-postgres", "postgres"),
    (Ecosystem::Cargo, "mysql", "mysql"),
    (Ecosystem::Cargo, "mysql_async", "mysql"),
    (Ecosystem::Cargo, "mongodb", "mongodb"),
    (Ecosystem::Cargo, "redis", "redis"),
    (Ecosystem::Cargo, "deadpool-redis", "redis"),
    (Ecosystem::Cargo, "fred", "redis"),
    (Ecosystem::Cargo, "rdkafka", "kafka"),
    (Ecosystem::Cargo, "lapin", "rabbitmq"),
    (Ecosystem::Cargo, "async-nats", "nats"),
    (Ecosystem::Cargo, "aws-sdk-sqs", "sqs"),
    (Ecosystem::Cargo, "aws-sdk-dynamodb", "dynamodb"),
    (Ecosystem::Cargo, "scylla", "cassandra"),
    (Ecosystem::Cargo, "elasticsearch", "elasticsearch"),
    // Maven
    (Ecosystem::Maven, "org.postgresql:postgresql", "postgres"),
    (Ecosystem::Maven, "com.mysql:mysql-connector-j", "mysql"),
    (Ecosystem::Maven, "mysql:mysql-connector-java", "mysql"),
    (
        Ecosystem::Maven,
        "org.mongodb:mongodb-driver-sync",
        "mongodb",
    ),
    (
        Ecosystem::Maven,
        "org.mongodb:mongodb-driver-reactivestreams",
        "mongodb",
    ),
    (Ecosystem::Maven, "redis.clients:jedis", "redis"),
    (Ecosystem::Maven, "io.lettuce:lettuce-core", "redis"),
    (Ecosystem::Maven, "org.redisson:redisson", "redis"),
    (Ecosystem::Maven, "org.apache.kafka:kafka-clients", "kafka"),
    (
        Ecosystem::Maven,
        "org.springframework.kafka:spring-kafka",
        "kafka",
    ),
    (Ecosystem::Maven, "com.rabbitmq:amqp-client", "rabbitmq"),
    (
        Ecosystem::Maven,
        "org.springframework.boot:spring-boot-starter-amqp",
        "rabbitmq",
    ),
    (Ecosystem::Maven, "software.amazon.awssdk:sqs", "sqs"),
    (
        Ecosystem::Maven,
        "software.amazon.awssdk:dynamodb",
        "dynamodb",
    ),
    (
        Ecosystem::Maven,
        "com.datastax.oss:java-driver-core",
        "cassandra",
    ),
    // NuGet (case-insensitive)
    (Ecosystem::NuGet, "npgsql", "postgres"),
    (Ecosystem::NuGet, "mysqlconnector", "mysql"),
    (Ecosystem::NuGet, "mongodb.driver", "mongodb"),
    (Ecosystem::NuGet, "stackexchange.redis", "redis"),
    (Ecosystem::NuGet, "confluent.kafka", "kafka"),
    (Ecosystem::NuGet, "rabbitmq.client", "rabbitmq"),
    (Ecosystem::NuGet, "awssdk.sqs", "sqs"),
    (Ecosystem::NuGet, "awssdk.dynamodbv2", "dynamodb"),
    // RubyGems (case-insensitive)
    (Ecosystem::RubyGems, "pg", "postgres"),
    (Ecosystem::RubyGems, "mysql2", "mysql"),
    (Ecosystem::RubyGems, "mongo", "mongodb"),
    (Ecosystem::RubyGems, "redis", "redis"),
    (Ecosystem::RubyGems, "ruby-kafka", "kafka"),
    (Ecosystem::RubyGems, "rdkafka", "kafka"),
    (Ecosystem::RubyGems, "bunny", "rabbitmq"),
];

/// `(feature, technology)` pairs of a library.
type Features = &'static [(&'static str, &'static str)];

/// Libraries that reach a database only through a Cargo feature or Python extra naming it.
const FEATURE_LIBRARIES: &[(Ecosystem, &str, Features)] = &[
    (
        Ecosystem::Cargo,
        "sqlx",
        &[("postgres", "postgres"), ("mysql", "mysql")],
    ),
    (
        Ecosystem::Cargo,
        "diesel",
        &[("postgres", "postgres"), ("mysql", "mysql")],
    ),
    (
        Ecosystem::Cargo,
        "sea-orm",
        &[("sqlx-postgres", "postgres"), ("sqlx-mysql", "mysql")],
    ),
];

/// Terraform resource types that are datastores or brokers, with their kind.
const TERRAFORM_TYPES: &[(&str, &str)] = &[
    ("aws_db_instance", "database"),
    ("aws_rds_cluster", "database"),
    ("aws_dynamodb_table", "database"),
    ("aws_docdb_cluster", "database"),
    ("aws_neptune_cluster", "database"),
    ("aws_redshift_cluster", "database"),
    ("aws_keyspaces_table", "database"),
    ("aws_opensearch_domain", "database"),
    ("aws_elasticsearch_domain", "database"),
    ("google_sql_database_instance", "database"),
    ("google_spanner_instance", "database"),
    ("google_bigtable_instance", "database"),
    ("google_firestore_database", "database"),
    ("google_alloydb_cluster", "database"),
    ("azurerm_postgresql_flexible_server", "database"),
    ("azurerm_postgresql_server", "database"),
    ("azurerm_mysql_flexible_server", "database"),
    ("azurerm_mssql_database", "database"),
    ("azurerm_cosmosdb_account", "database"),
    ("mongodbatlas_cluster", "database"),
    ("mongodbatlas_advanced_cluster", "database"),
    ("aws_elasticache_cluster", "cache"),
    ("aws_elasticache_replication_group", "cache"),
    ("aws_elasticache_serverless_cache", "cache"),
    ("aws_memorydb_cluster", "cache"),
    ("google_redis_instance", "cache"),
    ("google_memcache_instance", "cache"),
    ("azurerm_redis_cache", "cache"),
    ("aws_sqs_queue", "queue"),
    ("aws_mq_broker", "queue"),
    ("aws_msk_cluster", "queue"),
    ("aws_msk_serverless_cluster", "queue"),
    ("aws_kinesis_stream", "queue"),
    ("google_pubsub_topic", "queue"),
    ("azurerm_servicebus_queue", "queue"),
    ("azurerm_servicebus_topic", "queue"),
    ("azurerm_eventhub", "queue"),
    ("azurerm_storage_queue", "queue"),
    ("confluent_kafka_topic", "queue"),
];

/// Words in a Terraform module's source that say what it creates.
const MODULE_WORDS: &[(&str, &str)] = &[
    ("rds", "database"),
    ("aurora", "database"),
    ("dynamodb", "database"),
    ("cloudsql", "database"),
    ("postgres", "database"),
    ("postgresql", "database"),
    ("mysql", "database"),
    ("docdb", "database"),
    ("elasticache", "cache"),
    ("redis", "cache"),
    ("memcached", "cache"),
    ("memorystore", "cache"),
    ("sqs", "queue"),
    ("msk", "queue"),
    ("kafka", "queue"),
    ("pubsub", "queue"),
    ("servicebus", "queue"),
    ("kinesis", "queue"),
];

/// Attributes that hold a Terraform datastore's own name, most specific first.
const NAME_ATTRIBUTES: &[&str] = &[
    "name",
    "identifier",
    "cluster_identifier",
    "replication_group_id",
    "cluster_id",
    "cluster_name",
    "domain_name",
    "broker_name",
    "table_name",
    "topic_name",
];

/// Container image names (the last path segment) of datastores and brokers.
const IMAGES: &[(&str, &str)] = &[
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("postgis", "postgres"),
    ("mysql", "mysql"),
    ("mariadb", "mysql"),
    ("mongo", "mongodb"),
    ("mongodb", "mongodb"),
    ("redis", "redis"),
    ("redis-stack-server", "redis"),
    ("valkey", "redis"),
    ("memcached", "memcached"),
    ("kafka", "kafka"),
    ("cp-kafka", "kafka"),
    ("rabbitmq", "rabbitmq"),
    ("nats", "nats"),
    ("elasticsearch", "elasticsearch"),
    ("opensearch", "elasticsearch"),
    ("cassandra", "cassandra"),
];

/// What the repository says, read from its evidence. `root` names the service when nothing
/// else does.
pub(crate) fn detect(evidence: &Evidence, root: &Path) -> Detected {
    let mut d = Detected::default();
    catalog(evidence, &mut d);
    codeowners(evidence, &mut d);
    let datastore_workloads = kubernetes_datastores(evidence, &mut d.dependencies);
    if d.service.is_none() {
        d.service = workload_name(evidence, &datastore_workloads);
    }
    if d.service.is_none() {
        d.service = project_name(evidence);
    }
    if d.service.is_none() {
        d.service = directory_name(root);
    }
    d.exposure = exposure(evidence);
    let mut found = terraform(&evidence.terraform);
    found.append(&mut d.dependencies);
    libraries(evidence, &mut found);
    d.dependencies = unique_names(found);
    d
}

/// The service's name from the directory it is in, when nothing in the repository names it.
pub(crate) fn directory_name(root: &Path) -> Option<Hint> {
    let abs = std::fs::canonicalize(root).ok()?;
    let name = abs.file_name()?.to_string_lossy().trim().to_string();
    (!name.is_empty()).then(|| Hint::new(name, "the directory name"))
}

fn at(loc: &launchgate_evidence::Loc) -> String {
    format!("{}:{}", loc.path, loc.line)
}

fn catalog(evidence: &Evidence, d: &mut Detected) {
    let own = &evidence.ownership;
    let Some(component) = own.entities("Component").next() else {
        return;
    };
    if let Some(name) = &component.name {
        d.service = Some(Hint::new(name.value.trim(), at(&name.loc)));
    }
    if let Some(desc) = &component.description {
        d.description = Some(Hint::new(desc.value.trim(), at(&desc.loc)));
    }
    if let Some(owner) = &component.owner {
        let value = normalize_owner(&owner.value);
        if !value.is_empty() {
            d.owner = Some(Hint::new(value, at(&owner.loc)));
        }
    }
    if let Some(lifecycle) = &component.lifecycle {
        let stage = match lifecycle.value.trim().to_ascii_lowercase().as_str() {
            "production" | "deprecated" => Some("production"),
            "experimental" => Some("dev"),
            _ => None,
        };
        if let Some(stage) = stage {
            d.stage = Some(Hint::new(
                stage,
                format!(
                    "lifecycle `{}` at {}",
                    lifecycle.value.trim(),
                    at(&lifecycle.loc)
                ),
            ));
        }
    }
}

/// The owner of the CODEOWNERS catch-all rule: its first team, else its first owner.
fn codeowners(evidence: &Evidence, d: &mut Detected) {
    let owners = evidence.ownership.default_owners();
    let Some(first) = owners
        .iter()
        .find(|o| o.kind == OwnerKind::Team)
        .or_else(|| owners.first())
    else {
        return;
    };
    let hint = Hint::new(first.normalized(), at(&first.loc));
    match &d.owner {
        None => d.owner = Some(hint),
        Some(o) if o.value != hint.value => d.other_owners.push(hint),
        Some(_) => {}
    }
}

/// Workloads that run a datastore or broker image become dependencies; their names are
/// returned so they do not name the service.
fn kubernetes_datastores(evidence: &Evidence, out: &mut Vec<FoundDep>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for w in &evidence.kubernetes.workloads {
        let tech = w.containers().find_map(|c| {
            let image = c.image.as_ref()?;
            let repo = ImageRef::parse(&image.value).repository;
            let last = repo.rsplit('/').next().unwrap_or(repo);
            IMAGES
                .iter()
                .find(|(i, _)| i.eq_ignore_ascii_case(last))
                .map(|(_, t)| (*t, image))
        });
        if let Some((tech, image)) = tech
            && names.insert(w.name.clone())
        {
            out.push(FoundDep {
                name: w.name.clone(),
                kind: tech_kind(tech),
                dead_letter_queue: None,
                from: format!(
                    "{} {} running {} ({})",
                    w.kind.as_str(),
                    w.name,
                    image.value,
                    at(&image.loc)
                ),
            });
        }
    }
    names
}

/// The service named by its one long-running workload (or its first Deployment).
fn workload_name(evidence: &Evidence, datastores: &BTreeSet<String>) -> Option<Hint> {
    let serving: Vec<_> = evidence
        .kubernetes
        .workloads
        .iter()
        .filter(|w| w.kind.is_long_running() && !datastores.contains(&w.name))
        .collect();
    let distinct: BTreeSet<&str> = serving.iter().map(|w| w.name.as_str()).collect();
    // Several workloads are a product deploying a stack (or several services): the first one
    // found does not name it; the project or the directory does.
    let w = if distinct.len() == 1 {
        serving.first()
    } else {
        None
    }?;
    Some(Hint::new(
        w.name.trim(),
        format!("{} {} at {}", w.kind.as_str(), w.name, at(&w.loc)),
    ))
}

/// The project name of a dependency manifest at the repository root (the last segment of a
/// Go module path or a Maven `groupId:artifactId`).
fn project_name(evidence: &Evidence) -> Option<Hint> {
    let m: &DepManifest = evidence
        .dependencies
        .manifests
        .iter()
        .find(|m| m.dir().is_empty() && m.name.is_some())?;
    let raw = m.name.as_deref()?;
    let name = raw
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty() && !is_go_major(s))
        .unwrap_or(raw)
        .trim();
    (!name.is_empty()).then(|| Hint::new(name, m.path.to_string()))
}

fn is_go_major(s: &str) -> bool {
    s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// `public` when something routes traffic from outside to the service: a Kubernetes Ingress
/// or LoadBalancer Service, or a Terraform load balancer that is not internal, an API gateway
/// or a CDN distribution.
fn exposure(evidence: &Evidence) -> Option<Hint> {
    let k8s = &evidence.kubernetes;
    if let Some(i) = k8s.ingresses.first() {
        return Some(Hint::new(
            "public",
            format!("Ingress {} at {}", i.name, at(&i.loc)),
        ));
    }
    if let Some(s) = k8s.services.iter().find(|s| {
        s.service_type
            .as_ref()
            .is_some_and(|t| t.value == "LoadBalancer")
    }) {
        return Some(Hint::new(
            "public",
            format!("LoadBalancer Service {} at {}", s.name, at(&s.loc)),
        ));
    }
    let tf = &evidence.terraform;
    let public = tf.all().find(|r| match r.rtype.as_str() {
        "aws_lb" | "aws_alb" | "aws_elb" => {
            r.value("internal").and_then(TfValue::as_bool) != Some(true)
                && r.value("load_balancer_type").and_then(TfValue::as_str) != Some("gateway")
        }
        "aws_api_gateway_rest_api"
        | "aws_apigatewayv2_api"
        | "aws_cloudfront_distribution"
        | "google_compute_global_forwarding_rule"
        | "azurerm_application_gateway"
        | "azurerm_frontdoor" => true,
        _ => false,
    })?;
    Some(Hint::new(
        "public",
        format!("{} at {}", public.address(), at(&public.loc)),
    ))
}

/// The datastores and queues Terraform declares, dead-letter queues folded into the queues
/// that redrive to them.
fn terraform(tf: &Terraform) -> Vec<FoundDep> {
    let mut out = Vec::new();
    let mut dlqs: Vec<(String, String)> = Vec::new(); // (queue address, dlq address)
    for q in tf.resources_of("aws_sqs_queue") {
        if let Some(target) = redrive_target(tf, q) {
            dlqs.push((q.address(), target.address()));
        }
    }
    let is_dlq = |r: &Resource| {
        let a = r.address();
        dlqs.iter().any(|(_, d)| *d == a) || (r.rtype == "aws_sqs_queue" && looks_like_dlq(r))
    };
    for r in tf.all() {
        let Some((_, kind)) = TERRAFORM_TYPES.iter().find(|(t, _)| *t == r.rtype) else {
            continue;
        };
        if r.data || is_dlq(r) {
            continue;
        }
        let mut detail = String::new();
        if let Some(engine) = r.value("engine").and_then(TfValue::as_str) {
            detail = format!(" ({engine})");
        }
        let dead_letter_queue = dlqs
            .iter()
            .find(|(q, _)| *q == r.address())
            .and_then(|(_, d)| tf.find(d))
            .map(resource_name);
        out.push(FoundDep {
            name: resource_name(r),
            kind,
            dead_letter_queue,
            from: format!("{}{detail} at {}", r.address(), at(&r.loc)),
        });
    }
    for m in &tf.modules {
        let Some(source) = m.source.as_deref() else {
            continue;
        };
        let lower = source.to_ascii_lowercase();
        let kind = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find_map(|w| MODULE_WORDS.iter().find(|(k, _)| *k == w).map(|(_, v)| *v));
        if let Some(kind) = kind {
            out.push(FoundDep {
                name: m.name.replace('_', "-"),
                kind,
                dead_letter_queue: None,
                from: format!("module.{} ({source}) at {}", m.name, at(&m.loc)),
            });
        }
    }
    out
}

/// The queue a queue's redrive policy (its own, or an `aws_sqs_queue_redrive_policy`) sends
/// poison messages to.
fn redrive_target<'a>(tf: &'a Terraform, q: &'a Resource) -> Option<&'a Resource> {
    let own = q.attr("redrive_policy");
    let separate = || {
        tf.referrers(q)
            .filter(|r| r.rtype == "aws_sqs_queue_redrive_policy")
            .find_map(|r| r.attr("redrive_policy").map(|a| (r, a)))
    };
    let (from, attr) = own.map(|a| (q, a)).or_else(separate)?;
    match attr.json_like()?.get("deadLetterTargetArn")? {
        TfValue::Ref(r) => address_of(r).and_then(|a| tf.resolve(from, &a)),
        TfValue::String(arn) => {
            let name = arn.rsplit(':').next()?;
            tf.resources_of("aws_sqs_queue")
                .find(|x| x.value("name").and_then(TfValue::as_str) == Some(name))
        }
        _ => None,
    }
}

fn looks_like_dlq(r: &Resource) -> bool {
    let dlq = |s: &str| {
        let s = s.to_ascii_lowercase().replace('_', "-");
        s.contains("dlq") || s.contains("dead-letter") || s.contains("deadletter")
    };
    dlq(&r.name) || r.value("name").and_then(TfValue::as_str).is_some_and(dlq)
}

/// A resource's own name when Terraform gives it literally, else its label
/// (`aws_db_instance.payments` -> `payments`).
fn resource_name(r: &Resource) -> String {
    NAME_ATTRIBUTES
        .iter()
        .find_map(|a| r.value(a).and_then(TfValue::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(|| r.name.replace('_', "-"), str::to_string)
}

/// Client libraries of datastores and brokers, one dependency per technology, unless the
/// repository already declares a dependency of that kind (the library then talks to it).
fn libraries(evidence: &Evidence, out: &mut Vec<FoundDep>) {
    let kinds_found: BTreeSet<&str> = out.iter().map(|d| d.kind).collect();
    let mut techs: Vec<(&str, String)> = Vec::new();
    for m in &evidence.dependencies.manifests {
        for dep in m.dependencies.iter().filter(|d| d.scope.ships()) {
            let name = m.ecosystem.normalize_name(&dep.name);
            let name = if matches!(m.ecosystem, Ecosystem::NuGet | Ecosystem::RubyGems) {
                name.to_ascii_lowercase()
            } else {
                name
            };
            let mut hits: Vec<&str> = CLIENT_LIBRARIES
                .iter()
                .filter(|(e, p, _)| *e == m.ecosystem && *p == name)
                .map(|(_, _, t)| *t)
                .collect();
            for (e, p, features) in FEATURE_LIBRARIES {
                if *e == m.ecosystem && *p == name {
                    hits.extend(
                        features
                            .iter()
                            .filter(|(f, _)| dep.features.iter().any(|x| x == f))
                            .map(|(_, t)| *t),
                    );
                }
            }
            for tech in hits {
                if !techs.iter().any(|(t, _)| *t == tech) {
                    techs.push((tech, format!("{} in {}", dep.name, at(&dep.loc))));
                }
            }
        }
    }
    for (tech, from) in techs {
        let kind = tech_kind(tech);
        if kinds_found.contains(kind) {
            continue;
        }
        out.push(FoundDep {
            name: tech.to_string(),
            kind,
            dead_letter_queue: None,
            from: format!("client library {from}"),
        });
    }
}

/// Dependency names must be unique: a later namesake gets its kind appended
/// (`task-queue-tasks` the queue, `task-queue-tasks-database` the table), then a number.
fn unique_names(deps: Vec<FoundDep>) -> Vec<FoundDep> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(deps.len());
    for mut d in deps {
        if seen.contains(&d.name) {
            let base = format!("{}-{}", d.name, d.kind);
            let mut name = base.clone();
            let mut n = 2;
            while seen.contains(&name) {
                name = format!("{base}-{n}");
                n += 1;
            }
            d.name = name;
        }
        seen.insert(d.name.clone());
        out.push(d);
    }
    out
}

/// Folders whose sub-folders are services, each built into its own image (`src/adservice/`).
const SERVICE_ROOTS: &[&str] = &["src", "services", "apps", "cmd"];

/// One service of a repository of several: a folder under a [`SERVICE_ROOTS`] folder that
/// builds an image (holds a Dockerfile), and the workloads that run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The folder name (`adservice`).
    pub name: String,
    /// The source folder, ending with `/` (`src/adservice/`).
    pub source: String,
    /// `Kind/name` of the workloads named after it or running its image, sorted.
    pub workloads: Vec<String>,
    /// Image repositories of those workloads whose last segment is its name, sorted.
    pub images: Vec<String>,
}

/// The services of a repository that holds several: two or more folders that each build an
/// image: folders under `src/`, `services/`, `apps/` or `cmd/` with a Dockerfile, the
/// `context` folders of `skaffold.yaml`'s build artifacts, and the folders Docker Compose
/// services build from. Empty for a repository of one service, or of one product deploying a
/// stack (kube-prometheus: many workloads, no per-service source folders).
pub(crate) fn services(evidence: &Evidence) -> Vec<Candidate> {
    let mut folders: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut add = |name: &str, source: String| {
        if !name.is_empty() && !folders.values().any(|s| *s == source) {
            folders.entry(name.to_string()).or_insert(source);
        }
    };
    for d in &evidence.dockerfiles {
        let segs: Vec<&str> = d.path.split('/').collect();
        if segs.len() >= 3 && SERVICE_ROOTS.contains(&segs[0]) {
            add(segs[1], format!("{}/{}/", segs[0], segs[1]));
        }
    }
    for (image, context) in &evidence.kubernetes.build_contexts {
        if !context.is_empty() {
            let name = image_repository(image)
                .rsplit('/')
                .next()
                .unwrap_or_default();
            add(name, format!("{context}/"));
        }
    }
    for svc in &evidence.compose.services {
        if let Some((folder, _)) = svc.dockerfile.as_deref().and_then(|d| d.rsplit_once('/')) {
            add(&svc.workload.name, format!("{folder}/"));
        }
    }
    if folders.len() < 2 {
        return Vec::new();
    }
    let k = &evidence.kubernetes;
    folders
        .into_iter()
        .map(|(name, source)| {
            let mut workloads = BTreeSet::new();
            let mut images = BTreeSet::new();
            for svc in &evidence.compose.services {
                let built_here = svc
                    .dockerfile
                    .as_deref()
                    .is_some_and(|d| d.starts_with(source.as_str()));
                if svc.workload.name == name || built_here {
                    workloads.insert(svc.workload.resource());
                }
            }
            for w in k.workloads.iter().filter(|w| w.kind.is_long_running()) {
                let pod = k.effective_pod(w);
                let own: Vec<String> = pod
                    .containers
                    .iter()
                    .filter_map(|c| c.image.as_ref())
                    .map(|i| image_repository(&i.value).to_string())
                    .filter(|r| r.rsplit('/').next() == Some(name.as_str()))
                    .collect();
                if w.name == name || !own.is_empty() {
                    workloads.insert(w.resource());
                    images.extend(own);
                }
            }
            Candidate {
                name,
                source,
                workloads: workloads.into_iter().collect(),
                images: images.into_iter().collect(),
            }
        })
        .collect()
}

/// An image reference without digest and tag.
fn image_repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rfind('/').map_or(0, |i| i + 1);
    match image[last..].find(':') {
        Some(c) => &image[..last + c],
        None => image,
    }
}
