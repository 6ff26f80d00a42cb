"""The table of numeric fields: the schema, the flat-vector layout, the agents, the
parameter paths and the classroom sliders all agree with it."""

import math
import re
from datetime import date
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import numpy as np
import pytest

from summitsim import arrays
from summitsim.agents import Negotiator, Principal
from summitsim.demo import app
from summitsim.model import SummitModel
from summitsim.scenario import ScenarioError, fields, load_scenario, scenario_from_data, schema
from summitsim.scenario.paths import get_value, resolve, scalar_paths

HERE = Path(__file__).parent
BASE = load_scenario(HERE / "scenarios" / "base.yaml")
BUDAPEST = str(HERE.parent / "scenarios" / "v1" / "budapest_2025.yaml")
# The section of a file that holds each role's fields (a principal also carries the
# negotiator fields on a side without a negotiator).
SECTIONS = {
    "principal": [schema.Principal],
    "negotiator": [schema.Negotiator, schema.Principal],
    "scenario": [schema.Scenario],
    "contact": [schema.Contact],
}
#: The rows written as numbers (``reviews_from`` is a date, ``believes`` a mapping).
NUMBER_ROWS = [f for f in fields.FIELDS if f.written == "number"]


def _bare(annotation: Any) -> Any:
    """A field's type without Annotated and ``| None``."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not NoneType)
        else:
            return annotation


def _numeric_fields(model: type) -> set[str]:
    """The fields of a section whose values are numbers or mappings to numbers."""
    found = set()
    for name, info in model.model_fields.items():
        kind = _bare(info.annotation)
        if kind is float or (get_origin(kind) is dict and _bare(get_args(kind)[1]) is float):
            found.add(name)
    return found


def test_the_schema_has_exactly_the_fields_of_the_table():
    for model in (schema.Principal, schema.Negotiator, schema.Scenario, schema.Contact):
        rows = {f.name for f in NUMBER_ROWS if model in SECTIONS[f.role]}
        assert _numeric_fields(model) == rows, model.__name__
    assert _numeric_fields(schema.Approver) == {f.name for f in fields.FIELDS if f.approver}
    assert _numeric_fields(schema.Beliefs) == {"salience"}  # the row ``believes``
    assert fields.DATE_FIELDS == ("reviews_from",) and fields.LATE_ISSUE_FIELDS == ("believes",)


def test_the_schema_defaults_are_the_table_defaults():
    for field in fields.FIELDS:
        info = SECTIONS[field.role][0].model_fields[field.name]
        if field.default is None:
            assert info.is_required(), field.name
        elif math.isnan(field.default) or field.written != "number":
            # unset in the file (None); the vector holds NaN, or the day of start
            assert info.default is None and (field.unset or field.written == "date"), field.name
        else:
            assert info.default == field.default, field.name
    # a principal standing in for its negotiator gets the negotiator fields' defaults
    solo = BASE.model_dump(by_alias=True, exclude_none=True)
    del solo["sides"][1]["negotiator"]
    solo["uncertainty"] = {}
    solo["consequences"] = [c for c in solo["consequences"] if "who" not in c]
    scenario = scenario_from_data(solo)
    assert scenario.negotiator_value(1, "concession") == 1.0
    assert scenario.negotiator_value(1, "hawkishness") == 0.0


def _probe(field: fields.NumericField, value: float) -> bool:
    """Whether the schema takes ``value`` for ``field`` (one issue's value for a per-issue
    field) on Russia's side of the base scenario."""
    data = BASE.model_dump(by_alias=True, exclude_none=True)
    data["uncertainty"] = {}
    if field.role == "scenario":
        data[field.name] = value
    elif field.role == "contact":
        data["contacts"][0][field.name] = value
    elif field.name == "believes":
        data["sides"][1]["negotiator"]["believes"] = {
            "salience": {"territory": value, "ceasefire": 0.5}
        }
    else:
        holder = data["sides"][1][field.role]  # russia: putin and lavrov
        if field.per_issue:  # one issue's value (all-zero weights are refused anyway)
            holder[field.name]["territory"] = value
        else:
            holder[field.name] = value
    try:
        scenario_from_data(data)
    except ScenarioError:
        return False
    return True


