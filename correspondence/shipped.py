"""The email templates Onroll ships, and how to install them.

The texts are in shipped_texts/, one file per part. Migration 0002 installs
them as version 1 of each template. A later change to a shipped text reaches
existing deployments only through a migration of its own (or an
administrator's edit), because install() leaves existing templates alone.
"""

from pathlib import Path

from django.utils import timezone

TEXTS = Path(__file__).parent / "shipped_texts"

PLACEMENT_FIELDS = [
    "child.full_name",
    "child.legal_first_name",
    "child.date_of_birth",
    "child.upn",
    "school.name",
    "school.head_teacher",
    "placement.pk",
    "placement.year_group",
    "placement.offered_on",
    "placement.agreed_start_on",
    "placement.request_sent_on",
    "placement.due_on",
    "reply_days",
    "reply_url",
    "reply_link_expires_at",
]
CHILD = ["child.full_name", "child.date_of_birth", "child.upn"]
# Every letter of a removal challenge (removals.letters) has these fields.
REMOVAL = [
    *CHILD,
    "school.name",
    "school.head_teacher",
    "school.trust",
    "authority.name",
    "case.pk",
    "addressee",
    "deletion_on",
    "ground",
    "destination",
    "concerns",
    "reason",
    "reply_due_on",
]
FAIR_ACCESS = [*CHILD, "school.name", "school.head_teacher", "case.pk", "year_group"]

TEMPLATES = [
    (
        "on_roll_request",
        "On-roll request",
        "Sent to the school when an officer sends the on-roll request.",
        PLACEMENT_FIELDS,
    ),
    (
        "chase_first",
        "First chase",
        "Sent to the school when its reply to an on-roll request is overdue.",
        [*PLACEMENT_FIELDS, "number"],
    ),
    (
        "chase_second",
        "Second chase",
        "Sent to the school when its reply is still overdue after the first chase.",
        [*PLACEMENT_FIELDS, "number"],
    ),
    (
        "escalation_head_teacher",
        "Escalation to the head teacher",
        "Sent to the school's head teacher when the chases have had no reply.",
        PLACEMENT_FIELDS,
    ),
    (
        "cme_referral_acknowledgement",
        "Missing education referral acknowledgement",
        "Sent to whoever referred a child as missing education.",
        [
            *CHILD,
            "referrer_name",
            "authority.name",
            "case.pk",
            "received_on",
            "review_due_on",
        ],
    ),
    (
        "removal_challenge_informal",
        "Removal challenge (informal)",
        "Sent to the school when an officer questions a removal from roll.",
        REMOVAL,
    ),
    (
        "removal_challenge_formal",
        "Removal challenge (formal)",
        "Sent to the head teacher when the informal challenge has not settled it.",
        REMOVAL,
    ),
    (
        "removal_challenge_governing_board",
        "Removal challenge (governing board)",
        "Sent to a maintained school's governing board when the formal "
        "challenge has not settled it.",
        REMOVAL,
    ),
    (
        "removal_challenge_trust",
        "Removal challenge (academy trust)",
        "Sent to an academy's trust when the formal challenge has not settled it.",
        REMOVAL,
    ),
    (
        "removal_challenge_dfe",
        "Removal challenge (Department for Education)",
        "Sent to the Department for Education when the trust has not settled it.",
        REMOVAL,
    ),
    (
        "fair_access_allocation",
        "Fair Access allocation",
        "Sent to the school the Fair Access panel allocated the child to.",
        [*FAIR_ACCESS, "panel_on", "admit_by_on"],
    ),
    (
        "direction_consultation",
        "Direction consultation",
        "Sent to the governing body before the authority directs it to admit.",
        [*FAIR_ACCESS, "consultation_ends_on"],
    ),
]


def install(template_model, version_model) -> None:
    """Create each shipped template that is missing, as version 1.

    Takes the model classes so that a migration can pass its historical ones.
    """
    now = timezone.now()
    existing = set(template_model.objects.values_list("name", flat=True))
    for name, title, description, fields in TEMPLATES:
        if name in existing:
            continue
        parts = {
            "subject": " ".join((TEXTS / f"{name}.subject").read_text().split()),
            "text": (TEXTS / f"{name}.txt").read_text(),
            "html": (TEXTS / f"{name}.html").read_text(),
        }
        template = template_model.objects.create(
            name=name,
            title=title,
            description=description,
            merge_fields=fields,
            version=1,
            **parts,
        )
        version_model.objects.create(template=template, number=1, saved_at=now, **parts)
