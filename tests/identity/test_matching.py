"""The matcher's parts on small cases: comparison levels, blocking keys, the weights file (loaded as data, refused when
incomplete), the estimator's EM, and the verdicts with their safety rules.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date

import pytest

from hub.core.settings import Settings
from hub.identity.decision import Outcome, Thresholds, decide, safety_veto
from hub.identity.estimate import em, level_shares
from hub.identity.matching import (
    FIELDS,
    LEVELS,
    Person,
    blocking_keys,
    compare,
    compare_birth_date,
    compare_family,
    compare_given,
    compare_national_id,
)
from hub.identity.weights import WEIGHTS_FILE, WeightsInvalid, current_weights, parse

BORN = date(2019, 2, 4)
THRESHOLDS = Thresholds(link=Settings().identity_link_threshold, review=Settings().identity_review_threshold)


def person(given="Amina", family="Haugland", born=BORN, sex="female", street="Storgata 12", postal="5525",
           municipality="1106", ids=()) -> Person:
    return Person.of(given=given, family=family, birth_date=born, sex=sex, street=street, postal_code=postal,
                     municipalities=frozenset({municipality}) if municipality else frozenset(), national_ids=frozenset(ids))


def test_comparison_levels():
    assert compare_given(("amina",), ("amina", "sofie")) == 3
    assert compare_given(("amnia",), ("amina",)) == 2  # a typo
    assert compare_given(("ola",), ("ole",)) == 1  # similar, not a typo: a twin's name
    assert compare_given(("tor",), ("tore",)) == 1  # short names a letter apart are names of their own
    assert compare_given(("ola",), ()) is None
    assert compare_family(("hansen", "berg"), ("hansen",)) == 2  # a dropped second surname still agrees
    assert compare_family(("hansen",), ("olsen",)) < 2
    assert compare_birth_date(BORN, BORN) == 3
    assert compare_birth_date(BORN, date(2019, 4, 2)) == 2  # day and month swapped
    assert compare_birth_date(BORN, date(2019, 2, 5)) == 1  # one digit off
    assert compare_birth_date(BORN, date(2016, 9, 27)) == 0
    assert compare_national_id(frozenset({"15072052088"}), frozenset({"15072052080"})) == 2  # a typing slip
    assert compare_national_id(frozenset({"15072052088"}), frozenset({"55072052088"})) is None  # a D-nummer: not compared


def test_names_written_in_each_others_place_agree():
    vector = compare(person(given="Haugland", family="Amina"), person())
    assert vector[:2] == (2, 2)


def test_blocking_keys_find_a_swapped_birth_date_and_a_typo():
    stored = blocking_keys(person())
    assert blocking_keys(person(born=date(2019, 4, 2)), query=True) & stored  # day and month swapped
    assert blocking_keys(person(given="Amnia", born=date(2019, 2, 5), postal=""), query=True) & stored  # both at once
    assert not blocking_keys(person(given="Ola", family="Nordmann", born=date(2016, 9, 27), postal="0150"), query=True) & stored


def test_the_weights_are_data_with_how_they_were_made():
    document = json.loads((Settings().mappings_dir / WEIGHTS_FILE).read_text(encoding="utf-8"))
    assert {"method", "data", "made", "estimation"} <= set(document)
    assert set(document["fields"]) == set(FIELDS)
    weights = current_weights()
    for name, spec in document["fields"].items():
        for level in spec["levels"]:
            assert weights.by_field[name][level["level"]] == pytest.approx(math.log2(level["m"] / level["u"]))
        if not spec["estimated"]:
            assert spec["basis"]  # what is not estimated says why
    agreeing = weights.score(compare(person(), person()))
    assert agreeing > THRESHOLDS.link > THRESHOLDS.review > weights.score(compare(person(), person(given="Kari", family="Olsen", born=date(2016, 9, 27), street="Elm Road 1", postal="0150")))


def test_an_incomplete_weights_file_is_refused(tmp_path):
    document = json.loads((Settings().mappings_dir / WEIGHTS_FILE).read_text(encoding="utf-8"))
    del document["fields"]["sex"]
    with pytest.raises(WeightsInvalid, match="sex"):
        parse(document)
    (tmp_path / "identity").mkdir()
    with pytest.raises(WeightsInvalid, match="missing"):
        current_weights(tmp_path)


def test_em_finds_the_match_share_of_pairs():
    # 100 pairs agreeing on given and family names, 900 disagreeing: EM (u fixed) says a tenth match
    agree = tuple([3, 3] + [None] * (len(FIELDS) - 2))
    differ = tuple([0, 0] + [None] * (len(FIELDS) - 2))
    u = level_shares([differ] * 990 + [agree] * 10)
    m = {f: [0.1 / (LEVELS[f] - 1)] * (LEVELS[f] - 1) + [0.9] for f in FIELDS}
    share, estimated = em(Counter({agree: 100, differ: 900}), u=u, m=m, free={"given", "family"})
    assert share == pytest.approx(0.1, abs=0.01)
    assert estimated["given"][3] > 0.95


def verdict(record: Person, *stored: Person):
    return decide(record, [(str(i), p) for i, p in enumerate(stored)], weights=current_weights(), thresholds=THRESHOLDS)


def test_a_typo_with_the_same_address_links():
    result = verdict(person(given="Amnia", municipality=""), person())
    assert result.outcome == Outcome.link and result.best is not None and result.best.candidate == "0"


def test_twins_are_never_linked():
    twin = verdict(person(given="Ole"), person(given="Ola"))
    assert twin.outcome == Outcome.review and "twins" in (twin.held_back or "")


def test_a_namesake_in_another_municipality_is_never_linked():
    result = verdict(person(street="", postal="", municipality="1146"), person(street="", postal=""))
    assert result.outcome == Outcome.review and result.held_back == "another municipality"


def test_name_and_birth_date_alone_only_reviews():
    result = verdict(person(sex=None, street="", postal="", municipality=""), person(street="", postal="", municipality=""))
    assert result.outcome == Outcome.review and "place" in (result.held_back or "")


def test_two_valid_national_ids_of_one_kind_are_two_children():
    vector = compare(person(ids={"15072052088"}), person(ids={"15072052169"}))
    assert safety_veto(vector) == "national ids of the same kind differ"
    assert safety_veto(vector, ids_checked=False) is None  # numbers without check digits (FEBRL's) are only weighed


def test_two_candidates_within_reach_are_a_review():
    result = verdict(person(), person(), person(given="Amnia"))
    assert result.outcome == Outcome.review and result.held_back == "another candidate is within reach"
    assert len(result.reviewed()) == 2


def test_a_stranger_is_a_new_child():
    assert verdict(person(), person(given="Kari", family="Olsen", born=date(2016, 9, 27), street="Elm Road 1", postal="0150")).outcome == Outcome.new
