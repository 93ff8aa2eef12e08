"""Load the demo data set: LLR schools and terms, demo users, children and cases.

`load_demo` imports the schools and term dates with their own management
commands. Then, in one transaction, it gives open schools synthetic contact
details and creates or updates the demo users. Last, it deletes the children
an earlier run generated, with their cases, events and CME cases, and
generates new ones.
The same seed gives the same children, UPNs and states; dates are counted
back from today, so they move with the day of the run.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import StringIO
from typing import TextIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from faker import Faker

from access.actions import share_child
from access.models import Organisation, Share, User
from casework.deadlines import london_today
from casework.models import Event
from children.models import (
    Address,
    Child,
    Contact,
    RiskAssessment,
    VulnerabilityCharacteristic,
)
from cme import actions as cme_actions
from cme.compulsory import is_of_compulsory_school_age
from cme.models import CmeCase
from correspondence.models import Message
from demo import identities, journeys, vulnerability
from demo import removals as demo_removals
from demo.cme_cases import add_cme_demo
from demo.correspondence import queue_demo_emails
from demo.models import DemoChild
from placements.models import Placement
from placements.states import State
from schools.calendars import CalendarCache
from schools.models import Authority, School

DEFAULT_CHILDREN = 300
DEFAULT_SEED = 2026
DEFAULT_PASSWORD = "onroll-demo-2026"
SCHOOLS_CSV = settings.BASE_DIR / "schools" / "data" / "gias_llr.csv"

# The demo's authorities by DfE LA code, with the suffix of their users' names.
AUTHORITIES = {"855": "leics", "856": "leicester", "857": "rutland"}
# The authority whose open school gets the demo school user.
SCHOOL_USER_AUTHORITY = "856"
# Share of children with no risk assessment yet, among those whose case has
# not reached the vulnerability assessment (which needs one).
UNASSESSED_WITHOUT_RISK_SHARE = 0.4
OPEN_STATUSES = (School.Status.OPEN, School.Status.PROPOSED_TO_CLOSE)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    authority_code: str | None = None
    # For partner agency users: the agency's kind and name. Other users work
    # for their authority's organisation, or their school's.
    agency_kind: str = ""
    agency_name: str = ""


DEMO_USERS = [
    DemoUser("officer.leics", "Hannah", "Wright", User.Role.ADMISSIONS_OFFICER, "855"),
    DemoUser("manager.leics", "Daniel", "Cooper", User.Role.SERVICE_MANAGER, "855"),
    DemoUser("inclusion.leics", "Grace", "Okoye", User.Role.INCLUSION_OFFICER, "855"),
    DemoUser(
        "officer.leicester", "Asha", "Mistry", User.Role.ADMISSIONS_OFFICER, "856"
    ),
    DemoUser("manager.leicester", "Marcus", "Reid", User.Role.SERVICE_MANAGER, "856"),
    DemoUser(
        "inclusion.leicester", "Ben", "Hallam", User.Role.INCLUSION_OFFICER, "856"
    ),
    DemoUser("officer.rutland", "Ellie", "Burton", User.Role.ADMISSIONS_OFFICER, "857"),
    DemoUser("manager.rutland", "Tom", "Hughes", User.Role.SERVICE_MANAGER, "857"),
    DemoUser("admin", "Sam", "Carter", User.Role.ADMINISTRATOR),
    DemoUser("school.leicester", "Jo", "Kelly", User.Role.SCHOOL_USER),
    DemoUser("analyst.leics", "Priya", "Shah", User.Role.ANALYST, "855"),
    DemoUser(
        "police.leics",
        "Chris",
        "Dawson",
        User.Role.PARTNER,
        "855",
        Organisation.Kind.POLICE,
        "Leicestershire Police",
    ),
    DemoUser(
        "socialcare.leics",
        "Nadia",
        "Hussain",
        User.Role.PARTNER,
        "855",
        Organisation.Kind.SOCIAL_CARE,
        "Leicestershire Children's Social Care",
    ),
]
# How many Leicestershire children, highest risk first, the demo shares with
# each partner agency, and which parts.
SHARED_CHILDREN = 3
SHARED_PARTS = {
    "police.leics": ("identity", "vulnerability", "risk"),
    "socialcare.leics": Share.PARTS,
}


class DemoError(Exception):
    """An error that stops the demo loading, with a message naming the fix."""


@dataclass
class Summary:
    """Counts of the schools, users, children and cases a run left behind."""

    schools_by_authority: dict[str, tuple[int, int]] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    password: str = ""
    children_by_authority: Counter = field(default_factory=Counter)
    replaced_children: int = 0
    placements_by_state: Counter = field(default_factory=Counter)
    open_cases: int = 0
    overdue_cases: int = 0
    chased_cases: int = 0
    cme_cases: int = 0
    removals: int = 0


def load_demo(
    *,
    children: int = DEFAULT_CHILDREN,
    seed: int = DEFAULT_SEED,
    password: str = DEFAULT_PASSWORD,
    now: datetime | None = None,
    stdout: TextIO | None = None,
) -> Summary:
    """Import schools and terms, then create the demo users, children and cases."""
    if children < 1:
        raise DemoError(f"The number of children must be 1 or more, not {children}.")
    output = stdout or StringIO()
    call_command("import_schools", str(SCHOOLS_CSV), stdout=output)
    call_command("load_calendars", stdout=output)
    now = now or timezone.now()
    with transaction.atomic():
        authorities = _authorities()
        _give_schools_contacts()
        users = _ensure_users(password, authorities)
        demo_removals.delete_demo_removals()
        replaced = delete_demo_children()
        _generate(children, seed, now, authorities, users)
        _share_with_partners(users, authorities)
        removals = demo_removals.generate_demo_removals(
            authorities,
            _school_for_school_user(authorities[SCHOOL_USER_AUTHORITY]),
            next(user for user in users if user.username == "officer.leics"),
        )
        add_cme_demo(now, authorities, users)
        queue_demo_emails(list(DemoChild.objects.values_list("child_id", flat=True)))
    summary = summarise(london_today(now), authorities)
    summary.users = users
    summary.password = password
    summary.replaced_children = replaced
    summary.removals = removals
    return summary


def _authorities() -> dict[str, Authority]:
    found = {a.code: a for a in Authority.objects.filter(code__in=AUTHORITIES)}
    missing = sorted(set(AUTHORITIES) - set(found))
    if missing:
        raise DemoError(
            f"No authority with LA code {', '.join(missing)} after import_schools "
            f"ran on {SCHOOLS_CSV}. Check that the file lists its schools."
        )
    return {code: found[code] for code in AUTHORITIES}


def _give_schools_contacts() -> None:
    """Give every open school a synthetic admissions email and, if it has none,
    a synthetic head teacher, so that no demo email can reach a real school."""
    faker = Faker("en_GB")
    schools = list(School.objects.filter(status__in=OPEN_STATUSES).order_by("urn"))
    for school in schools:
        school.email = f"admissions.{school.urn}@schools.example.org"
        if not school.head_teacher:
            school.head_teacher = _head_teacher_name(faker, school.urn)
    School.objects.bulk_update(schools, ["email", "head_teacher"], batch_size=500)


def _head_teacher_name(faker: Faker, urn: int) -> str:
    rng = random.Random(f"head-teacher:{urn}")
    faker.seed_instance(urn)
    title = rng.choice(["Mr", "Mrs", "Ms", "Miss", "Dr"])
    if title == "Mr":
        first_name = faker.first_name_male()
    elif title == "Dr":
        first_name = faker.first_name()
    else:
        first_name = faker.first_name_female()
    return f"{title} {first_name} {faker.last_name()}"


def _organisation_for(
    spec: DemoUser, authorities: dict[str, Authority]
) -> Organisation | None:
    """Get or create the organisation the demo user works for.

    The administrator is a superuser and works for no organisation.
    """
    if spec.role == User.Role.SCHOOL_USER:
        school = _school_for_school_user(authorities[SCHOOL_USER_AUTHORITY])
        organisation, _ = Organisation.objects.get_or_create(
            school=school,
            defaults={
                "kind": Organisation.Kind.SCHOOL,
                "name": school.name,
                "authority": school.authority,
            },
        )
        return organisation
    if spec.authority_code is None:
        return None
    authority = authorities[spec.authority_code]
    if spec.agency_kind:
        organisation, _ = Organisation.objects.get_or_create(
            kind=spec.agency_kind, name=spec.agency_name, authority=authority
        )
        return organisation
    organisation, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        authority=authority,
        defaults={"name": authority.name},
    )
    return organisation


def _ensure_users(password: str, authorities: dict[str, Authority]) -> list[User]:
    """Create the demo users, or bring existing ones back to their demo details."""
    users = []
    for spec in DEMO_USERS:
        is_admin = spec.role == User.Role.ADMINISTRATOR
        user, _created = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@onroll.example.org",
                "role": spec.role,
                "organisation": _organisation_for(spec, authorities),
                "team": None,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users.append(user)
    return users


def _share_with_partners(
    users: Sequence[User], authorities: dict[str, Authority]
) -> None:
    """Share the highest-risk Leicestershire children with the demo partner agencies."""
    by_username = {user.username: user for user in users}
    officer = by_username["officer.leics"]
    children = list(
        Child.objects.filter(authority=authorities["855"])
        .with_alert_and_risk()
        .order_by(F("current_risk").desc(nulls_last=True), "pk")[:SHARED_CHILDREN]
    )
    for username, parts in SHARED_PARTS.items():
        for child in children:
            share_child(
                child,
                actor=officer,
                organisation=by_username[username].organisation,
                parts=parts,
            )


def _school_for_school_user(authority: Authority) -> School:
    schools = School.objects.filter(
        authority=authority, status__in=OPEN_STATUSES
    ).order_by("urn")
    school = schools.filter(phase=School.Phase.PRIMARY).first() or schools.first()
    if school is None:
        raise DemoError(
            f"{authority} has no open school for the demo school user. Check the "
            f"school list in {SCHOOLS_CSV}."
        )
    return school


def delete_demo_children() -> int:
    """Delete the children earlier runs generated, with everything about them.

    Returns how many children were deleted. Emails, events, CME cases and
    placements protect the child they belong to, so they go first.
    """
    child_ids = list(DemoChild.objects.values_list("child_id", flat=True))
    try:
        Message.objects.filter(child_id__in=child_ids).delete()
        Event.objects.filter(child_id__in=child_ids).delete()
        CmeCase.objects.filter(child_id__in=child_ids).delete()
        Placement.objects.filter(child_id__in=child_ids).delete()
        Child.objects.filter(pk__in=child_ids).delete()
    except ProtectedError as error:
        raise DemoError(
            f"The children of the last demo run cannot be deleted: {error.args[0]} "
            "Delete those records, or load the demo into a new database."
        ) from error
    return len(child_ids)


@dataclass
class _Drawn:
    """One child's drawn identity and profile, before anything is saved."""

    rng: random.Random
    identity: identities.Identity
    kinds: set[str]
    records: dict[str, vulnerability.Record] = field(default_factory=dict)
    risk_level: int = RiskAssessment.Level.LOW
    plan: journeys.Plan | None = None


