from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views as config_views
from reports.views import board as board_views
from units import views as unit_views

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", config_views.healthz, name="healthz"),
    # The public board, open without an account. At the root, not under "reports/": its address
    # is printed as a QR code on every counselling sheet. Named "board", not "reports:board":
    # a second include of reports' namespace would shadow the first.
    path("board/", board_views.board, name="board"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # The link of an invitation e-mail (units.services.invitation_create), opened signed out.
    path(
        "accounts/invitation/<str:token>/",
        unit_views.invitation_accept,
        name="invitation_accept",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("units/", include("units.urls")),
    path("soldiers/", include("soldiers.urls")),
    path("training/", include("training.urls")),
    path("employers/", include("employers.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
