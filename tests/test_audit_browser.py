"""audit.html in a real browser: Debian's chromium, headless, offline.

tests/setup_browser.sh installs chromium and a CJK font (`make test` runs it); where that cannot
happen, this test skips and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "audit"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True,
                          env={**os.environ, "LANG": "zh_CN.UTF-8"})


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed and could not be: run tests/setup_browser.sh "
                    "as root with XXGK_INSTALL_BROWSER=1 (make test does) or install chromium and fonts-noto-cjk")
def test_audit_page_renders_highlighted_cells_and_messages(tmp_path: Path) -> None:
    evil = tmp_path / "in" / "evil.txt"
    evil.parent.mkdir()
    # The X-TEXT message quotes the sentence, so the page carries the report's own text.
    evil.write_text((CASES / "d07_text_vs_table" / "report.txt").read_text(encoding="utf-8").replace(
        "全年新收", "全年<script>document.title='pwned'</script>新收", 1), encoding="utf-8")
    inputs = [CASES / "d02_t3_balance" / "report.txt", CASES / "d07_text_vs_table" / "report.txt",
              CASES / "d06_carry_over" / "2022.txt", CASES / "d06_carry_over" / "2023.txt", evil]
    out = tmp_path / "out"
    run_audit(inputs, out, executor=InProcessExecutor())
    url = (out / "audit.html").resolve().as_uri()

    dom = lxml_html.fromstring(chromium(tmp_path / "profile", "--dump-dom", url).stdout)
    assert dom.findtext(".//title") == "政府信息公开工作年度报告 合规审查"  # the injected script never ran
    assert not dom.xpath("//script")

    def cell(case: str, key: str) -> str:
        """The class of one report's cell; the report is told by its source path."""
        (found,) = dom.xpath(f'//section[@class="report"][contains(.//p, "{case}")]//td[@data-cell="{key}"]')
        return found.get("class")

    # T3-BAL on the 自然人 column: its four terms are marked, the message is beside the table.
    for row in ("new_requests", "carried_over", "total_processed", "carried_forward"):
        assert "flag-error" in cell("d02_t3_balance", f"table3.{row}.natural_person")
    assert "flag" not in cell("d02_t3_balance", "table3.granted.natural_person")
    notes = " ".join(n.text_content() for n in dom.xpath('//section[@class="report"][contains(.//p, "d02_t3_balance")]//ol[@class="notes"]/li'))
    assert "表三 自然人列：一+二=" in notes and "相差1" in notes
    # X-TEXT marks the 一 total as a warning; X-YEAR-T3 the 2023 report's 上年结转 cells.
    assert "flag-warning" in cell("d07_text_vs_table", "table3.new_requests.total")
    assert "flag-error" in cell("d06_carry_over/2023", "table3.carried_over.commercial_enterprise")
    assert "flag" not in cell("d06_carry_over/2022", "table3.carried_forward.commercial_enterprise")
    assert "<script>document.title='pwned'</script>" in dom.text_content()  # shown as the text it is
    badges = " ".join(b.text_content() for b in dom.xpath('//table[@class="summary"]//span[contains(@class,"badge")]'))
    assert "表格勾稽 D2" in badges and "跨年衔接 D6" in badges and "文字与表格一致 D7" in badges

    shot = tmp_path / "audit.png"
    chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,2600", "--hide-scrollbars", url)
    assert shot.stat().st_size > 20_000
    print(f"\nscreenshot: {shot}")


# Screenshots and the printed PDF are kept here for a person to look at (build/ is not committed).
ARTEFACTS = Path(os.environ.get("XXGK_ARTEFACTS") or ROOT / "build" / "test-artefacts")

# A page of the test's own (never shipped) that loads audit.html in a frame, unticks 警告 and 提示,
# and writes which findings stay visible. audit.html itself runs no script.
_PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="result">waiting</pre>
<iframe id="f" src="{url}" width="1400" height="900"></iframe><script>
document.getElementById('f').addEventListener('load', () => {{
  const d = document.getElementById('f').contentDocument;
  const shown = () => [...d.querySelectorAll('tr.finding')].filter(r => r.offsetParent !== null).map(r => r.dataset.severity);
  const before = shown();
  d.getElementById('show-warning').click(); d.getElementById('show-info').click();
  const after = shown();
  d.getElementById('show-warning').click(); d.getElementById('show-info').click();
  d.getElementById('bureau-1').selected = true;
  const sections = [...d.querySelectorAll('section.bureau')].filter(s => s.offsetParent !== null).map(s => s.dataset.bureauIndex);
  document.getElementById('result').textContent = JSON.stringify({{before, after, sections}});
}});
</script></body></html>"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: run tests/setup_browser.sh as root")
def test_audit_page_filters_and_prints_one_body_per_page(tmp_path: Path) -> None:
    import json

    import pypdfium2

    inputs = [CASES / "d02_t3_balance" / "report.txt", CASES / "d19_no_follow_up" / "report.txt",
              CASES / "d06_carry_over" / "2022.txt", CASES / "d06_carry_over" / "2023.txt",
              CASES / "d09_government_topics" / "report.txt"]
    out = tmp_path / "out"
    summary = run_audit(inputs, out, executor=InProcessExecutor())
    page = out / "audit.html"
    url = page.resolve().as_uri()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)

    # no console error, no script of its own
    loaded = chromium(tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom", url)
    assert "CONSOLE" not in loaded.stderr and "Uncaught" not in loaded.stderr, loaded.stderr
    assert not lxml_html.fromstring(loaded.stdout).xpath("//script")

    # filtering by severity hides the rest; choosing a body shows its section only
    probe = tmp_path / "probe.html"
    probe.write_text(_PROBE.format(url=url), encoding="utf-8")
    dumped = chromium(tmp_path / "profile", "--allow-file-access-from-files", "--virtual-time-budget=5000",
                      "--dump-dom", probe.resolve().as_uri())
    result = json.loads(lxml_html.fromstring(dumped.stdout).findtext('.//pre[@id="result"]'))
    assert "error" in result["before"] and "warning" in result["before"]
    assert set(result["after"]) == {"error"} and len(result["after"]) == result["before"].count("error")
    assert result["sections"] == ["1"]

    # the print stylesheet: each body on its own pages, nothing collapsed printed
    pdf_path = ARTEFACTS / "audit-print.pdf"
    chromium(tmp_path / "profile", f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer", url)
    names = [b.name for b in summary.overview.bureaus()]
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    heads = []
    for number in range(len(pdf)):
        text = pdf[number].get_textpage().get_text_range()
        heads.append([n for n in names if f"机关：{n}" in text])
        if heads[-1]:  # the body's first report starts under its heading, not on the next page
            assert "report_id" in text.split(f"机关：{heads[-1][0]}", 1)[1], text
    pdf.close()
    assert [n for page_heads in heads for n in page_heads] == names  # every body, once, in order
    assert all(len(page_heads) <= 1 for page_heads in heads)  # never two bodies on one page
    assert "提示" not in "".join(names)

    for width, name in ((1400, "audit-wide.png"), (800, "audit-narrow.png")):
        shot = ARTEFACTS / name
        chromium(tmp_path / "profile", f"--screenshot={shot}", f"--window-size={width},2400", "--hide-scrollbars", url)
        assert shot.stat().st_size > 20_000
    print(f"\nartefacts: {ARTEFACTS}")