def _generate(
    count: int,
    seed: int,
    now: datetime,
    authorities: dict[str, Authority],
    users: Sequence[User],
) -> None:
    today = london_today(now)
    run_rng = random.Random(seed)
    faker = Faker("en_GB")
    drawn = _draw_children(count, seed, today, authorities, run_rng, faker)
    _draw_homes_and_records(drawn, faker, today)

    states = journeys.assign_states(
        run_rng,
        [bool(d.kinds & vulnerability.SOCIAL_CARE) for d in drawn],
        [
            is_of_compulsory_school_age(d.identity.child.date_of_birth, today)
            for d in drawn
        ],
    )
    for child, plan in zip(drawn, journeys.plan_cases(run_rng, states), strict=True):
        child.plan = plan

    _save_children(drawn, seed)
    context = _journey_context(now, authorities, users)
    cases = [
        journeys.build_case(
            context,
            random.Random(f"{seed}:{position}:dates"),
            d.identity.child,
            d.identity.year_group,
            vulnerability.Kind.EHC_PLAN in d.kinds,
            d.plan,
        )
        for position, d in enumerate(drawn)
    ]
    Placement.objects.bulk_create([case.placement for case in cases])
    for case in cases:
        for event in case.events:
            event.case_id = case.placement.pk
    Event.objects.bulk_create([event for case in cases for event in case.events])
    _save_profiles(drawn, cases, context, today)
    _refer_to_cme(cases)


