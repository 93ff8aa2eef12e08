"""The load_demo command, run against the real import commands and sweep.

Each test loads 60 children at a fixed instant, Friday 4 December 2026 at
10:00 London time, inside the shipped 2026/27 autumn term.
"""

import random
from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone
from stdnum.gb import upn as stdnum_upn

from access import policy
from access.models import Organisation, User
from casework.models import Event
from casework.timeline import events_for
from children.actions import RISK_QUESTIONS
from children.models import (
    Address,
    Child,
    Contact,
    RiskAssessment,
    VulnerabilityCharacteristic,
)
from children.tests.factories import ChildFactory
from children.upn import is_temporary_upn, validate_upn
from cme.compulsory import is_of_compulsory_school_age
from cme.models import CmeCase, DeferredPlace
from correspondence import outbox
from demo.identities import (
    birth_date_in_year_group,
    upn_check_letter,
    year_group_for,
    year_group_label,
)
from demo.journeys import STATE_WEIGHTS, allocate, assign_states
from demo.models import DemoChild
from placements.deadlines import set_deadline
from placements.models import Placement
from placements.states import CLOSED_STATES, TRANSITIONS, State
from placements.sweep import sweep
from schools.calendars import CalendarCache
from schools.models import Authority, School, Term

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 12, 4)
CHILDREN = 60
PASSWORD = "demo-test-password"


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def run_load_demo(*args: str) -> str:
    output = StringIO()
    call_command(
        "load_demo",
        "--children",
        str(CHILDREN),
        "--password",
        PASSWORD,
        *args,
        stdout=output,
    )
    return output.getvalue()


@pytest.fixture
def demo(frozen_time) -> str:
    """Load the demo once and return what the command printed."""
    return run_load_demo()


def placements() -> list[Placement]:
    return list(Placement.objects.select_related("school", "child").order_by("pk"))


def test_schools_and_calendars_loaded(demo):
    for code in ("855", "856", "857"):
        authority = Authority.objects.get(code=code)
        assert authority.schools.filter(status=School.Status.OPEN).exists()
        assert Term.objects.filter(authority=authority).exists()

    open_schools = School.objects.filter(status=School.Status.OPEN)
    for school in open_schools:
        assert school.email == f"admissions.{school.urn}@schools.example.org"
        assert school.head_teacher


def sign_in(*, username: str, password: str):
    """Authenticate as the sign-in page does, through django-axes."""
    return authenticate(
        RequestFactory().post("/sign-in/"), username=username, password=password
    )


def test_users_sign_in_with_demo_password(demo):
    for suffix, code in [("leics", "855"), ("leicester", "856"), ("rutland", "857")]:
        officer = sign_in(username=f"officer.{suffix}", password=PASSWORD)
        manager = sign_in(username=f"manager.{suffix}", password=PASSWORD)
        assert officer.role == User.Role.ADMISSIONS_OFFICER
        assert officer.authority.code == code
        assert manager.role == User.Role.SERVICE_MANAGER
        assert manager.authority.code == code

    for suffix, code in [("leics", "855"), ("leicester", "856")]:
        inclusion = sign_in(username=f"inclusion.{suffix}", password=PASSWORD)
        assert inclusion.role == User.Role.INCLUSION_OFFICER
        assert inclusion.authority.code == code

    admin = sign_in(username="admin", password=PASSWORD)
    assert admin.is_staff
    assert admin.is_superuser

    school_user = sign_in(username="school.leicester", password=PASSWORD)
    assert school_user.role == User.Role.SCHOOL_USER
    assert school_user.school.authority.code == "856"
    assert school_user.school.is_open


def test_partner_and_analyst_users(demo):
    police = sign_in(username="police.leics", password=PASSWORD)
    social_care = sign_in(username="socialcare.leics", password=PASSWORD)
    analyst = sign_in(username="analyst.leics", password=PASSWORD)

    assert police.organisation.kind == Organisation.Kind.POLICE
    assert social_care.organisation.kind == Organisation.Kind.SOCIAL_CARE
    assert analyst.role == User.Role.ANALYST
    assert policy.is_analyst(analyst)
    for partner in (police, social_care):
        assert policy.is_partner(partner)
        shared = policy.visible_children(partner, Child.objects.all())
        assert shared.count() == 3
        assert {child.authority.code for child in shared} == {"855"}
    assert not policy.can_see_named_records(analyst)


def test_summary_printed(demo):
    assert f'password "{PASSWORD}"' in demo
    assert "officer.leicester" in demo
    assert f"Children: {CHILDREN} " in demo
    assert "overdue" in demo
    for state in State:
        assert state.label in demo


