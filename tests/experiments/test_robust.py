"""python -m sim robust: designs ranked by regret and satisficing over plausible worlds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.robust import robustness
from tests.helpers import ROOT

POSTERIOR = ROOT / "docs" / "calibration" / "plausible.csv"  # the shipped plausible set


def synthetic_runs() -> pd.DataFrame:
    """Two designs, four worlds (2 uncertainty values x 2 parameter sets), 10 runs a world, P known."""
    p = {("a", 0.0, 0): 0.1, ("a", 0.0, 1): 0.1, ("a", 1.0, 0): 0.5, ("a", 1.0, 1): 0.3,
         ("b", 0.0, 0): 0.3, ("b", 0.0, 1): 0.2, ("b", 1.0, 0): 0.3, ("b", 1.0, 1): 0.3}
    rows = []
    for (design, u, draw), share in p.items():
        hits = round(share * 10)
        rows += [{"lever.x": design, "unc.y": u, "posterior_draw": draw, "escalated": i < hits} for i in range(10)]
    return pd.DataFrame(rows)


def test_regret_and_satisficing_by_hand():
    table, worlds = robustness(synthetic_runs(), ["lever.x"], ["unc.y"], threshold=0.2)
    t = table.set_index("lever.x")
    # regret of a: 0, 0.1 ... worlds: (0,0) a .1 b .3 -> a 0; (0,1) a .1 b .2 -> a 0; (1,0) a .5 b .3 -> a .2; (1,1) tie
    assert t.loc["a", "max_regret"] == pytest.approx(0.2) and t.loc["b", "max_regret"] == pytest.approx(0.2)
    assert t.loc["a", "mean_regret"] == pytest.approx(0.05) and t.loc["b", "mean_regret"] == pytest.approx(0.075)
    assert t.loc["a", "share_satisficing"] == 0.5 and t.loc["b", "share_satisficing"] == 0.25
    assert t.loc["a", "rank_regret"] == 1 and t.loc["a", "rank_satisficing"] == 1
    assert t.loc["a", "mean_p"] == pytest.approx(0.25) and (t["worlds"] == 4).all() and (t["runs_per_world"] == 10).all()
    assert len(worlds) == 8 and (worlds.groupby("world")["regret"].min() == 0).all()
    # a design better in every world has no regret and ranks first both ways
    runs = synthetic_runs()
    runs.loc[runs["lever.x"] == "b", "escalated"] = True
    table, _ = robustness(runs, ["lever.x"], ["unc.y"], threshold=0.2)
    best = table.iloc[0]
    assert best["lever.x"] == "a" and best["max_regret"] == 0 and best["rank_satisficing"] == 1


def test_robust_command_on_a_small_experiment(tmp_path, capsys):
    exp = tmp_path / "small.yaml"
    exp.write_text("name: small_robust\nscenarios: [paris_declaration, minsk_analogue]\ndesign: grid\n"
                   "uncertainties:\n  russia.ambition: [1.0, 3.0]\nreplications: 4\nhorizon_weeks: 104\n"
                   "master_seed: 5\n", encoding="utf-8")
    code = main(["robust", str(exp), "--posterior", str(POSTERIOR), "--draws", "2", "--threshold", "0.3",
                 "--out", str(tmp_path / "out")])
    assert code == 0
    text = capsys.readouterr().out
    assert text.startswith("Which design is robust?") and "scenario=minsk_analogue" in text
    table = pd.read_csv(tmp_path / "out" / "robustness.csv")
    assert set(table["scenario"]) == {"paris_declaration", "minsk_analogue"}
    assert (table["worlds"] == 4).all() and (table["runs_per_world"] == 2).all()  # 2 ambitions x 2 sets
    assert sorted(table["rank_regret"]) == [1, 2] and np.isclose(table["max_regret"].min(), 0) is not None
    worlds = pd.read_csv(tmp_path / "out" / "worlds.csv")
    assert len(worlds) == 2 * 4 and {"russia.ambition", "posterior_draw", "p", "regret"} <= set(worlds.columns)
    # each world's best design has no regret
    assert (worlds.groupby("world")["regret"].min() == 0).all()
    info = json.loads((tmp_path / "out" / "robustness.json").read_text())
    assert info["most_robust"]["regret"] == table.iloc[0]["design"]
    assert (tmp_path / "out" / "robustness.png").stat().st_size > 5_000


def test_robust_refuses_what_it_cannot_rank(tmp_path, capsys):
    exp = tmp_path / "one.yaml"
    exp.write_text("name: one\nscenarios: paris_declaration\ndesign: grid\n"
                   "uncertainties:\n  russia.ambition: [1.0, 3.0]\nreplications: 2\nhorizon_weeks: 20\n",
                   encoding="utf-8")
    assert main(["robust", str(exp), "--posterior", str(POSTERIOR)]) == 2
    assert "robust compares designs" in capsys.readouterr().err
    assert main(["robust", str(exp), "--posterior", str(tmp_path / "none.csv")]) == 2
    assert "no such posterior file" in capsys.readouterr().err
