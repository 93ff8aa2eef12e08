from django.urls import path

from access import views

app_name = "access"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("children/<int:pk>/shares/new/", views.share_child, name="share_child"),
    path(
        "children/<int:pk>/shares/<int:share_pk>/revoke/",
        views.revoke_share,
        name="revoke_share",
    ),
]
