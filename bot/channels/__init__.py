"""Channel adapters: the only code that knows a channel's payloads."""
