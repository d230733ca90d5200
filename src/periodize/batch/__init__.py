"""Batch solving: many scenario files solved in parallel, on a local process pool or a
Dask distributed cluster, each into its own output folder.

`jobs` is what one worker does (solve one scenario's text, render its files); `local` and
`cluster` are the two backends, both yielding one `Outcome` per scenario whatever
happens to the workers; `outputs` finds the scenario files and writes each outcome
atomically (the completion record last, so `--resume` never takes a half-written folder
for a finished one); `summary` is the table, the CSV and the exit code; `command` is the
``periodize batch`` command.
"""

from periodize.batch.command import batch_command
from periodize.batch.jobs import Job, Outcome, SolveSettings, Verdict, solve_job

__all__ = ["Job", "Outcome", "SolveSettings", "Verdict", "batch_command", "solve_job"]
