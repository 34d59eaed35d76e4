"""Pydantic models of the HTTP API (requests `...In`, responses `...Out`)."""
