"""The sensitivity study's design: its factors are every numeric constant and uncertainty of the schema,
their ranges keep to the schema, and the compared designs differ only where they should."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import with_overrides
from sim.config.overrides import base_scenario
from sim.config.schema import Scenario, Section
from sim.validation.sensitivity import design


def schema_parameters():
    """(path, role, annotation, default, ge, le) of every parameter, walked from the pydantic models."""
    out = []

    def bounds(f):
        ge = le = None
        for m in f.metadata:
            ge = getattr(m, "ge", ge)
            le = getattr(m, "le", le)
        return ge, le

    for name, f in Scenario.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, Section):
            for key, g in ann.model_fields.items():
                role = (g.json_schema_extra or {}).get("role")
                out.append((f"{name}.{key}", role, g.annotation, g.get_default(call_default_factory=True),
                            *bounds(g)))
        elif f.json_schema_extra:
            out.append((name, f.json_schema_extra.get("role"), ann, f.get_default(), *bounds(f)))
    return out


def test_the_factors_are_every_numeric_constant_and_uncertainty_of_the_schema():
    factors, skipped = design.factor_list()
    paths = [f.path for f in factors]
    assert len(paths) == len(set(paths))
    expected = {}
    not_numbers = set()
    for path, role, ann, default, _, _ in schema_parameters():
        if role not in ("constant", "uncertainty"):
            continue
        if path in design.EXCLUDED:
            continue
        if ann in (int, float):
            expected[path] = role
        elif isinstance(default, dict) and all(isinstance(v, (int, float)) for v in default.values()):
            expected.update({f"{path}.{k}": role for k in default})
        else:
            not_numbers.add(path)
    assert {f.path: f.group for f in factors} == expected
    # what is left out: the exclusions (with a reason), file names and the date, nothing numeric
    assert {s.path for s in skipped} == not_numbers | set(design.EXCLUDED)
    assert {"force.contributions_file", "members.data_file", "ceasefire_date"} <= not_numbers
    for s in skipped:
        assert s.reason
    assert not any(p.startswith("commitments.response_weights") and p.count(".") == 1 for p in paths)
    assert sum(f.group == "constant" for f in factors) >= 70 and sum(f.group == "uncertainty" for f in factors) >= 45
    # constants first, then uncertainties: the order of the Morris design
    groups = [f.group for f in factors]
    assert groups == sorted(groups)


def test_every_factor_path_is_accepted_by_the_model_at_both_ends():
    base = base_scenario("paris_declaration")
    factors, _ = design.factor_list()
    for end in (0.0, 1.0):
        configured = with_overrides(base, {f.path: f.value(end) for f in factors}, strict=True)
        dumped = configured.model_dump()
        for f in factors:
            node = dumped
            for part in f.path.split("."):
                node = node[part]
            assert node == f.value(end), f.path


def test_ranges_keep_to_the_schema_bounds_and_whole_numbers():
    specs = {p: (ann, d, ge, le) for p, _, ann, d, ge, le in schema_parameters()}
    factors, _ = design.factor_list()
    for f in factors:
        section_path = f.path if f.path in specs else f.path.rsplit(".", 1)[0]
        ann, _, ge, le = specs[section_path]
        assert f.low <= f.default <= f.high and f.low < f.high, f
        if ge is not None:
            assert f.low >= ge, f
        else:
            assert f.low >= 0, f  # mapping values (weights, costs, pulls) stay non-negative
        if le is not None:
            assert f.high <= le, f
        if ann is int:
            assert f.kind == "int" and float(f.low).is_integer() and float(f.high).is_integer(), f
            assert all(isinstance(f.value(u), int) for u in (0, 1 / 3, 2 / 3, 1))
        if f.unit.startswith("probability"):
            assert 0.0 <= f.low and f.high <= 1.0, f
        for u in np.linspace(0, 1, 7):
            assert f.low <= f.value(u) <= f.high
    by = {f.path: f for f in factors}
    assert (by["russia.weekly_discount"].low, by["russia.weekly_discount"].high) == (0.955, 0.985)  # complement rule
    assert (by["payoffs.gain_major"].low, by["payoffs.gain_major"].high) == (2.5, 7.5)  # x0.5 .. x1.5
    assert (by["commitments.response_costs.diplomacy"].low, by["commitments.response_costs.diplomacy"].high) \
        == (0.0, 0.05)  # zero default: half the smallest non-zero value of the mapping


@pytest.mark.parametrize("default,kind,ge,le,want", [
    (0.97, "float", 0.5, 1.0, (0.955, 0.985)),       # complement of a discount factor
    (0.6, "float", 0.0, 1.0, (0.4, 0.8)),            # complement of a probability
    (0.4, "float", 0.0, 1.0, (0.2, 0.6)),            # relative
    (1.6, "float", 0.0, 2.0, (0.8, 2.0)),            # clipped at le
    (0.0, "float", 0.0, 0.5, (0.0, 0.05)),           # zero default: a tenth of the schema range
    (1, "int", 1, 104, (1.0, 2.0)),                  # 0.5 and 1.5 round half up to 1 and 2
    (3, "int", 1, 26, (2.0, 5.0)),
    (1, "int", 1, 1000, (1.0, 2.0)),
    (2, "int", 2, 2, None),                          # no room: a degenerate range is refused below
])
def test_range_rule_cases(default, kind, ge, le, want):
    lo, hi, rule = design.factor_range(default, kind, ge, le)
    assert ge <= lo <= default <= hi <= le
    if want is None:
        assert lo == hi == default
    else:
        assert (lo, hi) == want, rule


def test_range_rule_on_random_parameters():
    rng = np.random.default_rng(7)
    for _ in range(2000):
        kind = "int" if rng.random() < 0.3 else "float"
        ge = float(rng.choice([0.0, 0.1, 1.0]))
        le = float(rng.choice([1.0, 3.0, 52.0, 520.0])) if rng.random() < 0.9 else None
        if le is not None and le <= ge:
            continue
        top = le if le is not None else 10.0
        default = float(rng.uniform(ge, top))
        if kind == "int":
            default = float(round(default))
            if not ge <= default <= top or (le is not None and le - ge < 1):
                continue
        lo, hi, _ = design.factor_range(default, kind, ge, le)
        assert ge <= lo <= default <= hi and (le is None or hi <= le), (default, kind, ge, le, lo, hi)
        assert lo < hi
        if kind == "int":
            assert lo.is_integer() and hi.is_integer()


def test_the_pairs_are_the_shipped_designs_and_differ_only_where_they_should():
    assert [(c.first, c.second) for c in design.COMPARISONS] == [
        ("paris_declaration", "political_only"), ("forward_tripwire", "paris_declaration"),
        ("paris_declaration", "no_us_backstop")]
    assert design.defining_keys("paris_declaration") == frozenset()
    assert design.defining_keys("political_only") == {"ratification.seek_ratification"}
    assert design.defining_keys("forward_tripwire") == {"force.posture"}
    # US intelligence sharing is off in both (the final text dropped it), so it does not define the pair.
    assert design.defining_keys("no_us_backstop") == {"united_states.leads_monitoring",
                                                      "united_states.backstop_probability"}
