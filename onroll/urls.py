from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from placements.forms import SignInForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("children/", include("children.urls")),
    path("audit/", include("audit.urls")),
    path("children/", include("privacy.urls")),
    path("", include("access.urls")),
    path("", include("placements.urls")),
]
