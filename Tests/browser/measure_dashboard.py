"""Measures the dashboard's bar (issue: a 10 000-variable model updated 50 times a second):
frames per second, JS heap over a minute, DOM rows in the grid. Not part of `make test`:

    python3 Tests/browser/measure_dashboard.py        # after `swift build`; about 80 s
"""
import json
import pathlib
import random
import socket
import subprocess
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "livesolve"


def big_model(groups=100, per_group=100, rows=100):
    """10 000 variables; price[g] drives the objective of group g; 100 capacity rows and a budget."""
    rng = random.Random(7)
    n = groups * per_group
    params = {f"price[{g}]": round(rng.uniform(1, 10), 3) for g in range(groups)}
    params.update({f"capacity[{r}]": 40.0 for r in range(rows)})
    variables = [{"name": f"x[{i}]", "lower": 0, "upper": 5} for i in range(n)]
    terms = {f"x[{i}]": {"param": f"price[{i // per_group}]", "scale": round(rng.uniform(0.5, 1.5), 3)} for i in range(n)}
    constraints = [{"name": f"capacity[{r}]", "terms": {f"x[{i}]": round(rng.uniform(0.5, 2), 2) for i in range(r, n, rows)},
                    "upper": f"capacity[{r}]"} for r in range(rows)]
    constraints.append({"name": "budget", "terms": {f"x[{i}]": 1 for i in range(n)}, "upper": 2500})
    return {"name": "big", "sense": "max", "parameters": params, "variables": variables,
            "objective": {"terms": terms}, "constraints": constraints}


def main():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(BINARY), "serve", "--http-port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    request = urllib.request.Request(base + "/v1/models", data=json.dumps(big_model()).encode(),
                                     headers={"Content-Type": "application/json"})
    model = json.loads(urllib.request.urlopen(request, timeout=60).read())["model"]
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--window-size=1400,1000", "--enable-precise-memory-info", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.get(f"{base}/#/model/{model}")
    time.sleep(3)
    browser.execute_script("window.frames_ = 0; (function tick(){ window.frames_++; requestAnimationFrame(tick); })();")
    feed = subprocess.Popen([str(BINARY), "feed", "--model", model, "--param", "price[*]", "--rate", "50",
                             "--seconds", "65", "--url", f"ws://127.0.0.1:{port}"], stdout=subprocess.PIPE, text=True)
    samples = []
    start = time.time()
    for _ in range(13):
        time.sleep(5)
        browser.execute_script("window.gc && window.gc()")
        samples.append(browser.execute_script("""
            return { t: performance.now(), frames: window.frames_, heapMB: performance.memory.usedJSHeapSize / 1048576,
                     seq: document.getElementById('seq').textContent, rows: document.querySelectorAll('#grid-rows .r').length };"""))
    feed_output = feed.communicate(timeout=30)[0]
    elapsed = time.time() - start
    for a, b in zip(samples, samples[1:]):
        b["fps"] = round((b["frames"] - a["frames"]) / ((b["t"] - a["t"]) / 1000), 1)
    for s in samples:
        print(f"heap {s['heapMB']:.1f} MB  seq {s['seq']:>5}  grid rows in DOM {s['rows']:>3}  fps {s.get('fps', '–')}")
    print(feed_output.strip(), f"({elapsed:.0f} s)")
    browser.quit()
    server.terminate()


if __name__ == "__main__":
    main()
