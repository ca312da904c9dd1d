"""Fill an empty database with national-scale data for the benchmarks (issue 6): units, catalogues
and soldiers of the cohorts 2024-2028 along their whole path, then the milestone columns."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.loadgen import LoadRefused, generate


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate national-scale load data (COPY on PostgreSQL) into a database with no soldiers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--soldiers", type=_positive, default=1_000_000)
        parser.add_argument("--units", type=_positive, default=3_500)
        parser.add_argument("--seed", type=int, default=2026, help="the same seed, the same data")

    def handle(
        self, *args: object, soldiers: int, units: int, seed: int, **options: object
    ) -> None:
        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done:,} / {soldiers:,} chiến sĩ")

        try:
            report = generate(soldiers=soldiers, units=units, seed=seed, progress=progress)
        except (LoadRefused, ValueError) as refusal:
            raise CommandError(str(refusal)) from refusal
        for label, count in report.counts.items():
            self.stdout.write(f"{label}: {count}")
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.seconds.items())
        self.stdout.write(f"Thời gian (giây) — {steps}")
