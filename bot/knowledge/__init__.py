"""The knowledge base editors keep under `knowledge/`: loaded, checked and live."""
