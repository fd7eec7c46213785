"""The edge that talks to AWS (boto3 only)."""
