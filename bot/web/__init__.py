"""The assistant as a web process: ASGI factory, probes, metrics and request ids."""
