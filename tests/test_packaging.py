"""The package carries its library (scenarios, data, experiments, the study template) and one version."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import sim
from sim.config import library, scenarios
from sim.study import TEMPLATE
from tests.helpers import ROOT

SHIPPED = {"paris_declaration", "minsk_analogue", "budapest_memorandum", "no_us_backstop", "political_only",
           "forward_tripwire", "article5_like", "paris_us_bilateral", "us_withdraws_2029", "ceasefire_reference"}


def test_library_is_package_data_and_the_wheel_carries_every_file():
    lib = Path(sim.__file__).resolve().parent / "library"
    assert Path(scenarios.SCENARIOS_DIR) == library.LIBRARY / "scenarios"
    assert library.LIBRARY == Path(sim.__file__).parent / "library"
    assert set(scenarios.shipped_scenarios()) == SHIPPED
    # In a clone the library is the top-level folders (one copy); every file there is package data.
    assert (lib / "scenarios").resolve() == (ROOT / "scenarios").resolve()
    assert (lib / "experiments").resolve() == (ROOT / "experiments").resolve()
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["sim"]
    # Every input a run reads (scripts beside them, like experiments/questions/report.py, are tools
    # of the repository, not inputs).
    shipped = [f"library/{p.relative_to(ROOT).as_posix()}" for top in ("scenarios", "experiments")
               for p in (ROOT / top).rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".csv")]
    shipped += [f"templates/study/{name}" for name in TEMPLATE]
    assert len(shipped) > 25
    missing = [f for f in shipped if not any(fnmatch.fnmatchcase(f, pat) and f.count("/") == pat.count("/")
                                             for pat in patterns)]
    assert not missing, f"not in the wheel (pyproject package-data): {missing}"
    for name in ("coalition_members.csv", "elections.csv", "force_contributions.csv"):
        assert (Path(scenarios.SCENARIOS_DIR) / name).is_file()
    for name in ("quick.yaml", "validation.yaml", "validation/budapest_force.yaml", "questions/force.yaml"):
        assert (Path(scenarios.EXPERIMENTS_DIR) / name).is_file()
    # The dashboard's shipped outcomes (Compare of shipped designs without a run): package data.
    assert "dashboard/shipped_outcomes.csv.gz" in patterns
    assert (Path(sim.__file__).parent / "dashboard" / "shipped_outcomes.csv.gz").is_file()
    # The calibration's plausible set: package data, named by its short name (--posterior plausible).
    assert (lib / "calibration").resolve() == (ROOT / "docs" / "calibration").resolve()
    assert any(fnmatch.fnmatchcase("library/calibration/plausible.csv", pat) for pat in patterns)
    from sim.config.posterior import load_posterior, resolve_posterior

    assert resolve_posterior("plausible") == lib / "calibration" / "plausible.csv"
    plausible = load_posterior("plausible")
    assert len(plausible.weights) >= 10 and len(set(plausible.weights)) == 1  # equal weights


def test_version_has_one_source():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sim.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", sim.__version__)