def test_children_spread_over_authorities(demo):
    counts = Counter(Child.objects.values_list("authority__code", flat=True))

    assert sum(counts.values()) == CHILDREN
    # 324, 134 and 28 open schools in the shipped extract.
    assert counts == allocate(CHILDREN, {"855": 324, "856": 134, "857": 28})


def test_children_of_compulsory_school_age(demo):
    for child in Child.objects.all():
        placement = Placement.objects.get(child=child)
        age_in_days = (TODAY - child.date_of_birth).days
        assert 5 * 365 <= age_in_days < 17 * 366, child.date_of_birth
        year_group = year_group_for(child.date_of_birth, TODAY)
        assert 0 <= year_group <= 11
        assert placement.year_group == year_group_label(year_group)


def test_sex_split_has_every_value(frozen_time):
    # 300 children, so that the 1% "not known" shows up.
    call_command("load_demo", "--children", "300", stdout=StringIO())

    counts = Counter(Child.objects.values_list("sex", flat=True))

    assert counts[Child.Sex.MALE] > counts[Child.Sex.FEMALE]
    assert counts[Child.Sex.UNKNOWN] >= 1


def test_upns_valid_and_unique(demo):
    upns = list(Child.objects.values_list("upn", flat=True))
    issued = [upn for upn in upns if upn]

    for upn in issued:
        validate_upn(upn)
        assert upn[1:4] in ("855", "856", "857")
    assert len(set(issued)) == len(issued)
    assert len(issued) < len(upns)
    assert any(is_temporary_upn(upn) for upn in issued)


def test_upn_check_letter_known_upn():
    # A valid UPN from python-stdnum's documentation and Onroll's messages.
    assert upn_check_letter("801200005001") == "B"


@pytest.mark.parametrize(
    "body", ["855200126001", "856400219999", "857700125000", "85520012600A"]
)
def test_upn_check_letter_matches_stdnum(body):
    assert upn_check_letter(body) == stdnum_upn.calc_check_digit(body)


def test_birth_date_fits_year_group():
    today = date(2026, 12, 4)

    for year_group in range(12):
        for seed in range(20):
            born = birth_date_in_year_group(random.Random(seed), year_group, today)
            assert year_group_for(born, today) == year_group
            assert born <= date(2021, 12, 4)


def test_every_state_present(demo):
    states = Counter(Placement.objects.values_list("state", flat=True))

    for state in State:
        assert states[state] >= 1, state
    assert sum(states.values()) == CHILDREN


def test_characteristics_cover_every_kind(demo):
    kinds = set(VulnerabilityCharacteristic.objects.values_list("kind", flat=True))
    with_any = Child.objects.filter(vulnerabilities__isnull=False).distinct().count()

    assert kinds == set(VulnerabilityCharacteristic.Kind)
    assert with_any >= 0.8 * CHILDREN
    for record in VulnerabilityCharacteristic.objects.all():
        assert record.evidence
        assert record.source
        assert record.recorded_on <= TODAY


def test_risk_assessed_before_vulnerability_assessment(demo):
    assessed = 0
    for placement in placements():
        risk = placement.child.risk_assessments.first()
        assess = [e for e in events_for(placement) if e.kind == "placement.assess"]
        if assess:
            assert risk is not None
            assert placement.received_on <= risk.completed_on
            assert risk.completed_on <= timezone.localdate(assess[0].at)
        if risk is not None:
            assessed += 1
            assert risk.next_review_on > risk.completed_on

    assert assessed >= 0.8 * CHILDREN
    assert RiskAssessment.objects.filter(next_review_on__lt=TODAY).exists()
    assert RiskAssessment.objects.filter(next_review_on__gte=TODAY).exists()


def test_risk_answers_match_the_questions_asked(demo):
    keys = {question.key for question in RISK_QUESTIONS}

    for risk in RiskAssessment.objects.all():
        assert set(risk.answers) == keys
        for key, entry in risk.answers.items():
            assert isinstance(entry["answer"], bool), key
            assert entry["question"].endswith("?"), key


def test_social_care_cases_skew_to_higher_risk(frozen_time):
    call_command("load_demo", "--children", "300", stdout=StringIO())
    social_care = ["child_in_need", "child_protection", "looked_after"]

    high_concern = RiskAssessment.objects.filter(
        child__vulnerabilities__kind__in=social_care
    ).distinct()
    others = RiskAssessment.objects.exclude(
        child__vulnerabilities__kind__in=social_care
    )

    def high_share(rows) -> float:
        levels = list(rows.values_list("level", flat=True))
        return sum(level >= RiskAssessment.Level.MEDIUM for level in levels) / len(
            levels
        )

    assert high_share(high_concern) > high_share(others)


