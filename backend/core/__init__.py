"""The backend's declared kernel: what escalation (mounted on the backend) shares with it.

Database plumbing and column types, settings of the deployment, problem details, request
dependencies (session, service key, citizen token, Idempotency-Key), idempotent requests,
the event outbox, the audit log, numbered series, one lockout mechanism, rate limits, and the
citizen identity (citizens, their tokens, languages, scopes). Escalation imports nothing else
of `backend`, and the kernel imports nothing of `backend` outside itself and nothing of
escalation (tests/test_architecture.py enforces both).
"""
