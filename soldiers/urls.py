from __future__ import annotations

from django.urls import path

from soldiers.views import files, imports, work

app_name = "soldiers"

urlpatterns = [
    # -- the soldier's file: list, create, edit, archive, detail (soldiers/views/files.py) --
    path("", files.soldier_list, name="list"),
    path("new/", files.soldier_create, name="create"),
    path("wards/", files.ward_list, name="wards"),
    path("<int:pk>/", files.soldier_detail, name="detail"),
    path("<int:pk>/edit/", files.soldier_edit, name="edit"),
    path("<int:pk>/archive/", files.soldier_archive, name="archive"),
    path("<int:pk>/restore/", files.soldier_restore, name="restore"),
    path("<int:pk>/citizen-id/", files.citizen_id_reveal, name="reveal_id"),
    # -- counselling and the worklist (soldiers/views/work.py) --
    path("worklist/", work.worklist, name="worklist"),
    path("<int:pk>/counselling/new/", work.counselling_add, name="counselling_add"),
    # -- import from Excel (soldiers/views/imports.py) --
    path("import/", imports.import_upload, name="import"),
    path("import/preview/", imports.import_preview, name="import_preview"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
]
