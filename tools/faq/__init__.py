"""Tools for content editors: lint, regression test, explain, gap report."""
