"""Demo emails: the on-roll requests of the demo's requested placements.

The journeys build each case's rows directly, so no action queued the
request a real case would have sent. This queues it through the outbox for
the most recent requests, so that the case pages list an email and
`make demo` has something for `send_outbox --once` to write to sent-mail/.
"""

from placements import emails
from placements.models import Placement
from placements.states import State

# Enough to show on the case pages without filling sent-mail/ with hundreds.
DEMO_EMAILS = 20


def queue_demo_emails(child_ids: list[int]) -> int:
    """Queue the on-roll request of the latest requested demo placements."""
    placements = (
        Placement.objects.filter(child_id__in=child_ids, state=State.REQUESTED)
        .exclude(school__email="")
        .select_related("child", "school")
        .order_by("-request_sent_on", "pk")[:DEMO_EMAILS]
    )
    count = 0
    for placement in placements:
        emails.queue_on_roll_request(placement)
        count += 1
    return count
