"""The registry of output formats and atomic writes (periodize.output)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from periodize.batch.jobs import VIEW_FILES
from periodize.errors import InputError
from periodize.output import FORMATS, choose_format, format_for_path, write_atomically


@pytest.mark.parametrize(
    ("requested", "output", "chosen"),
    [
        (None, None, "table"),
        ("json", None, "json"),
        (None, "plan.md", "md"),
        (None, "PLAN.HTML", "html"),
        (None, "notes.markdown", "md"),
        (None, "plan.txt", "table"),
        ("ics", "plan.ics", "ics"),
        ("json", "plan.out", "json"),
        (None, "week.intervals.txt", "intervals"),
        ("intervals", "week.intervals.txt", "intervals"),
    ],
)
def test_the_format_comes_from_the_option_or_the_extension(
    requested: str | None, output: str | None, chosen: str
) -> None:
    path = Path(output) if output is not None else None
    assert choose_format(requested, path).name == chosen


def test_a_contradiction_or_an_unknown_extension_is_an_input_error() -> None:
    with pytest.raises(
        InputError, match=r"--format md but -o plan.html names a html file: .*plan.md"
    ):
        choose_format("md", Path("plan.html"))
    with pytest.raises(InputError, match=r"the extension .pdf names no format; end the name in"):
        choose_format(None, Path("plan.pdf"))


def test_every_format_has_its_own_extensions_and_batch_file() -> None:
    extensions = [e for f in FORMATS.values() for e in f.extensions]
    assert len(extensions) == len(set(extensions))
    for entry in FORMATS.values():
        assert format_for_path(Path(entry.file_name)) is entry
    # the workout formats write a file per session into the batch's workouts/ instead
    views = {n: f.file_name for n, f in FORMATS.items() if n != "json" and f.files is None}
    assert views == VIEW_FILES


def test_write_atomically_writes_text_and_bytes(tmp_path: Path) -> None:
    text_file, binary_file = tmp_path / "deep" / "a.md", tmp_path / "b.fit"
    write_atomically(text_file, "é\r\n")
    write_atomically(binary_file, b"\x00\x01")
    assert text_file.read_bytes() == "é\r\n".encode()
    assert binary_file.read_bytes() == b"\x00\x01"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old", encoding="utf-8")

    def full_disk(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
