"""People-facing output: text, JSON, SARIF and HTML reports."""
