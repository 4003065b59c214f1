"""Reference simulator of post-ceasefire deterrence under the Paris guarantees (6 January 2026)."""

__version__ = "0.1.0"
