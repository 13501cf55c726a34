"""The one door to the Tesseract program: version probe, OCR to words with boxes, orientation (OSD)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scanflow.errors import MissingDependencyError, OcrError

MIN_VERSION = (4, 1)
# One single-threaded process per core beats OpenMP threads that thrash on few cores.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
# Characters the Vietnamese model emits that never occur in Vietnamese text, and what they stand for.
_OCR_FIXES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})  # Ð→Đ, ð→đ (eth read for d-stroke)


@dataclass(frozen=True)
class TesseractInfo:
    path: str
    version: tuple[int, ...]
    version_text: str
    languages: frozenset[str]


@dataclass(frozen=True)
class Word:
    """One recognised word: text (NFC), box in pixels of the image given to Tesseract, confidence 0..100."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line_key: tuple[int, int, int]  # (block, paragraph, line) as Tesseract numbered them


@dataclass(frozen=True)
class OcrResult:
    words: tuple[Word, ...]
    text: str  # reading order: words joined by spaces, lines by newlines, paragraphs by a blank line

    @property
    def mean_confidence(self) -> float | None:
        if not self.words:
            return None
        return sum(w.conf for w in self.words) / len(self.words)


def clean_text(text: str) -> str:
    """OCR output as stored: NFC, with the Vietnamese model's eth-for-d-stroke confusion undone."""
    fixed = unicodedata.normalize("NFC", text.translate(_OCR_FIXES))
    # The fast model often doubles the d-stroke ("QĐĐ"); no Vietnamese word has two in a row.
    return fixed.replace("\u0110\u0110", "\u0110").replace("\u0111\u0111", "\u0111")


@functools.cache
def probe() -> TesseractInfo:
    """Find tesseract and its languages; raise MissingDependencyError with what to install."""
    path = shutil.which("tesseract")
    if path is None:
        raise MissingDependencyError("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-vie")
    out = subprocess.run([path, "--version"], capture_output=True, text=True, env=_ENV, check=False)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", first)
    if not match:
        raise MissingDependencyError(f"cannot read tesseract's version from {first!r}")
    version = tuple(int(g) for g in match.groups() if g is not None)
    if version < MIN_VERSION:
        raise MissingDependencyError(f"tesseract {first} is too old: scanflow needs 4.1 or newer")
    langs = subprocess.run([path, "--list-langs"], capture_output=True, text=True, env=_ENV, check=False)
    names = frozenset(line.strip() for line in langs.stdout.splitlines()[1:] if line.strip())
    return TesseractInfo(path=path, version=version, version_text=first, languages=names)


def require_languages(languages: tuple[str, ...] | list[str]) -> None:
    """Raise MissingDependencyError naming the Debian package of each missing language."""
    info = probe()
    missing = [lang for lang in languages if lang not in info.languages]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise MissingDependencyError(
            f"Tesseract language(s) {', '.join(missing)} not installed: apt-get install {packages}"
        )


def _run(args: list[str], timeout: int) -> str:
    try:
        done = subprocess.run(args, capture_output=True, env=_ENV, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise OcrError(f"tesseract took longer than {timeout} s on one page") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed: {err[-1] if err else f'exit code {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str) -> OcrResult:
    """Words and reading-order text from Tesseract's TSV output."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = clean_text(cols[11]).strip()
        if not text:
            continue
        words.append(
            Word(
                text=text,
                left=int(cols[6]),
                top=int(cols[7]),
                width=int(cols[8]),
                height=int(cols[9]),
                conf=max(0.0, float(cols[10])),
                line_key=(int(cols[2]), int(cols[3]), int(cols[4])),
            )
        )
    parts: list[str] = []
    previous: tuple[int, int, int] | None = None
    for word in words:
        if previous is None:
            pass
        elif word.line_key == previous:
            parts.append(" ")
        elif word.line_key[:2] == previous[:2]:
            parts.append("\n")
        else:
            parts.append("\n\n")
        parts.append(word.text)
        previous = word.line_key
    return OcrResult(words=tuple(words), text="".join(parts))


def ocr_image(
    image: Path,
    *,
    languages: tuple[str, ...],
    dpi: int,
    psm: int = 3,
    user_words: Path | None = None,
    user_patterns: Path | None = None,
    timeout: int = 180,
) -> OcrResult:
    """Recognise one page image file (PNG/PNM/TIFF) and return its words with boxes."""
    info = probe()
    args = [info.path, str(image), "stdout", "-l", "+".join(languages), "--psm", str(psm), "--dpi", str(int(dpi))]
    if user_words is not None:
        args += ["--user-words", str(user_words)]
    if user_patterns is not None:
        args += ["--user-patterns", str(user_patterns)]
    args.append("tsv")
    return parse_tsv(_run(args, timeout))


@dataclass(frozen=True)
class OsdResult:
    rotate: int  # degrees the page must be turned clockwise to be upright, as Tesseract reports
    confidence: float


def detect_orientation(image: Path, *, dpi: int, timeout: int = 60) -> OsdResult | None:
    """Tesseract's orientation and script detection; None when the page has too little text to tell."""
    info = probe()
    if "osd" not in info.languages:
        raise MissingDependencyError("Tesseract OSD data not installed: apt-get install tesseract-ocr-osd")
    try:
        out = _run([info.path, str(image), "stdout", "--psm", "0", "--dpi", str(int(dpi))], timeout)
    except OcrError:
        return None  # "Too few characters" is reported as a failure: nothing to decide on
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not conf:
        return None
    return OsdResult(rotate=int(rotate.group(1)) % 360, confidence=float(conf.group(1)))
