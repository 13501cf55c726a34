"""Settings (home folder, database, executor) and processing profiles, loaded and validated from TOML."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from scanflow.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOME = Path("~/scanflow").expanduser()
HOME_SUBDIRS = ("inbox", "archive", "quarantine", "originals", "work", "reports")


@dataclass(frozen=True)
class ImageSettings:
    """How page images are corrected and stored in the PDF."""

    mode: str = "auto"  # auto | color | gray | bw: what the page image in the PDF keeps
    jpeg_quality: int = 60
    deskew: bool = True
    rotate: bool = True
    clean: bool = True
    blank_pages: str = "drop"  # drop | keep
    default_dpi: int = 300  # assumed when a file carries no resolution
    min_dpi: int = 100
    max_megapixels: float = 200.0  # larger pages are refused (decompression bombs)
    orientation_min_confidence: float = 0.5  # below it Tesseract OSD decides


@dataclass(frozen=True)
class OcrSettings:
    """How Tesseract reads the pages."""

    languages: tuple[str, ...] = ("vie", "eng")
    psm: int = 3
    user_words: str = ""  # file under ocr_models/ (or absolute)
    user_patterns: str = ""
    timeout_seconds: int = 180


@dataclass(frozen=True)
class PdfInputSettings:
    """What to do with PDFs that already carry text."""

    existing_text: str = "redo"  # redo: OCR again from the page images | keep: refuse to touch it


@dataclass(frozen=True)
class TaggingSettings:
    """Register matching."""

    accept_threshold: float = 0.9


@dataclass(frozen=True)
class Profile:
    """A named set of processing choices, read from profiles/NAME.toml."""

    name: str
    description: str = ""
    image: ImageSettings = field(default_factory=ImageSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    pdf_input: PdfInputSettings = field(default_factory=PdfInputSettings)
    tagging: TaggingSettings = field(default_factory=TaggingSettings)
    source: str = ""  # the file it came from


_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("image", "mode"): ("auto", "color", "gray", "bw"),
    ("image", "blank_pages"): ("drop", "keep"),
    ("pdf_input", "existing_text"): ("redo", "keep"),
}
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("image", "jpeg_quality"): (10, 95),
    ("image", "default_dpi"): (72, 1200),
    ("image", "min_dpi"): (50, 1200),
    ("image", "max_megapixels"): (1, 2000),
    ("image", "orientation_min_confidence"): (0, 1),
    ("ocr", "psm"): (0, 13),
    ("ocr", "timeout_seconds"): (5, 3600),
    ("tagging", "accept_threshold"): (0.55, 1.0),
}
_SECTIONS = {
    "image": ImageSettings,
    "ocr": OcrSettings,
    "pdf_input": PdfInputSettings,
    "tagging": TaggingSettings,
}


def profile_dirs(home: Path | None = None) -> list[Path]:
    """Where profiles are looked up, first match wins: $SCANFLOW_PROFILES, <home>/profiles, the bundled ones."""
    dirs = []
    if os.environ.get("SCANFLOW_PROFILES"):
        dirs.append(Path(os.environ["SCANFLOW_PROFILES"]))
    if home is not None:
        dirs.append(home / "profiles")
    dirs.append(REPO_ROOT / "profiles")
    return dirs


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _build_section(path: Path, name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key {name}.{key} (known: {', '.join(sorted(known))})")
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{path}: {name}.{key} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: {name}.{key} must be true or false")
        elif isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{path}: {name}.{key} must be a number")
            if isinstance(default, int) and not isinstance(value, int):
                raise ConfigError(f"{path}: {name}.{key} must be a whole number")
            low, high = _RANGES.get((name, key), (float("-inf"), float("inf")))
            if not low <= value <= high:
                raise ConfigError(f"{path}: {name}.{key} = {value} is outside {low:g}..{high:g}")
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {name}.{key} must be a string")
            choices = _CHOICES.get((name, key))
            if choices and value not in choices:
                raise ConfigError(f"{path}: {name}.{key} = {value!r}; expected one of {', '.join(choices)}")
        values[key] = value
    return cls(**values)


def parse_profile(path: Path) -> Profile:
    """Read and validate one profile file; errors name the file and the key."""
    raw = _read_toml(path)
    top = raw.pop("profile", {})
    if not isinstance(top, dict):
        raise ConfigError(f"{path}: [profile] must be a table")
    unknown_top = set(top) - {"name", "description"}
    if unknown_top:
        raise ConfigError(f"{path}: unknown key profile.{sorted(unknown_top)[0]}")
    sections = {}
    for name, value in raw.items():
        if name not in _SECTIONS:
            raise ConfigError(f"{path}: unknown section [{name}] (known: profile, {', '.join(_SECTIONS)})")
        sections[name] = _build_section(path, name, _SECTIONS[name], value)
    profile = Profile(
        name=str(top.get("name", path.stem)),
        description=str(top.get("description", "")),
        source=str(path),
        **sections,
    )
    if not profile.ocr.languages:
        raise ConfigError(f"{path}: ocr.languages must name at least one language")
    return profile


def load_profile(name: str, home: Path | None = None) -> Profile:
    """Find profile NAME (or a path to a .toml file) and validate it."""
    candidate = Path(name)
    if candidate.suffix == ".toml" and candidate.is_file():
        return parse_profile(candidate)
    for directory in profile_dirs(home):
        path = directory / f"{name}.toml"
        if path.is_file():
            return parse_profile(path)
    known = sorted({p.stem for d in profile_dirs(home) if d.is_dir() for p in d.glob("*.toml")})
    raise ConfigError(f"profile {name!r} not found (available: {', '.join(known) or 'none'})")


def resolve_model_file(name: str) -> Path | None:
    """An ocr_models/ file named in a profile, or None when the profile names none."""
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute():
        path = REPO_ROOT / "ocr_models" / name
    if not path.is_file():
        raise ConfigError(f"OCR model file not found: {path}")
    return path


@dataclass(frozen=True)
class Settings:
    """Station settings: the home folder and what lives there, from <home>/scanflow.toml and the environment."""

    home: Path
    db_url: str
    profile: str = "thads"
    workers: int = 0  # 0: one per core
    executor: str = "local"
    broker_url: str = ""
    settle_seconds: float = 15.0
    force_polling: bool = False
    rescan_seconds: float = 60.0
    stations: tuple[str, ...] = ()
    register_max_age_days: int = 30

    def dir(self, name: str) -> Path:
        """One of the home's folders (inbox, archive, quarantine, originals, work, reports)."""
        return self.home / name

    @property
    def config_path(self) -> Path:
        return self.home / "scanflow.toml"

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)


