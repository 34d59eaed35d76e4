"""What escalation's routes need, built once per backend app and kept on `app.state`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from backend.core.lockouts import Lockout, LockPolicy
from backend.core.ratelimit import RateLimiter
from escalation.agents.passwords import Passwords
from escalation.config import EscalationSettings
from escalation.models import AgentSigninThrottle
from escalation.tickets.notifier import OutboxNotifier, TicketNotifier
from escalation.tickets.office import OfficeCalendar


@dataclass
class Escalation:
    """Settings, calendar, clock, notifier and password hasher of one app."""

    settings: EscalationSettings
    clock: Callable[[], datetime]
    production: bool = False
    secure_cookies: bool = False
    notifier: TicketNotifier = field(default_factory=OutboxNotifier)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    calendar: OfficeCalendar = field(init=False)
    passwords: Passwords = field(init=False)
    lockout: Lockout[AgentSigninThrottle] = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = OfficeCalendar(self.settings)
        self.passwords = Passwords(self.settings)
        self.lockout = Lockout(AgentSigninThrottle, LockPolicy(self.settings.signin_max_failures,
                                                            self.settings.signin_lockout))


async def get_escalation(request: Request) -> Escalation:
    """Return the app's escalation runtime."""
    runtime: Escalation = request.app.state.escalation
    return runtime


EscalationDep = Annotated[Escalation, Depends(get_escalation)]
