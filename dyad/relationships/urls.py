from django.urls import path

from dyad.audit import views as audit_views
from dyad.relationships import evaluative_views, peer_views, request_views, safety_views, views

app_name = "relationships"
P = "p/<slug:slug>/"
R = P + "relationships/<uuid:rel_uuid>/"
urlpatterns = [
    path(P + "relationships/", views.overview, name="overview"),
    path(P + "relationships/new/", views.assign, name="assign"),
    path(P + "my-guides/", views.my_relationships, name="mine"),
    path(R, views.detail, name="detail"),
    path(R + "agreement/", views.agreement_edit, name="agreement_edit"),
    path(R + "agreement/acknowledge/", views.agreement_acknowledge, name="agreement_acknowledge"),
    path(R + "rematch/", views.rematch_request, name="rematch_request"),
    path(R + "end/", views.end, name="end"),
    path(R + "concern/", safety_views.concern_raise, name="concern_raise"),
    path(P + "rematch-requests/", views.rematch_requests, name="rematch_requests"),
    path(
        P + "rematch-requests/<uuid:request_uuid>/acknowledge/",
        views.rematch_acknowledge,
        name="rematch_acknowledge",
    ),
    path(
        P + "rematch-requests/<uuid:request_uuid>/reassign/",
        views.rematch_reassign,
        name="rematch_reassign",
    ),
    path(
        P + "rematch-requests/<uuid:request_uuid>/close/",
        views.rematch_close,
        name="rematch_close",
    ),
    path(
        P + "guides/<uuid:profile_uuid>/request/", request_views.request_guide, name="request_guide"
    ),
    path(P + "requests/", request_views.requests, name="requests"),
    path(
        P + "requests/<uuid:req_uuid>/accept/", request_views.request_accept, name="request_accept"
    ),
    path(
        P + "requests/<uuid:req_uuid>/decline/",
        request_views.request_decline,
        name="request_decline",
    ),
    path(
        P + "requests/<uuid:req_uuid>/withdraw/",
        request_views.request_withdraw,
        name="request_withdraw",
    ),
    path(P + "evaluative-roles/", evaluative_views.evaluative_roles, name="evaluative_roles"),
    path(
        P + "evaluative-roles/import/",
        evaluative_views.evaluative_roles_import,
        name="evaluative_import",
    ),
    path(
        P + "evaluative-roles/<uuid:role_uuid>/delete/",
        evaluative_views.evaluative_role_delete,
        name="evaluative_delete",
    ),
    path(P + "concerns/", safety_views.concerns, name="concerns"),
    path(P + "safety-contacts/", safety_views.safety_contacts, name="safety_contacts"),
    path(P + "audit/", audit_views.audit_log, name="audit"),
    path(P + "peer-pairing/", peer_views.peer_pairing, name="peer_pairing"),
    path(P + "peer-pairing/publish/", peer_views.peer_pairing_publish, name="peer_pairing_publish"),
]
