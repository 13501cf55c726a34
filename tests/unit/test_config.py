"""Profiles and settings: bundled profiles load; invalid files are refused naming the file and key."""

from pathlib import Path

import pytest

from scanflow.config import load_profile, load_settings, parse_profile
from scanflow.errors import ConfigError


def test_bundled_profiles_load() -> None:
    thads = load_profile("thads")
    assert thads.ocr.languages == ("vie",)
    assert load_profile("thads-song-ngu").ocr.languages == ("vie", "eng")
    assert thads.image.mode == "auto"
    bw = load_profile("bw-bulk")
    assert bw.image.mode == "bw"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("[image]\nmode = 'sepia'\n", "image.mode = 'sepia'"),
        ("[image]\njpeg_quality = 200\n", "image.jpeg_quality = 200 is outside"),
        ("[image]\ndeskew = 'yes'\n", "image.deskew must be true or false"),
        ("[ocr]\nlanguage = ['vie']\n", "unknown key ocr.language"),
        ("[colour]\nx = 1\n", "unknown section [colour]"),
        ("[ocr]\nlanguages = []\n", "ocr.languages must name"),
        ("[image\n", "not valid TOML"),
    ],
)
def test_invalid_profile_names_file_and_key(tmp_path: Path, body: str, fragment: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        parse_profile(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_unknown_profile_lists_available() -> None:
    with pytest.raises(ConfigError, match="available: .*thads"):
        load_profile("khong-co")


def test_settings_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCANFLOW_HOME", str(tmp_path))
    monkeypatch.delenv("SCANFLOW_DB_URL", raising=False)
    settings = load_settings()
    assert settings.home == tmp_path.resolve()
    assert settings.db_url == f"sqlite:///{tmp_path.resolve() / 'scanflow.db'}"
    monkeypatch.setenv("SCANFLOW_DB_URL", "postgresql+psycopg://postgres@127.0.0.1/x")
    assert load_settings().db_url.startswith("postgresql")
