"""`scanflow stats --check`: recompute every verdict and counter from the facts and list what differs from what is
stored and shown. Read-only, like a sanity checker: it trusts nothing it is checking."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanflow.config import Settings
from scanflow.quality import CRITERIA
from scanflow.quality.backlog import count_inbox, status_counts
from scanflow.quality.criteria import CRITERION_LABELS, Verdict, judge
from scanflow.quality.facts import chunks, digitised_codes, gather
from scanflow.quality.stats import (
    compute_stats,
    counters,
    last_register_import,
    register_is_current,
    unit_sort_key,
)
from scanflow.store.models import RegisterCase
from scanflow.store.quality import CaseQuality, QualityReason

_STORED_FIELDS = ("don_vi", "year", "dossiers", "pages", "first_archived_at", "last_archived_at")


@dataclass
class CheckReport:
    """What `stats --check` found: the cases compared and every difference, one line each."""

    cases: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _in_scope(unit: str | None, year: int | None, don_vi: str | None, want_year: int | None) -> bool:
    return (don_vi is None or unit == don_vi) and (want_year is None or year == want_year)


def _compare_case(code: str, verdict: Verdict | None, stored: CaseQuality | None, reasons: set[tuple]) -> list[str]:
    if verdict is None and stored is None:
        return []
    if stored is None:
        return [f"{code}: đã số hóa nhưng chưa có kết quả đánh giá (thiếu dòng case_quality)"]
    if verdict is None:
        return [f"{code}: có kết quả đánh giá nhưng không còn hồ sơ số hóa trong sổ"]
    out = []
    for name in _STORED_FIELDS:
        want, have = getattr(verdict, name), getattr(stored, name)
        if want != have:
            out.append(f"{code}: {name}: lưu {have}, tính lại {want}")
    for criterion, want in verdict.flags.items():
        have = bool(getattr(stored, criterion))
        if want != have:
            out.append(f"{code}: {CRITERION_LABELS[criterion]}: lưu {'đạt' if have else 'không đạt'}, "
                       f"tính lại {'đạt' if want else 'không đạt'}")
    expected = {f.key() for f in verdict.failures}
    for what, keys in (("thiếu lý do", expected - reasons), ("lý do thừa", reasons - expected)):
        for dossier_id, criterion, rule_code, message in sorted(keys, key=str):
            where = f" (bản quét #{dossier_id})" if dossier_id is not None else ""
            out.append(f"{code}{where}: {what} [{criterion}/{rule_code}] {message}")
    return out


def check(session: Session, settings: Settings, *, don_vi: str | None = None, year: int | None = None,
          home: Path | None = None) -> CheckReport:
    """Re-judge every digitised case in scope and recount every counter of `compute_stats` from the facts."""
    report = CheckReport()
    live = register_is_current(last_register_import(session), settings)
    stored_codes = set(session.scalars(select(CaseQuality.ma_ho_so)))
    codes = sorted(stored_codes | set(digitised_codes(session)))
    per_unit: dict[str | None, dict] = {}
    for chunk in chunks(codes):
        verdicts = {code: judge(facts) for code, facts in gather(session, chunk, home or settings.home).items()}
        stored = {row.ma_ho_so: row for row in session.scalars(
            select(CaseQuality).where(CaseQuality.ma_ho_so.in_(chunk)))}
        reasons: dict[str, set[tuple]] = {}
        for r in session.scalars(select(QualityReason).where(QualityReason.ma_ho_so.in_(chunk))):
            reasons.setdefault(r.ma_ho_so, set()).add((r.dossier_id, r.criterion, r.code, r.message))
        for code in chunk:
            verdict, row = verdicts.get(code), stored.get(code)
            if not any(x is not None and _in_scope(x.don_vi, x.year, don_vi, year) for x in (verdict, row)):
                continue
            report.cases += 1
            report.differences += _compare_case(code, verdict, row, reasons.get(code, set()))
            if verdict is not None and _in_scope(verdict.don_vi, verdict.year, don_vi, year):
                unit = per_unit.setdefault(verdict.don_vi, {"digitized": 0, **{c: 0 for c in CRITERIA}})
                unit["digitized"] += 1
                for criterion, ok in verdict.flags.items():
                    unit[criterion] += ok and (criterion != "song" or live)
    report.differences += _compare_counters(session, settings, per_unit, don_vi, year)
    return report


def _expected_stats(session: Session, settings: Settings, per_unit: dict[str | None, dict],
                    don_vi: str | None, year: int | None) -> dict:
    query = select(RegisterCase.don_vi, func.count()).group_by(RegisterCase.don_vi)
    if don_vi is not None:
        query = query.where(RegisterCase.don_vi == don_vi)
    if year is not None:
        query = query.where(RegisterCase.year == year)
    register: dict[str | None, int] = dict(session.execute(query).all())
    queues = status_counts(session, don_vi=don_vi, year=year)
    units = sorted(set(register) | set(per_unit) | set(queues), key=unit_sort_key)
    by_unit = []
    for unit in units:
        judged = per_unit.get(unit, {"digitized": 0})
        by_unit.append({"don_vi": unit, **counters(register.get(unit, 0), judged["digitized"], judged,
                                                    queues.get(unit, {}))})
    backlog = {k: sum(u["backlog"][k] for u in by_unit) for k in ("processing", "needs_review", "quarantined")}
    backlog["inbox"] = count_inbox(session, settings)
    totals = counters(sum(register.values()), sum(u["digitized"] for u in by_unit),
                      {c: sum(u["criteria"][c] for u in by_unit) for c in CRITERIA}, backlog)
    return {**totals, "by_don_vi": by_unit}


def _flatten(prefix: str, value: object, out: dict[str, object]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif isinstance(value, list):
        for item in value:
            unit = item.get("don_vi")
            rest = {k: v for k, v in item.items() if k != "don_vi"}
            _flatten(f"{prefix}[{unit if unit is not None else '(không rõ đơn vị)'}]", rest, out)
    else:
        out[prefix] = value


def _compare_counters(session: Session, settings: Settings, per_unit: dict[str | None, dict],
                      don_vi: str | None, year: int | None) -> list[str]:
    """The counters `stats` shows, against the same counters recounted from the facts."""
    shown: dict[str, object] = {}
    expected: dict[str, object] = {}
    _flatten("", compute_stats(session, settings=settings, don_vi=don_vi, year=year), shown)
    _flatten("", _expected_stats(session, settings, per_unit, don_vi, year), expected)
    out = []
    for key in sorted(set(shown) | set(expected)):
        have, want = shown.get(key, 0), expected.get(key, 0)
        if key.endswith("coverage") and isinstance(have, float) and isinstance(want, float):
            if abs(have - want) < 1e-12:
                continue
        elif have == want:
            continue
        out.append(f"{key}: hiển thị {have}, tính lại {want}")
    return out
