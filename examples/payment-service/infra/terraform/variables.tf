variable "environment" {
  type    = string
  default = "prod"
}

variable "backup_retention_days" {
  description = "Days of automated RDS backups (policy minimum: 30)."
  type        = number
  default     = 35
}
