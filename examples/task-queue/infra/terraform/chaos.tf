# Failure injection: stop a third of the worker tasks while they hold messages, and check that
# the messages reappear after the visibility timeout and finish on the surviving workers (seed
# 002: "Failure injection tested; worker crash recovery verified"). Run monthly in staging and
# before each launch review; the last run is `claims.failure_injection.last_tested`.
resource "aws_fis_experiment_template" "worker_crash" {
  description = "Stop 30% of the worker tasks; the queue must drain without losing a task"
  role_arn    = "arn:aws:iam::123456789012:role/task-queue-fis"

  stop_condition {
    source = "aws:cloudwatch:alarm"
    value  = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:task-queue-dlq-not-empty"
  }

  action {
    name      = "stop-worker-tasks"
    action_id = "aws:ecs:stop-task"

    target {
      key   = "Tasks"
      value = "worker-tasks"
    }
  }

  target {
    name           = "worker-tasks"
    resource_type  = "aws:ecs:task"
    selection_mode = "PERCENT(30)"

    parameters = {
      cluster = local.name
      service = aws_ecs_service.worker.name
    }
  }
}
