"""Pages per minute through real `scanflow worker` processes: one worker of concurrency 1 against two.

The same generated pages (samples/synth.py, 200 dpi) go through each set-up twice:
  * workers   — page tasks sent straight through the Celery executor: the OCR workers' own throughput;
  * end to end — `scanflow process --executor celery` on the same dossiers: workers plus the submitting process
                 (tagging, PDF/A writing, database), which on one 2-core machine competes with them for CPU.

    .venv/bin/python benchmarks/workers_bench.py                      # 1×1 vs 1×2 vs 2×1, 36 pages
    .venv/bin/python benchmarks/workers_bench.py --pages 60 --setups 1x1,2x1 --skip-process

Uses the local Redis (database 12, a namespace per set-up) and a temporary SQLite home per set-up; prints
a table and writes benchmarks/out/workers_bench.json. "CPU s/page" is the workers' CPU time (Tesseract
included) per page and "core share" how much of a core each worker process actually got: on a machine busy
with other work the wall-clock ratio falls short of 2 while CPU s/page stays flat, which shows the workers
themselves do not contend.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
VENV_BIN = Path(sys.executable).parent
OUT = REPO / "benchmarks" / "out"
BROKER = "redis://127.0.0.1:6379/12"


def generate(workdir: Path, args: argparse.Namespace) -> tuple[list[Path], int]:
    """Synthetic dossiers (folders of page images) with at least ARGS.pages pages in all, and their page count."""
    from samples.synth import generate as synth

    gen = workdir / "generated"
    truth = synth(gen, n_dossiers=max(1, -(-args.pages // 4)), seed=args.seed, dpi=args.dpi,
                  difficulty=args.difficulty, fmt="folder", pages_max=6, decoys=0, extra_cases=0)
    folders = [(gen / d.inputs[0]).parent for d in truth.dossiers]
    return folders, sum(len(d.pages) for d in truth.dossiers)


def page_tasks(home: Path, dossiers: list[Path], limit: int) -> list:
    """PageTasks for the first LIMIT pages of DOSSIERS, with a work folder in HOME."""
    from scanflow.config import load_profile
    from scanflow.intake.sources import inspect_input
    from scanflow.pages import PageTask

    profile = load_profile("thads", home)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=home / "work"))
    tasks = []
    for dossier in dossiers:
        for source in inspect_input(dossier, default_dpi=300, max_megapixels=200, existing_text="redo"):
            for frame in source.frames:
                tasks.append(PageTask(seq=len(tasks) + 1, source=source.path, kind=source.kind, frame=frame.index,
                                      dpi=frame.dpi, work_dir=work, image=profile.image, ocr=profile.ocr))
    return tasks[:limit]


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds used so far by the processes of group PGID and their reaped children (Tesseract runs)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


class Workers:
    """N `scanflow worker --concurrency C` processes, each in its own process group."""

    def __init__(self, count: int, concurrency: int, env: dict[str, str], logdir: Path) -> None:
        self.procs = []
        self.logs = [logdir / f"worker-{count}x{concurrency}-{i}.log" for i in range(count)]
        for log in self.logs:
            self.procs.append(subprocess.Popen(
                [str(VENV_BIN / "scanflow"), "worker", "--concurrency", str(concurrency), "--loglevel", "warning"],
                stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True,
            ))

    def cpu_seconds(self) -> float:
        return sum(group_cpu_seconds(proc.pid) for proc in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_for_workers(app, count: int, timeout: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1.0)) >= count:
            return
    raise SystemExit(f"{count} worker(s) did not come up in {timeout:.0f} s")


def measure(setup: str, workdir: Path, dossiers: list[Path], total: int, args: argparse.Namespace) -> dict:
    """Throughput of one set-up, on a home of its own (so `process` does not see earlier runs' dossiers)."""
    import redis

    from scanflow.config import load_settings
    from scanflow.executors.celery import CeleryExecutor

    count, concurrency = (int(x) for x in setup.split("x"))
    home = workdir / f"home-{setup}"
    name = f"scanflow-bench-{os.getpid()}-{setup}"  # a namespace of its own: nobody else's workers take the pages
    env = {**os.environ, "SCANFLOW_HOME": str(home), "SCANFLOW_BROKER_URL": BROKER, "SCANFLOW_PROGRESS": "0",
           "SCANFLOW_BROKER_NAMESPACE": name}
    env.pop("SCANFLOW_DB_URL", None)
    subprocess.run([str(VENV_BIN / "scanflow"), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    settings = load_settings(home)
    workers = Workers(count, concurrency, env, workdir)
    row: dict = {"setup": f"{count} worker(s) × concurrency {concurrency}", "processes": count * concurrency}
    try:
        executor = CeleryExecutor(settings, count * concurrency)
        wait_for_workers(executor.app, count)
        warm = page_tasks(home, dossiers, 2 * count * concurrency)
        list(executor.map_pages(warm))  # imports and first Tesseract start-up, not measured
        tasks = page_tasks(home, dossiers, args.pages)
        cpu_before, load_before = workers.cpu_seconds(), os.getloadavg()[0]
        started = time.perf_counter()
        results = list(executor.map_pages(tasks))
        elapsed = time.perf_counter() - started
        cpu = workers.cpu_seconds() - cpu_before
        executor.close()
        failed = [r.error for r in results if r.error]
        if failed:
            raise SystemExit(f"{len(failed)} pages failed: {failed[0]}")
        # share: how much of its processes' cores the set-up actually got (1.0 = every process had a core).
        row.update(pages=len(tasks), worker_seconds=round(elapsed, 2), worker_ppm=round(len(tasks) / elapsed * 60, 1),
                   cpu_seconds_per_page=round(cpu / len(tasks), 3),
                   core_share=round(cpu / elapsed / row["processes"], 2),
                   load=round(max(load_before, os.getloadavg()[0]), 2))
        if not args.skip_process:
            started = time.perf_counter()
            done = subprocess.run([str(VENV_BIN / "scanflow"), "process", "--executor", "celery", "--json",
                                   *map(str, dossiers)], capture_output=True, text=True, env=env, check=False)
            elapsed = time.perf_counter() - started
            records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
            pages = sum(r["pages"] for r in records)
            row.update(process_pages=total, process_seconds=round(elapsed, 2),
                       process_ppm=round(total / elapsed * 60, 1), archived_pages=pages)
    finally:
        workers.stop()
        client = redis.Redis.from_url(BROKER)
        keys = list(client.scan_iter(match=f"{name}:*"))
        if keys:
            client.delete(*keys)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=36)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--difficulty", default="moderate")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--setups", default="1x1,1x2,2x1", help="WORKERSxCONCURRENCY, comma-separated")
    parser.add_argument("--skip-process", action="store_true", help="only the workers' own throughput")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="scanflow-workers-"))
    try:
        dossiers, total = generate(workdir, args)
        rows = [measure(setup, workdir, dossiers, total, args) for setup in args.setups.split(",")]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    base = rows[0]
    print(f"{args.pages} pages, {args.dpi} dpi, {args.difficulty}; {os.cpu_count()} cores; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    if min(row["core_share"] for row in rows) < 0.85:
        print("warning: other processes took CPU from the workers (core share < 0.85); the ratios understate them")
    print(f"{'set-up':<32} {'workers: pages/min':>20} {'×':>6} {'CPU s/page':>11} {'core share':>11}"
          f" {'end to end: pages/min':>23} {'×':>6}")
    for row in rows:
        ratio = row["worker_ppm"] / base["worker_ppm"]
        line = (f"{row['setup']:<32} {row['worker_ppm']:>20.1f} {ratio:>6.2f} {row['cpu_seconds_per_page']:>11.2f}"
                f" {row['core_share']:>11.2f}")
        if "process_ppm" in row:
            line += f" {row['process_ppm']:>23.1f} {row['process_ppm'] / base['process_ppm']:>6.2f}"
        print(line)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "workers_bench.json").write_text(json.dumps({"args": vars(args), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
