"""Register matching and document typing on generated dossiers with decoy cases, through the real CLI.

    .venv/bin/python benchmarks/tagging_accuracy.py --dossiers 20 --difficulty moderate --dpi 200

Prints: dossiers matched to the right case (without cover sheets), dossiers archived under a wrong case
(must be zero), dossiers sent to review, and documents found with the right type in the right order.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--difficulty", default="moderate", choices=["easy", "moderate", "hard"])
    parser.add_argument("--decoys", type=int, default=3)
    parser.add_argument("--pages-max", type=int, default=8)
    args = parser.parse_args()
    out = REPO / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tagging-", dir=out))
    try:
        gen = work / "gen"
        subprocess.run(
            [sys.executable, "-m", "samples.synth", str(gen), "--dossiers", str(args.dossiers), "--seed",
             str(args.seed), "--dpi", str(args.dpi), "--difficulty", args.difficulty, "--format", "folder",
             "--decoys", str(args.decoys), "--extra-cases", "50", "--pages-max", str(args.pages_max)],
            check=True, cwd=REPO, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        truth = json.loads((gen / "truth.json").read_text(encoding="utf-8"))
        env = {**os.environ, "SCANFLOW_HOME": str(work / "home"), "SCANFLOW_PROGRESS": "0"}
        env.pop("SCANFLOW_DB_URL", None)
        scanflow = str(VENV_BIN / "scanflow")
        subprocess.run([scanflow, "init"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run([scanflow, "register", "import", str(gen / "register.csv")], check=True, env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        inputs = [str((gen / d["inputs"][0]).parent) for d in truth["dossiers"]]  # one folder per dossier
        started = time.perf_counter()
        done = subprocess.run([scanflow, "process", "--json", *inputs], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        records = {r["input"]: r for r in map(json.loads, filter(None, done.stdout.splitlines()))}
        right = wrong = review = other = 0
        docs_total = docs_right = 0
        for dossier, path in zip(truth["dossiers"], inputs, strict=True):
            record = records.get(path, {})
            expected = dossier["ma_ho_so"]
            if record.get("status") == "archived" and record.get("case") == expected:
                right += 1
            elif record.get("status") == "archived" and record.get("case") not in (None, expected):
                wrong += 1
                print(f"WRONG CASE: {path}: {record.get('case')} instead of {expected}")
            elif record.get("status") == "needs_review":
                review += 1
            else:
                other += 1
                print(f"other: {path}: {record.get('status')} {record.get('error')}")
            truth_docs = [(d["type"]) for d in sorted(dossier["documents"], key=lambda d: d["index"])]
            got_docs = [d["type"] for d in record.get("documents", [])]
            docs_total += len(truth_docs)
            docs_right += sum(1 for a, b in zip(truth_docs, got_docs, strict=False) if a == b)
        n = len(inputs)
        pages = sum(r.get("pages", 0) for r in records.values())
        print(f"{n} dossiers ({args.difficulty}, {args.dpi} dpi, {args.decoys} decoys per case), {pages} pages, "
              f"{elapsed:.0f} s")
        print(f"right case      {right}/{n} = {right / n:.1%}")
        print(f"wrong case      {wrong}")
        print(f"needs review    {review}")
        print(f"failed          {other}")
        share = docs_right / max(1, docs_total)
        print(f"documents right type in right position {docs_right}/{docs_total} = {share:.1%}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
