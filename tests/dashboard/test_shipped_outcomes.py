"""The outcomes shipped with the dashboard (sim/dashboard/shipped_outcomes.csv.gz): current, equal to fresh runs,
and refused when the model that made them is not this one (issue 23, deliver 4: a cold Compare at once)."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from sim.dashboard import compare as CMP
from sim.dashboard import controls as K
from sim.dashboard import outcomes as O
from sim.dashboard import precompute

SHIPPED = O.read_shipped()


def test_the_shipped_outcomes_are_current_and_cover_every_shipped_design():
    """Fails when the model changed since they were made: `python -m sim.dashboard.precompute` makes them again
    (several minutes on 2 cores). Until then a server ignores them and makes the runs live."""
    assert SHIPPED.current, f"{SHIPPED.reason}: run python -m sim.dashboard.precompute and commit the file"
    for label, scenario, seeds in precompute.requests():
        got = SHIPPED.designs.get(O.design_key(scenario))
        assert got is not None, f"{label} is not in the shipped outcomes"
        assert got[0].tolist() == list(seeds), label
    assert O.SHIPPED_FILE.stat().st_size < 2 * 2**20  # small enough to ship
    # keyed by every file a run executes now (a module the model newly imports would be missed otherwise)
    text = gzip.decompress(O.SHIPPED_FILE.read_bytes()).decode()
    files = text.split("# files: ", 1)[1].split("\n", 1)[0].split()
    assert files == sorted(O.modules_of_a_run() + O.data_files())


@pytest.mark.parametrize("name", K.scenario_names())
def test_the_shipped_outcomes_are_byte_for_byte_fresh_runs(name):
    """A sample of seeds (the first, the last, some between) of each shipped design and of two of its
    plausible worlds, run again now: the same rows, byte for byte."""
    scenario = K.named_design(name).scenario
    worlds = CMP.world_scenarios(scenario, posterior=CMP.CALIBRATION_POSTERIOR)
    rng = np.random.default_rng(sum(map(ord, name)))
    for design, top in ((scenario, CMP.DEFAULT_CAP), (worlds[0], CMP.WORLD_PAIRS), (worlds[-1], CMP.WORLD_PAIRS)):
        seeds = sorted({0, top - 1, *rng.integers(1, top - 1, 4).tolist()})
        seeds_shipped, rows_shipped = SHIPPED.designs[O.design_key(design)]
        shipped = rows_shipped[np.searchsorted(seeds_shipped, seeds)]
        fresh = O.outcomes_of(design, seeds)
        assert fresh.dtype == shipped.dtype and fresh.tobytes() == shipped.tobytes(), (name, seeds)


def test_a_cold_compare_of_two_shipped_designs_makes_no_run():
    """A fresh store that reads the shipped outcomes: Paris against Minsk at the page's defaults needs no run;
    a lever moved needs its runs made (and says so)."""
    store = O.Outcomes(workers=0, shipped=O.SHIPPED_FILE)
    paris, minsk = K.named_design("paris_declaration"), K.named_design("minsk_analogue")
    p = list(CMP.adaptive(paris, minsk, store, horizon=260, target=CMP.DEFAULT_TARGET, cap=CMP.DEFAULT_CAP))[-1]
    assert p.finished and store.runs_made == 0 and p.runs_made == 0 and p.runs_ready == 2 * p.n
    assert CMP.runs_text(p.runs_ready, p.runs_made).endswith("none had to be made.")
    moved, _ = K.build_design("paris_declaration", {**K.default_controls(), "force_size": 2.0})
    q = list(CMP.adaptive(moved, minsk, store, horizon=104, target=50, cap=20))[-1]
    assert q.runs_made == 20 == store.runs_made and q.runs_ready == 20  # the reference's runs were shipped


def _copy(tmp_path, text_change=None):
    text = gzip.decompress(O.SHIPPED_FILE.read_bytes()).decode()
    if text_change:
        text = text_change(text)
    path = tmp_path / "outcomes.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_a_stale_key_is_refused_and_the_runs_made_live(tmp_path):
    key = next(line for line in gzip.decompress(O.SHIPPED_FILE.read_bytes()).decode().splitlines()
               if line.startswith("# key: "))
    stale = _copy(tmp_path, lambda t: t.replace(key, "# key: " + "0" * 32))
    got = O.read_shipped(stale)
    assert not got.current and got.designs == {} and "another version of the model" in got.reason
    store = O.Outcomes(workers=0, shipped=stale)
    paris = K.named_design("paris_declaration").scenario
    assert store.known(paris, range(3)) is None
    assert (store.ensure(paris, range(3)) == O.outcomes_of(paris, range(3))).all() and store.runs_made == 3
    assert precompute.main(["--check", "--out", str(stale)]) == 1


def test_a_change_of_the_models_code_or_data_makes_them_stale(tmp_path, monkeypatch):
    """The key is the model's own files: one byte changed in a module a run executes, or in a data table, and
    the shipped outcomes are refused; the dashboard's own code is not part of it."""
    files = gzip.decompress(O.SHIPPED_FILE.read_bytes()).decode().split("# files: ", 1)[1].split("\n", 1)[0].split()
    assert {"model.py", "decisions/choice.py", "config/schema.py", "library/scenarios/coalition_members.csv"} <= set(files)
    assert not any(f.startswith("dashboard/") for f in files)
    root = tmp_path / "sim"
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(O.SIM_ROOT / rel, root / rel)
    monkeypatch.setattr(O, "SIM_ROOT", root)
    assert O.read_shipped().current  # an exact copy of the model: current
    for rel in ("model.py", "library/scenarios/coalition_members.csv"):
        original = (root / rel).read_bytes()
        (root / rel).write_bytes(original + b"\n")
        assert not O.read_shipped().current, rel
        (root / rel).write_bytes(original)
    (root / "war.py").unlink()
    assert not O.read_shipped().current


