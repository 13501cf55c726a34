"""Signing in and out, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from scanflow.web import i18n
from scanflow.web.accounts import LoginFailed, LoginThrottled, audit, authenticate
from scanflow.web.deps import (
    LANG_COOKIE,
    client_address,
    current_viewer,
    database_of,
    language,
    render,
    safe_next,
)
from scanflow.web.sessions import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    close_session,
    new_token,
    open_session,
)

router = APIRouter()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(request: Request, next_url: str, error: str | None = None, status: int = 200,
                username: str = "") -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or new_token()
    response = render(
        request,
        "login.html",
        {"login_token": token, "next": next_url, "error": error, "username": username},
        status=status,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/login", max_age=3600
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
    if current_viewer(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    address = client_address(request)
    target = safe_next(next)
    with database_of(request).session() as session:
        try:
            user = authenticate(session, username, password, address)
        except LoginThrottled as exc:
            audit(session, "login_throttled", username=username, address=address)
            t = i18n.translator(language(request))
            minutes = max(1, round(exc.retry_after / 60))
            response = _login_page(
                request, target, t("Quá nhiều lần đăng nhập sai. Hãy thử lại sau {n} phút.", n=minutes), 429, username
            )
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except LoginFailed:
            audit(session, "login_failed", username=username, address=address)
            failed = True
        else:
            failed = False
            token = open_session(session, user, address)
            audit(session, "login", user=user, address=address)
    if failed:
        t = i18n.translator(language(request))
        return _login_page(request, target, t("Sai tên đăng nhập hoặc mật khẩu."), 401, username)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",  # no max_age: gone when the browser closes; the server ends it after IDLE_TIMEOUT idle
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    viewer = current_viewer(request)
    with database_of(request).session() as session:
        close_session(session, request.cookies.get(SESSION_COOKIE))
        if viewer is not None:
            audit(session, "logout", user_id=viewer.user_id, username=viewer.name, address=client_address(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:  # noqa: A002
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in i18n.LANGS:
        response.set_cookie(LANG_COOKIE, code, samesite="lax", secure=_secure(request), path="/", max_age=365 * 86400)
    return response
