"""Effective-dated rule data: loaded once from the package's TOML files and validated.

Every rate, threshold and percentage the engine uses lives in `payroll/domain/data/*.toml` with
its effective dates, citation, source URL and a confirmed/unconfirmed mark. Nothing here knows a
number; rule modules ask the book for values by key and date.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, Literal

SourceKind = Literal["jurisdiction", "agreement"]

_URL = re.compile(r"^https?://\S+$")
_PERIOD = re.compile(r"^P(\d+)([DMY])$")


class RuleDataError(ValueError):
    """The packaged rule data is malformed; raised at load, never during a calculation."""


@dataclass(frozen=True, slots=True)
class RuleValue:
    """One effective-dated value of one rule in one jurisdiction or agreement."""

    scope: str
    key: str
    value: Decimal | None
    effective_from: date
    effective_to: date | None
    cite: str
    source: str
    confirmed: bool
    note: str = ""
    citation: str = ""
    """`scope cite`, filled in at load."""

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class AgePeriod:
    """An age as an ISO-8601 period of whole days, months or years (P15D, P6M, P2Y)."""

    amount: int
    unit: Literal["D", "M", "Y"]

    def reached(self, birth: date, on: date) -> bool:
        """Whether someone born on `birth` has reached this age on `on`."""
        if self.unit == "D":
            return (on - birth).days >= self.amount
        months = self.amount * (12 if self.unit == "Y" else 1)
        total = birth.year * 12 + birth.month - 1 + months
        year, month = divmod(total, 12)
        month += 1
        # A birthday on a day the target month lacks (29 Feb, 31st) is reached on the next day.
        try:
            anniversary = date(year, month, birth.day)
        except ValueError:
            anniversary = date(year + (month == 12), month % 12 + 1, 1)
        return on >= anniversary


@dataclass(frozen=True, slots=True)
class MinorBand:
    """8 CCR §11760 limits for one age band."""

    scope: str
    from_age: AgePeriod
    to_age: AgePeriod
    max_at_place_minutes: int
    max_work_minutes_school: int
    max_work_minutes_no_school: int
    effective_from: date
    effective_to: date | None
    cite: str
    source: str
    confirmed: bool

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def label(self) -> str:
        """The band as ISO-8601 ages, e.g. "P9Y/P16Y": what may leave payroll in an event
        (legal's compliance check needs the band, never the birth date)."""
        return (
            f"P{self.from_age.amount}{self.from_age.unit}/P{self.to_age.amount}{self.to_age.unit}"
        )


@dataclass(frozen=True, slots=True)
class RuleSource:
    """One data file: a jurisdiction (with an optional parent) or an agreement."""

    id: str
    kind: SourceKind
    name: str
    module: str | None
    parent: str | None
    rules: Mapping[str, tuple[RuleValue, ...]]
    minor_bands: tuple[MinorBand, ...] = ()

    def entries(self, key: str) -> tuple[RuleValue, ...]:
        return self.rules.get(key, ())


@dataclass(frozen=True, slots=True)
class RuleBook:
    """All rule sources by id, with effective-dated lookups that follow parent jurisdictions."""

    sources: Mapping[str, RuleSource]
    _memo: dict[tuple[str, str, date], RuleValue | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    derived: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)
    """A cache for values rule modules derive from the book (keyed by the module)."""

    def jurisdictions(self) -> list[str]:
        return sorted(s.id for s in self.sources.values() if s.kind == "jurisdiction")

    def agreements(self) -> list[str]:
        return sorted(s.id for s in self.sources.values() if s.kind == "agreement")

    def chain(self, scope: str) -> list[RuleSource]:
        """The source and its parents, most local first."""
        out: list[RuleSource] = []
        current: str | None = scope
        while current is not None:
            src = self.sources[current]
            out.append(src)
            current = src.parent
        return out

    def find(self, scope: str, key: str, on: date) -> RuleValue | None:
        """The entry in force on `on` for `key`, from the most local source that defines the key."""
        memo_key = (scope, key, on)
        try:
            return self._memo[memo_key]
        except KeyError:
            pass
        found: RuleValue | None = None
        for src in self.chain(scope):
            entries = src.entries(key)
            if entries:
                found = next((e for e in entries if e.covers(on)), None)
                break
        self._memo[memo_key] = found
        return found

    def get(self, scope: str, key: str, on: date) -> RuleValue:
        """Like `find`, but the key must be in force (a gap in the data is a data error)."""
        found = self.find(scope, key, on)
        if found is None:
            raise RuleDataError(f"{scope}: no '{key}' in force on {on.isoformat()}")
        return found

    def each_level(self, scope: str, key: str, on: date) -> list[tuple[str, RuleValue | None]]:
        """For every source in the chain that defines `key`: the entry in force on `on`, if any."""
        return [
            (src.id, next((e for e in src.entries(key) if e.covers(on)), None))
            for src in self.chain(scope)
            if src.entries(key)
        ]

    def latest_before(self, scope: str, key: str, on: date) -> RuleValue | None:
        """The last entry with a value that took effect before `on` in `scope` itself."""
        src = self.sources[scope]
        known = [e for e in src.entries(key) if e.value is not None and e.effective_from < on]
        return max(known, key=lambda e: e.effective_from, default=None)

    def minor_bands(self, scope: str, on: date) -> tuple[MinorBand, ...]:
        for src in self.chain(scope):
            if src.minor_bands:
                return tuple(b for b in src.minor_bands if b.covers(on))
        return ()

    def age_band(self, scope: str, birth: date, on: date) -> MinorBand | None:
        """The 8 CCR §11760 band someone born on `birth` is in on `on`; None for an adult or a
        child younger than the first band (too young to be employed)."""
        return next(
            (
                b
                for b in self.minor_bands(scope, on)
                if b.from_age.reached(birth, on) and not b.to_age.reached(birth, on)
            ),
            None,
        )


# ---------------------------------------------------------------------------------------------
# Loading and validation


def _req(table: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if name not in table:
        raise RuleDataError(f"{where}: missing '{name}'")
    value = table[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RuleDataError(f"{where}: '{name}' has the wrong type ({type(value).__name__})")
    return value


def _opt_date(table: Mapping[str, Any], name: str, where: str) -> date | None:
    value = table.get(name)
    if value is None:
        return None
    if not isinstance(value, date):
        raise RuleDataError(f"{where}: '{name}' must be a TOML date")
    return value


def _source_url(table: Mapping[str, Any], where: str) -> str:
    url: str = _req(table, "source", str, where)
    if not _URL.match(url):
        raise RuleDataError(f"{where}: 'source' must be an http(s) URL")
    return url


def _period(text: str, where: str) -> AgePeriod:
    m = _PERIOD.match(text)
    if not m:
        raise RuleDataError(f"{where}: age '{text}' must look like P15D, P6M or P2Y")
    unit = m.group(2)
    assert unit in ("D", "M", "Y")
    return AgePeriod(int(m.group(1)), unit)  # type: ignore[arg-type]


def _rule(scope: str, raw: Mapping[str, Any], where: str) -> RuleValue:
    key: str = _req(raw, "key", str, where)
    confirmed: bool = _req(raw, "confirmed", bool, where)
    text = raw.get("value")
    value: Decimal | None
    if text is None:
        if confirmed:
            raise RuleDataError(f"{where} ({key}): a confirmed rule must have a value")
        value = None
    else:
        if not isinstance(text, str):
            raise RuleDataError(f"{where} ({key}): 'value' must be a decimal string")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise RuleDataError(f"{where} ({key}): '{text}' is not a decimal") from exc
        if not value.is_finite() or value < 0:
            raise RuleDataError(f"{where} ({key}): '{text}' must be a finite, non-negative number")
    start = _opt_date(raw, "effective_from", where)
    if start is None:
        raise RuleDataError(f"{where} ({key}): missing 'effective_from'")
    end = _opt_date(raw, "effective_to", where)
    if end is not None and end < start:
        raise RuleDataError(f"{where} ({key}): effective_to is before effective_from")
    cite: str = _req(raw, "cite", str, where)
    return RuleValue(
        scope=scope,
        key=key,
        value=value,
        effective_from=start,
        effective_to=end,
        cite=cite,
        source=_source_url(raw, where),
        confirmed=confirmed,
        note=raw.get("note", ""),
        citation=f"{scope} {cite}",
    )


def _band(scope: str, raw: Mapping[str, Any], where: str) -> MinorBand:
    start = _opt_date(raw, "effective_from", where)
    if start is None:
        raise RuleDataError(f"{where}: missing 'effective_from'")
    return MinorBand(
        scope=scope,
        from_age=_period(_req(raw, "from_age", str, where), where),
        to_age=_period(_req(raw, "to_age", str, where), where),
        max_at_place_minutes=_req(raw, "max_at_place_minutes", int, where),
        max_work_minutes_school=_req(raw, "max_work_minutes_school", int, where),
        max_work_minutes_no_school=_req(raw, "max_work_minutes_no_school", int, where),
        effective_from=start,
        effective_to=_opt_date(raw, "effective_to", where),
        cite=_req(raw, "cite", str, where),
        source=_source_url(raw, where),
        confirmed=_req(raw, "confirmed", bool, where),
    )


def _check_no_overlap(scope: str, key: str, entries: list[RuleValue]) -> tuple[RuleValue, ...]:
    ordered = sorted(entries, key=lambda e: e.effective_from)
    for before, after in itertools.pairwise(ordered):
        if before.effective_to is None or before.effective_to >= after.effective_from:
            raise RuleDataError(
                f"{scope} ({key}): periods from {before.effective_from} and "
                f"{after.effective_from} overlap"
            )
    return tuple(ordered)


def parse_source(raw: Mapping[str, Any], where: str) -> RuleSource:
    """Validate one decoded TOML document into a `RuleSource`."""
    sid: str = _req(raw, "id", str, where)
    kind = _req(raw, "kind", str, where)
    if kind not in ("jurisdiction", "agreement"):
        raise RuleDataError(f"{where}: kind must be 'jurisdiction' or 'agreement'")
    by_key: dict[str, list[RuleValue]] = {}
    for i, item in enumerate(raw.get("rules", [])):
        rule = _rule(sid, item, f"{where} rules[{i}]")
        by_key.setdefault(rule.key, []).append(rule)
    rules = {k: _check_no_overlap(sid, k, v) for k, v in by_key.items()}
    bands = tuple(
        _band(sid, item, f"{where} minor_bands[{i}]")
        for i, item in enumerate(raw.get("minor_bands", []))
    )
    for before, after in itertools.pairwise(bands):
        if before.to_age != after.from_age or before.effective_from != after.effective_from:
            raise RuleDataError(f"{where}: minor_bands must be contiguous, youngest first")
    parent = raw.get("parent")
    module = raw.get("module")
    if parent is None and module is None:
        raise RuleDataError(f"{where}: a top-level source needs a rule 'module'")
    return RuleSource(
        id=sid,
        kind=kind,
        name=_req(raw, "name", str, where),
        module=module,
        parent=parent,
        rules=rules,
        minor_bands=bands,
    )


def build_rulebook(sources: Iterable[RuleSource]) -> RuleBook:
    """Index sources by id and check that every parent exists and there are no cycles."""
    by_id: dict[str, RuleSource] = {}
    for src in sources:
        if src.id in by_id:
            raise RuleDataError(f"duplicate rule source '{src.id}'")
        by_id[src.id] = src
    for src in by_id.values():
        seen = {src.id}
        parent = src.parent
        while parent is not None:
            if parent not in by_id:
                raise RuleDataError(f"{src.id}: unknown parent '{parent}'")
            if parent in seen:
                raise RuleDataError(f"{src.id}: parent cycle")
            seen.add(parent)
            parent = by_id[parent].parent
    return RuleBook(sources=by_id)


@cache
def load_rulebook() -> RuleBook:
    """Read and validate every `data/*.toml` shipped in this package (once per process)."""
    folder = resources.files("payroll.domain").joinpath("data")
    sources = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            raw = tomllib.loads(entry.read_text(encoding="utf-8"))
            sources.append(parse_source(raw, entry.name))
    return build_rulebook(sources)