@pytest.mark.parametrize(
    "field", [f for f in fields.FIELDS if f.written != "date"], ids=lambda f: f.name
)
def test_every_range_is_the_schema_range(field):
    bounds, tiny = field.range, 1e-9
    probes = [bounds.low - tiny, bounds.low, bounds.low + tiny, 0.5, 2.0, 1e7]
    if math.isfinite(bounds.high):
        probes += [bounds.high - tiny, bounds.high, bounds.high + tiny]
    for value in probes:
        assert _probe(field, value) == bounds.contains(value), (field.name, value)


def test_the_ranges_by_hand():
    # design.md section 3, written out once here
    expected = {
        "ideal": "a number in [0, 1]",
        "salience": "a number in [0, 1e+06]",
        "reservation": "a number in [0, 1)",
        "softness": "a number in [0, 1]",
        "patience": "a number in [0, 1]",
        "trust": "a number in [0, 1]",
        "trust_loss": "a number in [0, 1]",
        "sideline_below": "a number in [0, 1]",
        "concession": "a number > 0",
        "hawkishness": "a number in [0, 1]",
        "reciprocity": "a number in [0, 1]",
        "mandate": "a number in [0, 1)",
        "meets_without_deal": "a number in [0, 1]",
        "reviews_from": "a number in [0, 36500]",  # whole days since start
        "believes": "a number in [0, 1e+06]",
        "noise": "a number >= 0",
        "held": "a number in (0, 1]",
    }
    assert {name: bounds.text() for name, bounds in fields.RANGES.items()} == expected


def test_the_layout_is_the_documented_one():
    # arrays.py's docstring: "[ideal (K), salience (K), reservation, ...]" then "noise"
    written = re.search(r"``\[(.*?)\]``", " ".join(arrays.__doc__.split())).group(1)
    documented = [name.split(" (")[0] for name in written.split(", ")]
    assert documented == [*fields.ISSUE_FIELDS, *fields.SIDE_FIELDS, *fields.LATE_ISSUE_FIELDS]
    assert fields.SCENARIO_FIELDS == ("noise",)
    for name in fields.SIDE_FIELDS:
        assert getattr(arrays, name.upper()) == fields.SIDE_FIELDS.index(name)
    # base.yaml by hand: K = 2, so a side is 2 + 2 + 8 + 4 + 2 = 18 entries, noise is entry
    # 36, then the two contacts' held probabilities
    vector = arrays.nominal_vector(BASE)
    assert vector.shape == (39,) and arrays.noise_offset(2) == 36
    np.testing.assert_array_equal(vector[37:], [1.0, 1.0])
    russia = 18
    np.testing.assert_array_equal(vector[russia : russia + 2], [1.0, 1.0])  # putin's ideal
    np.testing.assert_array_equal(vector[russia + 2 : russia + 4], [0.5, 0.5])  # salience
    assert vector[russia + 4 + arrays.RESERVATION] == 0.4
    assert vector[russia + 4 + arrays.TRUST] == 1.0  # the default
    assert vector[russia + 4 + arrays.TRUST_LOSS] == 0.4
    assert vector[russia + 4 + arrays.CONCESSION] == 0.5  # lavrov's
    assert vector[russia + 4 + arrays.HAWKISHNESS] == 0.2
    assert vector[36] == 0.02  # noise
    assert vector[russia + 4 + arrays.RECIPROCITY] == 0.0
    assert np.isnan(vector[russia + 4 + arrays.MANDATE])  # unset: the trial's reservation
    assert np.isnan(vector[russia + 4 + arrays.MEETS_WITHOUT_DEAL])  # null
    assert vector[4 + arrays.REVIEWS_FROM] == 4.0  # trump reviews from 20 October: day 4
    assert vector[russia + 4 + arrays.REVIEWS_FROM] == 0.0  # the default: start
    assert np.isnan(vector[russia + 16 : russia + 18]).all()  # no belief: the truth
    for text in scalar_paths(BASE):
        path = resolve(BASE, text)
        index, width = arrays.path_offset(path, BASE.issue_ids)
        if path.field != "salience":  # salience is normalised in the vector
            assert (width, vector[index]) == (1, get_value(BASE, path)), text


