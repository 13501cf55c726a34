"""The station's home folder: creating it (`scanflow init`), and opening it with its database for a command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanflow.config import HOME_SUBDIRS, SETTINGS_TEMPLATE, Settings, load_settings
from scanflow.errors import ConfigError
from scanflow.store import db


@dataclass
class InitReport:
    home: Path
    created: list[str]
    db_url: str
    revision_before: str | None
    revision_after: str | None


def init_home(home: Path | str | None = None) -> InitReport:
    """Create the home's folders and settings file and migrate the database; safe to run again."""
    settings = load_settings(home)
    created = []
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        for name in HOME_SUBDIRS:
            path = settings.dir(name)
            if not path.is_dir():
                path.mkdir(parents=True)
                created.append(f"{name}/")
        for station in settings.stations:
            path = settings.dir("inbox") / station
            if not path.is_dir():
                path.mkdir(parents=True)
                created.append(f"inbox/{station}/")
        if not settings.config_path.exists():
            settings.config_path.write_text(SETTINGS_TEMPLATE, encoding="utf-8")
            created.append("scanflow.toml")
    except OSError as exc:
        raise ConfigError(f"cannot create {settings.home}: {exc.strerror}") from None
    engine = db.make_engine(settings.db_url)
    try:
        before = db.current_revision(engine)
        db.upgrade(engine)
        after = db.current_revision(engine)
    finally:
        engine.dispose()
    return InitReport(settings.home, created, db.redact(settings.db_url), before, after)


def open_home(home: Path | str | None = None) -> tuple[Settings, db.Database]:
    """Settings and an open database for a command; a clear error if `scanflow init` has not run."""
    settings = load_settings(home)
    if not settings.home.is_dir() or not settings.dir("archive").is_dir():
        raise ConfigError(f"{settings.home} is not a scanflow home: run 'scanflow init' first")
    database = db.Database(settings.db_url)
    db.check_schema(database.engine)
    return settings, database
