from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: local authority staff or a school's staff."""

    class Role(models.TextChoices):
        ADMISSIONS_OFFICER = "admissions_officer", "Admissions officer"
        INCLUSION_OFFICER = "inclusion_officer", "Inclusion (CME) officer"
        SERVICE_MANAGER = "service_manager", "Service manager"
        ADMINISTRATOR = "administrator", "Administrator"
        SCHOOL_USER = "school_user", "School user"

    role = models.CharField(
        max_length=30, choices=Role, default=Role.ADMISSIONS_OFFICER
    )
    authority = models.ForeignKey(
        "schools.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="The authority whose records an LA officer works on.",
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="The school a school user works for.",
    )

    @property
    def is_la_staff(self) -> bool:
        return self.authority_id is not None and self.role != self.Role.SCHOOL_USER
