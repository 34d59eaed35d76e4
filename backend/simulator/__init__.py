"""Development stand-ins for outside systems (Daraja); never mounted in production."""
