"""Pages of the training layer: the month-15 career-wish survey."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soldiers.selectors import can_edit, soldier_get
from training import selectors, services
from training.forms import CareerWishForm


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    """Fill the survey for a soldier; it opens on his current answers."""
    soldier = soldier_get(user=request.user, pk=soldier_pk)
    if not can_edit(request.user, soldier):
        raise PermissionDenied
    current = selectors.current_wish(soldier=soldier)
    form = CareerWishForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.career_wish_record(user=request.user, soldier=soldier, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Career wish of %(name)s recorded.") % {"name": soldier.full_name}
            )
            return redirect("soldiers:detail", pk=soldier.pk)
    return render(
        request,
        "training/survey.html",
        {"form": form, "soldier": soldier, "current": current},
    )
