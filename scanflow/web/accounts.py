"""Dashboard users: argon2 password hashes, managing users, signing in with throttling, and the audit log."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scanflow.errors import ExitCode, ScanflowError
from scanflow.store.models import utcnow
from scanflow.store.users import AuditEntry, LoginFailure, Role, User, WebSession

PASSWORD_MIN_LENGTH = 8
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
"""Failed sign-ins for one user name within THROTTLE_WINDOW before further attempts are refused."""
MAX_FAILURES_PER_ADDRESS = 20
"""Failed sign-ins from one address (any user names) within THROTTLE_WINDOW before it is refused."""

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# argon2id at the OWASP Password Storage Cheat Sheet's baseline (19 MiB, 2 passes, 1 lane): tens of
# milliseconds on an office PC, where the library default (64 MiB, 4 lanes) takes most of a second on 2 cores.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the user does not exist, so an unknown name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("scanflow: no such user")


class AccountError(ScanflowError):
    """A user cannot be added or changed; `code` names why for the dashboard to say it in the user's language.

    Codes: bad_name, short_password, bad_role, exists, unknown.
    """

    exit_code = ExitCode.bad_args

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class LoginFailed(ScanflowError):
    """Wrong user name or password, or a disabled user; the message does not say which."""


class LoginThrottled(ScanflowError):
    """Too many recent failures for this user name or address; try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def normalize_username(name: str) -> str:
    """The stored form of a login name: NFC, trimmed, lower-case."""
    return unicodedata.normalize("NFC", name).strip().lower()


def _check_username(name: str) -> str:
    clean = normalize_username(name)
    if not _USERNAME.fullmatch(clean):
        raise AccountError(f"invalid user name {name!r}: use 1-64 letters a-z, digits, '.', '_' or '-'", "bad_name")
    return clean


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"password too short: at least {PASSWORD_MIN_LENGTH} characters", "short_password")


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r}: operator, supervisor or admin", "bad_role") from None


def hash_password(password: str) -> str:
    """An argon2id hash (PHC string) of PASSWORD."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when PASSWORD matches the hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_user(session: Session, name: str) -> User:
    """The user called NAME, or AccountError."""
    user = session.scalar(select(User).where(User.name == normalize_username(name)))
    if user is None:
        raise AccountError(f"no user {name!r}", "unknown")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def add_user(session: Session, name: str, password: str, role: str) -> User:
    """Create an active user; the name must be new."""
    clean = _check_username(name)
    _check_password(password)
    chosen = _check_role(role)
    if session.scalar(select(User.id).where(User.name == clean)) is not None:
        raise AccountError(f"user {clean!r} already exists", "exists")
    user = User(name=clean, password_hash=hash_password(password), role=chosen, active=True)
    session.add(user)
    session.flush()
    return user


def _end_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def set_password(session: Session, name: str, password: str) -> User:
    """Give NAME a new password; the user's open sessions end."""
    _check_password(password)
    user = get_user(session, name)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    _end_sessions(session, user)
    return user


def set_active(session: Session, name: str, active: bool) -> User:
    """Enable or disable NAME; disabling ends the user's open sessions at once."""
    user = get_user(session, name)
    user.active = active
    if not active:
        _end_sessions(session, user)
    return user


def set_role(session: Session, name: str, role: str) -> User:
    """Change NAME's role; open sessions see the new role on their next request."""
    user = get_user(session, name)
    user.role = _check_role(role)
    return user


def _recent_failures(session: Session, column, value: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:  # noqa: ANN001
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(column == value, LoginFailure.at >= since)
    ).one()
    return count, oldest


def check_throttle(session: Session, name: str, address: str, now: dt.datetime | None = None) -> None:
    """Raise LoginThrottled when NAME or ADDRESS has failed too often lately."""
    now = now or utcnow()
    since = now - THROTTLE_WINDOW
    for column, value, limit in (
        (LoginFailure.username, normalize_username(name)[:64], MAX_FAILURES_PER_USER),
        (LoginFailure.address, address[:64], MAX_FAILURES_PER_ADDRESS),
    ):
        count, oldest = _recent_failures(session, column, value, since)
        if count >= limit:
            wait = int(((oldest or now) + THROTTLE_WINDOW - now).total_seconds()) + 1
            raise LoginThrottled("too many failed sign-ins; wait and try again", max(1, wait))


def authenticate(session: Session, name: str, password: str, address: str, now: dt.datetime | None = None) -> User:
    """The active user NAME if PASSWORD is right; else LoginFailed (recorded) or LoginThrottled.

    While throttled the password is not even checked, so guessing gains nothing. A success clears the
    name's failures; failures from the address stay until they age out.
    """
    now = now or utcnow()
    clean = normalize_username(name)[:64]
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - THROTTLE_WINDOW))
    check_throttle(session, clean, address, now)
    user = session.scalar(select(User).where(User.name == clean))
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        session.add(LoginFailure(at=now, username=clean, address=address[:64]))
        raise LoginFailed("wrong user name or password")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.execute(delete(LoginFailure).where(LoginFailure.username == clean))
    return user


def audit(
    session: Session,
    action: str,
    *,
    user: User | None = None,
    user_id: int | None = None,
    username: str = "",
    target: str | None = None,
    address: str = "",
    detail: dict | None = None,
) -> None:
    """Record one entry of the audit log (in the caller's transaction)."""
    session.add(
        AuditEntry(
            user_id=user.id if user else user_id,
            username=(user.name if user else username)[:64],
            action=action,
            target=target,
            address=address[:64],
            detail=detail,
        )
    )
