"""Synthetic scanned enforcement dossiers with exact ground truth: the API and the `python -m samples.synth` CLI."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from samples.casegen import (
    REFERENCE_DATE,
    REGISTER_HEADER,
    CaseTruth,
    case_keys,
    make_case,
    make_decoys,
)
from samples.doctext import (
    LATER_BUILDERS,
    REQUIRED,
    STATUS_DOC,
    STORYLINES,
    DocSpec,
    build_ban_an,
    build_don_yeu_cau,
    build_qd_tha,
    make_context,
)
from samples.pagelayout import DocStyle, Mark, PageLayout, Para, family, font_families, layout, render_clean
from samples.scanner import PRESETS, Difficulty, ScanParams, binarize, sample_scan, scan, transform_points
from samples.writers import DEFAULT_JPEG_QUALITY, FORMATS, JPEG_FORMATS, write_pages, write_register

__all__ = [
    "FORMATS", "PRESETS", "REGISTER_HEADER", "CaseTruth", "DocumentTruth", "DossierTruth", "PageTruth",
    "RenderedPage", "ScanParams", "Truth", "generate", "main", "make_case", "make_decoys", "render_page",
    "render_text_page", "transform_points",
]

SCHEMA_VERSION = 1


# --- ground truth ----------------------------------------------------------------------------------------


class _Record:
    """Item access with truth.json's keys (``page["skew"]``) besides attributes (``page.skew``)."""

    def __getitem__(self, key: str) -> object:
        if key not in {f.name for f in dataclasses.fields(self)}:  # type: ignore[arg-type]
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: object = None) -> object:
        try:
            return self[key]
        except KeyError:
            return default


@dataclass
class PageTruth(_Record):
    """One page as written. ``lines`` are the printed lines in reading order (two-column blocks: the whole
    left block, then the right block; continuation pages start with their page number); stamps, signatures
    and the handwritten sheet number are not text. ``boxes`` are the lines' [x0, y0, x1, y1] on the clean
    upright page; map them with ``transform_points(…, skew, orientation, clean_width, clean_height)``."""

    page: int  # 1-based position in the dossier
    file: str  # path relative to the output folder
    frame: int  # index of the page inside a multi-page file (0 for single-page files)
    document: int | None  # 1-based index into the dossier's documents; None for blank pages
    text: str
    lines: list[str]
    boxes: list[list[int]]
    dpi: int
    width: int  # of the image as written (swapped for orientation 90/270)
    height: int
    clean_width: int
    clean_height: int
    skew: float  # degrees, positive = content rotated counter-clockwise as a viewer sees it
    orientation: int  # 0/90/180/270 = content rotated that many degrees clockwise, applied after skew
    blank: bool = False
    duplicate_of: int | None = None  # page number of the sheet this page re-scans
    but_luc: int | None = None  # handwritten sheet number (bút lục) top right, if any
    color: bool = False
    bw: bool = False
    jpeg_quality: int | None = None
    scan: dict[str, object] = field(default_factory=dict)


@dataclass
class DocumentTruth(_Record):
    """One paper of the dossier."""

    index: int  # 1-based, filing order
    type: str  # qd_tha | ban_an | don_yeu_cau | bb_xac_minh | … (DOMAIN.md codes)
    number: str | None  # canonical "125/QĐ-THADS", "07/2025/DS-ST"; None when the paper has none
    number_printed: str | None  # as printed, may carry stray spaces ("37/2023/QĐST - HNGĐ")
    date: str  # ISO
    issuer: str
    title: str
    summary: str
    signer: str
    pages: list[int]  # 1-based dossier pages, including a re-scanned duplicate of one of them
    tone_style: str  # "new" (hòa) or "old" (hoà) tone-mark placement in the printed text
    font: str


