"""Headless Chromium for the browser tests (Debian's chromium + chromium-driver, installed by
scripts/setup-test-env) driven by Selenium, and the helpers the web tests share. Without Chromium a test
skips with the reason, except under CI (``CI`` set), where it fails."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--window-size=1280,1000",
)


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason} (scripts/setup-test-env installs them)")
    pytest.skip(reason)


def chrome() -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a private profile, its console logged (for a module-scoped fixture)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        unavailable("chromium and chromedriver are not installed (run scripts/setup-test-env)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="laborkg-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def open_page(driver, url: str) -> None:
    driver.get_log("browser")  # what earlier pages logged is not this page's
    driver.get(url)


def offline_and_clean(driver, base: str) -> None:
    """Every resource the page loaded came from the server itself; the console shows no error."""
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [n for n in names if not n.startswith(base + "/")]
    assert foreign == [], foreign
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe


def set_query(driver, text: str) -> None:
    """Replaces the query on /query: in YASQE through CodeMirror's own setValue (an edit, as typing is)
    where the page has the editor (scripts/setup-editor installed it), else typed into the textarea."""
    if driver.execute_script("return document.body.dataset.editor === 'yasqe'"):
        driver.execute_script(
            "document.querySelector('.sparql-editor .CodeMirror').CodeMirror.setValue(arguments[0])", text
        )
        return
    editor = css(driver, "#editor")[0]
    editor.clear()
    editor.send_keys(text)
