"""What the journeys read off a page as a user reads it, for pages that several journeys read."""

from __future__ import annotations

from dataclasses import dataclass

from tests.browser.conftest import Journey

# The three figures of the dashboard, each card showing numerator / denominator (reports.targets).
FIGURES = {
    "counselled": ("counselled", "cohort"),
    "trained": ("trained", "need_training"),
    "employed": ("employed_after_training", "need_training"),
}


@dataclass(frozen=True)
class FigureCard:
    label: str
    count: str
    total: str
    rate: str
    status: str


def figure_cards(journey: Journey) -> dict[str, FigureCard]:
    """The dashboard's three cards, as their text reads."""
    cards = {}
    for key, (count, total) in FIGURES.items():
        card = journey.page.get_by_test_id(f"figure-{key}")
        cards[key] = FigureCard(
            label=card.get_by_role("heading").inner_text(),
            count=card.get_by_test_id(f"drill-{count}").inner_text(),
            total=card.get_by_test_id(f"drill-{total}").inner_text(),
            rate=card.get_by_test_id(f"rate-{key}").inner_text(),
            status=card.get_by_test_id(f"status-{key}").inner_text(),
        )
    return cards
