from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views as config_views
from units import views as unit_views

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", config_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("units/", include("units.urls")),
    path("soldiers/", include("soldiers.urls")),
    path("training/", include("training.urls")),
    path("employers/", include("employers.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
