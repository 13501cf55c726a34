"""The dashboard in a real browser (Debian's chromium, headless) against `scanflow serve` over really processed scans.

One home for the module: two generated dossiers at 200 dpi, processed against a register that lacks the
first one's case (so it waits for review with look-alike candidates) and holds the second's (archived).
The browser signs in, checks the counters against `scanflow stats --json`, searches without accents and
with exact accents, downloads a PDF and finishes the review, while every request it makes is recorded and
must go to the app itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import playwright.sync_api as playwright_api
import pytest

from samples.synth import generate
from scanflow.search import exact_key, folded_key
from tests.conftest import SCANFLOW

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PASSWORD = "mat-khau-van-phong"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cli(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([SCANFLOW, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"scanflow {' '.join(args)}: {done.stderr}"
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "scanflow serve exited"
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("scanflow serve did not answer")


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory):
    """A home with one dossier archived under its case and one waiting for review, and the dashboard serving it."""
    base = tmp_path_factory.mktemp("web")
    home, scans = base / "home", base / "scans"
    env = {**os.environ, "SCANFLOW_HOME": str(home), "SCANFLOW_PROGRESS": "0", "SCANFLOW_PASSWORD": PASSWORD}
    env.pop("SCANFLOW_DB_URL", None)
    generate(scans, 2, seed=11, dpi=200, difficulty="easy", pages_max=3, decoys=1, extra_cases=2)
    waiting, archived = json.loads((scans / "truth.json").read_text(encoding="utf-8"))["dossiers"]
    cli(env, "init")
    # The first import lacks the waiting dossier's case: the matcher finds only look-alikes (decoys) below
    # the accept threshold, so that dossier waits for a person; the full register comes in afterwards.
    with (scans / "register.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with (base / "partial.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(r for r in rows if r[0] != waiting["ma_ho_so"])
    cli(env, "register", "import", str(base / "partial.csv"))
    folders = [str(scans / Path(d["inputs"][0]).parts[0]) for d in (waiting, archived)]
    before, after = (json.loads(line) for line in cli(env, "process", "--json", *folders).stdout.splitlines())
    cli(env, "register", "import", str(scans / "register.csv"))
    cli(env, "stats", "--refresh")  # judge the criteria now, whether or not processing already did
    assert before["status"] == "needs_review", before
    assert after["status"] == "archived" and after["case"] == archived["ma_ho_so"], after
    cli(env, "user", "add", "lan", "--role", "operator")
    port = free_port()
    log = (base / "serve.log").open("w")
    server = subprocess.Popen([SCANFLOW, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        yield {"url": url, "env": env, "home": home, "waiting": waiting, "archived": archived, "base": base}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def stats_json(env: dict[str, str]) -> dict:
    return json.loads(cli(env, "stats", "--json").stdout)


def shown_counters(page) -> dict[str, str]:  # noqa: ANN001
    elements = page.query_selector_all("[data-stat]")
    return {el.get_attribute("data-stat"): el.get_attribute("data-value") for el in elements}


def assert_counters_match(page, stats: dict) -> None:  # noqa: ANN001
    shown = shown_counters(page)
    assert float(shown["coverage"]) == pytest.approx(stats["coverage"])
    assert int(shown["register_total"]) == stats["register_total"]
    assert int(shown["digitized"]) == stats["digitized"]
    for key, value in stats["criteria"].items():
        assert int(shown[f"criteria.{key}"]) == value, key
    for key, value in stats["backlog"].items():
        assert int(shown[f"backlog.{key}"]) == value, key


def page_words(home: Path, ma_ho_so: str) -> tuple[list[str], set[str]]:
    """Accented words read on the case's pages, and every exact token anywhere in the archive."""
    with sqlite3.connect(home / "scanflow.db") as conn:
        mine = [r[0] or "" for r in conn.execute(
            "SELECT p.text FROM page p JOIN dossier d ON d.id = p.dossier_id WHERE d.ma_ho_so = ?", (ma_ho_so,))]
        every = [r[0] or "" for r in conn.execute("SELECT text FROM page")]
    words = [w for text in mine for w in re.findall(r"[^\W\d_]{4,}", text) if folded_key(w) != exact_key(w)]
    tokens = {t for text in every for t in re.findall(r"[^\W_]+", exact_key(text))}
    return sorted(set(words), key=lambda w: (-len(w), w)), tokens


def other_tone(word: str, taken: set[str]) -> str | None:
    """WORD with the tone of one vowel changed, such that no page holds the result: bán → bàn."""
    letters = list(unicodedata.normalize("NFD", word))
    for i, ch in enumerate(letters):
        if ch in TONES:
            for tone in TONES:
                variant = unicodedata.normalize("NFC", "".join(letters[:i] + [tone] + letters[i + 1 :]))
                if tone != ch and exact_key(variant) not in taken:
                    return variant
    return None


