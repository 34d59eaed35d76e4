"""Background work that reaches citizens later: backend events and reports filed after an outage."""
