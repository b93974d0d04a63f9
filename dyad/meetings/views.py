from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_meeting, get_program, get_relationship
from dyad.changes.pages import keep
from dyad.files import serve
from dyad.meetings import selectors, services
from dyad.meetings.forms import (
    ActionItemForm,
    AttachmentForm,
    CadencePolicyForm,
    MeetingForm,
    OutcomeForm,
    PreparationForm,
    PrivateNoteForm,
    SummaryForm,
)
from dyad.meetings.models import MeetingStatus
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import ConsentCategory
from dyad.relationships.services import consent_in_force, record_consent_read


def _meeting_form_page(request, viewer, relationship, form, *, title, action):
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "relationship": relationship,
        "form": form,
        "title": title,
        "action": action,
    }
    return TemplateResponse(request, "meetings/meeting_form.html", ctx)


def _plan(request, slug, rel_uuid, *, service, title, done):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_manage_meetings)
    form = MeetingForm(request.POST or None, initial=selectors.agreed_meeting_initial(relationship))
    if response := flow.submit(
        request,
        form,
        lambda data: service(
            relationship=relationship, acting_user=request.user, **form.meeting_fields()
        ),
        success=done,
        then=lambda meeting: meeting,
    ):
        return response
    return _meeting_form_page(request, viewer, relationship, form, title=title, action=title)


@login_required
@keep
def schedule(request, slug, rel_uuid):
    return _plan(
        request,
        slug,
        rel_uuid,
        service=services.meeting_schedule,
        title="Schedule a meeting",
        done="Scheduled. You both receive a calendar invitation.",
    )


@login_required
@keep
def log(request, slug, rel_uuid):
    return _plan(
        request,
        slug,
        rel_uuid,
        service=services.meeting_log,
        title="Log a meeting that took place",
        done="Logged. Add the summary and action items below.",
    )


