"""Writing a plan out: the formats a plan renders to, and atomic file writes.

`FORMATS` is the one registry of output formats: a name (``--format``), the file
extensions that mean it (``-o plan.md``), and the function that renders a plan. The
command line (``solve``, ``replan``, ``render``) and the batch both render through it, so
a new format is one `Format` entry here and every command offers it.

The workout formats (``fit``, ``intervals``) also write one file per session into a folder
(``-o DIR/``, a name ending in ``/`` or an existing folder); ``fit`` writes nothing else.

Views are imported when a plan is rendered, not when this module is: the command line
reads the registry to build its options, and ``periodize --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from periodize.errors import InputError
from periodize.vocabulary import Slot

if TYPE_CHECKING:
    from periodize.plan import Plan
    from periodize.scenario import Scenario

Detail = Literal["athlete", "coach"]
"""Who a view is for: the athlete (training words only) or the coach (with the solve's
status, gap and soft terms in a section of their own)."""
DETAILS: tuple[Detail, ...] = ("athlete", "coach")


@dataclass(frozen=True)
class RenderOptions:
    """How to render a plan: the start time of each slot's sessions (calendar), who the
    view is for, and the width of the terminal table."""

    slot_times: Mapping[Slot, dt.time] = field(default_factory=dict)
    detail: Detail = "athlete"
    width: int = 100

    @property
    def coach(self) -> bool:
        """Whether the coach's section is wanted."""
        return self.detail == "coach"


Writer = Callable[["Scenario", "Plan", RenderOptions], str | bytes]
"""Renders a plan: text, or bytes for a binary format."""
FilesWriter = Callable[["Plan"], Mapping[str, str | bytes]]
"""Renders a plan as one file per session: file name -> content."""
FIT_EXTRA_HINT = "pip install 'periodize[fit]'"


@dataclass(frozen=True)
class Format:
    """One output format: its ``--format`` name, the file extensions that mean it (the
    first is what the batch names its file), what it is for, and its writer (None for a
    format written only into a folder). ``files`` writes one file per session into a
    folder; ``ready`` raises an `InputError` when the format cannot be written here (an
    extra not installed), so that a command can refuse before it solves."""

    name: str
    extensions: tuple[str, ...]
    summary: str
    write: Writer | None
    files: FilesWriter | None = None
    ready: Callable[[], None] | None = None

    @property
    def file_name(self) -> str:
        """The batch's file for this format: ``plan`` plus the first extension."""
        return f"plan{self.extensions[0]}"


