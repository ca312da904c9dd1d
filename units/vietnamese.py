"""Vietnamese alphabetical order (DESIGN.md §9) as a plain sort key, so that SQLite and PostgreSQL
sort names the same way with an ordinary index: a ă â b c d đ e ê … o ô ơ … u ư …, tones second."""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tones compare only when the letters are equal: ngang, huyền, hỏi, ngã, sắc, nặng.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_PRIMARY = {letter: f"{index + 10:02d}" for index, letter in enumerate(ALPHABET)}
_SEPARATOR = "00"
_OTHER = "99"


def _letters(text: str) -> list[tuple[str, int]]:
    """Each base letter (with its breve, circumflex or horn kept) and its tone number."""
    result: list[tuple[str, int]] = []
    for char in text.lower():
        decomposed = unicodedata.normalize("NFD", char)
        tone = next((TONES[mark] for mark in decomposed if mark in TONES), 0)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in TONES))
        result.append((base, tone))
    return result


def _key(text: str) -> str:
    letters = _letters(" ".join(text.split()))
    primary = "".join(
        _SEPARATOR if base == " " else _PRIMARY.get(base, _OTHER) for base, _ in letters
    )
    secondary = "".join(str(tone) for _, tone in letters)
    return primary + _SEPARATOR + secondary


def given_name(full_name: str) -> str:
    """The given name is the last word of Họ và tên."""
    words = full_name.split()
    return words[-1] if words else ""


def name_sort_key(full_name: str) -> str:
    """By given name, then by the whole name, in Vietnamese letter order."""
    return _key(given_name(full_name)) + _SEPARATOR + _key(full_name)