SETTINGS_TEMPLATE = """\
# scanflow station settings. Environment variables override: SCANFLOW_DB_URL, SCANFLOW_BROKER_URL.
[scanflow]
profile = "thads"          # default processing profile (profiles/NAME.toml)
workers = 0                # OCR worker processes; 0 = one per CPU core
executor = "local"         # local (process pool on this machine) | celery (workers elsewhere)
db_url = ""                # empty = SQLite file scanflow.db in this folder
broker_url = ""            # Celery broker, e.g. redis://127.0.0.1:6379/0

[watch]
settle_seconds = 15        # a file/folder is complete when unchanged this long (or a READY file appears)
force_polling = false      # poll instead of inotify events (network shares that send no events)
rescan_seconds = 60        # full rescan of the inbox to catch missed events
stations = []              # per-station subfolders of inbox/, e.g. ["may-1", "may-2"]

[quality]
register_max_age_days = 30 # "sống": the register import must be at most this old
"""


def _settings_from_file(home: Path) -> dict[str, Any]:
    path = home / "scanflow.toml"
    if not path.is_file():
        return {}
    raw = _read_toml(path)
    allowed = {
        "scanflow": {"profile", "workers", "executor", "db_url", "broker_url"},
        "watch": {"settle_seconds", "force_polling", "rescan_seconds", "stations"},
        "quality": {"register_max_age_days"},
    }
    out: dict[str, Any] = {}
    for section, table in raw.items():
        if section not in allowed or not isinstance(table, dict):
            raise ConfigError(f"{path}: unknown section [{section}]")
        for key, value in table.items():
            if key not in allowed[section]:
                raise ConfigError(f"{path}: unknown key {section}.{key}")
            out[key] = value
    if out.get("executor", "local") not in ("local", "celery"):
        raise ConfigError(f"{path}: scanflow.executor must be local or celery")
    if "stations" in out:
        out["stations"] = tuple(str(s) for s in out["stations"])
    return out


def load_settings(home: Path | str | None = None) -> Settings:
    """Settings for the home folder: argument, else $SCANFLOW_HOME, else ~/scanflow."""
    home_path = Path(home or os.environ.get("SCANFLOW_HOME") or DEFAULT_HOME).expanduser().resolve()
    values = _settings_from_file(home_path)
    db_url = os.environ.get("SCANFLOW_DB_URL") or values.pop("db_url", "") or ""
    values.pop("db_url", None)
    if not db_url:
        db_url = f"sqlite:///{home_path / 'scanflow.db'}"
    broker = os.environ.get("SCANFLOW_BROKER_URL") or values.pop("broker_url", "") or ""
    values.pop("broker_url", None)
    try:
        return Settings(home=home_path, db_url=db_url, broker_url=broker, **values)
    except TypeError as exc:
        raise ConfigError(f"{home_path / 'scanflow.toml'}: {exc}") from None
