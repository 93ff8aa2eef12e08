"""Recording events on a case's timeline."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from casework.models import Event


def record_event(
    case,
    kind: str,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> Event:
    return Event.objects.create(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        child_id=case.child_id,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=timezone.now(),
        note=note,
        data=data or {},
    )


def events_for(case):
    return Event.objects.filter(
        case_type=ContentType.objects.get_for_model(case), case_id=case.pk
    ).select_related("actor")
