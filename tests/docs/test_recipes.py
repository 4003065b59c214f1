"""The DuckDB and xarray recipes of the documentation run as written, on a small sweep.

Every page of docs/ (and docs/howto/) is searched for Python blocks that use DuckDB or xarray; the
section (``## ...``) holding one is a recipe, and all its Python blocks are executed in order, in one
namespace, from a temporary folder holding ``results/global_lhs``: a small run of the shipped
``experiments/global_lhs.yaml`` with steps and events, as Parquet beside CSV. The code is read from
the Markdown, so the page and the test cannot drift apart. What the recipes compute is then checked
against pandas on the same files.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.helpers import ROOT

needs_extras = pytest.mark.needs("analysis", "parquet")  # DuckDB, xarray, and pyarrow for the Parquet files

PAGES = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "howto").glob("*.md"))
USES = re.compile(r"\bduckdb\b|\bxarray\b|\.to_xarray\(")


def recipe_sections() -> dict[str, list[str]]:
    """'page > section' -> the section's Python blocks, for every section with a DuckDB or xarray block."""
    out = {}
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for section in re.split(r"(?m)^(?=## )", text):
            code = re.findall(r"```python\n(.*?)```", section, flags=re.S)
            if any(USES.search(block) for block in code):
                title = section.splitlines()[0].lstrip("# ").strip()
                out[f"{page.relative_to(ROOT)} > {title}"] = code
    return out


SECTIONS = recipe_sections()


def test_the_documented_recipes_are_found():
    assert any("API.md > Reading a sweep folder" in key for key in SECTIONS), sorted(SECTIONS)
    code = "\n".join(b for blocks in SECTIONS.values() for b in blocks)
    assert "import duckdb" in code and "to_xarray" in code


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """A folder holding results/global_lhs: the shipped experiment made small (three of its parameters, 6
    points x 2 replicates, 60 weeks; one lever-effect panel a parameter is most of the time), steps and
    events kept."""
    from sim import api

    experiment = yaml.safe_load((ROOT / "experiments" / "global_lhs.yaml").read_text(encoding="utf-8"))
    experiment.update(samples=6, replications=2, horizon_weeks=60,
                      levers={k: experiment["levers"][k] for k in ("monitoring.coverage", "force.posture")},
                      uncertainties={"russia.ambition": experiment["uncertainties"]["russia.ambition"]},
                      outputs={"steps": True, "events": True, "format": "both"})
    folder = tmp_path_factory.mktemp("recipes")
    api.sweep(experiment, out=folder / "results" / "global_lhs")
    return folder


def run_section(blocks: list[str], cwd: Path) -> dict:
    """Execute the blocks in order in one namespace, from ``cwd``; returns the namespace."""
    namespace: dict = {"__name__": "recipe"}
    before = Path.cwd()
    os.chdir(cwd)
    try:
        for block in blocks:
            tree = ast.parse(block)
            exec(compile(tree, "<recipe>", "exec"), namespace)  # noqa: S102 - the documentation's own code
    finally:
        os.chdir(before)
    return namespace


@needs_extras
@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_recipe_section_runs_as_written(section, study):
    ns = run_section(SECTIONS[section], study)
    frames = {k: v for k, v in ns.items() if isinstance(v, pd.DataFrame)}
    assert all(len(v) > 0 for v in frames.values()), {k: len(v) for k, v in frames.items()}


@needs_extras
def test_what_the_api_page_recipes_compute(study):
    """The DuckDB answers equal pandas' on the same files; the cube holds every run's weeks."""
    import xarray

    key = next(k for k in SECTIONS if "API.md > Reading a sweep folder" in k)
    ns = run_section(SECTIONS[key], study)
    folder = study / "results" / "global_lhs"
    steps, runs = pd.read_parquet(folder / "steps.parquet"), pd.read_parquet(folder / "runs.parquet")
    expected = (steps.merge(runs[["run_id", "force.posture"]], on="run_id")
                .assign(at_war=lambda f: f["at_war"].astype(int))
                .groupby(["force.posture", "week"], as_index=False)["at_war"].mean()
                .set_axis(["posture", "week", "p_at_war"], axis=1))
    for name in ("at_war", "at_war_csv"):
        got = ns[name]
        assert list(got.columns) == ["posture", "week", "p_at_war"]
        assert set(got["posture"]) == set(runs["force.posture"]) and len(got) == len(expected)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    by_point = ns["by_point"].set_index("design_point")
    counts = runs.groupby("design_point")["escalated"].agg(["size", "mean"])
    assert (by_point["runs"] == counts["size"]).all() and (by_point["p_escalation"] == counts["mean"]).all()
    assert "force.posture" in by_point.columns  # the parameters joined from design_points.csv

    cube = ns["cube"]
    assert isinstance(cube, xarray.Dataset) and set(cube.data_vars) == {"coverage", "credibility_major"}
    assert dict(cube.sizes) == {"design_point": runs["design_point"].nunique(), "replicate": 2, "week": 60}
    year = ns["a_year_in"]
    mean = ns["data"].steps.query("week == 52").groupby("design_point")["credibility_major"].mean()
    assert year.to_series().to_numpy() == pytest.approx(mean.to_numpy(), rel=1e-12)
