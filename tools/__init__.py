"""Tools for editors and evaluators, outside the assistant's runtime package."""
