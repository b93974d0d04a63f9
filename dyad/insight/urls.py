from django.urls import path

from dyad.insight import views

app_name = "insight"
P = "p/<slug:slug>/insight/"
urlpatterns = [
    path("insight/", views.institution, name="institution"),
    path(P, views.program, name="program"),
    path(P + "figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path(P + "people.csv", views.people_csv, name="people_csv"),
    path(P + "people.xlsx", views.people_xlsx, name="people_xlsx"),
    path(P + "report.pdf", views.report_pdf, name="report_pdf"),
    path(P + "<slug:key>.csv", views.section_csv, name="section_csv"),
]