def test_homes_and_contacts_synthetic(demo):
    for address in Address.objects.all():
        assert address.postcode.startswith(("LE", "PE"))
    for contact in Contact.objects.all():
        assert contact.phone.startswith(("07700 900", "0116 496 0"))
        assert contact.email == "" or contact.email.endswith("@example.org")
    assert Child.objects.filter(addresses__isnull=True).count() == 0
    assert Child.objects.filter(contacts__isnull=True).count() == 0


def test_open_cases_partly_overdue(demo):
    open_cases = Placement.objects.filter(is_open=True)
    overdue = open_cases.filter(due_on__lt=TODAY)

    assert 0.15 <= overdue.count() / open_cases.count() <= 0.25
    assert open_cases.filter(reminders_sent__gt=0).exists()
    assert overdue.filter(reminders_sent=0).exists()


def test_chases_match_reminders(demo):
    for placement in Placement.objects.filter(is_open=True):
        kinds = [event.kind for event in events_for(placement)]
        sweep_actions = kinds.count("placement.chased") + kinds.count(
            "placement.escalated"
        )
        assert placement.reminders_sent == sweep_actions


def test_deadlines_as_set_deadline_computes(demo):
    calendars = CalendarCache()
    for placement in Placement.objects.filter(is_open=True, reminders_sent=0):
        due_on = placement.due_on
        set_deadline(placement, calendars)
        assert placement.due_on == due_on, placement.state


def test_dates_in_journey_order(demo):
    for placement in placements():
        dates = [
            placement.received_on,
            placement.offered_on,
            placement.agreed_start_on,
            placement.request_sent_on,
            placement.starting_on,
            placement.attendance_confirmed_on,
            placement.checked_off_on,
        ]
        assert all(day <= TODAY for day in dates if day), placement.state
        assert placement.received_on >= TODAY - timedelta(days=130)
        if placement.offered_on:
            assert placement.school is not None
            assert placement.school.is_open
            assert placement.offered_on >= placement.received_on
            assert placement.agreed_start_on >= placement.offered_on
        if placement.request_sent_on:
            assert placement.request_sent_on >= placement.offered_on
        if placement.starting_on:
            assert placement.starting_on >= placement.offered_on
        if placement.attendance_confirmed_on:
            assert placement.attendance_confirmed_on >= placement.starting_on
        if placement.checked_off_on:
            assert placement.checked_off_on >= placement.attendance_confirmed_on


def test_timeline_replays_to_state(demo):
    for placement in placements():
        events = list(events_for(placement))
        instants = [event.at for event in events]

        assert events[0].kind == "placement.received"
        assert instants == sorted(instants)
        assert instants[-1] <= NOW
        assert placement.opened_at == instants[0]
        assert placement.version == len(events)
        state = State.RECEIVED
        for event in events[1:]:
            name = event.kind.removeprefix("placement.")
            if name in TRANSITIONS:
                assert state in TRANSITIONS[name].sources, (event.kind, state)
                assert event.from_state == state
                state = TRANSITIONS[name].target
        assert state == placement.state
        if placement.state in CLOSED_STATES:
            assert not placement.is_open
            assert placement.closed_at == instants[-1]
        else:
            assert placement.is_open


def test_school_placements_fit_phase(demo):
    for placement in Placement.objects.exclude(school=None).select_related("school"):
        label = placement.year_group
        year = 0 if label == "Reception" else int(label.removeprefix("Year "))
        school = placement.school
        if school.type == School.Type.SPECIAL or school.phase not in (
            School.Phase.PRIMARY,
            School.Phase.SECONDARY,
        ):
            continue
        expected = School.Phase.PRIMARY if year <= 6 else School.Phase.SECONDARY
        assert school.phase == expected, (placement.year_group, school)
        assert school.authority_id == placement.authority_id


def test_cme_referrals_opened(demo):
    referred = Placement.objects.filter(state=State.REFERRED_CME)

    assert referred.exists()
    for placement in referred:
        case = CmeCase.objects.get(
            source_case_type="placements.placement", source_case_id=placement.pk
        )
        assert case.source == CmeCase.Source.PLACE_NOT_TAKEN_UP
        assert case.child_id == placement.child_id
        assert case.opened_at == placement.closed_at
        assert case.history


