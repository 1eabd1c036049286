"""The report's figures, drawn with matplotlib's Agg backend (no display, no network) and returned as PNG bytes.
Each takes the ``Report.to_dict()`` dictionary."""

from __future__ import annotations

import io
import math

import numpy as np

FEW = 5  # gold examples below which a heatmap cell is faded
SCHEME_COLOURS = {"sdg": "#1f77b4", "gd": "#2ca02c", "smart": "#9467bd"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    _pyplot().close(fig)
    return buf.getvalue()


def _schemes(report: dict) -> list[str]:
    seen: list[str] = []
    for v in report["labels"].values():
        if v["scheme"] not in seen:
            seen.append(v["scheme"])
    return seen


def summary_bars(report: dict) -> bytes:
    """Micro-F1 with its 95% interval per language (groups) and scheme (bars)."""
    plt = _pyplot()
    langs = list(report["metrics"])
    schemes = ["all"] + _schemes(report)
    fig, ax = plt.subplots(figsize=(1.6 + 1.5 * len(langs), 3.6))
    width = 0.8 / len(schemes)
    for k, scheme in enumerate(schemes):
        xs, ys, err = [], [], [[], []]
        for i, lang in enumerate(langs):
            cell = report["metrics"][lang].get(scheme)
            if not cell or not cell.get("intervals") or not cell["positives"]:
                continue
            lo, hi = cell["intervals"]["micro_f1"]
            xs.append(i + (k - (len(schemes) - 1) / 2) * width)
            ys.append(cell["micro_f1"])
            err[0].append(max(0.0, cell["micro_f1"] - lo))
            err[1].append(max(0.0, hi - cell["micro_f1"]))
        ax.bar(xs, ys, width * 0.95, yerr=err, capsize=2, label=scheme, color=SCHEME_COLOURS.get(scheme, "#7f7f7f"),
               alpha=0.85, error_kw={"elinewidth": 0.8})
    ax.set_xticks(range(len(langs)), [f"{lang}\n(n={report['metrics'][lang]['all']['n']})" for lang in langs])
    ax.set_ylim(0, 1)
    ax.set_ylabel("micro-F1")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="scheme", ncols=len(schemes), loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    ax.set_title("Micro-F1 per language and scheme (bars: 95% bootstrap interval)")
    return _png(fig)


def f1_heatmap(report: dict, names: dict) -> bytes:
    """Per-label F1 (rows) by language (columns) with the number of gold examples in brackets; blank where the
    language has no gold example of the label."""
    plt = _pyplot()
    labels = [label for label, v in report["labels"].items() if v["support"]]
    langs = list(report["languages"])
    cells = [[report["label_f1_by_language"][label].get(lang, {"f1": None, "support": 0}) for lang in langs]
             + [{"f1": report["labels"][label]["f1"], "support": report["labels"][label]["support"]}] for label in labels]
    M = np.array([[np.nan if c["f1"] is None else c["f1"] for c in row] for row in cells], dtype=float)
    fig, ax = plt.subplots(figsize=(3.2 + 0.95 * (len(langs) + 1), 0.9 + 0.34 * len(labels)))
    im = ax.imshow(np.ma.masked_invalid(M), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    from matplotlib.patches import Rectangle

    for (i, j), v in np.ndenumerate(M):
        if np.isnan(v):
            continue
        few = cells[i][j]["support"] < FEW
        if few:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color="white", alpha=0.6, lw=0))
        ax.text(j, i, f"{v:.2f} ({cells[i][j]['support']})", ha="center", va="center", fontsize=7.5,
                color="#777777" if few else "black")
    ax.set_xticks(range(len(langs) + 1), langs + ["all"])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(labels)), [_short(f"{label}  {names.get(label, '')}", 42) for label in labels], fontsize=8)
    ax.axvline(len(langs) - 0.5, color="white", lw=3)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="F1")
    return _png(fig)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def pr_curve_grid(report: dict) -> bytes:
    """One small precision-recall plot per label, with the chosen threshold (dot) and the best-F1 threshold (cross)."""
    plt = _pyplot()
    labels = list(report["pr_curves"])
    cols = 6
    rows = max(1, math.ceil(len(labels) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 2.2 * rows), squeeze=False, sharex=True, sharey=True)
    for ax in axes.ravel()[len(labels):]:
        ax.axis("off")
    for ax, label in zip(axes.ravel(), labels):
        c = report["pr_curves"][label]
        v = report["labels"][label]
        colour = SCHEME_COLOURS.get(v["scheme"], "#333333")
        ax.plot(c["recall"], c["precision"], color=colour, lw=1.3)
        t = report["thresholds"].get(label)
        if t:
            ax.plot(t["chosen"]["recall"], t["chosen"]["precision"], "o", color="black", ms=4)
            ax.plot(t["best"]["recall"], t["best"]["precision"], "x", color="red", ms=6)
        ax.set_title(f"{label}  AP {v['pr_auc']:.2f}" if v["pr_auc"] is not None else label, fontsize=9)
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("recall", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("precision", fontsize=8)
    fig.tight_layout()
    return _png(fig)


def reliability_diagram(report: dict) -> bytes:
    """Observed frequency against mean predicted probability per bin, overall and per scheme, and bin sizes."""
    plt = _pyplot()
    fig, (ax, hist) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1.2, 1]})
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfectly calibrated")
    cells = report["metrics"]["all"]
    for scheme in ["all"] + _schemes(report):
        cal = cells[scheme]["calibration"]
        pts = [(b["mean_probability"], b["frequency"], b["n"]) for b in cal["bins"] if b["n"]]
        if not pts:
            continue
        x, y, n = zip(*pts)
        style = {"lw": 2.2, "color": "black"} if scheme == "all" else {"lw": 1.2, "color": SCHEME_COLOURS.get(scheme)}
        ax.plot(x, y, marker="o", ms=3, label=f"{scheme} (ECE {cal['ece']:.3f})", **style)
    ax.set_xlabel("mean predicted probability in bin")
    ax.set_ylabel("share of those predictions that are correct labels")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("Reliability diagram")
    bins = cells["all"]["calibration"]["bins"]
    hist.bar([(b["lower"] + b["upper"]) / 2 for b in bins], [max(b["n"], 0.9) for b in bins], width=0.09, color="#7f7f7f")
    hist.set_yscale("log")
    hist.set_xlabel("predicted probability")
    hist.set_ylabel("number of (passage, label) predictions")
    hist.set_title("How many predictions fall in each bin")
    hist.grid(axis="y", alpha=0.3)
    return _png(fig)