def test_the_agents_are_built_with_the_table_fields():
    model = SummitModel(BASE)
    for j, principal in enumerate(model.principals):
        for name in fields.PRINCIPAL_FIELDS:
            written = getattr(BASE.sides[j].principal, name)
            if written is None:  # unset (mandate, meets_without_deal): NaN in the vector
                assert math.isnan(getattr(principal, name)), name
            else:
                assert getattr(principal, name) == written, name
        for name in fields.NEGOTIATOR_FIELDS:
            assert getattr(model.negotiators[j], name) == BASE.negotiator_value(j, name)
    scalars = dict.fromkeys(fields.PRINCIPAL_FIELDS[1:], 0.5)
    with pytest.raises(TypeError, match="takes the fields reservation, softness"):
        Principal(model, "x", "X", 0, np.zeros(2), np.ones(2) / 2, date(2025, 1, 1), **scalars)
    with pytest.raises(TypeError, match="takes the fields concession, hawkishness"):
        Negotiator(model, "y", "Y", model.principals[0], concession=1.0)


def test_the_paths_are_the_table_fields():
    assert fields.PRINCIPAL_FIELDS == (
        "reservation",
        "softness",
        "patience",
        "trust",
        "trust_loss",
        "sideline_below",
        "mandate",
        "meets_without_deal",
    )
    assert fields.NEGOTIATOR_FIELDS == ("concession", "hawkishness", "reciprocity")
    assert fields.ISSUE_FIELDS == ("ideal", "salience")
    # noise, then per side 6 principal fields, 2 x 2 issue values and 2 negotiator fields:
    # a schema 1 file lists no schema 2 field
    found = scalar_paths(BASE)
    assert len(found) == 1 + 2 * (6 + 4 + 2)
    for text in found:
        path = resolve(BASE, text)
        assert path.range == fields.RANGES[path.field]
        assert path.role == fields.BY_NAME[path.field].role or path.field in ("ideal", "salience")


def test_every_slider_comes_from_the_table():
    scenario = load_scenario(BUDAPEST)
    sliders = app.slider_paths(scenario)
    people = ["trump", "rubio", "putin", "lavrov"]
    assert list(sliders) == [
        f"{people[0]}.softness",
        f"{people[0]}.patience",
        f"{people[0]}.reservation",
        f"{people[1]}.concession",
        f"{people[1]}.hawkishness",
        f"{people[2]}.softness",
        f"{people[2]}.patience",
        f"{people[2]}.reservation",
        f"{people[3]}.concession",
        f"{people[3]}.hawkishness",
        "noise",
    ]
    assert sliders["trump.reservation"][2:] == (0.0, 0.99, 0.01)
    assert sliders["rubio.concession"][2:] == (0.1, 4.0, 0.05)
    assert sliders["noise"][0] == "Noise (sd of each judgement)"
    assert sliders["noise"][2:] == (0.0, 0.2, 0.005)
    for text, (_, value, low, high, step) in sliders.items():
        row = fields.BY_NAME[resolve(scenario, text).field]
        assert row.slider is not None
        assert value == get_value(scenario, resolve(scenario, text))  # the file's value
        assert (low, high, step) == (row.slider.low, row.slider.high, row.slider.step)
        assert row.range.contains(low) and row.range.contains(high), text
    with_slider = {f.name for f in fields.FIELDS if f.slider is not None and f.since == 1}
    assert {resolve(scenario, text).field for text in sliders} == with_slider


def test_the_model_fingerprint_covers_the_table(tmp_path, monkeypatch):
    # The layout follows the table: blocks of a sweep computed with another table must not
    # be resumed as if they were the same model.
    import shutil

    from summitsim import fingerprint

    before = fingerprint.model_fingerprint()
    package = Path(fingerprint.__file__).parent
    for source in fingerprint.KERNEL_SOURCES:
        (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(package / source, tmp_path / source)
    monkeypatch.setattr(fingerprint, "_PACKAGE", tmp_path)
    assert fingerprint.model_fingerprint() == before  # the same sources, the same hash
    edited = tmp_path / "scenario" / "fields.py"
    edited.write_text(edited.read_text() + "\n# another table\n")
    assert fingerprint.model_fingerprint() != before
