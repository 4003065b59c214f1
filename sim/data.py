"""The scenario library's data files, read once per process and checked.

- the members table (capacities, legal lags and ratification failure chances, G0),
- national elections 2026-2032 with the chance and size of a change of government,
- the Multinational Force's contributions by nation and domain (G3),
- the EU veto players outside the Coalition (EU sanctions need all 27, G4),
- the 2022 record of the members' first military aid (validation, not an input of the model).

Sources are cited at the top of each file and in docs/DATA.md; the columns are declared
in ``sim.config.datafiles``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.datafiles import ELECTIONS, EU_VETO_PLAYERS, FORCE_CONTRIBUTIONS, KIEL_2022, MEMBERS, read_table


@lru_cache(maxsize=8)
def read_members(path: Path) -> pd.DataFrame:
    return read_table(path, MEMBERS)


@lru_cache(maxsize=8)
def read_elections(path: Path) -> pd.DataFrame:
    return read_table(path, ELECTIONS)  # the date column holds calendar dates (checked when read)


@lru_cache(maxsize=8)
def read_force_contributions(path: Path) -> pd.DataFrame:
    return read_table(path, FORCE_CONTRIBUTIONS)


@lru_cache(maxsize=8)
def read_eu_veto_players(path: Path) -> pd.DataFrame:
    return read_table(path, EU_VETO_PLAYERS)


@lru_cache(maxsize=4)
def read_kiel_2022(path: Path) -> pd.DataFrame:
    return read_table(path, KIEL_2022)


_COLUMNS: dict[int, tuple[pd.DataFrame, dict[str, np.ndarray]]] = {}


def columns(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """A data table's columns as read-only arrays, made once per table: every model reads the same
    tables (read once per process, above), and pandas' column access would cost each model more."""
    cached = _COLUMNS.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    cols = {}
    for name in table.columns:
        cols[name] = table[name].to_numpy(copy=True)
        cols[name].flags.writeable = False
    if len(_COLUMNS) >= 16:
        _COLUMNS.clear()
    _COLUMNS[id(table)] = (table, cols)
    return cols
