# The payments on-call rotation and its escalation, as code.
resource "pagerduty_user" "alice" {
  name  = "Alice Moreau"
  email = "alice@example.com"
}

resource "pagerduty_user" "dev" {
  name  = "Dev Patel"
  email = "dev@example.com"
}

resource "pagerduty_schedule" "payments_primary" {
  name      = "payments-primary"
  time_zone = "Europe/London"

  layer {
    name                         = "weekly"
    start                        = "2026-11-02T09:00:00Z"
    rotation_virtual_start       = "2026-11-02T09:00:00Z"
    rotation_turn_length_seconds = 604800
    users                        = [pagerduty_user.alice.id, pagerduty_user.dev.id]
  }
}

resource "pagerduty_escalation_policy" "payments" {
  name      = "payments"
  num_loops = 2

  rule {
    escalation_delay_in_minutes = 10
    target {
      type = "schedule_reference"
      id   = pagerduty_schedule.payments_primary.id
    }
  }

  rule {
    escalation_delay_in_minutes = 20
    target {
      type = "user_reference"
      id   = pagerduty_user.dev.id
    }
  }
}
