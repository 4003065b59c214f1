"""Errors and exit codes: one set for every command (the lowest module of the package).

Bad input of any kind (a configuration file, an option, a path, an output folder, a sweep that
cannot be resumed) raises a ``BadInput``; the command line prints its message and exits
``EXIT_BAD_INPUT``, never with a traceback. The subclasses say where the input came from;
``sim.config.errors.ConfigError`` (files, with line and key) is one too.
"""

from __future__ import annotations

EXIT_OK = 0  # success
EXIT_FAILED = 1  # validate-model: a pattern fails; or a run failed (a model bug, with the run to replay)
EXIT_BAD_INPUT = 2  # bad input or a refused output folder: a message, never a traceback
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), what a shell reports
EXIT_BROKEN_PIPE = 141  # the reader stopped reading (`| head`): 128 + SIGPIPE, as the shell's own

EXIT_CODES = ("exit codes: 0 success; 1 validate-model: a pattern fails (or a run failed); "
              "2 bad input or a refused output folder; 130 interrupted")


class BadInput(Exception):
    """Input the command cannot use: exit code 2 with this message."""


class UsageError(BadInput):
    """Bad input that is not a configuration file problem (options, paths, a missing extra)."""


class FolderError(BadInput):
    """A folder the command must not write to, or cannot."""


class ResumeError(BadInput):
    """A sweep folder that cannot be resumed (no sweep there, or a different experiment)."""
