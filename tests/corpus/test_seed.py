"""The project-written seed corpus: valid labels, complete parallel groups, and no text shared with the held-out groups."""

import re
from collections import defaultdict

from classifier.taxonomy import default_taxonomy
from corpus.sources import SEED_DIR, seed_passages

RUN = 12  # words: a shared run this long means copied text


def _runs(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i : i + RUN]) for i in range(len(w) - RUN + 1)}


def test_every_seed_passage_is_valid_and_follows_the_label_policy():
    tax = default_taxonomy()
    records = seed_passages()
    assert len({r.id for r in records}) == len(records)
    for r in records:
        tax.validate(r.labels)
        assert r.language in {"en", "pl", "cs", "sk", "hu"}
        assert "gd:buildings" not in r.labels or "sdg:13" in r.labels, r.id  # GUIDELINES.md label policy


def test_parallel_groups_have_five_languages_one_label_set_and_one_split():
    groups = defaultdict(list)
    for r in seed_passages():
        if r.group:
            groups[r.group].append(r.with_split())
    assert len(groups) > 300
    for g, rows in groups.items():
        assert sorted(r.language for r in rows) == ["cs", "en", "hu", "pl", "sk"], g
        assert len({frozenset(r.labels) for r in rows}) == 1, g
        assert len({r.split for r in rows}) == 1, g
    assert all(r.split == "train" for g, rows in groups.items() if g.startswith("part-") for r in rows)
    assert all(r.split == "test" for g, rows in groups.items() if g.startswith("parh-") for r in rows)


def test_no_training_passage_shares_a_run_of_words_with_a_held_out_group():
    records = [r.with_split() for r in seed_passages()]
    held_out = set().union(*(_runs(r.text) for r in records if r.split == "test" and r.group))
    leaks = [r.id for r in records if r.split != "test" and _runs(r.text) & held_out]
    assert held_out and not leaks, leaks[:10]
    assert (SEED_DIR / "parallel-train").is_dir()


def test_every_label_has_at_least_40_seed_passages_in_every_language():
    counts = defaultdict(int)
    for r in seed_passages():
        for label in r.labels:
            counts[(label, r.language)] += 1
    thin = [(label, lang, counts[(label, lang)]) for label in default_taxonomy().ids
            for lang in ("en", "pl", "cs", "sk", "hu") if counts[(label, lang)] < 40]
    assert not thin, thin


def test_one_label_files_give_their_passages_a_primary_label():
    records = seed_passages()
    typical = [r for r in records if r.id.startswith("seed-") and r.kind == "typical"]
    assert typical and all(len(r.primary) == 1 and r.primary[0] in r.labels for r in typical)
    assert all(r.primary[0].replace(":", "-") in r.id for r in typical)  # seed-pl-sdg-7-001 is about sdg:7
    # a one-label file's hard negative is not about the file's label; parallel hard negatives may name what they are about
    assert not any(r.primary for r in records if r.kind == "hard-negative" and r.id.startswith("seed-"))
    assert all(set(r.primary) <= set(r.labels) for r in records)


def test_judged_main_labels_name_one_gold_label_per_ambiguous_scheme_of_a_training_group():
    import json

    tax = default_taxonomy()
    judged = json.loads((SEED_DIR / "parallel-train" / "main-labels.json").read_text(encoding="utf-8"))
    groups = {}
    for r in seed_passages():
        if r.group:
            groups.setdefault(r.group, []).append(r.with_split())
    assert len(judged) >= 150
    for g, mains in judged.items():
        rows = groups[g]
        assert {r.split for r in rows} == {"train"}, g  # never a held-out group
        labels = rows[0].labels
        ambiguous = [s for s in tax.scheme_names() if sum(tax.scheme_of(x) == s for x in labels) >= 2]
        assert sorted(tax.scheme_of(m) for m in mains) == sorted(ambiguous), g
        assert all(m in labels for m in mains), g
