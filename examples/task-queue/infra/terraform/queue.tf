# Tasks wait in SQS; after five failed receives a message moves to the dead-letter queue,
# where the dlq-processor worker inspects it and replays or parks it.
resource "aws_kms_key" "tasks" {
  description         = "task-queue data at rest"
  enable_key_rotation = true
}

resource "aws_sqs_queue" "tasks_dlq" {
  name                      = "task-queue-tasks-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.tasks.arn
}

resource "aws_sqs_queue" "tasks" {
  name                       = "task-queue-tasks"
  visibility_timeout_seconds = 120
  kms_master_key_id          = aws_kms_key.tasks.arn
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.tasks_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_dynamodb_table" "tasks" {
  name                        = "task-queue-tasks"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "task_id"
  deletion_protection_enabled = true

  attribute {
    name = "task_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.tasks.arn
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_backup_plan" "tasks" {
  name = "task-queue-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = "platform-backups"
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "tasks" {
  name         = "task-queue-tables"
  plan_id      = aws_backup_plan.tasks.id
  iam_role_arn = "arn:aws:iam::123456789012:role/platform-backup"
  resources    = [aws_dynamodb_table.tasks.arn]
}
