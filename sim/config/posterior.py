"""A posterior file (``posterior.csv`` of ``python -m sim calibrate``), checked, and draws from it.

An input of ``run``, ``sweep``, ``validate-history``, ``sensitivity`` and the API like a scenario
file, so it is read here, below every command that uses it.

The file holds weighted particles: a ``weight`` column, one column a fitted constant (its
dotted schema path), and optionally ``particle``, ``distance`` and ``stat_<target>`` columns.
``draws(n, seed)`` resamples ``n`` parameter sets by systematic resampling, so each draw
counts the same and the same file and seed give the same draws on every machine.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.config import limits
from sim.config.errors import ConfigError
from sim.config.library import LIBRARY
from sim.config.parameters import parameter_catalogue, unknown_parameter
from sim.config.yamlio import read_bytes

INFO_COLUMNS = ("particle", "distance")  # read, not applied
MAX_BYTES = 50_000_000
# Posteriors shipped in the package under a short name (``--posterior plausible``): the plausible set
# of the calibration by history matching (docs/calibration/plausible.csv; sim/library/calibration is a
# link to docs/calibration in a clone, followed when the wheel is built).
NAMED = {"plausible": "plausible.csv"}
NAMED_DIR = LIBRARY / "calibration"


def resolve_posterior(path: str | Path) -> Path:
    """A posterior file's path: a short name (``plausible``) is the file shipped in the package, unless
    a file of that name exists where the command runs; anything else is a path."""
    text = str(path)
    if text in NAMED and not Path(text).is_file():
        return NAMED_DIR / NAMED[text]
    return Path(path)


@dataclass(frozen=True)
class Posterior:
    path: Path
    constants: tuple[str, ...]  # dotted schema paths, in the file's column order
    values: np.ndarray  # particles x constants
    weights: np.ndarray  # normalised to 1
    sha256: str

    def __len__(self) -> int:
        return len(self.weights)

    def draws(self, n: int, seed: int) -> list[dict[str, float]]:
        """``n`` equally weighted parameter sets (systematic resampling, offset from ``seed``)."""
        if n < 1:
            raise ValueError("draws: n must be at least 1")
        u0 = np.random.default_rng(np.random.SeedSequence([seed, 0x9057])).random()
        cum = np.cumsum(self.weights)
        cum[-1] = 1.0
        picks = np.searchsorted(cum, (u0 + np.arange(n)) / n, side="right")
        picks = np.minimum(picks, len(self.weights) - 1)
        # The order of draws is shuffled with the same seed, so draw d is no function of the
        # particles' order in the file beyond the resampling itself.
        order = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED])).permutation(n)
        return [{c: float(self.values[picks[i], j]) for j, c in enumerate(self.constants)} for i in order]

    def mean(self) -> dict[str, float]:
        return {c: float(np.dot(self.weights, self.values[:, j])) for j, c in enumerate(self.constants)}


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def number(cell: str) -> float | None:
    """A number written as a CSV cell (``0.25``, ``-3``, ``1e-3``), else None: Python's float() would
    also read ``7_3`` as 73, ``nan`` and ``infinity``."""
    text = cell.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def fitted_names() -> list[str]:
    return [p for p, s in parameter_catalogue().items() if s.fitted]


def _bad(path: Path, message: str, *, line: int | None = None, key: str = "", allowed: str = "") -> ConfigError:
    return ConfigError.single(path, message, line=line, key=key, allowed=allowed)


def load_posterior(path: str | Path) -> Posterior:
    """Read and check a posterior file (or a shipped one by its short name, ``plausible``). Raises
    ConfigError naming the file, line and column."""
    path = resolve_posterior(path)
    raw = read_bytes(path, "posterior file", MAX_BYTES)
    if b"\x00" in raw:
        raise _bad(path, "binary, not text (a posterior file is the CSV `python -m sim calibrate` writes)")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Excel writes one) is dropped
    except UnicodeDecodeError:
        raise _bad(path, "not UTF-8 text (a posterior file is the CSV `python -m sim calibrate` writes)") from None
    try:
        rows = list(csv.reader(text.splitlines(), strict=True))
    except csv.Error as exc:
        raise _bad(path, f"CSV syntax error: {exc}", allowed="comma-separated cells") from None
    if not rows or not rows[0]:
        raise _bad(path, "empty file; expected a header with 'weight' and the fitted constants' columns")
    header = [h.strip() for h in rows[0]]
    if "weight" not in header:
        raise _bad(path, "no 'weight' column", allowed="weight, particle, distance, stat_<target>, "
                   "and dotted parameter paths such as payoffs.base_cost_major")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise _bad(path, "the column appears twice", line=1, key=dup)
    catalogue = parameter_catalogue()
    constants = []
    for h in header:
        if h == "weight" or h in INFO_COLUMNS or h.startswith("stat_"):
            continue
        spec = catalogue.get(h)
        if spec is None:
            raise _bad(path, f"not a parameter of the schema{unknown_parameter(h)}", line=1, key=h,
                       allowed="weight, particle, distance, stat_<target>, or a numeric constant's dotted path")
        if spec.kind not in ("int", "float"):
            raise _bad(path, f"{h} is not numeric ({spec.allowed}); a posterior holds numeric constants", line=1,
                       key=h)
        if not spec.fitted:
            what = "a lever (a design choice)" if spec.role == "lever" else f"an {spec.role}" \
                if spec.role[0] in "aeiou" else f"a {spec.role}"
            raise _bad(path, f"{h} is {what}, not a calibrated constant: a posterior sets only the constants "
                             f"the calibration fits", line=1, key=h, allowed=", ".join(fitted_names()))
        constants.append(h)
    if not constants:
        raise _bad(path, "no parameter columns; nothing to draw")
    w_col = header.index("weight")
    cols = [header.index(c) for c in constants]
    values, weights = [], []
    for i, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise _bad(path, f"{len(row)} cells, the header has {len(header)}", line=i)
        w = number(row[w_col])
        if w is None:
            raise _bad(path, f"'{row[w_col]}' is not a number", line=i, key="weight",
                       allowed="a number >= 0 (digits, a point, an exponent: 0.25, 1e-3)")
        if not math.isfinite(w) or w < 0:
            raise _bad(path, f"weight {row[w_col]} must be a finite number >= 0", line=i, key="weight")
        vals = []
        for c, j in zip(constants, cols):
            spec = catalogue[c]
            v = number(row[j])
            if v is None:
                raise _bad(path, f"'{row[j]}' is not a number", line=i, key=c, allowed=spec.allowed)
            if not math.isfinite(v) or (spec.ge is not None and v < spec.ge) or (spec.le is not None and v > spec.le):
                raise _bad(path, f"{row[j]} is out of range", line=i, key=c, allowed=spec.allowed)
            if spec.kind == "int" and v != int(v):
                raise _bad(path, f"{row[j]} is not a whole number", line=i, key=c, allowed=spec.allowed)
            vals.append(v)
        values.append(vals)
        weights.append(w)
    if not values:
        raise _bad(path, "no particles (only a header)")
    wsum = float(sum(weights))
    if wsum <= 0:
        raise _bad(path, "every weight is 0", key="weight")
    return Posterior(path, tuple(constants), np.asarray(values, dtype=float), np.asarray(weights) / wsum,
                     hashlib.sha256(raw).hexdigest())


def as_overrides(draw: dict[str, float]) -> dict[str, Any]:
    """A draw as schema overrides (whole numbers for integer parameters)."""
    cat = parameter_catalogue()
    return {k: (int(round(v)) if cat[k].kind == "int" else float(v)) for k, v in draw.items()}


@dataclass(frozen=True)
class PosteriorUse:
    """How a sweep draws constants from a posterior: ``draws`` equally weighted parameter sets,
    replicate k using draw ``k % draws`` in every design point (so comparisons stay paired by
    seed *and* by constants)."""

    file: str
    sha256: str
    draws: int
    seed: int
    values: tuple[tuple[tuple[str, Any], ...], ...]  # one tuple of (path, value) per draw

    def for_replicate(self, replicate: int) -> tuple[int, tuple[tuple[str, Any], ...]]:
        d = replicate % self.draws
        return d, self.values[d]

    def record(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "draws": self.draws, "seed": self.seed,
                "constants": [k for k, _ in self.values[0]] if self.values else []}


def use_posterior(path: str | Path, draws: int, seed: int) -> PosteriorUse:
    """Read ``path`` and take ``draws`` parameter sets from it with ``seed``."""
    limits.posterior_draws(draws, "posterior_draws", str(path))
    post = load_posterior(path)
    sets = post.draws(draws, seed)
    return PosteriorUse(str(Path(path)), post.sha256, draws, seed,
                        tuple(tuple(sorted(as_overrides(s).items())) for s in sets))
