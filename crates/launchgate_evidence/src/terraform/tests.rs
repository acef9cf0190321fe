//! Tests of the Terraform evidence model: a realistic service directory, resolution across
//! files, unknowns, errors, and robustness on arbitrary input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

const VARIABLES_TF: &str = r#"variable "env" {
  type    = string
  default = "prod"
}

variable "backup_days" {
  type    = number
  default = 14
}

variable "image_tag" {
  type        = string
  description = "no default: comes from the pipeline"
}

variable "multi_az" {
  default = true
}

locals {
  name      = "checkout-${var.env}"
  log_days  = local.retention.logs
  retention = { logs = 30, backups = var.backup_days }
  loop_a    = local.loop_b
  loop_b    = local.loop_a
  queue_arn = aws_sqs_queue.dlq.arn
}
"#;

const MAIN_TF: &str = r#"resource "aws_db_instance" "main" {
  identifier              = "${local.name}-db"
  engine                  = "postgres"
  backup_retention_period = var.backup_days
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.db.arn
  multi_az                = var.multi_az
  deletion_protection     = true
  skip_final_snapshot     = false

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}

resource "aws_sqs_queue" "dlq" {
  name = "${local.name}-dlq"
}

resource "aws_sqs_queue" "orders" {
  name = "${local.name}-orders"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue" "legacy" {
  name           = "legacy"
  redrive_policy = <<EOF
{"deadLetterTargetArn": "${local.queue_arn}", "maxReceiveCount": ${var.backup_days}}
EOF
}

resource "aws_ecs_task_definition" "app" {
  family                   = "checkout"
  cpu                      = "512"
  memory                   = 1024
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([
    {
      name                   = "web"
      image                  = "registry.example.com/checkout:${var.image_tag}"
      user                   = "1000"
      readonlyRootFilesystem = true
      cpu                    = 256
      memory                 = 512
      environment = [
        { name = "LOG_LEVEL", value = "info" },
        { name = "DB_PASSWORD", value = "hunter2" },
      ]
      secrets = [
        { name = "API_KEY", valueFrom = aws_secretsmanager_secret.api.arn },
      ]
      portMappings = [{ containerPort = 8080, hostPort = 8080, protocol = "tcp" }]
      healthCheck  = { command = ["CMD-SHELL", "curl -f localhost:8080/health"] }
    },
    {
      name       = "sidecar"
      image      = "envoyproxy/envoy:latest"
      privileged = true
    },
  ])
}

resource "aws_ecs_task_definition" "worker" {
  family                = "worker"
  container_definitions = <<-JSON
    [
      {
        "name": "worker",
        "image": "busybox",
        "memory": 256,
        "readonlyRootFilesystem": false
      }
    ]
  JSON
}

resource "aws_security_group" "lb" {
  name = "lb"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "public" {
  name            = "public"
  security_groups = [aws_security_group.lb.id]
  subnets         = ["subnet-a", "subnet-b"]
}

data "aws_iam_policy_document" "app" {
  statement {
    effect    = "Allow"
    actions   = ["s3:*", "sqs:SendMessage"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "app" {
  name   = "app"
  policy = data.aws_iam_policy_document.app.json
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/checkout"
  retention_in_days = local.log_days
}

resource "aws_appautoscaling_target" "app" {
  min_capacity       = 2
  max_capacity       = 10
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.app.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}

resource "aws_iam_role_policy" "inline" {
  role = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = local.loop_a
    }]
  })
}
"#;

fn load(files: &[(&str, &str)]) -> (Terraform, Vec<EvidenceError>) {
    let mut errors = Vec::new();
    // Reverse order: assemble must sort, whatever order the workers finished in.
    let parsed: Vec<TfFile> = files
        .iter()
        .rev()
        .filter_map(|(path, text)| parse(&Source::new(*path, *text), &mut errors))
        .collect();
    (assemble(parsed), errors)
}

fn fixture() -> Terraform {
    let (tf, errors) = load(&[
        ("infra/variables.tf", VARIABLES_TF),
        ("infra/main.tf", MAIN_TF),
    ]);
    assert_eq!(errors, vec![]);
    tf
}

fn at(loc: &Loc) -> (&str, u32, u32) {
    (&*loc.path, loc.line, loc.column)
}

fn s(v: &str) -> TfValue {
    TfValue::String(v.to_string())
}

