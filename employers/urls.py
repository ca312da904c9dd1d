from __future__ import annotations

from django.urls import path

from employers.views import catalogue, fairs, outcomes, partner

app_name = "employers"

urlpatterns: list = [
    # -- employers and job openings, PA04's list (employers/views/catalogue.py) --
    path("", catalogue.employer_list, name="employers"),
    path("new/", catalogue.employer_create, name="employer_create"),
    path("<int:pk>/", catalogue.employer_detail, name="employer_detail"),
    path("<int:pk>/edit/", catalogue.employer_edit, name="employer_edit"),
    path("<int:pk>/staff/new/", catalogue.employer_staff_invite, name="employer_staff_invite"),
    path(
        "<int:pk>/staff/<int:staff_pk>/invite/",
        catalogue.employer_staff_reinvite,
        name="employer_staff_reinvite",
    ),
    path("openings/", catalogue.opening_list, name="openings"),
    path("openings/new/", catalogue.opening_create, name="opening_create"),
    path("openings/export.xlsx", catalogue.openings_export, name="openings_export"),
    path("openings/<int:pk>/", catalogue.opening_detail, name="opening_detail"),
    path("openings/<int:pk>/edit/", catalogue.opening_edit, name="opening_edit"),
    path("openings/<int:pk>/approve/", catalogue.opening_approve, name="opening_approve"),
    path("openings/<int:pk>/refer/<int:soldier_pk>/", catalogue.refer, name="refer"),
    path("gaps/", catalogue.gaps, name="gaps"),
    # -- a soldier's referrals, placements and loans (employers/views/outcomes.py) --
    path("soldiers/<int:soldier_pk>/matches/", outcomes.matches, name="matches"),
    path(
        "soldiers/<int:soldier_pk>/refer/<int:opening_pk>/",
        outcomes.refer_from_soldier,
        name="refer_from_soldier",
    ),
    path(
        "soldiers/<int:soldier_pk>/placements/new/",
        outcomes.placement_create,
        name="placement_create",
    ),
    path("soldiers/<int:soldier_pk>/loans/new/", outcomes.loan_create, name="loan_create"),
    path("loans/<int:pk>/status/", outcomes.loan_status, name="loan_status"),
    # -- job fairs, PX03's list (employers/views/fairs.py) --
    path("fairs/", fairs.fair_list, name="fairs"),
    path("fairs/new/", fairs.fair_create, name="fair_create"),
    path("fairs/<int:pk>/", fairs.fair_detail, name="fair_detail"),
    path("fairs/<int:pk>/edit/", fairs.fair_edit, name="fair_edit"),
    path("fairs/<int:pk>/attendance/", fairs.fair_attendance, name="fair_attendance"),
    # -- the employer's own staff (employers/views/partner.py) --
    path("partner/", partner.partner_home, name="partner_home"),
    path("partner/referrals/<int:pk>/hire/", partner.partner_hire, name="partner_hire"),
    path("partner/referrals/<int:pk>/decline/", partner.partner_decline, name="partner_decline"),
    path("partner/openings/new/", partner.partner_opening_create, name="partner_opening_create"),
    path(
        "partner/openings/<int:pk>/edit/",
        partner.partner_opening_edit,
        name="partner_opening_edit",
    ),
]
