"""Spread work over forked processes: each child starts with the parent's joined site in memory."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import traceback
from typing import Any, Callable

from .problems import SiteError


def default_jobs() -> int:
    """One process per CPU core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def fork_map(work: Callable[[Any], Any], chunks: list) -> list:
    """Run ``work(chunk)`` for each chunk, the first in this process and the others in forked
    children at the same time; return the results in order.

    A SiteError in a child is raised again in the parent with the child's problems; any
    other failure is raised with the child's traceback. Children share the parent's
    memory copy-on-write; freezing the garbage collector first keeps them from touching
    (and so copying) every object.
    """
    thawed = gc.get_freeze_count() == 0  # the records may be frozen already (pipeline.long_lived)
    gc.freeze()
    children = []
    try:
        for chunk in chunks[1:]:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the caller's code
                os.close(read)
                try:
                    outcome = ("ok", work(chunk))
                except SiteError as error:
                    outcome = ("problems", error.problems)
                except BaseException:  # noqa: BLE001 - reported by the parent
                    outcome = ("crash", traceback.format_exc())
                try:
                    with os.fdopen(write, "wb") as stream:
                        stream.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
                finally:
                    os._exit(0)
            os.close(write)
            children.append((pid, read))
    finally:
        if thawed:
            gc.unfreeze()
    # The first chunk is done here, meanwhile: one process fewer holding a copy of the site.
    try:
        outcomes = [("ok", work(chunks[0]))] if chunks else []
    except SiteError as error:
        outcomes = [("problems", error.problems)]
    except Exception:  # noqa: BLE001 - raised below, once the children are done
        outcomes = [("crash", traceback.format_exc())]
    except BaseException:  # Ctrl+C: stop our children too
        for pid, read in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            os.close(read)
        raise
    for pid, read in children:
        with os.fdopen(read, "rb") as stream:
            data = stream.read()
        os.waitpid(pid, 0)
        outcomes.append(pickle.loads(data) if data else ("crash", "a build process ended without a result"))
    results = []
    for kind, value in outcomes:
        if kind == "problems":
            raise SiteError(value)
        if kind == "crash":
            raise RuntimeError(f"a build process failed:\n{value}")
        results.append(value)
    return results


def fork_queue(work: Callable[[list], Any], items: list, jobs: int, first: list | None = None, chunk: int = 32) -> list:
    """Share ``items`` among ``jobs`` processes, each taking the next ``chunk`` as it finishes
    the last; this process first does ``first`` alone. Return every ``work`` result, in no
    particular order.

    Pages differ in cost (a province's list takes ten task pages' time), so a fixed split
    leaves one process idle while the other finishes; taking work as it comes keeps both
    busy to the end. ``first`` is work that should stay in this process, e.g. pages whose
    parts it then keeps for later rebuilds.
    """
    taken = multiprocessing.RawValue("q", 0)  # shared memory, inherited by the forked children
    lock = multiprocessing.Lock()

    def next_chunk() -> list:
        with lock:
            start = taken.value
            taken.value = start + chunk
        return items[start:start + chunk]

    def run(role: int) -> list:
        results = [work(first)] if role == 0 and first else []
        while batch := next_chunk():
            results.append(work(batch))
        return results

    return [result for results in fork_map(run, list(range(max(1, jobs)))) for result in results]
