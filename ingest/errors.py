"""Why a file was not ingested."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested, and why."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem

    def __reduce__(self):
        # Rebuilt from (file, problem) when it crosses a process boundary: the
        # default would call __init__ with the formatted message alone.
        return type(self), (self.file, self.problem)


class NotAReport(IngestError):
    """A readable file with nothing of a performance report in it: skipped, not failed."""
