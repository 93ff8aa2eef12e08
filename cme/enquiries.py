"""The default checklist of reasonable enquiries, created for each authority.

The items follow the enquiries the CME statutory guidance (September 2025)
and local authority procedures expect before a child is recorded as not
found: the last school and siblings' schools, contacts, a home visit, the
partner agencies, neighbouring authorities, the lost pupils database on
School to School (S2S) and, for a move abroad, confirmation of it. Every
item but the confirmation of a move abroad is required before "not found".
"""

from cme.models import EnquiryKind
from schools.models import Authority

DEFAULT_KINDS = (
    ("last_school", "Last known school"),
    ("siblings_schools", "Siblings' schools"),
    ("emergency_contacts", "Emergency contacts"),
    ("home_visit", "Home visit"),
    ("health", "Health (GP, school nurse, health visitor)"),
    ("housing", "Housing"),
    ("social_care", "Children's social care"),
    ("police", "Police"),
    ("youth_justice", "Youth justice service"),
    ("neighbouring_authorities", "Neighbouring authorities"),
    ("lost_pupils_database", "Lost pupils database (S2S)"),
    ("abroad_confirmation", "Confirmation of a move abroad"),
)

# Items made only when there is reason for them, so a case may be recorded as
# not found without them. A move abroad is confirmed only where the child is
# thought to have gone abroad.
NOT_REQUIRED_BEFORE_NOT_FOUND = frozenset({"abroad_confirmation"})


def create_default_kinds(authority: Authority) -> None:
    """Give the authority any default checklist item it does not have yet."""
    existing = set(
        EnquiryKind.objects.filter(authority=authority).values_list("code", flat=True)
    )
    EnquiryKind.objects.bulk_create(
        EnquiryKind(
            authority=authority,
            code=code,
            label=label,
            order=order,
            required_before_not_found=code not in NOT_REQUIRED_BEFORE_NOT_FOUND,
        )
        for order, (code, label) in enumerate(DEFAULT_KINDS, start=1)
        if code not in existing
    )


def checklist(authority_id: int):
    return EnquiryKind.objects.filter(authority_id=authority_id, active=True)


def required_before_not_found(authority_id: int):
    """Return the active checklist items a case needs before "not found"."""
    return checklist(authority_id).filter(required_before_not_found=True)
