//! AWS resources in Terraform that several checks judge: databases, backup selections, ECS services
//! and their scaling targets, task definitions.

use launchgate_core::Finding;
use launchgate_evidence::terraform::{Resource, Terraform, TfValue};

use crate::CheckContext;
use crate::kit::terraform::tf_sets;

/// Relational and document database resource types: the datastores with
/// `backup_retention_period`, `storage_encrypted` and `deletion_protection`.
pub const TF_DATABASES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
];

/// Managed databases of the repository (every [`TF_DATABASES`] type), by path and line.
pub fn tf_databases(tf: &Terraform) -> impl Iterator<Item = &Resource> {
    tf.resources
        .iter()
        .filter(|r| TF_DATABASES.contains(&r.rtype.as_str()))
}

/// Whether a database is a cluster (Aurora, DocumentDB, Neptune, Multi-AZ DB cluster): its
/// automated backups cannot be turned off and keep 1 day when `backup_retention_period` is
/// not written.
pub fn tf_is_cluster(r: &Resource) -> bool {
    r.rtype != "aws_db_instance"
}

/// Whether a database copies another (a read replica): its data, backups and recovery belong
/// to the source.
pub fn tf_is_replica(r: &Resource) -> bool {
    tf_sets(&r.body, "replicate_source_db") || tf_sets(&r.body, "replication_source_identifier")
}

/// The AWS Backup selections (`aws_backup_selection`) that cover `target`: it is named in
/// `resources` (or `resources` is `"*"`), or its literal `tags` match a `selection_tag` or a
/// `condition { string_equals { key = "aws:ResourceTag/..." } }`, and `not_resources` does
/// not name it.
pub fn backup_selections_covering<'a>(
    tf: &'a Terraform,
    target: &'a Resource,
) -> impl Iterator<Item = &'a Resource> + 'a {
    let address = target.address();
    tf.resources_of("aws_backup_selection").filter(move |s| {
        let named = |attr: &str| {
            s.attr(attr)
                .is_some_and(|a| a.addresses().contains(&address))
        };
        if named("not_resources") {
            return false;
        }
        let wildcard = s
            .value("resources")
            .is_some_and(|v| v.to_str_set().contains("*"));
        named("resources") || wildcard || selection_tags_match(s, target)
    })
}

fn selection_tags_match(selection: &Resource, target: &Resource) -> bool {
    let tags = target.value("tags").and_then(TfValue::as_object);
    let has = |key: &str, value: &str| {
        tags.and_then(|t| t.get(key))
            .and_then(TfValue::as_str)
            .is_some_and(|v| v == value)
    };
    let by_tag = selection.body.blocks("selection_tag").any(|b| {
        let key = b.body.value("key").and_then(TfValue::as_str);
        let value = b.body.value("value").and_then(TfValue::as_str);
        let kind = b.body.value("type").and_then(TfValue::as_str);
        matches!((kind, key, value), (Some("STRINGEQUALS"), Some(k), Some(v)) if has(k, v))
    });
    let by_condition = selection
        .body
        .blocks("condition")
        .flat_map(|c| c.body.blocks("string_equals"))
        .any(|b| {
            let key = b.body.value("key").and_then(TfValue::as_str);
            let value = b.body.value("value").and_then(TfValue::as_str);
            match (key.and_then(|k| k.strip_prefix("aws:ResourceTag/")), value) {
                (Some(k), Some(v)) => has(k, v),
                _ => false,
            }
        });
    by_tag || by_condition
}

/// The backup plan an `aws_backup_selection` belongs to (its `plan_id`), when the repository
/// declares it.
pub fn backup_plan_of<'a>(tf: &'a Terraform, selection: &'a Resource) -> Option<&'a Resource> {
    selection
        .attr("plan_id")?
        .addresses()
        .iter()
        .find_map(|a| tf.resolve(selection, a))
        .filter(|p| p.rtype == "aws_backup_plan")
}

/// `aws_ecs_service` resources that run a replica count (not `scheduling_strategy =
/// "DAEMON"`, which runs one task per container instance).
pub fn ecs_replica_services(tf: &Terraform) -> impl Iterator<Item = &Resource> {
    tf.resources_of("aws_ecs_service")
        .filter(|s| s.value("scheduling_strategy").and_then(TfValue::as_str) != Some("DAEMON"))
}

/// The `aws_appautoscaling_target`s that scale `target` (an ECS service or a DynamoDB
/// table): those referring to it (`resource_id = "service/${...}/${aws_ecs_service.x.name}"`),
/// or whose literal `resource_id` names it (`service/<cluster>/<name>`, `table/<name>`).
pub fn scaling_targets<'a>(tf: &'a Terraform, target: &'a Resource) -> Vec<&'a Resource> {
    let prefix = match target.rtype.as_str() {
        "aws_ecs_service" => "service/",
        "aws_dynamodb_table" => "table/",
        _ => "",
    };
    let name = target.value("name").and_then(TfValue::as_str);
    let mut out: Vec<&Resource> = tf
        .referrers(target)
        .filter(|r| r.rtype == "aws_appautoscaling_target")
        .collect();
    if let Some(name) = name.filter(|_| !prefix.is_empty()) {
        for t in tf.resources_of("aws_appautoscaling_target") {
            let literal = t.value("resource_id").and_then(TfValue::as_str);
            let names_it = literal
                .is_some_and(|id| id.starts_with(prefix) && id.rsplit('/').next() == Some(name));
            if names_it && !out.iter().any(|o| std::ptr::eq(*o, t)) {
                out.push(t);
            }
        }
    }
    out
}

/// Findings for ECS task definitions whose container definitions could not be read (a
/// `templatefile(...)`, a module output): checks that judge every container cannot pass on
/// them.
pub fn unread_task_definitions(cx: &CheckContext<'_>) -> Vec<Finding> {
    cx.evidence
        .terraform
        .ecs_task_definitions()
        .iter()
        .filter_map(|td| {
            td.unknown.as_ref().map(|why| {
                Finding::new(format!(
                    "the containers of {} could not be read: {why}",
                    td.address
                ))
                .at(Some(td.definitions_loc.location()))
                .resource(td.address.clone())
            })
        })
        .collect()
}
