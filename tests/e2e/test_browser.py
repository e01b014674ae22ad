"""End to end: the real server (python -m search_app, waitress) in headless Debian Chromium.

Starts the server on a free loopback port with an empty index directory, so it first builds
the tiny app corpus itself (the "no index yet" start-up path), then searches like a user:
type a Dutch query, submit, apply a facet, open a document. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
APP_CORPUS = ROOT / "tests" / "data" / "app_corpus"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("Debian chromium/chromium-driver not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("server did not become healthy")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    corpus = base / "corpus"
    shutil.copytree(APP_CORPUS, corpus)
    port = _free_port()
    env = {**os.environ, "GKA_INDEX_DIR": str(base / "index"), "GKA_CORPUS_DIR": str(corpus),
           "GKA_EMBEDDER": "fake", "PYTHONUNBUFFERED": "1"}
    log = (base / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "search_app", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    assert "No index found" in (base / "server.log").read_text()  # it built the index itself


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    options.add_argument("--window-size=1280,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


# Elements sticking out to the right of the viewport (what causes horizontal scrolling).
_TOO_WIDE_JS = """
const limit = document.documentElement.clientWidth;
return [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))
  .slice(0, 10);
"""


def _csp_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_search_facet_document(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    wait = WebDriverWait(browser, 20)
    browser.get(server + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    box = browser.find_element(By.ID, "q")
    box.send_keys("zomerschool ouders")
    box.send_keys(Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".result-title a")))
    assert "zomerschool" in browser.current_url
    _skip_to_results(browser)

    facet = browser.find_element(By.CSS_SELECTOR, "a.facet-link[href*='gemeente=Zwolle']")
    facet.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".active-filters .chip-remove")))
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".result-title a")]
    assert "Zwolle laat groep 8 wennen met een zomerschool" in titles
    browser.find_element(By.CSS_SELECTOR, "details.why summary").click()  # "waarom dit resultaat"
    browser.save_screenshot(str(ARTIFACTS / "e2e-search.png"))

    browser.find_element(By.LINK_TEXT, "Zwolle laat groep 8 wennen met een zomerschool").click()
    wait.until(EC.presence_of_element_located((By.ID, "doc-titel")))
    assert browser.find_element(By.ID, "doc-titel").text == "Zwolle laat groep 8 wennen met een zomerschool"
    assert browser.find_elements(By.CSS_SELECTOR, ".passage.is-match mark")
    browser.save_screenshot(str(ARTIFACTS / "e2e-document.png"))
    assert _csp_errors(browser) == []


def _active(driver, attribute: str):
    return driver.execute_script(f"return document.activeElement.{attribute}")


def _skip_to_results(driver) -> None:
    """Keyboard only: the second Tab stop is 'Naar de resultaten', shown when focused; Enter moves
    focus to the results, and the next Tab continues inside them."""
    ActionChains(driver).send_keys(Keys.TAB, Keys.TAB).perform()
    assert _active(driver, "textContent") == "Naar de resultaten"
    assert driver.switch_to.active_element.rect["y"] >= 0  # no longer off screen
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    WebDriverWait(driver, 5).until(lambda d: _active(d, "id") == "resultaten")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.execute_script("return document.activeElement.closest('#resultaten') !== null")


def test_browse_pages(server, browser):
    browser.get(server + "/")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".example-group")) == 3
    browser.save_screenshot(str(ARTIFACTS / "e2e-home.png"))
    browser.find_element(By.LINK_TEXT, "Interventies").click()
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.LINK_TEXT, "Taalmaatjes Thuis")))
    browser.save_screenshot(str(ARTIFACTS / "e2e-interventies.png"))
    browser.get(server + "/gemeente/Rotterdam")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Gemeente Rotterdam"
    browser.save_screenshot(str(ARTIFACTS / "e2e-gemeente.png"))
    browser.find_element(By.CSS_SELECTOR, "a.skip-link").send_keys(Keys.TAB)  # focusable, no errors
    assert _csp_errors(browser) == []


def test_a_skip_link_leads_past_the_results_to_the_filters(server, browser):
    browser.get(server + "/?q=ouders")
    assert not browser.find_element(By.CSS_SELECTOR, ".to-filters").is_displayed()  # beside the results here
    ActionChains(browser).send_keys(Keys.TAB, Keys.TAB, Keys.TAB).perform()
    assert _active(browser, "textContent") == "Naar de filters"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 5).until(lambda d: _active(d, "id") == "filters")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.execute_script("return document.activeElement.classList.contains('facet-link')")


def test_autocomplete_and_mobile_layout(server, browser):
    browser.get(server + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("zw")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#suggesties option[value='Zwolle']")
    )
    # a space after a word says it is finished: the list no longer completes it ("ouders va" ->
    # "ouders vaak" while typing, not after "ouders va ")
    box.clear()
    box.send_keys("ouders va")
    WebDriverWait(browser, 10).until(lambda d: any(
        o.get_attribute("value").startswith("ouders va") for o in d.find_elements(By.CSS_SELECTOR, "#suggesties option")))
    box.send_keys(" ")
    WebDriverWait(browser, 10).until(lambda d: not any(
        o.get_attribute("value").startswith("ouders va") for o in d.find_elements(By.CSS_SELECTOR, "#suggesties option")))
    browser.set_window_size(390, 900)
    try:
        browser.get(server + "/?q=ouders")
        browser.save_screenshot(str(ARTIFACTS / "e2e-mobile.png"))
        too_wide = browser.execute_script(_TOO_WIDE_JS)
        assert too_wide == []  # no horizontal scrolling on a phone
        # one column in source order: the filters below the results, where Tab reaches them
        results, facets = (browser.find_element(By.CSS_SELECTOR, c).rect for c in (".results", ".facets"))
        assert facets["y"] >= results["y"] + results["height"]
        # so a link near the result count leads there
        browser.find_element(By.CSS_SELECTOR, ".to-filters a").click()
        WebDriverWait(browser, 5).until(lambda d: -5 < d.find_element(By.ID, "filters-kop").rect["y"]
                                        - d.execute_script("return window.scrollY") < 700)  # on screen
    finally:
        browser.set_window_size(1280, 1000)
    assert _csp_errors(browser) == []
