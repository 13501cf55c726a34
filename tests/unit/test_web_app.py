"""The dashboard over HTTP (in-process): sign-in, CSRF, throttling, roles, anonymous access, pages, files, API."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from scanflow.home import init_home, open_home
from scanflow.pdf.assemble import PdfPage, publish, write_pdfa
from scanflow.pdf.xmp import XmpData
from scanflow.quality.refresh import refresh_all
from scanflow.quality.stats import compute_stats
from scanflow.search import index_dossier
from scanflow.store.models import Batch, Document, Dossier, Page, RegisterCase
from scanflow.store.users import AuditEntry
from scanflow.web import accounts, i18n, queries
from scanflow.web.app import create_app
from scanflow.web.charts import Bar, column_chart, hbar_chart

PASSWORD = "mat-khau-dai"
PAGE_TEXT = "QUYẾT ĐỊNH thi hành án. Ông Nguyễn Văn An phải trả cho bà Trần Thị Bình"
REPO = Path(__file__).resolve().parents[2]


def make_pdf(path: Path, tmp: Path, pages: int = 2) -> None:
    """A real archived document: scanflow's own PDF/A writer over grey JPEG page images."""
    specs = []
    for i in range(pages):
        pixels = np.full((400, 300), 235, np.uint8)
        pixels[40 + 20 * i : 60 + 20 * i, 30:270] = 20
        image = tmp / f"p{i}.jpg"
        Image.fromarray(pixels).save(image, quality=80)
        specs.append(PdfPage(image, "jpeg", 300, 400, 100.0, "gray", []))
    meta = XmpData(title="t", created=dt.datetime.now(dt.UTC), producer="test", creator_tool="test")
    path.parent.mkdir(parents=True, exist_ok=True)
    publish(write_pdfa(specs, meta, path, tmp), path)


@pytest.fixture()
def db_url() -> str | None:
    """The database of the test home: None for the home's SQLite file (tests/e2e/test_web_postgres.py overrides)."""
    return None


@pytest.fixture()
def site(tmp_path: Path, db_url: str | None, monkeypatch: pytest.MonkeyPatch):
    """A home with one archived dossier (a two-page PDF with text), one waiting for review, and three users."""
    home = tmp_path / "home"
    if db_url:
        monkeypatch.setenv("SCANFLOW_DB_URL", db_url)
    else:
        monkeypatch.delenv("SCANFLOW_DB_URL", raising=False)
    init_home(home)
    settings, database = open_home(home)
    with database.session() as session:
        session.add(RegisterCase(ma_ho_so="HS-2025-001", don_vi="THADS Tuyên Quang", year=2025,
                                 so_qd_tha="15/QĐ-CCTHADS", nguoi_phai_thi_hanh="Nguyễn Văn An"))
        batch = Batch(kind="process", profile="thads")
        session.add(batch)
        session.flush()
        pdf = Path("archive/THADS-Tuyen-Quang/2025/HS-2025-001/HS-2025-001.001.pdf")
        make_pdf(home / pdf, tmp_path)
        (home / pdf).with_name("HS-2025-001.danh-muc.csv").write_text("stt,ten\n1,QĐ\n", encoding="utf-8")
        dossier = Dossier(batch_id=batch.id, input_path="scan/hs1", status="archived", ma_ho_so="HS-2025-001",
                          don_vi="THADS Tuyên Quang", year=2025, profile="thads", pages_out=2,
                          archived_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
        session.add(dossier)
        session.flush()
        document = Document(dossier_id=dossier.id, ordinal=1, type="qd_tha", number="15/QĐ-CCTHADS",
                            output_path=str(pdf), page_count=2, pdfa_ok=True)
        session.add(document)
        session.flush()
        session.add_all([
            Page(dossier_id=dossier.id, document_id=document.id, seq=1, text=PAGE_TEXT),
            Page(dossier_id=dossier.id, document_id=document.id, seq=2, text="bán nhà, không phải cái bàn"),
        ])
        waiting = Dossier(batch_id=batch.id, input_path="scan/hs2", status="needs_review", profile="thads",
                          match_detail={"candidates": [{"ma_ho_so": "HS-2025-001", "score": 0.6, "reasons": ["x"]}]})
        session.add(waiting)
        session.flush()
        unassigned = Path(f"archive/_chua_xac_dinh/lo-{batch.id}/hs-{waiting.id}.001.pdf")
        make_pdf(home / unassigned, tmp_path, pages=1)
        session.add(Document(dossier_id=waiting.id, ordinal=1, output_path=str(unassigned), page_count=1))
        index_dossier(session, dossier.id)
        refresh_all(session, home=home)
        for name, role in (("admin", "admin"), ("sup", "supervisor"), ("op", "operator")):
            accounts.add_user(session, name, PASSWORD, role)
        ids = {"archived": dossier.id, "waiting": waiting.id, "document": document.id}
    app = create_app(settings, database)
    yield app, ids, database
    database.dispose()


def client_of(app) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url="http://scanflow.test")


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client: TestClient, name: str, password: str = PASSWORD, next_url: str = "/") -> object:
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token,
                                       "next": next_url}, follow_redirects=False)


