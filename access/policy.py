"""Who may see and change which records: the one permission policy of Onroll.

Views, lists, counts, search, exports and commands all ask these functions,
so each rule lives here once. The rules fail closed: a user who is not
signed in, is inactive, has no organisation, or whose role does not fit the
kind of their organisation sees nothing. A user's organisation is read from
the database on every request, so moving a user changes their access at
their next request.

Scope by role:

- Local authority staff see their own authority's records.
- A school user sees the placements whose school is their school, in any
  state, and the children of those placements.
- A partner agency user sees only the children shared with their agency
  (access.models.Share), and only the parts shared.
- An analyst sees aggregate counts only, never a named record.

Children's records hold special category data (UK GDPR Article 9: health,
and data about offences under Article 10), so sensitive characteristics are
shown only to the roles whose work needs them (Data Protection Act 2018,
Schedule 1, Part 2, paragraph 18: safeguarding of children).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from access.models import Organisation, Share, User

Role = User.Role
Kind = Organisation.Kind

# Local authority staff who work on named records of their own authority.
LA_STAFF_ROLES = frozenset(
    {
        Role.ADMISSIONS_OFFICER,
        Role.INCLUSION_OFFICER,
        Role.FAIR_ACCESS_COORDINATOR,
        Role.SERVICE_MANAGER,
        Role.ASSISTANT_DIRECTOR,
        Role.ADMINISTRATOR,
    }
)

# LA staff who may read sensitive characteristics in full: those who decide
# placements and safeguard children. Administrators run the system and
# need no case detail.
LA_SENSITIVE_ROLES = LA_STAFF_ROLES - {Role.ADMINISTRATOR}

ALL_PARTS = frozenset(Share.PARTS)

# What a school sees of a child placed with it: enough to admit the child and
# reach the family. Risk assessments and case timelines stay with the LA.
SCHOOL_PARTS = frozenset({"identity", "contacts", "vulnerability", "placements"})

# Characteristics about offending and exploitation: whether the child has one
# is itself sensitive (UK GDPR Article 10, criminal offence data), so only
# allowed roles see even the kind.
OFFENCE_KINDS = frozenset({"youth_justice", "exploitation_risk"})

# Social care characteristics: the kind may be shown, but the detail and
# evidence come from social care records and are restricted.
SOCIAL_CARE_KINDS = frozenset({"child_in_need", "child_protection", "looked_after"})

RESTRICTED_LABEL = "Sensitive characteristic (restricted)"


def organisation_of(user: Any) -> Organisation | None:
    """Return the organisation whose records the user may work on, or None.

    None for anonymous and inactive users, users with no organisation, and
    users whose role does not fit their organisation's kind.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    organisation = user.organisation
    if organisation is None:
        return None
    if organisation.kind not in User.ROLE_ORGANISATION_KINDS.get(user.role, set()):
        return None
    return organisation


def is_la_staff(user: Any) -> bool:
    organisation = organisation_of(user)
    return organisation is not None and user.role in LA_STAFF_ROLES


def is_school_user(user: Any) -> bool:
    organisation = organisation_of(user)
    return organisation is not None and user.role == Role.SCHOOL_USER


def is_partner(user: Any) -> bool:
    organisation = organisation_of(user)
    return organisation is not None and user.role == Role.PARTNER


def is_analyst(user: Any) -> bool:
    organisation = organisation_of(user)
    return organisation is not None and user.role == Role.ANALYST


def can_see_named_records(user: Any) -> bool:
    """Return whether the user may open any page about a named child.

    An analyst works with aggregates only, so gets no named record.
    """
    return is_la_staff(user) or is_school_user(user) or is_partner(user)


def can_see_aggregates(user: Any) -> bool:
    # Counts help LA staff plan as well as analysts; schools and partners
    # see only their own children.
    return is_la_staff(user) or is_analyst(user)


def can_register_child(user: Any) -> bool:
    """Return whether the user may record a new child and application."""
    return is_la_staff(user)


# Lists -----------------------------------------------------------------------


