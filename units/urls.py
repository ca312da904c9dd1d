from __future__ import annotations

from django.urls import path

from units import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("notifications/", views.notifications, name="notifications"),
]