#[test]
fn resources_are_sorted_with_addresses_and_block_locations() {
    let tf = fixture();
    let got: Vec<(String, u32)> = tf
        .resources
        .iter()
        .map(|r| (r.address(), r.loc.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("aws_db_instance.main".to_string(), 1),
            ("aws_dynamodb_table.orders".to_string(), 16),
            ("aws_sqs_queue.dlq".to_string(), 30),
            ("aws_sqs_queue.orders".to_string(), 34),
            ("aws_sqs_queue.legacy".to_string(), 42),
            ("aws_ecs_task_definition.app".to_string(), 49),
            ("aws_ecs_task_definition.worker".to_string(), 80),
            ("aws_security_group.lb".to_string(), 94),
            ("aws_lb.public".to_string(), 105),
            ("aws_iam_policy.app".to_string(), 119),
            ("aws_cloudwatch_log_group.app".to_string(), 124),
            ("aws_appautoscaling_target.app".to_string(), 129),
            ("aws_iam_role_policy.inline".to_string(), 137),
        ]
    );
    assert_eq!(tf.data.len(), 1);
    assert_eq!(tf.data[0].address(), "data.aws_iam_policy_document.app");
    assert_eq!(at(&tf.data[0].loc), ("infra/main.tf", 111, 1));
    assert_eq!(&*tf.resources[0].dir, "infra");
    assert_eq!(
        tf.find("data.aws_iam_policy_document.app")
            .map(|r| r.loc.line),
        Some(111)
    );
    assert_eq!(
        tf.find("aws_sqs_queue.legacy").map(|r| r.loc.line),
        Some(42)
    );
    assert!(tf.find("aws_sqs_queue.nope").is_none());
    assert_eq!(tf.resources_of("aws_sqs_queue").count(), 3);
    let vars: Vec<(&str, Option<&TfValue>)> = tf
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.default.as_ref()))
        .collect();
    assert_eq!(
        vars,
        vec![
            ("env", Some(&s("prod"))),
            ("backup_days", Some(&TfValue::Number(14.0))),
            ("image_tag", None),
            ("multi_az", Some(&TfValue::Bool(true))),
        ]
    );
}

#[test]
fn rds_values_resolve_variables_and_locals_across_files() {
    let tf = fixture();
    let db = tf.find("aws_db_instance.main").unwrap();
    let retention = db.attr("backup_retention_period").unwrap();
    assert_eq!(retention.value, TfValue::Number(14.0));
    assert_eq!(at(&retention.loc), ("infra/main.tf", 4, 29));
    assert_eq!(at(&retention.key_loc), ("infra/main.tf", 4, 3));
    // The value was written as the variable's default.
    assert_eq!(at(retention.origin()), ("infra/variables.tf", 8, 13));
    assert_eq!(retention.refs(), ["var.backup_days".to_string()]);
    assert_eq!(db.value("identifier"), Some(&s("checkout-prod-db")));
    assert_eq!(db.value("multi_az").and_then(TfValue::as_bool), Some(true));
    assert_eq!(db.value("storage_encrypted"), Some(&TfValue::Bool(true)));
    assert_eq!(
        db.value("kms_key_id"),
        Some(&TfValue::Ref("aws_kms_key.db.arn".into()))
    );
    assert_eq!(
        db.value("skip_final_snapshot").and_then(TfValue::as_bool),
        Some(false)
    );
    let prevent = db
        .body
        .find_path(&["lifecycle", "prevent_destroy"])
        .unwrap();
    assert_eq!(prevent.value, &TfValue::Bool(true));
    assert_eq!(at(&prevent.loc), ("infra/main.tf", 12, 23));
    assert_eq!(db.references(), ["aws_kms_key.db".to_string()]);

    let ddb = tf.find("aws_dynamodb_table.orders").unwrap();
    assert_eq!(
        ddb.body.get_path(&["point_in_time_recovery", "enabled"]),
        Some(&TfValue::Bool(true))
    );
    assert_eq!(
        ddb.body.get_path(&["server_side_encryption", "enabled"]),
        Some(&TfValue::Bool(true))
    );
    assert_eq!(
        ddb.value("billing_mode").and_then(TfValue::as_str),
        Some("PAY_PER_REQUEST")
    );
    assert_eq!(
        ddb.body
            .get_path(&["server_side_encryption", "kms_key_arn"]),
        None
    );

    let logs = tf.find("aws_cloudwatch_log_group.app").unwrap();
    let days = logs.attr("retention_in_days").unwrap();
    assert_eq!(days.value.as_i64(), Some(30));
    // local.log_days -> local.retention.logs: the number written in the object literal.
    assert_eq!(at(days.origin()), ("infra/variables.tf", 23, 24));
}

