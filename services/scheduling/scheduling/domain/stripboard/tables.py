"""Byte-chunked lookup tables: sums and unions over bitmasks in a few list lookups."""

from __future__ import annotations

from collections.abc import Callable, Sequence

CHUNK = 8
_SIZE = 1 << CHUNK
_LOW = _SIZE - 1


def _chunk_tables(values: Sequence[int], combine: Callable[[int, int], int]) -> list[list[int]]:
    tables: list[list[int]] = []
    for base in range(0, max(len(values), 1), CHUNK):
        part = values[base : base + CHUNK]
        table = [0] * _SIZE
        for m in range(1, _SIZE):
            low = m & -m
            i = low.bit_length() - 1
            table[m] = combine(table[m ^ low], part[i] if i < len(part) else 0)
        tables.append(table)
    return tables


def sum_over(values: Sequence[int]) -> Callable[[int], int]:
    """A function mask -> sum of values[i] for each set bit i."""
    tables = _chunk_tables(values, lambda a, b: a + b)
    if len(tables) == 1:
        t0 = tables[0]
        return lambda m: t0[m]
    if len(tables) == 2:
        t0, t1 = tables
        return lambda m: t0[m & _LOW] + t1[m >> CHUNK]
    if len(tables) == 3:
        t0, t1, t2 = tables
        return lambda m: t0[m & _LOW] + t1[(m >> 8) & _LOW] + t2[m >> 16]
    if len(tables) == 4:
        t0, t1, t2, t3 = tables
        return lambda m: t0[m & _LOW] + t1[(m >> 8) & _LOW] + t2[(m >> 16) & _LOW] + t3[m >> 24]

    def general(m: int) -> int:
        total = 0
        for table in tables:
            total += table[m & _LOW]
            m >>= CHUNK
        return total

    return general


def union_over(values: Sequence[int]) -> Callable[[int], int]:
    """A function mask -> bitwise OR of values[i] for each set bit i."""
    tables = _chunk_tables(values, lambda a, b: a | b)
    if len(tables) == 1:
        t0 = tables[0]
        return lambda m: t0[m]
    if len(tables) == 2:
        t0, t1 = tables
        return lambda m: t0[m & _LOW] | t1[m >> CHUNK]
    if len(tables) == 3:
        t0, t1, t2 = tables
        return lambda m: t0[m & _LOW] | t1[(m >> 8) & _LOW] | t2[m >> 16]
    if len(tables) == 4:
        t0, t1, t2, t3 = tables
        return lambda m: t0[m & _LOW] | t1[(m >> 8) & _LOW] | t2[(m >> 16) & _LOW] | t3[m >> 24]

    def general(m: int) -> int:
        total = 0
        for table in tables:
            total |= table[m & _LOW]
            m >>= CHUNK
        return total

    return general


def bits(mask: int) -> list[int]:
    """Indices of the set bits, lowest first."""
    out: list[int] = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
