import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.expectations import selectors, services, texts
from dyad.expectations.forms import AcknowledgeForm, AgreeForm, DocumentForm
from dyad.expectations.models import Audience

NAV = "expectations"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No such year")
    return year


def _audience(audience: str) -> Audience:
    if audience not in Audience.values:
        raise Http404("No such document")
    return Audience(audience)


def _chosen_year(request, program) -> int:
    """?year= one of the years with documents; the current academic year otherwise."""
    current = selectors.current_year(program)
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in selectors.years_with_documents(program):
        return int(raw)
    return current


@login_required
@keep
def index(request, slug):
    """Leaders: the year's documents and who has acknowledged them, in three groups, a page
    of each at a time (the counts are of everyone). Learners and guides: their own
    documents of the year."""
    viewer = get_program(request, slug, allow=policy.can_view_expectations)
    program = viewer.program
    year = _chosen_year(request, program)
    ctx = {
        "viewer": viewer,
        "nav": NAV,
        "year": year,
        "year_label": f"{year}–{str(year + 1)[-2:]}",
    }
    latest = None
    if policy.can_manage_expectations(viewer):
        status = selectors.status(program, year)
        latest = status["documents"]
        show_pending = request.GET.get("show") == "pending"
        group = request.GET.get("group", "")
        text = request.GET.get("q", "").strip()
        pages = [
            # One page of each group; a group chosen alone pages on through `page`.
            (
                key,
                Paginator(_filtered(rows, show_pending, text), PER_PAGE).get_page(
                    request.GET.get("page") if group == key else 1
                ),
            )
            for key, rows in status["groups"].items()
            if group not in selectors.GROUPS or group == key
        ]
        # The rows shown get their whole requests, in one query for every group.
        shown = iter(
            selectors.with_requests(
                program, year, [r for _, page in pages for r in page.object_list]
            )
        )
        groups = [
            (key, selectors.GROUPS[key], status["counts"][key], [next(shown) for _ in page], page)
            for key, page in pages
        ]
        ctx |= {
            "status": status,
            "groups": groups,
            "show_pending": show_pending,
            "q": text,
            "group": group if group in selectors.GROUPS else "",
            "group_choices": selectors.GROUPS,
            "documents": [(a, status["documents"].get(a.value)) for a in Audience],
            "years": selectors.years_with_documents(program),
            "current_year": selectors.current_year(program),
            "agreed": status["agreements"].get(request.user.pk),
        }
    ctx["own"] = selectors.own_documents(
        viewer, year, policy.expectations_audiences(viewer), latest=latest
    )
    return TemplateResponse(request, "expectations/index.html", ctx)


PER_PAGE = 50


def _filtered(rows, show_pending: bool, text: str = ""):
    return [r for r in rows if (not show_pending or not r.done) and r.person.matches(text)]


@login_required
def status_csv(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_expectations)
    year = _chosen_year(request, viewer.program)
    status = selectors.status(viewer.program, year)
    everyone = selectors.with_requests(
        viewer.program, year, [r for rows in status["groups"].values() for r in rows]
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="expectations-{viewer.program.slug}-{year}.csv"'
    )
    response.write("\ufeff")  # lets Excel see UTF-8, so that accented names survive
    writer = csv.writer(response)
    writer.writerow(
        ["Group", "Name", "E-mail", "Roles", "Sent", "Reminders", "State", "Version", "When"]
    )
    for r in everyone:
        sent = r.request.sent_at if r.request else None
        writer.writerow(
            [
                selectors.GROUPS[r.group],
                r.person.full_name,
                r.person.email,
                r.roles,
                _iso(sent),
                r.request.reminders_sent if r.request else "",
                r.state,
                (r.request.acknowledged_version or "") if r.request else "",
                _iso(r.done_at),
            ]
        )
    return response