#[test]
fn unknowns_stay_unknown() {
    let tf = fixture();
    let loop_a = tf.locals.iter().find(|l| l.name == "loop_a").unwrap();
    assert!(
        loop_a
            .attr
            .value
            .unknown_reason()
            .unwrap()
            .contains("cycle"),
        "{:?}",
        loop_a.attr.value
    );
    let web = tf
        .ecs_containers()
        .find(|c| c.name.as_deref() == Some("web"))
        .unwrap();
    let image = web.image.as_ref().unwrap();
    assert!(!image.is_known());
    assert_eq!(
        image.unknown_reason(),
        Some("an interpolation of a value that is not known: `var.image_tag`")
    );
    let target = tf.find("aws_appautoscaling_target.app").unwrap();
    let rid = target.attr("resource_id").unwrap();
    assert!(!rid.value.is_known());
    assert_eq!(
        rid.addresses(),
        ["aws_ecs_cluster.main", "aws_ecs_service.app"]
    );
    assert_eq!(
        target.value("min_capacity").and_then(TfValue::as_i64),
        Some(2)
    );
    assert_eq!(
        target.references(),
        [
            "aws_ecs_cluster.main".to_string(),
            "aws_ecs_service.app".to_string()
        ]
    );
}

#[test]
fn redrive_policies_from_jsonencode_and_heredoc_name_the_dlq() {
    let tf = fixture();
    let orders = tf.find("aws_sqs_queue.orders").unwrap();
    let rp = orders.attr("redrive_policy").unwrap();
    let mut want = BTreeMap::new();
    want.insert(
        "deadLetterTargetArn".to_string(),
        TfValue::Ref("aws_sqs_queue.dlq.arn".into()),
    );
    want.insert("maxReceiveCount".to_string(), TfValue::Number(5.0));
    assert_eq!(rp.value, TfValue::Object(want.clone()));
    assert_eq!(rp.value.ref_addresses(), ["aws_sqs_queue.dlq"]);
    assert_eq!(
        at(rp.loc_at(&["maxReceiveCount"])),
        ("infra/main.tf", 38, 27)
    );
    assert!(orders.refers_to("aws_sqs_queue.dlq"));

    let legacy = tf.find("aws_sqs_queue.legacy").unwrap();
    let rp = legacy.attr("redrive_policy").unwrap();
    assert!(!rp.value.is_known());
    want.insert("maxReceiveCount".to_string(), TfValue::Number(14.0));
    assert_eq!(rp.json_like(), Some(&TfValue::Object(want)));
    // Through local.queue_arn.
    assert_eq!(rp.addresses(), ["aws_sqs_queue.dlq"]);
    let dlq = tf.find("aws_sqs_queue.dlq").unwrap();
    let referrers: Vec<String> = tf.referrers(dlq).map(Resource::address).collect();
    assert_eq!(referrers, ["aws_sqs_queue.orders", "aws_sqs_queue.legacy"]);
}

#[test]
fn ecs_containers_from_jsonencode_have_element_locations() {
    let tf = fixture();
    let tds = tf.ecs_task_definitions();
    assert_eq!(tds.len(), 2);
    assert_eq!(tds[0].address, "aws_ecs_task_definition.app");
    assert_eq!(tds[0].cpu.as_ref().and_then(TfValue::as_i64), Some(512));
    assert_eq!(tds[0].memory.as_ref().and_then(TfValue::as_i64), Some(1024));
    assert_eq!(tds[0].unknown, None);
    let c = &tds[0].containers;
    assert_eq!(c.len(), 2);
    let web = &c[0];
    assert_eq!(web.name.as_deref(), Some("web"));
    assert_eq!(web.resource(), "aws_ecs_task_definition.app container web");
    assert_eq!(at(&web.loc), ("infra/main.tf", 55, 5));
    assert_eq!(web.user, Some(s("1000")));
    assert_eq!(web.readonly_root_filesystem, Some(TfValue::Bool(true)));
    assert_eq!(web.privileged, None);
    assert_eq!(web.cpu.as_ref().and_then(TfValue::as_i64), Some(256));
    assert_eq!(web.memory.as_ref().and_then(TfValue::as_i64), Some(512));
    assert_eq!(web.memory_reservation, None);
    assert!(web.health_check);
    let env: Vec<(Option<&str>, &TfValue, u32, u32)> = web
        .environment
        .iter()
        .map(|e| (e.name.as_deref(), &e.value, e.loc.line, e.loc.column))
        .collect();
    assert_eq!(
        env,
        vec![
            (Some("LOG_LEVEL"), &s("info"), 63, 9),
            (Some("DB_PASSWORD"), &s("hunter2"), 64, 9)
        ]
    );
    assert_eq!(web.secrets.len(), 1);
    assert_eq!(web.secrets[0].name.as_deref(), Some("API_KEY"));
    assert_eq!(
        web.secrets[0].value_from,
        TfValue::Ref("aws_secretsmanager_secret.api.arn".into())
    );
    assert_eq!(web.port_mappings.len(), 1);
    assert_eq!(
        web.port_mappings[0]
            .container_port
            .as_ref()
            .and_then(TfValue::as_i64),
        Some(8080)
    );
    assert_eq!(web.port_mappings[0].protocol, Some(s("tcp")));

    let sidecar = &c[1];
    assert_eq!(sidecar.index, 1);
    assert_eq!(at(&sidecar.loc), ("infra/main.tf", 72, 5));
    assert_eq!(sidecar.image, Some(s("envoyproxy/envoy:latest")));
    assert_eq!(sidecar.privileged, Some(TfValue::Bool(true)));
    assert_eq!(
        at(sidecar.field_loc("privileged")),
        ("infra/main.tf", 75, 20)
    );
    assert_eq!(at(sidecar.field_loc("user")), ("infra/main.tf", 72, 5));
    assert_eq!(sidecar.user, None);
    assert!(!sidecar.health_check);
}

