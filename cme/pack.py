"""The referral pack sent to an authority outside this Onroll deployment.

It carries what the receiving authority needs to carry on the search: who
the child is, where they were last known, why they are missing, what has
been tried, and the case's timeline. The pack is built here once, and the
page renders it as JSON or as printable HTML.
"""

from typing import Any

from casework.timeline import events_for
from cme.models import CmeCase
from placements.templatetags.onroll import event_label


def referral_pack(case: CmeCase) -> dict[str, Any]:
    child = case.child
    school = case.last_known_school
    return {
        "case": {
            "reference": f"{case.authority.code}-CME-{case.pk}",
            "authority": case.authority.name,
            "referred_on": case.referred_on.isoformat() if case.referred_on else None,
            "source": case.get_source_display(),
            "reason": case.reason,
            "priority": case.get_priority_display(),
            "safeguarding_concerns": case.safeguarding_concerns,
            "state": case.get_state_display(),
        },
        "child": {
            "legal_first_name": child.legal_first_name,
            "legal_last_name": child.legal_last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "sex": child.get_sex_display(),
            "upn": child.upn,
            "last_known_address": case.last_known_address,
            "last_known_school": (
                {"name": school.name, "urn": school.urn} if school else None
            ),
        },
        "missing_periods": [
            {
                "from": period.started_on.isoformat(),
                "to": period.ended_on.isoformat() if period.ended_on else None,
            }
            for period in case.missing_periods.all()
        ],
        "enquiries": [
            {
                "enquiry": enquiry.kind.label,
                "made_on": enquiry.made_on.isoformat(),
                "result": enquiry.get_result_display(),
                "note": enquiry.note,
            }
            for enquiry in case.enquiries.select_related("kind")
        ],
        # The concern itself stays with the agencies that keep it, so the pack
        # states only that a referral was made, to which agency and when.
        "safeguarding_referrals": [
            {
                "agency": referral.get_agency_display(),
                "referred_on": referral.referred_on.isoformat(),
            }
            for referral in case.safeguarding_referrals.all()
        ],
        "timeline": [
            {
                "at": event.at.isoformat(),
                "event": event_label(event.kind),
                "by": event.actor_label,
                "note": event.note,
            }
            for event in events_for(case)
        ],
        "earlier_history": case.history,
    }
