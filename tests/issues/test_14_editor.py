"""Issue 14, the query page's SPARQL editor (YASQE from npm, served by laborkg); the textarea without it."""

from __future__ import annotations

import http.client
import json
import os
import threading
import urllib.parse
from pathlib import Path

import pytest
from support.browser import chrome, css, offline_and_clean, open_page, wait
from support.cli import start_serve

from laborkg.backends.oxigraph import open_store
from laborkg.namespace import PREFIXES
from laborkg.server import editor
from laborkg.server.app import make_server
from laborkg.server.limits import Limits

SCRIPT = '<script src="/assets/editor/yasqe.min.js"></script>'
QUERY = "SELECT ?unit WHERE { ?unit lkg:subAgencyOf lkr:fgr } ORDER BY ?unit"


# -- over HTTP: a directory of our own making stands for the editor's files ---------------------------


def _serve(monkeypatch, built_store, directory: Path):
    monkeypatch.setenv(editor.ENV, str(directory))
    store = open_store(built_store)
    srv = make_server(store, Limits())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()

    def stop():
        srv.shutdown()
        srv.server_close()
        store.close()

    return srv.server_address[1], stop


def get(port: int, target: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", target)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture
def files(tmp_path) -> Path:
    d = tmp_path / "build"
    d.mkdir()
    (d / "yasqe.min.js").write_text("window.Yasqe = undefined; /* stand-in */\n")
    (d / "yasqe.min.css").write_text(".yasqe { color: black }\n")
    (d / "secret.txt").write_text("not for the web\n")
    (tmp_path / "outside.js").write_text("no\n")
    return d


def test_editor_files_are_served_with_their_types(monkeypatch, built_store, files):
    port, stop = _serve(monkeypatch, built_store, files)
    try:
        for name, ctype in (("yasqe.min.js", "text/javascript"), ("yasqe.min.css", "text/css")):
            status, headers, body = get(port, "/assets/editor/" + name)
            assert (status, headers["content-type"].split(";")[0]) == (200, ctype)
            assert body == (files / name).read_bytes()
            assert headers["etag"] and headers["x-content-type-options"] == "nosniff"
        status, headers, body = get(port, "/assets/editor/prefixes.json")
        assert (status, headers["content-type"].split(";")[0]) == (200, "application/json")
        assert json.loads(body) == {p: str(ns) for p, ns in PREFIXES.items()}  # laborkg's own, predeclared
        status, headers, body = get(port, "/query")
        assert status == 200 and SCRIPT.encode() in body
        assert b'href="/assets/editor/yasqe.min.css"' in body and b"<!-- editor -->" not in body
        assert "script-src 'self'" in headers["content-security-policy"]  # same origin: allowed, nothing else
    finally:
        stop()


@pytest.mark.parametrize(
    "target",
    [
        "/assets/editor/unknown.js",
        "/assets/editor/secret.txt",  # in the directory, but not one of the editor's files
        "/assets/editor/../outside.js",
        "/assets/editor/%2e%2e/outside.js",
        "/assets/editor/%2e%2e%2foutside.js",
        "/assets/editor/..%2f..%2fpackage.json",
        "/assets/editor/",
        "/assets/editor",
        "/assets/editor/yasqe.min.js/",
        "/static/../assets/editor/yasqe.min.js%00",
    ],
)
def test_unknown_names_and_traversal_are_404(monkeypatch, built_store, files, target):
    port, stop = _serve(monkeypatch, built_store, files)
    try:
        status, _, body = get(port, target)
        assert status == 404, (target, status)
        assert b"no\n" != body and b"not for the web" not in body
    finally:
        stop()


@pytest.mark.parametrize("present", [(), ("yasqe.min.js",), ("yasqe.min.css",)])
def test_without_the_editor_the_page_names_no_editor_file(monkeypatch, built_store, tmp_path, present):
    """An empty (or half-filled) editor directory: /query is the textarea page, with no script to 404 on."""
    for name in present:
        (tmp_path / name).write_text("/* one of two */\n")
    port, stop = _serve(monkeypatch, built_store, tmp_path)
    try:
        status, _, body = get(port, "/query")
        assert status == 200 and b'<textarea id="editor"' in body
        assert b"/assets/editor/" not in body
        for name in ("yasqe.min.js", "yasqe.min.css", "prefixes.json"):
            assert get(port, "/assets/editor/" + name)[0] == 404
    finally:
        stop()


# -- in a browser: the real editor npm installed (scripts/setup-editor) --------------------------------


def _installed() -> Path:
    """The editor's directory as laborkg finds it; without the editor the test skips, or fails under CI."""
    directory = editor.editor_dir()
    if not (directory / "yasqe.min.js").is_file():
        reason = (
            f"the SPARQL editor is not installed in {directory} (scripts/setup-editor installs it with npm)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"the editor's browser tests must run in CI: {reason}")
        pytest.skip(reason)
    return directory


@pytest.fixture(scope="module")
def browser():
    yield from chrome()


@pytest.fixture(scope="module")
def live_editor():
    """``laborkg serve`` with the editor npm installed."""
    _installed()
    proc, port = start_serve()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="module")
def live_plain(tmp_path_factory):
    """``laborkg serve`` with an empty editor directory: the plain textarea."""
    empty = tmp_path_factory.mktemp("no-editor")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(editor.ENV, str(empty))
        proc, port = start_serve()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(30)


def _code_input(driver):
    """CodeMirror's input, focused, its text selected (so that typing replaces it)."""
    from selenium.webdriver.common.keys import Keys

    css(driver, ".sparql-editor .CodeMirror")[0].click()
    box = css(driver, ".sparql-editor .CodeMirror textarea")[0]
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    return box


def _hints(driver) -> list[str]:
    return [li.text for li in css(driver, ".CodeMirror-hints li")]


def _text(driver) -> str:
    return driver.execute_script(
        "return document.querySelector('.sparql-editor .CodeMirror').CodeMirror.getValue()"
    )


@pytest.mark.browser
def test_editor_highlights_and_completes_laborkg_prefixes_and_terms(browser, live_editor):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, live_editor + "/query")
    wait(browser, lambda d: css(d, "body[data-editor=yasqe] .sparql-editor .CodeMirror"))
    assert not css(browser, "#editor")[0].is_displayed()  # the textarea gave way to the editor
    keywords = [s.text for s in css(browser, ".CodeMirror .cm-keyword")]
    assert "SELECT" in keywords and "WHERE" in keywords  # highlighted by the SPARQL mode's tokens
    assert css(browser, ".CodeMirror .cm-variable-2, .CodeMirror .cm-atom")  # ?agency …

    box = _code_input(browser)
    box.send_keys("PREFIX lk")
    wait(browser, lambda d: _hints(d))
    assert "lkg: <https://w3id.org/laborkg/ontology#>" in _hints(browser)
    assert all(h.startswith("lk") for h in _hints(browser))
    while not css(browser, ".CodeMirror-hint-active") or not css(browser, ".CodeMirror-hint-active")[
        0
    ].text.startswith("lkg:"):
        box.send_keys(Keys.DOWN)
    box.send_keys(Keys.ENTER)
    assert _text(browser).startswith("PREFIX lkg: <https://w3id.org/laborkg/ontology#>")

    box = _code_input(browser)
    box.send_keys("PREFIX db")  # a prefix laborkg does not know: no list from elsewhere offers one
    box.send_keys(Keys.CONTROL, " ")
    assert _hints(browser) == []

    box = _code_input(browser)
    box.send_keys("SELECT * WHERE { ?f a lkg:Fund")
    wait(browser, lambda d: _hints(d))
    assert "lkg:Funding" in _hints(browser)
    assert all(h.startswith("lkg:Fund") for h in _hints(browser))
    assert not css(browser, ".CodeMirror .gutterErrorBar .parseErrorIcon")  # lkg: is predeclared
    names = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert live_editor + "/assets/editor/prefixes.json" in names
    offline_and_clean(browser, live_editor)


