"""The files of a batch: which scenario files it takes, and what it writes for each.

Each scenario NAME (its file name without suffix) gets the folder ``OUT/NAME/``: the
views asked for (``plan.md``, ...), then ``plan.json``, then ``result.json``, the
completion record, each written atomically. The record goes last and names the digest of
the scenario text it was solved from, so an interrupted run never looks complete and
``--resume`` re-solves a scenario whose file changed since.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from periodize.batch.jobs import PLAN_FILE, VIEW_FILES, WORKOUTS_FOLDER, Job, Outcome, Verdict
from periodize.loading import InputError, read_text
from periodize.output import write_atomically
from periodize.parsing import parse_json

RECORD_FILE = "result.json"
"""The completion record of a scenario's folder, written after every other file."""
SUMMARY_FILE = "summary.csv"
"""The batch's summary, in the output folder."""
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
"""The files a folder given to the batch contributes."""
FINAL_VERDICTS = (Verdict.OPTIMAL, Verdict.FEASIBLE, Verdict.INFEASIBLE)
"""Outcomes that a re-run would only repeat: `--resume` keeps them."""


def find_scenarios(sources: Sequence[str]) -> list[Path]:
    """The scenario files of ``sources``: each a folder (its .yaml, .yml and .json files),
    a glob pattern, or a file; in order, each file once. A pattern that matches nothing
    is an `InputError`; a named file that does not exist is kept (it fails as bad input)."""
    found: dict[Path, None] = {}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            matches = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix in SCENARIO_SUFFIXES
            )
        elif glob.has_magic(source):
            matches = sorted(Path(p) for p in glob.glob(source, recursive=True))
            matches = [p for p in matches if p.is_file()]
            if not matches:
                raise InputError(f"{source}: no scenario file matches")
        else:
            matches = [path]
        for match in matches:
            found.setdefault(match, None)
    return list(found)


def unsafe_name(name: str) -> str | None:
    """Why the output name ``name`` cannot be a folder of its own inside OUT (so the
    scenario is an error row and nothing is written for it), or None when it can: a file
    called ``...yaml`` would write into OUT's parent, ``..yaml`` into OUT itself."""
    if name in ("", ".", ".."):
        return f"{name or 'an empty name'!r} would be OUT itself or its parent, not a folder in it"
    if any(separator in name for separator in ("/", "\\", "\0")):
        return f"{name!r} holds a path separator"
    if name == SUMMARY_FILE:
        return f"{name!r} is the batch's summary file"
    return None


def output_folder(output_dir: Path, name: str) -> Path:
    """OUT/NAME/, the folder of the scenario named ``name``; `OutputRefused` when it
    would not be a folder of its own inside OUT (`unsafe_name`, or a link that leads out)."""
    why = unsafe_name(name)
    folder = output_dir / name
    if why is None and folder.is_symlink():
        why = f"{folder} is a link"
    if why is not None:
        raise OutputRefused(f"cannot write its outputs: {why}; rename the scenario file")
    return folder


class OutputRefused(Exception):
    """A scenario whose outputs cannot go in a folder of their own inside OUT."""


def output_names(paths: Iterable[Path]) -> dict[Path, str]:
    """Each file's output name (its stem); two files of one name are an `InputError`,
    since their outputs would overwrite each other."""
    names: dict[Path, str] = {}
    owner: dict[str, Path] = {}
    for path in paths:
        name = path.stem
        if name in owner:
            raise InputError(
                f"{owner[name]} and {path} would both write to {name}/: rename one of them"
            )
        owner[name] = path
        names[path] = name
    return names


def read_job(path: Path, name: str) -> Job | Outcome:
    """The job for ``path``, or an error outcome when the file cannot be read or its
    output name cannot be a folder inside OUT (`unsafe_name`)."""
    why = unsafe_name(name)
    if why is not None:
        message = f"{path}: cannot write its outputs: {why}; rename the file"
        return Outcome(name, str(path), Verdict.ERROR, attempts=0, message=message)
    try:
        text, _ = read_text(path)
    except InputError as error:
        return Outcome(name, str(path), Verdict.ERROR, attempts=0, message=str(error))
    return Job(str(path), name, text)


def prepare_output_dir(output_dir: Path) -> None:
    """Create OUT and make sure files can be written in it, before anything is solved;
    `InputError` when they cannot."""
    import tempfile

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=output_dir):
            pass
    except OSError as error:
        raise InputError(
            f"{output_dir}: cannot write there ({error.strerror or error}): "
            "choose another --output-dir"
        ) from None


def write_outcome(output_dir: Path, outcome: Outcome, digest: str | None) -> None:
    """Write ``outcome``'s files into its folder: views, plan JSON, then the completion
    record. Files of an earlier run that this outcome does not have are removed, and the
    old record goes first, so a folder is never complete with a mix of two runs."""
    folder = output_folder(output_dir, outcome.name)
    (folder / RECORD_FILE).unlink(missing_ok=True)
    for stale in (*VIEW_FILES.values(), PLAN_FILE):
        if stale not in outcome.files:
            (folder / stale).unlink(missing_ok=True)
    workouts = folder / WORKOUTS_FOLDER
    if workouts.is_dir():
        for stale_workout in workouts.iterdir():
            if f"{WORKOUTS_FOLDER}/{stale_workout.name}" not in outcome.files:
                stale_workout.unlink()
    if not outcome.files:
        return
    for file_name, content in outcome.files.items():
        if file_name != PLAN_FILE:
            write_atomically(folder / file_name, content)
    write_atomically(folder / PLAN_FILE, outcome.files[PLAN_FILE])
    write_atomically(folder / RECORD_FILE, json.dumps(_record(outcome, digest), indent=2) + "\n")


def _record(outcome: Outcome, digest: str | None) -> dict[str, object]:
    return {
        "scenario": outcome.name,
        "source": outcome.source,
        "digest": digest,
        "status": outcome.verdict.value,
        "objective": outcome.objective,
        "gap": outcome.gap,
        "wall_s": outcome.wall_s,
        "worker": outcome.worker,
        "attempts": outcome.attempts,
        "message": outcome.message,
        "files": sorted(outcome.files),
    }


def completed_outcome(output_dir: Path, job: Job, formats: Iterable[str]) -> Outcome | None:
    """The outcome an earlier run recorded for ``job``, when its folder is complete: a
    record for this very text with a final verdict, its plan JSON, and (for a plan) every
    view in ``formats``. None when ``job`` must be solved."""
    try:
        folder = output_folder(output_dir, job.name)
        text, name = read_text(folder / RECORD_FILE)
        record = parse_json(text, name)
        verdict = Verdict(record["status"])
        if record["digest"] != job.digest or verdict not in FINAL_VERDICTS:
            return None
        wanted = [PLAN_FILE]
        if verdict.solved:
            wanted += [VIEW_FILES[view] for view in formats if view in VIEW_FILES]
        if not all((folder / file_name).is_file() for file_name in wanted):
            return None
        return Outcome(
            job.name,
            job.source,
            verdict,
            objective=record["objective"],
            gap=record["gap"],
            wall_s=record["wall_s"],
            worker=record["worker"],
            attempts=record["attempts"],
            message=record["message"],
            resumed=True,
        )
    except (InputError, OSError, ValueError, KeyError, TypeError, OutputRefused):
        return None
