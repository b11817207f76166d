"""The dashboard in a real headless Chromium against a real `livesolve serve` with real workers.

Run by `make test` after the Swift tests. Screenshots go to artifacts/ (git-ignored).
"""
import hashlib
import json
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from livesolve_server import ROOT, Server

ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("livesolve-browser"), "--workers-count", "2")
    yield running.http
    running.stop()


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def rest(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def wait(browser, condition, seconds=20):
    return WebDriverWait(browser, seconds).until(condition)


def test_create_an_example_change_a_parameter_and_see_the_servers_objective(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "example-select")).select_by_value("refinery")
    browser.find_element(By.ID, "create-example").click()
    wait(browser, lambda b: b.current_url.split("#")[-1].startswith("/model/"))
    model = browser.current_url.split("/model/")[-1]
    wait(browser, lambda b: b.find_element(By.ID, "seq").text == "0")
    shown = float(browser.find_element(By.ID, "objective").get_attribute("data-value"))
    assert shown == rest(f"{server}/v1/models/{model}/solution")["objective"]

    field = wait(browser, ec.presence_of_element_located((By.ID, "param-price[gasoline]")))
    field.clear()
    field.send_keys("2.5\t")
    wait(browser, lambda b: b.find_element(By.ID, "seq").text == "1")
    shown = float(browser.find_element(By.ID, "objective").get_attribute("data-value"))
    solution = rest(f"{server}/v1/models/{model}/solution")
    assert solution["seq"] == 1
    assert shown == solution["objective"]
    # The variables table shows the server's values.
    # Read in one script: the grid re-renders (flashes settle) and would stale element handles.
    values = browser.execute_script("""
        return Object.fromEntries([...document.querySelectorAll('#grid-rows .r')].map(
            (row) => [row.children[0].textContent, Number(row.children[1].dataset.value)]));""")
    assert values == solution["values"]
    time.sleep(0.5)
    browser.save_screenshot(str(ARTIFACTS / "live-view.png"))

    # A rejected update is shown next to the control that sent it.
    field.clear()
    field.send_keys("oops\t")
    error = browser.find_element(By.ID, "param-price[gasoline]-error")
    assert "finite number" in error.text


def test_the_bands_show_the_servers_ranges_and_mark_a_parameter_near_its_edge(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "example-select")).select_by_value("refinery")
    browser.find_element(By.ID, "create-example").click()
    wait(browser, lambda b: b.current_url.split("#")[-1].startswith("/model/"))
    model = browser.current_url.split("/model/")[-1]
    band_of = lambda b: b.find_element(By.ID, "param-price[gasoline]-band").get_attribute("data-band")
    wait(browser, band_of)
    # The page keeps the bands, so REST shows them: the same numbers as the page.
    solution = rest(f"{server}/v1/models/{model}/solution")
    assert json.loads(band_of(browser)) == solution["parameterRanges"]["price[gasoline]"]
    cells = browser.execute_script("""
        return Object.fromEntries([...document.querySelectorAll('#grid-rows .r')].map(
            (row) => [row.children[0].textContent, row.children[2].dataset.band]));""")
    assert json.loads(cells["make[gasoline]"]) == solution["costRanges"]["make[gasoline]"]
    status = browser.find_element(By.ID, "param-price[gasoline]-band")
    assert "near-edge" not in status.get_attribute("class")

    # A price moved to just inside its band's upper edge is marked.
    down, up = solution["parameterRanges"]["price[gasoline]"]
    near = up - 0.03 * (up - down)
    field = browser.find_element(By.ID, "param-price[gasoline]")
    field.clear()
    field.send_keys(f"{near}\t")
    wait(browser, lambda b: b.find_element(By.ID, "seq").text == "1")
    wait(browser, lambda b: "near-edge" in b.find_element(By.ID, "param-price[gasoline]-band").get_attribute("class"))
    assert "near its edge" in browser.find_element(By.ID, "param-price[gasoline]-band").text


def test_a_bad_lp_upload_names_the_line(server, browser):
    browser.get(server + "/#/")
    bad = ARTIFACTS / "bad.lp"
    ARTIFACTS.mkdir(exist_ok=True)
    bad.write_text("min\n obj: x\nst\n c1: x y >= 1\nend\n")
    browser.find_element(By.ID, "upload-input").send_keys(str(bad))
    error = wait(browser, lambda b: b.find_element(By.ID, "upload-error").text or False)
    assert "line 4, column 8" in error
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#models tbody tr")) >= 1)
    browser.save_screenshot(str(ARTIFACTS / "models.png"))


def test_an_uploaded_integer_model_shows_its_incumbent_and_gap(server, browser):
    browser.get(server + "/#/")
    browser.find_element(By.ID, "upload-input").send_keys(str(ROOT / "Tests" / "mip" / "models" / "knapsack.lp"))
    wait(browser, lambda b: b.current_url.split("#")[-1].startswith("/model/"))
    model = browser.current_url.split("/model/")[-1]
    wait(browser, lambda b: b.find_element(By.ID, "status").text == "optimal")
    solution = rest(f"{server}/v1/models/{model}/solution")
    assert solution["final"] is True
    assert float(browser.find_element(By.ID, "objective").get_attribute("data-value")) == solution["objective"] == 36
    gap = browser.find_element(By.ID, "gap")
    assert gap.is_displayed()
    assert gap.text.startswith("0.00 %") and "bound 36" in gap.text
    values = browser.execute_script("""
        return Object.fromEntries([...document.querySelectorAll('#grid-rows .r')].map(
            (row) => [row.children[0].textContent, Number(row.children[1].dataset.value)]));""")
    assert {name: value for name, value in values.items() if value} == {name: value for name, value in solution["values"].items() if value}


