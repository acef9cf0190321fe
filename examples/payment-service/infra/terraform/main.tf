locals {
  name = "payment-service-${var.environment}"
}

resource "aws_kms_key" "payments" {
  description         = "Payments data at rest"
  enable_key_rotation = true
}

resource "aws_db_instance" "payments" {
  identifier                   = local.name
  engine                       = "postgres"
  engine_version               = "16.4"
  instance_class               = "db.r6g.large"
  allocated_storage            = 200
  storage_encrypted            = true
  kms_key_id                   = aws_kms_key.payments.arn
  multi_az                     = true
  backup_retention_period      = var.backup_retention_days
  deletion_protection          = true
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${local.name}-final"
  performance_insights_enabled = true
  manage_master_user_password  = true

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_sqs_queue" "ledger_events_dlq" {
  name                      = "ledger-events-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.payments.arn
}

resource "aws_sqs_queue" "ledger_events" {
  name              = "ledger-events"
  kms_master_key_id = aws_kms_key.payments.arn
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.ledger_events_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_cloudwatch_log_group" "payment_api" {
  name              = "/payments/payment-api"
  retention_in_days = 90
  kms_key_id        = aws_kms_key.payments.arn
}

resource "aws_ecr_repository" "payment_api" {
  name                 = "payments/payment-api"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_secretsmanager_secret" "card_processor" {
  name       = "payments/card-processor-api-key"
  kms_key_id = aws_kms_key.payments.arn
}

resource "aws_secretsmanager_secret_rotation" "card_processor" {
  secret_id           = aws_secretsmanager_secret.card_processor.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate-card-processor-key"

  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_flow_log" "payments_vpc" {
  vpc_id          = "vpc-0a1b2c3d4e5f60718"
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.payment_api.arn
}

data "aws_iam_policy_document" "payment_api" {
  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.card_processor.arn]
  }

  statement {
    sid       = "PublishLedgerEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.ledger_events.arn]
  }
}

# Every Monday AWS Backup restores the latest snapshot of the payments database into a scratch
# instance and checks that it starts: the restore drill runs on its own (DAT-003).
resource "aws_backup_restore_testing_plan" "payments_weekly" {
  name                = "payments_weekly"
  schedule_expression = "cron(0 1 ? * MON *)"

  recovery_point_selection {
    algorithm            = "LATEST_WITHIN_WINDOW"
    include_vaults       = ["*"]
    recovery_point_types = ["SNAPSHOT"]
  }
}

resource "aws_backup_restore_testing_selection" "payments_db" {
  name                      = "payments_db"
  restore_testing_plan_name = aws_backup_restore_testing_plan.payments_weekly.name
  protected_resource_type   = "RDS"
  protected_resource_arns   = [aws_db_instance.payments.arn]
}
