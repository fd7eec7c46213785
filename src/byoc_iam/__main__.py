"""`python -m byoc_iam` runs the CLI."""

from byoc_iam.cli import main

main()
