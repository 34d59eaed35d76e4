"""Database adapters for the assistant's own state (sessions, message log)."""
