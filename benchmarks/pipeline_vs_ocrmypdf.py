"""Throughput, size, accuracy and memory of `scanflow process` side by side with the `ocrmypdf` CLI.

Both tools get the same pages in one multi-page TIFF, generated with ground truth by samples/synth.py.

    .venv/bin/python benchmarks/pipeline_vs_ocrmypdf.py --pages 24 --difficulty moderate --dpi 300
    .venv/bin/python benchmarks/pipeline_vs_ocrmypdf.py --pages 24 --difficulty hard --dpi 200
    .venv/bin/python benchmarks/pipeline_vs_ocrmypdf.py --pages 300 --skip-peer   # memory on a long dossier
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

from PIL import Image
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OUT = REPO / "benchmarks" / "out"


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        ppid = int(stat[1])
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run CMD; wall seconds, peak resident memory of its whole process tree, and the completed process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    elapsed = time.perf_counter() - start
    return elapsed, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def normalise(text: str) -> str:
    """NFC words in sorted order: the reading order of a two-column heading is not an OCR error."""
    return " ".join(sorted(unicodedata.normalize("NFC", text).split()))


def cer(truth: str, read: str) -> float:
    """Character error rate, order-insensitive at word level (the same measure for both tools)."""
    truth_n, read_n = normalise(truth), normalise(read)
    return Levenshtein.distance(truth_n, read_n) / max(1, len(truth_n))


def pdf_page_texts(pdf: Path) -> list[str]:
    count = int(
        next(
            line.split()[-1]
            for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    return [
        subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for i in range(1, count + 1)
    ]


def make_pages(args: argparse.Namespace, workdir: Path) -> tuple[Path, list[dict]]:
    """Generate dossiers until ARGS.pages non-blank pages exist; return one multi-page TIFF and page truths."""
    gen = workdir / "generated"
    per_dossier = 6
    dossiers = max(1, -(-args.pages // per_dossier) + 1)
    subprocess.run(
        [
            sys.executable, "-m", "samples.synth", str(gen),
            "--dossiers", str(dossiers), "--seed", str(args.seed), "--dpi", str(args.dpi),
            "--difficulty", args.difficulty, "--format", "folder", "--pages-max", str(per_dossier),
        ],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    truth = json.loads((gen / "truth.json").read_text(encoding="utf-8"))
    pages: list[dict] = []
    for dossier in truth["dossiers"]:
        for page in dossier["pages"]:
            if page.get("blank") or page.get("duplicate_of"):
                continue
            pages.append({**page, "file": str(gen / page["file"])})
    pages = pages[: args.pages]
    tiff = workdir / f"pages-{args.difficulty}-{args.dpi}.tif"
    images = [Image.open(p["file"]) for p in pages]
    images[0].save(tiff, save_all=True, append_images=images[1:], compression="tiff_lzw", dpi=(args.dpi, args.dpi))
    for img in images:
        img.close()
    return tiff, pages


def run_peer(tiff: Path, workdir: Path, pages: list[dict]) -> dict:
    out = workdir / "peer.pdf"
    cmd = [str(VENV_BIN / "ocrmypdf"), "-l", "vie", "--deskew", "--rotate-pages", "--output-type", "pdfa-2",
           "-j", "2", str(tiff), str(out)]  # fmt: skip
    elapsed, peak, done = timed(cmd)
    mode = "pdfa-2"
    if done.returncode != 0 or not out.exists():
        # OCRmyPDF refuses Debian's Ghostscript 10.0.0 for PDF/A: measure its plain PDF mode instead, and say so.
        cmd[cmd.index("pdfa-2")] = "pdf"
        elapsed, peak, done = timed(cmd)
        mode = "pdf (PDF/A refused: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80] + ")"
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    texts = pdf_page_texts(out)
    return {
        "mode": mode,
        "seconds": elapsed,
        "peak_rss": peak,
        "bytes": out.stat().st_size,
        "cers": [cer(p["text"], t) for p, t in zip(pages, texts, strict=False)],
        "page_count": len(texts),
    }


def run_scanflow(tiff: Path, workdir: Path, pages: list[dict], workers: int) -> dict:
    home = workdir / "home"
    env = {**os.environ, "SCANFLOW_HOME": str(home), "SCANFLOW_PROGRESS": "0"}
    env.pop("SCANFLOW_DB_URL", None)
    subprocess.run([str(VENV_BIN / "scanflow"), "init"], check=True, env=env, stdout=subprocess.DEVNULL)
    cmd = [str(VENV_BIN / "scanflow"), "process", "--json", "-j", str(workers), str(tiff)]
    elapsed, peak, done = timed(cmd, env)
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not records or records[0]["status"] not in ("archived", "needs_review"):
        return {"error": (records[0].get("error") if records else done.stderr.strip()[-300:])}
    record = records[0]
    texts: dict[int, str] = {}
    for doc, output in zip(record["documents"], record["outputs"], strict=False):
        for seq, text in zip(doc["pages"], pdf_page_texts(Path(output)), strict=False):
            texts[seq] = text
    if not record["documents"]:
        for output in record["outputs"]:
            for text in pdf_page_texts(Path(output)):
                texts[len(texts) + 1] = text
    with sqlite3.connect(home / "scanflow.db") as conn:
        rows = conn.execute("SELECT seq, skew, orientation FROM page ORDER BY seq").fetchall()
    skew_err = [abs(r[1] - p["skew"]) for r, p in zip(rows, pages, strict=False)]
    orient_ok = [r[2] % 360 == p["orientation"] % 360 for r, p in zip(rows, pages, strict=False)]
    return {
        "seconds": elapsed,
        "peak_rss": peak,
        "bytes": sum(Path(o).stat().st_size for o in record["outputs"]),
        "cers": [cer(p["text"], texts.get(i + 1, "")) for i, p in enumerate(pages)],
        "page_count": len(texts),
        "skew_median": statistics.median(skew_err) if skew_err else None,
        "skew_p95": sorted(skew_err)[int(0.95 * (len(skew_err) - 1))] if skew_err else None,
        "orientation_ok": sum(orient_ok) / len(orient_ok) if orient_ok else None,
    }


def summarise(name: str, result: dict, n_pages: int) -> list[str]:
    if "error" in result:
        return [f"{name:<10} failed: {result['error']}"]
    ppm = n_pages / result["seconds"] * 60
    return [
        f"{name:<10} {ppm:8.1f} pages/min  {result['bytes'] / n_pages / 1024:8.0f} KiB/page  "
        f"CER mean {statistics.mean(result['cers']) * 100:5.2f}%  "
        f"median {statistics.median(result['cers']) * 100:5.2f}%  "
        f"peak RSS {result['peak_rss'] / 2**20:6.0f} MiB  ({result['seconds']:.1f} s)"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--difficulty", default="moderate", choices=["easy", "moderate", "hard"])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder under benchmarks/out/")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=OUT))
    try:
        tiff, pages = make_pages(args, workdir)
        n = len(pages)
        print(
            f"{n} pages, {args.dpi} dpi, difficulty {args.difficulty}, seed {args.seed}, "
            f"{os.cpu_count()} cores; input {tiff.stat().st_size / 2**20:.1f} MiB"
        )
        lines = []
        scan = run_scanflow(tiff, workdir, pages, args.workers)
        peer = None if args.skip_peer else run_peer(tiff, workdir, pages)
        if peer is not None:
            lines += summarise("ocrmypdf", peer, n)
            if "mode" in peer:
                lines.append(f"           ocrmypdf output type: {peer['mode']}")
        lines += summarise("scanflow", scan, n)
        if "error" not in scan:
            lines.append(
                f"           deskew error median {scan['skew_median']:.3f}°, p95 {scan['skew_p95']:.3f}°; "
                f"orientation right on {scan['orientation_ok'] * 100:.1f}% of pages"
            )
        if peer is not None and "error" not in peer and "error" not in scan:
            lines.append(
                f"ratios     throughput ×{peer['seconds'] / scan['seconds']:.2f}, "
                f"size {scan['bytes'] / peer['bytes']:.2f} of the peer's, "
                f"CER {statistics.mean(scan['cers']) * 100:.2f}% vs {statistics.mean(peer['cers']) * 100:.2f}%"
            )
        print("\n".join(lines))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
