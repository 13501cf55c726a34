"""Request plumbing shared by the routes: who is signed in, role checks, CSRF, language and page rendering."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from scanflow.config import Settings
from scanflow.documents import TYPE_NAMES
from scanflow.store.db import Database
from scanflow.store.users import Role
from scanflow.web import i18n
from scanflow.web.accounts import audit
from scanflow.web.sessions import LOGIN_COOKIE, SESSION_COOKIE, Viewer, find_session, tokens_match

TEMPLATES = Path(__file__).parent / "templates"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LANG_COOKIE = "scanflow_lang"


class LoginRequired(Exception):
    """No valid session: 401 on the API, a redirect to the sign-in page elsewhere."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


class CsrfRejected(Exception):
    """A state-changing request without the right CSRF token, or from another origin."""


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def database_of(request: Request) -> Database:
    return request.app.state.db


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def current_viewer(request: Request) -> Viewer | None:
    """The signed-in user behind the session cookie (looked up once per request)."""
    if not hasattr(request.state, "viewer"):
        token = request.cookies.get(SESSION_COOKIE)
        viewer = None
        if token:
            with database_of(request).session() as session:
                viewer = find_session(session, token)
        request.state.viewer = viewer
    return request.state.viewer


def require(role: Role) -> Callable[[Request], Viewer]:
    """A dependency: the viewer, who must be signed in with ROLE or a higher one."""

    def dependency(request: Request) -> Viewer:
        viewer = current_viewer(request)
        if viewer is None:
            raise LoginRequired()
        if not viewer.can(role):
            raise Forbidden()
        return viewer

    return dependency


def _same_origin(request: Request) -> bool:
    """Origin (or Referer) must name this server when the browser sends one."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True  # not a browser, or one that sends neither: the token alone decides
    if source == "null":
        return False
    return urlsplit(source).netloc == request.headers.get("host", "")


async def csrf_guard(request: Request) -> None:
    """App-wide dependency: every state-changing request carries the CSRF token of its session.

    Signed in: the session's token, in the form field `csrf_token` or the `X-CSRF-Token` header. Not
    signed in (the sign-in form itself): the token of the sign-in cookie. Requests from another origin
    are refused whatever they carry.
    """
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request):
        raise CsrfRejected()
    viewer = current_viewer(request)
    if viewer is None and request.url.path != "/login":
        raise LoginRequired()
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("csrf_token")
    expected = viewer.csrf_token if viewer else request.cookies.get(LOGIN_COOKIE)
    if not tokens_match(expected, sent if isinstance(sent, str) else None):
        raise CsrfRejected()


def record(request: Request, viewer: Viewer, action: str, target: str | None = None,
           detail: dict | None = None) -> None:
    """Add an entry to the audit log for what VIEWER just did."""
    with database_of(request).session() as session:
        audit(
            session,
            action,
            user_id=viewer.user_id,
            username=viewer.name,
            target=target,
            address=client_address(request),
            detail=detail,
        )


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "vi")
    return lang if lang in i18n.LANGS else "vi"


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing elsewhere becomes DEFAULT."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login" if here == "/" else f"/login?next={quote(here, safe='')}"


_templates = Jinja2Templates(directory=str(TEMPLATES))
_templates.env.globals.update(
    ROLE_LABELS=i18n.ROLE_LABELS,
    STATUS_LABELS=i18n.STATUS_LABELS,
    CRITERION_LABELS=i18n.CRITERION_LABELS,
    CRITERION_HINTS=i18n.CRITERION_HINTS,
    METHOD_LABELS=i18n.METHOD_LABELS,
    ACTION_LABELS=i18n.ACTION_LABELS,
    ACCOUNT_ERRORS=i18n.ACCOUNT_ERRORS,
    TYPE_NAMES=TYPE_NAMES,
)


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    """A page: TEMPLATE with the viewer, language, translator and CSRF token available to it."""
    lang = language(request)
    viewer = getattr(request.state, "viewer", None)
    base = {
        "viewer": viewer,
        "lang": lang,
        "t": i18n.translator(lang),
        "fmt": i18n.Formats(lang),
        "csrf_token": viewer.csrf_token if viewer else "",
        "path": request.url.path,
        "Role": Role,
    }
    return _templates.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status)
