# Publishes the two layers built by `tools/build-layer.sh all` and shows how a function attaches one.
#   tools/build-layer.sh all
#   cd deploy/terraform && terraform init && terraform apply -var loki_push_url=https://logs.example.com

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

variable "loki_push_url" {
  type        = string
  description = "Loki base URL, e.g. https://logs.example.com (/loki/api/v1/push is appended)"
}

variable "loki_auth_token" {
  type        = string
  default     = ""
  sensitive   = true
  description = "sent as 'Authorization: Bearer <token>'; empty for none"
}

variable "archive_bucket" {
  type        = string
  default     = ""
  description = "an S3 bucket for the archive of what Loki cannot take (LOKI_ARCHIVE_S3); empty for none"
}

variable "archive_prefix" {
  type        = string
  default     = "lambda"
  description = "the key prefix of the archive's objects in that bucket"
}

variable "loki_token_secret_arn" {
  type        = string
  default     = ""
  description = "the ARN of a Secrets Manager secret or SSM parameter holding the Loki token (instead of loki_auth_token); empty for none"
}

variable "loki_token_secret_key" {
  type        = string
  default     = ""
  description = "with a JSON secret, the key of the token's field; empty for a secret that is the token"
}

variable "loki_token_kms_key_arn" {
  type        = string
  default     = ""
  description = "the customer-managed KMS key the secret is encrypted with; empty for AWS's own key (then no kms:Decrypt is needed)"
}

locals {
  layer_dir = "${path.module}/../../artifacts/layer"
  # What LOKI_AUTH_TOKEN is set to: the secret's reference (with its JSON key) or the token itself.
  loki_auth_token = var.loki_token_secret_arn == "" ? var.loki_auth_token : (
    var.loki_token_secret_key == "" ? var.loki_token_secret_arn : "${var.loki_token_secret_arn}:${var.loki_token_secret_key}")
  secret_in_ssm = var.loki_token_secret_arn != "" && split(":", var.loki_token_secret_arn)[2] == "ssm"
}

# What the archive needs: s3:PutObject on its prefix, nothing else (the replay, run elsewhere, needs s3:ListBucket and
# s3:GetObject). Attach it to the role of each function that sets LOKI_ARCHIVE_S3.
data "aws_partition" "current" {}

resource "aws_iam_policy" "loki_archive" {
  count       = var.archive_bucket == "" ? 0 : 1
  name        = "loki-lambda-extension-archive"
  description = "lets loki-lambda-extension write its S3 archive (LOKI_ARCHIVE_S3)"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket}/${var.archive_prefix}/*"
    }]
  })
}

# What reading the token from AWS needs, only when a secret is configured: GetSecretValue on that secret, or
# GetParameter on that parameter, and kms:Decrypt on its key only when it is a customer-managed one.
resource "aws_iam_policy" "loki_secret" {
  count       = var.loki_token_secret_arn == "" ? 0 : 1
  name        = "loki-lambda-extension-secret"
  description = "lets loki-lambda-extension read the Loki token (LOKI_AUTH_TOKEN as a reference)"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Effect   = "Allow"
      Action   = local.secret_in_ssm ? "ssm:GetParameter" : "secretsmanager:GetSecretValue"
      Resource = var.loki_token_secret_arn
      }], var.loki_token_kms_key_arn == "" ? [] : [{
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = var.loki_token_kms_key_arn
    }])
  })
}

# One layer per architecture: a layer's binary must match the function's.
resource "aws_lambda_layer_version" "loki" {
  for_each                 = { x86_64 = "x86_64", arm64 = "arm64 / Graviton" }
  layer_name               = "loki-lambda-extension-${each.key}"
  description              = "Ships Lambda logs and platform events to Grafana Loki (${each.value})"
  filename                 = "${local.layer_dir}/loki-lambda-extension-${each.key}.zip"
  source_code_hash         = filebase64sha256("${local.layer_dir}/loki-lambda-extension-${each.key}.zip")
  compatible_architectures = [each.key]
}

output "layer_arn_x86_64" { value = aws_lambda_layer_version.loki["x86_64"].arn }
output "layer_arn_arm64" { value = aws_lambda_layer_version.loki["arm64"].arn }
output "archive_policy_arn" { value = one(aws_iam_policy.loki_archive[*].arn) }
output "secret_policy_arn" { value = one(aws_iam_policy.loki_secret[*].arn) }

# Attaching it to a function of yours (the layer must match the function's architecture):
#
# resource "aws_lambda_function" "orders_api" {
#   function_name = "orders-api"
#   architectures = ["arm64"]
#   layers        = [aws_lambda_layer_version.loki["arm64"].arn]
#   # runtime, handler, role, filename ... as you have them
#   environment {
#     variables = {
#       LOKI_PUSH_URL   = var.loki_push_url
#       LOKI_AUTH_TOKEN = local.loki_auth_token # the token, or the secret's reference
#       LOKI_LABELS     = "env=prod,team=payments"
#       LOKI_ARCHIVE_S3 = "s3://${var.archive_bucket}/${var.archive_prefix}" # with the archive
#     }
#   }
# }
#
# resource "aws_iam_role_policy_attachment" "orders_api_archive" {
#   role       = aws_iam_role.orders_api.name
#   policy_arn = aws_iam_policy.loki_archive[0].arn
# }
#
# resource "aws_iam_role_policy_attachment" "orders_api_secret" { # with the token in AWS
#   role       = aws_iam_role.orders_api.name
#   policy_arn = aws_iam_policy.loki_secret[0].arn
# }
