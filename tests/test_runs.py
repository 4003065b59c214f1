"""Run-level statistics across designs (slow) and byte-for-byte determinism of the CLI."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from sim.config import load_scenario
from sim.runner import replicate_seed, simulate

ROOT = Path(__file__).resolve().parents[1]
MASTER_SEED = 2026
N = 400  # replicates per scenario, common random numbers: replicate k has the same seed everywhere
HORIZON = 260
SCENARIOS = ("paris_declaration", "budapest_memorandum", "article5_like")


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval for k successes in n trials."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def sign_test_one_sided(b: int, c: int) -> float:
    """Exact McNemar (sign) test on discordant pairs: P(X >= b) for X ~ Bin(b + c, 1/2)."""
    n = b + c
    return sum(math.comb(n, i) for i in range(b, n + 1)) / 2**n


def test_wilson_and_sign_test_helpers():
    # Published value: Wilson interval for 0 of 10 is [0, 0.2775] (Newcombe 1998, table I).
    lo, hi = wilson(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(81, 263)  # Newcombe 1998: 0.2553 to 0.3662
    assert lo == pytest.approx(0.2553, abs=1e-4) and hi == pytest.approx(0.3662, abs=1e-4)
    assert sign_test_one_sided(10, 0) == pytest.approx(1 / 1024)
    assert sign_test_one_sided(0, 5) == 1.0


@pytest.fixture(scope="module")
def escalations() -> dict[str, list[bool]]:
    out = {}
    for name in SCENARIOS:
        sc = load_scenario(name)
        assert sc.horizon_weeks == HORIZON
        out[name] = [bool(simulate(sc, replicate_seed(MASTER_SEED, k), steps=False, events=False).run["escalated"])
                     for k in range(N)]
    return out


@pytest.mark.slow
def test_paris_escalates_clearly_less_than_budapest(escalations):
    paris, budapest = sum(escalations["paris_declaration"]), sum(escalations["budapest_memorandum"])
    p_lo, p_hi = wilson(paris, N)
    b_lo, b_hi = wilson(budapest, N)
    # Rule: the two Wilson 95% intervals do not overlap (a conservative test of a difference).
    assert p_hi < b_lo, (f"paris {paris}/{N} [{p_lo:.3f}, {p_hi:.3f}] vs "
                         f"budapest {budapest}/{N} [{b_lo:.3f}, {b_hi:.3f}]")


@pytest.mark.slow
def test_article5_like_is_the_lowest(escalations):
    paris = escalations["paris_declaration"]
    art5 = escalations["article5_like"]
    budapest = escalations["budapest_memorandum"]
    assert sum(art5) <= sum(paris) < sum(budapest)
    # The designs share seeds (common random numbers), so the outcomes are paired. Rule: an exact
    # one-sided McNemar (sign) test on the discordant pairs must reject "no difference" at
    # alpha = 0.01 against budapest. Against paris (Model v2: about 1% vs 2% over five years)
    # 400 pairs cannot decide; validate-model judges that pair on more runs.
    b = sum(x and not a for x, a in zip(budapest, art5))
    c = sum(a and not x for x, a in zip(budapest, art5))
    p_value = sign_test_one_sided(b, c)
    assert p_value < 0.01, (b, c, p_value)
    assert (c - b) / N < -0.2


# --- determinism -------------------------------------------------------------------------

CSVS = ("runs.csv", "steps.csv", "events.csv")


def _run_cli(out: Path, seed: int) -> dict[str, bytes]:
    proc = subprocess.run([sys.executable, "-m", "sim", "run", "paris_declaration", "--seed", str(seed),
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {name: (out / name).read_bytes() for name in CSVS}


@pytest.fixture(scope="module")
def cli_outputs(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("determinism")
    return {key: _run_cli(base / key, seed) for key, seed in (("a", 7), ("b", 7), ("c", 8))}


@pytest.mark.parametrize("name", CSVS)
def test_same_seed_gives_byte_identical_files(cli_outputs, name):
    a, b = cli_outputs["a"][name], cli_outputs["b"][name]
    assert len(a.splitlines()) > 1  # a header and at least one row
    assert a == b


@pytest.mark.parametrize("name", CSVS)
def test_different_seeds_give_different_files(cli_outputs, name):
    assert cli_outputs["a"][name] != cli_outputs["c"][name]


def test_in_process_runs_are_deterministic():
    sc = load_scenario("paris_declaration")
    one, two = simulate(sc, 7), simulate(sc, 7)
    assert one.run == two.run and one.steps == two.steps and one.events == two.events
