"""Give every existing authority the default enquiry checklist, and give
cases opened before missing periods existed their referral day and one
open missing period."""

from django.db import migrations

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


def forwards(apps, schema_editor):
    Authority = apps.get_model("schools", "Authority")
    EnquiryKind = apps.get_model("cme", "EnquiryKind")
    CmeCase = apps.get_model("cme", "CmeCase")
    MissingPeriod = apps.get_model("cme", "MissingPeriod")
    for authority in Authority.objects.all():
        for order, (code, label) in enumerate(DEFAULT_KINDS, start=1):
            EnquiryKind.objects.get_or_create(
                authority=authority,
                code=code,
                defaults={"label": label, "order": order},
            )
    for case in CmeCase.objects.filter(referred_on__isnull=True):
        case.referred_on = case.opened_at.date()
        case.save(update_fields=["referred_on"])
        MissingPeriod.objects.create(
            case=case,
            started_on=case.referred_on,
            ended_on=case.closed_at.date() if case.closed_at else None,
        )


class Migration(migrations.Migration):
    dependencies = [("cme", "0002_casework")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
