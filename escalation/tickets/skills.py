"""Who may see, take and be given which ticket: language, queue and role skills."""

from __future__ import annotations

from backend.core.domain import Language
from escalation.domain import HANDLING_ROLES, AgentRole, Queue
from escalation.models import Agent, Ticket


def skilled(agent: Agent, queue: Queue, language: Language) -> bool:
    """Tell whether an agent can handle a queue in a language.

    Every handler must read the conversation's language (a Swahili conversation goes only to
    agents who read Swahili). Agents and security officers need the queue among their
    categories, and the security queue is for security officers only. Supervisors may take
    any queue in a language they read.
    """
    if not agent.active or language.value not in agent.language_set:
        return False
    if agent.role is AgentRole.SUPERVISOR:
        return True
    if agent.role not in HANDLING_ROLES or queue.value not in agent.queue_set:
        return False
    return queue is not Queue.SECURITY or agent.role is AgentRole.SECURITY_OFFICER


def can_view(agent: Agent, ticket: Ticket) -> bool:
    """Tell whether an agent may open a ticket in the console."""
    if not agent.active or agent.role is AgentRole.EDITOR:
        return False
    if agent.role is AgentRole.SUPERVISOR or ticket.agent_id == agent.id:
        return True
    return skilled(agent, ticket.queue, ticket.language)


def is_supervisor(agent: Agent) -> bool:
    """Tell whether the agent has the supervisor role."""
    return agent.role is AgentRole.SUPERVISOR
