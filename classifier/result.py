"""What the classifier returns for a Document: per-label scores, decisions and evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Evidence:
    passage_index: int
    page_start: int
    page_end: int
    score: float
    text: str
    terms: tuple[str, ...] = ()
    main: bool = False  # the label is this passage's main label in its scheme (not only one it also mentions)

    @property
    def pages(self) -> str:
        return str(self.page_start) if self.page_start == self.page_end else f"{self.page_start}-{self.page_end}"


@dataclass(frozen=True)
class LabelScore:
    label: str
    scheme: str
    name: str
    score: float
    threshold: float
    assigned: bool
    evidence: tuple[Evidence, ...] = ()
    main: bool = False  # the assigned label of its scheme the document is mainly about (Tagger.document_main)


@dataclass(frozen=True)
class Classification:
    document_id: str
    source: str
    language: str
    n_pages: int
    n_passages: int
    model: str
    labels: tuple[LabelScore, ...]
    language_shares: dict
    warnings: tuple[str, ...] = ()

    def assigned(self, scheme: str | None = None) -> list[LabelScore]:
        return [s for s in self.labels if s.assigned and (scheme is None or s.scheme == scheme)]

    def score(self, label_id: str) -> LabelScore:
        for s in self.labels:
            if s.label == label_id:
                return s
        raise KeyError(label_id)

    def main(self) -> dict[str, str]:
        """The main label of each scheme that has an assigned label."""
        return {s.scheme: s.label for s in self.labels if s.main}

    def to_dict(self) -> dict:
        out = asdict(self)
        out["assigned"] = [s.label for s in self.labels if s.assigned]
        out["main"] = self.main()
        return out
