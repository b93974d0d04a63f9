from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.goals import selectors, services
from dyad.goals.access import get_goal
from dyad.goals.forms import AchievementForm, CheckInForm, CloseForm, GoalForm, StepForm
from dyad.goals.models import Goal
from dyad.relationships.models import Relationship
from dyad.relationships.services import record_consent_read, record_consent_reads


def _open_pairings(viewer, learner):
    return Relationship.objects.for_program(viewer.program).holding_seats().filter(learner=learner)


def _goal_form_for_new(request, viewer):
    """A learner sets a goal of their own or of one of their pairings; a guide, a goal of one
    of the pairings they guide, for its learner."""
    own = Relationship.objects.for_program(viewer.program).holding_seats()
    return GoalForm(
        request.POST or None,
        user=request.user,
        pairings=own.for_party(request.user),
        shares=_open_pairings(viewer, request.user),
        new=True,
        personal=viewer.is_learner,
    )


def _learner_of_new_goal(request, form):
    """Whose goal the form is about: the chosen pairing's learner, or the one typing."""
    relationship = form.cleaned_data.get("relationship") if form.is_valid() else None
    return relationship.learner if relationship else request.user


def _is_participant(viewer, goal) -> bool:
    """The learner or a guide of the goal (not a leader reading it by consent)."""
    return goal.learner_id == viewer.user.pk or policy.can_work_on_goal(viewer, goal)


