"""Shaping stored rows for people: tags grouped per scheme in taxonomy order, with names in the asked language.
Shared by the API and the web pages."""

from __future__ import annotations

from classifier.taxonomy import default_taxonomy
from service.errors import InvalidRequest


def tags_by_scheme(rows: list[dict], lang: str = "en") -> list[dict]:
    """Store.get_tags rows -> ``[{scheme, name, tags: [...]}]``, schemes and labels in taxonomy order."""
    taxonomy = default_taxonomy()
    by_label = {r["label"]: r for r in rows}
    out = []
    for scheme, info in taxonomy.schemes.items():
        tags = [
            {**by_label[label.id], "name": label.display_name(lang)}
            for label in taxonomy.labels
            if label.scheme == scheme and label.id in by_label
        ]
        if tags:
            out.append({"scheme": scheme, "name": info["name"].get(lang) or info["name"]["en"], "tags": tags})
    return out


def coverage_labels(scheme: str | None = None) -> list[str]:
    taxonomy = default_taxonomy()
    return [label.id for label in taxonomy.labels if scheme is None or label.scheme == scheme]


def check_scheme(scheme: str | None) -> None:
    taxonomy = default_taxonomy()
    if scheme and scheme not in taxonomy.schemes:
        raise InvalidRequest(f"unknown scheme '{scheme}'; schemes are {', '.join(taxonomy.schemes)}")
