from django.urls import path

from dyad.goals import ilp_views, views

app_name = "goals"
P = "p/<slug:slug>/"
G = P + "goals/<uuid:goal_uuid>/"
L = P + "portfolio/<uuid:learner_uuid>/"
urlpatterns = [
    path(P + "goals/", views.index, name="index"),
    path(P + "goals/new/", views.new, name="new"),
    path(G, views.detail, name="detail"),
    path(G + "edit/", views.edit, name="edit"),
    path(G + "close/", views.close, name="close"),
    path(G + "steps/", views.step_add, name="step_add"),
    path(G + "steps/<uuid:step_uuid>/toggle/", views.step_toggle, name="step_toggle"),
    path(G + "check-ins/", views.check_in, name="check_in"),
    path(P + "goals/learners/<uuid:learner_uuid>/", views.learner, name="learner"),
    path(L, views.portfolio, name="portfolio"),
    path(L + "new/", views.achievement_add, name="achievement_add"),
]

# The Individualized Learning Plan (SPEC M7).
ILP = P + "ilp/<uuid:ilp_uuid>/"
urlpatterns += [
    path(P + "ilp/", ilp_views.index, name="ilp_index"),
    path(P + "ilp/start/", ilp_views.start, name="ilp_start"),
    path(P + "ilp/completion/", ilp_views.completion, name="ilp_completion"),
    path(ILP, ilp_views.detail, name="ilp_detail"),
    path(ILP + "edit/", ilp_views.edit, name="ilp_edit"),
    path(ILP + "share/", ilp_views.share, name="ilp_share"),
    path(ILP + "submit/", ilp_views.submit, name="ilp_submit"),
    path(ILP + "goals/new/", ilp_views.goal_new, name="ilp_goal_new"),
    path(ILP + "review/", ilp_views.review, name="ilp_review"),
    path(ILP + "complete/", ilp_views.complete, name="ilp_complete"),
    path(ILP + "reopen/", ilp_views.reopen, name="ilp_reopen"),
    path(ILP + "versions/<int:number>/", ilp_views.version, name="ilp_version"),
    path(ILP + "plan.pdf", ilp_views.pdf_export, name="ilp_pdf"),
]
