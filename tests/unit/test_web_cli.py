"""`scanflow user add | list | disable | enable | passwd`: users for the dashboard, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scanflow.cli import app
from scanflow.home import init_home, open_home
from scanflow.store.users import AuditEntry
from scanflow.web import accounts

runner = CliRunner()


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    init_home(path)
    return path


def test_user_commands(home: Path) -> None:
    env = {"SCANFLOW_PASSWORD": "mat-khau-dai"}
    done = runner.invoke(app, ["user", "add", "Lan", "--role", "supervisor", "--home", str(home)], env=env)
    assert done.exit_code == 0, done.output
    assert "lan" in done.output
    again = runner.invoke(app, ["user", "add", "lan", "--home", str(home)], env=env)
    assert again.exit_code == 3 and "already exists" in again.output
    bad = runner.invoke(app, ["user", "add", "x", "--role", "boss", "--home", str(home)], env=env)
    assert bad.exit_code == 3 and "unknown role" in bad.output
    short = runner.invoke(app, ["user", "add", "minh", "--home", str(home)], env={"SCANFLOW_PASSWORD": "short"})
    assert short.exit_code == 3 and "too short" in short.output
    prompted = runner.invoke(app, ["user", "add", "minh", "--home", str(home)], env={"SCANFLOW_PASSWORD": ""},
                             input="mat-khau-moi\nmat-khau-moi\n")
    assert prompted.exit_code == 0, prompted.output

    listing = runner.invoke(app, ["user", "list", "--home", str(home)])
    assert listing.exit_code == 0
    assert "lan" in listing.output and "giám sát" in listing.output and "minh" in listing.output

    assert runner.invoke(app, ["user", "disable", "lan", "--home", str(home)]).exit_code == 0
    assert "đã khóa" in runner.invoke(app, ["user", "list", "--home", str(home)]).output
    assert runner.invoke(app, ["user", "enable", "lan", "--home", str(home)]).exit_code == 0
    changed = runner.invoke(app, ["user", "passwd", "lan", "--home", str(home)],
                            env={"SCANFLOW_PASSWORD": "doi-mat-khau"})
    assert changed.exit_code == 0
    unknown = runner.invoke(app, ["user", "passwd", "ghost", "--home", str(home)], env=env)
    assert unknown.exit_code == 3 and "no user" in unknown.output

    _, database = open_home(home)
    try:
        with database.session() as session:
            assert accounts.authenticate(session, "lan", "doi-mat-khau", "cli").name == "lan"
            assert accounts.get_user(session, "minh").role == "operator"
            assert accounts.get_user(session, "lan").password_hash.startswith("$argon2id$")
            actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
        assert actions == ["user_add", "user_add", "user_disable", "user_enable", "user_passwd"]
    finally:
        database.dispose()


def test_serve_needs_an_initialised_home(tmp_path: Path) -> None:
    done = runner.invoke(app, ["serve", "--home", str(tmp_path / "nowhere")])
    assert done.exit_code == 4
    assert "scanflow init" in done.output
