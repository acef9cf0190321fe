locals {
  name     = "task-queue-${var.environment}"
  registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
}

resource "aws_ecs_cluster" "tasks" {
  name = local.name
}

resource "aws_ecr_repository" "api" {
  name                 = "task-queue/api"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_repository" "worker" {
  name                 = "task-queue/worker"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_secretsmanager_secret" "signing_key" {
  name       = "task-queue/callback-signing-key"
  kms_key_id = aws_kms_key.tasks.arn
}

resource "aws_secretsmanager_secret_rotation" "signing_key" {
  secret_id           = aws_secretsmanager_secret.signing_key.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate-signing-key"

  rotation_rules {
    automatically_after_days = 60
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/task-queue/api"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.tasks.arn
}

resource "aws_cloudwatch_log_group" "worker" {
  name              = "/task-queue/worker"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.tasks.arn
}

resource "aws_iam_role_policy" "worker" {
  name = "task-queue-worker"
  role = "task-queue-worker"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
        Resource = [aws_sqs_queue.tasks.arn, aws_sqs_queue.tasks_dlq.arn]
      },
      {
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        Resource = aws_dynamodb_table.tasks.arn
      }
    ]
  })
}

resource "aws_ecs_task_definition" "api" {
  family                   = "task-queue-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {
      name                   = "api"
      image                  = "${local.registry}/task-queue/api:${var.image_tag}"
      essential              = true
      user                   = "10001"
      readonlyRootFilesystem = true
      privileged             = false
      portMappings           = [{ containerPort = 8080 }, { containerPort = 9090 }]
      linuxParameters        = { capabilities = { drop = ["ALL"] } }
      stopTimeout            = 30
      healthCheck = {
        command  = ["CMD", "/app/api", "healthcheck"]
        interval = 10
        retries  = 3
      }
      environment = [
        { name = "TASKS_QUEUE_URL", value = aws_sqs_queue.tasks.url },
        { name = "OTEL_EXPORTER_OTLP_ENDPOINT", value = "http://otel-collector.observability:4317" },
      ]
      secrets = [
        { name = "CALLBACK_SIGNING_KEY", valueFrom = aws_secretsmanager_secret.signing_key.arn },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options   = { "awslogs-group" = aws_cloudwatch_log_group.api.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "api" }
      }
    }
  ])
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "task-queue-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions = jsonencode([
    {
      name                   = "worker"
      image                  = "${local.registry}/task-queue/worker:${var.image_tag}"
      essential              = true
      user                   = "10001"
      readonlyRootFilesystem = true
      privileged             = false
      linuxParameters        = { capabilities = { drop = ["ALL"] } }
      # Workers finish the task in hand on SIGTERM; 110 s fits the 120 s visibility timeout.
      stopTimeout = 110
      healthCheck = {
        command  = ["CMD", "/app/worker", "healthcheck"]
        interval = 15
        retries  = 3
      }
      environment = [
        { name = "TASKS_QUEUE_URL", value = aws_sqs_queue.tasks.url },
        { name = "OTEL_EXPORTER_OTLP_ENDPOINT", value = "http://otel-collector.observability:4317" },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options   = { "awslogs-group" = aws_cloudwatch_log_group.worker.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "worker" }
      }
    }
  ])
}

resource "aws_ecs_service" "api" {
  name                 = "task-queue-api"
  cluster              = aws_ecs_cluster.tasks.id
  task_definition      = aws_ecs_task_definition.api.arn
  desired_count        = 3
  launch_type          = "FARGATE"
  force_new_deployment = true

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [aws_security_group.api.id]
  }
}

resource "aws_ecs_service" "worker" {
  name            = "task-queue-worker"
  cluster         = aws_ecs_cluster.tasks.id
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [aws_security_group.worker.id]
  }
}

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.tasks.name}/${aws_ecs_service.worker.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 3
  max_capacity       = 30
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.tasks.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 3
  max_capacity       = 12
}

resource "aws_appautoscaling_policy" "worker_backlog" {
  name               = "backlog-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value = 100
    customized_metric_specification {
      metric_name = "BacklogPerTask"
      namespace   = "TaskQueue"
      statistic   = "Average"
    }
  }
}

resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_security_group" "api" {
  name   = "task-queue-api"
  vpc_id = var.vpc_id

  ingress {
    description     = "HTTP and gRPC from the load balancer only"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = ["sg-0a1b2c3d4e5f60001"]
  }
}

resource "aws_security_group" "worker" {
  name   = "task-queue-worker"
  vpc_id = var.vpc_id
}

resource "aws_flow_log" "tasks_vpc" {
  vpc_id          = var.vpc_id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.api.arn
}