def test_other_fields_or_a_damaged_file_are_refused(tmp_path):
    other = _copy(tmp_path, lambda t: t.replace("# fields: escalated,", "# fields: attacked,"))
    got = O.read_shipped(other)
    assert not got.current and "other fields" in got.reason
    damaged = tmp_path / "damaged.csv.gz"
    damaged.write_bytes(O.SHIPPED_FILE.read_bytes()[:500])
    assert not O.read_shipped(damaged).current
    assert not O.read_shipped(tmp_path / "missing.csv.gz").current


def test_written_twice_the_file_is_the_same_bytes(tmp_path):
    tables = {k: SHIPPED.designs[k] for k in sorted(SHIPPED.designs)[:3]}
    files = gzip.decompress(O.SHIPPED_FILE.read_bytes()).decode().split("# files: ", 1)[1].split("\n", 1)[0].split()
    a, b = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    O.write_shipped(a, tables, files)
    O.write_shipped(b, {k: tables[k] for k in reversed(list(tables))}, files)
    assert a.read_bytes() == b.read_bytes()
    back = O.read_shipped(a)
    assert back.current and all(back.designs[k][1].tobytes() == tables[k][1].tobytes() for k in tables)


def test_a_server_says_when_it_cannot_use_them(monkeypatch, capsys, tmp_path):
    """The teacher's terminal: one line when the shipped outcomes are stale, none when they are current."""
    from types import SimpleNamespace

    from sim.dashboard import serve

    monkeypatch.setattr(serve, "run_server", lambda cmd, env: 0)
    monkeypatch.delenv(O.ENV_SHIPPED, raising=False)
    args = SimpleNamespace(host="127.0.0.1", port=9001, cache=tmp_path)
    assert serve.main(args) == 0
    assert "Note:" not in capsys.readouterr().out
    stale = O.ShippedOutcomes(O.SHIPPED_FILE, False, "they were made by another version of the model")
    monkeypatch.setattr(serve, "read_shipped", lambda: stale)
    assert serve.main(args) == 0
    out = capsys.readouterr().out
    assert "Note: the outcomes shipped with the model are not used: they were made by another version" in out
    assert "Warning" not in out
