"""examples/researcher.ipynb runs from top to bottom (nbclient), so it cannot rot."""

from __future__ import annotations

import inspect
import os
import warnings

import pytest

from tests.helpers import ROOT

nbclient = pytest.importorskip("nbclient", reason="pip install 'paris-guarantees-sim[notebook]' to run the notebook")
nbformat = pytest.importorskip("nbformat")
for needed in ("ema_workbench", "SALib"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pytest.importorskip(needed, reason=f"the notebook needs {needed} (pip install -e '.[dev]')")


NEEDS_OVERWRITE = pytest.mark.skipif(
    "overwrite" not in inspect.signature(__import__("sim.api").api.sweep).parameters,
    reason="the notebook's api.sweep(out=..., overwrite=True) comes with the output-folder contract "
           "(issue 20, hardening branch)")


@pytest.mark.slow
@NEEDS_OVERWRITE
def test_researcher_notebook_runs(tmp_path, monkeypatch):
    notebook = nbformat.read(ROOT / "examples" / "researcher.ipynb", as_version=4)
    monkeypatch.delenv("SIM_NOTEBOOK_SWEEP", raising=False)
    # the kernel imports this checkout's code and writes only under tmp_path
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(images) == 4  # survival curves, paired differences, PRIM trajectory, Sobol bars
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "288 runs of 96 design points" in text
    assert "Under which conditions does paris_declaration fail" in text
    assert (tmp_path / "results" / "notebook_sweep" / "sensitivity.csv").is_file()


@pytest.mark.slow
@NEEDS_OVERWRITE
def test_researcher_notebook_runs_twice_in_a_row(tmp_path, monkeypatch):
    """A researcher re-runs a notebook: the second run replaces the sweep and gives the same numbers."""
    monkeypatch.delenv("SIM_NOTEBOOK_SWEEP", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    texts = []
    for _ in range(2):
        notebook = nbformat.read(ROOT / "examples" / "researcher.ipynb", as_version=4)
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
        outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        texts.append("".join(o.get("text", "") for o in outputs if o.output_type == "stream"))
    assert "288 runs of 96 design points" in texts[1]
    assert texts[0] == texts[1]  # the same sweep, the same box, the same numbers