def signed_in(app, name: str) -> TestClient:  # noqa: ANN001
    client = client_of(app)
    assert login(client, name).status_code == 303
    return client


def test_anonymous_is_refused(site) -> None:
    app, ids, _ = site
    client = client_of(app)
    for path in ("/", "/dossiers", f"/dossiers/{ids['archived']}", "/search?q=an", "/review", "/admin/users",
                 f"/documents/{ids['document']}/pdf", "/no/such/page"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    assert client.get("/dossiers", follow_redirects=False).headers["location"] == "/login?next=%2Fdossiers"
    for path in ("/api/stats", "/api/search?q=an", "/api/nothing"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"error": "authentication required"}
    assert client.post("/api/stats").status_code == 401
    response = client.post(f"/review/{ids['waiting']}/reject", data={"reason": "x"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/static/app.css").status_code == 200


def test_sign_in_sets_a_protected_cookie_and_out_ends_it(site) -> None:
    app, _, _ = site
    client = client_of(app)
    page = client.get("/login")
    assert 'name="username"' in page.text and 'name="password"' in page.text
    assert "httponly" in page.headers["set-cookie"].lower()
    response = login(client, "admin", next_url="/dossiers")
    assert response.status_code == 303 and response.headers["location"] == "/dossiers"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("scanflow_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
    assert "max-age" not in cookie.lower()  # a browser-session cookie; the server times it out
    assert client.get("/").status_code == 200
    assert client.get("/login", follow_redirects=False).status_code == 303
    token = csrf_from(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/stats").status_code == 401


def test_wrong_password_and_open_redirects(site) -> None:
    app, _, _ = site
    client = client_of(app)
    response = login(client, "admin", "wrong-password")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.text
    assert login(client, "nobody", "whatever-pass").status_code == 401
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = login(client_of(app), "admin", next_url=target)
        assert response.headers["location"] == "/", target


def test_csrf_is_required_on_every_post(site) -> None:
    app, ids, database = site
    anonymous = client_of(app)
    anonymous.get("/login")
    form = {"username": "admin", "password": PASSWORD}
    assert anonymous.post("/login", data=form).status_code == 403
    assert anonymous.post("/login", data={**form, "csrf_token": "forged"}).status_code == 403

    client = signed_in(app, "admin")
    token = csrf_from(client.get("/admin/users").text)
    new_user = {"username": "moi", "password": PASSWORD, "role": "operator"}
    assert client.post("/admin/users", data=new_user).status_code == 403
    assert client.post("/admin/users", data={**new_user, "csrf_token": "forged"}).status_code == 403
    other_site = {"origin": "http://evil.example"}
    response = client.post("/admin/users", data={**new_user, "csrf_token": token}, headers=other_site)
    assert response.status_code == 403
    assert client.post("/logout", follow_redirects=False).status_code == 403  # sign-out too
    with database.session() as session:
        assert [u.name for u in accounts.list_users(session)] == ["admin", "op", "sup"]
    response = client.post("/admin/users", data={**new_user, "csrf_token": token}, follow_redirects=False,
                           headers={"origin": "http://scanflow.test"})
    assert response.status_code == 303
    assert client.post("/admin/users/moi/disable", headers={"x-csrf-token": token},
                       follow_redirects=False).status_code == 303
    with database.session() as session:
        assert not accounts.get_user(session, "moi").active


def test_failed_sign_ins_are_throttled_per_user(site) -> None:
    app, _, _ = site
    client = client_of(app)
    for _ in range(accounts.MAX_FAILURES_PER_USER):
        assert login(client, "op", "wrong-password").status_code == 401
    response = login(client, "op")  # even the right password
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert login(client, "OP").status_code == 429  # names are case-insensitive
    assert login(client, "sup").status_code == 303  # another user from the same address is not blocked


def test_failed_sign_ins_are_throttled_per_address(site) -> None:
    app, _, _ = site
    client = client_of(app)
    for i in range(accounts.MAX_FAILURES_PER_ADDRESS):
        assert login(client, f"guess{i}", "wrong-password").status_code == 401
    assert login(client, "admin").status_code == 429


def test_throttle_window_expires() -> None:
    class FakeSession:
        def __init__(self, rows: list[dt.datetime]) -> None:
            self.rows = rows

        def execute(self, _query):  # noqa: ANN001, ANN202
            rows = self.rows

            class Result:
                def one(self):  # noqa: ANN202
                    return len(rows), min(rows) if rows else None

            return Result()

    now = dt.datetime(2026, 1, 1, 12, 0)
    recent = [now - dt.timedelta(minutes=m) for m in range(accounts.MAX_FAILURES_PER_USER)]
    with pytest.raises(accounts.LoginThrottled) as info:
        accounts.check_throttle(FakeSession(recent), "op", "1.2.3.4", now)
    assert 0 < info.value.retry_after <= accounts.THROTTLE_WINDOW.total_seconds()
    accounts.check_throttle(FakeSession(recent[:-1]), "op", "1.2.3.4", now)


def test_roles(site) -> None:
    app, _, _ = site
    operator = signed_in(app, "op")
    token = csrf_from(operator.get("/").text)
    assert operator.get("/admin/users").status_code == 403
    assert operator.get("/admin/audit").status_code == 403
    assert operator.get("/reports").status_code == 403
    response = operator.post("/admin/users", data={"username": "x1", "password": PASSWORD, "role": "admin",
                                                   "csrf_token": token})
    assert response.status_code == 403
    assert operator.post("/admin/users/op/role", data={"role": "admin", "csrf_token": token}).status_code == 403
    nav = operator.get("/").text
    assert 'href="/review"' in nav and 'href="/admin/users"' not in nav and 'href="/reports"' not in nav

    supervisor = signed_in(app, "sup")
    assert supervisor.get("/admin/users").status_code == 403
    assert 'href="/reports"' in supervisor.get("/").text

    admin = signed_in(app, "admin")
    assert admin.get("/admin/users").status_code == 200
    assert admin.get("/admin/audit").status_code == 200


def test_disabling_a_user_ends_their_session(site) -> None:
    app, _, _ = site
    operator = signed_in(app, "op")
    admin = signed_in(app, "admin")
    token = csrf_from(admin.get("/admin/users").text)
    assert admin.post("/admin/users/op/disable", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert operator.get("/", follow_redirects=False).status_code == 303
    assert login(client_of(app), "op").status_code == 401
    response = admin.post("/admin/users/admin/disable", data={"csrf_token": token})
    assert response.status_code == 400  # not yourself
    response = admin.post("/admin/users", data={"username": "bad name", "password": PASSWORD, "role": "operator",
                                                "csrf_token": token})
    assert response.status_code == 400 and "Tên đăng nhập không hợp lệ" in response.text


def test_pages_render_and_load_nothing_from_elsewhere(site) -> None:
    app, ids, _ = site
    client = signed_in(app, "admin")
    paths = ["/", "/dossiers", "/dossiers?status=archived&criterion=du&year=2025&unit=THADS+Tuy%C3%AAn+Quang",
             f"/dossiers/{ids['archived']}", f"/dossiers/{ids['waiting']}", "/review", f"/review/{ids['waiting']}",
             "/search?q=nguyen+van+an", "/search?q=b%C3%A0n&mode=exact", "/admin/users", "/admin/audit",
             "/units/THADS%20Tuy%C3%AAn%20Quang"]
    for lang in ("vi", "en"):
        client.get(f"/lang/{lang}")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "default-src 'self'" in response.headers["content-security-policy"]
            assert response.headers["cache-control"] == "no-store"
            for url in LinkCollector.collect(response.text):
                assert not re.match(r"^(https?:)?//", url), (path, url)
    assert "Overview" in client.get("/").text
    client.get("/lang/vi")
    assert "Tổng quan" in client.get("/").text


class LinkCollector(HTMLParser):
    """Every URL a page refers to (src, href, action)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "xlink:href") and v]

    @classmethod
    def collect(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.urls


def test_dossier_files_and_audit(site) -> None:
    app, ids, database = site
    client = signed_in(app, "op")
    page = client.get(f"/dossiers/{ids['archived']}").text
    assert "HS-2025-001.001.pdf" in page and "15/QĐ-CCTHADS" in page
    assert f"/dossiers/{ids['archived']}/danh-muc.csv" in page and "danh-muc.pdf" not in page
    response = client.get(f"/documents/{ids['document']}/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["x-content-type-options"] == "nosniff"
    inline = client.get(f"/documents/{ids['document']}/pdf", params={"inline": 1})
    assert inline.headers["content-disposition"].startswith("inline")
    assert "content-security-policy" not in inline.headers  # it would stop the browser's PDF viewer
    with database.session() as session:
        page_ids = session.scalars(select(Page.id).where(Page.dossier_id == ids["archived"]).order_by(Page.seq)).all()
    thumb = client.get(f"/pages/{page_ids[1]}/thumb.jpg")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    from io import BytesIO

    image = Image.open(BytesIO(thumb.content))
    assert image.width == 240 and image.height == 320
    assert np.asarray(image.convert("L"))[int((60 + 10) * 0.8), 120] < 80  # the second page's bar, not the first's
    assert client.get(f"/dossiers/{ids['archived']}/danh-muc.csv").text.startswith("stt,ten")
    assert client.get(f"/dossiers/{ids['archived']}/danh-muc.pdf").status_code == 404
    with database.session() as session:
        actions = [(e.username, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("op", "login") in actions
    assert ("op", "view_dossier") in actions
    assert actions.count(("op", "download")) == 3  # the PDF twice (saved, opened) and the Danh mục
    admin = signed_in(app, "admin")
    assert "xem hồ sơ" in admin.get("/admin/audit").text


def test_api_stats_and_search(site) -> None:
    app, _, database = site
    client = signed_in(app, "op")
    with database.session() as session:
        expected = compute_stats(session, settings=app.state.settings)
        expected_unit = compute_stats(session, settings=app.state.settings, don_vi="THADS Tuyên Quang", year=2025)
    assert client.get("/api/stats").json() == expected
    assert client.get("/api/stats", params={"don_vi": "THADS Tuyên Quang", "year": 2025}).json() == expected_unit
    hits = client.get("/api/search", params={"q": "nguyen van an"}).json()
    assert hits == [{"ma_ho_so": "HS-2025-001", "document": "HS-2025-001.001.pdf", "page": 1,
                     "snippet": PAGE_TEXT}]
    assert [h["page"] for h in client.get("/api/search", params={"q": "bán", "mode": "exact"}).json()] == [2]
    assert client.get("/api/search", params={"q": "ban", "mode": "exact"}).json() == []
    assert client.get("/api/search", params={"q": "x", "mode": "fuzzy"}).status_code == 400
    html = client.get("/search", params={"q": "nguyen van an"}).text
    assert "<mark>Nguyễn Văn An</mark>" in html


def test_overview_shows_the_counters(site) -> None:
    app, _, database = site
    client = signed_in(app, "op")
    html = client.get("/").text
    with database.session() as session:
        stats = compute_stats(session, settings=app.state.settings)
    shown = dict(re.findall(r'data-stat="([^"]+)" data-value="([^"]+)"', html))
    assert float(shown["coverage"]) == stats["coverage"]
    for key in ("register_total", "digitized"):
        assert int(shown[key]) == stats[key]
    for key, value in stats["criteria"].items():
        assert int(shown[f"criteria.{key}"]) == value
    for key, value in stats["backlog"].items():
        assert int(shown[f"backlog.{key}"]) == value
    assert '<svg class="chart hbar"' in html and '<svg class="chart columns"' in html
    assert "THADS Tuyên Quang: 100,0% (1/1)" in html  # the unit's bar, with its tooltip


def test_pages_per_day_and_week(site) -> None:
    _, _, database = site
    today = dt.datetime.now().astimezone().date()
    with database.session() as session:
        daily = queries.pages_per_day(session, 30)
        weekly = queries.pages_per_week(session, 12)
        assert len(daily) == 30 and daily[-1] == (today, 2) and sum(n for _, n in daily) == 2
        assert len(weekly) == 12 and weekly[-1] == (today - dt.timedelta(days=today.weekday()), 2)
        assert all(d.weekday() == 0 for d, _ in weekly)
        assert queries.pages_per_day(session, 7, unit="elsewhere") == [(d, 0) for d, _ in daily[-7:]]


def test_every_interface_string_has_an_english_version() -> None:
    sources = list((REPO / "scanflow/web/templates").glob("*.html")) + list((REPO / "scanflow/web").rglob("*.py"))
    literal = re.compile(r"""\bt\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
    found = set()
    for path in sources:
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1)[1:-1].replace('\\"', '"'))
    labels = [i18n.ROLE_LABELS, i18n.STATUS_LABELS, i18n.CRITERION_LABELS, i18n.CRITERION_HINTS, i18n.METHOD_LABELS,
              i18n.ACTION_LABELS, i18n.ACCOUNT_ERRORS]
    from scanflow.documents import TYPE_NAMES

    found |= {v for table in labels for v in table.values()} | set(TYPE_NAMES.values())
    from scanflow.web.app import ERROR_PAGES

    found |= {text for pair in ERROR_PAGES.values() for text in pair}
    missing = sorted(s for s in found if s not in i18n.EN)
    assert not missing, missing


def test_review_decisions_from_the_browser_form(site) -> None:
    app, ids, database = site
    client = signed_in(app, "op")
    queue = client.get("/review").text
    assert f'href="/review/{ids["waiting"]}"' in queue and "HS-2025-001" in queue
    item = client.get(f"/review/{ids['waiting']}").text
    assert 'value="HS-2025-001"' in item and "Nguyễn Văn An" in item  # the candidate with its register row
    token = csrf_from(item)
    url = f"/review/{ids['waiting']}"
    response = client.post(f"{url}/assign", data={"csrf_token": token})
    assert response.status_code == 400 and "Chọn một hồ sơ gợi ý hoặc nhập mã hồ sơ." in response.text
    response = client.post(f"{url}/assign", data={"csrf_token": token, "code": "KHONG-CO"})
    assert response.status_code == 400 and "KHONG-CO" in response.text
    response = client.post(f"{url}/reject", data={"csrf_token": token, "reason": "không phải hồ sơ THA"},
                           follow_redirects=False)
    assert response.status_code == 303 and "done=rejected" in response.headers["location"]
    with database.session() as session:
        dossier = session.get(Dossier, ids["waiting"])
        assert dossier.status == "quarantined" and "không phải hồ sơ THA" in dossier.error
        assert dossier.documents[0].output_path.startswith("quarantine/")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "review_reject")).one()
        assert entry.username == "op" and entry.detail["dossier_id"] == ids["waiting"]
    assert "Không có hồ sơ nào chờ xem xét." in client.get("/review").text


def test_supervisor_downloads_a_report(site) -> None:
    app, _, database = site
    client = signed_in(app, "sup")
    form = client.get("/reports").text
    assert 'name="period"' in form and 'value="xlsx"' in form and "THADS Tuyên Quang" in form
    year = dt.date.today().year
    response = client.get("/reports/download", params={"period": str(year), "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="bao-cao-{year}.csv"'
    assert "THADS Tuyên Quang" in response.content.decode("utf-8-sig")
    xlsx = client.get("/reports/download", params={"period": f"{year}-Q1", "don_vi": "THADS Tuyên Quang"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    bad = client.get("/reports/download", params={"period": "2026-Q7"})
    assert bad.status_code == 400 and 'class="alert error"' in bad.text
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "report_download")).all()
        assert [e.target for e in entries] == [f"bao-cao-{year}.csv", f"bao-cao-{year}-q1-thads-tuyen-quang.xlsx"]
    assert not list((app.state.settings.dir("work")).glob("report-*"))  # temporary files removed


def test_charts_are_plain_svg() -> None:
    bars = [Bar(f"{d:02d}/11", n, f"{n} trang") for d, n in enumerate([0, 3, 6, 1], start=1)]
    svg = str(column_chart(bars, title="Số trang <mỗi ngày>"))
    axis = re.findall(r'class="axis" x="[^"]+" y="[^"]+" text-anchor="end">([^<]+)<', svg)
    assert axis == ["0", "2", "4", "6", "8"]  # whole pages, never 2.5
    assert "Số trang &lt;mỗi ngày&gt;" in svg and "<script" not in svg and "style=" not in svg
    units = hbar_chart([Bar("Đơn vị <b>", 0.5, "50%", href="/units/x?a=1&b=2")], title="t", maximum=1.0)
    assert "Đơn vị &lt;b&gt;" in units and 'href="/units/x?a=1&amp;b=2"' in units
