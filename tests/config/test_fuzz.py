"""Property-based fuzzing (Hypothesis) of the scenario and experiment loaders and of the names and
paths the command line resolves: any input gives a result or a clear error (ConfigError /
UsageError, i.e. exit 2), never another exception and never a hang.

Bounded so the suite stays fast: a few dozen derandomised examples per target, each with a
deadline (a guard against hangs, not a speed test); no example database is written (the tests
write only under temporary folders; tests/conftest.py keeps Hypothesis's home there too).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis", reason="fuzzing needs Hypothesis: pip install -e '.[dev]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.config import ConfigError, Scenario, load_scenario, parameter_catalogue  # noqa: E402
from sim.errors import UsageError  # noqa: E402
from sim.experiments.config import Experiment, load_experiment  # noqa: E402

FUZZ = settings(max_examples=25, deadline=10_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

PATHS = sorted(parameter_catalogue())
SECTIONS = sorted({p.split(".")[0] for p in PATHS})
WORDS = ["paris_declaration", "budapest_memorandum", "grid", "lhs", "sobol", "scenarios", "rear", "forward",
         "consensus", "major", "probe", "all", "../x", "/etc/passwd", "", "  ", "nan", "1e400", "-1"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS), st.text(max_size=12),
)
keys = st.one_of(st.sampled_from(SECTIONS + PATHS + [p.split(".")[1] for p in PATHS if "." in p]),
                 st.text(min_size=1, max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12)

SCENARIO_KEYS = ["extends", "name", "description", "horizon_weeks", *SECTIONS]
scenario_docs = st.dictionaries(st.sampled_from(SCENARIO_KEYS), values, max_size=5).map(
    lambda d: {**d, **({"extends": "paris_declaration"} if "extends" not in d else {})})

EXPERIMENT_KEYS = ["name", "description", "scenarios", "design", "samples", "levers", "uncertainties",
                   "reference", "replications", "horizon_weeks", "master_seed", "outputs"]
lever_paths = st.sampled_from([p for p, s in parameter_catalogue().items() if s.role == "lever"])
experiment_docs = st.fixed_dictionaries(
    {"replications": st.one_of(st.integers(-2, 30), values),
     "design": st.sampled_from(["grid", "lhs", "sobol", "scenarios", "bogus"]),
     "levers": st.dictionaries(lever_paths, st.one_of(
         st.lists(scalars, min_size=1, max_size=3),
         st.fixed_dictionaries({"low": scalars, "high": scalars}, optional={"steps": st.integers(-1, 2000)}),
         values), max_size=2)},
    optional={k: values for k in EXPERIMENT_KEYS if k not in ("replications", "design", "levers")})

# Raw text: YAML fragments that stress the parser (anchors, flow brackets, tags, odd keys).
FRAGMENTS = ["a: &x [1, 2]\n", "b: *x\n", "c: *y\n", "[[[[", "]]", "{a: 1, a: 2}\n", "? [k]\n: v\n",
             "!!python/object:os.system ls\n", "1: 2\n", "monitoring:\n  coverage: 0.5\n", "\t", "- x\n",
             "'unclosed\n", "%YAML 1.1\n---\n", "--- |\n text\n", "\x00", "\ufeff", "extends: paris_declaration\n",
             "members:\n  data_file: ../x.csv\n", "name: ../../etc\n", "&a [*a]\n"]
raw_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=8).map("".join)


def _dump(doc: object) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _load(loader, path: Path, text: str, expected_type: type) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        result = loader(path)
    except (ConfigError, UsageError) as exc:
        assert str(exc).strip()  # a message, naming the file
        assert path.name in str(exc) or "scenarios" in str(exc) or "coalition_members" in str(exc)
        return
    assert isinstance(result, expected_type)


@FUZZ
@given(doc=scenario_docs)
def test_scenario_loader_structured(folder, doc):
    _load(load_scenario, folder / "s.yaml", _dump(doc), Scenario)


@FUZZ
@given(text=raw_texts)
def test_scenario_loader_raw_text(folder, text):
    _load(load_scenario, folder / "r.yaml", text, Scenario)


@FUZZ
@given(doc=experiment_docs)
def test_experiment_loader_structured(folder, doc):
    _load(load_experiment, folder / "e.yaml", _dump(doc), Experiment)


@FUZZ
@given(text=raw_texts)
def test_experiment_loader_raw_text(folder, text):
    _load(load_experiment, folder / "x.yaml", "replications: 2\n" + text, Experiment)


# --- names and paths on the command line (issue 13: path, study folder, shipped library) ---------

refs = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["quick", "paris_declaration", "experiments/quick.yaml", "scenarios/political_only.yaml",
                     "experiments/questions/force.yaml", "experiments", ".", "..", "-", "~", "a" * 300 + ".yaml"]),
    st.tuples(st.sampled_from(["scenarios", "experiments", "..", "", "/tmp", "experiments/.."]),
              st.text(max_size=260)).map("/".join),
)


@FUZZ
@given(ref=refs)
def test_any_reference_is_a_file_or_a_clear_error(ref):
    from sim.config import resolve_experiment_path, resolve_scenario_path

    for resolve in (resolve_scenario_path, resolve_experiment_path):
        try:
            path = resolve(ref)
        except ConfigError as exc:
            assert str(exc).strip()
        else:
            assert path.is_file()