@dataclass
class DossierTruth(_Record):
    ma_ho_so: str
    inputs: list[str]
    format: str
    dpi: int
    color: bool
    bw: bool
    difficulty: str
    case: dict[str, object]
    complete: bool  # all papers the filing rules require are present
    missing: list[str]
    documents: list[DocumentTruth]
    pages: list[PageTruth]
    decoys: list[dict[str, object]]


@dataclass
class Truth(_Record):
    seed: int
    options: dict[str, object]
    register: str
    register_rows: int
    dossiers: list[DossierTruth]
    extra_cases: list[dict[str, object]]
    generator: str = "samples.synth"
    schema: int = SCHEMA_VERSION

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1, default=_json_default) + "\n",
                        encoding="utf-8")


def _json_default(obj: object) -> object:
    if isinstance(obj, dt.date):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def case_dict(case: CaseTruth) -> dict[str, object]:
    return json.loads(json.dumps(case.as_dict(), ensure_ascii=False, default=_json_default))


# --- single pages ------------------------------------------------------------------------------------------


@dataclass
class RenderedPage:
    image: Image.Image
    truth: PageTruth


def render_page(page: PageLayout, params: ScanParams, *, color: bool = False, bw: bool = False,
                jpeg_roundtrip: bool = True, ghost: np.ndarray | None = None) -> Image.Image:
    """Print ``page`` and scan it with ``params``: an "L", "RGB" or (``bw``) "1" image, dpi in ``info``."""
    clean = render_clean(page)
    arr = scan(clean, params, color, jpeg_roundtrip=jpeg_roundtrip and not bw, ghost=ghost)
    im = Image.fromarray(binarize(arr)) if bw else Image.fromarray(arr)
    im.info["dpi"] = (page.dpi, page.dpi)
    return im


def render_text_page(lines: Sequence[str], dpi: int = 300, skew: float = 0.0, orientation: int = 0, *,
                     color: bool = False, bw: bool = False, noise: float = 0.0, blur: float = 0.0,
                     jpeg_quality: int | None = None, paper: str = "white", font: str | None = None,
                     size_pt: float = 13.5, seed: int = 0) -> RenderedPage:
    """One A4 page of plain left-aligned paragraphs (each item of ``lines`` is word-wrapped), scanned with
    exactly the given skew/orientation/noise — for single-page tests. ``truth.lines`` are the wrapped lines."""
    if orientation not in (0, 90, 180, 270):
        raise ValueError("orientation must be 0, 90, 180 or 270")
    style = DocStyle(family(font), body_pt=size_pt)
    paras = [Para(unicodedata.normalize("NFC", t), align="left", indent=0, before=4) for t in lines]
    pages = layout(paras, style, dpi, seed=seed)
    params = ScanParams(skew=skew, orientation=orientation, paper=paper, noise=noise, blur=blur,
                        jpeg_quality=jpeg_quality, seed=seed)
    im = render_page(pages[0], params, color=color, bw=bw)
    truth = _page_truth(pages[0], params, im, page=1, file="", frame=0, document=None, color=color, bw=bw)
    return RenderedPage(im, truth)


def _page_truth(lay: PageLayout, params: ScanParams, im: Image.Image, **kw: object) -> PageTruth:
    lines = [unicodedata.normalize("NFC", t) for t in lay.lines]
    return PageTruth(text="\n".join(lines), lines=lines, boxes=[list(b) for b in lay.boxes()], dpi=lay.dpi,
                     width=im.width, height=im.height, clean_width=lay.width, clean_height=lay.height,
                     skew=params.skew, orientation=params.orientation, jpeg_quality=params.jpeg_quality,
                     scan=params.as_dict(), **kw)  # type: ignore[arg-type]


# --- dossiers ----------------------------------------------------------------------------------------------


@dataclass
class _Doc:
    spec: DocSpec
    style: DocStyle
    seed: int
    pages: list[PageLayout] = field(default_factory=list)


