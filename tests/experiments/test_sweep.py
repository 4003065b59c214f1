"""Sweeps: byte-identical results on any executor, streaming, resume after a kill, adaptive plans,
size limits and schedulers checked before any run."""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sim.errors import ResumeError, UsageError
from sim.executors import dask_executor
from sim.experiments import commands
from sim.experiments.config import load_experiment
from sim.experiments.statistics import wilson_half_width
from sim.runner import replicate_seed
from tests.helpers import ROOT, SMALL_EXPERIMENT, TINY_EXPERIMENT, write


def sweep(exp: Path, out: Path, *, workers: int | None = 1, scheduler: str | None = None,
          resume: bool = False, overwrite: bool = False) -> int:
    args = argparse.Namespace(experiment=exp, workers=workers, scheduler=scheduler, out=out, resume=resume,
                              overwrite=overwrite, max_runs=1_000_000, max_gb=20.0)
    return commands.sweep(args)


def test_folder_contract(small_sweep):
    exp_path, out = small_sweep
    exp = load_experiment(exp_path)
    with (out / "runs.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    assert header[:4] == ["run_id", "design_point", "replicate", "monitoring.coverage"]
    assert header[4:6] == ["scenario", "seed"]
    assert len(rows) == 4 * 6 and len({r["run_id"] for r in rows}) == 24
    for r in rows:  # run_id is deterministic; replicate k has the same seed at every design point
        assert int(r["run_id"]) == int(r["design_point"]) * 100000 + int(r["replicate"])
        assert int(r["seed"]) == replicate_seed(7, int(r["replicate"]))
        assert r["horizon_weeks"] == "40"
    seeds = {}
    for r in rows:
        seeds.setdefault(r["replicate"], set()).add(r["seed"])
    assert all(len(s) == 1 for s in seeds.values()) and len(seeds) == 6
    points = list(csv.DictReader((out / "design_points.csv").open(newline="")))
    assert [p["label"] for p in points] == ["paris_declaration, coverage=0.3", "paris_declaration, coverage=0.9",
                                            "budapest_memorandum, coverage=0.3",
                                            "budapest_memorandum, coverage=0.9"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_done"] == 24
    assert manifest["reference"] == {"design_point": 2, "label": "budapest_memorandum, coverage=0.3"}
    assert manifest["design"] == "scenarios+grid" and manifest["levers"] == ["monitoring.coverage"]
    assert manifest["horizon_weeks"] == 40 and manifest["master_seed"] == 7
    assert manifest["fingerprint"] == exp.fingerprint()
    steps = list(csv.DictReader((out / "steps.csv").open(newline="")))
    weeks = sorted({int(s["week"]) for s in steps if s["run_id"] == "0"})
    assert weeks == [0, 5, 10, 15, 20, 25, 30, 35, 39]
    assert (out / "events.csv").read_text().startswith("run_id,event_id,week,date,kind")


def test_same_results_with_two_workers(small_sweep, tmp_path):
    exp, ref_out = small_sweep
    assert sweep(exp, tmp_path / "two", workers=2) == 0
    for name in ("runs.csv", "steps.csv", "events.csv"):  # the same bytes, rows in the same order
        assert (tmp_path / "two" / name).read_bytes() == (ref_out / name).read_bytes(), name


@pytest.mark.needs("cluster")
def test_same_results_on_dask(small_sweep, tmp_path):
    import distributed

    exp, ref_out = small_sweep
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster:
        assert sweep(exp, tmp_path / "dask", workers=None, scheduler=cluster.scheduler_address) == 0
    for name in ("runs.csv", "steps.csv", "events.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (ref_out / name).read_bytes(), name


def test_partial_folder_needs_resume(small_sweep, tmp_path):
    exp, ref_out = small_sweep
    out = tmp_path / "p"
    work = tmp_path / "p.partial"
    work.mkdir()
    manifest = json.loads((ref_out / "manifest.json").read_text())
    manifest.update(status="partial", runs_done=3)
    (work / "manifest.json").write_text(json.dumps(manifest))
    (work / "runs.csv").write_text((ref_out / "runs.csv").read_text())
    before = {p.name: p.read_bytes() for p in work.iterdir()}
    with pytest.raises(UsageError, match="3 of 24 runs saved.*--resume.*--overwrite"):
        sweep(exp, out)
    assert {p.name: p.read_bytes() for p in work.iterdir()} == before and not out.exists()


@pytest.mark.slow
def test_resume_after_sigkill(small_sweep, tmp_path):
    """Kill a sweep (and its workers) part-way, tear the last line, resume: exactly the full sweep."""
    _, ref_out = small_sweep
    exp = write(tmp_path, "tiny.yaml", SMALL_EXPERIMENT.replace("replications: 6", "replications: 60"))
    full = tmp_path / "full"
    assert sweep(exp, full, workers=2) == 0
    out = tmp_path / "killed"
    work = tmp_path / "killed.partial"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(exp), "--out", str(out), "--workers", "2"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = work / "runs.csv"
            if runs.exists() and runs.read_text().count("\n") > 40:
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep, its forkserver and its workers
        proc.wait()
    done = (work / "runs.csv").read_text().count("\n") - 1
    assert 0 < done < 240, done
    assert not out.exists()  # nothing unfinished is ever in the result folder
    # The manifest tells how many runs are saved (at most one chunk behind runs.csv).
    manifest = json.loads((work / "manifest.json").read_text())
    assert manifest["status"] == "partial" and 0 < manifest["runs_done"] <= done
    assert done - manifest["runs_done"] <= 32
    # A plain re-run refuses and deletes nothing.
    saved = {p.name: p.read_bytes() for p in work.iterdir()}
    with pytest.raises(UsageError, match=f"{manifest['runs_done']} of 240 runs saved.*--resume"):
        sweep(exp, out, workers=2)
    assert {p.name: p.read_bytes() for p in work.iterdir()} == saved
    with (work / "runs.csv").open("a") as f:  # a kill in the middle of a write
        f.write("12300005,123,5,0.3,paris_decl")
    with (work / "steps.csv").open("a") as f:
        f.write("99900001,3,0,Fal")
    assert sweep(exp, out, workers=2, resume=True) == 0
    for name in ("runs.csv", "steps.csv", "events.csv"):  # byte for byte: the same order as uninterrupted
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert not work.exists()
    # Resuming a complete sweep runs nothing and changes nothing.
    before = (out / "runs.csv").read_bytes()
    assert sweep(exp, out, workers=1, resume=True) == 0
    assert (out / "runs.csv").read_bytes() == before


def test_resume_refuses_a_changed_experiment(small_sweep, tmp_path):
    exp, ref_out = small_sweep
    out = tmp_path / "copy"
    work = tmp_path / "copy.partial"
    work.mkdir()
    for name in ("runs.csv", "manifest.json"):
        (work / name).write_bytes((ref_out / name).read_bytes())
    changed = write(tmp_path, "tiny.yaml", SMALL_EXPERIMENT.replace("master_seed: 7", "master_seed: 8"))
    with pytest.raises(ResumeError, match="different experiment"):  # bad input: exit 2
        sweep(changed, out, resume=True)


def test_adaptive_sweep_plans_replicates(tmp_path):
    exp = write(tmp_path, "adaptive.yaml", """
        scenarios: [paris_declaration, budapest_memorandum]
        design: scenarios
        replications:
          adaptive: {half_width: 0.15, initial: 6, batch: 6, max: 30}
        horizon_weeks: 60
        """)
    out = tmp_path / "a"
    assert sweep(exp, out, workers=2) == 0
    with (out / "runs.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    by_point: dict[int, list[tuple[int, bool]]] = {}
    for r in rows:
        by_point.setdefault(int(r["design_point"]), []).append((int(r["replicate"]), r["escalated"] == "True"))
    assert set(by_point) == {0, 1}
    for reps in by_point.values():
        reps.sort()
        n = len(reps)
        assert [k for k, _ in reps] == list(range(n)) and n % 6 == 0 and 6 <= n <= 30
        esc = [e for _, e in reps]
        for stage in range(6, n, 6):  # every earlier check said: not yet narrow enough
            assert wilson_half_width(sum(esc[:stage]), stage) > 0.15
        assert n == 30 or wilson_half_width(sum(esc), n) <= 0.15
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replications"]["kind"] == "adaptive"
    assert manifest["runs_done"] == len(rows)


# --- checks before any work -------------------------------------------------------------

def test_sweep_size_is_shown_and_capped(tmp_path, bad_input):
    path = write(tmp_path, "big.yaml", """
        design: grid
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0, steps: 100}
        replications: 20000
        """)
    err = bad_input("sweep", path, "--out", tmp_path / "o")
    assert "2,000,000 runs" in err and "--max-runs" in err and not (tmp_path / "o.partial").exists()
    path = write(tmp_path, "disk.yaml", """
        design: grid
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0, steps: 10}
        replications: 5000
        outputs: {steps: true, events: true}
        """)
    err = bad_input("sweep", path, "--out", tmp_path / "o", "--max-gb", "1")
    assert "GB" in err and "--max-gb" in err and not (tmp_path / "o").exists()


def test_a_malformed_scheduler_address_is_refused(tmp_path, bad_input):
    exp = write(tmp_path, "tiny.yaml", TINY_EXPERIMENT)
    for address in ("nonsense", "127.0.0.1:99999", "inproc:/", "", "http://x:1"):
        err = bad_input("sweep", exp, "--out", tmp_path / "o", "--scheduler", address)
        assert "--scheduler" in err and "tcp://HOST:PORT" in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.partial").exists()


@pytest.mark.needs("cluster")
def test_an_unreachable_scheduler_fails_fast(tmp_path, bad_input):
    exp = write(tmp_path, "tiny.yaml", TINY_EXPERIMENT)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    err = bad_input("sweep", exp, "--out", tmp_path / "o", "--scheduler", f"127.0.0.1:{port}")
    assert "cannot reach" in err and time.monotonic() - started < 10
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.partial").exists()


@pytest.mark.needs("cluster")
def test_a_port_that_never_answers_times_out():

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(UsageError, match="no Dask scheduler answered"):
            with dask_executor(f"127.0.0.1:{server.getsockname()[1]}", handshake_timeout=0.5):
                pass
    finally:
        server.close()
    assert time.monotonic() - started < 8