#[test]
fn ecs_containers_from_heredoc_json_are_located_at_the_attribute() {
    let tf = fixture();
    let worker = &tf.ecs_task_definitions()[1];
    assert_eq!(worker.address, "aws_ecs_task_definition.worker");
    assert_eq!(worker.cpu, None);
    assert_eq!(worker.containers.len(), 1);
    let w = &worker.containers[0];
    assert_eq!(w.name.as_deref(), Some("worker"));
    assert_eq!(w.image, Some(s("busybox")));
    assert_eq!(w.memory, Some(TfValue::Number(256.0)));
    assert_eq!(
        w.readonly_root_filesystem
            .as_ref()
            .and_then(TfValue::as_bool),
        Some(false)
    );
    assert_eq!(at(&w.loc), ("infra/main.tf", 82, 27));
    assert_eq!(at(w.field_loc("memory")), ("infra/main.tf", 82, 27));
}

#[test]
fn security_group_ingress_open_to_the_world_on_a_load_balancer() {
    let tf = fixture();
    let rules = tf.security_group_ingress();
    assert_eq!(rules.len(), 1);
    let r = &rules[0];
    assert_eq!(r.kind, IngressKind::Inline);
    assert_eq!(r.security_group.as_deref(), Some("aws_security_group.lb"));
    assert_eq!(r.declared_by, "aws_security_group.lb");
    assert_eq!(at(&r.loc), ("infra/main.tf", 97, 3));
    assert_eq!(at(&r.cidr_loc), ("infra/main.tf", 101, 19));
    assert_eq!(r.cidr_ipv4.known, ["0.0.0.0/0"]);
    assert!(r.open_to_world());
    assert_eq!(r.from_port, Some(TfValue::Number(443.0)));
    assert_eq!(r.protocol, Some(s("tcp")));
    assert_eq!(r.attached_to, ["aws_lb.public"]);
    assert!(r.on_load_balancer);
    let lb = tf.find("aws_lb.public").unwrap();
    assert_eq!(
        lb.value("subnets")
            .and_then(TfValue::as_list)
            .map(<[_]>::len),
        Some(2)
    );
}

#[test]
fn iam_statements_from_documents_and_jsonencode() {
    let tf = fixture();
    let st = tf.iam_statements();
    assert_eq!(st.len(), 2);
    let doc = &st[0];
    assert_eq!(doc.owner, "data.aws_iam_policy_document.app");
    assert_eq!(at(&doc.loc), ("infra/main.tf", 112, 3));
    assert_eq!(doc.effect, IamEffect::Allow);
    assert_eq!(doc.actions.known, ["s3:*", "sqs:SendMessage"]);
    assert!(doc.resources.contains("*"));
    assert_eq!(at(&doc.resources_loc), ("infra/main.tf", 115, 17));
    assert_eq!(doc.used_by, ["aws_iam_policy.app"]);
    assert!(!doc.has_condition);

    let inline = &st[1];
    assert_eq!(inline.owner, "aws_iam_role_policy.inline");
    assert_eq!(at(&inline.loc), ("infra/main.tf", 141, 18));
    assert!(inline.is_allow());
    assert_eq!(inline.actions.known, ["*"]);
    assert_eq!(at(&inline.actions_loc), ("infra/main.tf", 143, 18));
    // Resource is a local in a cycle: unknown, not guessed.
    assert!(inline.resources.known.is_empty());
    assert!(inline.resources.has_unknown);
}

