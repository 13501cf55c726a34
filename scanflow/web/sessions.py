"""Server-side login sessions: random cookie tokens stored as hashes, idle expiry, and each session's CSRF token."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from scanflow.store.models import utcnow
from scanflow.store.users import Role, User, WebSession

SESSION_COOKIE = "scanflow_session"
LOGIN_COOKIE = "scanflow_login"  # carries the CSRF token of the sign-in form, before any session exists
IDLE_TIMEOUT = dt.timedelta(hours=8)
TOUCH_INTERVAL = dt.timedelta(minutes=1)  # how often a request extends the session (saves a write per request)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as a request sees it (plain data, no database session needed)."""

    user_id: int
    name: str
    role: Role
    csrf_token: str

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


def new_token() -> str:
    """A fresh random token for a cookie or a form."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(expected: str | None, sent: str | None) -> bool:
    """Constant-time comparison; an absent token never matches."""
    return bool(expected) and bool(sent) and hmac.compare_digest(str(expected), str(sent))


def open_session(session: Session, user: User, address: str, now: dt.datetime | None = None) -> str:
    """Start a session for USER; returns the cookie token (only its hash is stored)."""
    now = now or utcnow()
    token = new_token()
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=new_token(),
            address=address[:64],
            created_at=now,
            last_seen_at=now,
            expires_at=now + IDLE_TIMEOUT,
        )
    )
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return token


def find_session(session: Session, token: str | None, now: dt.datetime | None = None) -> Viewer | None:
    """The viewer behind a cookie token, or None when unknown, expired or the user is disabled."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(WebSession, token_hash(token))
    if row is None or row.expires_at < now or not row.user.active:
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        row.expires_at = now + IDLE_TIMEOUT
    return Viewer(row.user.id, row.user.name, Role(row.user.role), row.csrf_token)


def close_session(session: Session, token: str | None) -> None:
    """End the session behind a cookie token (sign out)."""
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
