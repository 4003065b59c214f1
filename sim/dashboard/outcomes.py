"""Outcomes of many runs, shared by every student of one server: Compare and "next run with a war".

A design's run ``k`` is the run with seed ``k`` for the whole horizon (the story with that
seed, in sweep mode: no steps, no events). Its outcome is five numbers (:data:`FIELDS`).
Outcomes are kept per design, keyed by the design's parameters (not its name: the
Paris declaration with political commitments and the shipped 'political only' are one
design), so a run is never made twice on one server: two students comparing against the
Paris declaration share its runs, and a later comparison reuses an earlier one's.

Runs are made in a process pool shared by all sessions (``workers`` processes, started
on first use, from a clean interpreter), in chunks, so a comparison uses every core and
reports progress as chunks finish. With a cache folder (``python -m sim dashboard`` gives
one) outcomes are also kept on disk, keyed by the model's code and data, so a restarted
server answers at once; the server can fill it for the shipped designs while it is idle.

The outcomes of every shipped design at its default levers (seeds 0 to 1999, and its runs in Compare's
plausible worlds) ship with the package (``shipped_outcomes.csv.gz``, written by
``python -m sim.dashboard.precompute``), so a fresh server compares any two shipped designs at once.
The file is keyed by the model: a hash of the source of every module a run executes and of the
library's data files, and of :data:`FIELDS`. A file made by another version of the model is detected
and ignored (those runs are then made live, with progress), never used.

Outcomes at a shorter horizon H come from the same runs: a renewed attack within H is an
attack in a week before H (the model's weeks before H do not depend on the horizon; tested).
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import gzip
import hashlib
import io
import json
import multiprocessing as mp
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from sim.config import Scenario
from sim.executors import worker_init  # Ctrl-C left to the server; a worker ends when the server is gone
from sim.runner import simulate  # it releases each finished model (Mesa 3.3's leak)

# A run's outcome: the model's three levels (an armed attack: a limited offensive or worse; a renewed war;
# the territory seized, in hundredths of a per cent of Ukraine), and what "find a run" looks for.
FIELDS = ("escalated", "escalation_week", "survival_weeks", "violations_limited", "warnings", "armed_attack_week",
          "territory_seized_bp")
ESCALATED, ESCALATION_WEEK, SURVIVAL, LIMITED, WARNINGS, ATTACK_WEEK, TERRITORY = range(len(FIELDS))
LAYOUT = f"v{len(FIELDS)}"  # part of the cache's path: a store written with other fields is never read
CHUNK = 20  # seeds a task: about 0.3 s of work, so progress and cancel are prompt
KEEP_DESIGNS = 256  # designs kept in memory (about 40 kB each for 2,000 runs)
ENV_WORKERS = "PARIS_SIM_DASHBOARD_WORKERS"
ENV_CACHE = "PARIS_SIM_DASHBOARD_CACHE"
ENV_SHIPPED = "PARIS_SIM_DASHBOARD_SHIPPED"  # "0": the server ignores the shipped outcomes (a live cold start)
SIM_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_FILE = Path(__file__).with_name("shipped_outcomes.csv.gz")


def design_key(scenario: Scenario) -> str:
    """What makes runs differ: every parameter but the name and the description."""
    data = scenario.model_dump(mode="json")
    data.pop("name", None)
    data.pop("description", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:24]


# --------------------------------------------------------------------------- #
# The work, in a worker process
# --------------------------------------------------------------------------- #
_SCENARIOS: OrderedDict[str, Scenario] = OrderedDict()


def outcomes_of(scenario: Scenario, seeds: Iterable[int]) -> np.ndarray:
    """One row of :data:`FIELDS` per seed (runs in sweep mode: no steps, no events)."""
    rows = []
    for seed in seeds:
        run = simulate(scenario, int(seed), steps=False, events=False).run
        esc, attack = run["escalation_week"], run.get("armed_attack_week")
        attack = None if attack is None or attack != attack else attack  # NaN: no armed attack
        rows.append((int(bool(run["escalated"])), -1 if esc is None else int(esc), int(run["survival_weeks"]),
                     int(run.get("violations_limited", 0)), int(run.get("warnings", 0)),
                     -1 if attack is None else int(attack),
                     int(round(100 * float(run.get("territory_seized_pct") or 0.0)))))
    return np.array(rows, dtype=np.int32).reshape(-1, len(FIELDS))


def _task(key: str, scenario_json: str, seeds: list[int]) -> np.ndarray:
    scenario = _SCENARIOS.get(key)
    if scenario is None:
        scenario = Scenario.model_validate_json(scenario_json)
        _SCENARIOS[key] = scenario
        while len(_SCENARIOS) > 32:
            _SCENARIOS.popitem(last=False)
    return outcomes_of(scenario, seeds)


_MODULES_OF_A_RUN = """
import sys
from sim.config import load_scenario
from sim.runner import simulate
for name in sys.argv[1:]:
    simulate(load_scenario(name), 0, steps=False, events=False)