#[test]
fn directories_are_separate_modules() {
    let module = r#"variable "backup_days" {
  default = 1
}

resource "aws_db_instance" "x" {
  backup_retention_period = var.backup_days
  identifier              = local.name
}
"#;
    let (tf, errors) = load(&[
        ("infra/variables.tf", VARIABLES_TF),
        ("infra/main.tf", MAIN_TF),
        ("modules/db/main.tf", module),
    ]);
    assert_eq!(errors, vec![]);
    let x = tf.find("aws_db_instance.x").unwrap();
    assert_eq!(&*x.dir, "modules/db");
    assert_eq!(
        x.value("backup_retention_period"),
        Some(&TfValue::Number(1.0))
    );
    assert_eq!(
        x.value("identifier").and_then(TfValue::unknown_reason),
        Some("local.name is not defined in this directory")
    );
    assert_eq!(
        tf.variable("modules/db", "backup_days").map(|v| v.loc.line),
        Some(1)
    );
}

#[test]
fn expressions_that_are_not_literal_stay_unknown_or_references() {
    let src = r#"variable "subnets" {
  default = [{ id = "a" }, { id = "b" }]
}

variable "n" {}

locals {
  ids = var.subnets[*].id
}

resource "aws_ecs_service" "app" {
  desired_count = var.n
  cond          = var.n > 2 ? 3 : 2
  tpl           = templatefile("defs.json", {})
  sum           = 2 * 3 + 1
  neg           = -4
  str           = tostring(5)
  forx          = [for s in aws_subnet.private : s.id]
  each_name     = each.value.name
  first         = local.ids[0]
  bad_index     = local.ids[var.n]

  network_configuration {
    subnets = local.ids
  }

  dynamic "ingress" {
    for_each = var.rules
    content {
      cidr_blocks = ingress.value.cidrs
    }
  }
}
"#;
    let (tf, errors) = load(&[("svc/main.tf", src)]);
    assert_eq!(errors, vec![]);
    let svc = tf.find("aws_ecs_service.app").unwrap();
    let v = |k: &str| svc.value(k).unwrap();
    assert_eq!(v("desired_count"), &TfValue::Ref("var.n".into()));
    assert_eq!(
        v("cond").unknown_reason(),
        Some("a conditional expression is not evaluated")
    );
    assert_eq!(
        v("tpl").unknown_reason(),
        Some("function `templatefile` is not evaluated")
    );
    assert_eq!(v("sum"), &TfValue::Number(7.0));
    assert_eq!(v("neg"), &TfValue::Number(-4.0));
    assert_eq!(v("str"), &s("5"));
    assert_eq!(
        v("forx").unknown_reason(),
        Some("a `for` expression is not evaluated")
    );
    assert_eq!(v("each_name"), &TfValue::Ref("each.value.name".into()));
    assert_eq!(v("first"), &s("a"));
    assert!(!v("bad_index").is_known());
    assert_eq!(
        svc.body.get_path(&["network_configuration", "subnets"]),
        Some(&TfValue::List(vec![s("a"), s("b")]))
    );
    // The for variable `s` and the dynamic iterator `ingress` are not references.
    assert_eq!(
        svc.attr("forx").unwrap().refs(),
        ["aws_subnet.private".to_string()]
    );
    assert_eq!(svc.references(), ["aws_subnet.private".to_string()]);
    let dynamic = svc.body.dynamic("ingress").next().unwrap();
    let cidrs = dynamic.body.get_path(&["content", "cidr_blocks"]).unwrap();
    assert_eq!(
        cidrs.unknown_reason(),
        Some("iteration variable `ingress.value.cidrs`")
    );
}

#[test]
fn rule_resources_and_vpc_rules_are_normalized() {
    let src = r#"resource "aws_security_group" "app" {
  name = "app"
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}

resource "aws_security_group_rule" "egress" {
  type              = "egress"
  security_group_id = aws_security_group.app.id
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = var.office
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}

