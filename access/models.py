"""Organisations, their teams, the people who sign in, and what is shared.

What each user may see and change is decided in access.policy, from the
user's role and organisation. These models store the facts it reads.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A body whose staff sign in: a local authority, a school or a partner agency.

    `authority` is the local authority itself for an LA, the school's
    authority for a school, and the area a partner agency works with for a
    partner agency.
    """

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        SCHOOL = "school", "School"
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        YOUTH_JUSTICE = "youth_justice", "Youth justice service"
        HEALTH = "health", "Health"

    PARTNER_KINDS = frozenset(
        {Kind.SOCIAL_CARE, Kind.POLICE, Kind.YOUTH_JUSTICE, Kind.HEALTH}
    )

    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(max_length=200)
    authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="organisations"
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The school, for a school's organisation only.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="school") & Q(school__isnull=False))
                | (~Q(kind="school") & Q(school__isnull=True)),
                name="school_set_only_for_school_kind",
                violation_error_message="A school's organisation names its school, "
                "and no other kind of organisation names a school.",
            ),
            models.UniqueConstraint(
                fields=["authority"],
                condition=Q(kind="local_authority"),
                name="one_organisation_per_authority",
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(school__isnull=False),
                name="one_organisation_per_school",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind in self.PARTNER_KINDS

    def clean(self) -> None:
        if (
            self.kind == self.Kind.SCHOOL
            and self.school_id is not None
            and self.authority_id is not None
            and self.school.authority_id != self.authority_id
        ):
            raise ValidationError(
                {
                    "authority": f"{self.school} belongs to {self.school.authority}, "
                    f"not {self.authority}. Choose the school's own authority."
                }
            )


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class User(AbstractUser):
    """A person who signs in: LA staff, a school's staff or a partner agency's staff.

    Every user except a superuser belongs to an organisation. access.policy
    shows a user with no organisation nothing.
    """

    class Role(models.TextChoices):
        ADMISSIONS_OFFICER = "admissions_officer", "Admissions officer"
        INCLUSION_OFFICER = "inclusion_officer", "Inclusion (CME) officer"
        FAIR_ACCESS_COORDINATOR = "fair_access_coordinator", "Fair Access coordinator"
        SERVICE_MANAGER = "service_manager", "Service manager"
        ASSISTANT_DIRECTOR = "assistant_director", "Assistant director"
        ADMINISTRATOR = "administrator", "Administrator"
        ANALYST = "analyst", "Analyst"
        SCHOOL_USER = "school_user", "School user"
        PARTNER = "partner", "Partner agency user"

    # The organisation kinds each role belongs to; access.policy grants a
    # user nothing when the two do not match.
    ROLE_ORGANISATION_KINDS = {
        Role.ADMISSIONS_OFFICER: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.INCLUSION_OFFICER: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.FAIR_ACCESS_COORDINATOR: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.SERVICE_MANAGER: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.ASSISTANT_DIRECTOR: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.ADMINISTRATOR: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.ANALYST: {Organisation.Kind.LOCAL_AUTHORITY},
        Role.SCHOOL_USER: {Organisation.Kind.SCHOOL},
        Role.PARTNER: set(Organisation.PARTNER_KINDS),
    }

    role = models.CharField(
        max_length=30, choices=Role, default=Role.ADMISSIONS_OFFICER
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Required for everyone except superusers.",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="users"
    )

    def clean(self) -> None:
        super().clean()
        if self.organisation_id is None:
            if not self.is_superuser:
                raise ValidationError(
                    {"organisation": "Choose the organisation this user works for."}
                )
            return
        kinds = self.ROLE_ORGANISATION_KINDS.get(self.role, set())
        if self.organisation.kind not in kinds:
            raise ValidationError(
                {
                    "role": f"The role {self.get_role_display()} does not fit "
                    f"{self.organisation}, a {self.organisation.get_kind_display()} "
                    "organisation. Choose a role for that kind of organisation, or "
                    "another organisation."
                }
            )
        if (
            self.team_id is not None
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {
                    "team": f"The team {self.team.name} belongs to "
                    f"{self.team.organisation}, not {self.organisation}. Choose one "
                    f"of {self.organisation}'s teams."
                }
            )

    # The authority and school a user works for, derived from the
    # organisation so that there is one place to move a user. Like the fields
    # they replace, `authority` is set only for local authority staff and
    # `school` only for school staff.

    @property
    def authority_id(self) -> int | None:
        organisation = self.organisation
        if (
            organisation is None
            or organisation.kind != Organisation.Kind.LOCAL_AUTHORITY
        ):
            return None
        return organisation.authority_id

    @property
    def authority(self):  # -> schools.models.Authority | None
        return self.organisation.authority if self.authority_id is not None else None

    @property
    def school_id(self) -> int | None:
        organisation = self.organisation
        return None if organisation is None else organisation.school_id

    @property
    def school(self):  # -> schools.models.School | None
        return self.organisation.school if self.school_id is not None else None

    @property
    def is_la_staff(self) -> bool:
        # Imported here because access.policy imports this module.
        from access import policy

        return policy.is_la_staff(self)


class Share(models.Model):
    """A child's record shared with a partner agency, in the parts the sharer chose.

    A revoked share keeps its row, with who revoked it and when, so the
    history of what was shared stays on record.
    """

    PARTS = ("identity", "contacts", "vulnerability", "risk", "placements", "timeline")

    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="shares"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shares"
    )
    identity = models.BooleanField(
        default=False,
        help_text="Date of birth, sex, UPN, NHS number, preferred and former names.",
    )
    contacts = models.BooleanField(
        default=False, help_text="Addresses and parents or carers."
    )
    vulnerability = models.BooleanField(
        default=False, help_text="The vulnerability profile."
    )
    risk = models.BooleanField(default=False, help_text="The current risk assessment.")
    placements = models.BooleanField(
        default=False, help_text="Placement cases, without their timelines."
    )
    timeline = models.BooleanField(
        default=False, help_text="The timeline of every case, with notes."
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_share_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(identity=True)
                | Q(contacts=True)
                | Q(vulnerability=True)
                | Q(risk=True)
                | Q(placements=True)
                | Q(timeline=True),
                name="share_has_a_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} shared with {self.organisation}"

    @property
    def parts(self) -> tuple[str, ...]:
        """The names of the parts shared, in the order of PARTS."""
        return tuple(part for part in self.PARTS if getattr(self, part))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