def _draw_children(
    count: int,
    seed: int,
    today: date,
    authorities: dict[str, Authority],
    run_rng: random.Random,
    faker: Faker,
) -> list[_Drawn]:
    """Draw identities and characteristics, spread over the authorities in
    proportion to their open schools."""
    open_schools = {
        code: list(
            School.objects.filter(
                authority=authority, status__in=OPEN_STATUSES
            ).order_by("urn")
        )
        for code, authority in authorities.items()
    }
    shares = {code: max(len(schools), 1) for code, schools in open_schools.items()}
    order = [
        code for code, n in journeys.allocate(count, shares).items() for _ in range(n)
    ]
    run_rng.shuffle(order)

    used_upns: set[str] = set()
    drawn = []
    for position, code in enumerate(order):
        rng = random.Random(f"{seed}:{position}")
        faker.seed_instance(rng.getrandbits(32))
        identity = identities.draw_identity(
            rng,
            faker,
            authorities[code],
            _establishment_numbers(open_schools[code]),
            today,
            used_upns,
        )
        kinds = vulnerability.draw_kinds(rng, identity.year_group)
        drawn.append(_Drawn(rng, identity, kinds))
    vulnerability.complete_profiles(
        run_rng, [d.kinds for d in drawn], [d.identity.year_group for d in drawn]
    )
    return drawn


