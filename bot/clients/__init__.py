"""Adapters for the backend and escalation ports: over HTTP, or offline."""
