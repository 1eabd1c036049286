"""The labelled-passage schema of corpus/dataset.py."""

import pytest

from corpus.dataset import parse_record
from corpus.errors import DataError


def test_primary_must_be_one_of_the_labels():
    r = parse_record({"text": "t", "labels": ["sdg:7", "sdg:13"], "primary": "sdg:7"})
    assert r.primary == ("sdg:7",)
    assert '"primary": ["sdg:7"]' in r.to_json()
    assert parse_record({"text": "t", "labels": ["sdg:7"]}).primary == ()
    with pytest.raises(DataError, match="primary"):
        parse_record({"text": "t", "labels": ["sdg:7"], "primary": "sdg:13"})
