from __future__ import annotations

from django.urls import path  # noqa: F401 (each section below adds its routes)

app_name = "training"

urlpatterns: list = [
    # -- the month-15 survey (training/views.py) --
]
