"""What the holidays package knows, read from its text: the real package decides what is right."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import holidays
import pytest
from holidays.registry import COUNTRIES, EntityLoader

from agent.core import holiday_package
from agent.core.holiday_package import (
    Subdivisions,
    loaded_subdivisions,
    parse_registry,
    parse_subdivisions,
    read_subdivisions,
)

PACKAGE = Path(holidays.__file__).parent
REGISTRY = (PACKAGE / "registry.py").read_text(encoding="utf-8")
COUNTRY_CLASSES = {names[0] for names in COUNTRIES.values()}
# the places most users live in: their regions must come from the text, not an import
COMMON = ("US", "GB", "DE", "CA", "AU", "FR", "ES", "IT", "CH", "BR", "IN", "MX", "NL", "NZ")


def test_the_country_codes_are_the_packages_own() -> None:
    real = frozenset(EntityLoader.get_country_codes(include_aliases=True))
    assert holiday_package.country_codes() == real
    assert {"US", "USA", "GB", "UK", "DE"} <= real


def test_the_registry_read_from_text_is_the_packages_table() -> None:
    entries = parse_registry(REGISTRY)
    assert entries is not None
    assert {m: (c, *re.findall(r'"(\w+)"', codes)) for m, c, codes in entries} == COUNTRIES


@pytest.mark.parametrize(
    "change",
    [
        ('"germany": ("Germany", "DE", "DEU"),', '"germany": ("Germany", *GERMAN_CODES),'),
        ('"germany": ("Germany", "DE", "DEU"),', '"germany": ("Germany", "DE", "DEU"),  # note'),
        ('"germany": ("Germany", "DE", "DEU"),', '"germany": ("Germany", "D\\u0045", "DEU"),'),
        ("COUNTRIES: RegistryDict = {", "COUNTRIES: RegistryDict = dict(**{"),
        ("COUNTRIES", "ENTITIES"),
    ],
)
def test_a_registry_of_another_shape_is_not_guessed_at(change: tuple[str, str]) -> None:
    assert change[0] in REGISTRY
    assert parse_registry(REGISTRY.replace(change[0], change[1], 1)) is None


def test_an_unrecognised_registry_falls_back_to_the_package(monkeypatch) -> None:
    monkeypatch.setattr(holiday_package, "_registry", lambda: None)
    codes = holiday_package.country_codes.__wrapped__()
    assert codes == frozenset(EntityLoader.get_country_codes(include_aliases=True))
    assert holiday_package.module_of("DE") == ("germany", "Germany")


def real_subdivisions(code: str) -> Subdivisions:
    """What the package's own class says (the formula HolidayBase checks `subdiv` against)."""
    entity = getattr(holidays, code)
    parent = entity.parent_entity.subdivisions if entity.parent_entity else ()
    return Subdivisions(
        tuple(entity.subdivisions),
        dict(entity.subdivisions_aliases),
        (*entity._deprecated_subdivisions, *parent),
    )


@pytest.mark.parametrize("module", sorted(COUNTRIES))
def test_subdivisions_read_from_text_are_the_packages_or_none(module: str) -> None:
    code = COUNTRIES[module][1]
    read = read_subdivisions(code)
    real = real_subdivisions(code)
    assert loaded_subdivisions(code) == real
    if read is None:  # not plain text (e.g. a parent entity): the callers load the module
        return
    assert read == real
    entity = getattr(holidays, code)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in sorted(read.accepted()):
            assert entity(subdiv=name).subdiv == name  # the package accepts each one


def test_common_countries_are_read_from_text() -> None:
    assert [c for c in COMMON if read_subdivisions(c) is None] == []


TEXT = '''
class Freedonia(HolidayBase, ChristianHolidays):
    """Freedonia."""

    country = "FD"
    subdivisions = (
        "N",  # North, "the cold one"
        "S",
    )
    subdivisions_aliases = {"North": "N", "South": "S"}

    def _populate(self, year):
        subdivisions = ("X",)


class FD(Freedonia):
    pass
'''


def test_a_plain_class_is_read() -> None:
    read = parse_subdivisions(TEXT, "Freedonia", {"Freedonia"})
    assert read == Subdivisions(("N", "S"), {"North": "N", "South": "S"}, ())
    assert read.spelling(" north ") == "N"
    assert read.spelling("s") == "S"
    assert read.spelling("East") is None


@pytest.mark.parametrize(
    "change",
    [
        ("(HolidayBase, ChristianHolidays)", "(Sylvania)"),  # derives from another country
        ('    country = "FD"', "    parent_entity = Sylvania"),
        ('        "S",\n', "        *SOUTH,\n"),
        ('{"North": "N", "South": "S"}', "dict(NORTH)"),
        ('    country = "FD"', '    subdivisions = ("Z",)'),  # set twice
        ('    country = "FD"', "    subdivisions_extra = ()"),
        ('"North"', "'North'"),
    ],
)
def test_a_class_of_another_shape_is_not_guessed_at(change: tuple[str, str]) -> None:
    assert change[0] in TEXT
    text = TEXT.replace(change[0], change[1], 1)
    assert parse_subdivisions(text, "Freedonia", {"Sylvania"}) is None


def test_a_country_not_read_from_text_is_asked_of_its_module() -> None:
    assert read_subdivisions("PR") is None  # Puerto Rico: the United States are its parent
    assert holiday_package.subdivisions("PR") == real_subdivisions("PR")
    with pytest.raises(NotImplementedError):
        holiday_package.subdivisions("XX")


def fake_package(root: Path, version: str) -> Path:
    """A site-packages dir with a holidays package of a version; returns the package dir."""
    for old in root.glob("holidays-*.dist-info"):
        old.rmdir()
    (root / f"holidays-{version}.dist-info").mkdir()
    package = root / "holidays"
    package.mkdir(exist_ok=True)
    (package / "registry.py").write_text(REGISTRY)
    return package


def test_the_release_marker_changes_with_the_installed_release(tmp_path, monkeypatch) -> None:
    package = fake_package(tmp_path, "0.90")
    monkeypatch.setattr(holiday_package, "package_dir", lambda: package)
    marker = holiday_package.release_marker.__wrapped__
    first = marker()
    assert "0.90" in first
    assert marker() == first  # nothing changed: the same
    fake_package(tmp_path, "0.91")
    os.utime(package / "registry.py", ns=(0, 0))
    assert "0.91" in marker() and marker() != first
    newer = marker()
    (package / "registry.py").write_text(REGISTRY + "\n")  # the same version edited in place
    assert marker() != newer


def test_reading_the_package_imports_none_of_it() -> None:
    probe = (
        "import sys\n"
        "from agent.core import holiday_package as h\n"
        "assert 'US' in h.country_codes() and h.subdivisions('US').spelling('ca') == 'CA'\n"
        "assert h.release_marker()\n"
        "print(sorted(m for m in sys.modules if m.startswith('holidays')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