def test_cme_children_of_compulsory_school_age(frozen_time):
    # 200 children, enough that reception children not yet of compulsory
    # school age are among those the demo could refer as missing education.
    call_command("load_demo", "--children", "200", stdout=StringIO())
    open_cases = CmeCase.objects.filter(is_open=True).select_related("child")
    deferred = set(DeferredPlace.objects.values_list("child_id", flat=True))

    assert open_cases.exists()
    for case in open_cases:
        assert is_of_compulsory_school_age(case.child.date_of_birth, TODAY), case
        assert case.child_id not in deferred, case


@pytest.mark.parametrize("children", [60, 200])
def test_cme_referrals_of_compulsory_age(children):
    rng = random.Random(7)
    # Every third child is a reception child not yet of compulsory school age.
    of_age = [index % 3 != 0 for index in range(children)]

    states = assign_states(rng, [False] * children, of_age)

    referred = [i for i, state in enumerate(states) if state == State.REFERRED_CME]
    assert len(referred) == allocate(children, STATE_WEIGHTS)[State.REFERRED_CME]
    assert all(of_age[index] for index in referred)


def test_cme_referrals_left_over_end_received():
    counts = allocate(30, STATE_WEIGHTS)

    states = assign_states(random.Random(7), [False] * 30, [False] * 30)

    assert State.REFERRED_CME not in states
    assert Counter(states)[State.RECEIVED] == (
        counts[State.RECEIVED] + counts[State.REFERRED_CME]
    )


def test_sweep_acts_on_overdue_cases(demo):
    overdue = Placement.objects.filter(is_open=True, due_on__lt=TODAY).count()

    outcomes = sweep(now=timezone.now())
    sent = outbox.deliver_due()

    assert sum(outcomes.values()) >= overdue
    assert outcomes["chased"] > 0
    assert "calendar_missing" not in outcomes
    assert not Event.objects.filter(kind__in=["email.failed", "email.refused"]).exists()
    assert sent["sent"] == len(mail.outbox) > 0
    for message in mail.outbox:
        assert all(to.endswith("@schools.example.org") for to in message.to)


def test_second_run_same_counts(frozen_time):
    models = [
        Child,
        DemoChild,
        Address,
        Contact,
        VulnerabilityCharacteristic,
        RiskAssessment,
        Placement,
        Event,
        CmeCase,
        User,
        School,
        Term,
    ]
    run_load_demo()
    first = {model.__name__: model.objects.count() for model in models}

    output = run_load_demo()
    second = {model.__name__: model.objects.count() for model in models}

    assert second == first
    assert f"{CHILDREN} from an earlier run replaced" in output


def test_second_run_keeps_other_children(frozen_time):
    run_load_demo()
    authority = Authority.objects.get(code="855")
    entered_by_hand = ChildFactory(authority=authority, legal_first_name="Kept")

    run_load_demo()

    assert Child.objects.filter(pk=entered_by_hand.pk).exists()
    assert Child.objects.count() == CHILDREN + 1


def _identities() -> list[tuple]:
    """Return each demo child's names, UPN and sex, in the order generated."""
    return list(
        DemoChild.objects.order_by("position").values_list(
            "child__legal_first_name",
            "child__legal_last_name",
            "child__upn",
            "child__sex",
        )
    )


def _states() -> list[str]:
    """Return each demo child's placement state, in the order generated."""
    state_by_child = dict(Placement.objects.values_list("child_id", "state"))
    child_ids = DemoChild.objects.order_by("position").values_list(
        "child_id", flat=True
    )
    return [state_by_child[child_id] for child_id in child_ids]


def test_same_seed_same_children(frozen_time):
    run_load_demo("--seed", "11")
    first = (_identities(), _states())

    run_load_demo("--seed", "11")

    assert (_identities(), _states()) == first


def test_same_seed_same_children_another_day():
    with time_machine.travel(NOW, tick=False):
        run_load_demo()
        first = (_identities(), _states())
    # Wednesday 13 January 2027: later in the same academic year.
    with time_machine.travel(NOW + timedelta(days=40), tick=False):
        run_load_demo()

        assert _identities() == first[0]
        assert _states() == first[1]


def test_other_seed_other_children(frozen_time):
    run_load_demo("--seed", "11")
    first = _identities()

    run_load_demo("--seed", "12")

    assert _identities() != first


def test_zero_children_rejected(frozen_time):
    with pytest.raises(CommandError, match="1 or more, not 0"):
        call_command("load_demo", "--children", "0", stdout=StringIO())
