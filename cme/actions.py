"""Actions that open and change children-missing-education cases."""

from django.db import transaction
from django.utils import timezone

from audit import changes as audit_changes
from audit.log import record
from casework.timeline import events_for, record_event
from children.models import Child
from cme.models import CmeCase
from schools.models import Authority, School


@transaction.atomic
def refer(
    *,
    child: Child,
    authority: Authority,
    source: str,
    reason: str,
    referred_by=None,
    last_known_school: School | None = None,
    source_case=None,
) -> CmeCase:
    """Open a CME case for the child, carrying the source case's timeline.

    A second referral from the same source case returns the case already
    opened rather than creating another.
    """
    history = []
    source_case_type = ""
    source_case_id = None
    if source_case is not None:
        source_case_type = source_case._meta.label_lower
        source_case_id = source_case.pk
        existing = CmeCase.objects.filter(
            source_case_type=source_case_type, source_case_id=source_case_id
        ).first()
        if existing is not None:
            return existing
        history = [
            {
                "at": event.at.isoformat(),
                "kind": event.kind,
                "actor": event.actor_label,
                "note": event.note,
            }
            for event in events_for(source_case)
        ]
    address = child.addresses.order_by("-moved_in").first()
    now = timezone.now()
    case = CmeCase.objects.create(
        authority=authority,
        child=child,
        state="open",
        opened_at=now,
        source=source,
        referred_by=referred_by,
        reason=reason,
        last_known_school=last_known_school,
        last_known_address=str(address) if address else "",
        history=history,
        source_case_type=source_case_type,
        source_case_id=source_case_id,
    )
    record_event(case, "cme.referred", actor=referred_by, to_state="open", note=reason)
    record(
        "cme.refer",
        actor=referred_by,
        target=case,
        changes=audit_changes.created(case),
    )
    return case
