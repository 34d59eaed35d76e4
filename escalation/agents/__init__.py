"""Console users: Argon2 passwords, sign-in with lockout, sessions and CSRF tokens."""