for name, module in sorted(sys.modules.items()):
    if (name == "sim" or name.startswith("sim.")) and getattr(module, "__file__", None):
        print(module.__file__)
"""


def modules_of_a_run(scenarios: Iterable[str] = ("paris_declaration", "minsk_analogue")) -> list[str]:
    """The package's source files a run executes (relative to ``sim/``, the dashboard left out): what a clean
    interpreter has loaded after runs of these scenarios. The model imports its modules at the top of each
    (no import inside a function), so this is every file whose change can change a run."""
    out = subprocess.run([sys.executable, "-c", _MODULES_OF_A_RUN, *scenarios], capture_output=True, text=True,
                         check=True, cwd=SIM_ROOT.parent).stdout
    files = {Path(line).resolve().relative_to(SIM_ROOT).as_posix() for line in out.splitlines() if line}
    return sorted(f for f in files if not f.startswith("dashboard/"))


def data_files() -> list[str]:
    """The library's data tables a run reads (members, elections, contributions, veto players...; relative to
    ``sim/``). Scenario parameters are in each design's key; these files' contents are not."""
    folder = SIM_ROOT / "library" / "scenarios"
    return sorted(f"library/scenarios/{p.name}" for p in folder.glob("*.csv"))


def model_key(files: Iterable[str]) -> str | None:
    """A hash of the outcomes' layout and of these files' contents; None if one is missing."""
    h = hashlib.sha256(",".join(FIELDS).encode())
    for rel in sorted(files):
        path = SIM_ROOT / rel
        if not path.is_file():
            return None
        h.update(b"\0" + rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:32]


@dataclass
class ShippedOutcomes:
    """The outcomes shipped with the package, if they were made by this model (else ``designs`` is empty)."""

    path: Path
    current: bool
    reason: str  # why they are not used ('' when current)
    designs: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # design key -> (seeds, rows)

    @property
    def runs(self) -> int:
        return sum(len(seeds) for seeds, _ in self.designs.values())

    def describe(self) -> str:
        if self.current:
            return f"{self.runs} runs of {len(self.designs)} designs shipped with the model ({self.path.name})"
        return f"the outcomes shipped with the model are not used: {self.reason}"


def write_shipped(path: Path, tables: dict[str, tuple[np.ndarray, np.ndarray]], files: Iterable[str],
                  note: str = "") -> None:
    """Write ``tables`` (design key -> (seeds, rows of FIELDS)) keyed by the model: byte for byte the same
    file for the same outcomes (gzip without a time stamp)."""
    files = sorted(set(files))
    key = model_key(files)
    if key is None:
        raise FileNotFoundError(f"a file of the model is missing: {files}")
    out = io.StringIO()
    out.write("# Outcomes of the shipped designs' runs for the dashboard's Compare: python -m sim.dashboard.precompute\n")
    if note:
        out.write(f"# {note}\n")
    out.write(f"# key: {key}\n# fields: {','.join(FIELDS)}\n# files: {' '.join(files)}\n")
    out.write("design,seed," + ",".join(FIELDS) + "\n")
    for design in sorted(tables):
        seeds, rows = tables[design]
        order = np.argsort(seeds, kind="stable")
        for seed, row in zip(np.asarray(seeds)[order], np.asarray(rows)[order]):
            out.write(f"{design},{int(seed)}," + ",".join(str(int(v)) for v in row) + "\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as gz:
        gz.write(out.getvalue().encode())
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)


def read_shipped(path: Path = SHIPPED_FILE) -> ShippedOutcomes:
    """Read the shipped outcomes and check their key against this model: stale, missing or damaged, they are
    refused with the reason (the runs are then made live)."""
    try:
        text = gzip.decompress(Path(path).read_bytes()).decode()
    except (OSError, EOFError, UnicodeDecodeError) as err:
        return ShippedOutcomes(Path(path), False, f"{path} cannot be read ({err})")
    header = {}
    body_at = 0
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        body_at += len(line)
        name, _, value = line[1:].partition(":")
        header[name.strip()] = value.strip()
    fields, files, key = header.get("fields", ""), header.get("files", "").split(), header.get("key")
    if fields != ",".join(FIELDS):
        return ShippedOutcomes(Path(path), False, f"they hold other fields ({fields or 'none'}) than this "
                                                  f"dashboard reads ({','.join(FIELDS)})")
    if not files or key is None or model_key(files) != key:
        return ShippedOutcomes(Path(path), False, "they were made by another version of the model "
                                                  "(python -m sim.dashboard.precompute makes them again)")
    try:
        table = pd.read_csv(io.StringIO(text[body_at:]), dtype={"design": str})
        designs = {}
        for design, group in table.groupby("design", sort=False):
            designs[str(design)] = (group["seed"].to_numpy(np.int64),
                                    group[list(FIELDS)].to_numpy(np.int32).reshape(-1, len(FIELDS)))
    except (ValueError, KeyError) as err:
        return ShippedOutcomes(Path(path), False, f"{path} is damaged ({err})")
    return ShippedOutcomes(Path(path), True, "", designs)


@dataclass
class Tally:
    """Runs of one request: found ready (made before on this server, on disk, or shipped), or made now."""

    ready: int = 0
    made: int = 0


# --------------------------------------------------------------------------- #
# The store and the pool, one per server process
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the model's code and data (the dashboard's own code left out): a disk cache made by
    another version of the model is never read."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".yaml") and "dashboard" not in path.parts \
                and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class Outcomes:
    """Outcomes per design and seed, made once: in memory, optionally on disk, by a shared pool."""

    def __init__(self, workers: int | None = None, cache: Path | None = None,
                 shipped: Path | None = None) -> None:
        """``workers``: processes of the pool; 0 makes every run in the calling thread (tests, one core).
        ``shipped``: the outcomes shipped with the package (:data:`SHIPPED_FILE`; the server's store reads
        them), used only if made by this model."""
        chosen = workers if workers is not None else os.environ.get(ENV_WORKERS)
        self.inline = chosen is not None and int(chosen) == 0
        self.workers = max(1, int(chosen or min(2, os.cpu_count() or 1)))
        folder = cache or os.environ.get(ENV_CACHE)
        self.cache = Path(folder) / code_version() / LAYOUT if folder else None
        self._lock = threading.RLock()
        self._known: OrderedDict[str, dict[int, np.ndarray]] = OrderedDict()
        self._pool: cf.ProcessPoolExecutor | None = None
        self._busy = 0  # requests running: warm-up work waits for none
        self.runs_made = 0
        self.shipped = read_shipped(shipped) if shipped is not None else None

    # -- storage ----------------------------------------------------------------
    def _table(self, key: str) -> dict[int, np.ndarray]:
        with self._lock:
            table = self._known.get(key)
            if table is None:
                table = self._load(key)
                self._known[key] = table
            self._known.move_to_end(key)
            while len(self._known) > KEEP_DESIGNS:
                self._known.popitem(last=False)
            return table

    def _load(self, key: str) -> dict[int, np.ndarray]:
        table: dict[int, np.ndarray] = {}
        if self.shipped is not None and key in self.shipped.designs:
            seeds, rows = self.shipped.designs[key]
            table.update(zip(seeds.tolist(), rows))
        if self.cache is None:
            return table
        path = self.cache / f"{key}.npz"
        try:
            with np.load(path) as data:
                table.update({int(s): row for s, row in zip(data["seeds"], data["rows"])})
        except (OSError, ValueError, KeyError):
            pass
        return table

    def _save(self, key: str, table: dict[int, np.ndarray]) -> None:
        if self.cache is None or not table or self._shipped_only(key, table):
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        seeds = np.array(sorted(table), dtype=np.int64)
        rows = np.stack([table[int(s)] for s in seeds])
        tmp = self.cache / f".{key}.{os.getpid()}.{threading.get_ident()}.npz"
        np.savez(tmp, seeds=seeds, rows=rows)
        os.replace(tmp, self.cache / f"{key}.npz")

    def _shipped_only(self, key: str, table: dict[int, np.ndarray]) -> bool:
        """Nothing but shipped runs: no need to copy them to disk."""
        return self.shipped is not None and key in self.shipped.designs and \
            len(table) == len(self.shipped.designs[key][0])

    def known(self, scenario: Scenario, seeds: Iterable[int]) -> np.ndarray | None:
        """The outcomes of these seeds if all are known, else None (no run is made)."""
        table = self._table(design_key(scenario))
        with self._lock:
            rows = [table.get(int(s)) for s in seeds]
        return None if any(r is None for r in rows) else np.stack(rows) if rows else np.zeros((0, len(FIELDS)), np.int32)

    # -- work ---------------------------------------------------------------------
    def pool(self) -> cf.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                methods = mp.get_all_start_methods()
                ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
                if ctx.get_start_method() == "forkserver":
                    ctx.set_forkserver_preload(["sim.runner", "sim.dashboard.outcomes"])
                self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=worker_init,
                                                    initargs=(os.getpid(),))
                atexit.register(self.close)
            return self._pool

    def ensure(self, scenario: Scenario, seeds: Iterable[int], *, cancel: threading.Event | None = None,
               progress: Callable[[int, int], None] | None = None, urgent: bool = True,
               tally: Tally | None = None) -> np.ndarray | None:
        """The outcomes of ``seeds`` (runs made where missing, in the shared pool); None if cancelled.

        ``progress(done, total)`` after each chunk; ``urgent``: a student waits (warm-up work is not);
        ``tally`` counts the runs found ready and made."""
        got = self.ensure_all([(scenario, seeds)], cancel=cancel, progress=progress, urgent=urgent, tally=tally)
        return None if got is None else got[0]

    def ensure_all(self, requests: list[tuple[Scenario, Iterable[int]]], *, cancel: threading.Event | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   urgent: bool = True, tally: Tally | None = None) -> list[np.ndarray] | None:
        """The outcomes of several designs' seeds at once: every missing run of every design goes to the pool
        together, so no worker waits for another design's last chunk. None if cancelled."""
        asked = [(scenario, design_key(scenario), [int(s) for s in seeds]) for scenario, seeds in requests]
        tables = {key: self._table(key) for _, key, _ in asked}
        work: list[tuple[str, str, list[int]]] = []  # (key, scenario json, chunk)
        with self._lock:
            for scenario, key, seeds in asked:
                missing = [s for s in dict.fromkeys(seeds) if s not in tables[key]]
                payload = scenario.model_dump_json() if missing else ""
                work += [(key, payload, missing[i:i + CHUNK]) for i in range(0, len(missing), CHUNK)]
        total = sum(len(seeds) for _, _, seeds in asked)
        done = total - sum(len(chunk) for _, _, chunk in work)
        if tally is not None:
            tally.ready += done
        if progress:
            progress(done, total)
        if work:
            if urgent:
                with self._lock:
                    self._busy += 1
            pool = _Inline() if self.inline else self.pool()
            futures = {pool.submit(_task, key, payload, chunk): (key, chunk) for key, payload, chunk in work}
            try:
                for fut in cf.as_completed(futures):
                    key, chunk = futures[fut]
                    rows = fut.result()
                    with self._lock:
                        for s, row in zip(chunk, rows):
                            tables[key][s] = row
                        self.runs_made += len(rows)
                    if tally is not None:
                        tally.made += len(rows)
                    done += len(rows)
                    if progress:
                        progress(done, total)
                    if cancel is not None and cancel.is_set():
                        for f in futures:
                            f.cancel()
                        return None
            finally:
                for key in {k for k, _, _ in work}:
                    self._save(key, tables[key])
                if urgent:
                    with self._lock:
                        self._busy -= 1
        with self._lock:
            return [np.stack([tables[key][s] for s in seeds]) if seeds else np.zeros((0, len(FIELDS)), np.int32)
                    for _, key, seeds in asked]

    def forget(self) -> None:
        """Drop every outcome held in memory (the disk cache stays): the benchmark's cold start."""
        with self._lock:
            self._known.clear()

    def next_seed(self, scenario: Scenario, after: int, test: Callable[[np.ndarray], bool], *, limit: int = 5000,
                  cancel: threading.Event | None = None, progress: Callable[[int], None] | None = None,
                  ) -> int | None:
        """The first seed after ``after`` whose outcome passes ``test`` (runs made as needed, a block at a
        time across the pool); None if none in ``limit`` seeds or cancelled."""
        block = CHUNK * self.workers * 2
        start = after + 1
        while start <= after + limit:
            seeds = range(start, min(after + limit, start + block - 1) + 1)
            rows = self.ensure(scenario, seeds, cancel=cancel)
            if rows is None:
                return None
            for s, row in zip(seeds, rows):
                if test(row):
                    return s
            start += len(seeds)
            if progress:
                progress(start - 1)
        return None

    def idle(self) -> bool:
        with self._lock:
            return self._busy == 0

    def warm(self, scenarios: Iterable[Scenario], seeds: int, stop: threading.Event) -> None:
        """Fill the cache for these designs while no student waits (a chunk at a time)."""
        for scenario in scenarios:
            for start in range(0, seeds, CHUNK * self.workers):
                while not self.idle() and not stop.is_set():
                    stop.wait(0.5)
                if stop.is_set():
                    return
                self.ensure(scenario, range(start, min(seeds, start + CHUNK * self.workers)), urgent=False)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


class _Inline:
    """A pool of none: each task runs when submitted, in the calling thread."""

    def submit(self, fn, *args) -> cf.Future:
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future, as a pool would
            fut.set_exception(exc)
        return fut


_SHARED: Outcomes | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> Outcomes:
    """The server's one store and pool (created on first use)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Outcomes(shipped=None if os.environ.get(ENV_SHIPPED) == "0" else SHIPPED_FILE)
        return _SHARED


def at_horizon(rows: np.ndarray, horizon: int, column: int = ESCALATION_WEEK) -> tuple[np.ndarray, np.ndarray]:
    """(attacked within ``horizon`` weeks, weeks without an attack, censored at ``horizon``): a renewed war
    (``ESCALATION_WEEK``), or an armed attack of any size (``ATTACK_WEEK``)."""
    esc = (rows[:, column] >= 0) & (rows[:, column] < horizon)
    if column == ESCALATION_WEEK:
        esc &= rows[:, ESCALATED] == 1
    survival = np.where(esc, rows[:, column], horizon)
    return esc, survival
