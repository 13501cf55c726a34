"""A review operation killed half-way never loses a file nor leaves rows naming nothing; the next command resolves it.

The process is killed (os._exit, no cleanup runs) right after the new files are published but before the
commit, and right after the commit but before the old files are removed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scanflow.home import open_home
from scanflow.review import OPERATIONS_DIR, ReviewError, _Operation, assign, recover
from tests.conftest import run_scanflow
from tests.e2e.test_review_queue import CASE, add_register, make_dossier, rows_of

pytestmark = pytest.mark.e2e

KILLED = """
import os, sys
import scanflow.review as review
from scanflow.home import open_home

review.{target} = lambda *args, **kwargs: os._exit(9)
settings, database = open_home(sys.argv[1])
review.{action}(settings, database, int(sys.argv[2]), *sys.argv[3:])
"""


def _killed_at(home: Path, target: str, action: str, *args: str) -> None:
    code = KILLED.format(target=target, action=action)
    done = subprocess.run([sys.executable, "-c", code, str(home), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 9, done.stderr


def _case_files(home: Path) -> list[Path]:
    return sorted((home / "archive" / "TQ-KV1").rglob("*.pdf"))


def _operations(home: Path) -> list[Path]:
    root = home / "archive" / OPERATIONS_DIR
    return sorted(root.iterdir()) if root.is_dir() else []


@pytest.fixture
def waiting(home: Path, tmp_path: Path) -> int:
    add_register(home)
    return make_dossier(home, tmp_path)


def test_killed_before_commit_is_undone(home: Path, waiting: int) -> None:
    _, before = rows_of(home, waiting)
    _killed_at(home, "_claim", "assign", str(waiting), CASE)
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "needs_review"
    assert [d.output_path for d in documents] == [d.output_path for d in before]
    assert all((home / d.output_path).is_file() for d in documents)  # rows still name existing files
    assert len(_case_files(home)) == 2 and len(_operations(home)) == 1  # published, not yet committed

    done = run_scanflow("review", "list")
    assert done.code == 0, done.stderr
    assert f"khôi phục thao tác dở dang: assign hs-{waiting}: undone" in done.stderr
    assert _case_files(home) == [] and _operations(home) == []
    assert all((home / d.output_path).is_file() for d in documents)
    assert run_scanflow("review", "assign", str(waiting), CASE).code == 0  # and it can be done again


def test_killed_after_commit_is_completed(home: Path, waiting: int) -> None:
    _, before = rows_of(home, waiting)
    _killed_at(home, "_finish_moves", "assign", str(waiting), CASE)
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "archived" and dossier.ma_ho_so == CASE
    assert all((home / d.output_path).is_file() for d in documents)  # rows name the new files, which exist
    assert all((home / d.output_path).is_file() for d in before)  # the old ones are still there too

    done = run_scanflow("review", "show", str(waiting))
    assert done.code == 0
    result = run_scanflow("review", "list")
    assert f"assign hs-{waiting}: completed" in result.stderr
    assert not any((home / d.output_path).exists() for d in before)
    assert all((home / d.output_path).is_file() for d in documents) and _operations(home) == []


def test_killed_reject_is_completed_with_its_reason_file(home: Path, waiting: int) -> None:
    _killed_at(home, "_finish_moves", "reject", str(waiting))
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "quarantined"
    lines = recover(*open_home(home))
    assert lines == [f"reject hs-{waiting}: completed (rows already pointed to the new files)"]
    assert (home / "quarantine" / "_tu-choi" / f"lo-{dossier.batch_id}" / f"hs-{waiting}.reason.txt").is_file()
    assert all((home / d.output_path).is_file() for d in documents)
    assert not (home / "archive" / "_chua_xac_dinh" / f"lo-{dossier.batch_id}").exists()


def test_a_failed_commit_removes_the_new_files_at_once(home: Path, waiting: int, monkeypatch) -> None:
    import scanflow.review as review

    def refuse(*args, **kwargs) -> None:
        raise ReviewError("claimed by someone else")

    monkeypatch.setattr(review, "_claim", refuse)
    settings, database = open_home(home)
    with pytest.raises(ReviewError, match="claimed by someone else"):
        assign(settings, database, waiting, CASE)
    assert _case_files(home) == [] and _operations(home) == []
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "needs_review" and all((home / d.output_path).is_file() for d in documents)


def test_an_operation_in_progress_is_left_alone(home: Path) -> None:
    settings, database = open_home(home)
    op = _Operation.start(settings.dir("archive"), 42)
    op.write_journal({"action": "assign", "dossier_id": 42, "old_root": "archive", "moves": []})
    try:
        assert recover(settings, database) == []
        assert op.folder.is_dir()
    finally:
        op.close(remove=True)
