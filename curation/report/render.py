"""`report.html`: one self-contained page from a run's `ReportData` (curation/report/gather.py).

Sections: the run, the funnel, drop reasons per stage, distributions of the kept documents
(length, language, quality scores, token KL, dirty words, every other score), the mix against its
target, a browsable sample of dropped documents per reason with the evidence highlighted, dead
letters, and the resolved config. A section whose data the run did not produce (no classifier
scores before issue 7, no mix target before issue 8) says "not in this run" and why, instead of
disappearing. plotly.js is inlined once, so the page needs no network; every chart has a fixed
div id (`chart-*`), and the same output directory gives the same bytes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from plotly.offline import get_plotlyjs

from curation.report import charts
from curation.report.gather import BOOKKEEPING, DroppedSample, ReportData, dead_letter_origin
from curation.report.highlight import clip, find_spans, marked_html, url_evidence

SAMPLES_PER_REASON = 10
SAMPLE_TEXT_CHARS = 4_000
_KNOWN_SCORES = ("token_kl", "dirty_words", "dirty_word_density")
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;
padding:1rem 2rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;
text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.placeholder{background:#fff8e1;border-left:4px solid #f0b400;padding:.5rem 1rem;margin:.5rem 0}
.bad{color:#b00020;font-weight:bold}.good{color:#1b7a1b;font-weight:bold}
details{margin:.3rem 0}summary{cursor:pointer}.sample{border:1px solid #ddd;border-radius:4px;
margin:.5rem 0 .5rem 1rem;padding:.4rem .8rem}.sample pre{white-space:pre-wrap;word-break:break-word;
max-height:24rem;overflow:auto;background:#fafafa;padding:.4rem;font-size:.85rem}
mark{background:#ffd54f;padding:0 1px}.meta{color:#555;font-size:.85rem}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem}
.constant{background:#f4f4f4;border-left:4px solid #bbb;padding:.5rem 1rem;margin:.5rem 0}
"""


def render(data: ReportData) -> str:
    sections = [
        _run_section(data),
        _funnel_section(data),
        _drop_section(data),
        _distribution_section(data),
        _mix_section(data),
        _dropped_samples_section(data),
        _errors_section(data),
        _config_section(data),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Curation run report: {html.escape(data.out_dir)}</title>"
        f"<style>{_CSS}</style>"
        f"<script type=\"text/javascript\">{get_plotlyjs()}</script></head><body>"
        f"<h1>Curation run report</h1>{''.join(sections)}</body></html>\n"
    )


def _section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{html.escape(title)}</h2>{body}</section>'


def _placeholder(message: str) -> str:
    return f'<p class="placeholder">{html.escape(message)}</p>'


def _chart_or(fragment: str | None, message: str) -> str:
    return fragment if fragment is not None else _placeholder(message)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value))


def _run_section(data: ReportData) -> str:
    stats, manifest = data.stats, data.manifest
    provenance = manifest.get("provenance", {})
    reconciled = stats.get("reconciled")
    written = manifest.get("docs_written")
    if not reconciled:
        status = '<span class="bad">accounting does not reconcile</span>'
    elif written == 0:
        status = _empty_run_banner(data)
    else:
        status = '<span class="good">every document accounted for</span>'
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in stats.get("problems", []))
    rows = [
        ("output", data.out_dir),
        ("inputs", ", ".join(manifest.get("inputs", [])) or "unknown"),
        ("records read", manifest.get("records_read", "unknown")),
        ("documents written", manifest.get("docs_written", "unknown")),
        ("text bytes written", manifest.get("text_bytes_written", "unknown")),
        ("tokens written", _or_not_counted(data.tokens_written())),
        ("elapsed (s)", stats.get("elapsed_s", "unknown")),
        ("version", f"{provenance.get('version', '?')} (git {provenance.get('git_sha', '?')})"),
    ]
    body = f"<div class=\"status\">{status}</div>" + (f"<ul>{problems}</ul>" if problems else "")
    return _section("run", "The run", body + _table(("", ""), rows))


def _empty_run_banner(data: ReportData) -> str:
    """Accounted for, but nothing written: say so in red, with what went wrong first."""
    read = data.stats.get("stages", {}).get("read", {})
    errors = data.error_counts()
    text = (f'<span class="bad" id="empty-run">no document was written</span>: '
            f"{read.get('seen', 0):,} records read, {read.get('kept', 0):,} of them pages; "
            f"{sum(count for *_, count in errors):,} errors")
    items = "".join(f"<li>{html.escape(stage)}: {html.escape(kind)}, {count:,} record(s)</li>"
                    for stage, kind, count in errors)
    items += "".join(f"<li><code>{html.escape(dead_letter_origin(record))}</code>: "
                     f"{html.escape(str(record.get('error_type')))}: "
                     f"{html.escape(str(record.get('message')))}</li>" for record in data.errors[:10])
    return text + (f"<ul>{items}</ul>" if items else " (see the drop reasons below)")


