"""Weak labels from the Climate City Contract plans: never from the dev-set / PDF cities, valid and consistent."""

import pytest

from classifier.taxonomy import default_taxonomy
from corpus.weak import PER_CITY, SMART_OF_TOPIC, UNJUDGED, Section, city_plan_passages, label_passage, pdf_cities, plan_passages

KEEP = {"aarhus", "malmo", "zaragoza"}  # three plans without a PDF keep the test fast

PLAN = """# Climate City Contract
![img-0.jpeg](img-0.jpeg)
## Module A-1 Greenhouse Gas Emissions Baseline Inventory
### Transport
Emissions of road transport were estimated from fuel sales and vehicle kilometres for the base year, and the
inventory reports them in tonnes of CO2e per sector together with the method used for each source.
# Module B-2 Climate Neutrality Portfolio Design
## Transport and mobility
The city will build forty kilometres of protected cycle lanes and add electric buses to the public transport fleet,
so that walking, cycling and public transport become the easiest way to reach the centre from every district.
### Management:
The mobility department leads the action together with the regional transport operator, and it reports to the city
council every year on the kilometres built and the number of buses in service.
## Citizen engagement
Neighbourhood assemblies will discuss the portfolio twice a year, and every proposal they make is answered in
writing by the department responsible within three months, with the reasons for the decision taken.
| 2019 | 2020 | 2021 |
| --- | --- | --- |
| 1200 | 1100 | 1000 |
"""


@pytest.fixture(scope="module")
def weak(shared_data):
    everything = {p.stem.lower() for p in (shared_data / "city-climate-contracts" / "md").glob("*.md")}
    return city_plan_passages(shared_data, exclude=everything - KEEP - pdf_cities(shared_data))


@pytest.mark.shared_data
def test_pdf_cities_are_the_twenty_dev_set_cities(shared_data):
    cities = pdf_cities(shared_data)
    assert len(cities) == 20 and "rotterdam" in cities


@pytest.mark.shared_data
def test_no_passage_comes_from_a_pdf_city_or_an_excluded_one(weak, shared_data):
    assert weak
    cities = {r.id.rsplit("-", 1)[0].removeprefix("ccc-") for r in weak}
    assert cities <= KEEP
    assert not cities & pdf_cities(shared_data)


@pytest.mark.shared_data
def test_labels_are_valid_and_match_the_annotated_schemes(weak):
    taxonomy = default_taxonomy()
    for r in weak:
        assert taxonomy.validate(r.labels)
        label_schemes = {taxonomy.scheme_of(label) for label in r.labels}
        assert label_schemes == set(r.schemes), r.id  # no label outside its schemes, no annotated scheme left empty
        assert r.unknown[: len(UNJUDGED)] == UNJUDGED and not set(r.labels) & set(r.unknown)  # labels it cannot judge
        smart = [label for label in r.labels if label.startswith("smart:")]
        # a smart area only as a positive from a sector section; the other areas stay unknown
        assert len(smart) + len([u for u in r.unknown if u.startswith("smart:")]) == (6 if smart else 0)
        assert all(SMART_OF_TOPIC[g] in smart for g in r.labels if g in SMART_OF_TOPIC)
        assert r.language == "en" and r.provenance.startswith("weak:") and r.split == "train"
        assert ("gd" in r.schemes) == ("ccc-sections" in r.provenance)


@pytest.mark.shared_data
def test_ids_are_unique_and_cities_are_capped(weak):
    ids = [r.id for r in weak]
    assert len(ids) == len(set(ids))
    assert all(sum(i.startswith(f"ccc-{c}-") for i in ids) <= PER_CITY for c in KEEP)


def test_sections_follow_headings_and_drop_images_and_number_tables():
    passages = plan_passages(PLAN)
    texts = [t for t, _ in passages]
    assert not any("img-0" in t or "1200" in t for t in texts)
    inventory, cycling, management, assembly = (s for _, s in passages)
    assert inventory.inventory and inventory.topics == {"gd:climate"}
    assert cycling.topics == {"gd:mobility"} and management == cycling  # a field heading keeps its section
    assert assembly == Section()


def test_section_topics_need_confirmation_by_the_text():
    cycling = "Protected cycle lanes and more buses make walking and public transport the easy choice in the city."
    labels, schemes, unknown, provenance = label_passage(cycling, Section(frozenset({"gd:mobility"})), ())
    assert labels == ("sdg:11", "gd:mobility", "smart:mobility")  # the guidelines' SDG and smart area come with it
    assert schemes == ("sdg", "gd", "smart") and provenance == "weak:ccc-sections"
    assert "smart:governance" in unknown and "smart:mobility" not in unknown  # positive only: the others unknown
    labels, schemes, unknown, provenance = label_passage(cycling, Section(), ("sdg:11",))
    assert labels == ("sdg:11",) and schemes == ("sdg",) and unknown == UNJUDGED and provenance == "weak:sdg-queries"
    unrelated = "The department answers every proposal in writing and publishes the answers twice a year online."
    assert label_passage(unrelated, Section(frozenset({"gd:mobility"})), ()) == ((), (), (), "")
