"""Reviewers' corrections turned into training data in the corpus schema (``corpus/dataset.py``).

A correction accepts, rejects or adds one label on a passage, or on a whole document. The export writes one
record per corrected passage: its labels after review (the labels it was evidence for, minus rejected, plus
accepted or added), with ``schemes`` limited to the schemes the reviewer acted on, because the corpus schema marks
whole schemes as annotated. A document-level correction applies to that label's evidence passages; a document-level
``add`` on a label without evidence passages has no text to anchor it and is not exported.
"""

from __future__ import annotations

from collections import defaultdict

from classifier.taxonomy import default_taxonomy
from corpus.dataset import LabelledPassage

ACTIONS = ("accept", "reject", "add")
PROVENANCE = "user"


def validate_label(label: str) -> None:
    """Raise TaxonomyError for an unknown label (the action is checked by the request schema)."""
    default_taxonomy()[label]


def export_records(store) -> list[LabelledPassage]:
    by_doc = defaultdict(list)
    for c in store.list_corrections():
        by_doc[c["document_id"]].append(c)
    records = []
    for doc_id, items in by_doc.items():
        records.extend(_document_records(store, doc_id, items))
    return records


def _document_records(store, doc_id: str, items: list[dict]) -> list[LabelledPassage]:
    taxonomy = default_taxonomy()
    evidence = store.evidence_rows(doc_id)
    base = defaultdict(set)  # passage -> labels it is evidence for, where the document has the label
    evidence_of = defaultdict(list)  # label -> its evidence passages
    for e in evidence:
        evidence_of[e["label"]].append(e["passage_index"])
        if e["assigned"]:
            base[e["passage_index"]].add(e["label"])
    decided: dict[tuple[int, str], str] = {}
    for c in items:  # document-level first, so a passage-level decision on the same label wins
        if c["passage_index"] is None:
            for idx in evidence_of.get(c["label"], []):
                decided[(idx, c["label"])] = c["action"]
    for c in items:
        if c["passage_index"] is not None:
            decided[(c["passage_index"], c["label"])] = c["action"]
    touched = defaultdict(dict)
    for (idx, label), action in decided.items():
        touched[idx][label] = action
    texts = store.get_passages(doc_id, touched.keys())
    out = []
    for idx in sorted(touched):
        passage = texts.get(idx)
        if passage is None:
            continue
        labels = set(base.get(idx, set()))
        for label, action in touched[idx].items():
            if action == "reject":
                labels.discard(label)
            else:
                labels.add(label)
        schemes = {taxonomy.scheme_of(label) for label in touched[idx]}
        labels = {label for label in labels if taxonomy.scheme_of(label) in schemes}
        out.append(LabelledPassage(
            id=f"user-{doc_id[:16]}-{idx}",
            text=passage["text"],
            language=passage["language"] or "",
            labels=tuple(taxonomy.validate(labels)),
            provenance=PROVENANCE,
            group=doc_id,
            schemes=tuple(s for s in taxonomy.scheme_names() if s in schemes),
            kind="correction",
        ))
    return out
