"""First pages after sign-in: a school's requests for school staff, the
worklist for everyone else."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import reverse

from access.models import User


def home_url(user: Any) -> str:
    """Return the first page for the user: /school/ for school users, else /."""
    if getattr(user, "role", None) == User.Role.SCHOOL_USER:
        return reverse("school:requests")
    return reverse("placements:worklist")


class SignInView(auth_views.LoginView):
    """Django's sign-in page, sending each user to their own first page.

    Anonymous visitors to the worklist are sent to sign in with next=/, so a
    school user arriving that way goes to /school/ instead of a 403 page.
    """

    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = self.get_redirect_url()
        if not url or url == reverse("placements:worklist"):
            return home_url(self.request.user)
        return url