def _iso(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@login_required
@keep
def document(request, slug, year, audience):
    """A document as its audience reads it, with the acknowledgement button."""
    viewer = get_program(request, slug, allow=policy.can_view_expectations)
    year, audience = _year(year), _audience(audience)
    if not policy.can_read_expectations(viewer, audience):
        raise PermissionDenied
    doc = selectors.latest_document(viewer.program, year, audience)
    if doc is None or (doc.sent_at is None and not policy.can_manage_expectations(viewer)):
        raise Http404("Not published")
    own = selectors.own_documents(viewer, year, {audience.value})[0]
    ctx = {
        "viewer": viewer,
        "nav": NAV,
        "doc": doc,
        "own": own,
        "can_acknowledge": policy.can_acknowledge_expectations(viewer, audience)
        and doc.sent_at is not None,
        "form": AcknowledgeForm(initial={"version": doc.version}),
        "standards": selectors.meeting_standards(viewer.program),
        "reporting": selectors.reporting(),
        "can_manage": policy.can_manage_expectations(viewer),
    }
    return TemplateResponse(request, "expectations/document.html", ctx)


@login_required
@require_POST
def acknowledge(request, slug, year, audience):
    viewer = get_program(request, slug, allow=policy.can_view_expectations)
    year, audience = _year(year), _audience(audience)
    if not policy.can_acknowledge_expectations(viewer, audience):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    back = reverse(
        "expectations:document", kwargs={"slug": slug, "year": year, "audience": audience}
    )
    return flow.act(
        request,
        lambda: services.expectations_acknowledge(
            program=viewer.program,
            year=year,
            audience=audience.value,
            version=form.cleaned_data["version"],
            acting_user=request.user,
        ),
        form=form,
        invalid="Reload the page and acknowledge again.",
        success="Thank you: your acknowledgement is recorded.",
        then=back,
    )


@login_required
def edit(request, slug, year, audience):
    viewer = get_program(request, slug, allow=policy.can_manage_expectations)
    year, audience = _year(year), _audience(audience)
    program = viewer.program
    latest = selectors.latest_document(program, year, audience)
    initial = (
        {"expectations": latest.expectations, "confidentiality": latest.confidentiality}
        if latest
        else services.document_defaults(program, year, audience)
    )
    form = DocumentForm(request.POST if request.method == "POST" else None, initial=initial)
    if response := flow.submit(
        request,
        form,
        lambda data: services.document_save(
            program=program,
            year=year,
            audience=audience.value,
            expectations=data["expectations"],
            confidentiality=data["confidentiality"],
            acting_user=request.user,
        ),
        success=lambda doc: (
            f"Saved as version {doc.version}. Those who acknowledged an earlier version are "
            "asked again."
            if doc.sent_at
            else "Saved. It is sent when you send the year's expectations."
        ),
        then=lambda doc: reverse("expectations:index", args=[slug]) + f"?year={year}",
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": NAV,
        "form": form,
        "latest": latest,
        "audience": audience,
        "year": year,
        "year_label": f"{year}–{str(year + 1)[-2:]}",
    }
    return TemplateResponse(request, "expectations/edit.html", ctx)


@login_required
@require_POST
def send(request, slug, year):
    viewer = get_program(request, slug, allow=policy.can_manage_expectations)
    year = _year(year)
    return flow.act(
        request,
        lambda: services.expectations_send_year(
            program=viewer.program, year=year, acting_user=request.user
        ),
        success=lambda n: (
            f"Sent: {n} {'person is' if n == 1 else 'people are'} asked to acknowledge; the "
            "e-mails go out within minutes."
            if n
            else "Everyone on the roster has been asked already; nothing new was sent."
        ),
        then=reverse("expectations:index", args=[slug]) + f"?year={year}",
    )


@login_required
def leadership(request, slug):
    """A leader's agreement to the consent terms for the current academic year."""
    viewer = get_program(request, slug, allow=policy.can_agree_to_consent_terms)
    program = viewer.program
    year = selectors.current_year(program)
    form = AgreeForm(request.POST if request.method == "POST" else None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.leadership_agree(
            program=program, year=year, acting_user=request.user
        ),
        success="Your agreement is recorded for this year.",
        then=reverse("expectations:leadership", args=[slug]),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": NAV,
        "form": form,
        "terms": texts.LEADERSHIP_TERMS,
        "agreed": selectors.has_agreed(program, year, request.user),
        "year_label": f"{year}–{str(year + 1)[-2:]}",
    }
    return TemplateResponse(request, "expectations/leadership.html", ctx)
