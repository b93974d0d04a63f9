from django.urls import path

from dyad.coaching import views

app_name = "coaching"
P = "p/<slug:slug>/coaching/"
E = P + "e/<uuid:engagement_uuid>/"
urlpatterns = [
    path(P, views.overview, name="overview"),
    path(P + "settings/", views.settings_edit, name="settings"),
    path(P + "refer/", views.refer, name="refer"),
    path(P + "new/", views.engagement_new, name="engagement_new"),
    path(P + "coaches/invite/", views.coach_invite, name="coach_invite"),
    path(P + "mine/", views.mine, name="mine"),
    path(E, views.engagement, name="engagement"),
    path(E + "end/", views.engagement_end, name="engagement_end"),
    path(P + "values/", views.values, name="values"),
    path(P + "values/share/", views.values_share, name="values_share"),
    path(P + "values/<uuid:rel_uuid>/", views.values_shared, name="values_shared"),
]
