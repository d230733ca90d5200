"""What a user installs: the wheel carries the shipped scenarios (for `periodize
example`), the view templates, ``python -m periodize`` and the licence; the service and
Dask are optional extras, not dependencies of every install."""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SCENARIOS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel (hatchling, already installed by the dev extra)."""
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip, "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("periodize-*.whl")
    return built


def test_the_wheel_carries_scenarios_templates_and_licence(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"periodize/scenarios/{path.name}" for path in SCENARIOS.glob("*.yaml")}
    assert shipped
    assert shipped <= names
    assert "periodize/__main__.py" in names
    assert "periodize/views/templates/report.html.j2" in names
    assert "periodize/views/templates/coach/solve.html.j2" in names
    assert "periodize/catalogue.yaml" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_service_and_cluster_are_extras(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (metadata_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = email.message_from_bytes(archive.read(metadata_name))
    requires = metadata.get_all("Requires-Dist") or []
    always = {r.split(">")[0].split(";")[0].strip().lower() for r in requires if ";" not in r}
    assert always == {"click", "icalendar", "jinja2", "ortools", "pydantic", "pyyaml", "rich"}
    assert {"service", "cluster"} <= set(metadata.get_all("Provides-Extra") or [])
    assert metadata["License-Expression"] == "MIT"


def test_an_installed_wheel_finds_its_scenarios(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
        "from periodize.examples import examples_folder, example_names\n"
        "print(examples_folder()); print(len(example_names()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    folder, count = result.stdout.split()
    assert Path(folder) == tmp_path / "periodize" / "scenarios"
    assert int(count) == len(list(SCENARIOS.glob("*.yaml")))
