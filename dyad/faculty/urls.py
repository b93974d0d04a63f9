from django.urls import path

from dyad.faculty import views

app_name = "faculty"
P = "p/<slug:slug>/faculty/"
G = P + "<uuid:user_uuid>/"
urlpatterns = [
    path(P + "load/", views.load, name="load"),
    path(P + "load.csv", views.load_csv, name="load_csv"),
    path(G + "portfolio/", views.guide_portfolio, name="guide_portfolio"),
    path(G + "portfolio.pdf", views.guide_portfolio_pdf, name="guide_portfolio_pdf"),
    path("me/portfolio/", views.my_portfolio, name="my_portfolio"),
    path("me/portfolio.pdf", views.my_portfolio_pdf, name="my_portfolio_pdf"),
]
