"""`scanflow serve` (the dashboard) and `scanflow user add | list | disable | enable | passwd`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from scanflow.cli.common import HomeOption, app, run_guarded

user_app = typer.Typer(help="Dashboard users: add, list, disable, enable, change password.", no_args_is_help=True)
app.add_typer(user_app, name="user")

ROLE_LABELS = {"operator": "nhân viên", "supervisor": "giám sát", "admin": "quản trị"}
PASSWORD_ENV = "SCANFLOW_PASSWORD"


def _password() -> str:
    """The new password: $SCANFLOW_PASSWORD (for scripts), else asked twice without echo."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    return typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")


@app.command()
@run_guarded
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every network).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    home: HomeOption = None,
) -> None:
    """Run the dashboard (overview, dossiers, review, search, reports) until Ctrl-C."""
    import uvicorn
    from sqlalchemy import func, select

    from scanflow.home import open_home
    from scanflow.search import index_missing
    from scanflow.store.users import User
    from scanflow.web.app import create_app

    settings, database = open_home(home)
    with database.session() as session:
        indexed = index_missing(session)
        users = session.scalar(select(func.count()).select_from(User)) or 0
    if indexed:
        typer.echo(f"Đã lập chỉ mục tìm kiếm cho {indexed} trang chưa có.")
    if not users:
        typer.echo("Chưa có người dùng nào: chạy 'scanflow user add TÊN --role admin' trước khi đăng nhập.", err=True)
    typer.echo(f"Bảng điều khiển: http://{host}:{port}/  (Ctrl-C để dừng)")
    try:
        # proxy_headers off: the peer address is the one login throttling counts, not a header anyone can send
        uvicorn.run(create_app(settings, database), host=host, port=port, proxy_headers=False,
                    server_header=False, log_level="warning")
    finally:
        database.dispose()


@user_app.command("add")
@run_guarded
def user_add(
    name: Annotated[str, typer.Argument(help="Login name: letters a-z, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option("--role", help="operator | supervisor | admin")] = "operator",
    home: HomeOption = None,
) -> None:
    """Add a user; the password comes from $SCANFLOW_PASSWORD or is asked for."""
    from scanflow.home import open_home
    from scanflow.web.accounts import add_user, audit

    settings, database = open_home(home)
    try:
        password = _password()
        with database.session() as session:
            user = add_user(session, name, password, role)
            audit(session, "user_add", username="(cli)", target=user.name, detail={"role": user.role})
            typer.echo(f"Đã thêm người dùng {user.name} ({ROLE_LABELS[user.role]}).")
    finally:
        database.dispose()


@user_app.command("list")
@run_guarded
def user_list(home: HomeOption = None) -> None:
    """List the users with their role, state and last sign-in."""
    from scanflow.home import open_home
    from scanflow.web.accounts import list_users

    _, database = open_home(home)
    try:
        with database.session() as session:
            rows = [
                (u.name, ROLE_LABELS.get(u.role, u.role), "hoạt động" if u.active else "đã khóa",
                 u.last_login_at.strftime("%Y-%m-%d %H:%M") + " UTC" if u.last_login_at else "chưa đăng nhập")
                for u in list_users(session)
            ]
    finally:
        database.dispose()
    if not rows:
        typer.echo("Chưa có người dùng nào.")
        return
    header = ("Tên", "Vai trò", "Trạng thái", "Đăng nhập lần cuối")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _set_active(name: str, active: bool, home) -> None:  # noqa: ANN001
    from scanflow.home import open_home
    from scanflow.web.accounts import audit, set_active

    _, database = open_home(home)
    try:
        with database.session() as session:
            user = set_active(session, name, active)
            audit(session, "user_enable" if active else "user_disable", username="(cli)", target=user.name)
            typer.echo(f"Đã {'mở khóa' if active else 'khóa'} người dùng {user.name}.")
    finally:
        database.dispose()


@user_app.command("disable")
@run_guarded
def user_disable(name: Annotated[str, typer.Argument(help="Login name.")], home: HomeOption = None) -> None:
    """Disable a user: signing in is refused and open sessions end at once."""
    _set_active(name, False, home)


@user_app.command("enable")
@run_guarded
def user_enable(name: Annotated[str, typer.Argument(help="Login name.")], home: HomeOption = None) -> None:
    """Enable a disabled user again."""
    _set_active(name, True, home)


@user_app.command("passwd")
@run_guarded
def user_passwd(name: Annotated[str, typer.Argument(help="Login name.")], home: HomeOption = None) -> None:
    """Set a user's password ($SCANFLOW_PASSWORD or asked for); the user's open sessions end."""
    from scanflow.home import open_home
    from scanflow.web.accounts import audit, get_user, set_password

    _, database = open_home(home)
    try:
        with database.session() as session:
            get_user(session, name)  # an unknown name fails before the password is asked for
        password = _password()
        with database.session() as session:
            user = set_password(session, name, password)
            audit(session, "user_passwd", username="(cli)", target=user.name)
            typer.echo(f"Đã đổi mật khẩu của {user.name}.")
    finally:
        database.dispose()
