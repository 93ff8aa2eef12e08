from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from placements.forms import SignInForm
from placements.home import SignInView

urlpatterns = [
    path(
        "sign-in/",
        SignInView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("children/", include("children.urls")),
    path("audit/", include("audit.urls")),
    path("children/", include("privacy.urls")),
    path("", include("access.urls")),
    path("school/", include("placements.school_urls")),
    path("removals/", include("removals.urls")),
    path("school/removals/", include("removals.school_urls")),
    path("cme/", include("cme.urls")),
    path("school/cme/", include("cme.school_urls")),
    path("exceptions/", include("casework.urls")),
    path("", include("placements.urls")),
]
