from django.urls import path

from removals import views

app_name = "removals"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/challenge/", views.open_challenge, name="open_challenge"),
    path("home-education/", views.home_education, name="home_education"),
    path("flags/", views.partner_flags, name="partner_flags"),
    path("challenges/", views.challenge_list, name="challenges"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge"),
    path(
        "challenges/<int:pk>/<str:name>/",
        views.challenge_transition,
        name="challenge_transition",
    ),
    path(
        "reports/unknown-destinations/",
        views.unknown_destinations_report,
        name="unknown_destinations",
    ),
    path("reports/counts/", views.counts_report, name="counts"),
]
