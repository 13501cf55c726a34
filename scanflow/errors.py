"""Typed errors that carry their CLI exit code, so the CLI shows one line instead of a traceback."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the `scanflow` command."""

    ok = 0
    input_failed = 2  # at least one input could not be processed
    bad_args = 3
    config_error = 4
    missing_dependency = 5
    database_error = 6
    check_failed = 7  # verify / stats --check found a difference
    interrupted = 130


class ScanflowError(Exception):
    """Base class: the message is one line a user can act on."""

    exit_code: ExitCode = ExitCode.input_failed


class ConfigError(ScanflowError):
    """A settings or profile file is missing or invalid; the message names the file and key."""

    exit_code = ExitCode.config_error


class MissingDependencyError(ScanflowError):
    """An external program (tesseract, a language pack) is not installed or too old."""

    exit_code = ExitCode.missing_dependency


class DatabaseError(ScanflowError):
    """The database cannot be opened or is not at the expected schema."""

    exit_code = ExitCode.database_error


class InputError(ScanflowError):
    """One input cannot be turned into pages: unreadable, unsupported, encrypted, too large, ..."""

    exit_code = ExitCode.input_failed


class OcrError(ScanflowError):
    """Tesseract failed on a page."""

    exit_code = ExitCode.input_failed


class OutputError(ScanflowError):
    """A produced PDF did not pass verification; nothing was archived."""

    exit_code = ExitCode.input_failed
