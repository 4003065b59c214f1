"""Where a question's decomposition keeps its runs, and when they can be reused (``python -m sim questions``).

A decomposition's runs live in ``RESULTS/q_NAME_channels/`` beside the sweep, never inside it. They are
reused only when their manifest names the same sweep (its fingerprint), the same contrast and the same
channels; the folder is claimed before a run (a folder holding files this command did not write is
refused), and the manifest is written last, so a run killed half-way leaves no finished-looking folder.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sim.errors import FolderError
from sim.experiments.channels import CHANNELS, configurations, run_sweep_points
from sim.files import atomic_write


def channels_folder(results: Path, name: str) -> Path:
    """Where the decomposition of question ``name`` keeps its runs: beside the sweep, never inside it."""
    return results / f"q_{name}_channels"


def decomposition_record(sweep_manifest: dict[str, Any], chosen: tuple[int, int]) -> dict[str, Any]:
    """What a decomposition's runs depend on: the sweep (its fingerprint), the two design points, the channels."""
    var, ref = chosen
    return {"sweep_fingerprint": sweep_manifest.get("fingerprint"), "variant_design_point": int(var),
            "reference_design_point": int(ref),
            "channels": {c.name: {k: str(v) for k, v in c.off.items()} for c in CHANNELS}}


def decomposition_state(folder: Path, sweep_manifest: dict[str, Any], chosen: tuple[int, int],
                        replications: int | None = None) -> str | None:
    """None when ``folder`` holds a finished decomposition of this contrast of this sweep; else why not."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no decomposition runs in `{folder.name}/`"
    except (OSError, ValueError):
        return f"`{folder.name}/manifest.json` cannot be read"
    if manifest.get("status") != "complete" or not (folder / "runs.csv").is_file():
        return f"the decomposition in `{folder.name}/` is unfinished"
    want = decomposition_record(sweep_manifest, chosen)
    if any(manifest.get(k) != v for k, v in want.items()):
        return (f"the decomposition in `{folder.name}/` was made for another sweep, contrast or set of channels "
                f"than this one")
    if replications is not None and int(manifest.get("replications", -1)) != replications:
        return f"the decomposition in `{folder.name}/` has {manifest.get('replications')} replicates, not {replications}"
    return None


DECOMPOSITION_FILES = ("runs.csv", "manifest.json")


def claim_decomposition_folder(folder: Path) -> None:
    """Make ``folder`` ready for a new decomposition: refuse a folder holding anything this command did not
    write; drop the old manifest first, so a run killed half-way leaves no finished-looking folder."""
    if folder.exists():
        if not folder.is_dir():
            raise FolderError(f"{folder}: a file where `sim questions` keeps a decomposition's runs; move it away")
        foreign = sorted(p.name for p in folder.iterdir() if p.name not in DECOMPOSITION_FILES)
        try:
            ours = (not (folder / "manifest.json").exists()
                    or json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("command")
                    == "python -m sim questions")
        except (OSError, ValueError):
            ours = False
        if foreign or not ours:
            names = ", ".join(foreign) or "manifest.json"
            raise FolderError(f"{folder}: holds files `sim questions` did not write ({names}); it never replaces "
                              f"them: move them away")
        (folder / "manifest.json").unlink(missing_ok=True)


def run_decomposition(exp: Any, folder: Path, sweep_manifest: dict[str, Any], chosen: tuple[int, int],
                      replications: int, workers: int) -> None:
    """Run the main contrast's decomposition and save its runs (runs.csv, then manifest.json last)."""
    var, ref = chosen
    claim_decomposition_folder(folder)
    started = time.time()
    runs = run_sweep_points(exp, ref, var, replications, workers=workers)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "runs.csv", runs)
    record = {"command": "python -m sim questions", **decomposition_record(sweep_manifest, chosen),
              "variant": exp.points[var].label, "reference": exp.points[ref].label, "replications": replications,
              "master_seed": exp.master_seed, "posterior": exp.posterior.record() if exp.posterior else None,
              "configurations": [name for name, _ in configurations()], "runs": runs.count("\n") - 1,
              "seconds": round(time.time() - started, 1), "status": "complete"}
    atomic_write(folder / "manifest.json", json.dumps(record, indent=2) + "\n")
