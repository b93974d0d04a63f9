"""A person downloads everything Dyad holds about them (SPEC M12): a printable page and
JSON. There is no one else's export to ask for: the URL has no person in it."""

import json
from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from dyad.meetings.templatetags import dyad_dates
from dyad.privacy.services import personal_data_export


@login_required
def export_page(request):
    parts = personal_data_export(acting_user=request.user, fmt="html")
    ctx = {
        "sections": [(s, [_display(r) for r in records]) for s, records in parts],
        "now": timezone.now(),
    }
    response = TemplateResponse(request, "privacy/export.html", ctx)
    add_never_cache_headers(response)
    return response


@login_required
def export_json(request):
    parts = personal_data_export(acting_user=request.user, fmt="json")
    body = {
        "exported_at": timezone.now(),
        "person": request.user.email,
        "sections": {s.key: {"title": s.title, "records": records} for s, records in parts},
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="dyad-my-data-{stamp}.json"'
    add_never_cache_headers(response)
    return response


def _display(value):
    """A record's values as the page shows them: dates in words, nested records kept."""
    if isinstance(value, dict):
        return {k: _display(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_display(v) for v in value]
    if isinstance(value, datetime):
        return dyad_dates.moment(value)
    if isinstance(value, date):
        return dyad_dates.day(value)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value
