"""Language understanding: normalisation and the intent matcher."""
