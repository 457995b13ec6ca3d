"""Each generated HTML report opened in a real browser (Debian's chromium, headless): every image
loads, nothing is fetched from outside the file, every section is there; a screenshot of each
page is kept next to the report (issue 18, "Tested in a real browser")."""
import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from test_report import SECTION_KEYS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                                         "(scripts/lib.sh installs it)")
COMPARE_KEYS = ["designs", "differences", "comparison", "equity", "unmatched", "convergence",
                "timeseries", "scenario", "methods"]

# Runs after the page has loaded: what the browser made of every image and section.
PROBE = """<script>
window.addEventListener("load", function () {
  var images = Array.prototype.map.call(document.images, function (img) {
    return {alt: img.alt.slice(0, 40), complete: img.complete, width: img.naturalWidth,
            src: img.currentSrc.slice(0, 22)};
  });
  var sections = Array.prototype.map.call(document.querySelectorAll("section"), function (s) {
    var h2 = s.querySelector("h2");
    return {id: s.id, title: h2 ? h2.textContent : "", height: s.getBoundingClientRect().height};
  });
  var resources = performance.getEntriesByType("resource").map(function (r) { return r.name; });
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({images: images, sections: sections, resources: resources});
  document.body.appendChild(out);
});
</script>"""


def _chromium(*arguments: str, timeout: int = 180) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--mute-audio",
             "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", *arguments],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action") and value:
                self.urls.append((tag, name, value))


def _static_checks(html: str) -> None:
    parser = _Links()
    parser.feed(html)
    for tag, name, value in parser.urls:
        if tag == "img" and name == "src":
            assert value.startswith("data:image/png;base64,"), value[:60]
        else:
            assert value.startswith("#"), (tag, name, value)     # in-page links only
    assert "<script" not in html and "<link" not in html and "<iframe" not in html
    style = "".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    assert "url(" not in style and "@import" not in style


@pytest.mark.parametrize("name", ["baseline", "assigned_vs_self", "compare"])
def test_report_renders_in_chromium(real_reports, name):
    directory, sections = real_reports[name]
    html = (directory / "report.html").read_text(encoding="utf-8")
    _static_checks(html)

    probe_page = directory / "probe.html"
    probe_page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = _chromium("--virtual-time-budget=20000", "--dump-dom", probe_page.as_uri())
    probe_page.unlink()
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, flags=re.S)
    assert found, "the page never finished loading"
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")
                        .replace("&lt;", "<").replace("&gt;", ">"))

    figures = [item for s in sections for item in s.figures]
    assert len(result["images"]) == len(figures) > 0
    for image in result["images"]:
        assert image["complete"] and image["width"] > 0, image        # no broken image
        assert image["src"].startswith("data:image/png")
    assert result["resources"] == []                                 # nothing fetched at all
    keys = [s["id"] for s in result["sections"]]
    assert keys == (COMPARE_KEYS if name == "compare" else SECTION_KEYS)
    assert all(s["title"] and s["height"] > 0 for s in result["sections"])

    screenshot = directory / "screenshot.png"
    shot = _chromium(f"--screenshot={screenshot}", "--window-size=1280,4000",
                     "--virtual-time-budget=20000", "--hide-scrollbars",
                     (directory / "report.html").as_uri())
    assert shot.returncode == 0 and screenshot.stat().st_size > 50_000, shot.stderr[-2000:]
