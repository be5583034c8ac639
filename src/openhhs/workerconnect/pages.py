"""The caseworker and steward portal (server-rendered Jinja2 + htmx + USWDS) under /wc.

Pages use the same services as the API, so every person shown passed through `access.enforce`.
Sign-in creates a server-side session (access.websessions); every unsafe request carries its
CSRF token (checked by `current_principal`); the purpose is chosen once per session and shown
on every page.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access import Principal, Purpose, Role
from openhhs.access.accounts import authenticate
from openhhs.access.deps import access_db, check_purpose, current_principal, purposes_of
from openhhs.access.models import User
from openhhs.access.websessions import (
    SESSION_COOKIE,
    ActiveSession,
    clear_session_cookie,
    end_session,
    set_session_cookie,
    set_session_purpose,
    start_session,
)
from openhhs.errors import Forbidden, InvalidInput, NotAuthenticated
from openhhs.web.context import current_request_id
from openhhs.web.templating import page_context
from openhhs.workerconnect import review, service
from openhhs.workerconnect.search import SearchCriteria
from openhhs.workerconnect.service import retry_when_locked

pages = APIRouter(prefix="/wc", include_in_schema=False)

Db = Annotated[Session, Depends(access_db)]
PersonId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]

PURPOSE_LABELS = {
    Purpose.CASE_MANAGEMENT: "Case management",
    Purpose.ELIGIBILITY_DETERMINATION: "Eligibility determination",
    Purpose.OUTREACH: "Outreach",
    Purpose.SERVICE_ALERTS: "Service alerts",
    Purpose.DATA_QUALITY: "Data quality (match review)",
    Purpose.AUDIT: "Audit of access",
    Purpose.RESEARCH: "Research",
    Purpose.SYSTEM_INTEGRATION: "System integration",
}
DEMOGRAPHIC_FIELDS = [
    ("dob", "field.dob"),
    ("sex", "field.sex"),
    ("ssn_last4", "field.ssn"),
    ("language", "field.language"),
]


def _render(request: Request, name: str, status_code: int = 200, **values: Any) -> Response:
    templates = request.app.state.templates
    ctx = page_context(request, **values)
    principal = getattr(request.state, "principal", None)
    active = getattr(request.state, "web_session", None)
    if isinstance(principal, Principal):
        ctx.setdefault("principal", principal)
        ctx.setdefault("principal_label", f"{principal.name} · {principal.agency}")
        ctx.setdefault("is_steward", principal.has_role(Role.DATA_STEWARD))
    if isinstance(active, ActiveSession):
        ctx.setdefault("csrf_token", active.csrf_token)
        if active.purpose:
            ctx.setdefault(
                "purpose_label", PURPOSE_LABELS.get(Purpose(active.purpose), active.purpose)
            )
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(value: str | None, default: str = "/wc/search") -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return default


def _purpose(request: Request, principal: Principal, db: Session) -> Purpose | None:
    """The session's purpose, validated by access (None: the user must choose one first)."""
    active = getattr(request.state, "web_session", None)
    if not isinstance(active, ActiveSession) or not active.purpose:
        return None
    return check_purpose(request, principal, db)


def _need_purpose(request: Request) -> RedirectResponse:
    return _redirect("/wc/purpose?" + urlencode({"next": request.url.path}))


# ------------------------------------------------------------------------- sign in and out


