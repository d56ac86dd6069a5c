"""The book builds with -W from the executed notebooks, and headless Chromium finds every page sound."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import TEST_BUILD

import synthlib

pytestmark = pytest.mark.chapters
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _pages(html: Path) -> list[str]:
    pages = ["book/preface.html", "book/references.html", "book/instructor-guide.html", "book/execution-statistics.html"]
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
        pytest.fail(f"no browser at {CHROMIUM}: `make test` installs Debian's chromium (or set $CHROMIUM)")
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
    "book/preface.html", "book/references.html", "book/instructor-guide.html", "book/execution-statistics.html",
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


def test_no_broken_internal_links(built_site):
    """Every internal href/src of every page points at a file of the site, and every #anchor exists."""
    from urllib.parse import unquote, urlsplit

    from bs4 import BeautifulSoup

    ids_cache: dict[Path, set[str]] = {}

    def ids(page: Path) -> set[str]:
        if page not in ids_cache:
            soup = BeautifulSoup(page.read_text(errors="replace"), "html.parser")
            ids_cache[page] = {tag["id"] for tag in soup.find_all(id=True)}
        return ids_cache[page]

    broken = []
    pages = [p for p in sorted(built_site.rglob("*.html")) if "_static" not in p.relative_to(built_site).parts]
    for page in pages:
        soup = BeautifulSoup(page.read_text(errors="replace"), "html.parser")
        for tag, attribute in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
            for element in soup.find_all(tag, **{attribute: True}):
                target = urlsplit(element[attribute])
                if target.scheme or target.netloc or element[attribute].startswith(("mailto:", "javascript:")):
                    continue
                file = page if not target.path else (page.parent / unquote(target.path)).resolve()
                if file.is_dir():
                    file = file / "index.html"
                if not file.exists():
                    broken.append(f"{page.relative_to(built_site)}: {element[attribute]}")
                elif target.fragment and file.suffix == ".html" and unquote(target.fragment) not in ids(file):
                    broken.append(f"{page.relative_to(built_site)}: {element[attribute]} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


SEARCHES = {"bootstrap": "2.2", "CTGAN": "5.1", "epsilon": "7.1"}


@pytest.mark.browser
@pytest.mark.parametrize("term, section", SEARCHES.items())
def test_site_search_finds_the_chapter(browser, server, term, section):
    try:
        notebook = synthlib.chapter_info(section).notebook
    except KeyError:
        pytest.skip(f"section {section} is not written yet")
    page = browser.new_page()
    page.goto(f"{server}/search.html?q={term}", wait_until="load")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    hits = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    page.close()
    assert any(notebook in href for href in hits), f"searching {term!r} did not find {notebook}: {hits[:10]}"


def test_every_chapter_offers_its_notebook_and_artifacts(built_site):
    for info in synthlib.list_chapters():
        html = (built_site / "notebooks" / f"{info.notebook}.html").read_text()
        assert f"_sources/notebooks/{info.notebook}.ipynb" in html, f"{info.id}: no notebook download"
        artifacts = TEST_BUILD / "artifacts" / info.id
        for artifact in sorted(artifacts.glob("*")) if artifacts.exists() else []:
            assert f'{artifact.name}"' in html and "_downloads/" in html, f"{info.id}: no download link to {artifact.name}"
