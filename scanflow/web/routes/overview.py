"""The overview (coverage, the four criteria, backlog, charts) and one unit's drill-down."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from scanflow.quality.stats import compute_stats, last_register_import, register_is_current
from scanflow.store.users import Role
from scanflow.web import i18n, queries
from scanflow.web.charts import Bar, column_chart, hbar_chart
from scanflow.web.deps import database_of, language, render, require, settings_of
from scanflow.web.sessions import Viewer

router = APIRouter()
Operator = Annotated[Viewer, Depends(require(Role.operator))]
DAYS, WEEKS = 30, 12


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def throughput_charts(session, lang: str, unit: str | None = None) -> dict:  # noqa: ANN001
    """The pages-per-day and pages-per-week charts (and their numbers, for the tables under them)."""
    t, fmt = i18n.translator(lang), i18n.Formats(lang)
    daily = queries.pages_per_day(session, DAYS, unit)
    weekly = queries.pages_per_week(session, WEEKS, unit)
    day_bars = [Bar(d.strftime("%d/%m"), n, t("{n} trang", n=fmt.int(n))) for d, n in daily]
    week_bars = [Bar(d.strftime("%d/%m"), n, t("{n} trang", n=fmt.int(n))) for d, n in weekly]
    return {
        "daily": daily,
        "weekly": weekly,
        "daily_chart": column_chart(day_bars, title=t("Số trang mỗi ngày ({n} ngày gần nhất)", n=DAYS), width=1200,
                                    height=200, every=2, number=fmt.int),
        "weekly_chart": column_chart(week_bars, title=t("Số trang mỗi tuần ({n} tuần gần nhất)", n=WEEKS), every=2,
                                     number=fmt.int),
    }


def coverage_chart(stats: dict, lang: str, year: int | None) -> Markup:
    """Coverage per unit as horizontal bars, each linking to the unit's page."""
    t, fmt = i18n.translator(lang), i18n.Formats(lang)
    bars = []
    for unit in stats["by_don_vi"]:
        if not unit["register_total"]:
            continue
        name = unit["don_vi"] or t("(chưa rõ đơn vị)")
        text = f"{fmt.pct(unit['coverage'])} ({fmt.int(unit['digitized'])}/{fmt.int(unit['register_total'])})"
        href = None
        if unit["don_vi"]:
            href = f"/units/{quote(unit['don_vi'], safe='')}" + (f"?year={year}" if year else "")
        bars.append(Bar(name, unit["coverage"], text, href))
    return hbar_chart(bars, title=t("Tỷ lệ số hóa theo đơn vị"), maximum=1.0)


@router.get("/")
def overview(request: Request, viewer: Operator, year: str | None = None) -> Response:
    settings = settings_of(request)
    lang = language(request)
    chosen = _year(year)
    with database_of(request).session() as session:
        stats = compute_stats(session, settings=settings, year=chosen)
        last_import = last_register_import(session)
        years = queries.register_years(session)
        context = {
            "stats": stats,
            "year": chosen,
            "years": years,
            "last_import": last_import,
            "register_current": register_is_current(last_import, settings),
            "coverage_chart": coverage_chart(stats, lang, chosen),
            "max_age": settings.register_max_age_days,
            **throughput_charts(session, lang),
        }
    return render(request, "overview.html", context)


@router.get("/units/{don_vi}")
def unit(request: Request, viewer: Operator, don_vi: str, year: str | None = None) -> Response:
    settings = settings_of(request)
    lang = language(request)
    chosen = _year(year)
    with database_of(request).session() as session:
        if not queries.unit_exists(session, don_vi):
            raise HTTPException(404)
        years = queries.register_years(session)
        stats = compute_stats(session, settings=settings, don_vi=don_vi, year=chosen)
        per_year = [
            (y, compute_stats(session, settings=settings, don_vi=don_vi, year=y)) for y in years
        ]
        recent, total = queries.list_dossiers(session, queries.DossierFilter(unit=don_vi, year=chosen), 1, 15)
        context = {
            "unit": don_vi,
            "stats": stats,
            "year": chosen,
            "years": years,
            "per_year": [(y, s) for y, s in per_year if s["register_total"] or s["digitized"]],
            "recent": recent,
            "recent_total": total,
            **throughput_charts(session, lang, don_vi),
        }
        return render(request, "unit.html", context)
