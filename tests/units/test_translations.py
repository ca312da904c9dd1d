from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_interface_string_has_a_vietnamese_translation() -> None:
    catalogue = polib.pofile(str(PO))

    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    compiled = gettext.GNUTranslations(MO.open("rb"))

    for entry in polib.pofile(str(PO)).translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr


def test_no_interface_string_is_missing_from_the_catalogue(monkeypatch) -> None:
    """makemessages finds no string the catalogue lacks (`make messages` adds them)."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed")
    from django.core.management import call_command

    original = PO.read_bytes()
    known = {e.msgid for e in polib.pofile(str(PO))}
    monkeypatch.chdir(ROOT)
    try:
        call_command(
            "makemessages", locale=["vi"], ignore_patterns=[".venv/*", "tests/*"], verbosity=0
        )
        fresh = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    finally:
        PO.write_bytes(original)

    assert fresh - known == set()
