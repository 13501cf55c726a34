"""`scanflow stats --json` at provincial scale: 1,000,000 register cases, on SQLite and on PostgreSQL.

Fills a fresh home per database with bulk statements (COPY on PostgreSQL): the register, a realistic share of
digitised dossiers (35% of the cases, 4% of those in two parts, three documents each), their stored criteria
and reasons, and a backlog (in progress, waiting for review, quarantined); then times `stats --json`:

- "process": the real command in a new process each run (Python start-up and imports included);
- "query": `compute_stats` in this process, a fresh session each run (what `/api/stats` pays).

Prints the median (and min/max) of RUNS runs of each. Usage:

    .venv/bin/python benchmarks/stats_bench.py [--cases 1000000] [--runs 7] [--only sqlite|postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/scanflow_stats_bench]

The PostgreSQL database named in the URL is dropped and re-created.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from scanflow.home import init_home, open_home  # noqa: E402
from scanflow.quality.stats import compute_stats  # noqa: E402

UNITS = ["THADS tỉnh Tuyên Quang"] + [f"Phòng THADS khu vực {n} - Tuyên Quang" for n in range(1, 13)]
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

REGISTER_COLUMNS = (
    "ma_ho_so", "so_qd_tha", "ngay_qd_tha", "so_ban_an", "ngay_ban_an", "toa_an", "nguoi_phai_thi_hanh",
    "nguoi_duoc_thi_hanh", "loai", "don_vi", "trang_thai", "ngay_cap_nhat", "year", "qd_key", "ban_an_key",
    "names_folded", "imported_at", "changed_at",
)
DOSSIER_COLUMNS = (
    "id", "batch_id", "input_path", "station", "status", "content_sha256", "ma_ho_so", "confidence",
    "match_method", "profile", "don_vi", "year", "pages_in", "pages_out", "blank_pages", "output_dir",
    "created_at", "updated_at", "archived_at",
)
DOCUMENT_COLUMNS = ("id", "dossier_id", "ordinal", "type", "number", "page_count", "output_path", "pdfa_ok")
QUALITY_COLUMNS = (
    "ma_ho_so", "don_vi", "year", "dossiers", "pages", "first_archived_at", "last_archived_at",
    "dung", "du", "sach", "song", "evaluated_at",
)
REASON_COLUMNS = ("ma_ho_so", "dossier_id", "criterion", "code", "message")


def register_rows(cases: int, rng: random.Random) -> Iterator[tuple]:
    for i in range(cases):
        unit = i % len(UNITS)
        year = 2019 + (i // len(UNITS)) % 8
        code = f"THADS-TQ{unit:02d}-{year}-{i:07d}"
        qd = f"{i % 900 + 1:02d}/QĐ-THADS"
        ba = f"{i % 500 + 1:02d}/{year - 1}/DS-ST"
        day = dt.date(year, 1 + i % 12, 1 + i % 28)
        yield (
            code, qd, day, ba, day - dt.timedelta(days=60), "Tòa án nhân dân khu vực 1 - Tuyên Quang",
            "Nguyễn Văn An", "Trần Thị Bình", "theo_yeu_cau" if i % 3 == 0 else "chu_dong", UNITS[unit],
            "Đang thi hành", day + dt.timedelta(days=30), year, f"{i % 900 + 1}//QDTHADS",
            f"{i % 500 + 1}/{year - 1}/DSST",
            "nguyen van an tran thi binh", NOW - dt.timedelta(days=40), NOW - dt.timedelta(days=rng.randint(1, 40)),
        )


def facts_rows(cases: int, rng: random.Random) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """Dossiers, documents, stored criteria and reasons for the digitised share, plus the backlog dossiers."""
    dossiers, documents, quality, reasons = [], [], [], []
    dossier_id = document_id = 0
    for i in range(cases):
        if rng.random() >= 0.35:
            continue
        unit = i % len(UNITS)
        year = 2019 + (i // len(UNITS)) % 8
        code = f"THADS-TQ{unit:02d}-{year}-{i:07d}"
        parts = 2 if rng.random() < 0.04 else 1
        stamps = []
        pages = 0
        for _ in range(parts):
            dossier_id += 1
            archived = NOW - dt.timedelta(days=rng.randint(0, 400), seconds=rng.randint(0, 86400))
            stamps.append(archived)
            count = rng.randint(4, 30)
            pages += count
            dossiers.append((
                dossier_id, 1, f"/scans/{code}-{dossier_id}", "may-1", "archived", f"{dossier_id:064x}", code,
                0.97, rng.choice(("qr", "auto", "auto", "manual")), "thads", UNITS[unit], year, count + 1, count,
                1, f"{UNITS[unit]}/{year}/{code}", archived, archived, archived,
            ))
            for ordinal, kind in enumerate(("qd_tha", "ban_an", "bb_xac_minh"), start=1):
                document_id += 1
                documents.append((document_id, dossier_id, ordinal, kind, None, count // 3,
                                  f"archive/{code}/{code}.{ordinal:03d}.pdf", True))
        flags = [rng.random() < p for p in (0.93, 0.85, 0.9, 0.8)]
        quality.append((code, UNITS[unit], year, parts, pages, min(stamps), max(stamps), *flags, NOW))
        for criterion, ok in zip(("dung", "du", "sach", "song"), flags, strict=True):
            if not ok:
                reasons.append((code, dossier_id, criterion, f"bench_{criterion}", "Lý do thử nghiệm"))
    for status, count in (("processing", 40), ("needs_review", 3000), ("quarantined", 700), ("duplicate", 300)):
        for _ in range(count):
            dossier_id += 1
            unit = rng.randrange(len(UNITS))
            known = status == "needs_review" and rng.random() < 0.5
            dossiers.append((
                dossier_id, 1, f"/scans/x-{dossier_id}", "may-2", status, None, None, None, None, "thads",
                UNITS[unit] if known else None, 2025 if known else None, 5, 0, 0, None, NOW, NOW, None,
            ))
    return dossiers, documents, quality, reasons


def load_sqlite(path: Path, table: str, columns: tuple[str, ...], rows) -> None:  # noqa: ANN001
    conn = sqlite3.connect(path)
    marks = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    conn.commit()
    conn.close()


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def load_postgres(url: str, table: str, columns: tuple[str, ...], rows) -> None:  # noqa: ANN001
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buf = io.StringIO()
            for n, row in enumerate(rows, start=1):
                buf.write("\t".join(_copy_value(v) for v in row) + "\n")
                if n % 50000 == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        if table == "dossier":
            cur.execute("SELECT setval('dossier_id_seq', (SELECT max(id) FROM dossier))")


def vacuum_postgres(url: str) -> None:
    """What autovacuum does on a live server soon after a bulk load: statistics and the visibility map."""
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def fill(home: Path, url: str, cases: int) -> dict[str, int]:
    os.environ["SCANFLOW_DB_URL"] = url
    init_home(home)
    rng = random.Random(5)
    dossiers, documents, quality, reasons = facts_rows(cases, random.Random(7))
    batch = [(1, "process", "thads", "bench", "may-1", NOW - dt.timedelta(days=400), NOW)]
    imports = [(1, "register.csv", NOW - dt.timedelta(days=3), NOW - dt.timedelta(days=3), cases, 0, 0, 0)]
    tables = [
        ("batch", ("id", "kind", "profile", "host", "station", "started_at", "finished_at"), batch),
        ("register_import", ("id", "source", "started_at", "finished_at", "added", "updated", "unchanged",
                             "rejected"), imports),
        ("register_case", REGISTER_COLUMNS, register_rows(cases, rng)),
        ("dossier", DOSSIER_COLUMNS, dossiers),
        ("document", DOCUMENT_COLUMNS, documents),
        ("case_quality", QUALITY_COLUMNS, quality),
        ("quality_reason", REASON_COLUMNS, reasons),
    ]
    for table, columns, rows in tables:
        if url.startswith("sqlite"):
            load_sqlite(Path(make_url(url).database), table, columns, rows)
        else:
            load_postgres(url, table, columns, rows)
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database)
        conn.execute("ANALYZE")
        conn.close()
    else:
        vacuum_postgres(url)
    return {"register": cases, "digitised": len(quality), "dossiers": len(dossiers), "documents": len(documents)}


def time_process(home: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(REPO / ".venv/bin/scanflow"), "stats", "--json", "--home", str(home)],
                              capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        json.loads(done.stdout)
    return times


def time_version(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(REPO / ".venv/bin/scanflow"), "--version"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def time_query(home: Path, runs: int) -> tuple[list[float], dict]:
    settings, database = open_home(home)
    times, result = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        with database.session() as session:
            result = compute_stats(session, settings=settings)
        times.append(time.perf_counter() - started)
    database.dispose()
    return times, result


def reset_postgres(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--workdir", type=Path, help="Keep the filled homes here (default: a temporary folder).")
    parser.add_argument("--no-fill", action="store_true", help="Time the homes already filled in --workdir.")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/scanflow_stats_bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stats-bench-") as scratch:
        tmp = args.workdir or Path(scratch)
        engines = [("sqlite", None), ("postgresql", args.pg_url)]
        for name, url in engines:
            if args.only and name != args.only:
                continue
            home = Path(tmp) / name
            url = url or f"sqlite:///{home / 'scanflow.db'}"
            os.environ["SCANFLOW_DB_URL"] = url
            if not args.no_fill:
                if name == "postgresql":
                    reset_postgres(url)
                started = time.perf_counter()
                sizes = fill(home, url, args.cases)
                print(f"[{name}] filled in {time.perf_counter() - started:.0f} s: {sizes}", flush=True)
            query_times, result = time_query(home, args.runs)
            process_times = time_process(home, args.runs)
            print(f"[{name}] stats --json, process start included: {describe(process_times)}")
            print(f"[{name}]   for reference, `scanflow --version` (start-up and CLI imports only): "
                  f"{describe(time_version(args.runs))}")
            print(f"[{name}] stats --json, process start excluded: {describe(query_times)}")
            print(f"[{name}] register_total={result['register_total']} digitized={result['digitized']} "
                  f"coverage={result['coverage']:.4f} criteria={result['criteria']} backlog={result['backlog']}",
                  flush=True)
        os.environ.pop("SCANFLOW_DB_URL", None)


if __name__ == "__main__":
    main()
