"""The portal in a real browser: headless Chromium (Debian ``chromium``) driven by Playwright, against uvicorn on
127.0.0.1. Skipped where Chromium or Playwright is missing; never downloads a browser."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (Debian chromium; .ci/run installs it)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="playwright is not installed (pip install playwright)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def serve(tmp_path, tiny_model_dir, tiny_tagger):
    """``serve(**settings)`` -> base URL of the app under uvicorn on a free loopback port (tiny model)."""
    import uvicorn

    from service.app import create_app
    from service.deps import get_tagger
    from service.settings import Settings

    running = []

    def start(**overrides) -> str:
        values = {"data_dir": tmp_path / "data", "database_url": None, "model_dir": tiny_model_dir,
                  "partner_method": "labels", "api_token": None, **overrides}
        app = create_app(Settings(**values))
        app.dependency_overrides[get_tagger] = lambda: tiny_tagger
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        running.append((server, thread, sock))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for server, thread, sock in running:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()


def _upload_through_the_page(page, base: str, pdf: Path, city: str = "", country: str = "") -> None:
    page.goto(base + "/upload")
    page.set_input_files("#file", str(pdf))
    if city:
        page.fill("input[name=city]", city)
    if country:
        page.select_option("select[name=country]", country)
    page.click("#send")


def _assert_tags_and_evidence(page, label: str) -> None:
    page.wait_for_url("**/documents/*", timeout=60_000)
    tag = page.locator(f'.label-name.assigned[data-label="{label}"]')
    tag.wait_for()
    assert tag.is_visible()
    passages = page.locator("blockquote.passage")
    assert passages.count() > 0
    assert passages.first.locator("span.page").inner_text().startswith("p. ")
    assert page.locator("blockquote.passage mark").count() > 0


def test_web_browser_upload_shows_tags_and_evidence(serve, page, pdf_dir):
    base = serve()
    _upload_through_the_page(page, base, pdf_dir / "pl.pdf", city="Łódź", country="PL")
    _assert_tags_and_evidence(page, "gd:energy")
    assert "Łódź" in page.inner_text("main")
    # each scheme card with assigned labels shows one visible "main" badge, on an assigned label
    assert page.locator(".main-label").count() >= 1
    for card in page.locator(".card.scheme").all():
        if card.locator(".label-name.assigned").count():
            badge = card.locator(".label-name.assigned .main-label")
            assert badge.count() == 1 and badge.is_visible() and badge.inner_text() == "main"
    page.goto(base + "/")
    assert page.locator("#documents tbody tr").count() == 1


def test_web_browser_long_document_goes_through_the_job_progress(serve, page, pdf_dir):
    base = serve(sync_max_pages=1)
    _upload_through_the_page(page, base, pdf_dir / "pl.pdf")
    _assert_tags_and_evidence(page, "gd:energy")


def test_web_browser_bad_file_shows_its_error_code(serve, page, bad_files):
    base = serve()
    _upload_through_the_page(page, base, bad_files["encrypted_pdf"])
    message = page.locator("#message")
    message.wait_for()
    page.wait_for_function("document.getElementById('message').dataset.code !== undefined")
    assert message.get_attribute("data-code") == "encrypted_pdf"
    assert page.url.endswith("/upload")


def test_web_browser_review_buttons_store_a_correction(serve, page, pdf_dir):
    base = serve()
    _upload_through_the_page(page, base, pdf_dir / "pl.pdf")
    _assert_tags_and_evidence(page, "gd:energy")
    page.click('.review-button[data-label="gd:energy"][data-action="accept"]')
    page.wait_for_function("document.getElementById('review-status').textContent.length > 0")
    assert "gd:energy" in page.inner_text("#review-status")
    corrections = page.request.get(base + "/api/v1/corrections").json()
    assert [(c["label"], c["action"]) for c in corrections] == [("gd:energy", "accept")]


def test_web_browser_polish_interface_and_heatmap(serve, browser, pdf_dir):
    base = serve()
    context = browser.new_context(locale="pl-PL", extra_http_headers={"Accept-Language": "pl-PL,pl"})
    page = context.new_page()
    try:
        _upload_through_the_page(page, base, pdf_dir / "cs.pdf", city="Plzeň", country="CZ")
        page.wait_for_url("**/documents/*")
        page.goto(base + "/compare")
        assert page.inner_text("h1") == "Pokrycie etykiet według krajów"
        assert page.locator('#heatmap tr[data-key="CZ"] td[data-label]').count() == 32
    finally:
        context.close()
