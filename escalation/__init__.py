"""Human escalation: tickets, agents and the agent console."""
