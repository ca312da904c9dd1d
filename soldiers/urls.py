from __future__ import annotations

from django.urls import path  # noqa: F401 (each section below adds its routes)

app_name = "soldiers"

urlpatterns: list = [
    # -- the soldier's file: list, create, edit, archive, detail (soldiers/views/files.py) --
    # -- counselling and the worklist (soldiers/views/work.py) --
    # -- import from Excel (soldiers/views/imports.py) --
]
