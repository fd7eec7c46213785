"""byoc-iam: render, lint, apply and verify the IAM role for Zilliz Cloud BYOC on AWS EKS."""

__version__ = "0.1.0"
