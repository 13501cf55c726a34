"""Tying a dossier to its case in the register: evidence per candidate, calibrated confidence, decision."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from rapidfuzz import fuzz

from scanflow.tagging.extract import DocumentFields
from scanflow.tagging.numbers import DocNumber, numbers_match, parse_number
from scanflow.tagging.text import compare_names, fold, split_names, unique_names

__all__ = [
    "DEFAULT_ACCEPT",
    "Candidate",
    "DossierFields",
    "MatchResult",
    "RegisterCase",
    "candidate_keys",
    "match_case",
]

DEFAULT_ACCEPT = 0.9
"""Recommended accept threshold: archive automatically at or above this confidence."""

MIN_MARGIN = 0.2
"""Least lead in posterior share the best candidate must have over the runner-up to be archived."""

GUARD_CAP = 0.5
"""Confidence ceiling when a safety guard fails (accept thresholds must be above it)."""

# Log-odds weights of the evidence (natural log). A candidate starts at _PRIOR; "none of the candidates"
# has log-odds 0, so a candidate needs positive evidence worth more than 4 to be more likely than not.
_PRIOR = -4.0
_W_QD_THA = 4.0  # scaled by 2·s − 1 for a number score s: +4 exact, 0 at s = 0.5, −4 for a conflict
_W_BAN_AN = 3.5
_W_DATE_QD_THA = (1.5, -1.0, -2.0)  # same date, same year but another day, another year
_W_DATE_BAN_AN = (1.0, -0.5, -1.0)
_W_DEBTOR = (1.0, 0.5, -0.7)  # accented match, folded match, no match
_W_CREDITOR = (0.8, 0.4, -0.5)
_W_COURT = (0.3, -0.3)
_W_LOAI = (0.3, -1.0)
_NUMBER_AGREES = 0.85
_NUMBER_CONFLICTS = 0.5
_ALTERNATIVE_DISCOUNT = 0.95  # a QĐTHA number cited by another document, not read from the QĐTHA itself

Loai = Literal["chu_dong", "theo_yeu_cau"]


@dataclass(frozen=True)
class RegisterCase:
    """One row of the office's case register (sổ thụ lý), in its canonical columns.

    `ma_ho_so` dossier code; `so_qd_tha`/`ngay_qd_tha` number and date of the enforcement decision;
    `so_ban_an`/`ngay_ban_an`/`toa_an` the judgment enforced and its court; `nguoi_phai_thi_hanh` /
    `nguoi_duoc_thi_hanh` debtor(s) / creditor(s) (several separated by ";", "," or "và"); `loai`
    "chu_dong" or "theo_yeu_cau"; `don_vi` the office; `trang_thai` status; `ngay_cap_nhat` last update.
    """

    ma_ho_so: str
    so_qd_tha: str | None = None
    ngay_qd_tha: date | None = None
    so_ban_an: str | None = None
    ngay_ban_an: date | None = None
    toa_an: str | None = None
    nguoi_phai_thi_hanh: str | None = None
    nguoi_duoc_thi_hanh: str | None = None
    loai: str | None = None
    don_vi: str | None = None
    trang_thai: str | None = None
    ngay_cap_nhat: date | None = None


def _unique_numbers(numbers: Iterable[DocNumber | None]) -> tuple[DocNumber, ...]:
    seen: dict[str, DocNumber] = {}
    for n in numbers:
        if n is not None and n.canonical not in seen:
            seen[n.canonical] = n
    return tuple(seen.values())


def _unique_names(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(unique_names(name for group in groups for name in group))


@dataclass(frozen=True)
class DossierFields:
    """What a dossier's documents say about its case, ready to compare with the register.

    `so_qd_tha` holds the readings of the QĐTHA number, most authoritative first (the QĐTHA's own "Số:",
    then citations in later documents); `so_ban_an` the judgment numbers (the one the QĐTHA cites first).
    """

    so_qd_tha: tuple[DocNumber, ...] = ()
    ngay_qd_tha: date | None = None
    so_ban_an: tuple[DocNumber, ...] = ()
    ngay_ban_an: date | None = None
    toa_an: str | None = None
    nguoi_phai_thi_hanh: tuple[str, ...] = ()
    nguoi_duoc_thi_hanh: tuple[str, ...] = ()
    loai: Loai | None = None

    @classmethod
    def from_documents(cls, docs: Sequence[DocumentFields]) -> DossierFields:
        """Aggregate documents' fields: the QĐTHA's own values first, then judgments, then citations."""
        qd = [d for d in docs if d.type == "qd_tha"]
        judgments = [d for d in docs if d.type == "ban_an"]
        others = [d for d in docs if d.type not in ("qd_tha", "ban_an")]
        ngay_qd_tha = next((d.date for d in qd if d.date), None) or next(
            (d.qd_tha_date for d in docs if d.qd_tha_date), None
        )
        ngay_ban_an = next((d.judgment_date for d in qd if d.judgment_date), None) or next(
            (d.date for d in judgments if d.date), None
        )
        loai = next((d.loai for d in qd if d.loai), None)
        if loai is None and any(d.type == "don_yeu_cau" for d in docs):
            loai = "theo_yeu_cau"
        return cls(
            so_qd_tha=_unique_numbers([d.number for d in qd] + [d.qd_tha_ref for d in docs]),
            ngay_qd_tha=ngay_qd_tha,
            so_ban_an=_unique_numbers(
                [d.judgment_ref for d in qd] + [d.number for d in judgments] + [d.judgment_ref for d in others]
            ),
            ngay_ban_an=ngay_ban_an,
            toa_an=next((d.court for d in qd + judgments + others if d.court), None),
            nguoi_phai_thi_hanh=_unique_names(d.debtors for d in qd + judgments + others),
            nguoi_duoc_thi_hanh=_unique_names(d.creditors for d in qd + judgments + others),
            loai=loai,
        )


@dataclass(frozen=True)
class Candidate:
    """A register case considered for a dossier: its posterior share `score` and why."""

    ma_ho_so: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MatchResult:
    """The outcome of matching a dossier: the chosen case (or None), confidence, all candidates ranked."""

    case: str | None
    confidence: float
    candidates: list[Candidate]
    decision: Literal["archived", "needs_review"]


@dataclass
class _Evidence:
    log_odds: float = _PRIOR
    reasons: list[str] = field(default_factory=list)
    numbers_agree: bool = False
    qd_tha_agrees: bool = False
    numbers_conflict: bool = False
    qd_tha_date_agrees: bool = False
    qd_tha_missing: bool = False
    judgment_agrees: bool = False
    loai_agrees: bool = False
    names_conflict: bool = False


def _with_year(number: DocNumber, day: date | None) -> DocNumber:
    """Enforcement numbers restart every year: give a year-less number the year of its date."""
    return replace(number, year=day.year) if number.year is None and day is not None else number


def _shown(numbers: Sequence[DocNumber]) -> str:
    return ", ".join(n.canonical for n in numbers)


def _number_evidence(
    ev: _Evidence,
    label: str,
    weight: float,
    readings: Sequence[DocNumber],
    register: DocNumber | None,
    *,
    dates: tuple[date | None, date | None] = (None, None),
    one_number: bool,
) -> float | None:
    """Score the dossier's readings of a number against the register's.

    `dates` (dossier's, register's) date the numbers when they carry no year; `one_number` says the
    dossier concerns a single such number (the QĐTHA), so a reading contradicting the register while
    another agrees is a conflict too.
    """
    if not readings or register is None:
        return None
    theirs = _with_year(register, dates[1])
    scores = [
        numbers_match(_with_year(r, dates[0]), theirs) * (1.0 if i == 0 else _ALTERNATIVE_DISCOUNT)
        for i, r in enumerate(readings)
    ]
    best = max(scores)
    ev.log_odds += weight * (2 * best - 1)
    if one_number and best >= _NUMBER_AGREES and min(scores) < _NUMBER_CONFLICTS:
        ev.numbers_conflict = True
        ev.reasons.append(f"số {label} đọc được không thống nhất: {_shown(readings)}")
    if best >= _NUMBER_AGREES:
        ev.numbers_agree = True
        ev.reasons.append(f"số {label} khớp ({register.canonical})")
    elif best < _NUMBER_CONFLICTS:
        ev.numbers_conflict = True
        ev.reasons.append(f"số {label} khác: đọc {_shown(readings)}, sổ {register.canonical}")
    else:
        ev.reasons.append(f"số {label} gần khớp ({best:.2f})")
    return best


def _date_evidence(
    ev: _Evidence, label: str, weights: tuple[float, float, float], ours: date | None, theirs: date | None
) -> bool:
    if ours is None or theirs is None:
        return False
    same, same_year, other = weights
    if ours == theirs:
        ev.log_odds += same
        ev.reasons.append(f"ngày {label} khớp")
        return True
    ev.log_odds += same_year if ours.year == theirs.year else other
    ev.reasons.append(f"ngày {label} khác ({ours:%d/%m/%Y} ≠ {theirs:%d/%m/%Y})")
    return False


def _name_evidence(
    ev: _Evidence, label: str, weights: tuple[float, float, float], ours: Sequence[str], theirs: str | None
) -> None:
    register_names = split_names(theirs)
    if not ours or not register_names:
        return
    best = max((compare_names(a, b) for a in ours for b in register_names), key=lambda m: m.score)
    accented, folded, none = weights
    if best.mode == "accented":
        ev.log_odds += accented
        ev.reasons.append(f"tên {label} khớp (có dấu)")
    elif best.mode == "folded":
        ev.log_odds += folded
        ev.reasons.append(f"tên {label} khớp (không dấu)")
    else:
        ev.log_odds += none
        ev.names_conflict = True
        ev.reasons.append(f"tên {label} không khớp")


def _evidence(d: DossierFields, c: RegisterCase) -> _Evidence:
    ev = _Evidence()
    register_qd = parse_number(c.so_qd_tha) if c.so_qd_tha else None
    qd_score = _number_evidence(
        ev, "QĐTHA", _W_QD_THA, d.so_qd_tha, register_qd, dates=(d.ngay_qd_tha, c.ngay_qd_tha), one_number=True
    )
    ev.qd_tha_missing = qd_score is None
    ev.qd_tha_agrees = qd_score is not None and qd_score >= _NUMBER_AGREES
    register_ba = parse_number(c.so_ban_an) if c.so_ban_an else None
    ba_score = _number_evidence(ev, "bản án", _W_BAN_AN, d.so_ban_an, register_ba, one_number=False)
    ev.judgment_agrees = ba_score is not None and ba_score >= _NUMBER_AGREES
    ev.qd_tha_date_agrees = _date_evidence(ev, "QĐTHA", _W_DATE_QD_THA, d.ngay_qd_tha, c.ngay_qd_tha)
    _date_evidence(ev, "bản án", _W_DATE_BAN_AN, d.ngay_ban_an, c.ngay_ban_an)
    _name_evidence(ev, "người phải THA", _W_DEBTOR, d.nguoi_phai_thi_hanh, c.nguoi_phai_thi_hanh)
    _name_evidence(ev, "người được THA", _W_CREDITOR, d.nguoi_duoc_thi_hanh, c.nguoi_duoc_thi_hanh)
    if d.toa_an and c.toa_an:
        if fuzz.token_set_ratio(fold(d.toa_an), fold(c.toa_an)) >= 85:
            ev.log_odds += _W_COURT[0]
            ev.reasons.append("tòa án khớp")
        else:
            ev.log_odds += _W_COURT[1]
            ev.reasons.append("tòa án khác")
    if d.loai and c.loai:
        if d.loai == c.loai:
            ev.loai_agrees = True
            ev.log_odds += _W_LOAI[0]
            ev.reasons.append("loại việc khớp")
        else:
            ev.log_odds += _W_LOAI[1]
            ev.reasons.append("loại việc khác")
    return ev


def _guard_failures(top: _Evidence, margin: float) -> list[str]:
    failures = []
    if top.numbers_conflict:
        failures.append("số mâu thuẫn với sổ: cần người xác nhận")
    # One judgment is often enforced by several QĐTHAs (chủ động for court fees, theo yêu cầu per creditor),
    # often issued the same day: without the QĐTHA number everything else must agree.
    by_judgment = (
        top.qd_tha_missing
        and top.judgment_agrees
        and top.qd_tha_date_agrees
        and top.loai_agrees
        and not top.names_conflict
    )
    if not (top.qd_tha_agrees or by_judgment):
        failures.append("chưa khớp số QĐTHA (hoặc bản án, ngày QĐTHA, loại việc và tên): không tự lưu")
    if margin < MIN_MARGIN:
        failures.append(f"cách biệt với ứng viên thứ hai quá nhỏ ({margin:.2f})")
    return failures


def match_case(
    dossier: DossierFields, candidates: Sequence[RegisterCase], *, accept: float = DEFAULT_ACCEPT
) -> MatchResult:
    """Choose the register case a dossier belongs to, or send it for review.

    Confidence model: each candidate's evidence (QĐTHA number and year, judgment number, QĐTHA and
    judgment dates, parties' names accented-then-folded, court, loai) adds log-odds to a prior of −4;
    the candidates' scores are their shares of a softmax that also holds "none of these" at log-odds 0,
    so scores sum to at most 1, and two good candidates split the mass. Confidence is the best share.

    Guarantees: the decision is "archived" only when confidence ≥ `accept` and the best candidate (1)
    agrees on the QĐTHA number — or, when either side lacks it, on the judgment number, the QĐTHA date
    and loai with no party's name contradicting, since several QĐTHAs may enforce one judgment on the
    same day; (2) has no number contradicting the register, and the dossier does not read its QĐTHA
    number two contradictory ways; (3) leads the runner-up by at least MIN_MARGIN. A failed guard caps
    confidence at GUARD_CAP and is explained in the best candidate's reasons. Names alone never archive:
    decoy cases share them.
    Raises ValueError unless GUARD_CAP < accept ≤ 1.
    """
    if not GUARD_CAP < accept <= 1:
        raise ValueError(f"accept must be in ({GUARD_CAP}, 1], not {accept}")
    if not candidates:
        return MatchResult(None, 0.0, [], "needs_review")
    evidence = [_evidence(dossier, c) for c in candidates]
    peak = max(0.0, *(e.log_odds for e in evidence))
    weights = [math.exp(e.log_odds - peak) for e in evidence]
    total = math.exp(-peak) + sum(weights)
    shares = [w / total for w in weights]
    ranked = sorted(range(len(candidates)), key=lambda i: shares[i], reverse=True)
    best = ranked[0]
    runner_up = shares[ranked[1]] if len(ranked) > 1 else 0.0
    failures = _guard_failures(evidence[best], shares[best] - runner_up)
    confidence = shares[best] if not failures else min(shares[best], GUARD_CAP)
    ranked_candidates = [
        Candidate(
            candidates[i].ma_ho_so,
            round(shares[i], 4),
            evidence[i].reasons + (failures if i == best else []),
        )
        for i in ranked
    ]
    confidence = round(confidence, 4)
    archived = not failures and confidence >= accept
    return MatchResult(
        candidates[best].ma_ho_so if archived else None,
        confidence,
        ranked_candidates,
        "archived" if archived else "needs_review",
    )


def candidate_keys(fields: DossierFields) -> dict[str, list[str | int]]:
    """Values to fetch register candidates with, cheaply and tolerantly of OCR noise.

    Keys: "so_qd_tha" canonical QĐTHA numbers ("125/QĐ-THADS"); "so_qd_tha_so" their bare running
    numbers (a garbled symbol still finds the row); "nam_qd_tha" the QĐTHA year when known; "so_ban_an"
    canonical judgment numbers ("07/2025/DS-ST"); "ten" folded party names ("nguyen van an"). Fetch the
    union of rows matching any key (compare the register's columns through `parse_number(...).canonical`
    and `fold`): decoys fetched by name are fine, `match_case` tells them apart.
    """
    years = {n.year for n in fields.so_qd_tha if n.year} | ({fields.ngay_qd_tha.year} if fields.ngay_qd_tha else set())
    return {
        "so_qd_tha": [n.canonical for n in fields.so_qd_tha],
        "so_qd_tha_so": sorted({n.number for n in fields.so_qd_tha}),
        "nam_qd_tha": sorted(years),
        "so_ban_an": [n.canonical for n in fields.so_ban_an],
        "ten": sorted({fold(n) for n in fields.nguoi_phai_thi_hanh + fields.nguoi_duoc_thi_hanh}),
    }
