#!/usr/bin/env bash
# The package as a strategist gets it: build the wheel (python -m build), install it into a
# clean virtual environment, and from an empty temporary folder run the README's main job
# (sweep experiments/quick.yaml), init, a run of the study's own scenario, the study's
# experiment by name, and validate-model --quick. Nothing here reads the clone but the build.
# Usage: bash .ci/wheel_check.sh   (PYTHON=python3.12 to pick the interpreter; WORKERS=N)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wheel-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS
step() { echo "wheel check [$((SECONDS - started)) s]: $*"; }

step "build the wheel"
"$PY" -m venv "$WORK/build-env"
"$WORK/build-env/bin/pip" install -q build
if ! "$WORK/build-env/bin/python" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1; then
    cat "$WORK/build.log"; exit 1
fi
wheel=$(ls "$WORK"/dist/*.whl)
# It carries the scenario library, its data files, the example experiments and the study template.
"$WORK/build-env/bin/python" - "$wheel" "$ROOT" <<'EOF'
import sys, zipfile
from pathlib import Path
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
root = Path(sys.argv[2])
want = {f"sim/library/{p.relative_to(root).as_posix()}" for top in ("scenarios", "experiments")
        for p in (root / top).rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".csv")}
want |= {f"sim/templates/study/{p.relative_to(root / 'sim/templates/study').as_posix()}"
         for p in (root / "sim/templates/study").rglob("*") if p.is_file()}
want.add("sim/library/calibration/plausible.csv")  # the calibration's plausible set (--posterior plausible)
want.add("sim/dashboard/shipped_outcomes.csv.gz")  # the shipped designs' Compare runs (python -m sim.dashboard.precompute)
missing = sorted(want - names)
assert not missing, f"the wheel lacks {missing}"
print(f"  the wheel carries {len(want)} library and template files")
EOF

step "install it into a clean virtual environment"
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "$wheel"
SIM="$WORK/venv/bin/python -m sim"
mkdir "$WORK/empty"
cd "$WORK/empty"
"$WORK/venv/bin/python" -c "import sim, sys; assert sim.__file__.startswith('$WORK/venv/'), sim.__file__"

step "scenarios from an empty folder"
$SIM scenarios >scenarios.txt
test "$(grep -c ' shipped ' scenarios.txt)" -ge 9 || { cat scenarios.txt; exit 1; }

step "the README's main job from an empty folder: sweep experiments/quick.yaml"
# The README's main command ends with this sweep (tests/docs/test_readme.py checks it is here).
$SIM sweep experiments/quick.yaml ${WORKERS:+--workers $WORKERS}
test -s results/quick/summary.csv
$SIM experiments >/dev/null

step "init a study and run its own scenario"
$SIM init my-study
cd my-study
$SIM scenarios >scenarios.txt
grep '^my_design  *study ' scenarios.txt
$SIM run my_design --weeks 26 --seed 1
"$WORK/venv/bin/python" - <<'EOF'
import hashlib, json
from pathlib import Path
m = json.loads(Path("results/my_design/manifest.json").read_text())
assert m["package"]["version"] and m["package"]["git_commit"] is None, m["package"]  # a wheel: no commit
files = m["inputs"]["scenarios"]["my_design"]["files"]
assert [f["origin"] for f in files] == ["study", "shipped"], files
assert files[0]["sha256"] == hashlib.sha256(Path("scenarios/my_design.yaml").read_bytes()).hexdigest()
data = m["inputs"]["scenarios"]["my_design"]["data_files"]
assert set(data) == {"members.data_file", "members.elections_file", "force.contributions_file",
                     "sanctions.eu_veto_players_file"}, sorted(data)
assert all(len(d["sha256"]) == 64 and d["origin"] == "shipped" for d in data.values()), data
print("  manifest: version", m["package"]["version"], "and", len(files) + len(data), "input files hashed")
EOF

step "the study's experiment by name, with --study from another folder"
cd "$WORK/empty"
sed -i 's/^replications: 400/replications: 20/' my-study/experiments/compare.yaml
$SIM sweep compare --study my-study --out compare ${WORKERS:+--workers $WORKERS}
test -s compare/summary.csv

step "validate-model --quick (what it needs is in the wheel)"
code=0
$SIM validate-model --quick --out validation ${WORKERS:+--workers $WORKERS} >validation.txt || code=$?
# 0 every pattern passes, 1 one fails (a model question, not an install one); 2 would be missing input.
test "$code" -le 1 && test -s validation/patterns.csv || { cat validation.txt; exit 1; }

step "the dashboard's shipped outcomes are current in the installed package"
"$WORK/venv/bin/python" -m sim.dashboard.precompute --check

step "done"