def _active_shares(organisation: Organisation) -> QuerySet:
    return Share.objects.filter(organisation=organisation, revoked_at__isnull=True)


def visible_children(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter a queryset of children to those the user may open."""
    organisation = organisation_of(user)
    if organisation is None:
        return queryset.none()
    if is_la_staff(user):
        # A child's record belongs to the authority that opened it, and also
        # opens to an authority that has taken on the child's CME case.
        authority_id = organisation.authority_id
        return queryset.filter(
            Q(authority_id=authority_id)
            | Q(
                pk__in=_cme_model()
                .objects.filter(authority_id=authority_id)
                .values("child_id")
            )
        )
    if is_school_user(user):
        return queryset.filter(
            pk__in=_placements_model()
            .objects.filter(school_id=organisation.school_id)
            .values("child_id")
        )
    if is_partner(user):
        return queryset.filter(pk__in=_active_shares(organisation).values("child_id"))
    return queryset.none()


def visible_placements(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter a queryset of placements to those the user may open.

    A partner sees a placement only when its child is shared with the
    placements part.
    """
    organisation = organisation_of(user)
    if organisation is None:
        return queryset.none()
    if is_la_staff(user):
        return queryset.filter(authority_id=organisation.authority_id)
    if is_school_user(user):
        return queryset.filter(school_id=organisation.school_id)
    if is_partner(user):
        return queryset.filter(
            child_id__in=_active_shares(organisation)
            .filter(placements=True)
            .values("child_id")
        )
    return queryset.none()


def _placements_model() -> Any:
    # Imported late: placements imports this module through its actions.
    from placements.models import Placement

    return Placement


def _children_model() -> Any:
    from children.models import Child

    return Child


def can_view_child(user: Any, child: Any) -> bool:
    return visible_children(
        user, _children_model().objects.filter(pk=child.pk)
    ).exists()


def can_view_placement(user: Any, placement: Any) -> bool:
    return visible_placements(
        user, _placements_model().objects.filter(pk=placement.pk)
    ).exists()


# Changes ---------------------------------------------------------------------


def can_change_child(user: Any, child: Any) -> bool:
    """Return whether the user may add to the child's vulnerability and risk record.

    Only staff of the child's own authority keep the record, and schools and
    partners only read it.
    """
    return is_la_staff(user) and user.organisation.authority_id == child.authority_id


def can_act_on_placement(user: Any, placement: Any) -> bool:
    """Return whether the user's organisation owns the case or is its offered school.

    Which transitions the user may make is the state table's rule
    (placements.states), checked on top of this.
    """
    if is_la_staff(user):
        return user.organisation.authority_id == placement.authority_id
    if is_school_user(user):
        return (
            placement.school_id is not None
            and user.organisation.school_id == placement.school_id
        )
    return False


# Roles that read the audit log. It shows who looked at which child, so it
# is for managers accountable for the service, not for caseworkers.
AUDIT_READER_ROLES = frozenset(
    {Role.SERVICE_MANAGER, Role.ADMINISTRATOR, Role.ASSISTANT_DIRECTOR}
)
# Roles that export a child's whole record for a subject access request
# (UK GDPR Article 15). The export contains every section, sensitive
# characteristics included, so only a role that may read all of them
# (LA_SENSITIVE_ROLES, which leaves out administrators) may export it.
SUBJECT_ACCESS_ROLES = frozenset({Role.SERVICE_MANAGER})


def can_search_audit_log(user: Any) -> bool:
    """Return whether the user is an LA manager who may read the audit log."""
    return is_la_staff(user) and user.role in AUDIT_READER_ROLES


def can_export_subject_access(user: Any, child: Any) -> bool:
    """Return whether the user may export everything held about the child."""
    return (
        is_la_staff(user)
        and user.role in SUBJECT_ACCESS_ROLES
        and can_view_child(user, child)
    )


def can_see_address_history(user: Any) -> bool:
    """Return whether the user may see where a child lives and has lived.

    Schools are left out: an address history can point to a refuge or to a
    home a parent fleeing abuse must not have shared, and a school receives
    the address it needs with the pupil's common transfer file.
    """
    return not is_school_user(user)


def can_share_child(user: Any, child: Any) -> bool:
    """Return whether the user may share the child's record or revoke a share.

    Sharing is a decision of the authority that keeps the record.
    """
    return can_change_child(user, child)


def share_partners(child: Any) -> QuerySet:
    """Return the partner agencies the child's record may be shared with.

    Only agencies working in the child's authority area.
    """
    return Organisation.objects.filter(
        kind__in=Organisation.PARTNER_KINDS, authority_id=child.authority_id
    )


# Parts of a child's record -----------------------------------------------------


def shared_parts(user: Any, child: Any) -> frozenset[str]:
    """Return the parts of the child's record the user may see (Share.PARTS).

    Empty when the user may not open the child at all. Each branch applies
    the same rule as visible_children, for one child.
    """
    organisation = organisation_of(user)
    if organisation is None:
        return frozenset()
    if is_la_staff(user):
        return (
            ALL_PARTS
            if child.authority_id == organisation.authority_id
            else frozenset()
        )
    if is_school_user(user):
        placed_here = (
            _placements_model()
            .objects.filter(child=child, school_id=organisation.school_id)
            .exists()
        )
        return SCHOOL_PARTS if placed_here else frozenset()
    if is_partner(user):
        share = _active_shares(organisation).filter(child=child).first()
        return frozenset(share.parts) if share is not None else frozenset()
    return frozenset()


def can_see_characteristic(user: Any, kind: str) -> bool:
    """Return whether the user may see that a child has a characteristic of this kind.

    The caller has already checked that the user sees the vulnerability part.
    """
    if kind in OFFENCE_KINDS:
        return _may_read_offence_kinds(user)
    return True


def can_see_characteristic_detail(user: Any, kind: str) -> bool:
    """Return whether the user may read a characteristic's detail and evidence."""
    if kind in OFFENCE_KINDS:
        return _may_read_offence_kinds(user)
    if kind in SOCIAL_CARE_KINDS:
        return _may_read_social_care_detail(user)
    return True


def _may_read_offence_kinds(user: Any) -> bool:
    # Police and youth justice share offending and exploitation intelligence
    # under the Crime and Disorder Act 1998, section 115.
    if is_la_staff(user):
        return user.role in LA_SENSITIVE_ROLES
    if is_partner(user):
        return user.organisation.kind in {Kind.POLICE, Kind.YOUTH_JUSTICE}
    return False


def _may_read_social_care_detail(user: Any) -> bool:
    # Social care detail is the social care service's own record.
    if is_la_staff(user):
        return user.role in LA_SENSITIVE_ROLES
    if is_partner(user):
        return user.organisation.kind == Kind.SOCIAL_CARE
    return False


@dataclass(frozen=True)
class CharacteristicView:
    """One characteristic as the user may see it; restricted ones carry no text."""

    label: str
    restricted: bool
    detail: str = ""
    evidence: str = ""
    source: str = ""
    recorded_on: date | None = None
    recorded_by: Any = None


def visible_characteristics(
    user: Any, child: Any, parts: frozenset[str] | None = None
) -> list[CharacteristicView]:
    """Return the child's characteristics with what the user may not read removed.

    Empty when the user does not see the vulnerability part. `parts` is
    shared_parts(user, child), when the caller has it already.
    """
    if parts is None:
        parts = shared_parts(user, child)
    if "vulnerability" not in parts:
        return []
    views = []
    for characteristic in child.vulnerabilities.select_related("recorded_by"):
        kind = characteristic.kind
        if not can_see_characteristic(user, kind):
            views.append(CharacteristicView(RESTRICTED_LABEL, restricted=True))
        elif not can_see_characteristic_detail(user, kind):
            views.append(
                CharacteristicView(
                    f"{characteristic.get_kind_display()} (detail restricted)",
                    restricted=True,
                    recorded_on=characteristic.recorded_on,
                )
            )
        else:
            views.append(
                CharacteristicView(
                    characteristic.get_kind_display(),
                    restricted=False,
                    detail=characteristic.detail,
                    evidence=characteristic.evidence,
                    source=characteristic.source,
                    recorded_on=characteristic.recorded_on,
                    recorded_by=characteristic.recorded_by,
                )
            )
    return views


def visible_kind_choices(user: Any) -> list[tuple[str, str]]:
    """Return the characteristic kinds the user may record, as form choices.

    Recording a kind the user may not read would let them learn from the
    duplicate check that a child has it.
    """
    from children.models import VulnerabilityCharacteristic

    return [
        (value, label)
        for value, label in VulnerabilityCharacteristic.Kind.choices
        if can_see_characteristic_detail(user, value)
    ]


# Aggregates --------------------------------------------------------------------


def suppression_threshold() -> int:
    return getattr(settings, "ONROLL_SUPPRESSION_THRESHOLD", 5)


def shown_count(user: Any, authority_id: int, count: int) -> str:
    """Write a count for the user, suppressing small counts of other authorities.

    A count below the threshold about a few children of an authority the
    user does not work for could identify them, so it is written as "fewer
    than N". Counts of the user's own authority are exact.
    """
    # NOTE: no secondary suppression, so an exact total beside suppressed
    # parts can still narrow a small count down by subtraction.
    organisation = organisation_of(user)
    own = organisation is not None and organisation.authority_id == authority_id
    threshold = suppression_threshold()
    if not own and count < threshold:
        return f"fewer than {threshold}"
    return str(count)


# Removals from roll and removal challenges ---------------------------------------

# LA roles that challenge a school's removal of a pupil.
CHALLENGE_ROLES = frozenset(
    {Role.ADMISSIONS_OFFICER, Role.INCLUSION_OFFICER, Role.SERVICE_MANAGER}
)


def can_notify_removal(user: Any) -> bool:
    """Return whether the user may notify the authority of a deletion from roll.

    Only the school's own staff make its deletion returns (SI 2024/208 reg 13(4)).
    """
    return is_school_user(user)


def visible_removals(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter a queryset of removal notices to those the user may open.

    LA staff see their own schools' notices and the moves of children into
    their area from another authority in the deployment. A school sees only
    the notices it made. A partner agency sees a notice flagged to it while
    the child is still shared with it.
    """
    organisation = organisation_of(user)
    if organisation is None:
        return queryset.none()
    if is_la_staff(user):
        return queryset.filter(
            Q(authority_id=organisation.authority_id)
            | Q(destination_authority_id=organisation.authority_id)
        )
    if is_school_user(user):
        return queryset.filter(school_id=organisation.school_id)
    if is_partner(user):
        return queryset.filter(
            partner_flags__organisation=organisation,
            child_id__in=_active_shares(organisation).values("child_id"),
        ).distinct()
    return queryset.none()


def expected_arrivals(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter removal notices to those naming the user's school as the destination."""
    if not is_school_user(user):
        return queryset.none()
    return queryset.filter(destination_school_id=user.organisation.school_id)


def visible_partner_flags(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter removal flags to the user's agency's, for children still shared."""
    if not is_partner(user):
        return queryset.none()
    organisation = user.organisation
    return queryset.filter(
        organisation=organisation,
        notice__child_id__in=_active_shares(organisation).values("child_id"),
    )


def can_see_removal_identity(user: Any, notice: Any) -> bool:
    """Return whether the user sees the pupil's date of birth and UPN on the notice.

    LA staff who may open the notice see them. A partner agency sees them only
    when its share of the child includes the identity part, as on the child's
    page (shared_parts).
    """
    if is_la_staff(user):
        return True
    return "identity" in shared_parts(user, notice.child)


def can_act_on_removal(user: Any, notice: Any) -> bool:
    """Return whether the user may challenge the notice: an officer of its authority."""
    return (
        is_la_staff(user)
        and user.role in CHALLENGE_ROLES
        and user.organisation.authority_id == notice.authority_id
    )


def visible_challenges(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter removal challenges to those of the user's authority (LA staff only)."""
    if not is_la_staff(user):
        return queryset.none()
    return queryset.filter(authority_id=user.organisation.authority_id)


def can_act_on_challenge(user: Any, challenge: Any) -> bool:
    return (
        is_la_staff(user)
        and user.role in CHALLENGE_ROLES
        and user.organisation.authority_id == challenge.authority_id
    )


def can_see_removal_lists(user: Any) -> bool:
    """Return whether the user may open the authority's removal lists and reports."""
    return is_la_staff(user)


# Children missing education (cme) ---------------------------------------------

# LA roles that work CME cases. Administrators configure the enquiry
# checklist in the admin pages but do not see case detail.
CME_CASEWORK_ROLES = frozenset(
    {Role.INCLUSION_OFFICER, Role.ADMISSIONS_OFFICER, Role.SERVICE_MANAGER}
)


def _cme_model() -> Any:
    from cme.models import CmeCase

    return CmeCase


def visible_cme_cases(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter a queryset of CME cases to those the user may open.

    LA staff see the cases their authority owns, and a case another authority
    has asked them to take on until they accept or reject it. A school user sees a case
    only while it waits for the school to confirm the child on its roll.
    Partner agencies and analysts see none.
    """
    organisation = organisation_of(user)
    if organisation is None:
        return queryset.none()
    if is_la_staff(user) and user.role in LA_SENSITIVE_ROLES:
        authority_id = organisation.authority_id
        return queryset.filter(
            Q(authority_id=authority_id)
            | Q(transfers__to_authority_id=authority_id, transfers__status="requested")
        ).distinct()
    if is_school_user(user):
        return queryset.filter(
            outcome_school_id=organisation.school_id, state="awaiting_school"
        )
    return queryset.none()


def cme_transfer_away(user: Any, case_id: int) -> Any:
    """Return the latest accepted transfer of the case away from the user's authority.

    None when there is none or the user may not open the CME pages. Staff of
    an authority that sent a case on may learn where it went and when, but
    not see the case itself (visible_cme_cases).
    """
    if not can_see_cme_lists(user):
        return None
    from cme.models import Transfer

    return (
        Transfer.objects.filter(
            case_id=case_id,
            from_authority_id=user.organisation.authority_id,
            status=Transfer.Status.ACCEPTED,
        )
        .select_related("to_authority")
        .order_by("-decided_at", "-pk")
        .first()
    )


def can_view_cme_case(user: Any, case: Any) -> bool:
    return visible_cme_cases(user, _cme_model().objects.filter(pk=case.pk)).exists()


def can_see_cme_lists(user: Any) -> bool:
    """Return whether the user may open the CME worklist and the CME list pages."""
    return is_la_staff(user) and user.role in LA_SENSITIVE_ROLES


def can_refer_cme(user: Any) -> bool:
    return is_la_staff(user) and user.role in CME_CASEWORK_ROLES


def can_act_on_cme_case(user: Any, case: Any) -> bool:
    """Return whether the user works for the authority that owns the case.

    Which actions the user may take is the state table's rule (cme.states),
    checked on top of this.
    """
    return (
        is_la_staff(user)
        and user.role in CME_CASEWORK_ROLES
        and user.organisation.authority_id == case.authority_id
    )


def can_decide_cme_transfer(user: Any, case: Any) -> bool:
    """Return whether the user may accept or reject a transfer of the case to them."""
    return (
        is_la_staff(user)
        and user.role in CME_CASEWORK_ROLES
        and case.transfers.filter(
            status="requested", to_authority_id=user.organisation.authority_id
        ).exists()
    )


def can_confirm_cme_on_roll(user: Any, case: Any) -> bool:
    """Return whether the user is staff of the school the case names as the child's."""
    return (
        is_school_user(user)
        and case.outcome_school_id is not None
        and user.organisation.school_id == case.outcome_school_id
    )


def can_make_absence_return(user: Any) -> bool:
    return is_school_user(user)
