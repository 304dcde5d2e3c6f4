"""The run report: a model built from a Summary (model.py, hints.py) and one renderer per
output format (markdown_report.py, html_report.py), all pure; evalctl report does the I/O."""