def test_dashboard_in_a_browser(station) -> None:  # noqa: ANN001
    url, env, home = station["url"], station["env"], station["home"]
    archived, waiting = station["archived"], station["waiting"]
    seen: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # -- anonymous: refused -------------------------------------------------------------------------
            anonymous = browser.new_context()
            anonymous.on("request", lambda request: seen.append(request.url))
            page = anonymous.new_page()
            page.goto(f"{url}/dossiers")
            assert urlsplit(page.url).path == "/login"
            assert page.locator("input[name=csrf_token]").count() == 1
            assert anonymous.request.get(f"{url}/api/stats").status == 401
            assert anonymous.request.get(f"{url}/api/search?q=an").status == 401
            anonymous.close()

            context = browser.new_context(accept_downloads=True, viewport={"width": 1360, "height": 900})
            context.on("request", lambda request: seen.append(request.url))
            page = context.new_page()

            # -- sign in; the counters are what `scanflow stats --json` prints ----------------------------------
            page.goto(url)
            page.fill("input[name=username]", "lan")
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_url(f"{url}/")
            cookie = next(c for c in context.cookies() if c["name"] == "scanflow_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            stats = stats_json(env)
            assert stats["digitized"] == 1 and stats["backlog"]["needs_review"] == 1
            assert_counters_match(page, stats)
            assert context.request.get(f"{url}/api/stats").json() == stats
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(station["base"] / "overview.png"), full_page=True)

            # -- search: accent-insensitive, then exact -----------------------------------------------------
            words, tokens = page_words(home, archived["ma_ho_so"])
            word = next(w for w in words if other_tone(w, tokens))
            page.click("nav.mainnav a[href='/search']")
            page.fill("input[name=q]", folded_key(word))
            page.click("form.searchbox button[type=submit]")
            hits = page.locator("ol.hits li")
            assert hits.count() >= 1
            assert archived["ma_ho_so"] in page.locator("ol.hits").inner_text()
            assert exact_key(word) in [exact_key(m) for m in page.locator("ol.hits mark").all_inner_texts()]
            api = context.request.get(f"{url}/api/search", params={"q": folded_key(word)}).json()
            assert api and set(api[0]) == {"ma_ho_so", "document", "page", "snippet"}
            assert archived["ma_ho_so"] in {h["ma_ho_so"] for h in api}

            variant = other_tone(word, tokens)
            page.check("input[name=mode][value=exact]")
            page.fill("input[name=q]", word)
            page.click("form.searchbox button[type=submit]")
            assert archived["ma_ho_so"] in page.locator("ol.hits").inner_text()
            page.fill("input[name=q]", variant)
            page.click("form.searchbox button[type=submit]")
            assert page.locator("ol.hits li").count() == 0  # bán ≠ bàn
            folded = context.request.get(f"{url}/api/search", params={"q": variant, "mode": "folded"}).json()
            assert archived["ma_ho_so"] in {h["ma_ho_so"] for h in folded}

            # -- a dossier's page and its PDF ----------------------------------------------------------------
            page.goto(f"{url}/dossiers")
            page.click(f"table.dossiers a:has-text('{archived['ma_ho_so']}')")
            page.wait_for_selector("article.document")
            thumbs = page.locator("ol.thumbs img")
            assert thumbs.count() >= 1
            thumbs.first.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbs.first.element_handle())
            assert thumbs.first.evaluate("img => img.naturalWidth") == 240
            with page.expect_download() as info:
                page.locator("article.document a[download]").first.click()
            download = info.value
            saved = station["base"] / download.suggested_filename
            download.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF")
            assert download.suggested_filename.startswith(archived["ma_ho_so"])
            archived_file = next((home / "archive").rglob(download.suggested_filename))
            assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(archived_file.read_bytes()).digest()

            # -- finish the review ---------------------------------------------------------------------------
            page.click("nav.mainnav a[href='/review']")
            page.locator("a.button.primary").first.click()
            page.wait_for_selector("form.assign")
            codes = page.locator("input[name=ma_ho_so]").evaluate_all("els => els.map(e => e.value)")
            if waiting["ma_ho_so"] in codes:
                page.check(f"input[name=ma_ho_so][value='{waiting['ma_ho_so']}']")
            else:
                page.fill("input[name=code]", waiting["ma_ho_so"])
            page.click("form.assign button[type=submit]")
            page.wait_for_url(re.compile(r"/review\?done=assigned"))
            assert waiting["ma_ho_so"] in page.locator(".alert.ok").inner_text()
            assert "Không có hồ sơ nào chờ xem xét." in page.inner_text("main")

            page.click("nav.mainnav a[href='/']")
            stats = stats_json(env)
            assert stats["digitized"] == 2 and stats["backlog"]["needs_review"] == 0
            assert_counters_match(page, stats)

            # -- the English switch, then sign out ----------------------------------------------------------
            page.click("a[href^='/lang/en']")
            assert page.locator("h1").first.inner_text().startswith("Overview")
            page.click("form[action='/logout'] button")
            page.wait_for_url(re.compile(r"/login"))
            page.goto(f"{url}/review")
            assert urlsplit(page.url).path == "/login"
            context.close()
        finally:
            browser.close()

    assert seen, "no request recorded"
    elsewhere = sorted({u for u in seen if urlsplit(u).netloc != urlsplit(url).netloc})
    assert not elsewhere, elsewhere
    with sqlite3.connect(home / "scanflow.db") as conn:
        actions = {a for (a,) in conn.execute("SELECT action FROM audit_log WHERE username = 'lan'")}
    assert {"login", "search", "view_dossier", "download", "review_assign", "logout"} <= actions
