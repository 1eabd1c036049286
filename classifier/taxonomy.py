"""The label taxonomy, read from ``classifier/taxonomy.json`` (data, not code)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import TaxonomyError

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.json")


@dataclass(frozen=True)
class Label:
    id: str
    scheme: str
    short: str
    name: dict
    description: dict

    def display_name(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name["en"]


@dataclass(frozen=True)
class Taxonomy:
    labels: tuple[Label, ...]
    schemes: dict
    languages: tuple[str, ...]

    @property
    def ids(self) -> list[str]:
        return [label.id for label in self.labels]

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, label_id: str) -> Label:
        try:
            return self._by_id[label_id]
        except KeyError:
            raise TaxonomyError(f"unknown label '{label_id}'; known labels are listed by 'stratag labels'") from None

    @functools.cached_property
    def _by_id(self) -> dict[str, Label]:
        return {label.id: label for label in self.labels}

    def index(self, label_id: str) -> int:
        self[label_id]
        return self.ids.index(label_id)

    def scheme_of(self, label_id: str) -> str:
        return self[label_id].scheme

    def scheme_names(self) -> list[str]:
        return list(self.schemes)

    def validate(self, label_ids) -> list[str]:
        """Return the ids in taxonomy order; raise TaxonomyError on an unknown id."""
        wanted = set(label_ids)
        for label_id in wanted:
            self[label_id]
        return [i for i in self.ids if i in wanted]


def load_taxonomy(path: str | Path = TAXONOMY_PATH) -> Taxonomy:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    labels = tuple(
        Label(d["id"], d["scheme"], d.get("short", d["id"]), d["name"], d["description"]) for d in data["labels"]
    )
    ids = [label.id for label in labels]
    if len(set(ids)) != len(ids):
        raise TaxonomyError(f"duplicate label ids in {path}")
    for label in labels:
        if label.scheme not in data["schemes"] or not label.id.startswith(label.scheme + ":"):
            raise TaxonomyError(f"label '{label.id}' has scheme '{label.scheme}' not declared in {path}")
    return Taxonomy(labels, data["schemes"], tuple(data["languages"]))


@functools.lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