def test_a_server_with_tokens_asks_for_one_and_keeps_it_for_the_tab(browser, tmp_path):
    """The page asks when the server answers `unauthorized`, then lists, creates and streams."""
    token = "dashboard-test-token-0123456789abcdefghijkl"
    digest = hashlib.sha256(token.encode()).hexdigest()
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(f"tokens:\n  - {{name: page, sha256: {digest}, role: admin}}\n")
    running = Server(tmp_path, "--auth-tokens-file", str(tokens))
    url = running.http
    try:
        browser.get(url + "/")
        form = wait(browser, ec.visibility_of_element_located((By.ID, "token-form")))
        assert "token" in browser.find_element(By.ID, "token-reason").text
        browser.find_element(By.ID, "token-input").send_keys(token)
        browser.find_element(By.ID, "token-use").click()
        wait(browser, lambda b: not form.is_displayed())
        assert browser.execute_script("return sessionStorage.getItem('livesolve.token')") == token
        Select(browser.find_element(By.ID, "example-select")).select_by_value("refinery")
        browser.find_element(By.ID, "create-example").click()
        wait(browser, lambda b: b.current_url.split("#")[-1].startswith("/model/"))
        # The stream authenticated with the same token: the live view fills in.
        wait(browser, lambda b: b.find_element(By.ID, "seq").text == "0")
        request = urllib.request.Request(f"{url}/v1/models", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert len(json.loads(response.read())["models"]) == 1
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "token-live-view.png"))
    finally:
        browser.execute_script("sessionStorage.clear()")
        running.stop()


def test_the_example_page_of_the_browser_module_shows_the_servers_solution(server, browser):
    """Public/example.html, the module's documented 20-line page, as a user would open it."""
    browser.get(server + "/example.html")
    wait(browser, lambda b: b.find_element(By.ID, "seq").text == "0")
    model = rest(f"{server}/v1/models")["models"][-1]["model"]
    solution = rest(f"{server}/v1/models/{model}/solution")
    assert browser.find_element(By.ID, "objective").text == f"{solution['objective']:.2f}"
    field = browser.find_element(By.ID, "price")
    field.clear()
    field.send_keys("2.6\t")
    wait(browser, lambda b: b.find_element(By.ID, "seq").text == "1")
    solution = rest(f"{server}/v1/models/{model}/solution")
    assert json.loads(browser.find_element(By.ID, "plan").text) == solution["values"]
    assert browser.find_element(By.ID, "objective").text == f"{solution['objective']:.2f}"


def test_the_browser_module_rebuilds_whole_views_and_names_its_errors(server, browser):
    """js/livesolve.js driven in the page: a burst of updates, a slow consumer, the errors' classes."""
    browser.get(server + "/#/")
    browser.set_script_timeout(60)
    result = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const { connect, errors, LiveSolveError } = await import('/js/livesolve.js');
          const client = await connect();
          const document = await (await fetch('/examples/refinery.json')).json();
          const model = await client.create(document, { name: 'module-test' });
          let last = 0;
          for (let i = 0; i < 100; i++) {
            last = await client.update(model, { parameters: { 'price[gasoline]': 2 + (i % 7) / 10, 'capacity[cracker]': 30 + (i % 11) } });
          }
          let view, handed = 0;
          for await (const solution of client.subscribe(model, { fields: ['values', 'duals', 'rowActivities'] })) {
            handed += 1;
            await new Promise((r) => setTimeout(r, 20));
            if (solution.seq === last) { view = solution; break; }
          }
          const got = await client.get(model);
          const caught = {};
          for (const [name, call] of Object.entries({
            UnknownParameter: () => client.update(model, { parameters: { nope: 1 } }),
            UnknownModel: () => client.get('m999999'),
            InvalidValue: () => client.update(model, { parameters: { 'price[jet]': 'high' } }),
            UnknownOp: () => client.call('solve'),
          })) {
            try { await call(); caught[name] = 'no error'; } catch (e) {
              caught[name] = [e instanceof errors[name], e instanceof LiveSolveError, e.code, e.model];
            }
          }
          await client.delete(model);
          // Names an object's prototype would shadow stay plain entries.
          const odd = await client.create({ sense: 'max', variables: [{ name: 'constructor', upper: 1 }, { name: '__proto__', upper: 2 }],
                                            objective: { terms: { constructor: 1, ['__proto__']: 1 } } });
          let oddValues;
          for await (const solution of client.subscribe(odd)) { oddValues = JSON.stringify(solution.values); break; }
          await client.delete(odd);
          done({ view, got, handed, caught, model, oddValues });
        })().catch((e) => done({ failed: String(e) }));
    """)
    assert "failed" not in result, result
    view, model = result["view"], result["model"]
    solution = result["got"]  # the module's get: the model is deleted by now
    assert view["seq"] == solution["seq"] == 100
    for field in ("values", "duals", "rowActivities"):
        assert view[field] == solution[field], field
    assert view["objective"] == solution["objective"]
    assert json.loads(result["oddValues"]) == {"constructor": 1, "__proto__": 2}
    assert result["caught"] == {
        "UnknownParameter": [True, True, "unknown_parameter", model],
        "UnknownModel": [True, True, "unknown_model", "m999999"],
        "InvalidValue": [True, True, "invalid_value", model],
        "UnknownOp": [True, True, "unknown_op", None],
    }
