"""Administration: users (add, disable, enable, new password, role) and the audit log."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from scanflow.store.users import AuditEntry, Role
from scanflow.web import accounts
from scanflow.web.deps import client_address, database_of, render, require
from scanflow.web.sessions import Viewer

router = APIRouter(prefix="/admin")
Admin = Annotated[Viewer, Depends(require(Role.admin))]
AUDIT_PAGE = 100


def _users_page(request: Request, error: str | None = None, done: str | None = None, status: int = 200) -> Response:
    with database_of(request).session() as session:
        users = accounts.list_users(session)
        return render(
            request,
            "users.html",
            {"users": users, "roles": [str(r) for r in Role], "error": error, "done": done},
            status=status,
        )


@router.get("/users")
def users(request: Request, viewer: Admin, done: str | None = None) -> Response:
    return _users_page(request, done=done)


def _apply(request: Request, viewer: Viewer, action: str, name: str, change) -> Response:  # noqa: ANN001
    try:
        with database_of(request).session() as session:
            user = change(session)
            accounts.audit(
                session, action, user_id=viewer.user_id, username=viewer.name, target=user.name,
                address=client_address(request),
            )
    except accounts.AccountError as exc:
        return _users_page(request, error=exc.code, status=400)
    return RedirectResponse("/admin/users?" + urlencode({"done": f"{action}:{name}"}), status_code=303)


@router.post("/users")
def add_user(
    request: Request,
    viewer: Admin,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = "operator",
) -> Response:
    return _apply(request, viewer, "user_add", username,
                  lambda s: accounts.add_user(s, username, password, role))


@router.post("/users/{name}/disable")
def disable_user(request: Request, viewer: Admin, name: str) -> Response:
    if accounts.normalize_username(name) == viewer.name:
        return _users_page(request, error="self_disable", status=400)
    return _apply(request, viewer, "user_disable", name, lambda s: accounts.set_active(s, name, False))


@router.post("/users/{name}/enable")
def enable_user(request: Request, viewer: Admin, name: str) -> Response:
    return _apply(request, viewer, "user_enable", name, lambda s: accounts.set_active(s, name, True))


@router.post("/users/{name}/password")
def change_password(request: Request, viewer: Admin, name: str, password: Annotated[str, Form()]) -> Response:
    return _apply(request, viewer, "user_passwd", name, lambda s: accounts.set_password(s, name, password))


@router.post("/users/{name}/role")
def change_role(request: Request, viewer: Admin, name: str, role: Annotated[str, Form()]) -> Response:
    if accounts.normalize_username(name) == viewer.name and role != Role.admin:
        return _users_page(request, error="self_demote", status=400)
    return _apply(request, viewer, "user_role", name, lambda s: accounts.set_role(s, name, role))


@router.get("/audit")
def audit_log(
    request: Request, viewer: Admin, action: str | None = None, user: str | None = None, page: int = 1
) -> Response:
    page = max(page, 1)
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if action:
        query, count = query.where(AuditEntry.action == action), count.where(AuditEntry.action == action)
    if user:
        name = accounts.normalize_username(user)
        query, count = query.where(AuditEntry.username == name), count.where(AuditEntry.username == name)
    with database_of(request).session() as session:
        total = session.scalar(count) or 0
        entries = session.scalars(
            query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)
        ).all()
        actions = sorted(session.scalars(select(AuditEntry.action).distinct()))
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "total": total,
            "page": page,
            "pages": max(1, math.ceil(total / AUDIT_PAGE)),
            "actions": actions,
            "action": action or "",
            "user": user or "",
        },
    )
