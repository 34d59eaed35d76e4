"""Security reports: filed by the assistant, with or without a citizen token."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backend.api import presenters
from backend.api.deps import ContainerDep
from backend.core.deps import (
    OptionalCitizenDep,
    OptionalIdempotencyKeyDep,
    ReaderDep,
    ServiceAuthDep,
    SessionDep,
)
from backend.core.domain import Scope
from backend.core.idempotency import StoredResponse, fingerprint, run_once
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.crud import security_reports as crud
from backend.schemas.reports import SecurityReportIn, SecurityReportOut
from backend.services.identifiers import parse_chat_identity
from backend.services.security_reports import ReportInput, file_report

router = APIRouter(tags=["security reports"], responses=PROBLEM_RESPONSES)


@router.post(
    "/api/v1/security-reports", status_code=201, responses={201: {"model": SecurityReportOut}}
)
def create_report(
    body: SecurityReportIn,
    _service: ServiceAuthDep,
    ctx: OptionalCitizenDep,
    key: OptionalIdempotencyKeyDep,
    container: ContainerDep,
    session: SessionDep,
) -> JSONResponse:
    """File a report; an account takeover revokes the citizen's tokens and locks sign-in at once.

    Without a citizen token the report is anonymous. With an Idempotency-Key, a retried
    filing returns the first report instead of a second one.
    """
    if ctx is not None and Scope.REPORT not in ctx.token.scope_set:
        raise ProblemError(403, "insufficient-scope", "The token lacks citizen:report.")
    citizen = ctx.citizen if ctx else None
    channel = None
    if ctx is not None:
        parsed = parse_chat_identity(ctx.token.chat_identity)
        channel = parsed[0] if parsed else None

    def work() -> StoredResponse:
        report = file_report(
            session=session,
            data=ReportInput(
                category=body.category,
                description=body.description,
                occurred_at=body.occurred_at,
                occurred_text=body.occurred_text,
                transaction_reference=body.transaction_reference,
                contact_preference=body.contact_preference,
                anonymous=body.anonymous or citizen is None,
                chat_channel=channel,
            ),
            citizen=citizen,
            now=container.clock(),
        )
        session.commit()
        return StoredResponse(201, presenters.report(report).model_dump(mode="json"))

    if key is None:
        stored = work()
    else:
        owner = f"citizen:{citizen.id}" if citizen else "anonymous"
        stored = run_once(
            session=session,
            scope="security_report",
            owner=owner,
            key=key,
            request_fingerprint=fingerprint(body.model_dump(mode="json")),
            work=work,
        )
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)


@router.get("/api/v1/me/security-reports")
def list_reports(
    ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> list[SecurityReportOut]:
    """List the reports the citizen filed (not the anonymous ones)."""
    result = [
        presenters.report(r)
        for r in crud.list_for_citizen(session=session, citizen_id=ctx.citizen.id)
    ]
    ctx.audit(session, container, "security_reports")
    session.commit()
    return result


@router.get("/api/v1/me/security-reports/{reference}")
def get_report(
    reference: str, ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> SecurityReportOut:
    """Show one of the citizen's reports."""
    report = crud.get_for_citizen(session=session, citizen_id=ctx.citizen.id, reference=reference)
    if report is None:
        raise ProblemError(404, "not-found", "No report with that reference.")
    ctx.audit(session, container, f"security_report:{report.reference}")
    session.commit()
    return presenters.report(report)
