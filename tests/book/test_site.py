"""The book builds with -W from the executed notebooks, and headless Chromium finds every page sound."""
from __future__ import annotations

import functools
import http.server
import os
import re
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
    import playwright.sync_api as playwright_api  # in requirements.txt: missing, the test fails rather than skips
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: `make test` installs Debian's chromium (or set $CHROMIUM)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


# Tables and figures wider than the text column: the column scrolls sideways, or an element's box reaches past it
# (a table in a scrolling wrapper is clipped: its box still reaches past the column). Folded content has no box.
TOO_WIDE = """() => {
    const column = document.querySelector('article.bd-article') || document.querySelector('main');
    const edge = column.getBoundingClientRect();
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' "' + (el.innerText || el.getAttribute('alt') || el.getAttribute('src') || '').trim().slice(0, 60) + '"';
    const wide = [];
    if (column.scrollWidth > column.clientWidth + 1) {
        wide.push(`the text column scrolls: ${column.scrollWidth} px of content in ${column.clientWidth} px`);
    }
    for (const el of column.querySelectorAll('table, img, figure, .cell_output svg')) {
        const box = el.getBoundingClientRect();
        if (box.width > 0 && (box.right > edge.right + 1 || box.left < edge.left - 1)) {
            wide.push(`${name(el)}: ${Math.round(box.width)} px wide, the column ${Math.round(edge.width)} px`);
        }
    }
    for (const el of column.querySelectorAll('*')) {
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && el.querySelector('table, img')) {
            wide.push(`${name(el)} scrolls sideways: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
        }
    }
    return wide;
}"""


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
    report["too_wide"] = page.evaluate(TOO_WIDE)
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
    assert not report["too_wide"], "wider than the text column:\n" + "\n".join(report["too_wide"])
    if page_path.startswith("notebooks/"):
        assert report["exercises"] >= 2, "each section has at least two exercises"
        assert report["solutions"] >= report["exercises"], "each exercise has its solution"


def test_pages_show_numbers_not_reprs(built_site):
    """Glued figures read as numbers in the prose, never as `np.float64(...)` reprs or missing keys."""
    for page in _pages(built_site):
        text = (built_site / page).read_text()
        assert "np.float64(" not in text and "np.int64(" not in text, page
        assert "IPython.core.display.Markdown object" not in text, page
        assert "PosixPath(" not in text, f"{page} shows a file path's repr (a cell ends with save_table(...))"


def test_markdown_tables_in_outputs_render_as_tables(built_site):
    """A cell that displays a Markdown table (DataFrame.to_markdown) shows an HTML table, not its pipes."""
    from bs4 import BeautifulSoup

    for page in _pages(built_site):
        soup = BeautifulSoup((built_site / page).read_text(), "html.parser")
        for output in soup.select(".cell_output"):
            for paragraph in output.find_all("p"):
                assert not paragraph.get_text().lstrip().startswith("|"), f"{page}: a Markdown table shown as text"


# A Markdown table's rule row, |---|, also as Sphinx's smartquotes leave it: |—| (--- becomes one em dash)
MARKDOWN_TABLE_RULE = re.compile(r"\|\s*:?(-{3,}|[\u2013\u2014]+):?\s*\|")
PROGRESS_RESIDUE = re.compile(r"it/s\]|s/it\]|\d+%\|[█▏▎▍▌▋▊▉ ]*\|")
UNRESOLVED = re.compile(r"\{glue(:[a-z]+)?\}|\{(ref|numref|doc|cite)\}`|\?\?\?")
MAX_OUTPUT_LINES = 40


def page_problems(html: str) -> list[str]:
    """What keeps a built page from being clean: raw Markdown tables, progress bars, walls of output, notices."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    for source in main.select(".cell_input"):  # the code itself may say anything; its outputs and the prose may not
        source.decompose()
    text = main.get_text()
    problems = []
    if MARKDOWN_TABLE_RULE.search(text):
        problems.append(f"a raw Markdown table: {MARKDOWN_TABLE_RULE.search(text).group()!r}")
    problems += [f"progress-bar residue: {match.group()!r}" for match in PROGRESS_RESIDUE.finditer(text)][:3]
    problems += [f"unresolved glue or reference: {match.group()!r}" for match in UNRESOLVED.finditer(text)][:3]
    if "No network" in text:
        problems.append("a 'No network' notice (the section card states which data the run used)")
    for output in main.select(".cell_output"):
        lines = sum(len(block.get_text().strip().splitlines()) for block in output.find_all("pre"))
        if lines > MAX_OUTPUT_LINES:
            problems.append(f"an output block of {lines} lines (at most {MAX_OUTPUT_LINES}): "
                            f"{output.get_text().strip()[:80]!r}")
    return problems


def test_page_problems_catch_what_makes_a_page_unclean():
    """The page check below fails on each kind of residue it looks for, and passes a clean page."""
    def page(output: str, prose: str = "Accuracy 0.95.") -> str:
        return (f"<main><p>{prose}</p><div class='cell_input'><pre>print('| a |---| it/s]')</pre></div>"
                f"<div class='cell_output'><pre>{output}</pre></div></main>")

    assert page_problems(page("0.95")) == []
    assert page_problems(page("| epsilon | spent |\n|\u2014|\u2014|"))
    assert page_problems(page("GAN: 100%|██████████| 300/300 [00:06<00:00, 44.83it/s]"))
    assert page_problems(page("No network for download from example.org (URLError); using the offline copy."))
    assert page_problems(page("\n".join(map(str, range(MAX_OUTPUT_LINES + 1)))))
    assert not page_problems(page("\n".join(map(str, range(MAX_OUTPUT_LINES)))))
    assert page_problems(page("0.95", prose="reached {glue:text}`dp_low` %"))
    assert page_problems(page("0.95", prose="see section ???"))


def test_every_page_is_clean(built_site):
    """No page shows raw Markdown tables, progress bars, output walls, data notices or unresolved glue."""
    unclean = {page: page_problems((built_site / page).read_text()) for page in _pages(built_site)}
    unclean = {page: problems for page, problems in unclean.items() if problems}
    assert not unclean, "\n".join(f"{page}: {'; '.join(problems)}" for page, problems in unclean.items())


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