resource "aws_ecs_service" "app" {
  network_configuration {
    security_groups = [aws_security_group.app.id]
  }
}
"#;
    let (tf, errors) = load(&[("net.tf", src)]);
    assert_eq!(errors, vec![]);
    let rules = tf.security_group_ingress();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].kind, IngressKind::SecurityGroupRule);
    assert_eq!(
        rules[0].security_group.as_deref(),
        Some("aws_security_group.app")
    );
    assert_eq!(at(&rules[0].loc), ("net.tf", 5, 1));
    assert_eq!(at(&rules[0].cidr_loc), ("net.tf", 11, 23));
    assert!(rules[0].open_to_world());
    assert_eq!(rules[0].attached_to, ["aws_ecs_service.app"]);
    assert!(!rules[0].on_load_balancer);
    assert_eq!(rules[1].kind, IngressKind::VpcIngressRule);
    assert_eq!(rules[1].protocol, Some(s("tcp")));
    assert!(rules[1].cidr_ipv4.has_unknown);
    assert!(!rules[1].open_to_world());
}

#[test]
fn a_parse_error_is_located_where_the_parser_stopped() {
    let src = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acl = \n}\n";
    let (tf, errors) = load(&[("infra/s3.tf", src)]);
    assert!(tf.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(at(&errors[0].loc), ("infra/s3.tf", 3, 9));
    assert_eq!(errors[0].kind, FileKind::Terraform);
    assert!(
        errors[0]
            .message
            .starts_with("invalid HCL: invalid expression"),
        "{}",
        errors[0].message
    );
}

#[test]
fn malformed_blocks_and_json_are_reported_and_the_rest_is_kept() {
    let src = r#"resource "aws_sqs_queue" {
  name = "x"
}

resource "aws_iam_policy" "p" {
  policy = <<-EOT
    {
      "Statement": [],
    }
  EOT
}
"#;
    let (tf, errors) = load(&[("p.tf", src)]);
    let got: Vec<(u32, u32, &str)> = errors
        .iter()
        .map(|e| (e.loc.line, e.loc.column, e.message.as_str()))
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].0, got[0].1), (1, 1));
    assert_eq!(got[0].2, "a `resource` block needs 2 labels, found 1");
    assert_eq!((got[1].0, got[1].1), (9, 5));
    assert!(
        got[1]
            .2
            .starts_with("`policy` is not valid JSON: key must be a string"),
        "{}",
        got[1].2
    );
    assert_eq!(tf.resources.len(), 1);
    assert!(tf.iam_statements().is_empty());
    let unread = tf.iam_unread_policies();
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].owner, "aws_iam_policy.p");
    assert_eq!(unread[0].reason, "the policy is not valid JSON");
    assert_eq!(at(&unread[0].loc), ("p.tf", 6, 12));
}

#[test]
fn heredoc_policies_keep_partly_known_strings_unknown() {
    let src = r#"variable "bucket" {}

resource "aws_iam_user_policy" "ci" {
  user     = "ci"
  provider = aws.west
  policy   = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:*"],
      "Resource": "arn:aws:s3:::${var.bucket}/*",
      "Condition": {"Bool": {"aws:SecureTransport": "true"}}
    }
  ]
}
EOT
}

resource "aws_iam_role_policy" "file" {
  role   = "r"
  policy = file("${path.module}/policy.json")
}
"#;
    let (tf, errors) = load(&[("iam/main.tf", src)]);
    assert_eq!(errors, vec![]);
    let st = tf.iam_statements();
    assert_eq!(st.len(), 1);
    assert_eq!(st[0].owner, "aws_iam_user_policy.ci");
    assert_eq!(st[0].effect, IamEffect::Allow);
    assert_eq!(st[0].actions.known, ["s3:*"]);
    assert!(st[0].resources.known.is_empty());
    assert!(st[0].resources.has_unknown);
    assert!(st[0].has_condition);
    // A JSON string has no located parts: the statement is at the policy value.
    assert_eq!(at(&st[0].loc), ("iam/main.tf", 6, 14));
    let unread = tf.iam_unread_policies();
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].owner, "aws_iam_role_policy.file");
    assert_eq!(unread[0].reason, "function `file` is not evaluated");
    // `provider = aws.west` names a provider, not a resource.
    assert!(
        tf.find("aws_iam_user_policy.ci")
            .unwrap()
            .references()
            .is_empty()
    );
    assert!(
        tf.iam_statements()
            .iter()
            .all(|s| s.owner != "aws_iam_policy.app")
    );
}

#[test]
fn locals_that_double_are_cut_off_before_memory_runs_out() {
    use std::fmt::Write as _;
    let mut src = String::from("locals {\n");
    for i in 0..60 {
        let _ = writeln!(src, "  d{i} = [local.d{n}, local.d{n}]", n = i + 1);
    }
    src.push_str("  d60 = \"x\"\n}\n");
    let (tf, errors) = load(&[("double.tf", &src)]);
    assert_eq!(errors, vec![]);
    let d0 = &tf.locals[0].attr.value;
    assert!(!d0.is_fully_known());
    let mut first = d0;
    while let Some([a, _]) = first.as_list() {
        first = a;
    }
    assert!(
        first
            .unknown_reason()
            .is_some_and(|r| r.ends_with("is too large to evaluate")),
        "{first:?}"
    );
}

