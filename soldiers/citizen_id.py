"""The citizen ID (CCCD, DESIGN.md §8).

12 digits: the 3-digit province of birth registration (one of the 63 pre-2025 codes), 1 digit for
gender and century, the last 2 digits of the birth year, 6 more digits. There is no check digit.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from django.utils.translation import gettext as _
from vietnam_provinces import legacy

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
MALE, FEMALE = "male", "female"
# Gender-and-century digit: even for men, odd for women; 0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s.
CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100}


@cache
def pre_2025_province_codes() -> frozenset[int]:
    return frozenset(int(p.code) for p in legacy.Province.iter_all())


def normalise(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def problems(citizen_id: str, *, birth_date: dt.date | None, gender: str | None) -> list[str]:
    """Every way `citizen_id` breaks the rules or disagrees with the birth date and gender."""
    if not CITIZEN_ID_RE.match(citizen_id):
        return [_("The citizen ID must be exactly 12 digits.")]
    errors = []
    if int(citizen_id[:3]) not in pre_2025_province_codes():
        errors.append(
            _("The citizen ID starts with %(code)s, which is not a province code.")
            % {"code": citizen_id[:3]}
        )
    digit = int(citizen_id[3])
    if digit not in CENTURY_BY_DIGIT:
        errors.append(_("The fourth digit of the citizen ID (gender and century) must be 0 to 5."))
        return errors
    if gender and (MALE if digit % 2 == 0 else FEMALE) != gender:
        errors.append(_("The fourth digit of the citizen ID does not match the gender."))
    if birth_date:
        year = CENTURY_BY_DIGIT[digit] + int(citizen_id[4:6])
        if year != birth_date.year:
            errors.append(
                _("The citizen ID says born in %(id_year)s, but the date of birth is in %(year)s.")
                % {"id_year": year, "year": birth_date.year}
            )
    return errors


def mask(citizen_id: str) -> str:
    """Show only the last four digits, as lists and files must (Nghị định 356/2025)."""
    return f"{'*' * 8}{citizen_id[-4:]}" if citizen_id else ""
