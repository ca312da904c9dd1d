"""Day-to-day work on soldiers: recording counselling, and the worklist of who needs what now."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soldiers import selectors, services
from soldiers.forms import CounsellingForm

WORKLIST_PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
def counselling_add(request: HttpRequest, pk: int) -> HttpResponse:
    soldier = selectors.soldier_get(user=request.user, pk=pk)
    if not selectors.can_edit(request.user, soldier):
        raise PermissionDenied
    form = CounsellingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.counselling_record(user=request.user, soldier=soldier, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Counselling of %(name)s recorded.") % {"name": soldier.full_name}
            )
            return redirect("soldiers:detail", pk=soldier.pk)
    return render(request, "soldiers/counselling_form.html", {"form": form, "soldier": soldier})


@dataclass(frozen=True)
class WorklistPart:
    section: selectors.WorklistSection
    page: Page
    rows: list[selectors.WorklistRow]
    page_param: str

    @property
    def previous(self) -> dict[str, int] | None:
        """The query for the previous page of this part (for `{% querystring %}`)."""
        if not self.page.has_previous():
            return None
        return {self.page_param: self.page.previous_page_number()}

    @property
    def next(self) -> dict[str, int] | None:
        if not self.page.has_next():
            return None
        return {self.page_param: self.page.next_page_number()}


def worklist(request: HttpRequest) -> HttpResponse:
    if not selectors.can_use_worklist(request.user):
        raise PermissionDenied
    on = selectors.today()
    parts = []
    for section in selectors.worklist(user=request.user, on=on):
        # Each part pages on its own, so that paging one leaves the others where they were.
        page_param = f"{section.key}_page"
        page = Paginator(section.soldiers, WORKLIST_PAGE_SIZE).get_page(request.GET.get(page_param))
        parts.append(WorklistPart(section, page, section.rows(page), page_param))
    return render(request, "soldiers/worklist.html", {"parts": parts, "on": on})
