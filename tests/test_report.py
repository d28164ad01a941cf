"""`report.html`, `curate report` and `curate inspect` on a real run of the bundled sample, and the
page opened in headless Chromium (skipped with a message where Chromium is not installed)."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from curation.config import Config, with_overrides
from curation.report import gather, render, write_report
from curation.report.inspect import inspect
from pipelines.cli import main
from pipelines.run import run

SECTIONS = ("run", "funnel", "drop-reasons", "distributions", "mix", "dropped-samples", "errors", "config")
CHARTS = ("chart-funnel", "chart-drop-reasons", "chart-length-chars", "chart-length-words",
          "chart-language", "chart-lang-score", "chart-token-kl", "chart-dirty-words", "chart-mix")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    config = with_overrides(Config(), {"output.dir": str(out), "output.docs_per_shard": 20,
                                       "output.dropped_samples_per_reason": 3})
    run(config)
    return out


@pytest.fixture(scope="module")
def empty_out(tmp_path_factory):
    """A run that reads nothing: its only input is a PNG renamed .warc.gz (issue 25)."""
    folder = tmp_path_factory.mktemp("empty")
    image = folder / "image.warc.gz"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    config = with_overrides(Config(), {"input.paths": [str(image)], "output.dir": str(folder / "out"),
                                       "stages.classify.enabled": False})
    run(config)
    return folder / "out"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] = attributes.get("class") or ""


def elements(page: str) -> dict[str, str]:
    parser = _Elements()
    parser.feed(page)
    return parser.ids


def test_run_writes_a_report_with_every_section_filled_from_its_counters(out):
    page = (out / "report.html").read_text(encoding="utf-8")
    stats = json.loads((out / "stats.json").read_text())
    ids = elements(page)
    assert set(SECTIONS) <= set(ids) and set(CHARTS) <= set(ids)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # plotly.js inlined, nothing fetched
    for name in stats["order"]:
        stage = stats["stages"][name]
        row = (f"<td>{name}</td><td>{stage['seen']:,}</td><td>{stage['kept']:,}</td>"
               f"<td>{sum(stage['dropped'].values()):,}</td>")
        assert row in page, name
        for reason, count in stage["dropped"].items():
            assert f"<td>{name}</td><td>{reason}</td><td>{count:,}</td>" in page
            assert f'id="dropped-{name}-{reason}"' in page
    assert 'id="chart-score-quality_fasttext"' in page  # the classify stage ran
    assert 'id="chart-score-quality_transformer"' in page
    # the run ends with the mixer: its target and achieved token shares are charted and tabled
    mix = json.loads((out / "manifest.json").read_text())["mix"]
    assert "Mix target: not in this run" not in page
    for category, plan in mix["categories"].items():
        assert (f"<td>{category}</td><td>{plan['target_share']:.1%}</td>"
                f"<td>{plan['achieved_share']:.1%}</td>") in page
    assert "<mark>" in page  # dropped samples with their evidence highlighted
    assert "every document accounted for" in page


def test_bookkeeping_records_are_apart_from_quality_drops_and_labels_are_words(out):
    data = gather(str(out), max_docs=0)
    read = json.loads((out / "stats.json").read_text())["stages"]["read"]
    bookkeeping = {r: read["dropped"][r] for r in ("record_request", "record_metadata", "record_warcinfo")}
    assert dict(data.bookkeeping()) == bookkeeping and all(bookkeeping.values())
    reasons = {(stage, reason) for stage, reason, _ in data.drop_reasons()}
    assert not reasons & {("read", r) for r in bookkeeping} and ("read", "non_html_content") in reasons
    funnel = data.funnel()
    assert funnel[0] == ("input records, less WARC bookkeeping", read["seen"] - sum(bookkeeping.values()))
    assert funnel[1] == ("pages read (HTTP 200 HTML)", read["kept"])
    order = json.loads((out / "stats.json").read_text())["order"]
    assert not {label for label, _ in funnel} & set(order)  # words, not stage ids
    page = render(data)
    assert "WARC bookkeeping records (not pages, not quality drops)" in page


def test_a_constant_distribution_is_a_sentence_not_a_bar(out):
    data = gather(str(out))
    data.sample.scores["formulas"] = [0.0] * 7
    page = render(data)
    assert ('<p class="constant" id="chart-score-formulas"><b>formulas</b>: all 7 sampled documents '
            "have the value 0 (one value, no chart).</p>") in page


def test_the_banner_does_not_shine_green_over_an_empty_run(empty_out):
    page = (empty_out / "report.html").read_text(encoding="utf-8")
    assert "every document accounted for" not in page
    assert '<span class="bad" id="empty-run">no document was written</span>' in page
    assert "ArchiveLoadFailed" in page and "image.warc.gz" in page


def test_same_output_gives_the_same_report(out, tmp_path):
    first = write_report(str(out), str(tmp_path / "a.html"))
    second = write_report(str(out), str(tmp_path / "b.html"))
    assert Path(first).read_bytes() == Path(second).read_bytes()


def test_distributions_read_a_bounded_sample(out):
    manifest = json.loads((out / "manifest.json").read_text())
    small = gather(str(out), max_docs=5)
    assert small.sample.docs == 5 and small.sample.docs_total == manifest["docs_written"]
    full = gather(str(out))
    assert full.sample.docs == manifest["docs_written"]
    assert sum(full.sample.langs.values()) == full.sample.docs
    assert len(full.sample.scores["token_kl"]) > 0


def test_mix_and_quality_sections_read_what_later_stages_write(out):
    data = gather(str(out))
    data.manifest["mix"] = {"basis": "tokens", "target": {"general": 0.5, "math_reasoning": 0.25},
                            "achieved": {"general": 0.62, "math_reasoning": 0.2}, "tokens_written": 1234}
    data.sample.scores["quality_fasttext"] = [0.1, 0.5, 0.9]
    page = render(data)
    assert "Mix target: not in this run" not in page and "<td>62.0%</td>" in page
    assert "Quality classifier scores: not in this run" not in page
    assert 'id="chart-score-quality_fasttext"' in page
    assert "Tokens written: 1,234." in page


def test_inspect_prints_real_dropped_samples(out):
    data = gather(str(out), max_docs=0)
    sample_file = out / "dropped" / "minhash_dedup" / "near_duplicate.jsonl"
    first = json.loads(sample_file.read_text().splitlines()[0])
    console = Console(record=True, width=200)
    assert inspect(data, "minhash_dedup", "near_duplicate", 2, 300, console) == 0
    printed = console.export_text()
    assert first["doc"]["url"] in printed and first["detail"] in printed
    assert first["doc"]["text"][:40] in printed
    listing = Console(record=True, width=200)
    assert inspect(data, None, None, 5, 300, listing) == 0
    assert "near_duplicate" in listing.export_text()
    missing = Console(record=True, width=200)
    assert inspect(data, "minhash_dedup", "no_such_reason", 5, 300, missing) == 2
    assert "near_duplicate" in missing.export_text()


def test_cli_report_and_inspect(out, tmp_path, capsys):
    assert main(["report", str(out), "--output", str(tmp_path / "r.html"), "--sample-docs", "10"]) == 0
    assert 'id="chart-funnel"' in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert main(["inspect", str(out), "--stage", "read", "--reason", "record_request", "--limit", "1"]) == 0
    assert "record_request" in capsys.readouterr().out
    assert main(["report", str(tmp_path)]) == 2
    assert "no stats.json" in capsys.readouterr().err


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium); browser test skipped")


def test_report_renders_its_charts_in_a_real_browser(out, tmp_path):
    browser = chromium()
    url = (out / "report.html").as_uri()
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
              "--virtual-time-budget=15000"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = elements(dom.stdout)
    for chart in CHARTS:  # Plotly.newPlot ran: the div got its class and an SVG
        assert "js-plotly-plot" in rendered.get(chart, ""), chart
    assert len(re.findall(r'class="main-svg"', dom.stdout)) >= 2 * len(CHARTS)
    assert not re.search(r'class="modebar-btn', dom.stdout)  # no modebar over the titles
    for chart in ("chart-length-chars", "chart-length-words", "chart-dirty-words"):  # log axes
        drawn = dom.stdout[dom.stdout.index(f'id="{chart}"'):]
        labels = re.findall(r'<g class="ytick">.*?>([^<>]*)</text>', drawn[:drawn.index("</svg>")])
        assert labels and all(re.fullmatch(r"10*|[0-9.]+[kM]?", label) for label in labels), labels
        assert all(set(label.rstrip("kM")) <= set("10.") for label in labels), labels
    shot = tmp_path / "report.png"
    taken = subprocess.run([*common, "--hide-scrollbars", "--window-size=1280,3000",
                            f"--screenshot={shot}", url], capture_output=True, text=True, timeout=180)
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_the_empty_run_banner_in_a_real_browser(empty_out, tmp_path):
    browser = chromium()
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=15000", "--dump-dom", (empty_out / "report.html").as_uri()],
                         capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert elements(dom.stdout).get("empty-run") == "bad"
    banner = dom.stdout[dom.stdout.rindex("<span", 0, dom.stdout.index('id="empty-run"')):]
    banner = re.sub(r"<[^>]+>", "", banner[:banner.index("</div>")])
    assert banner.startswith("no document was written: 1 records read, 0 of them pages; 1 errors")
    assert "ArchiveLoadFailed" in banner and "every document accounted for" not in dom.stdout