@pages.get("/signin", response_class=HTMLResponse, name="wc.signin")
def signin_form(
    request: Request, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    return _render(request, "wc/signin.html", next=_safe_next(next, "/wc/purpose"))


@pages.post("/signin", response_class=HTMLResponse, name="wc.signin_post")
def signin(
    request: Request,
    db: Db,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    client = request.client.host if request.client else None
    try:
        token = _sign_in(db, username, password, client, request.headers.get("user-agent"))
    except NotAuthenticated:
        db.commit()  # the failed attempt and the lockout counter are kept
        return _render(
            request,
            "wc/signin.html",
            status_code=401,
            error=page_context(request)["t"]("signin.failed"),
            username=username[:100],
        )
    response = _redirect("/wc/purpose")
    set_session_cookie(response, token, secure=request.url.scheme == "https" or None)
    return response


@retry_when_locked
def _sign_in(
    db: Session, username: str, password: str, client: str | None, agent: str | None
) -> str:
    """Check the password and open a session; returns the cookie token."""
    authenticate(db, username, password)
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    assert user is not None  # authenticate() just found it
    token, _active = start_session(db, user, client_ip=client, user_agent=agent)
    db.commit()
    return token


@pages.post("/signout", name="wc.signout")
def signout(
    request: Request, principal: Annotated[Principal, Depends(current_principal)], db: Db
) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = _redirect("/")
    clear_session_cookie(response)
    return response


# ---------------------------------------------------------------------------------- purpose


@pages.get("/purpose", response_class=HTMLResponse, name="wc.purpose")
def purpose_form(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
    next: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    choices = [
        {"value": p.value, "label": PURPOSE_LABELS.get(p, p.value)}
        for p in purposes_of(db, principal)
    ]
    active = getattr(request.state, "web_session", None)
    current = active.purpose if isinstance(active, ActiveSession) else None
    return _render(
        request,
        "wc/purpose.html",
        purposes=choices,
        current_purpose=current,
        next=_safe_next(next, _home_for(principal)),
    )


def _home_for(principal: Principal) -> str:
    return "/wc/review" if principal.has_role(Role.DATA_STEWARD) else "/wc/search"


@pages.post("/purpose", name="wc.purpose_post")
def choose_purpose(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
    purpose: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    allowed = {p.value for p in purposes_of(db, principal)}
    if purpose not in allowed:
        raise Forbidden(f"purpose {purpose!r} is not allowed for your agency and role")
    active = getattr(request.state, "web_session", None)
    if isinstance(active, ActiveSession):
        _remember_purpose(db, active, purpose)
    return _redirect(_safe_next(next, _home_for(principal)))


@retry_when_locked
def _remember_purpose(db: Session, active: ActiveSession, purpose: str) -> None:
    set_session_purpose(db, active, purpose)
    db.commit()


# ------------------------------------------------------------------------------------ search


def _criteria(request: Request) -> SearchCriteria:
    q = request.query_params

    def get(name: str, limit: int) -> str | None:
        value = q.get(name)
        return value[:limit] if value else None

    return SearchCriteria(
        first_name=get("first_name", 100),
        last_name=get("last_name", 100),
        dob=get("dob", 32),
        ssn_last4=get("ssn_last4", 8),
        phone=get("phone", 32),
        case_number=get("case_number", 64),
    )


def _search_context(
    request: Request, principal: Principal, purpose: Purpose, db: Session
) -> dict[str, Any]:
    criteria = _criteria(request)
    try:
        page = max(1, min(int(request.query_params.get("page", "1")), 1000))
    except ValueError:
        page = 1
    if not any(vars(criteria).values()):
        return {"criteria": criteria, "results": None, "error": None}
    try:
        out = service.search_view(
            db, principal, purpose, criteria, page=page, request_id=current_request_id()
        )
    except InvalidInput as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        problems = "; ".join(f"{k}: {v}" for k, v in details.items() if isinstance(v, str))
        return {
            "criteria": criteria,
            "results": None,
            "error": exc.message + (f" ({problems})" if problems else ""),
        }
    db.commit()
    params = {k: v for k, v in vars(criteria).items() if v}

    def page_url(n: int) -> str:
        return "/wc/search?" + urlencode({**params, "page": n})

    return {
        "criteria": criteria,
        "results": out["results"],
        "total": out["total"],
        "page": out["page"],
        "page_size": out["page_size"],
        "page_url": page_url,
        "error": None,
    }


@pages.get("/search", response_class=HTMLResponse, name="wc.search")
def search_page(
    request: Request, principal: Annotated[Principal, Depends(current_principal)], db: Db
) -> Response:
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    return _render(request, "wc/search.html", **_search_context(request, principal, purpose, db))


@pages.get("/search/results", response_class=HTMLResponse, name="wc.search_results")
def search_results(
    request: Request, principal: Annotated[Principal, Depends(current_principal)], db: Db
) -> Response:
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    ctx = _search_context(request, principal, purpose, db)
    if ctx["results"] is None and ctx["error"] is None:
        ctx["error"] = page_context(request)["t"]("search.need_criteria")
    return _render(request, "wc/_results.html", **ctx)


# ---------------------------------------------------------------------------------- snapshot


@pages.get("/person/{person_id}", response_class=HTMLResponse, name="wc.person")
def person_page(
    request: Request,
    person_id: PersonId,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
) -> Response:
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    view = service.snapshot_view(
        db, principal, purpose, person_id, request_id=current_request_id(), hold_sensitive=True
    )
    db.commit()
    return _render(
        request,
        "wc/snapshot.html",
        snap=view.body,
        sensitive=view.sensitive,
        demographic_fields=DEMOGRAPHIC_FIELDS,
    )


@pages.post(
    "/person/{person_id}/sensitive/{category}", response_class=HTMLResponse, name="wc.sensitive"
)
def person_sensitive(
    request: Request,
    person_id: PersonId,
    category: Annotated[str, Path(max_length=40, pattern=r"^[a-z_]+$")],
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
) -> Response:
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    items = service.sensitive_view(
        db, principal, purpose, person_id, category, request_id=current_request_id()
    )
    db.commit()
    return _render(
        request,
        "wc/_sensitive.html",
        items=items,
        category=category,
        label=category.replace("_", " ").capitalize(),
    )


# ---------------------------------------------------------------------------------- caseload


@pages.get("/caseload", response_class=HTMLResponse, name="wc.caseload")
def caseload_page(
    request: Request, principal: Annotated[Principal, Depends(current_principal)], db: Db
) -> Response:
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    entries = service.caseload_view(db, principal, purpose, request_id=current_request_id())
    db.commit()
    return _render(request, "wc/caseload.html", entries=entries)


# ----------------------------------------------------------------------------------- steward


def _steward(principal: Principal) -> None:
    if not principal.has_role(Role.DATA_STEWARD):
        raise Forbidden("the review queue is for data stewards")


@pages.get("/review", response_class=HTMLResponse, name="wc.review")
def review_page(
    request: Request, principal: Annotated[Principal, Depends(current_principal)], db: Db
) -> Response:
    _steward(principal)
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    out = review.queue_view(
        db, principal, purpose, limit=50, offset=0, request_id=current_request_id()
    )
    db.commit()
    return _render(request, "wc/review_queue.html", items=out["items"], pending=out["pending"])


@pages.get("/review/{item_id}", response_class=HTMLResponse, name="wc.review_item")
def review_item_page(
    request: Request,
    item_id: ItemId,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
) -> Response:
    _steward(principal)
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    item = review.item_view(db, principal, purpose, item_id, request_id=current_request_id())
    db.commit()
    return _render(request, "wc/review_item.html", item=item, waterfall=waterfall(item))


def waterfall(item: dict[str, Any]) -> dict[str, Any]:
    """Bars for the match-weight waterfall: the prior, then each comparison, to the total."""
    parts: list[dict[str, Any]] = [
        {
            "label": f"{p.get('comparison')}: {p.get('label')}",
            "weight": float(p.get("weight", 0.0)) + float(p.get("tf_adjustment", 0.0) or 0.0),
        }
        for p in item.get("breakdown", [])
    ]
    total = float(item.get("match_weight", 0.0))
    prior = total - sum(p["weight"] for p in parts)
    rows: list[dict[str, Any]] = [{"label": "prior (λ)", "weight": prior}, *parts]
    scale = max([abs(r["weight"]) for r in rows] + [abs(total), 1.0])
    running = 0.0
    for r in rows:
        running += r["weight"]
        r["running"] = running
        r["width"] = round(100 * abs(r["weight"]) / scale, 1)
    return {"rows": rows, "total": total, "width": round(100 * abs(total) / scale, 1)}


@pages.post("/review/{item_id}/decision", name="wc.review_decide")
def review_decide_page(
    request: Request,
    item_id: ItemId,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
    decision: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    _steward(principal)
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    if decision not in ("same", "different"):
        raise InvalidInput("decision must be 'same' or 'different'")
    review.decide(db, principal, purpose, item_id, decision)  # commits its own unit
    return _redirect("/wc/review?decided=" + str(item_id))


@pages.post("/person/{person_id}/unmerge", name="wc.unmerge")
def unmerge_page(
    request: Request,
    person_id: PersonId,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Db,
    source_person_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    _steward(principal)
    purpose = _purpose(request, principal, db)
    if purpose is None:
        return _need_purpose(request)
    out = review.unmerge(db, principal, purpose, person_id, source_person_id, reason or None)
    return _redirect(f"/wc/review?unmerged={out['new_enterprise_id']}")
