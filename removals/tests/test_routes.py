"""Checks of a notice outside the grounds, and where each destination goes."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from access.models import User
from access.tests.factories import ShareFactory, UserFactory
from audit.models import AuditEntry
from casework.timeline import events_for
from children.models import Child
from children.tests.factories import ChildFactory, VulnerabilityFactory
from cme.models import CmeCase
from removals import actions, sweep
from removals.grounds import CHECKS
from removals.models import PartnerFlag, RemovalNotice
from removals.tests.conftest import notice_fields, school_user_for
from schools.models import School
from schools.tests.factories import AuthorityFactory, SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


# Checks ----------------------------------------------------------------------


def test_late_notice_fails_and_opens_challenge(school_user):
    yesterday = date(2026, 12, 3)

    notice, _ = actions.notify(
        actor=school_user, **notice_fields("F", deletion_on=yesterday)
    )

    assert [f["check"] for f in notice.findings] == ["on_time"]
    assert "SI 2024/208 reg 13(4)" in notice.findings[0]["source"]
    assert notice.challenges.get().is_open


def test_planned_deletion_is_on_time(school_user):
    notice, _ = actions.notify(
        actor=school_user, **notice_fields("F", deletion_on=date(2026, 12, 11))
    )

    assert notice.findings == []


def test_deletion_far_ahead_is_rejected(school_user):
    with pytest.raises(ValidationError) as raised:
        actions.notify(
            actor=school_user, **notice_fields("F", deletion_on=date(2035, 12, 4))
        )

    message = raised.value.message_dict["deletion_on"][0]
    assert "4 December 2035" in message
    assert "60 days" in message
    assert "2 February 2027" in message
    assert not RemovalNotice.objects.exists()


def test_deletion_at_the_limit_is_accepted(school_user):
    notice, created = actions.notify(
        actor=school_user, **notice_fields("F", deletion_on=date(2027, 2, 2))
    )

    assert created
    assert notice.findings == []


def test_days_ahead_limit_is_a_setting(school_user, settings):
    settings.ONROLL_REMOVALS = settings.ONROLL_REMOVALS | {"max_days_ahead": 5}

    with pytest.raises(ValidationError) as raised:
        actions.notify(
            actor=school_user, **notice_fields("F", deletion_on=date(2026, 12, 10))
        )

    assert "more than 5 days ahead" in raised.value.message_dict["deletion_on"][0]


@pytest.mark.parametrize("ground", ["H", "I"])
def test_no_joint_enquiries_opens_challenge(school_user, ground):
    fields = notice_fields(ground)
    fields["answers"]["joint_enquiries_done"] = "no"

    notice, _ = actions.notify(actor=school_user, **fields)

    assert [f["check"] for f in notice.findings] == ["joint_enquiries"]
    assert notice.challenges.get().is_open


def test_la_placed_special_school_needs_consent(
    school_of_type,
):
    _, user = school_of_type(School.Type.SPECIAL)
    answers = {
        "parent_told_in_writing": "yes",
        "placed_by_la": "yes",
        "la_consent_given": "no",
    }

    notice, _ = actions.notify(actor=user, **notice_fields("F", answers=answers))

    assert [f["check"] for f in notice.findings] == ["la_consent"]
    assert notice.challenges.get().is_open


def test_special_school_with_la_consent_passes(school_of_type):
    _, user = school_of_type(School.Type.SPECIAL)
    answers = {
        "parent_told_in_writing": "yes",
        "placed_by_la": "yes",
        "la_consent_given": "yes",
    }

    notice, _ = actions.notify(actor=user, **notice_fields("F", answers=answers))

    assert notice.findings == []


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"address": ""}, "(b) the pupil's address"),
        ({"parents": []}, "(c) a parent the pupil normally lives with"),
        (
            {"parents": [{"name": "Sam", "address": "1 Road", "phone": ""}]},
            "(d) an emergency telephone number for parent 1",
        ),
        (
            {"parents": [{"name": "Sam", "address": "", "phone": "01"}]},
            "(c) parent 1's address",
        ),
        (
            {"destination": "school", "destination_school_name": "Elm Academy"},
            "(e) the date the pupil starts at the new school",
        ),
    ],
)
def test_deletion_return_fields_missing(school_user, overrides, missing):
    notice, _ = actions.notify(actor=school_user, **notice_fields("F", **overrides))

    assert [f["check"] for f in notice.findings] == ["deletion_return"]
    assert missing in notice.findings[0]["message"]


def test_answers_of_the_ground_are_required(school_user):
    fields = notice_fields("I", answers={"first_absence_on": "last week"})

    with pytest.raises(ValidationError) as raised:
        actions.notify(actor=school_user, **fields)

    errors = raised.value.message_dict
    assert "is not a date" in errors["answer_first_absence_on"][0]
    assert (
        "Answer the question for ground I" in errors["answer_joint_enquiries_done"][0]
    )
    assert not RemovalNotice.objects.exists()


# Matching the child ------------------------------------------------------------


def test_notice_matches_child_by_upn(school_user, authority):
    child = ChildFactory(authority=authority, upn="B801200005001")

    notice, _ = actions.notify(
        actor=school_user, **notice_fields("F", upn="b801200005001")
    )

    assert notice.child == child


def test_notice_matches_child_by_name_and_birth_date(school_user, authority):
    child = ChildFactory(
        authority=authority,
        legal_first_name="Maya",
        legal_last_name="Testpupil",
        date_of_birth=date(2015, 3, 14),
        upn="",
    )

    notice, _ = actions.notify(actor=school_user, **notice_fields("F"))

    assert notice.child == child


def test_unmatched_pupil_is_registered(school_user, authority):
    notice, _ = actions.notify(actor=school_user, **notice_fields("F"))

    child = Child.objects.get()
    assert notice.child == child
    assert child.authority == authority
    assert child.contacts.get().phone == "01455 000000"
    assert AuditEntry.objects.filter(action="child.create").exists()


def test_same_notice_twice_is_saved_once(school_user):
    first, created_first = actions.notify(actor=school_user, **notice_fields("F"))
    second, created_second = actions.notify(actor=school_user, **notice_fields("F"))

    assert (created_first, created_second) == (True, False)
    assert first == second
    assert RemovalNotice.objects.count() == 1


# Routes ----------------------------------------------------------------------


def test_unknown_destination_opens_cme_case(school_user, school):
    notice, _ = actions.notify(
        actor=school_user, **notice_fields("F", destination="unknown")
    )

    case = CmeCase.objects.get()
    assert case.child == notice.child
    assert case.source == CmeCase.Source.UNKNOWN_DESTINATION
    assert case.last_known_school == school
    assert case.source_case_id == notice.pk
    assert case.last_known_address == "12 Station Road, Hinckley LE10 1AA"
    assert case.referrer_name == "Pat Registrar"
    assert case.referrer_organisation == school.name


def test_unknown_destination_case_keeps_new_address(school_user):
    actions.notify(
        actor=school_user,
        **notice_fields(
            "F", destination="unknown", new_address="4 Mill Lane, Coalville LE67 2AA"
        ),
    )

    case = CmeCase.objects.get()
    assert case.last_known_address == "4 Mill Lane, Coalville LE67 2AA"


@pytest.mark.parametrize(
    "destination", ["home_education", "abroad", "other_authority", "school"]
)
def test_known_destination_opens_no_cme_case(school_user, destination):
    fields = notice_fields(
        "F",
        destination=destination,
        destination_country="Portugal",
        destination_authority_name="Rutland",
        destination_school_name="Elm Academy",
        new_start_on=date(2026, 12, 7),
    )

    actions.notify(actor=school_user, **fields)

    assert not CmeCase.objects.exists()


def test_move_to_other_authority_reaches_its_staff(
    client, school_user, officer, other_authority, other_authority_officer
):
    third_authority = AuthorityFactory(code="857", name="Rutland")
    third_officer = UserFactory(
        username="officer-857",
        authority=third_authority,
        role=User.Role.ADMISSIONS_OFFICER,
    )
    notice, _ = actions.notify(
        actor=school_user,
        **notice_fields(
            "G", destination="other_authority", destination_authority=other_authority
        ),
    )

    for user in (other_authority_officer, officer):
        client.force_login(user)
        assertContains(client.get("/removals/"), notice.pupil_name)
        assert client.get(f"/removals/{notice.pk}/").status_code == 200
    client.force_login(third_officer)
    assertNotContains(client.get("/removals/"), notice.pupil_name)
    assert client.get(f"/removals/{notice.pk}/").status_code == 404
    kinds = [event.kind for event in events_for(notice)]
    assert "removal.move_recorded" in kinds


def test_vulnerable_child_is_flagged_to_sharing_partners(
    school_user, authority, officer, police, social_care
):
    child = ChildFactory(authority=authority, upn="B801200005001")
    VulnerabilityFactory(child=child)
    ShareFactory(child=child, organisation=police, shared_by=officer)
    revoked = ShareFactory(child=child, organisation=social_care, shared_by=officer)
    revoked.revoked_at = timezone.now()
    revoked.save()

    notice, _ = actions.notify(
        actor=school_user, **notice_fields("F", upn="B801200005001")
    )

    flag = PartnerFlag.objects.get()
    assert flag.notice == notice
    assert flag.organisation == police
    assert AuditEntry.objects.filter(action="removal.partner_flag").count() == 1


def test_child_without_alert_is_not_flagged(school_user, authority, officer, police):
    child = ChildFactory(authority=authority, upn="B801200005001")
    ShareFactory(child=child, organisation=police, shared_by=officer)

    actions.notify(actor=school_user, **notice_fields("F", upn="B801200005001"))

    assert not PartnerFlag.objects.exists()


def _to_school(school_user, destination_school) -> RemovalNotice:
    notice, _ = actions.notify(
        actor=school_user,
        **notice_fields(
            "A",
            destination="school",
            destination_school=destination_school,
            new_start_on=date(2026, 12, 7),
        ),
    )
    return notice


def test_named_school_gets_arrival_deadline(school_user, other_school):
    notice = _to_school(school_user, other_school)

    assert notice.arrival == RemovalNotice.Arrival.AWAITED
    # 10 school days after Friday 4 December 2026.
    assert notice.arrival_due_on == date(2026, 12, 18)


def test_arrival_deadline_is_a_setting(school_user, other_school, settings):
    settings.ONROLL_REMOVALS = settings.ONROLL_REMOVALS | {"arrival_days": 5}

    notice = _to_school(school_user, other_school)

    assert notice.arrival_due_on == date(2026, 12, 11)


def test_unconfirmed_arrival_is_referred_by_sweep(school_user, other_school):
    notice = _to_school(school_user, other_school)

    assert sweep.sweep(notice.arrival_due_at - timedelta(seconds=1)) == {}
    outcomes = sweep.sweep(notice.arrival_due_at)

    assert outcomes == {"referred": 1}
    notice.refresh_from_db()
    assert notice.arrival == RemovalNotice.Arrival.REFERRED_CME
    case = CmeCase.objects.get()
    assert case.source_case_id == notice.pk
    assert case.last_known_address == notice.address
    assert sweep.sweep(timezone.now() + timedelta(days=60)) == {}


def test_stale_sweep_claim_acts_once(school_user, other_school):
    notice = _to_school(school_user, other_school)
    copy = RemovalNotice.objects.get(pk=notice.pk)

    assert sweep._act(notice) == "referred"
    assert sweep._act(copy) == "claimed_elsewhere"
    assert CmeCase.objects.count() == 1


def test_confirmed_arrival_is_not_referred(
    school_user, other_school, other_school_user
):
    notice = _to_school(school_user, other_school)

    actions.confirm_arrival(
        notice, actor=other_school_user, starting_on=date(2026, 12, 4)
    )

    assert sweep.sweep(timezone.now() + timedelta(days=60)) == {}
    assert not CmeCase.objects.exists()


def test_only_new_school_confirms_arrival(school_user, other_school):
    notice = _to_school(school_user, other_school)
    third = SchoolFactory(authority=other_school.authority)

    with pytest.raises(PermissionDenied):
        actions.confirm_arrival(
            notice, actor=school_user_for(third), starting_on=date(2026, 12, 4)
        )

    notice.refresh_from_db()
    assert notice.arrival == RemovalNotice.Arrival.AWAITED


def test_new_school_reports_not_arrived(
    client, school_user, other_school, other_school_user
):
    notice = _to_school(school_user, other_school)
    client.force_login(other_school_user)
    url = f"/school/removals/arrivals/{notice.pk}/"
    assert f"{url}not-arrived/" in client.get(url).content.decode()

    blank = client.post(f"{url}not-arrived/", {"version": notice.version, "note": ""})
    sent = client.post(
        f"{url}not-arrived/",
        {"version": notice.version, "note": "Mother says they moved to Spain."},
    )

    assert "Enter what the school knows" in blank.content.decode()
    assert sent.status_code == 302
    notice.refresh_from_db()
    assert notice.arrival == RemovalNotice.Arrival.REFERRED_CME
    case = CmeCase.objects.get()
    assert case.source_case_id == notice.pk
    assert "Mother says they moved to Spain." in case.reason
    # The sweep has nothing left to do for this pupil.
    assert sweep.sweep(timezone.now() + timedelta(days=60)) == {}


def test_only_new_school_reports_not_arrived(school_user, other_school):
    notice = _to_school(school_user, other_school)

    with pytest.raises(PermissionDenied):
        actions.report_not_arrived(notice, actor=school_user, note="Not here.")

    assert not CmeCase.objects.exists()


def test_sweep_deadlines_command_refers_arrivals(
    school_user, other_school, time_machine
):
    notice = _to_school(school_user, other_school)
    time_machine.move_to(notice.arrival_due_at, tick=False)
    dry_run = StringIO()
    output = StringIO()

    call_command("sweep_deadlines", "--dry-run", stdout=dry_run)
    call_command("sweep_deadlines", stdout=output)

    assert f"Removal notice {notice.pk}: arrival due" in dry_run.getvalue()
    assert "1 awaited arrival;" in dry_run.getvalue()
    assert (
        "Swept 1 awaited arrival: referred as missing education 1." in output.getvalue()
    )
    assert CmeCase.objects.get().source_case_id == notice.pk


def test_audit_entry_redacts_pupil_details(school_user):
    notice, _ = actions.notify(actor=school_user, **notice_fields("F"))

    changes = AuditEntry.objects.get(action="removal.notify").changes
    for field in ("first_name", "last_name", "date_of_birth", "address", "parents"):
        assert changes[field] == [None, "[personal data]"], field
    assert changes["ground"] == [None, "F"]
    assert notice.first_name not in str(changes)


# Every check and every route, as tables -------------------------------------------


def _special_school_answers() -> dict:
    return {
        "parent_told_in_writing": "yes",
        "placed_by_la": "yes",
        "la_consent_given": "no",
    }


# Check code: (school type, ground, field overrides) that fail that check alone.
CHECK_FAILURES = {
    "on_time": (School.Type.MAINTAINED, "F", {"deletion_on": date(2026, 12, 3)}),
    "school_type": (School.Type.MAINTAINED, "N", {}),
    "ground_conditions": (
        School.Type.MAINTAINED,
        "F",
        {"answers": {"parent_told_in_writing": "no"}},
    ),
    "la_decision": (
        School.Type.MAINTAINED,
        "D",
        {"answers": {"la_sao_decision": "no"}},
    ),
    "joint_enquiries": (
        School.Type.MAINTAINED,
        "H",
        {
            "answers": {
                "leave_ended_on": "2026-11-13",
                "sickness_or_unavoidable": "no",
                "joint_enquiries_done": "no",
            }
        },
    ),
    "la_consent": (School.Type.SPECIAL, "F", {"answers": _special_school_answers()}),
    "continuous_absence": (
        School.Type.MAINTAINED,
        "I",
        {
            "answers": {
                "first_absence_on": "2026-11-20",
                "sessions_coded_gno": "yes",
                "sickness_or_unavoidable": "no",
                "joint_enquiries_done": "yes",
            }
        },
    ),
    "deletion_return": (School.Type.MAINTAINED, "F", {"parents": []}),
}


def test_check_table_covers_every_check():
    assert set(CHECK_FAILURES) == set(CHECKS)


@pytest.mark.parametrize("check", sorted(CHECK_FAILURES))
def test_each_check_fails_alone(school_of_type, check):
    kind, ground, overrides = CHECK_FAILURES[check]
    _, user = school_of_type(kind)

    notice, _ = actions.notify(actor=user, **notice_fields(ground, **overrides))

    assert [f["check"] for f in notice.findings] == [check]
    assert notice.findings[0]["source"]
    assert notice.challenges.get().is_open


# Destination: (extra fields, CME case opened, arrival state, home education list)
ROUTES = {
    "unknown": ({}, True, "", False),
    "home_education": ({}, False, "", True),
    "abroad": ({"destination_country": "Portugal"}, False, "", False),
    "other_authority": ({"destination_authority_name": "Rutland"}, False, "", False),
    "school": (
        {"destination_school_name": "Elm Academy", "new_start_on": date(2026, 12, 7)},
        False,
        "",
        False,
    ),
    "school_in_onroll": (
        {"new_start_on": date(2026, 12, 7)},
        False,
        RemovalNotice.Arrival.AWAITED,
        False,
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route_by_destination(client, school_user, officer, other_school, route):
    extra, opens_cme, arrival, on_home_education_list = ROUTES[route]
    destination = "school" if route == "school_in_onroll" else route
    if route == "school_in_onroll":
        extra = extra | {"destination_school": other_school}

    notice, _ = actions.notify(
        actor=school_user,
        **notice_fields("F", destination=destination, **extra),
    )

    assert CmeCase.objects.filter(source_case_id=notice.pk).exists() is opens_cme
    assert notice.arrival == arrival
    client.force_login(officer)
    home_education_page = client.get("/removals/home-education/")
    assert home_education_page.status_code == 200
    listed = notice.pupil_name in home_education_page.content.decode()
    assert listed is on_home_education_list
    assert notice.findings == []
