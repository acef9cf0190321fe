# The tasks on-call rotation and its escalation, as code.
resource "pagerduty_user" "rosa" {
  name  = "Rosa Lindqvist"
  email = "rosa@example.com"
}

resource "pagerduty_user" "kofi" {
  name  = "Kofi Mensah"
  email = "kofi@example.com"
}

resource "pagerduty_schedule" "tasks_primary" {
  name      = "tasks-primary"
  time_zone = "Europe/Stockholm"

  layer {
    name                         = "weekly"
    start                        = "2026-11-02T09:00:00Z"
    rotation_virtual_start       = "2026-11-02T09:00:00Z"
    rotation_turn_length_seconds = 604800
    users                        = [pagerduty_user.rosa.id, pagerduty_user.kofi.id]
  }
}

resource "pagerduty_escalation_policy" "tasks" {
  name      = "task-queue"
  num_loops = 2

  rule {
    escalation_delay_in_minutes = 15
    target {
      type = "schedule_reference"
      id   = pagerduty_schedule.tasks_primary.id
    }
  }

  rule {
    escalation_delay_in_minutes = 30
    target {
      type = "user_reference"
      id   = pagerduty_user.kofi.id
    }
  }
}

resource "pagerduty_service" "task_queue" {
  name              = "task-queue"
  escalation_policy = pagerduty_escalation_policy.tasks.id
}