@pytest.mark.browser
def test_a_query_typed_in_the_editor_runs_and_is_linked(browser, live_editor):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    open_page(browser, live_editor + "/query")
    wait(browser, lambda d: css(d, "#example[data-loaded]") and css(d, "body[data-editor=yasqe]"))
    Select(css(browser, "#example")[0]).select_by_value("agencies-lost-support")
    assert "lkg:Funding" in _text(browser) and not _text(browser).startswith("#+")  # shown in the editor
    assert "agencies-lost-support" in css(browser, "#mode")[0].text

    box = _code_input(browser)  # an edit: the packaged query gives way to one's own
    box.send_keys(QUERY)
    assert "ad-hoc" in css(browser, "#mode")[0].text
    assert css(browser, "#editor")[0].get_attribute("value") == QUERY  # the textarea follows the editor
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(browser, lambda d: css(d, "#results[data-state=done] table.results tbody tr"))
    cells = [td.text for td in css(browser, "#results table.results tbody td")]
    assert len(cells) == 3 and any("Organized Crime" in c for c in cells)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(browser.current_url).query)["query"] == [QUERY]
    assert {a.get_attribute("data-format") for a in css(browser, "#downloads a")} == {
        "json",
        "csv",
        "tsv",
        "xml",
    }

    shared = browser.current_url  # the link, opened afresh, shows the text in the editor and runs it
    open_page(browser, shared)
    wait(browser, lambda d: css(d, "#results[data-state=done] table.results tbody tr"))
    assert _text(browser) == QUERY and len(css(browser, "#results table.results tbody tr")) == 3
    offline_and_clean(browser, live_editor)


@pytest.mark.browser
def test_editor_page_in_spanish(browser, live_editor):
    open_page(browser, live_editor + "/query?labels=es&name=agencies-lost-support")
    wait(browser, lambda d: css(d, "#results[data-state=done] table.results tbody tr"))
    assert css(browser, "body[data-editor=yasqe]")
    assert css(browser, "#run")[0].text == "Ejecutar"
    assert "Secretaría del Trabajo y Previsión Social" in css(browser, "#results tbody tr")[0].text
    offline_and_clean(browser, live_editor)


@pytest.mark.browser
def test_without_the_editor_the_textarea_runs_a_query(browser, live_plain):
    open_page(browser, live_plain + "/query")
    wait(browser, lambda d: css(d, "#example[data-loaded]"))
    assert css(browser, ".CodeMirror") == [] and not css(browser, "body[data-editor]")
    editor_box = css(browser, "#editor")[0]
    assert editor_box.is_displayed()
    editor_box.clear()
    editor_box.send_keys(QUERY)
    css(browser, "#run")[0].click()
    wait(browser, lambda d: css(d, "#results[data-state=done] table.results tbody tr"))
    assert len(css(browser, "#results table.results tbody tr")) == 3
    assert "query=" in browser.current_url
    offline_and_clean(browser, live_plain)  # no script that 404s, nothing from elsewhere


def test_the_lockfile_pins_the_editor():
    """npm ci installs exactly what package-lock.json names: YASQE's version as package.json pins it."""
    root = Path(__file__).resolve().parents[2]
    wanted = json.loads((root / "package.json").read_text())["dependencies"]["@zazuko/yasqe"]
    lock = json.loads((root / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@zazuko/yasqe"]["version"] == wanted
    assert all("integrity" in p for name, p in lock["packages"].items() if name)
