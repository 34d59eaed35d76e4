import pytest

from backend.domain import (
    APPLICATION_TRANSITIONS,
    REPORT_TRANSITIONS,
    SEVERITY_BY_CATEGORY,
    ApplicationStatus,
    ReportCategory,
    ReportStatus,
    Severity,
    can_transition,
)

S = ApplicationStatus


def test_transitions_every_status_has_an_entry() -> None:
    assert set(APPLICATION_TRANSITIONS) == set(ApplicationStatus)
    assert set(REPORT_TRANSITIONS) == set(ReportStatus)


def test_transitions_every_status_is_reachable_from_draft() -> None:
    seen, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for nxt in APPLICATION_TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(ApplicationStatus)


@pytest.mark.parametrize("final", [S.REJECTED, S.COLLECTED])
def test_transitions_final_statuses_allow_nothing(final: ApplicationStatus) -> None:
    assert APPLICATION_TRANSITIONS[final] == frozenset()


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.DRAFT, S.PENDING_PAYMENT, True),
        (S.PENDING_PAYMENT, S.SUBMITTED, True),
        (S.UNDER_REVIEW, S.ACTION_REQUIRED, True),
        (S.ACTION_REQUIRED, S.UNDER_REVIEW, True),
        (S.APPROVED, S.READY_FOR_COLLECTION, True),
        (S.READY_FOR_COLLECTION, S.COLLECTED, True),
        (S.DRAFT, S.APPROVED, False),
        (S.PENDING_PAYMENT, S.UNDER_REVIEW, False),
        (S.COLLECTED, S.DRAFT, False),
        (S.REJECTED, S.UNDER_REVIEW, False),
    ],
)
def test_can_transition_follows_table(current: S, target: S, allowed: bool) -> None:
    assert can_transition(current, target) is allowed


def test_severity_takeover_and_unauthorised_payment_are_high() -> None:
    assert SEVERITY_BY_CATEGORY[ReportCategory.ACCOUNT_TAKEOVER] is Severity.HIGH
    assert SEVERITY_BY_CATEGORY[ReportCategory.UNAUTHORISED_PAYMENT] is Severity.HIGH
    assert set(SEVERITY_BY_CATEGORY) == set(ReportCategory)


def test_report_lifecycle_moves_only_along_the_table() -> None:
    from datetime import UTC, datetime

    from backend.core.problems import ProblemError
    from backend.models import SecurityReport
    from backend.services.security_reports import change_report_status

    report = SecurityReport(status=ReportStatus.RECEIVED)
    now = datetime.now(UTC)
    for step in (ReportStatus.TRIAGED, ReportStatus.INVESTIGATING, ReportStatus.RESOLVED,
                 ReportStatus.CLOSED):
        change_report_status(report=report, to=step, now=now)
    assert report.status is ReportStatus.CLOSED
    with pytest.raises(ProblemError) as caught:
        change_report_status(report=report, to=ReportStatus.INVESTIGATING, now=now)
    assert caught.value.kind == "invalid-transition"
