"""Where runs are computed: in this process, on a local process pool, or on a Dask cluster.

Every command that runs the model many times (sweep, calibrate, validate-model,
validate-history, sensitivity) and the Python API take their executor from ``executor()``
and hand it work through ``in_order`` (or ``map_in_order``): a bounded number of
submissions in flight, results taken back in the order submitted. Results therefore never
depend on which worker finished first: the same inputs give the same bytes on any executor
and any number of workers.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing as mp
import os
import signal
import socket
import threading
import time
import warnings
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

from sim.config import Notice
from sim.errors import UsageError

# What every worker imports before the pool forks it (the runs' code): workers start warm.
PRELOAD = ("sim.experiments.execution", "sim.runner")
SCHEDULER_ALLOWED = "tcp://HOST:PORT (or HOST:PORT), e.g. tcp://10.0.0.5:8786"


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class InlineExecutor(cf.Executor):
    """Runs each submission at once in this process (one worker: no pool to start)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def worker_init(parent_pid: int | None = None) -> None:
    """Process-pool workers leave Ctrl-C to the parent, which shuts the pool down cleanly,
    and end themselves if the parent dies (kill -9): no orphans left running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore", Notice)  # the parent process has shown them once already
    if parent_pid is not None:
        def watch() -> None:
            while True:
                time.sleep(1.0)
                try:
                    os.kill(parent_pid, 0)
                except ProcessLookupError:
                    os._exit(1)
                except PermissionError:
                    pass

        threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


@contextmanager
def local_pool(workers: int) -> Iterator[cf.Executor]:
    """A process pool whose workers start from a clean interpreter (forkserver where available)."""
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(list(PRELOAD))
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init,
                                  initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_workers(pool)
        raise
    else:
        pool.shutdown(wait=True)


def _stop_workers(pool: cf.ProcessPoolExecutor) -> None:
    """After Ctrl-C, end our own workers now rather than wait for the runs in flight."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)


def scheduler_address(text: str) -> tuple[str, str, int]:
    """(address, host, port) of a Dask scheduler address; UsageError when it is not one."""
    raw = text.strip()
    if raw.startswith("inproc://") and len(raw) > len("inproc://"):  # a cluster in this very process
        return raw, "", 0
    full = raw if "://" in raw else f"tcp://{raw}"
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        port = None
        parts = None
    if not raw or parts is None or parts.scheme not in ("tcp", "tls", "ws", "wss", "ucx") or not parts.hostname \
            or port is None or not 1 <= port <= 65535 or parts.path not in ("", "/"):
        raise UsageError(f"--scheduler {text!r}: not a scheduler address; allowed: {SCHEDULER_ALLOWED}")
    return full, parts.hostname, port


def _connect(client_cls: Any, address: str, timeout: float) -> Any:
    """A Dask client, or TimeoutError: Dask's own timeout does not cover a peer that accepts the
    connection and never answers (any other server on that port), so wait in a daemon thread."""
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = client_cls(address, timeout=f"{timeout:g}s", set_as_default=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 2)
    if "error" in box:
        raise box["error"]
    if "client" not in box:
        raise TimeoutError(f"no answer within {timeout + 2:g} s (is this port a Dask scheduler?)")
    return box["client"]


@contextmanager
def dask_executor(address: str, connect_timeout: float = 5.0,
                  handshake_timeout: float = 10.0) -> Iterator[tuple[cf.Executor, int]]:
    """(executor, threads) of a running Dask scheduler; UsageError when it cannot be reached."""
    full, host, port = scheduler_address(address)
    try:
        from distributed import Client  # the optional [cluster] extra: imported only with --scheduler
    except ImportError:
        raise UsageError("--scheduler needs Dask distributed: pip install 'paris-guarantees-sim[cluster]' "
                         "(or pip install 'dask[distributed]')") from None
    # A plain connection first: a wrong host or port fails in seconds, with no Dask traceback.
    try:
        if port:
            socket.create_connection((host, port), timeout=connect_timeout).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise UsageError(f"--scheduler {address}: cannot reach a scheduler at {host}:{port} ({reason}); "
                         f"is it running? allowed: {SCHEDULER_ALLOWED}") from None
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # Dask logs its own traceback before raising
    try:
        client = _connect(Client, full, handshake_timeout)
    except Exception as exc:  # noqa: BLE001 - Dask raises many kinds (OSError, TimeoutError, CommClosedError)
        raise UsageError(f"--scheduler {address}: no Dask scheduler answered at {full} "
                         f"({type(exc).__name__}: {exc})") from None
    finally:
        quiet.setLevel(level)
    try:
        slots = max(1, sum(client.nthreads().values()))
        with client.get_executor(pure=False) as executor:
            yield executor, slots
    finally:
        client.close()


@dataclass(frozen=True)
class Executing:
    """An executor in use: where submissions go, how many run at once, and its name for manifests."""

    executor: cf.Executor
    slots: int
    name: str


@contextmanager
def executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Executing]:
    """The executor for ``workers`` local processes (1: this process) or for a Dask ``scheduler``."""
    if scheduler is not None:
        with dask_executor(scheduler) as (ex, slots):
            yield Executing(ex, slots, f"dask {scheduler}")
    elif workers <= 1:
        yield Executing(InlineExecutor(), 1, "in process")
    else:
        with local_pool(workers) as pool:
            yield Executing(pool, workers, f"process pool ({workers} workers)")


def in_order(executor: cf.Executor, fn: Callable[[Any], Any], next_item: Callable[[], Any | None], *,
             window: int) -> Iterator[tuple[Any, Any]]:
    """(item, fn(item)) for the items ``next_item()`` hands out, in the order handed out.

    At most ``window`` submissions are in flight or finished but not yet taken. ``next_item()``
    returns None when it has nothing to hand out now; it is asked again once the results taken
    so far are consumed (a sweep's next round depends on them), and the loop ends when it has
    nothing and nothing is pending. Results finished together are all yielded before anything
    new is submitted. Pending submissions are cancelled if the consumer stops early.
    """
    pending: deque[tuple[Any, cf.Future]] = deque()
    try:
        while True:
            while len(pending) < window:
                item = next_item()
                if item is None:
                    break
                pending.append((item, executor.submit(fn, item)))
            if not pending:
                return
            cf.wait([pending[0][1]])
            ready = 0
            while ready < len(pending) and pending[ready][1].done():
                ready += 1
            for _ in range(ready):
                item, future = pending.popleft()
                yield item, future.result()
    finally:
        for _, future in pending:
            future.cancel()


def map_in_order(executor: cf.Executor, fn: Callable[[Any], Any], items: Iterable[Any], *,
                 window: int) -> list[Any]:
    """[fn(x) for x in items], computed on ``executor`` with at most ``window`` submissions at a time."""
    it = iter(items)
    return [result for _, result in in_order(executor, fn, lambda: next(it, None), window=window)]