def _establishment_numbers(schools: Sequence[School]) -> list[str]:
    """Return the four-digit DfE establishment numbers of the schools.

    Falls back to typical primary and secondary numbers when the school list
    has no LAESTAB values.
    """
    numbers = sorted(
        {s.laestab[-4:] for s in schools if len(s.laestab) == 7 and s.laestab.isdigit()}
    )
    return numbers or ["2001", "2002", "2003", "4001", "4002", "4003"]


def _draw_homes_and_records(drawn: list[_Drawn], faker: Faker, today: date) -> None:
    Kind = vulnerability.Kind
    for d in drawn:
        child = d.identity.child
        faker.seed_instance(d.rng.getrandbits(32))
        d.identity.addresses = identities.draw_addresses(
            d.rng,
            faker,
            child.authority.code,
            today,
            temporary_accommodation=Kind.HOMELESS in d.kinds,
            refuge=Kind.REFUGE in d.kinds,
            moves_often=Kind.RAPID_HOUSE_MOVES in d.kinds,
        )
        d.identity.contacts = identities.draw_contacts(
            d.rng,
            faker,
            child.legal_last_name,
            looked_after=Kind.LOOKED_AFTER in d.kinds,
        )
        d.records = {
            kind: vulnerability.describe(d.rng, kind, child.authority.name)
            for kind in sorted(d.kinds)
        }
        d.risk_level = vulnerability.draw_risk_level(d.rng, d.kinds)


def _save_children(drawn: list[_Drawn], seed: int) -> None:
    Child.objects.bulk_create([d.identity.child for d in drawn])
    DemoChild.objects.bulk_create(
        DemoChild(child=d.identity.child, seed=seed, position=position)
        for position, d in enumerate(drawn)
    )
    addresses: list[Address] = []
    contacts: list[Contact] = []
    for d in drawn:
        for address in d.identity.addresses:
            address.child = d.identity.child
            addresses.append(address)
        for contact in d.identity.contacts:
            contact.child = d.identity.child
            contacts.append(contact)
    Address.objects.bulk_create(addresses)
    Contact.objects.bulk_create(contacts)


def _journey_context(
    now: datetime, authorities: dict[str, Authority], users: Sequence[User]
) -> journeys.Context:
    by_username = {user.username: user for user in users}
    staff = {}
    pools = {}
    for code, suffix in AUTHORITIES.items():
        authority = authorities[code]
        school_user = None
        if code == SCHOOL_USER_AUTHORITY:
            school_user = by_username["school.leicester"]
        staff[authority.pk] = journeys.Staff(
            officer=by_username[f"officer.{suffix}"],
            manager=by_username[f"manager.{suffix}"],
            school_user=school_user,
        )
        pools[authority.pk] = journeys.SchoolPool.build(
            School.objects.filter(authority=authority).order_by("urn")
        )
    return journeys.Context(
        clock=journeys.Clock(now, CalendarCache()),
        staff=staff,
        pools=pools,
        placement_type=ContentType.objects.get_for_model(Placement),
    )


