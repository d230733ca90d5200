"""The scenarios shipped with periodize, as starting points for one's own
(``periodize example``).

They are the files of the repository's ``scenarios/`` folder; the wheel carries them as
``periodize/scenarios/`` (pyproject.toml), and a source checkout reads the folder itself.
Each file opens with comment lines that say who the athlete is.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from periodize.errors import InputError


def examples_folder() -> Path:
    """Where the shipped scenarios are: inside the installed package, else the source
    checkout's ``scenarios/``."""
    packaged = Path(str(resources.files("periodize"))) / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"


def example_names() -> list[str]:
    """The shipped scenarios' names (file names without ``.yaml``), sorted."""
    return sorted(path.stem for path in examples_folder().glob("*.yaml"))


def example_text(name: str) -> str:
    """The text of the shipped scenario ``name``; an `InputError` naming the known ones
    (and the closest) otherwise."""
    names = example_names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise InputError(
            f"no shipped scenario is called {name!r}: {hint}`periodize example` lists them"
        )
    return (examples_folder() / f"{name}.yaml").read_text(encoding="utf-8")


def example_summary(text: str) -> str:
    """Who the scenario is about: the first sentence of its opening comment."""
    comment: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    words = " ".join(comment)
    sentence, dot, _ = words.partition(". ")
    return sentence + ("." if dot else "")