@login_required
@keep
def detail(request, slug, meeting_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    meeting = get_meeting(viewer, meeting_uuid)
    relationship = meeting.relationship
    is_party = policy.is_party(request.user, relationship)
    # The parties see everything whatever the consent: it is read only for the others.
    consent = frozenset() if is_party else consent_in_force(relationship)

    def shows(category):
        return policy.can_view_relationship_content(viewer, relationship, category, consent)

    show = {
        "preparation": shows(ConsentCategory.PREPARATION),
        "summary": shows(ConsentCategory.SUMMARIES),
        "topics": shows(ConsentCategory.TOPICS),
        "actions": shows(ConsentCategory.ACTION_ITEMS),
    }
    read = [name for name, shown in show.items() if shown]
    if read and not is_party:
        record_consent_read(
            actor=request.user, program=viewer.program, target=meeting, categories=read
        )
    record = selectors.meeting_record(meeting, show)
    ctx = {
        "viewer": viewer,
        "nav": "mine" if is_party else "relationships",
        "meeting": meeting,
        "relationship": relationship,
        "is_party": is_party,
        "is_learner": request.user.pk == relationship.learner_id,
        "show": show,
        **record,
        "can_manage": policy.can_manage_meetings(viewer, relationship),
        "has_started": meeting.has_started(timezone.now()),
    }
    if is_party:
        note = services.private_note_of(meeting, request.user)
        ctx["note_form"] = PrivateNoteForm(
            prefix="note", initial={"text": note.text if note else ""}
        )
        ctx["agenda"] = selectors.suggested_agenda(relationship)
        prep = record["preparation"]
        ctx["prep_form"] = PreparationForm(
            prefix="prep",
            initial={
                "goals": prep.goals if prep else "",
                "progress": prep.progress if prep else "",
                "obstacles": prep.obstacles if prep else "",
            },
        )
        summary = record["summary"]
        ctx["summary_form"] = SummaryForm(
            program=viewer.program,
            prefix="summary",
            initial={
                "text": summary.text if summary else "",
                "topics": [str(t.pk) for t in record["topics"]],
            },
        )
        ctx["action_form"] = ActionItemForm(prefix="action")
        ctx["attachment_form"] = AttachmentForm(prefix="file")
        ctx["attachment_limits"] = {
            "megabytes": settings.DYAD_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "count": settings.DYAD_ATTACHMENTS_PER_MEETING,
        }
    return TemplateResponse(request, "meetings/detail.html", ctx)


@login_required
def reschedule(request, slug, meeting_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    meeting = get_meeting(
        viewer, meeting_uuid, allow=lambda v, m: policy.can_manage_meetings(v, m.relationship)
    )
    local = timezone.localtime(meeting.starts_at)
    initial = {
        "date": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "duration_minutes": meeting.duration_minutes,
        "mode": meeting.mode,
        "place": meeting.place,
        "link": meeting.link,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if response := flow.submit(
        request,
        form,
        lambda data: services.meeting_reschedule(
            meeting=meeting, acting_user=request.user, **form.meeting_fields()
        ),
        success="Rescheduled. You both receive the updated invitation.",
        then=meeting,
    ):
        return response
    return _meeting_form_page(
        request, viewer, meeting.relationship, form, title="Reschedule", action="Reschedule"
    )


def _meeting_post(request, slug, meeting_uuid, allow):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    return viewer, get_meeting(viewer, meeting_uuid, allow=allow)


def _can_manage(viewer, meeting):
    return policy.can_manage_meetings(viewer, meeting.relationship)


def _errors_of(form) -> str:
    """A refused form on the meeting page, field by field: the page shows several forms,
    so each error says which field to fix."""
    if form.is_valid():
        return ""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


@login_required
@require_POST
def cancel(request, slug, meeting_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, _can_manage)
    return flow.act(
        request,
        lambda: services.meeting_cancel(meeting=meeting, acting_user=request.user),
        success="Cancelled. You both receive a cancellation for your calendars.",
        then=meeting,
    )


@login_required
@require_POST
def outcome(request, slug, meeting_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, _can_manage)
    form = OutcomeForm(request.POST)
    return flow.act(
        request,
        lambda: services.meeting_set_outcome(
            meeting=meeting,
            acting_user=request.user,
            held=form.cleaned_data["outcome"] == MeetingStatus.HELD,
        ),
        success=lambda m: (
            "Marked as held." if m.status == MeetingStatus.HELD else "Marked as missed."
        ),
        then=meeting,
        form=form,
        invalid=_errors_of(form),
    )


@login_required
@require_POST
def preparation(request, slug, meeting_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_edit_preparation)
    form = PreparationForm(request.POST, prefix="prep")
    return flow.act(
        request,
        lambda: services.preparation_save(
            meeting=meeting, acting_user=request.user, **form.cleaned_data
        ),
        success="Preparation saved. Your guide can read it before you meet.",
        then=meeting,
        form=form,
        invalid=_errors_of(form),
    )


@login_required
@require_POST
def attachment_add(request, slug, meeting_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_attach_to_preparation)
    form = AttachmentForm(request.POST, request.FILES, prefix="file")
    return flow.act(
        request,
        lambda: services.attachment_add(
            meeting=meeting, acting_user=request.user, upload=form.cleaned_data["file"]
        ),
        success=lambda a: f"“{a.name}” attached. Your guide can open it from this meeting.",
        then=meeting,
        form=form,
        invalid=_errors_of(form),
    )


@login_required
@require_POST
def attachment_remove(request, slug, meeting_uuid, attachment_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_attach_to_preparation)
    attachment = get_object_or_404(meeting.attachments, uuid=attachment_uuid)
    return flow.act(
        request,
        lambda: services.attachment_remove(attachment=attachment, acting_user=request.user),
        success=f"“{attachment.name}” removed.",
        then=meeting,
    )


@login_required
def attachment(request, slug, meeting_uuid, attachment_uuid):
    """The file itself, to those who may read the preparation; to anyone else it does not
    exist (its name is preparation content too)."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    meeting = get_meeting(viewer, meeting_uuid)
    if not policy.can_read_attachment(viewer, meeting, consent_in_force(meeting.relationship)):
        raise Http404("No such file")
    attachment = get_object_or_404(meeting.attachments, uuid=attachment_uuid)
    if not policy.is_party(request.user, meeting.relationship):
        record_consent_read(
            actor=request.user,
            program=viewer.program,
            target=meeting,
            categories=[ConsentCategory.PREPARATION],
        )
    return serve(attachment.file, name=attachment.name, content_type=attachment.content_type)


@login_required
@require_POST
def summary(request, slug, meeting_uuid):
    viewer, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_edit_meeting_record)
    form = SummaryForm(request.POST, program=viewer.program, prefix="summary")
    return flow.act(
        request,
        lambda: services.summary_save(
            meeting=meeting, acting_user=request.user, **form.cleaned_data
        ),
        success="Summary saved.",
        then=meeting,
        form=form,
        invalid=_errors_of(form),
    )


@login_required
@require_POST
def action_add(request, slug, meeting_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_edit_meeting_record)
    form = ActionItemForm(request.POST, prefix="action")
    relationship = meeting.relationship

    def add():
        data = form.cleaned_data
        owner = relationship.learner if data["owner"] == "learner" else relationship.guide
        return services.action_item_add(
            meeting=meeting,
            acting_user=request.user,
            text=data["text"],
            owner=owner,
            due_date=data["due_date"],
        )

    return flow.act(
        request,
        add,
        success="Action item added.",
        then=meeting,
        form=form,
        invalid=_errors_of(form),
    )


@login_required
@require_POST
def action_toggle(request, slug, meeting_uuid, item_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_edit_meeting_record)
    item = get_object_or_404(meeting.action_items, uuid=item_uuid)
    return flow.act(
        request,
        lambda: services.action_item_toggle(item=item, acting_user=request.user),
        success="Updated.",
        then=meeting,
    )


@login_required
@require_POST
def private_note(request, slug, meeting_uuid):
    _, meeting = _meeting_post(request, slug, meeting_uuid, policy.can_keep_private_note)
    form = PrivateNoteForm(request.POST, prefix="note")
    return flow.act(
        request,
        lambda: services.private_note_save(
            meeting=meeting, author=request.user, text=form.cleaned_data["text"]
        ),
        success="Private note saved. Only you can see it.",
        then=meeting,
        form=form,
        invalid=_errors_of(form),
    )


@login_required
@keep
def compliance(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_compliance)
    return TemplateResponse(
        request,
        "meetings/compliance.html",
        {
            "viewer": viewer,
            "nav": "compliance",
            **selectors.compliance_page(viewer.program, request.GET),
        },
    )


@login_required
@keep
def cadence_policies(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_cadence_policy)
    kind = request.POST.get("kind", "")
    forms = {
        k: CadencePolicyForm(
            request.POST if request.method == "POST" and k == kind else None,
            instance=row,
            prefix=k,
        )
        for k, _, row in selectors.cadence_page(viewer.program)["policies"]
    }
    if kind in forms and (
        response := flow.submit(
            request,
            forms[kind],
            lambda data: services.cadence_policy_save(form=forms[kind], acting_user=request.user),
            success="Cadence saved. Dashboards and reminders follow it from now.",
            then=request.path,
        )
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "compliance",
        "forms": [(k, label, forms[k]) for k, label in GuidanceKind.choices],
    }
    return TemplateResponse(request, "meetings/cadence.html", ctx)
