"""Intent handlers: one module per intent, answering with data."""