def _save_profiles(
    drawn: list[_Drawn],
    cases: list[journeys.Case],
    context: journeys.Context,
    today: date,
) -> None:
    """Save each child's characteristics and risk assessment, dated by the case.

    Characteristics are recorded on the day the application arrived. The risk
    assessment comes before the vulnerability assessment, which requires one.
    """
    characteristics = []
    assessments = []
    for d, case in zip(drawn, cases, strict=True):
        child = d.identity.child
        officer = context.staff[child.authority_id].officer
        for kind, record in d.records.items():
            characteristics.append(
                VulnerabilityCharacteristic(
                    child=child,
                    kind=kind,
                    detail=record.detail,
                    evidence=record.evidence,
                    source=record.source,
                    recorded_on=case.received_on,
                    recorded_by=officer,
                )
            )
        latest = case.assessed_on
        if latest is None:
            if d.rng.random() < UNASSESSED_WITHOUT_RISK_SHARE:
                continue
            latest = min(case.received_on + timedelta(days=10), today)
        span = (latest - case.received_on).days
        completed_on = case.received_on + timedelta(days=d.rng.randint(0, span))
        weeks = vulnerability.REVIEW_WEEKS[d.risk_level]
        assessments.append(
            RiskAssessment(
                child=child,
                level=d.risk_level,
                answers=vulnerability.risk_answers(d.kinds),
                summary=vulnerability.risk_summary(d.risk_level, d.kinds),
                completed_on=completed_on,
                completed_by=officer,
                next_review_on=completed_on + timedelta(weeks=weeks),
            )
        )
    VulnerabilityCharacteristic.objects.bulk_create(characteristics)
    RiskAssessment.objects.bulk_create(assessments)


def _refer_to_cme(cases: list[journeys.Case]) -> None:
    """Open a CME case for each case referred as missing education.

    `cme.actions.refer` stamps the CME case with the current time, so its
    opening and its event are moved back to when the placement was referred.
    """
    cme_type = ContentType.objects.get_for_model(CmeCase)
    for case in cases:
        placement = case.placement
        if placement.state != State.REFERRED_CME:
            continue
        cme_case = cme_actions.refer(
            child=placement.child,
            authority=placement.authority,
            source=CmeCase.Source.PLACE_NOT_TAKEN_UP,
            reason=case.cme_note,
            referred_by=case.cme_actor,
            last_known_school=placement.school,
            source_case=placement,
        )
        CmeCase.objects.filter(pk=cme_case.pk).update(opened_at=placement.closed_at)
        Event.objects.filter(
            case_type=cme_type, case_id=cme_case.pk, kind="cme.referred"
        ).update(at=placement.closed_at)


def summarise(today: date, authorities: dict[str, Authority]) -> Summary:
    """Count what the demo children, their cases and the schools add up to."""
    summary = Summary()
    for authority in authorities.values():
        schools = School.objects.filter(authority=authority)
        summary.schools_by_authority[authority.name] = (
            schools.filter(status__in=OPEN_STATUSES).count(),
            schools.count(),
        )
    demo_children = Child.objects.filter(
        pk__in=DemoChild.objects.values("child_id")
    ).select_related("authority")
    summary.children_by_authority = Counter(
        child.authority.name for child in demo_children
    )
    placements = Placement.objects.filter(child__in=demo_children)
    summary.placements_by_state = Counter(placements.values_list("state", flat=True))
    open_placements = placements.filter(is_open=True)
    summary.open_cases = open_placements.count()
    summary.overdue_cases = open_placements.filter(due_on__lt=today).count()
    summary.chased_cases = open_placements.filter(reminders_sent__gt=0).count()
    summary.cme_cases = CmeCase.objects.filter(child__in=demo_children).count()
    return summary