def _json(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
    return plan.to_json() + "\n"


def _table(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
    from periodize.views import table

    return table.to_text(scenario, plan, width=options.width, coach=options.coach)


def _markdown(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
    from periodize.views import markdown

    return markdown.render(scenario, plan, coach=options.coach)


def _calendar(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
    from periodize.views import ics

    return ics.render(scenario, plan, slot_times=options.slot_times)


def _html(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
    from periodize.views import html

    return html.render(scenario, plan, coach=options.coach)


def _intervals_bundle(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
    from periodize.views import intervals

    return intervals.render_bundle(plan)


def _intervals_files(plan: Plan) -> Mapping[str, str | bytes]:
    from periodize.views import intervals

    return intervals.session_files(plan)


def _fit_view() -> ModuleType:
    """`periodize.views.fit`, or an `InputError` saying how to install FIT support."""
    try:
        return importlib.import_module("periodize.views.fit")
    except ModuleNotFoundError as error:
        raise InputError(
            f"--format fit needs {error.name or 'fit-tool'}, which is not installed: "
            f"{FIT_EXTRA_HINT}"
        ) from None


def _fit_ready() -> None:
    _fit_view()


def _fit_files(plan: Plan) -> Mapping[str, str | bytes]:
    files: dict[str, bytes] = _fit_view().workout_files(plan)
    return dict(files)


FORMATS: dict[str, Format] = {
    entry.name: entry
    for entry in (
        Format("table", (".txt",), "the terminal table: weeks, days and sessions", _table),
        Format("json", (".json",), "the plan JSON, for scripts, `check` and `render`", _json),
        Format("md", (".md", ".markdown"), "a Markdown document for the athlete", _markdown),
        Format("ics", (".ics",), "an iCalendar file, one event per session", _calendar),
        Format("html", (".html", ".htm"), "a self-contained HTML report, offline", _html),
        Format(
            "fit",
            (".fit",),
            "a FIT workout file per session for a watch, into the folder -o DIR/",
            None,
            files=_fit_files,
            ready=_fit_ready,
        ),
        Format(
            "intervals",
            (".intervals.txt",),
            "intervals.icu workout text: a file per session into -o DIR/, else every "
            "session in one text",
            _intervals_bundle,
            files=_intervals_files,
        ),
    )
}
"""Every output format by name. To add one, add an entry: name, extensions, a line for
the help texts, and a writer ``(scenario, plan, options) -> str | bytes``."""


def format_for_path(path: Path) -> Format | None:
    """The format a file name's extension means (``plan.md`` -> md), or None; the longest
    extension the name ends in wins (``w.intervals.txt`` -> intervals, ``w.txt`` ->
    table)."""
    name = path.name.lower()
    found = [(len(e), f) for f in FORMATS.values() for e in f.extensions if name.endswith(e)]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _extensions_text() -> str:
    return ", ".join(f"{f.extensions[0]} ({f.name})" for f in FORMATS.values())


def choose_format(requested: str | None, output: Path | None) -> Format:
    """The format to write ``output`` in (stdout when None): ``requested`` (``--format``),
    else the one ``output``'s extension means, else the table. An `InputError` when the
    two disagree, neither says, or the format writes only a file per session (fit)."""
    chosen = _requested_or_implied(requested, output)
    if chosen.write is None:
        where = f"-o {output}" if output is not None else "stdout"
        raise InputError(
            f"--format {chosen.name} writes a file per session, not one {where}: give a "
            "folder, -o DIR/"
        )
    return chosen


def _requested_or_implied(requested: str | None, output: Path | None) -> Format:
    implied = format_for_path(output) if output is not None else None
    if requested is None:
        if output is None:
            return FORMATS["table"]
        if implied is None:
            raise InputError(
                f"-o {output}: the extension {output.suffix or '(none)'} names no format; "
                f"end the name in one of {_extensions_text()}, or give --format"
            )
        return implied
    chosen = FORMATS[requested]
    if output is not None and implied is not None and implied is not chosen:
        raise InputError(
            f"--format {requested} but -o {output} names a {implied.name} file: drop "
            f"--format, or write to {output.with_suffix(chosen.extensions[0]).name}"
        )
    return chosen


@dataclass(frozen=True)
class Target:
    """Where one rendering goes: its format, and a file, a folder (one file per session:
    ``folder``) or stdout (``path`` None)."""

    format: Format
    path: Path | None
    folder: bool = False


def is_folder(output: str) -> bool:
    """Whether ``-o output`` names a folder: it ends in ``/`` or is an existing folder."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def choose_target(requested: str | None, output: str | None) -> Target:
    """The target of ``-o output`` (stdout when None) in ``--format requested``: a folder
    for a workout format, else a file as `choose_format` says. An `InputError` for a
    folder without a workout format, or a format that cannot be written here."""
    if output is not None and is_folder(output):
        folder_formats = " or ".join(f.name for f in FORMATS.values() if f.files is not None)
        if requested is None:
            raise InputError(
                f"-o {output}: a folder takes a workout format: --format {folder_formats}"
            )
        chosen = FORMATS[requested]
        if chosen.files is None:
            raise InputError(
                f"-o {output}: is a folder; --format {requested} writes one file: give a file name"
            )
        target = Target(chosen, Path(output), folder=True)
    else:
        path = Path(output) if output is not None else None
        target = Target(choose_format(requested, path), path)
    if target.format.ready is not None:
        target.format.ready()
    return target


def render_plan(
    scenario: Scenario, plan: Plan, output_format: str, options: RenderOptions | None = None
) -> str | bytes:
    """``plan`` rendered in the format named ``output_format`` (one with a writer)."""
    write = FORMATS[output_format].write
    if write is None:
        raise ValueError(f"{output_format} is written only into a folder (render_session_files)")
    return write(scenario, plan, options or RenderOptions())


def render_session_files(plan: Plan, output_format: str) -> Mapping[str, str | bytes]:
    """``plan`` as one file per session in the workout format ``output_format``, by file
    name (``2027-01-04-pm-road_tempo.fit``), in calendar order."""
    files = FORMATS[output_format].files
    if files is None:
        raise ValueError(f"{output_format} writes no file per session")
    return files(plan)


WORKOUT_FILE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-(?:am|pm)-[a-z][a-z0-9_]*\.(?:fit|txt)$")
"""The names the workout formats give their files
(`periodize.workouts.workout_file_name`)."""


def write_folder(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (name -> content) into ``folder``, each atomically, then remove the
    workout files (`WORKOUT_FILE_NAME`) of the same extensions that ``files`` does not
    hold: an earlier export's sessions the plan no longer has. No other file is touched."""
    for name, content in files.items():
        write_atomically(folder / name, content)
    suffixes = {Path(name).suffix for name in files}
    for stale in folder.iterdir():
        if (
            stale.name not in files
            and stale.suffix in suffixes
            and WORKOUT_FILE_NAME.match(stale.name)
        ):
            stale.unlink()


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` via a temporary file in the same
    folder, then rename: a reader never sees half a file, and a failure leaves none. The
    file gets the mode a plain ``open`` would give it: an existing file's own, else 0666
    less the umask (the temporary file is created 0600)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits ``path`` keeps (an existing file's) or gets (0666 less the
    umask, which can only be read by setting it: set back at once)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def ensure_writable(path: Path) -> None:
    """`InputError` unless a file can be written at ``path`` (its folder is created):
    checked before a solve, so a bad ``-o`` does not cost the solve's time first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        raise InputError(
            f"{path}: cannot be written ({error.strerror or error}): choose another --output"
        ) from None
