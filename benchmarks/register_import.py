"""Benchmark `scanflow register import`: 1,000,000 realistic register rows into a fresh home, then a re-import
with 5% of the cases changed. Prints both timings (target: ≤ 120 s for the first import on 2 cores).

    .venv/bin/python -m benchmarks.register_import [--rows 1000000] [--postgres]

--postgres runs on a scratch database created on the local PostgreSQL server (dropped afterwards);
--db-url runs on the (empty) database you name.

The CSV files are generated once into benchmarks/out/ (seeded, reused by later runs). The timings are of the
real command (`scanflow register import FILE --json`) run as a subprocess, as an IT officer would run it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from samples.casegen import REGISTER_HEADER, TRANG_THAI, make_case

OUT = Path(__file__).resolve().parent / "out"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SCANFLOW = str(Path(sys.executable).parent / "scanflow")


def generate(path: Path, rows: int, seed: int) -> list[list[str]]:
    """Write `rows` register rows (dd/mm/yyyy dates, as Vietnamese exports have them) to PATH; return them."""
    rng = random.Random(seed)
    per_unit: Counter[tuple[str, int]] = Counter()
    data: list[list[str]] = []
    for _ in range(rows):
        case = make_case(rng)
        per_unit[case.don_vi, case.year] += 1
        row = case.register_row("dmy")
        row["ma_ho_so"] = f"THADS-{case.don_vi}-{case.year}-{per_unit[case.don_vi, case.year]:06d}"
        data.append([row[c] for c in REGISTER_HEADER])
    write(path, data)
    return data


def write(path: Path, data: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(REGISTER_HEADER)
        out.writerows(data)
    tmp.replace(path)


def changed(data: list[list[str]], fraction: float, seed: int) -> tuple[list[list[str]], int]:
    """A copy of the register in which `fraction` of the cases have a new status and update date
    (and one in five of those a corrected judgment number)."""
    rng = random.Random(seed + 1)
    status_at = REGISTER_HEADER.index("trang_thai")
    updated_at = REGISTER_HEADER.index("ngay_cap_nhat")
    judgment_at = REGISTER_HEADER.index("so_ban_an")
    out = [list(r) for r in data]
    picked = rng.sample(range(len(out)), int(len(out) * fraction))
    for i in picked:
        row = out[i]
        row[status_at] = rng.choice([s for s in TRANG_THAI if s != row[status_at]])
        row[updated_at] = f"{rng.randint(1, 28):02d}/{rng.randint(1, 11):02d}/2026"
        if rng.random() < 0.2:
            row[judgment_at] = row[judgment_at].replace("/", " / ", 1)  # a clerk's retyped number
    return out, len(picked)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_import(path: Path, env: dict[str, str]) -> tuple[float, float, dict]:
    """Wall-clock and CPU seconds of one `scanflow register import` (CPU time is what other load on a
    shared machine does not inflate), and its JSON summary."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [SCANFLOW, "register", "import", str(path), "--json"], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 2):
        sys.exit(f"import failed ({done.returncode}): {done.stderr.strip()}")
    return wall, _children_cpu() - cpu, json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def scratch_postgres() -> Iterator[str]:
    import psycopg

    name = f"scanflow_register_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_SERVER}/{name}"
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run(args: argparse.Namespace, db_url: str | None) -> None:
    """Generate the files if needed, then time the first import and the re-import on a fresh home."""
    base = OUT / f"register-{args.rows}-s{args.seed}.csv"
    again = OUT / f"register-{args.rows}-s{args.seed}-changed{int(args.changed * 100)}.csv"
    started = time.perf_counter()
    if base.exists() and again.exists():
        print(f"using {base.name} and {again.name}")
    else:
        print(f"generating {args.rows} rows into {OUT} …", flush=True)
        data = generate(base, args.rows, args.seed)
        modified, count = changed(data, args.changed, args.seed)
        write(again, modified)
        print(f"  generated in {time.perf_counter() - started:.0f} s ({count} cases changed for the re-import)")

    with tempfile.TemporaryDirectory(prefix="sf-bench-") as tmp:
        env = {**os.environ, "SCANFLOW_HOME": str(Path(tmp) / "home"), "SCANFLOW_PROGRESS": "0"}
        if db_url:
            env["SCANFLOW_DB_URL"] = db_url
        else:
            env.pop("SCANFLOW_DB_URL", None)
        subprocess.run([SCANFLOW, "init"], env=env, check=True, capture_output=True)
        print(f"load average before the runs: {os.getloadavg()[0]:.1f}")
        for label, path in (("first import", base), ("re-import, changed", again)):
            wall, cpu, report = run_import(path, env)
            size = path.stat().st_size / 1e6
            print(
                f"{label:<20} {wall:7.1f} s wall, {cpu:.1f} s CPU — {size:.0f} MB, "
                f"{args.rows / wall:,.0f} rows/s; added {report['added']}, updated {report['updated']}, "
                f"unchanged {report['unchanged']}, rejected {report['rejected']}",
                flush=True,
            )
        db = Path(tmp) / "home" / "scanflow.db"
        if db.exists():
            print(f"database size: {db.stat().st_size / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--changed", type=float, default=0.05, help="fraction of cases changed for the re-import")
    parser.add_argument("--db-url", default=None, help="an empty database to use (default: SQLite in the home)")
    parser.add_argument("--postgres", action="store_true", help=f"a scratch database on {PG_SERVER}")
    args = parser.parse_args()
    if args.postgres:
        with scratch_postgres() as url:
            run(args, url)
    else:
        run(args, args.db_url)


if __name__ == "__main__":
    main()