#[test]
fn deeply_nested_locals_do_not_exhaust_the_stack() {
    use std::fmt::Write as _;
    // 64 nesting levels per local (the parser's limit is 64), 80 locals chained.
    let mut src = String::from("locals {\n");
    for i in 0..80 {
        let _ = writeln!(
            src,
            "  l{i} = {}local.l{}{}",
            "[".repeat(60),
            i + 1,
            "]".repeat(60)
        );
    }
    src.push_str("  l80 = 1\n}\nresource \"a_b\" \"c\" {\n  v = local.l0\n}\n");
    let (tf, errors) = load(&[("deep.tf", &src)]);
    assert_eq!(errors, vec![]);
    let v = tf.find("a_b.c").unwrap().value("v").unwrap();
    let mut depth = 0;
    let mut cur = v;
    while let Some([inner]) = cur.as_list() {
        depth += 1;
        cur = inner;
    }
    // The chain is cut (unknown) before the stack is at risk.
    assert_eq!(
        cur.unknown_reason(),
        Some("expressions and locals nested too deeply")
    );
    assert!(depth > 100, "{depth}");
}

#[test]
fn a_byte_order_mark_does_not_shift_locations() {
    let (tf, errors) = load(&[(
        "bom.tf",
        "\u{feff}resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    )]);
    assert_eq!(errors, vec![]);
    let q = tf.find("aws_sqs_queue.q").unwrap();
    assert_eq!(at(&q.attr("name").unwrap().loc), ("bom.tf", 2, 10));
    let (_, errors) = load(&[("bom.tf", "\u{feff}x = \n")]);
    assert_eq!(at(&errors[0].loc), ("bom.tf", 1, 6));
}

#[test]
fn values_convert_as_terraform_does() {
    assert_eq!(s("true").as_bool(), Some(true));
    assert_eq!(s(" 30 ").as_f64(), Some(30.0));
    assert_eq!(s("x").as_f64(), None);
    assert_eq!(TfValue::Number(1.5).as_i64(), None);
    assert_eq!(
        address_of("module.db.endpoint").as_deref(),
        Some("module.db")
    );
    assert_eq!(
        address_of("aws_subnet.a[0].id").as_deref(),
        Some("aws_subnet.a")
    );
    assert_eq!(address_of("var.x"), None);
    let json = s(r#"{"Statement": {"Action": ["a", 1]}}"#);
    let parsed = json.as_json_like().unwrap();
    let set = parsed.at(&["Statement", "Action"]).unwrap().to_str_set();
    assert_eq!(set.known, ["a"]);
    assert!(set.has_unknown);
    assert!(s("not json").as_json_like().is_none());
    assert_eq!(TfValue::Ref("a.b.c".into()).to_string(), "a.b.c");
}

/// Single-character edits that stress the HCL grammar.
const EDIT_CHARS: &[char] = &[
    '{', '}', '[', ']', '(', ')', '"', '=', '$', '%', '<', '\n', '#', '\\', ',', '.', 'é', '*', ' ',
];

fn check_errors(text: &str, errors: &[EvidenceError]) {
    let lines = u32::try_from(text.split('\n').count()).unwrap();
    for e in errors {
        assert_eq!(&*e.loc.path, "t/x.tf");
        assert!(
            e.loc.line >= 1 && e.loc.line <= lines,
            "{e} in {lines} lines"
        );
        assert!(e.loc.column >= 1);
        assert!(e.loc.end <= text.len());
    }
}

/// Terraform-ish tokens: random sequences reach the evaluator far more often than random text.
const TOKENS: &[&str] = &[
    "resource",
    "locals",
    "variable",
    "data",
    "\"aws_sqs_queue\"",
    "\"q\"",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    "\n",
    ",",
    "a",
    "b",
    "local.a",
    "local.b",
    "var.x",
    "aws_sqs_queue.q.arn",
    "\"${local.a}\"",
    "\"{\\\"k\\\": \\\"${var.x}\\\"}\"",
    "jsonencode(",
    "tolist(",
    "1",
    "true",
    "null",
    "-",
    "*",
    "?",
    ":",
    "for",
    "in",
    "default",
    "policy",
    "container_definitions",
    "[*]",
    ".id",
    "dynamic",
    "content",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..80)) {
        let text = tokens.join(" ");
        let mut errors = Vec::new();
        let parsed = parse(&Source::new("t/x.tf", text.as_str()), &mut errors);
        check_errors(&text, &errors);
        let tf = assemble(parsed.into_iter().collect());
        let _ = (tf.ecs_containers().count(), tf.iam_statements().len());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let mut errors = Vec::new();
        let parsed = parse(&Source::new("t/x.tf", text.as_str()), &mut errors);
        check_errors(&text, &errors);
        let _ = assemble(parsed.into_iter().collect());
    }

    #[test]
    fn mutated_terraform_never_panics(
        edits in proptest::collection::vec((0usize..6000, 0usize..EDIT_CHARS.len(), any::<bool>()), 1..4)
    ) {
        let mut text = MAIN_TF.to_string();
        for (pos, ch, insert) in edits {
            let mut p = pos % (text.len() + 1);
            while !text.is_char_boundary(p) {
                p -= 1;
            }
            if insert || p == text.len() {
                text.insert(p, EDIT_CHARS[ch]);
            } else {
                text.remove(p);
            }
        }
        let mut errors = Vec::new();
        let vars = parse(&Source::new("t/variables.tf", VARIABLES_TF), &mut errors);
        let main = parse(&Source::new("t/x.tf", text.as_str()), &mut errors);
        check_errors(&text, &errors);
        let tf = assemble(vars.into_iter().chain(main).collect());
        let _ = (tf.ecs_containers().count(), tf.iam_statements().len(), tf.security_group_ingress().len());
    }
}

#[test]
fn nested_paths_attribute_syntax_and_referrers() {
    let src = "resource \"aws_s3_bucket\" \"b\" {\r\n  bucket = \"b\"\r\n}\r\n\r\nresource \"aws_s3_bucket_server_side_encryption_configuration\" \"b\" {\r\n  bucket = aws_s3_bucket.b.id\r\n  rule {\r\n    apply_server_side_encryption_by_default {\r\n      sse_algorithm = \"aws:kms\"\r\n    }\r\n  }\r\n  rule {\r\n    bucket_key_enabled = true\r\n  }\r\n}\r\n\r\nresource \"aws_security_group\" \"legacy\" {\r\n  ingress = [{ from_port = 22, to_port = 22, protocol = \"tcp\", cidr_blocks = [\"10.0.0.0/8\", \"0.0.0.0/0\"] }]\r\n}\r\n";
    let (tf, errors) = load(&[("s3.tf", src)]);
    assert_eq!(errors, vec![]);
    let sse = tf
        .find("aws_s3_bucket_server_side_encryption_configuration.b")
        .unwrap();
    let hit = sse
        .body
        .find_path(&[
            "rule",
            "apply_server_side_encryption_by_default",
            "sse_algorithm",
        ])
        .unwrap();
    assert_eq!(hit.value, &s("aws:kms"));
    assert_eq!(at(&hit.loc), ("s3.tf", 9, 23));
    assert_eq!(hit.attr.name, "sse_algorithm");
    let keys = sse.body.find_path_all(&["rule", "bucket_key_enabled"]);
    assert_eq!(keys.len(), 1);
    assert_eq!(at(&keys[0].loc), ("s3.tf", 13, 26));
    let bucket = tf.find("aws_s3_bucket.b").unwrap();
    let referrers: Vec<String> = tf.referrers(bucket).map(Resource::address).collect();
    assert_eq!(
        referrers,
        ["aws_s3_bucket_server_side_encryption_configuration.b"]
    );
    assert_eq!(
        tf.resolve(sse, "aws_s3_bucket.b").map(|r| r.loc.line),
        Some(1)
    );

    let legacy = tf.find("aws_security_group.legacy").unwrap();
    let cidrs = legacy.body.find_path_all(&["ingress", "cidr_blocks", "1"]);
    assert_eq!(cidrs.len(), 1);
    assert_eq!(cidrs[0].value, &s("0.0.0.0/0"));
    assert_eq!(at(&cidrs[0].loc), ("s3.tf", 18, 93));
    let rules = tf.security_group_ingress();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].cidr_ipv4.known, ["10.0.0.0/8", "0.0.0.0/0"]);
    assert!(rules[0].open_to_world());
    assert!(rules[0].attached_to.is_empty());
    assert_eq!(at(&rules[0].loc), ("s3.tf", 18, 14));
    assert_eq!(at(&rules[0].cidr_loc), ("s3.tf", 18, 78));
}
