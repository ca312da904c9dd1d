from __future__ import annotations

from django.apps import AppConfig


class SoldiersConfig(AppConfig):
    name = "soldiers"
