import pytest
from sqlalchemy import func, select

from backend.container import Container
from backend.core.problems import ProblemError
from backend.domain import ApplicationStatus, RequiredAction
from backend.models import Application, Event, StatusChange
from backend.services.applications import change_status
from tests.backend.helpers import make_application, make_citizen


def test_change_status_refuses_transition_outside_table(container: Container) -> None:
    application, _ = make_application(container, make_citizen(container))
    with container.session_factory() as session:
        row = session.get(Application, application.id)
        assert row is not None
        with pytest.raises(ProblemError) as caught:
            change_status(session=session, application=row, to=ApplicationStatus.COLLECTED,
                          note="x", now=container.clock())
        assert caught.value.kind == "invalid-transition"
        session.rollback()
        assert row.status is ApplicationStatus.PENDING_PAYMENT


def test_change_status_writes_history_and_event_together(container: Container) -> None:
    application, _ = make_application(container, make_citizen(container),
                                      status=ApplicationStatus.UNDER_REVIEW)
    with container.session_factory() as session:
        before = session.scalar(select(func.count()).select_from(Event))
        row = session.get(Application, application.id)
        assert row is not None
        change_status(session=session, application=row, to=ApplicationStatus.ACTION_REQUIRED,
                      note="Book biometrics.", now=container.clock(),
                      required_action=RequiredAction.BOOK_BIOMETRICS)
        session.rollback()  # nothing of it may survive a rollback
        assert session.scalar(select(func.count()).select_from(Event)) == before
        row = session.get(Application, application.id)
        assert row is not None
        change_status(session=session, application=row, to=ApplicationStatus.ACTION_REQUIRED,
                      note="Book biometrics.", now=container.clock(),
                      required_action=RequiredAction.BOOK_BIOMETRICS)
        session.commit()
        assert session.scalar(select(func.count()).select_from(Event)) == before + 1
        last = session.scalars(select(StatusChange).order_by(StatusChange.id.desc())).first()
        assert last is not None
        assert (last.from_status, last.to_status, last.note) == (
            ApplicationStatus.UNDER_REVIEW, ApplicationStatus.ACTION_REQUIRED, "Book biometrics.")
