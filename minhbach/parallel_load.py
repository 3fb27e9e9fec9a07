"""Read and validate a big site's records in two processes, with the serial load's result."""

from __future__ import annotations

from pathlib import Path

from .load import RawContent, load_content, record_files, walk_order
from .parallel import fork_map
from .problems import Report
from .validate import validate_as_read

# Below this many province, agency and task files one process is about as quick: listing
# them, the fork and the records' way back through a pipe cost a few tenths of a second.
PARALLEL_MIN_FILES = 2000
# The forked process's part of the record files, spread evenly among them. Half: it also
# pickles what it read (0.2 s on a national site), but this process reads every other file
# (documents, texts, pages) and then unpickles theirs; with 0.45 it finished 0.45-0.55 s
# after the forked one, with half 0.2-0.25 s (the unpickling alone takes 0.14 s).
THEIR_SHARE = 0.5


def load_validated(root: Path, report: Report, memo: dict, jobs: int = 1) -> RawContent:
    """load_content with validate_as_read(memo): every record read, validated and remembered in
    ``memo``, every problem found reading the files in ``report``.

    On a big site with more than one job, a forked process reads and validates a little under
    half of the province, agency and task files while this one reads the others and every
    other kind of file; what it sends back is merged so that the records, ``memo``,
    ``unreadable`` and the problems are exactly those of a serial load
    (tests/test_parallel_load.py checks it).
    """
    names = record_files(root) if jobs > 1 else []
    if len(names) < PARALLEL_MIN_FILES:
        return load_content(root, report, on_record=validate_as_read(memo))
    theirs = {name for index, name in enumerate(names) if int((index + 1) * THEIR_SHARE) > int(index * THEIR_SHARE)}
    places: dict[str, int] = {}  # where each of their files' problems go among ours: where the walk met it

    def ours(name: str) -> bool:
        if name in theirs:
            places[name] = len(report.problems)
            return False
        return True

    def work(half: int):
        if half == 0:
            return load_content(root, report, on_record=validate_as_read(memo), share=ours)
        found = Report()
        raw = load_content(root, found, on_record=validate_as_read(memo), share=theirs.__contains__)
        # One pickle for all: each memo entry keeps holding the very RawRecord sent with it.
        # Their walk met the folders too: problems about anything but their files are ours.
        return (raw.records, {item.path: memo[item.path] for item in raw.records},
                [problem for problem in found.problems if problem.path in theirs], raw.unreadable)

    raw, (records, entries, problems, unreadable) = fork_map(work, [0, 1])
    raw.records = sorted(raw.records + records, key=lambda item: walk_order(item.path))
    memo.update(entries)
    raw.unreadable |= unreadable
    _insert_problems(report, problems, places)
    return raw


def _insert_problems(report: Report, problems: list, places: dict[str, int]) -> None:
    """Put each of their ``problems`` (in the order found) where our walk met its file."""
    end = len(report.problems)  # a file our walk did not meet (deleted meanwhile): last
    keyed = [((index, 1, index), problem) for index, problem in enumerate(report.problems)]
    keyed += [((places.get(problem.path, end), 0, index), problem) for index, problem in enumerate(problems)]
    report.problems[:] = [problem for _, problem in sorted(keyed, key=lambda pair: pair[0])]