def _doc_style(rng: random.Random) -> DocStyle:
    fams = font_families()
    weights = [{"Liberation Serif": 8, "Noto Serif": 2, "DejaVu Serif": 1}.get(f.name, 1) for f in fams]
    fam = rng.choices(fams, weights)[0]
    return DocStyle(fam, body_pt=rng.choice((13.0, 13.5, 14.0)), leading=rng.uniform(1.22, 1.42),
                    margins=(rng.uniform(18, 25), rng.uniform(28, 35), rng.uniform(18, 25), rng.uniform(15, 20)),
                    indent=rng.uniform(8, 12.7), para_before=rng.uniform(2, 6))


def _lay_out(doc: _Doc, dpi: int) -> None:
    """Use as many filler paragraphs as it takes to reach the target page count; if even the bare paper
    runs over, set it tighter (as a clerk would) before accepting the extra page."""
    best: list[PageLayout] = []
    for n in range(len(doc.spec.filler) + 1):
        pages = layout(doc.spec.elements(n), doc.style, dpi, seed=doc.seed)
        if n == 0 and len(pages) > doc.spec.target_pages:
            tight = dataclasses.replace(doc.style, body_pt=13.0, leading=1.18, para_before=1.5,
                                        margins=(15.0, 25.0, 15.0, 15.0))
            tight_pages = layout(doc.spec.elements(0), tight, dpi, seed=doc.seed)
            if len(tight_pages) < len(pages):
                doc.style, pages = tight, tight_pages
        if len(pages) > doc.spec.target_pages and best:
            break
        best = pages
        if len(pages) >= doc.spec.target_pages:
            break
    doc.pages = best


