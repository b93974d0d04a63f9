from django.urls import path

from dyad.profiles import views

app_name = "profiles"
urlpatterns = [
    path("me/guide-profile/", views.edit_guide, name="edit_guide"),
    path("me/learner-profile/", views.edit_learner, name="edit_learner"),
    path("p/<slug:slug>/directory/", views.directory, name="directory"),
    path("p/<slug:slug>/guides/<uuid:profile_uuid>/", views.guide_detail, name="guide_detail"),
    path("p/<slug:slug>/content-areas/", views.content_areas, name="content_areas"),
    path("p/<slug:slug>/content-areas/add/", views.content_area_add, name="content_area_add"),
]
