"""The public board (/board/): open to anyone, signed in or not, and showing no personal data.

Its reads are cached by reports.board, so the page costs a fixed handful of queries the first
time a day and filters are asked, and none for ten minutes after."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reports import board as public_board


@login_not_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    filters = public_board.BoardFilterForm(
        request.GET, occupations=public_board.occupation_options()
    )
    occupation_id, province_code = filters.filters()
    data = public_board.board(
        on=timezone.localdate(), occupation_id=occupation_id, province_code=province_code
    )
    return render(request, "reports/board.html", {"filters": filters, "board": data})
