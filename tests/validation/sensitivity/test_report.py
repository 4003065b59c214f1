"""The sensitivity study's report and command (`python -m sim sensitivity`): the tables are the same
bytes for one worker or two, the command writes what the how-to page documents, bad options exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim.validation.sensitivity import design, report
from sim.validation.sensitivity import runs as study
from tests.helpers import ROOT


def _small_study(workers):
    settings = design.Settings(samples=2, replicates=2, top=1, top_uncertainties=1, confirm_replicates=8)
    return study.run_study(settings, workers=workers,
                       factors=["payoffs.base_cost_major", "payoffs.gain_major", "russia.ambition"])


@pytest.mark.slow
@pytest.mark.needs("sensitivity")
def test_the_tables_are_the_same_bytes_for_one_worker_or_two(tmp_path):
    meta = {"command": "test", "mode": "test", "workers": 0, "seconds": 0.0, "git_commit": "x"}
    for w in (1, 2):
        report.write_study(_small_study(w), tmp_path / f"w{w}", meta)
    for name in ("factors.csv", "screening.csv", "confirmation.csv", "sign_flips.csv", "sensitivity_tables.md"):
        a, b = (tmp_path / "w1" / name).read_bytes(), (tmp_path / "w2" / name).read_bytes()
        assert a == b, name
    conf = pd.read_csv(tmp_path / "w1" / "confirmation.csv", keep_default_na=False)
    assert (conf["pairs"] == 8).all()


@pytest.mark.needs("sensitivity")
@pytest.mark.slow
def test_quick_command_writes_the_documented_files_and_columns(tmp_path):
    out = tmp_path / "sens"
    proc = subprocess.run([sys.executable, "-m", "sim", "sensitivity", "--quick", "--confirm-replicates", "10",
                           "--workers", "1", "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(report.FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted([*report.FILES, "manifest.json"])
    assert manifest["command_line"].startswith("python -m sim sensitivity --quick")
    assert manifest["mode"] == "quick" and manifest["runs"] > 1000
    assert manifest["factors"]["constants"] + manifest["factors"]["uncertainties"] == len(design.factor_list()[0])
    read = lambda n: pd.read_csv(out / n, keep_default_na=False)  # noqa: E731
    screening = read("screening.csv")
    assert list(screening.columns) == list(study.SCREENING_COLUMNS)
    assert len(screening) == len(design.COMPARISONS) * len(design.factor_list()[0])
    assert list(read("confirmation.csv").columns) == list(study.CONFIRMATION_COLUMNS)
    assert list(read("sign_flips.csv").columns) == list(study.SIGN_FLIP_COLUMNS)
    assert list(read("factors.csv").columns) == list(report.FACTOR_COLUMNS)
    conf = read("confirmation.csv")
    assert set(conf[conf["end"] == "default"]["comparison"]) == {c.name for c in design.COMPARISONS}
    md = (out / "sensitivity_tables.md").read_text()
    for heading in ("## Method", "## The conclusions at the defaults", "## Sign-flip table",
                    "## Confirmation: the difference at the low end"):
        assert heading in md
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    again = subprocess.run([sys.executable, "-m", "sim", "sensitivity", "--quick", "--out", str(out)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert again.returncode == 2 and "--overwrite" in again.stderr  # an earlier result is never replaced silently


def test_the_how_to_page_documents_every_file_and_column():
    page = (ROOT / "docs" / "howto" / "which-assumptions-decide.md").read_text(encoding="utf-8")
    for name in report.FILES:
        assert f"`{name}`" in page, name
    for columns in (study.SCREENING_COLUMNS, study.CONFIRMATION_COLUMNS, study.SIGN_FLIP_COLUMNS, report.FACTOR_COLUMNS):
        for col in columns:
            assert f"`{col}`" in page, col
    for c in design.COMPARISONS:
        assert f"`{c.name}`" in page and f"`{c.first}` minus `{c.second}`" in page


@pytest.mark.parametrize("args,words", [(["--samples", "0"], ["--samples", "at least 1"]),
                                        (["--replicates", "two"], ["--replicates", "whole number"])])
def test_bad_options_exit_2_before_any_run(tmp_path, args, words):
    proc = subprocess.run([sys.executable, "-m", "sim", "sensitivity", *args, "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    for w in words:
        assert w in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()
