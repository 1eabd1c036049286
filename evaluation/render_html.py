"""One self-contained HTML file from a Report: inline CSS, plots as base64 PNG, no scripts, no network, readable
offline by someone who did not build the model (each section says what its numbers mean)."""

from __future__ import annotations

import base64
from html import escape

from evaluation import plots

GAIN = 0.05
MIN_SUPPORT = 10

METRIC_HELP = [
    ("precision", "Of the passages the model tagged with a label, the share that really have it."),
    ("recall", "Of the passages that really have a label, the share the model tagged."),
    ("F1", "The harmonic mean of precision and recall: 1 is perfect, 0 means no correct tag. It is high only when "
           "both are."),
    ("micro-F1", "F1 over all (passage, label) decisions pooled together. Frequent labels weigh most. The headline number."),
    ("macro-F1", "The mean of the per-label F1 over labels with at least one gold example: a rare label counts as much "
                 "as a common one, so it drops when rare labels are poor."),
    ("samples-F1", "F1 between a passage's gold tags and its predicted tags, averaged over passages: how good the tag "
                   "set of a typical passage is."),
    ("subset accuracy", "The share of passages whose predicted tag set is exactly right. Strict: one extra or missing tag "
                        "counts as wrong."),
    ("Hamming loss", "The share of (passage, label) decisions that are wrong. Lower is better."),
    ("ROC-AUC", "The chance that a passage with the label scores higher than one without it: 0.5 is guessing, 1 is a "
                "perfect ranking. Independent of the threshold."),
    ("PR-AUC (AP)", "Average precision along the precision-recall curve. Independent of the threshold; guessing scores "
                    "the share of passages that have the label, so it is harsh on rare labels."),
    ("ECE", "Expected calibration error: how far the scores are from being honest probabilities (a score of 0.7 "
            "should be right 70% of the time). 0 is perfectly calibrated."),
    ("95% interval", "The range the number would plausibly take on another sample of passages like these (bootstrap "
                     "over passages). Two models whose intervals overlap a lot may not really differ; "
                     "'stratag evaluate compare' tests that properly."),
    ("support / n", "support: passages that have the label in the gold data; n: passages where the label was judged."),
]

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;max-width:1250px;margin:0 auto;padding:0 24px 60px}
h1{font-size:26px;margin:24px 0 4px}h2{font-size:20px;margin:36px 0 6px;border-bottom:2px solid #ddd;padding-bottom:4px}
p.lede{color:#555;margin:0 0 12px}.explain{color:#444;max-width:950px}
nav a{margin-right:14px}
table{border-collapse:collapse;margin:10px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;vertical-align:top}
th{background:#f3f3f3}th[colspan]{text-align:center}td.l,th.l{text-align:left}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:12px 0}.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:150px}
.card .v{font-size:26px;font-weight:600}.card .k{color:#555;font-size:13px}.card .ci{color:#777;font-size:12px}
img{max-width:100%;height:auto;display:block;margin:8px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;max-width:1000px}dt{font-weight:600}dd{margin:0}
.bad{color:#b00020;font-weight:600}.good{color:#1b7a1b}.muted{color:#777}
td{white-space:nowrap}td.text{min-width:380px;max-width:560px;white-space:normal;text-align:left;font-size:12px}
td.wrap{white-space:normal}.fp{color:#b00020}.fn{color:#a05a00}mark.fp{background:#fde2e6;color:#b00020}
mark.fn{background:#fff0d6;color:#a05a00}ul.findings li{margin:3px 0}
"""


def _f(v, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _ci(iv) -> str:
    return "" if not iv else f"<span class='muted'>[{iv[0]:.2f}, {iv[1]:.2f}]</span>"


def _shade(v) -> str:
    if v is None:
        return ""
    hue = int(120 * max(0.0, min(1.0, v)))
    return f" style='background:hsl({hue},70%,88%)'"


def _img(png: bytes, alt: str) -> str:
    return f"<img alt='{escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}'>"


def _header(report: dict) -> str:
    ctx = report.get("context", {})
    langs = ", ".join(f"{k} {v}" for k, v in report["languages"].items())
    facts = [f"<b>{report['n']}</b> passages ({escape(langs)})", f"data format: {escape(report['data_format'])}",
             f"mode: {escape(report['mode'])}"]
    if ctx.get("created"):
        facts.append(f"evaluated {escape(ctx['created'])}")
    if ctx.get("run_id") is not None:
        facts.append(f"history run {ctx['run_id']}")
    model = escape(report["model"]) + (f" <span class='muted'>({escape(ctx['model_dir'])})</span>" if ctx.get("model_dir") else "")
    fp = [f"model fingerprint <code>{escape(ctx['model_fingerprint'][:16])}</code>" if ctx.get("model_fingerprint") else "",
          f"data fingerprint <code>{escape(report['data_fingerprint'][:16])}</code>"]
    return (f"<h1>How well does model {model} tag “{escape(report['set_name'])}”?</h1>"
            f"<p class='lede'>{' · '.join(facts)}<br>{' · '.join(x for x in fp if x)}</p>"
            "<nav><a href='#findings'>In short</a><a href='#summary'>Summary</a><a href='#labels'>Labels × languages</a><a href='#pr'>Precision–recall</a>"
            "<a href='#calibration'>Calibration</a><a href='#confusions'>Confusions</a><a href='#errors'>Worst errors</a>"
            "<a href='#thresholds'>Thresholds</a><a href='#method'>Method</a></nav>")


def _summary(report: dict, schemes: list[str]) -> str:
    top = report["metrics"]["all"]["all"]
    iv = top.get("intervals") or {}
    cards = [("micro-F1", top["micro_f1"], iv.get("micro_f1")), ("macro-F1", top["macro_f1"], iv.get("macro_f1")),
             ("samples-F1", top["samples_f1"], iv.get("samples_f1")), ("subset accuracy", top["subset_accuracy"], iv.get("subset_accuracy")),
             ("ECE (lower is better)", top["calibration"]["ece"], None), ("mean ROC-AUC", top.get("macro_roc_auc"), None)]
    html = ["<h2 id='summary'>Summary</h2>",
            "<p class='explain'>Each passage has gold tags (what a person decided) and predicted tags (the labels whose score "
            "reaches that label's threshold). The cards give the overall numbers; the grey range under each is its 95% "
            "interval. The table breaks them down per language and per scheme (SDG, Green Deal, smart city); "
            "<i>gold tags</i> counts the (passage, label) pairs a person tagged: a cell with few of them has a wide "
            "interval and says little. Labels a passage's source does not judge are left out, not counted as wrong.</p>"
            "<div class='cards'>"]
    for k, v, ci in cards:
        html.append(f"<div class='card'><div class='v'>{_f(v)}</div><div class='k'>{escape(k)}</div>"
                    f"<div class='ci'>{'95%: ' + _f(ci[0], 2) + '–' + _f(ci[1], 2) if ci else '&nbsp;'}</div></div>")
    html.append("</div>")
    html.append(_img(plots.summary_bars(report), "micro-F1 per language and scheme"))
    html.append("<table><tr><th class='l'>language</th><th class='l'>scheme</th><th>passages</th><th>gold tags</th><th>micro-F1 [95%]</th>"
                "<th>macro-F1 [95%]</th><th>samples-F1</th><th>subset acc.</th><th>Hamming loss</th><th>mean ROC-AUC</th>"
                "<th>mean PR-AUC</th><th>ECE</th></tr>")
    for lang, cells in report["metrics"].items():
        for scheme in ["all"] + schemes:
            s = cells.get(scheme)
            if not s or not s["n"]:
                continue
            iv = s.get("intervals") or {}
            micro, macro = (s["micro_f1"], s["macro_f1"]) if s["positives"] else (None, None)  # undefined without positives
            html.append(f"<tr><td class='l'>{escape(lang)}</td><td class='l'>{escape(scheme)}</td><td>{s['n']}</td><td>{s['positives']}</td>"
                        f"<td{_shade(micro)}>{_f(micro)} {_ci(iv.get('micro_f1') if micro is not None else None)}</td>"
                        f"<td{_shade(macro)}>{_f(macro)} {_ci(iv.get('macro_f1') if macro is not None else None)}</td>"
                        f"<td>{_f(s['samples_f1'])}</td><td>{_f(s['subset_accuracy'])}</td><td>{_f(s['hamming_loss'])}</td>"
                        f"<td>{_f(s.get('macro_roc_auc'))}</td><td>{_f(s.get('macro_pr_auc'))}</td><td>{_f(s['calibration']['ece'])}</td></tr>")
    html.append("</table><details open><summary>What the metrics mean</summary><dl>")
    html += [f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in METRIC_HELP]
    html.append("</dl></details>")
    return "".join(html)


def _labels(report: dict, names: dict) -> str:
    html = ["<h2 id='labels'>Each label, by language</h2>",
            "<p class='explain'>F1 of every label that has gold examples, per language and overall (last column), with "
            "the number of gold examples in brackets. Red is poor, green is good; a blank cell means that language has "
            "no gold example of the label, so there is nothing to measure. Faded cells rest on fewer than 5 examples "
            "and say little (the table's 95% intervals show how little).</p>",
            _img(plots.f1_heatmap(report, names), "per-label F1 by language"),
            "<table><tr><th class='l'>label</th><th class='l'>name</th><th>support</th><th>n</th><th>precision</th>"
            "<th>recall</th><th>F1 [95%]</th><th>ROC-AUC</th><th>PR-AUC</th><th>threshold</th></tr>"]
    for label, v in report["labels"].items():
        if not v["n"]:
            continue
        html.append(f"<tr><td class='l'>{escape(label)}</td><td class='l'>{escape(names.get(label, ''))}</td><td>{v['support']}</td>"
                    f"<td>{v['n']}</td><td>{_f(v['precision'])}</td><td>{_f(v['recall'])}</td>"
                    f"<td{_shade(v['f1'] if v['support'] else None)}>{_f(v['f1'])} {_ci(v.get('f1_interval'))}</td>"
                    f"<td>{_f(v['roc_auc'])}</td><td>{_f(v['pr_auc'])}</td><td>{_f(v['threshold'], 3)}</td></tr>")
    html.append("</table>")
    return "".join(html)


def _pr(report: dict) -> str:
    if not report["pr_curves"]:
        return "<h2 id='pr'>Precision–recall curves</h2><p>No label has both positive and negative gold examples.</p>"
    return ("<h2 id='pr'>Precision–recall curves</h2><p class='explain'>For each label, what precision and recall the "
            "model would reach at every possible threshold. Up and to the right is better. The black dot is the "
            "threshold the model uses; the red cross is the threshold that would have given the best F1 on this data. "
            "AP is the area under the curve (PR-AUC). A curve that hugs the top right is a label the model ranks well "
            "even if its threshold is badly placed.</p>" + _img(plots.pr_curve_grid(report), "precision-recall curves"))


def _calibration(report: dict, schemes: list[str]) -> str:
    rows = "".join(f"<tr><td class='l'>{escape(lang)}</td>" + "".join(
        f"<td>{_f(cells[s]['calibration']['ece'])}</td>" if s in cells and cells[s]["calibration"]["n"] else "<td>–</td>"
        for s in ["all"] + schemes) + "</tr>" for lang, cells in report["metrics"].items())
    return ("<h2 id='calibration'>Can the scores be read as probabilities?</h2><p class='explain'>Every (passage, label) "
            "score is put in a bin by its value; the left plot shows, per bin, the share of those predictions that are "
            "correct labels. On the dashed diagonal the scores are honest probabilities. Below it the model is "
            "over-confident, above it under-confident. Most predictions are easy negatives with scores near 0 (right "
            "plot, log scale), which keeps ECE small: look at the curve in the higher bins.</p>"
            + _img(plots.reliability_diagram(report), "reliability diagram")
            + "<table><tr><th class='l'>ECE</th>" + "".join(f"<th>{escape(s)}</th>" for s in ["all"] + schemes) + f"</tr>{rows}</table>")


def _confusions(report: dict, names: dict) -> str:
    pairs = report["co_errors"]["top_pairs"]
    html = ["<h2 id='confusions'>Which labels are confused with which</h2><p class='explain'>A cell counts passages where "
            "the row label was in the gold tags but the model missed it, while it wrongly gave the column label (of the "
            "same scheme) instead. Large cells are labels the model cannot tell apart; often they are close topics "
            "(e.g. climate action and energy).</p>"]
    if not pairs:
        return "".join(html) + "<p>No such confusion on this data.</p>"
    html.append(_img(plots.co_error_heatmaps(report), "co-error matrices"))
    html.append("<table><tr><th class='l'>gold label missed</th><th class='l'>wrongly predicted instead</th><th>passages</th></tr>")
    html += [f"<tr><td class='l'>{escape(p['gold'])} {escape(names.get(p['gold'], ''))}</td>"
             f"<td class='l'>{escape(p['predicted'])} {escape(names.get(p['predicted'], ''))}</td><td>{p['count']}</td></tr>" for p in pairs]
    html.append("</table>")
    return "".join(html)


def _tag_list(tags: list[str], highlight: str, cls: str) -> str:
    return ", ".join(f"<mark class='{cls}'>{escape(t)}</mark>" if t == highlight else escape(t) for t in tags) or "—"


def _errors(report: dict, names: dict) -> str:
    html = ["<h2 id='errors'>The most confident mistakes</h2><p class='explain'>"
            "<span class='fp'>False positive</span>: the model gave a label the gold data does not have. "
            "<span class='fn'>Missed</span>: the model did not give a gold label. Listed by how far the score is from the "
            "label's threshold, most confident first (one row per passage, at most two per label). The label in question "
            "is highlighted in the gold or predicted tags. <i>Evidence terms</i> are the words of the passage that pushed "
            "this label's score up most: for a false positive they usually show what misled the model; for a missed "
            "label, what little spoke for it. Some ‘errors’ are gold-label mistakes, worth fixing in the data.</p>"]
    if not report["worst_errors"]:
        return "".join(html) + "<p>No errors.</p>"
    html.append("<table><tr><th class='l'>kind</th><th class='l'>label</th><th>score / threshold</th><th class='l'>lang</th>"
                "<th class='l'>passage</th><th class='l'>gold tags</th><th class='l'>predicted tags</th><th class='l'>evidence terms</th></tr>")
    for e in report["worst_errors"]:
        cls = "fp" if e["kind"] == "false positive" else "fn"
        html.append(f"<tr><td class='l {cls}'>{escape(e['kind'])}</td><td class='l wrap'>{escape(e['label'])}<br>"
                    f"<span class='muted'>{escape(names.get(e['label'], ''))}</span></td>"
                    f"<td>{e['score']:.2f} / {e['threshold']:.2f}</td><td class='l'>{escape(e['language'])}</td>"
                    f"<td class='text'><span class='muted'>{escape(str(e['id']))}</span><br>{escape(e['text'])}</td>"
                    f"<td class='l wrap'>{_tag_list(e['gold'], e['label'], 'fn')}</td>"
                    f"<td class='l wrap'>{_tag_list(e['predicted'], e['label'], 'fp')}</td>"
                    f"<td class='l wrap'>{escape(', '.join(e.get('terms') or []) or '—')}</td></tr>")
    html.append("</table>")
    return "".join(html)


def _thresholds(report: dict, names: dict) -> str:
    html = ["<h2 id='thresholds'>Threshold tuning</h2><p class='explain'>A label is given when its score reaches the "
            "label's threshold (tuned on the development split when the model was trained). For each label: precision "
            "and recall at that threshold, and at the threshold that would have given the best F1 <i>on this data</i>. "
            "A large gain (red: at least 0.05 on a label with at least 10 examples) says the threshold does not transfer "
            "to this kind of text. The best threshold is fitted on the "
            "very data it is measured on, so its F1 is optimistic: treat it as a direction, and tune on separate data.</p>",
            "<table><tr><th class='l' rowspan='2'>label</th><th rowspan='2'>support</th>"
            "<th colspan='4'>at the model's threshold</th><th colspan='4'>at the best-F1 threshold on this data</th>"
            "<th rowspan='2'>F1 gain</th></tr><tr><th>threshold</th><th>precision</th><th>recall</th><th>F1</th>"
            "<th>threshold</th><th>precision</th><th>recall</th><th>F1</th></tr>"]
    for label, t in report["thresholds"].items():
        c, b = t["chosen"], t["best"]
        gain = f"<span class='bad'>+{t['gain']:.3f}</span>" if t["gain"] >= GAIN and t["support"] >= MIN_SUPPORT else f"+{t['gain']:.3f}"
        html.append(f"<tr><td class='l'>{escape(label)} <span class='muted'>{escape(names.get(label, ''))}</span></td>"
                    f"<td>{t['support']}</td><td>{c['threshold']:.3f}</td><td>{_f(c['precision'])}</td><td>{_f(c['recall'])}</td>"
                    f"<td>{_f(c['f1'])}</td><td>{b['threshold']:.3f}</td><td>{_f(b['precision'])}</td><td>{_f(b['recall'])}</td>"
                    f"<td>{_f(b['f1'])}</td><td>{gain}</td></tr>")
    html.append("</table>")
    return "".join(html)


def _method(report: dict) -> str:
    b = report["bootstrap"]
    return ("<h2 id='method'>Method</h2><ul class='explain'>"
            "<li>Passage level: every passage is scored on its own; whole documents are not aggregated here.</li>"
            "<li>Unknown labels: when a passage's source judges only some schemes (or, for pairwise expert judgements, "
            "only some labels), the unjudged labels are left out of every number.</li>"
            f"<li>Intervals: percentile bootstrap, {b['resamples']} resamples of passages, stratified by "
            f"{escape(b['stratified_by'])}, seed {b['seed']} (the same data gives the same intervals).</li>"
            "<li>Calibration: 10 equal-width bins over all judged (passage, label) pairs.</li>"
            "<li>The JSON report (<code>--json</code>) holds every number shown here.</li></ul>")


def _range(items: list[tuple[str, float]]) -> str:
    lo, hi = min(items, key=lambda x: x[1]), max(items, key=lambda x: x[1])
    return f"from {lo[1]:.3f} ({escape(lo[0])}) to {hi[1]:.3f} ({escape(hi[0])})"


def _findings(report: dict, names: dict, schemes: list[str]) -> str:
    """A few plain sentences drawn from the numbers below, for a reader in a hurry."""
    top = report["metrics"]["all"]["all"]
    iv = (top.get("intervals") or {}).get("micro_f1")
    out = [f"Of the tags the model gives, <b>{top['micro_precision']:.0%}</b> are right (precision); of the tags a person "
           f"gave, it finds <b>{top['micro_recall']:.0%}</b> (recall). Micro-F1 {top['micro_f1']:.3f}"
           + (f" (95% interval {iv[0]:.3f}–{iv[1]:.3f})." if iv else ".")]
    langs = [(lang, c["all"]["micro_f1"]) for lang, c in report["metrics"].items() if lang != "all" and c["all"]["positives"]]
    if len(langs) > 1:
        out.append(f"By language, micro-F1 goes {_range(langs)}.")
    by_scheme = [(s, report["metrics"]["all"][s]["micro_f1"]) for s in schemes if report["metrics"]["all"][s]["positives"]]
    if len(by_scheme) > 1:
        out.append(f"By scheme, {_range(by_scheme)}.")
    solid = sorted(((v["f1"], label) for label, v in report["labels"].items() if v["support"] >= MIN_SUPPORT))
    if len(solid) >= 6:
        fmt = lambda xs: ", ".join(f"{escape(label)} {escape(names.get(label, ''))} ({f1:.2f})" for f1, label in xs)
        out.append(f"Weakest labels with at least {MIN_SUPPORT} gold examples: {fmt(solid[:3])}. "
                   f"Strongest: {fmt(solid[::-1][:3])}.")
    absent = [label for label, v in report["labels"].items() if v["n"] and not v["support"]]
    if absent:
        out.append(f"{len(absent)} label(s) have no gold example here and cannot be judged: {escape(', '.join(absent))}.")
    cal = top["calibration"]
    high = [b for b in cal["bins"] if b["n"] and b["mean_probability"] >= 0.5]
    if high:
        gap = sum(b["n"] * (b["frequency"] - b["mean_probability"]) for b in high) / sum(b["n"] for b in high)
        if abs(gap) < 0.05:
            lean = "the scores of 0.5 and above are about as often right as they say"
        else:
            lean = (f"scores of 0.5 and above are right {abs(gap) * 100:.0f} percentage points "
                    f"{'less' if gap < 0 else 'more'} often than they say "
                    f"({'over' if gap < 0 else 'under'}-confident)")
        out.append(f"Calibration: ECE {cal['ece']:.3f}; {lean}.")
    gains = sorted(((t["gain"], label) for label, t in report["thresholds"].items()
                    if t["gain"] >= GAIN and t["support"] >= MIN_SUPPORT), reverse=True)
    if gains:
        out.append(f"{len(gains)} label(s) would gain at least {GAIN} F1 with another threshold on this data, most "
                   f"{escape(gains[0][1])} (+{gains[0][0]:.2f}): see Threshold tuning.")
    pairs = report["co_errors"]["top_pairs"]
    if pairs:
        p = pairs[0]
        out.append(f"Most frequent confusion: {escape(p['gold'])} {escape(names.get(p['gold'], ''))} missed while "
                   f"{escape(p['predicted'])} {escape(names.get(p['predicted'], ''))} was given instead ({p['count']} passages).")
    return "<h2 id='findings'>In short</h2><ul class='findings explain'>" + "".join(f"<li>{x}</li>" for x in out) + "</ul>"


def render_html(report: dict, taxonomy) -> str:
    """The report as one HTML document (string) with its figures embedded."""
    names = {label.id: label.display_name("en") for label in taxonomy.labels}
    schemes = [s for s in taxonomy.scheme_names() if any(v["scheme"] == s for v in report["labels"].values())]
    body = [_header(report), _findings(report, names, schemes), _summary(report, schemes), _labels(report, names), _pr(report),
            _calibration(report, schemes), _confusions(report, names), _errors(report, names),
            _thresholds(report, names), _method(report)]
    title = f"stratag evaluation: {report['model']} on {report['set_name']}"
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")