def co_error_heatmaps(report: dict) -> bytes:
    """Per scheme: rows = gold label missed, columns = label wrongly predicted instead, cells = passages."""
    plt = _pyplot()
    ids = report["co_errors"]["labels"]
    M = np.array(report["co_errors"]["matrix"])
    schemes = _schemes(report)
    sizes = [sum(1 for v in report["labels"].values() if v["scheme"] == s) for s in schemes]
    fig, axes = plt.subplots(1, len(schemes), figsize=(sum(0.42 * s + 1.2 for s in sizes), 0.42 * max(sizes) + 1.6),
                             gridspec_kw={"width_ratios": sizes}, squeeze=False)
    for ax, scheme in zip(axes[0], schemes):
        idx = [j for j, i in enumerate(ids) if report["labels"][i]["scheme"] == scheme]
        sub = M[np.ix_(idx, idx)]
        ax.imshow(sub, cmap="Reds", vmin=0, vmax=max(1, sub.max()))
        for (i, j), v in np.ndenumerate(sub):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color="white" if v > sub.max() / 2 else "black")
        short = [ids[j].split(":", 1)[1] for j in idx]
        ax.set_xticks(range(len(idx)), short, rotation=90, fontsize=8)
        ax.set_yticks(range(len(idx)), short, fontsize=8)
        ax.set_xlabel("wrongly predicted")
        ax.set_ylabel("gold label that was missed")
        ax.set_title(scheme)
    fig.tight_layout()
    return _png(fig)
