"""The book builds with -W from the executed notebooks, and headless Chromium finds every page sound."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

import synthlib
from conftest import TEST_BUILD

pytestmark = pytest.mark.chapters
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _pages(html: Path) -> list[str]:
    pages = ["book/preface.html", "book/references.html", "book/execution-statistics.html"]
    return pages + [f"notebooks/{info.notebook}.html" for info in synthlib.list_chapters()]


def test_book_builds_with_warnings_as_errors(built_site):
    for page in _pages(built_site):
        assert (built_site / page).exists(), page
    assert (built_site / "_static" / "mathjax" / "tex-mml-chtml.js").exists()


def test_statistics_page_reports_every_section_against_its_budget(built_site):
    text = (built_site / "book" / "execution-statistics.html").read_text()
    for info in synthlib.list_chapters():
        assert info.title in text
    assert "Budget" in text and "GPU" in text and "numpy" in text


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _visit(browser, url: str, screenshot: Path) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    # MathJax typesets asynchronously: wait until it says it is done (pages without maths resolve at once).
    page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise && "
                           "MathJax.startup.promise.then(() => true))", timeout=30_000)
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    report = page.evaluate("""() => ({
        images: [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0})),
        mathSource: document.querySelectorAll('.math, span.math, div.math').length,
        mathRendered: document.querySelectorAll('mjx-container').length,
        mathErrors: document.querySelectorAll('mjx-merror, .MathJax_Error').length,
        text: document.querySelector('main') ? document.querySelector('main').innerText : '',
        exercises: document.querySelectorAll('.exercise').length,
        solutions: document.querySelectorAll('.solution').length,
    })""")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=False)
    page.close()
    report["problems"] = problems
    return report


@pytest.mark.browser
@pytest.mark.parametrize("page_path", [
    "book/preface.html", "book/references.html", "book/execution-statistics.html",
    *[f"notebooks/{info.notebook}.html" for info in synthlib.list_chapters()],
])
def test_page_in_headless_chromium(browser, server, page_path):
    report = _visit(browser, f"{server}/{page_path}", TEST_BUILD / "screenshots" / (page_path.replace("/", "_") + ".png"))
    assert not report["problems"], report["problems"]
    broken = [image["src"] for image in report["images"] if not image["ok"]]
    assert not broken, f"images that did not load: {broken}"
    assert report["mathErrors"] == 0, "MathJax reported errors"
    assert report["mathRendered"] >= report["mathSource"], "some mathematics was not typeset"
    assert "\\frac" not in report["text"] and "\\(" not in report["text"], "raw TeX is visible on the page"
    if page_path.startswith("notebooks/"):
        assert report["exercises"] >= 2, "each section has at least two exercises"
        assert report["solutions"] >= report["exercises"], "each exercise has its solution"


def test_pages_show_numbers_not_reprs(built_site):
    """Glued figures read as numbers in the prose, never as `np.float64(...)` reprs or missing keys."""
    for page in _pages(built_site):
        text = (built_site / page).read_text()
        assert "np.float64(" not in text and "np.int64(" not in text, page
        assert "IPython.core.display.Markdown object" not in text, page


def test_student_edition_has_exercises_but_no_solutions(executed_fast):
    import pipeline
    from bs4 import BeautifulSoup

    html = pipeline.build_site(TEST_BUILD / "executed", TEST_BUILD / "student-html", student=True)
    for info in synthlib.list_chapters():
        soup = BeautifulSoup((html / "notebooks" / f"{info.notebook}.html").read_text(), "html.parser")
        assert len(soup.select(".exercise")) >= 2, info.id
        assert not soup.select(".solution"), f"a solution is left in the student edition of {info.id}"
        assert "✓ Exercise" not in soup.get_text(), f"a solution's self-check output is left in {info.id}"
