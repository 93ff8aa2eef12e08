"""The arrival sweep: refer a removed pupil the new school has not confirmed.

When a notice names a destination school in the deployment, that school has
ONROLL_REMOVALS["arrival_days"] school days to confirm the pupil on roll.
The sweep selects awaited arrivals whose `arrival_due_at` has passed (the
partial index `removal_arrival_due` serves this query) and opens a CME case
for each. It claims a notice with a conditional UPDATE on the `version` and
`arrival_due_at` it read, so when two sweeps run at once exactly one acts on
each notice. The claim also clears `arrival_due_at`, so a later sweep finds
nothing more to do.
"""

import logging
from collections import Counter
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.log import record
from casework.timeline import record_event
from onroll.formatters import long_date
from removals import actions
from removals.models import RemovalNotice

logger = logging.getLogger(__name__)


def due_arrivals(now: datetime):
    return RemovalNotice.objects.filter(
        arrival=RemovalNotice.Arrival.AWAITED, arrival_due_at__lte=now
    )


def sweep(now: datetime | None = None, batch_size: int | None = None) -> Counter:
    """Refer every unconfirmed arrival due by `now` and return a count per outcome."""
    now = now or timezone.now()
    batch_size = batch_size or settings.ONROLL_SWEEP_BATCH_SIZE
    outcomes: Counter = Counter()
    last_pk = 0
    while True:
        batch = list(
            due_arrivals(now)
            .filter(pk__gt=last_pk)
            .select_related("child", "school", "destination_school", "authority")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return outcomes
        for notice in batch:
            with transaction.atomic():
                outcomes[_act(notice)] += 1
        last_pk = batch[-1].pk


def _act(notice: RemovalNotice) -> str:
    claimed = RemovalNotice.objects.filter(
        pk=notice.pk,
        version=notice.version,
        arrival=RemovalNotice.Arrival.AWAITED,
        arrival_due_at=notice.arrival_due_at,
    ).update(
        version=F("version") + 1,
        arrival=RemovalNotice.Arrival.REFERRED_CME,
        arrival_due_at=None,
    )
    if claimed != 1:
        return "claimed_elsewhere"
    reason = (
        f"{notice.school.name} removed {notice.pupil_name} from roll on "
        f"{long_date(notice.deletion_on)}, naming {notice.destination_school.name} "
        f"as the new school, which had not confirmed the pupil on roll by "
        f"{long_date(notice.arrival_due_on)}."
    )
    record(
        "removal.arrival_overdue",
        target=notice,
        changes={"arrival": [RemovalNotice.Arrival.AWAITED, "referred_cme"]},
    )
    record_event(notice, "removal.arrival_overdue", note=reason)
    actions.refer_missing_arrival(notice, reason)
    return "referred"