@login_required
@keep
def index(request, slug):
    """Each hat the viewer wears: their own goals (learner), their learners' goals (guide),
    the counts by learner (leader)."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ctx = {"viewer": viewer, "nav": "goals"}
    if viewer.is_learner:
        ctx["own_goals"] = selectors.goals_of_learner(viewer.program, request.user)
    ctx["guided"] = selectors.goals_for_guide(viewer.program, request.user)
    if policy.can_view_goal_counts(viewer):
        ctx["counts"] = selectors.goal_counts(viewer.program)
    return TemplateResponse(request, "goals/index.html", ctx)


def _smart_partial(request, viewer, form, *, learner, goal=None):
    gaps = selectors.smart_gaps(form.draft(), program=viewer.program, learner=learner, goal=goal)
    return TemplateResponse(request, "goals/_smart.html", {"gaps": gaps})


def _wants_feedback(request) -> bool:
    """The form asks, as it is typed in, what the draft lacks; nothing is saved."""
    return bool(request.htmx) and request.method == "POST" and "smart_check" in request.POST


def _saved_message(goal) -> str:
    gaps = selectors.smart_gaps(
        goal.as_draft(), program=goal.program, learner=goal.learner, goal=goal
    )
    if not gaps:
        return "Saved. Your goal is SMART."
    return "Saved. It is not SMART yet: what it lacks is shown on the goal."


@login_required
@keep
def new(request, slug):
    viewer = get_program(request, slug, allow=policy.can_set_goals)
    form = _goal_form_for_new(request, viewer)
    if _wants_feedback(request):
        return _smart_partial(request, viewer, form, learner=_learner_of_new_goal(request, form))
    if response := flow.submit(
        request,
        form,
        lambda data: services.goal_create(
            program=viewer.program,
            learner=_learner_of_new_goal(request, form),
            acting_user=request.user,
            **data,
        ),
        success=_saved_message,
        then=lambda goal: goal,
    ):
        return response
    learner = _learner_of_new_goal(request, form)
    gaps = selectors.smart_gaps(form.draft(), program=viewer.program, learner=learner)
    ctx = {"viewer": viewer, "nav": "goals", "form": form, "gaps": gaps, "title": "Set a goal"}
    ctx["nothing_to_choose"] = not viewer.is_learner and not form.fields["relationship"].queryset
    return TemplateResponse(request, "goals/goal_form.html", ctx)


@login_required
@keep
def detail(request, slug, goal_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    goal = get_goal(viewer, goal_uuid)
    participant = _is_participant(viewer, goal)
    if not participant:
        record_consent_read(
            actor=request.user, program=viewer.program, target=goal, categories=["goals"]
        )
    ctx = {
        "viewer": viewer,
        "nav": "goals",
        "goal": goal,
        "participant": participant,
        "can_edit": policy.can_edit_goal(viewer, goal),
        "can_work": policy.can_work_on_goal(viewer, goal),
        "can_close": policy.can_close_goal(viewer, goal),
        **selectors.goal_page(viewer, goal),
    }
    if goal.is_open and participant:
        ctx["gaps"] = selectors.smart_gaps(
            goal.as_draft(), program=viewer.program, learner=goal.learner, goal=goal
        )
    if ctx["can_work"]:
        ctx["step_form"] = StepForm(prefix="step")
        ctx["check_in_form"] = CheckInForm(
            prefix="check", meetings=services.discussable_meetings(goal, request.user)
        )
    if ctx["can_close"]:
        ctx["close_form"] = CloseForm(prefix="close")
    return TemplateResponse(request, "goals/detail.html", ctx)


@login_required
@keep
def edit(request, slug, goal_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    goal = get_goal(viewer, goal_uuid, allow=policy.can_edit_goal)
    personal = goal.relationship_id is None and goal.learner_id == request.user.pk
    form = GoalForm(
        request.POST or None,
        instance=Goal.objects.get(pk=goal.pk),
        user=request.user,
        pairings=Relationship.objects.none(),
        shares=_open_pairings(viewer, goal.learner),
        new=False,
        personal=personal,
    )
    if _wants_feedback(request):
        return _smart_partial(request, viewer, form, learner=goal.learner, goal=goal)
    if response := flow.submit(
        request,
        form,
        lambda data: services.goal_update(goal=goal, acting_user=request.user, **data),
        success=_saved_message,
        then=lambda saved: saved,
    ):
        return response
    gaps = selectors.smart_gaps(
        form.draft(), program=viewer.program, learner=goal.learner, goal=goal
    )
    ctx = {
        "viewer": viewer,
        "nav": "goals",
        "form": form,
        "goal": goal,
        "gaps": gaps,
        "title": "Change the goal",
    }
    return TemplateResponse(request, "goals/goal_form.html", ctx)


@login_required
@require_POST
def close(request, slug, goal_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    goal = get_goal(viewer, goal_uuid, allow=policy.can_close_goal)
    form = CloseForm(request.POST, prefix="close")
    return flow.act(
        request,
        lambda: services.goal_close(goal=goal, acting_user=request.user, **form.cleaned_data),
        form=form,
        invalid="Choose achieved or dropped, and write a few words of reflection.",
        success=lambda closed: f"Closed as {closed.get_status_display().lower()}.",
        then=goal,
    )


@login_required
@require_POST
def step_add(request, slug, goal_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    goal = get_goal(viewer, goal_uuid, allow=policy.can_work_on_goal)
    form = StepForm(request.POST, prefix="step")
    return flow.act(
        request,
        lambda: services.step_add(goal=goal, acting_user=request.user, **form.cleaned_data),
        form=form,
        invalid="Write the step, and a due date if it has one.",
        success=lambda step: f"{step.get_kind_display()} added.",
        then=goal,
    )


@login_required
@require_POST
def step_toggle(request, slug, goal_uuid, step_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    goal = get_goal(viewer, goal_uuid, allow=policy.can_work_on_goal)
    step = get_object_or_404(goal.steps, uuid=step_uuid)
    return flow.act(
        request,
        lambda: services.step_toggle(step=step, acting_user=request.user),
        success=lambda done: "Done." if done.done_at else "Marked not done.",
        then=goal,
    )


@login_required
@require_POST
def check_in(request, slug, goal_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    goal = get_goal(viewer, goal_uuid, allow=policy.can_work_on_goal)
    form = CheckInForm(
        request.POST, prefix="check", meetings=services.discussable_meetings(goal, request.user)
    )
    return flow.act(
        request,
        lambda: services.check_in(goal=goal, acting_user=request.user, **form.cleaned_data),
        form=form,
        success="Progress recorded.",
        then=goal,
    )


@login_required
@keep
def learner(request, slug, learner_uuid):
    """One learner's goals as leadership sees them: counts by state; a goal's words only
    where the learner consented, each reading recorded."""
    viewer = get_program(request, slug, allow=policy.can_view_goal_counts)
    person = get_object_or_404(
        get_user_model().objects.filter(memberships__program=viewer.program).distinct(),
        uuid=learner_uuid,
    )
    seen = selectors.learner_goals_for_leader(viewer, person)
    record_consent_reads(
        actor=request.user,
        program=viewer.program,
        targets=[goal for goal in seen["shown"] if not _is_participant(viewer, goal)],
        categories=["goals"],
    )
    ctx = {"viewer": viewer, "nav": "goals", "learner": person, **seen}
    return TemplateResponse(request, "goals/learner.html", ctx)


def _learner_of(viewer, learner_uuid, *, allow):
    """A member of the program whose portfolio is asked for: 404 for anyone who may not
    read it (whether a person is a learner here is not everyone's business)."""
    learner = get_object_or_404(
        get_user_model().objects.filter(memberships__program=viewer.program).distinct(),
        uuid=learner_uuid,
    )
    if not policy.can_view_portfolio(viewer, learner):
        # Leaders know who is in the program, only not what the portfolio holds.
        if viewer.is_leader:
            raise PermissionDenied
        raise Http404("No such portfolio")
    if not allow(viewer, learner):
        raise PermissionDenied
    return learner


@login_required
@keep
def portfolio(request, slug, learner_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    learner = _learner_of(viewer, learner_uuid, allow=policy.can_view_portfolio)
    ctx = {
        "viewer": viewer,
        "nav": "goals",
        "learner": learner,
        "achievements": selectors.portfolio(viewer.program, learner),
        "can_record": policy.can_record_achievement(viewer, learner),
        "is_self": learner.pk == request.user.pk,
    }
    return TemplateResponse(request, "goals/portfolio.html", ctx)


def _linkable_goals(viewer, learner):
    if learner.pk == viewer.user.pk:
        return selectors.goals_of_learner(viewer.program, learner)
    return (
        Goal.objects.for_program(viewer.program)
        .filter(learner=learner)
        .visible_to_guide(viewer.user)
    )


@login_required
def achievement_add(request, slug, learner_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    learner = _learner_of(viewer, learner_uuid, allow=policy.can_record_achievement)
    form = AchievementForm(request.POST or None, goals=_linkable_goals(viewer, learner))
    if response := flow.submit(
        request,
        form,
        lambda data: services.achievement_record(
            program=viewer.program, learner=learner, acting_user=request.user, **data
        ),
        success="Recorded in the portfolio.",
        then=reverse("goals:portfolio", args=[viewer.program.slug, learner.uuid]),
    ):
        return response
    ctx = {"viewer": viewer, "nav": "goals", "form": form, "learner": learner}
    return TemplateResponse(request, "goals/achievement_form.html", ctx)
