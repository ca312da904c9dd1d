"""Service-time arithmetic (DESIGN.md §3).

Month N of service starts N-1 whole months after enlistment. A month added to the 31st lands on
the last day of a shorter month (31/01 + 1 month = 28/02, or 29/02 in a leap year).
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(enlisted: dt.date, month: int) -> dt.date:
    """The first day of month `month` (1-based) of service."""
    return add_months(enlisted, month - 1)


def month_of_service(enlisted: dt.date, on: dt.date) -> int:
    """Which month of service `on` falls in: 1 on the enlistment day, 0 before it."""
    if on < enlisted:
        return 0
    whole = (on.year - enlisted.year) * 12 + (on.month - enlisted.month)
    if add_months(enlisted, whole) > on:
        whole -= 1
    return whole + 1


def latest_enlistment_for_month(month: int, on: dt.date) -> dt.date:
    """The latest enlistment date whose month `month` has started by `on`.

    Lets a query ask "who is at month 15 or later today" as `enlistment_date <= this`.
    """
    back = add_months(on, -(month - 1))
    if on.day == calendar.monthrange(on.year, on.month)[1]:
        # On the last day of a month every enlistment day of the target month has reached it.
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back