def _later_dates(start: dt.date, n: int, rng: random.Random) -> list[dt.date]:
    """Dates of ``n`` later papers after ``start``, squeezed to end by REFERENCE_DATE."""
    gaps = [rng.randint(4, 75) for _ in range(n)]
    room = (REFERENCE_DATE - start).days
    if sum(gaps) > room:
        gaps = [g * room // sum(gaps) for g in gaps]
    dates, d = [], start
    for g in gaps:
        d += dt.timedelta(days=g)
        dates.append(d)
    return dates


def _target_pages(kind: str, case: CaseTruth, rng: random.Random) -> int:
    if kind == "ban_an":
        if case.quyet_dinh_toa:
            return rng.choice((1, 2, 2))
        return rng.choices((1, 2, 3), (1, 5, 4))[0]
    if kind in ("qd_tha", "don_yeu_cau"):
        return 1 if rng.random() < 0.8 else 2
    if kind in ("bb_xac_minh", "bb_ke_bien", "khac"):
        return 1 if rng.random() < 0.7 else 2
    return 1


@dataclass
class _Plan:
    case: CaseTruth
    docs: list[_Doc]
    missing: list[str]
    blank_after: int | None  # index into docs: a blank sheet follows that paper
    duplicate: int | None  # 0-based page (without extras) that is fed twice
    duplicate_gap: int  # 0: re-fed right after the original; 1: one sheet later
    but_luc: bool


def _plan_dossier(case: CaseTruth, rng: random.Random, preset: Difficulty, dpi: int, pages_max: int) -> _Plan:
    """Choose the dossier's papers (filing order, Circular 04/2023/TT-BTP art. 31), write and lay them out,
    and fit them into ``pages_max`` pages."""
    don_date = None
    if case.loai == "theo_yeu_cau":
        don_date = max(case.ngay_ban_an + dt.timedelta(days=16),
                       case.ngay_qd_tha - dt.timedelta(days=rng.randint(1, 8)))
    ctx = make_context(case, rng, don_date)
    later_kinds = list(rng.choice(STORYLINES[case.trang_thai]))
    if later_kinds and rng.random() < 0.3 and case.trang_thai == "Đang thi hành":
        later_kinds = later_kinds[: rng.randint(0, len(later_kinds))]
    dates = _later_dates(case.ngay_qd_tha, len(later_kinds), rng)
    specs: list[DocSpec] = [build_qd_tha(ctx, rng)]
    if don_date is not None:
        specs.append(build_don_yeu_cau(ctx, rng))
    specs.append(build_ban_an(ctx, rng))
    specs += [LATER_BUILDERS[k](ctx, rng, d) for k, d in zip(later_kinds, dates, strict=True)]
    last = max(s.date for s in specs)
    case = dataclasses.replace(case, ngay_cap_nhat=min(REFERENCE_DATE, last + dt.timedelta(days=rng.randint(0, 25))))

    missing: list[str] = []
    if rng.random() < preset.p_missing:
        gone = rng.choice([s.type for s in specs if s.type in ("ban_an", "don_yeu_cau")])
        specs = [s for s in specs if s.type != gone]
        missing.append(gone)
    docs = []
    for spec in specs:
        spec.target_pages = _target_pages(spec.type, case, rng)
        spec.tone_style = "old" if rng.random() < 0.15 else "new"
        docs.append(_Doc(spec, _doc_style(rng), rng.getrandbits(32)))
    for doc in docs:
        _lay_out(doc, dpi)
    blank_after = rng.randrange(len(docs)) if rng.random() < preset.p_blank else None
    n_pages = sum(len(d.pages) for d in docs)
    duplicate = rng.randrange(n_pages) if rng.random() < preset.p_duplicate else None
    plan = _Plan(case, docs, missing, blank_after, duplicate, int(rng.random() < 0.3), rng.random() < 0.6)
    _fit(plan, pages_max, dpi)
    return plan


def _fit(plan: _Plan, pages_max: int, dpi: int) -> None:
    """Drop extras, later papers, then pages, then required papers until the dossier fits ``pages_max``."""
    if pages_max < 1:
        raise ValueError("pages_max must be at least 1")
    stuck: set[int] = set()

    def total() -> int:
        return (sum(len(d.pages) for d in plan.docs) + (plan.blank_after is not None)
                + (plan.duplicate is not None))

    while total() > pages_max:
        if plan.duplicate is not None:
            plan.duplicate = None
            continue
        if plan.blank_after is not None:
            plan.blank_after = None
            continue
        later = [i for i, d in enumerate(plan.docs) if d.spec.type not in ("qd_tha", "ban_an", "don_yeu_cau")]
        if later:
            # keep the paper the register status rests on (QĐ hoãn, đình chỉ, …) as long as possible
            status_doc = STATUS_DOC.get(plan.case.trang_thai)
            optional = [i for i in later if plan.docs[i].spec.type != status_doc] or later
            del plan.docs[optional[-1]]
            continue
        multi = [(len(d.pages), i) for i, d in enumerate(plan.docs) if len(d.pages) > 1 and id(d) not in stuck]
        if multi:
            _, i = max(multi)
            doc = plan.docs[i]
            before = len(doc.pages)
            doc.spec.target_pages = before - 1
            _lay_out(doc, dpi)
            if len(doc.pages) >= before:
                stuck.add(id(doc))
            continue
        for kind in ("don_yeu_cau", "ban_an"):
            idx = [i for i, d in enumerate(plan.docs) if d.spec.type == kind]
            if idx:
                del plan.docs[idx[0]]
                plan.missing.append(kind)
                break
        else:
            plan.docs[0].pages = plan.docs[0].pages[:pages_max]
            break


def _assemble(plan: _Plan) -> list[tuple[PageLayout, int | None, int | None, bool]]:
    """Pages in scanning order: (layout, document index, duplicate_of position, blank)."""
    seq: list[tuple[PageLayout, int | None, int | None, bool]] = []
    for di, doc in enumerate(plan.docs):
        for lay in doc.pages:
            seq.append((lay, di, None, False))
        if plan.blank_after == di:
            blank = PageLayout(doc.pages[0].dpi, doc.pages[0].width, doc.pages[0].height, doc.pages[0].family)
            seq.append((blank, None, None, True))
    if plan.duplicate is not None:
        printed = [i for i, s in enumerate(seq) if not s[3]]
        src = printed[min(plan.duplicate, len(printed) - 1)]
        lay, di, _, _ = seq[src]
        at = min(len(seq), src + 1 + plan.duplicate_gap)
        seq.insert(at, (lay, di, src, False))
    return seq


def _mark_but_luc(plan: _Plan, seq: list[tuple[PageLayout, int | None, int | None, bool]]) -> list[int | None]:
    """Sheet numbers: the QĐTHA and each judgment take one number whatever their length; other papers one per
    sheet; blank backs none; a re-fed sheet shows the number of the original."""
    numbers: list[int | None] = []
    n = 0
    seen_doc: set[int] = set()
    for _, di, dup, blank in seq:
        if blank or di is None:
            numbers.append(None)
            continue
        if dup is not None:
            numbers.append(numbers[dup])
            continue
        kind = plan.docs[di].spec.type
        if kind in ("qd_tha", "ban_an") and di in seen_doc:
            numbers.append(None)
            continue
        seen_doc.add(di)
        n += 1
        numbers.append(n)
    if plan.but_luc:
        for (lay, _, dup, _), num in zip(seq, numbers, strict=True):
            if num is not None and dup is None and not any(m.kind == "but_luc" for m in lay.marks):
                px = lay.dpi * 14 / 72  # in the top margin, clear of the heading (margins are >= 15 mm)
                lay.marks.append(Mark("but_luc", lay.width - lay.dpi * 0.8, lay.dpi * 0.08, px * 3, px,
                                      str(num), seed=num))
    return numbers if plan.but_luc else [None] * len(numbers)


@dataclass(frozen=True)
class Options:
    n_dossiers: int = 3
    seed: int = 0
    dpi: int | None = None
    difficulty: str = "moderate"
    fmt: str = "folder"
    pages_max: int = 12
    decoys: int = 2
    extra_cases: int = 5
    color: bool = False
    bw: bool = False
    bom: bool = False
    register_dates: str = "iso"
    naming: str = "code"  # "code": files named by ma_ho_so; "scanner": scan-0001, scan-0002, …
    jpeg_quality: int | None = None  # fixed quality for the JPEG-based formats (the scanner's setting)
    scans_subdir: str = ""  # scans go to OUTDIR/<scans_subdir>/…; truth paths stay relative to OUTDIR


def _dossier(index: int, case: CaseTruth, opts: Options, preset: Difficulty, dpi: int, outdir: Path,
             decoys: list[CaseTruth]) -> tuple[DossierTruth, CaseTruth]:
    rng_docs = random.Random(f"{opts.seed}/{index}/docs")
    rng_scan = random.Random(f"{opts.seed}/{index}/scan")
    plan = _plan_dossier(case, rng_docs, preset, dpi, opts.pages_max)
    seq = _assemble(plan)
    but_luc = _mark_but_luc(plan, seq)
    bw = opts.bw or opts.fmt == "tiff-g4"
    per_file_q = opts.jpeg_quality
    if per_file_q is None and opts.fmt in ("tiff-jpeg", "pdf") and not bw:
        rng_q = random.Random(f"{opts.seed}/{index}/quality")  # own stream: the pages stay the same across formats
        per_file_q = rng_q.randint(*preset.jpeg) if rng_q.random() < preset.jpeg_p else DEFAULT_JPEG_QUALITY
    images: list[Image.Image] = []
    pages: list[PageTruth] = []
    clean_prev: np.ndarray | None = None
    for pos, ((lay, di, dup, blank), num) in enumerate(zip(seq, but_luc, strict=True)):
        params = sample_scan(preset, rng_scan, dpi)
        if blank:
            params = dataclasses.replace(params, fold=rng_scan.random() < 0.5,
                                         show_through=rng_scan.uniform(0.03, 0.08) if rng_scan.random() < 0.5 else 0)
        quality = params.jpeg_quality
        if opts.fmt in JPEG_FORMATS:
            quality = per_file_q if per_file_q is not None else (quality or DEFAULT_JPEG_QUALITY)
        if bw and opts.fmt not in ("folder-jpeg", "jpeg"):
            quality = None
        params = dataclasses.replace(params, jpeg_quality=quality)
        clean = render_clean(lay)
        arr = scan(clean, params, opts.color, jpeg_roundtrip=opts.fmt not in JPEG_FORMATS and not bw,
                   ghost=clean_prev if blank else None)
        im = Image.fromarray(binarize(arr)) if bw else Image.fromarray(arr)
        clean_prev = clean.text
        images.append(im)
        pages.append(_page_truth(lay, params, im, page=pos + 1, file="", frame=0,
                                 document=None if di is None else di + 1, blank=blank,
                                 duplicate_of=None if dup is None else dup + 1, but_luc=num, color=opts.color,
                                 bw=bw))
    name = plan.case.ma_ho_so if opts.naming == "code" else f"scan-{index + 1:04d}"
    if opts.scans_subdir:
        name = f"{opts.scans_subdir.strip('/')}/{name}"
    files = write_pages(images, outdir, name, opts.fmt, dpi, [p.jpeg_quality for p in pages])
    for p, (rel, frame) in zip(pages, files, strict=True):
        p.file, p.frame = rel, frame
    documents = []
    for di, doc in enumerate(plan.docs):
        s = doc.spec
        documents.append(DocumentTruth(di + 1, s.type, s.number, s.number_printed, s.date.isoformat(), s.issuer,
                                       s.title, s.summary, s.signer,
                                       [p.page for p in pages if p.document == di + 1], s.tone_style,
                                       doc.style.family.name))
    present = {d.type for d in documents}
    required = REQUIRED[plan.case.loai]
    missing = [k for k in required if k not in present]
    truth = DossierTruth(plan.case.ma_ho_so, sorted({rel for rel, _ in files}, key=_natural), opts.fmt, dpi,
                         opts.color, bw, preset.name, case_dict(plan.case), not missing, missing, documents, pages,
                         [case_dict(d) for d in decoys])
    return truth, plan.case


def _natural(s: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def _unique_case(rng: random.Random, taken: set[str]) -> CaseTruth:
    while True:
        case = make_case(rng)
        keys = case_keys(case)
        if not taken.intersection(keys):
            taken.update(keys)
            return case


def _register_decoy(decoy: CaseTruth, rng: random.Random, taken: set[str]) -> CaseTruth:
    while taken.intersection(case_keys(decoy)):
        seq = rng.randint(1, 9999)
        head = int(decoy.so_qd_tha.split("/")[0]) + rng.randint(1, 5)
        decoy = dataclasses.replace(decoy, ma_ho_so=f"THADS-{decoy.don_vi}-{decoy.year}-{seq:06d}",
                                    so_qd_tha=f"{head:02d}/{decoy.so_qd_tha.split('/', 1)[1]}")
    taken.update(case_keys(decoy))
    return decoy


def generate(outdir: str | Path, n_dossiers: int = 3, seed: int = 0, *, dpi: int | None = None,
             difficulty: str = "moderate", fmt: str = "folder", pages_max: int = 12, decoys: int = 2,
             extra_cases: int = 5, color: bool = False, bw: bool = False, bom: bool = False,
             register_dates: str = "iso", naming: str = "code", jpeg_quality: int | None = None,
             scans_subdir: str = "") -> Truth:
    """Write ``n_dossiers`` scanned dossiers, ``register.csv`` and ``truth.json`` into ``outdir`` and return
    the truth. Same arguments, same output: every random choice flows from ``seed`` (the cases do not depend
    on the difficulty, format or dpi)."""
    if difficulty not in PRESETS:
        raise ValueError(f"difficulty must be one of {sorted(PRESETS)}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}")
    if register_dates not in ("iso", "dmy", "mixed"):
        raise ValueError("register_dates must be iso, dmy or mixed")
    preset = PRESETS[difficulty]
    dpi = dpi or preset.dpi
    if dpi not in (200, 300):
        raise ValueError("dpi must be 200 or 300")
    opts = Options(n_dossiers, seed, dpi, difficulty, fmt, pages_max, decoys, extra_cases, color, bw, bom,
                   register_dates, naming, jpeg_quality, scans_subdir)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    cases = [_unique_case(random.Random(f"{seed}/{i}/case"), taken) for i in range(n_dossiers)]
    dossiers = []
    register: list[CaseTruth] = []
    for i, case in enumerate(cases):
        rng_decoy = random.Random(f"{seed}/{i}/decoys")
        ds = [_register_decoy(d, rng_decoy, taken) for d in make_decoys(case, rng_decoy, decoys)]
        truth, scanned = _dossier(i, case, opts, preset, dpi, out, ds)
        dossiers.append(truth)
        register += [scanned, *ds]
    rng_extra = random.Random(f"{seed}/extra")
    extras = [_unique_case(rng_extra, taken) for _ in range(extra_cases)]
    register += extras
    n_rows = write_register(out / "register.csv", register, random.Random(f"{seed}/register"), bom=bom,
                            dates=register_dates)
    truth_all = Truth(seed, dataclasses.asdict(opts), "register.csv", n_rows, dossiers,
                      [case_dict(c) for c in extras])
    truth_all.write(out / "truth.json")
    return truth_all


# --- CLI ---------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.synth",
                                 description="Generate synthetic scanned enforcement dossiers with ground truth.")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--dossiers", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=int, choices=(200, 300), default=None,
                    help="default: 300 (easy, moderate), 200 (hard)")
    ap.add_argument("--difficulty", choices=sorted(PRESETS), default="moderate")
    ap.add_argument("--format", dest="fmt", choices=list(FORMATS), default="folder")
    ap.add_argument("--pages-max", type=int, default=12, help="most pages in one dossier (extras count)")
    ap.add_argument("--decoys", type=int, default=2, help="register decoys per scanned case")
    ap.add_argument("--extra-cases", type=int, default=5, help="register cases with no scanned dossier")
    colour = ap.add_mutually_exclusive_group()
    colour.add_argument("--color", dest="color", action="store_true", help="24-bit RGB pages")
    colour.add_argument("--grey", dest="color", action="store_false", help="8-bit grey pages (default)")
    ap.add_argument("--bw", action="store_true", help="binarised 1-bit pages (bulk scanning)")
    ap.add_argument("--bom", action="store_true", help="write register.csv as UTF-8 with BOM (Excel)")
    ap.add_argument("--register-dates", choices=("iso", "dmy", "mixed"), default="iso")
    ap.add_argument("--naming", choices=("code", "scanner"), default="code",
                    help="name files by dossier code or like a scanner (scan-0001)")
    ap.add_argument("--jpeg-quality", type=int, default=None,
                    help="quality of every page in the JPEG-based formats (default: drawn from the difficulty)")
    ap.add_argument("--scans-subdir", default="",
                    help="write the scans under OUTDIR/SUBDIR (truth.json and register.csv stay in OUTDIR)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    truth = generate(args.outdir, args.dossiers, args.seed, dpi=args.dpi, difficulty=args.difficulty,
                     fmt=args.fmt, pages_max=args.pages_max, decoys=args.decoys, extra_cases=args.extra_cases,
                     color=args.color, bw=args.bw, bom=args.bom, register_dates=args.register_dates,
                     naming=args.naming, jpeg_quality=args.jpeg_quality, scans_subdir=args.scans_subdir)
    n_pages = sum(len(d.pages) for d in truth.dossiers)
    print(f"{len(truth.dossiers)} dossiers, {n_pages} pages, {truth.register_rows} register rows "
          f"-> {args.outdir} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