def _or_not_counted(value: int | None) -> str | int:
    return value if value is not None else "not counted in this run (the mix stage, issue 8, counts tokens)"


def _funnel_section(data: ReportData) -> str:
    rows = []
    for name in data.stats.get("order", []):
        stage = data.stats["stages"].get(name, {})
        rows.append((name, stage.get("seen", 0), stage.get("kept", 0),
                     sum(stage.get("dropped", {}).values()), sum(stage.get("errors", {}).values())))
    tokens = data.tokens_written()
    note = (f"<p>Tokens written: {tokens:,}.</p>" if tokens is not None else
            _placeholder("Tokens per stage: not in this run. Only documents are counted before the "
                         "mix stage (issue 8), which counts tokens of what it writes."))
    chart = _chart_or(charts.funnel(data.funnel()), "No stage counters in stats.json.")
    bookkeeping = data.bookkeeping()
    if bookkeeping:
        listed = ", ".join(f"{count:,} {reason.removeprefix('record_')}" for reason, count in bookkeeping)
        note += (f"<p class=\"meta\">The funnel starts after {sum(c for _, c in bookkeeping):,} WARC "
                 f"bookkeeping records ({listed}), which hold no page.</p>")
    return _section("funnel", "Funnel", chart + note
                    + _table(("stage", "seen", "kept", "dropped", "errors"), rows))


def _drop_section(data: ReportData) -> str:
    rows = data.drop_reasons()
    chart = _chart_or(charts.drop_reasons(rows), "No document was dropped in this run.")
    table = _table(("stage", "reason", "documents"), rows) if rows else ""
    bookkeeping = data.bookkeeping()
    if bookkeeping:
        stage = BOOKKEEPING[0]
        table += ("<h3>WARC bookkeeping records (not pages, not quality drops)</h3>"
                  "<p class=\"meta\">Request, metadata and warcinfo records describe the crawl; "
                  "the read stage sets them aside by type before any page is looked at.</p>"
                  + _table(("stage", "reason", "records"),
                           [(stage, reason, count) for reason, count in bookkeeping]))
    return _section("drop-reasons", "Drop reasons per stage", chart + table)


def _distribution_section(data: ReportData) -> str:
    sample = data.sample
    if sample.docs == 0:
        return _section("distributions", "Distributions of the kept documents",
                        _placeholder("No kept documents to sample (no shards in this run)."))
    intro = (f"<p class=\"meta\">From {sample.docs:,} of {sample.docs_total:,} kept documents: the first "
             f"{sample.rows_per_shard:,} rows (smallest ids) of {sample.shards_read} of "
             f"{sample.shards_total} shards. The report never reads a whole output.</p>")
    scores = sample.scores
    kl_threshold = _kl_threshold(data.manifest)
    parts = [
        charts.histogram(sample.chars, "chart-length-chars", "Text length", "characters", log_y=True),
        charts.histogram(sample.words, "chart-length-words", "Words per document", "words", log_y=True),
        charts.counts_bar(sample.langs, "chart-language", "Language (lid.176)"),
        charts.histogram(sample.lang_scores, "chart-lang-score", "Language-ID confidence", "score"),
    ]
    body = intro + '<div class="grid">' + "".join(p for p in parts if p) + "</div>"
    quality = sorted(k for k in scores if "quality" in k)
    body += "<h3>Quality scores</h3>"
    if quality:
        body += '<div class="grid">' + "".join(
            charts.histogram(scores[k], f"chart-score-{k}", k, "score") or "" for k in quality) + "</div>"
    else:
        body += _placeholder("Quality classifier scores: not in this run (stages.classify off, or "
                             "no document in a language with a quality model).")
    body += "<h3>Token-distribution KL and dirty words</h3>"
    body += '<div class="grid">' + _chart_or(
        charts.histogram(scores.get("token_kl", []), "chart-token-kl",
                         "Token-distribution KL (nats)", "KL", threshold=kl_threshold),
        "token_kl: not in this run (heuristics.token_kl off, or no language with a reference).")
    body += _chart_or(
        charts.histogram(scores.get("dirty_words", []), "chart-dirty-words",
                         "Dirty words per document (LDNOOBW)", "listed words", log_y=True),
        "dirty_words: not in this run (heuristics.dirty_words off).") + "</div>"
    others = sorted(k for k in scores if k not in _KNOWN_SCORES and "quality" not in k)
    if others:
        body += "<h3>Other per-document scores</h3><div class=\"grid\">" + "".join(
            charts.histogram(scores[k], f"chart-score-{k}", k, k, log_y=True) or "" for k in others
        ) + "</div>"
    return _section("distributions", "Distributions of the kept documents", body)


