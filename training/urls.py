from __future__ import annotations

from django.urls import path

from training.views import catalogue, partner, registrations, survey

app_name = "training"

urlpatterns: list = [
    # -- the month-15 survey (training/views/survey.py) --
    path("soldiers/<int:soldier_pk>/survey/", survey.survey, name="survey"),
    # -- institutions and courses, PA03's list (training/views/catalogue.py) --
    path("institutions/", catalogue.institution_list, name="institutions"),
    path("institutions/new/", catalogue.institution_create, name="institution_create"),
    path("institutions/<int:pk>/", catalogue.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", catalogue.institution_edit, name="institution_edit"),
    path(
        "institutions/<int:pk>/staff/new/",
        catalogue.institution_staff_invite,
        name="institution_staff_invite",
    ),
    path(
        "institutions/<int:pk>/staff/<int:staff_pk>/invite/",
        catalogue.institution_staff_reinvite,
        name="institution_staff_reinvite",
    ),
    path("courses/", catalogue.course_list, name="courses"),
    path("courses/new/", catalogue.course_create, name="course_create"),
    path("courses/<int:pk>/edit/", catalogue.course_edit, name="course_edit"),
    path("courses/<int:pk>/approve/", catalogue.course_approve, name="course_approve"),
    path("courses/export.xlsx", catalogue.courses_export, name="courses_export"),
    # -- registrations, the month-18 list, training support (training/views/registrations.py) --
    path(
        "soldiers/<int:soldier_pk>/registrations/new/",
        registrations.registration_create,
        name="registration_create",
    ),
    path(
        "registrations/<int:pk>/course/",
        registrations.registration_course,
        name="registration_course",
    ),
    path(
        "registrations/<int:pk>/enrol/",
        registrations.registration_enrol,
        name="registration_enrol",
    ),
    path(
        "registrations/<int:pk>/complete/",
        registrations.registration_complete,
        name="registration_complete",
    ),
    path(
        "registrations/<int:pk>/withdraw/",
        registrations.registration_withdraw,
        name="registration_withdraw",
    ),
    path("send/", registrations.send, name="send"),
    path("sent/", registrations.sent_lists, name="sent_lists"),
    path("sent/<int:pk>.xlsx", registrations.sent_list_xlsx, name="sent_list_xlsx"),
    path(
        "soldiers/<int:soldier_pk>/support/card/",
        registrations.support_card_issue,
        name="support_card_issue",
    ),
    path("support/<int:pk>/settle/", registrations.support_card_settle, name="support_card_settle"),
    path(
        "soldiers/<int:soldier_pk>/support/commune/",
        registrations.support_apply,
        name="support_apply",
    ),
    path("support/<int:pk>/decide/", registrations.support_decide, name="support_decide"),
    # -- the institution's own staff (training/views/partner.py) --
    path("partner/", partner.partner_home, name="partner_home"),
    path("partner/registrations/<int:pk>/enrol/", partner.partner_enrol, name="partner_enrol"),
    path(
        "partner/registrations/<int:pk>/complete/",
        partner.partner_complete,
        name="partner_complete",
    ),
    path(
        "partner/registrations/<int:pk>/withdraw/",
        partner.partner_withdraw,
        name="partner_withdraw",
    ),
    path("partner/cards/<int:pk>/settle/", partner.partner_card_settle, name="partner_card_settle"),
    path("partner/courses/", partner.partner_courses, name="partner_courses"),
    path("partner/courses/new/", partner.partner_course_create, name="partner_course_create"),
    path("partner/courses/<int:pk>/edit/", partner.partner_course_edit, name="partner_course_edit"),
]
