"""Demo removals from roll: one or more on each route, and one challenge.

A demo registrar at a Leicestershire school notifies the removals, so the
Leicestershire officer sees them, the police and social care demo users see
the flag on a shared vulnerable child, and the Leicester demo school user
has a pupil to confirm on roll. The pupils the notices register are marked
as demo children, so the next run of load_demo replaces them.
"""

from datetime import date, timedelta

from access.models import Organisation, Share, User
from casework.deadlines import london_today
from children.models import Child
from cme.compulsory import is_of_compulsory_school_age
from cme.models import CmeCase
from demo.models import DemoChild
from removals import actions
from removals.models import Challenge, RemovalNotice
from schools.models import Authority, School

DEMO_NOTIFIER = "Demo registrar"
REGISTRAR_USERNAME = "registrar.leics"
OPEN_STATUSES = (School.Status.OPEN, School.Status.PROPOSED_TO_CLOSE)


def delete_demo_removals() -> int:
    """Delete the notices an earlier run made, with their challenges and CME cases.

    Runs before demo.generate.delete_demo_children, because a notice protects
    its child.
    """
    notices = RemovalNotice.objects.filter(notifier_name=DEMO_NOTIFIER)
    ids = list(notices.values_list("pk", flat=True))
    CmeCase.objects.filter(
        source_case_type="removals.removalnotice", source_case_id__in=ids
    ).delete()
    Challenge.objects.filter(notice_id__in=ids).delete()
    notices.delete()
    return len(ids)


def _registrar(school: School) -> User:
    """Return the demo school user who notifies, who cannot sign in."""
    organisation, _ = Organisation.objects.get_or_create(
        school=school,
        defaults={
            "kind": Organisation.Kind.SCHOOL,
            "name": school.name,
            "authority": school.authority,
        },
    )
    user, _ = User.objects.update_or_create(
        username=REGISTRAR_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "Registrar",
            "role": User.Role.SCHOOL_USER,
            "organisation": organisation,
        },
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _fields(child: Child, ground: str, answers: dict, deletion_on: date, **extra):
    return {
        "first_name": child.legal_first_name,
        "last_name": child.legal_last_name,
        "date_of_birth": child.date_of_birth,
        "upn": child.upn,
        "address": "3 Demo Close, Hinckley LE10 0AA",
        "parents": [
            {
                "name": f"Parent of {child.full_name}",
                "address": "3 Demo Close, Hinckley LE10 0AA",
                "phone": "01632 960000",
            }
        ],
        "ground": ground,
        "answers": answers,
        "deletion_on": deletion_on,
        "notifier_name": DEMO_NOTIFIER,
        "notifier_role": "Attendance officer",
        **extra,
    }


def generate_demo_removals(
    authorities: dict[str, Authority], school_user_school: School, officer: User
) -> int:
    """Notify a removal on each route and send one challenge letter; return how many.

    The pupils are generated Leicestershire children, so notices match them
    and register no one new. The first is a vulnerable child shared with the
    partner agencies, so its removal is flagged to them.
    """
    leics = authorities["855"]
    origin = (
        School.objects.filter(
            authority=leics, status__in=OPEN_STATUSES, phase=School.Phase.SECONDARY
        )
        .order_by("urn")
        .first()
    )
    demo_children = Child.objects.filter(
        authority=leics,
        pk__in=DemoChild.objects.values("child_id"),
    )
    shared = list(
        demo_children.filter(
            pk__in=Share.objects.filter(revoked_at__isnull=True).values("child_id"),
            vulnerabilities__isnull=False,
        )
        .distinct()
        .order_by("pk")[:1]
    )
    others = list(demo_children.exclude(pk__in=[c.pk for c in shared]).order_by("pk"))
    today = london_today()
    # A removal to an unknown destination opens a CME case, and only a child
    # of compulsory school age can be missing education.
    children = [
        child
        for child in shared + others
        if is_of_compulsory_school_age(child.date_of_birth, today)
    ]
    if origin is None or len(children) < 8:
        return 0
    registrar = _registrar(origin)
    told_in_writing = {"parent_told_in_writing": "yes"}
    moved = {"lives_out_of_reach": "yes"}
    on_roll_elsewhere = {
        "sao_names_school": "no",
        "mobile_child_main_school": "no",
        "dual_registration_agreed": "no",
    }
    late = _fields(
        children[7],
        "F",
        told_in_writing,
        today - timedelta(days=1),
        destination="home_education",
    )
    notices = [
        _fields(children[0], "G", moved, today, destination="unknown"),
        _fields(children[1], "G", moved, today, destination="unknown"),
        _fields(children[2], "F", told_in_writing, today, destination="home_education"),
        _fields(children[3], "F", told_in_writing, today, destination="home_education"),
        _fields(
            children[4],
            "G",
            moved,
            today,
            destination="other_authority",
            destination_authority=authorities["856"],
        ),
        _fields(
            children[5],
            "A",
            on_roll_elsewhere,
            today,
            destination="school",
            destination_school=school_user_school,
            new_start_on=today + timedelta(days=3),
        ),
        _fields(
            children[6],
            "G",
            moved,
            today,
            destination="abroad",
            destination_country="Portugal",
        ),
        # Notified a day after the deletion, so a challenge opens.
        late,
    ]
    for fields in notices:
        actions.notify(actor=registrar, **fields)
    challenge = Challenge.objects.get(
        notice__school=origin, notice__first_name=late["first_name"], is_open=True
    )
    actions.move_challenge(challenge, "send_informal", actor=officer)
    return len(notices)