def _kl_threshold(manifest: Mapping[str, Any]) -> float | None:
    try:
        value = manifest["config"]["stages"]["heuristics"]["token_kl"]["thresholds"]["en"]
    except (KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _topics_part(topics: Any) -> str:
    """Per category with more than one topic: tokens per topic before and after downsampling."""
    if not isinstance(topics, dict):
        return ""
    body = ""
    for number, (category, cells) in enumerate(sorted(topics.items())):
        if not isinstance(cells, dict) or len(cells) < 2:
            continue
        body += f"<h3>Topics in {html.escape(category)}</h3>"
        body += _chart_or(charts.topic_mix(category, cells, f"chart-mix-topics-{number}"), "")
        body += _table(("topic", "downsample rate", "tokens before", "target tokens",
                        "achieved tokens"),
                       [(t, c.get("downsample_rate", 1.0), c.get("available_tokens", 0),
                         c.get("planned_tokens", 0), c.get("achieved_tokens", 0))
                        for t, c in sorted(cells.items())])
    return body


def _sources_part(sources: Any) -> str:
    """Tokens and documents written per input source and category."""
    if not isinstance(sources, dict) or not sources:
        return ""
    rows = [(source, category, cell.get("docs_written", 0), cell.get("tokens", 0))
            for source, categories in sorted(sources.items())
            for category, cell in sorted(categories.items())]
    return "<h3>Per input source</h3>" + _table(
        ("source", "category", "documents written", "tokens written"), rows)


def _mix_section(data: ReportData) -> str:
    mix = data.mix()
    categories = data.manifest.get("categories", {})
    if isinstance(mix, dict) and isinstance(mix.get("achieved"), dict):
        target = mix.get("target") if isinstance(mix.get("target"), dict) else None
        basis = str(mix.get("basis", "tokens"))
        body = _chart_or(charts.mix(_floats(mix["achieved"]), _floats(target) if target else None, basis),
                         "The mix section is empty.")
        names = list(dict.fromkeys([*(target or {}), *mix["achieved"]]))
        body += _table(("category", "target", f"achieved ({basis})"),
                       [(n, _share(target, n), _share(mix["achieved"], n)) for n in names])
        warnings = mix.get("warnings")
        if isinstance(warnings, list) and warnings:
            body += "<ul>" + "".join(f"<li>{html.escape(str(w))}</li>" for w in warnings) + "</ul>"
        body += _topics_part(mix.get("topics"))
        body += _sources_part(mix.get("sources"))
        extra = {k: v for k, v in mix.items()
                 if k not in ("achieved", "target", "basis", "warnings", "topics", "sources")}
        if extra:
            body += ("<details><summary>everything else the mix stage recorded</summary><pre>"
                     + html.escape(json.dumps(extra, indent=1, ensure_ascii=False)) + "</pre></details>")
        return _section("mix", "Mix achieved against the target", body)
    total = sum(c.get("text_bytes", 0) for c in categories.values())
    achieved = {name: c.get("text_bytes", 0) / total for name, c in categories.items()} if total else {}
    body = _placeholder("Mix target: not in this run. The mix stage (issue 8) samples to the "
                        "50/25/17/8 target and records target and achieved shares in manifest.json; "
                        "below is the share of text bytes per output category as written.")
    body += _chart_or(charts.mix(achieved, None, "text bytes"), "No documents were written.")
    body += _table(("category", "documents", "text bytes", "share of bytes"),
                   [(n, c.get("docs", 0), c.get("text_bytes", 0), f"{achieved.get(n, 0.0):.1%}")
                    for n, c in categories.items()])
    return _section("mix", "Mix achieved against the target", body)


def _floats(shares: Mapping[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in shares.items() if isinstance(v, int | float)}


def _share(shares: Mapping[str, Any] | None, name: str) -> str:
    value = (shares or {}).get(name)
    return f"{value:.1%}" if isinstance(value, int | float) else "-"


def _dropped_samples_section(data: ReportData) -> str:
    if not data.dropped:
        return _section("dropped-samples", "Dropped documents, by stage and reason",
                        _placeholder("No dropped samples in this run (none dropped, or "
                                     "output.dropped_samples_per_reason is 0)."))
    counts = {(stage, reason): count for stage, reason, count in data.drop_reasons(True)}
    order = {name: i for i, name in enumerate(data.stats.get("order", []))}
    keys = sorted(data.dropped, key=lambda key: (order.get(key[0], len(order)), key[1]))
    body = ("<p class=\"meta\">A bounded, deterministic sample per reason from <code>dropped/</code>; "
            "<mark>highlighted</mark> is what made the rule fire, where the stage records it. "
            f"Up to {SAMPLES_PER_REASON} per reason and {SAMPLE_TEXT_CHARS:,} characters per document "
            "here; <code>curate inspect OUT --stage S --reason R</code> shows them in a terminal.</p>")
    for stage, reason in keys:
        samples = data.dropped[(stage, reason)]
        total = counts.get((stage, reason), len(samples))
        items = "".join(_sample_html(s) for s in samples[:SAMPLES_PER_REASON])
        body += (f'<details class="reason" id="dropped-{html.escape(stage)}-{html.escape(reason)}">'
                 f"<summary><b>{html.escape(stage)}</b> / {html.escape(reason)}: {total:,} dropped, "
                 f"{len(samples)} sampled</summary>{items}</details>")
    return _section("dropped-samples", "Dropped documents, by stage and reason", body)


def _sample_html(sample: DroppedSample) -> str:
    doc = sample.doc
    url = str(doc.get("url") or "")
    url_marks = url_evidence(sample.stage, sample.reason, sample.detail)
    url_html = marked_html(url, find_spans(url, url_marks, whole_words=False))
    meta = [f"id {html.escape(str(doc.get('id', '')))}"]
    if doc.get("lang"):
        meta.append(f"lang {html.escape(str(doc['lang']))} ({doc.get('lang_score') or 0:.2f})")
    if sample.detail:
        meta.append(f"detail <b>{html.escape(sample.detail)}</b>")
    source = doc.get("source") or {}
    if source:
        meta.append(f"source {html.escape(str(source.get('file', '')))}@{source.get('offset', '')}")
    text = doc.get("text")
    if text:
        shown = text[:SAMPLE_TEXT_CHARS]
        spans = clip(find_spans(text, sample.evidence), len(shown))
        more = len(text) - len(shown)
        body = f"<pre>{marked_html(shown, spans)}{'…' if more > 0 else ''}</pre>"
        if sample.evidence and not spans:
            body += "<p class=\"meta\">(the evidence lies beyond the part shown)</p>"
    elif doc.get("html"):
        body = f"<pre>{html.escape(str(doc['html'])[:SAMPLE_TEXT_CHARS])}</pre>"
    else:
        kind = (doc.get("metadata") or {}).get("warc_type", "")
        body = f"<p class=\"meta\">no text ({html.escape(str(kind) or 'not a page')} record)</p>"
    evidence = ""
    if sample.evidence:
        listed = "".join(f"<li><code>{html.escape(item[:200])}</code></li>" for item in sample.evidence[:10])
        evidence = f"<details><summary>evidence ({len(sample.evidence)})</summary><ul>{listed}</ul></details>"
    return (f'<div class="sample"><div>{url_html}</div><div class="meta">{" · ".join(meta)}</div>'
            f"{evidence}{body}</div>")


def _errors_section(data: ReportData) -> str:
    counts = data.error_counts()
    if not counts:
        return _section("errors", "Errors (dead letters)", "<p>No stage raised on any document.</p>")
    body = _table(("stage", "error", "documents"), counts)
    for record in data.errors:
        where = html.escape(str(record.get("url") or record.get("source")))
        body += (f'<div class="sample"><b>{html.escape(str(record.get("stage")))}</b> '
                 f'{html.escape(str(record.get("error_type")))}: {html.escape(str(record.get("message")))}'
                 f'<div class="meta">{where}</div></div>')
    return _section("errors", "Errors (dead letters)", body)


def _config_section(data: ReportData) -> str:
    config = data.manifest.get("config")
    provenance = data.manifest.get("provenance")
    body = ""
    for title, value in (("resolved config", config), ("provenance", provenance)):
        if value is not None:
            body += (f"<details><summary>{title}</summary><pre>"
                     + html.escape(json.dumps(value, indent=1, ensure_ascii=False)) + "</pre></details>")
    return _section("config", "Config and provenance", body or _placeholder("No manifest.json."))
