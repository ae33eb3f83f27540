"""What the installed holidays package knows, read from its source files without importing it.

Importing the package costs more than a whole idle tick's own work, and its `country_holidays`
loads all ~250 country modules. Its registry and country classes are plain literals, so the
country codes, a country's subdivisions and a marker of the installed release are read from the
text here; when a file's shape is not recognised the callers ask the package itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

_STR = r'"[^"\\\n]*"'  # a plain double-quoted literal (no escapes: anything else is unrecognised)
_WS = r"(?:\s|#[^\n]*)*"  # whitespace and comments
_TABLE = re.compile(r"\nCOUNTRIES(?:[ \t]*:[^=\n]*)?[ \t]*=[ \t]*\{\n(.*?)\n\}", re.S)
# the whole table is entries of plain words: "module": ("Class", "AA", "AAA", ...),
_ENTRIES = re.compile(r'(?:\s*"\w+":\s*\((?:\s*"\w+",)*\s*"\w+",?\s*\),)*\s*')
_ENTRY = re.compile(r'"(\w+)":\s*\(\s*"(\w+)",([^()]*)\)')
_TUPLE = rf"\(((?:{_WS}{_STR}{_WS},)*(?:{_WS}{_STR})?{_WS})\)"
_DICT = rf"\{{((?:{_WS}{_STR}{_WS}:{_WS}{_STR}{_WS},)*(?:{_WS}{_STR}{_WS}:{_WS}{_STR})?{_WS})\}}"
# class-level assignments that bear on which subdivisions a country accepts
_SUBDIV_ATTR = re.compile(r"\n    (\w*subdivision\w*|parent_entity\w*)[ \t]*(?::[^=\n]*)?=[ \t]*")
_FORMS = {"subdivisions": _TUPLE, "_deprecated_subdivisions": _TUPLE, "subdivisions_aliases": _DICT}


class UnknownPlace(NotImplementedError):
    """A country or region the installed holidays package does not know.

    A subclass of the error the package itself raises for one, so callers catch one thing.
    """


def _strings(text: str) -> list[str]:
    """The string literals of a matched tuple or dict body, in order (comments skipped)."""
    return [t[1:-1] for t in re.findall(rf"{_STR}|#[^\n]*", text) if t.startswith('"')]


@cache
def package_dir() -> Path | None:
    """The holidays package's directory, found without importing it; None when not installed."""
    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin).parent if spec and spec.origin else None


def _read(relative: str) -> str | None:
    """One source file of the package as text, or None."""
    home = package_dir()
    try:
        return (home / relative).read_text(encoding="utf-8") if home else None
    except (OSError, UnicodeDecodeError):
        return None


Entry = tuple[str, str, str]  # (module, class name, the codes as written: '"US", "USA"')


def parse_registry(text: str) -> list[Entry] | None:
    """registry.py's COUNTRIES table as entries; None when its shape is not recognised."""
    table = _TABLE.search(text)
    if table is None or _ENTRIES.fullmatch(table[1]) is None:
        return None
    return _ENTRY.findall(table[1]) or None


@cache
def _registry() -> list[Entry] | None:
    """The installed package's COUNTRIES table, read from its text; None if not recognised."""
    text = _read("registry.py")
    return None if text is None else parse_registry(text)


def codes_of(entries: list[Entry]) -> frozenset[str]:
    """Every country code and alias of the entries, as the package's EntityLoader lists them."""
    words = re.findall(r'"(\w+)"', ",".join(codes for _, _, codes in entries))
    return frozenset(c for c in words if 2 <= len(c) <= 3)


@cache
def country_codes() -> frozenset[str]:
    """Every country code and alias the installed package accepts."""
    entries = _registry()
    if entries is not None:
        return codes_of(entries)
    from holidays.registry import EntityLoader

    return frozenset(EntityLoader.get_country_codes(include_aliases=True))


def module_of(country: str) -> tuple[str, str] | None:
    """(module, class name) of a country code or alias; None for an unknown one."""
    entries = _registry()
    if entries is not None:
        if not re.fullmatch(r"\w+", country):
            return None
        return next(((m, c) for m, c, codes in entries if f'"{country}"' in codes), None)
    from holidays.registry import COUNTRIES

    return next(((m, n[0]) for m, n in COUNTRIES.items() if country in n[1:]), None)


