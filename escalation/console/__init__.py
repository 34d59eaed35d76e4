"""The agent console's page, script and stylesheet (package data, no Python)."""
