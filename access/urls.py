from django.urls import path

from access import two_factor_views, views

app_name = "access"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("two-factor/set-up/", two_factor_views.totp_setup, name="totp_setup"),
    path("two-factor/verify/", two_factor_views.totp_verify, name="totp_verify"),
    path("children/<int:pk>/shares/new/", views.share_child, name="share_child"),
    path(
        "children/<int:pk>/shares/<int:share_pk>/revoke/",
        views.revoke_share,
        name="revoke_share",
    ),
]
