"""The input wing: scenario files, their numeric fields, parameter paths and overrides.

One room per concern, each importing only the rooms above it in this list:

* :mod:`.messages`: ScenarioError and pydantic's errors in words;
* :mod:`.fields`: the table of numeric fields, from which ranges, layout, paths and
  sliders are derived;
* :mod:`.safe_yaml`: reading a file safely (size and node guards, line numbers);
* :mod:`.values`: the value types of a file (numbers in range, ids, dates, settings);
* :mod:`.outcomes`: outcome kinds, ``expect:`` and ``observed:``;
* :mod:`.schema`: the pydantic models of the file, pure data;
* :mod:`.paths`: parameter paths (``putin.softness``) and their values;
* :mod:`.checks`: the cross-checks between fields, run after pydantic's validation;
* :mod:`.loading`: ``load_scenario``, ``parse_scenario``, ``scenario_from_data``;
* :mod:`.overrides`: a scenario with values set (``--set``, grids, sliders) and held.

The names below are the package's public API, for those who import them from here.
"""

from summitsim.scenario.fields import (
    FIELDS,
    ISSUE_FIELDS,
    NEGOTIATOR_FIELDS,
    PRINCIPAL_FIELDS,
    RANGES,
    SCENARIO_FIELDS,
    SETTINGS,
    SIDE_FIELDS,
    NumericField,
    Range,
    Slider,
)
from summitsim.scenario.loading import load_scenario, parse_scenario, scenario_from_data
from summitsim.scenario.messages import Loc, ScenarioError, field_path
from summitsim.scenario.outcomes import Bounds, Expect, Observed
from summitsim.scenario.overrides import hold, undrawn, with_held_values, with_values
from summitsim.scenario.paths import (
    CLIP_MARGIN,
    GRAMMAR,
    ParameterPath,
    get_value,
    parse_assignment,
    parse_range,
    resolve,
    scalar_paths,
)
from summitsim.scenario.safe_yaml import (
    MAX_FILE_BYTES,
    MAX_NODES,
    read_document,
    read_scenario_bytes,
)
from summitsim.scenario.schema import (
    UNCERTAINTY_FORMS,
    Approver,
    Beliefs,
    Consequence,
    Contact,
    Issue,
    Negotiator,
    Principal,
    Scenario,
    Side,
    Uncertainty,
)
from summitsim.scenario.values import CONCENTRATION, MAX_DAYS, MAX_EXPECT_TRIALS

__all__ = [
    "CLIP_MARGIN",
    "CONCENTRATION",
    "FIELDS",
    "GRAMMAR",
    "ISSUE_FIELDS",
    "MAX_DAYS",
    "MAX_EXPECT_TRIALS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "NEGOTIATOR_FIELDS",
    "PRINCIPAL_FIELDS",
    "RANGES",
    "SCENARIO_FIELDS",
    "SETTINGS",
    "SIDE_FIELDS",
    "UNCERTAINTY_FORMS",
    "Approver",
    "Beliefs",
    "Bounds",
    "Consequence",
    "Contact",
    "Expect",
    "Issue",
    "Loc",
    "Negotiator",
    "NumericField",
    "Observed",
    "ParameterPath",
    "Principal",
    "Range",
    "Scenario",
    "ScenarioError",
    "Side",
    "Slider",
    "Uncertainty",
    "field_path",
    "get_value",
    "hold",
    "load_scenario",
    "parse_assignment",
    "parse_range",
    "parse_scenario",
    "read_document",
    "read_scenario_bytes",
    "resolve",
    "scalar_paths",
    "scenario_from_data",
    "undrawn",
    "with_held_values",
    "with_values",
]
