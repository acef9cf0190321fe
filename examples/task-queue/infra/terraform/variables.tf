variable "environment" {
  type    = string
  default = "production"
}

variable "image_tag" {
  description = "The release tag CI deploys (a git SHA)."
  type        = string
  default     = "2026.11.18-4f2c9e1"
}

variable "private_subnet_ids" {
  description = "Private subnets of the shared VPC, one per availability zone."
  type        = list(string)
  default     = ["subnet-0a11c0de0000000a1", "subnet-0b22c0de0000000b2"]
}

variable "vpc_id" {
  type    = string
  default = "vpc-0c0ffee000000c0de"
}