class Subdivisions(NamedTuple):
    """A country's regions: ISO codes, aliases (alias -> code), and others also accepted.

    Others: deprecated names, and the codes of a parent entity (e.g. France's for Reunion).
    """

    codes: tuple[str, ...]
    aliases: dict[str, str]
    others: tuple[str, ...]

    def accepted(self) -> frozenset[str]:
        """Every spelling the package accepts as `subdiv` (exactly, case-sensitively)."""
        return frozenset((*self.codes, *self.aliases, *self.others))

    def spelling(self, value: str) -> str | None:
        """The package's spelling of a region (an alias gives its code); None if unknown."""
        value = value.strip()
        if value in self.accepted():
            return self.aliases.get(value, value)
        wanted = value.upper()
        for name in (*self.codes, *self.aliases, *self.others):
            if name.upper() == wanted:
                return self.aliases.get(name, name)
        return None


def parse_subdivisions(text: str, class_name: str, countries: set[str]) -> Subdivisions | None:
    """One country class's regions from its module's text; None if the shape is not plain.

    Plain: the class derives from no other country (`countries`: their class names), has no
    parent entity, and sets its subdivisions, aliases and deprecated codes (each optional,
    each once up to the module's next class) as literal tuples and dicts.
    """
    head = re.search(rf"^class {re.escape(class_name)}\(([^)]*)\):[ \t]*\n", text, re.M)
    if head is None:
        return None
    bases = [b.strip() for b in head[1].split(",") if b.strip()]
    if any(b in countries or not b.endswith(("Holidays", "HolidayBase")) for b in bases):
        return None
    end = text.find("\nclass ", head.end())  # up to the module's next class
    body = text[head.end() - 1:end if end >= 0 else len(text)]
    found: dict[str, list[str]] = {}
    for attr in _SUBDIV_ATTR.finditer(body):
        form = _FORMS.get(attr[1])
        value = re.compile(form).match(body, attr.end()) if form else None
        if value is None or attr[1] in found:
            return None
        found[attr[1]] = _strings(value[1])
    pairs = found.get("subdivisions_aliases", [])
    return Subdivisions(
        codes=tuple(found.get("subdivisions", ())),
        aliases=dict(zip(pairs[::2], pairs[1::2], strict=True)),
        others=tuple(found.get("_deprecated_subdivisions", ())),
    )


def read_subdivisions(country: str) -> Subdivisions | None:
    """A country's regions read from its module's text; None if unknown or not recognised."""
    entries, where = _registry(), module_of(country)
    if entries is None or where is None:
        return None
    text = _read(f"countries/{where[0]}.py")
    if text is None:
        return None
    return parse_subdivisions(text, where[1], {c for _, c, _ in entries})


def loaded_subdivisions(country: str) -> Subdivisions:
    """A country's regions as its class has them (loads that country's module alone)."""
    entity = entity_class(country)
    parent = entity.parent_entity.subdivisions if entity.parent_entity else ()
    return Subdivisions(
        codes=tuple(entity.subdivisions),
        aliases=dict(entity.subdivisions_aliases),
        others=(*entity._deprecated_subdivisions, *parent),
    )


@cache
def subdivisions(country: str) -> Subdivisions:
    """A country's regions, from the text or else the class; UnknownPlace if unknown."""
    return read_subdivisions(country) or loaded_subdivisions(country)


def entity_class(country: str) -> Any:
    """The package's class for one country, loading that country's module alone if it can.

    `holidays.country_holidays` imports `holidays.countries`, whose __init__ loads all
    ~250 country modules; a module that imports another country's (e.g. Reunion: France's)
    is loaded that way, the others alone. UnknownPlace for an unknown country.
    """
    import holidays

    where = module_of(country)
    if where is None:
        raise UnknownPlace(f"Country {country} not available")
    full = f"holidays.countries.{where[0]}"
    module = sys.modules.get(full)
    if module is None:
        path = Path(holidays.__file__).parent / "countries" / f"{where[0]}.py"
        alone = "holidays.countries" not in (_read(f"countries/{where[0]}.py") or "holidays.")
        spec = importlib.util.spec_from_file_location(full, path) if alone else None
        if spec is None or spec.loader is None:
            module = importlib.import_module(full)
        else:
            module = importlib.util.module_from_spec(spec)
            sys.modules[full] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[full]
                raise
    return getattr(module, where[1])


@cache
def release_marker() -> str:
    """Something that changes when another holidays release is installed (cheap: no import).

    The name of the package's .dist-info directory (it holds the version) and the size and
    modification time of its registry.py; "" when the package is not found.
    """
    home = package_dir()
    if home is None:
        return ""
    parts = []
    try:
        with os.scandir(home.parent) as entries:
            parts = sorted(e.name for e in entries
                           if e.name.lower().startswith("holidays-") and e.name.endswith("-info"))
        stat = (home / "registry.py").stat()
        parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    except OSError:
        parts.append("unreadable")
    return "|".join(parts)
