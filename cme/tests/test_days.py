"""Days missing education for a child referred, found, then missing again.

The shipped Leicestershire calendar: half term 19 to 23 October 2026, the
autumn term ends Friday 18 December, the spring term starts Monday 4 January.
"""

import importlib
import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from audit.models import AuditEntry
from cme import actions, outcomes
from cme.compulsory import csa_ends_on, csa_starts_on
from cme.days import school_days_missing, was_missing_on
from cme.models import CmeCase, MissingPeriod
from schools.calendars import CalendarCache

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def _move(time_machine, day: date) -> None:
    time_machine.move_to(
        datetime(day.year, day.month, day.day, 10, tzinfo=LONDON), tick=False
    )


@pytest.fixture
def found_then_missing(time_machine, open_case, inclusion_officer, school, school_user):
    """Referred Monday 12 October, on roll from Friday 6 November, missing
    again from Monday 30 November."""
    _move(time_machine, date(2026, 10, 12))
    case = open_case(referred_on=date(2026, 10, 12))
    actions.set_reason(
        case,
        actor=inclusion_officer,
        primary_reason=CmeCase.Reason.AWAITING_PLACE,
        waiting_for_place=True,
    )
    _move(time_machine, date(2026, 11, 6))
    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=CmeCase.Outcome.ON_ROLL,
        outcome_school=school,
        outcome_on=date(2026, 11, 6),
    )
    actions.confirm_on_roll(case, actor=school_user)
    _move(time_machine, date(2026, 12, 1))
    actions.reopen(
        case,
        actor=inclusion_officer,
        missing_since=date(2026, 11, 30),
        note="The school reports the child stopped coming after two weeks.",
    )
    return case


def test_periods_stored(found_then_missing):
    periods = [
        (p.started_on, p.ended_on) for p in found_then_missing.missing_periods.all()
    ]

    # On roll from Friday 6 November, so the last day missing is Thursday 5.
    assert periods == [
        (date(2026, 10, 12), date(2026, 11, 5)),
        (date(2026, 11, 30), None),
    ]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # Mon 12 to Fri 16 October (5), half term 19 to 23 October, Mon 26 to
        # Fri 30 October (5) and Mon 2 to Thu 5 November (4): 5 + 5 + 4 = 14.
        # Friday 6 November, the first day on roll, is not a day missing.
        (date(2026, 11, 20), 14),
        # Then Mon 30 November to Fri 4 December (5): 14 + 5 = 19.
        (date(2026, 12, 4), 19),
        # Then Mon 7 to Fri 18 December (10), the holiday, and Mon 4 to Tue 5
        # January (2): 19 + 10 + 2 = 31.
        (date(2027, 1, 5), 31),
    ],
)
def test_school_days_missing(found_then_missing, on, expected):
    assert school_days_missing(found_then_missing, on, CalendarCache()) == expected


def test_waiting_list_shows_days(
    client, time_machine, found_then_missing, inclusion_officer
):
    _move(time_machine, date(2027, 1, 5))
    client.force_login(inclusion_officer)

    body = client.get("/cme/waiting/").content.decode()

    assert found_then_missing.child.full_name in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">31</td>' in body


def test_census_return_figures(time_machine, found_then_missing, open_case, authority):
    _move(time_machine, date(2027, 1, 5))
    open_case(referred_on=date(2027, 1, 5))
    out = StringIO()

    call_command(
        "cme_return", "2027-01-05", "--la", authority.code, "--json", stdout=out
    )

    figures = json.loads(out.getvalue())
    assert (figures["la_code"], figures["authority"]) == ("855", "Leicestershire")
    assert figures["children_missing_education"] == 2
    assert figures["by_time_missing"] == {
        "Up to 4 weeks (20 school days)": 1,
        "4 weeks to a term (21 to 60 school days)": 1,
        "More than a term (over 60 school days)": 0,
    }
    assert figures["by_primary_reason"] == {
        "Applying for or awaiting a school place": 1,
        "Not recorded": 1,
    }


def _census_with_cases(time_machine, open_case, authority, *options):
    """Run the return on Tuesday 5 January 2027 with a second child, who has a UPN."""
    _move(time_machine, date(2027, 1, 5))
    second = open_case(referred_on=date(2027, 1, 5), upn="B801200005001")
    out = StringIO()
    call_command(
        "cme_return", "2027-01-05", "--la", authority.code, *options, stdout=out
    )
    return second, out.getvalue()


def test_census_json_lists_cases(
    time_machine, found_then_missing, open_case, authority
):
    second, output = _census_with_cases(
        time_machine, open_case, authority, "--json", "--cases"
    )

    figures = json.loads(output)
    assert figures["cases"] == [
        {
            "case_id": found_then_missing.pk,
            "upn": None,
            "school_days_missing": 31,
            "time_missing": "4 weeks to a term (21 to 60 school days)",
            "primary_reason": "Applying for or awaiting a school place",
        },
        {
            "case_id": second.pk,
            "upn": "B801200005001",
            "school_days_missing": 1,
            "time_missing": "Up to 4 weeks (20 school days)",
            "primary_reason": "Not recorded",
        },
    ]
    assert figures["children_missing_education"] == 2
    entry = AuditEntry.objects.get(action="cme.return_cases_listed")
    assert entry.data["cases"] == [found_then_missing.pk, second.pk]


def test_census_text_lists_cases_without_names(
    time_machine, found_then_missing, open_case, authority
):
    second, output = _census_with_cases(time_machine, open_case, authority, "--cases")

    lines = output.splitlines()
    start = lines.index("Cases counted:")
    assert lines[start + 1 :] == [
        f"  CME case {found_then_missing.pk}, no UPN: 31 school days, "
        "4 weeks to a term (21 to 60 school days), "
        "Applying for or awaiting a school place",
        f"  CME case {second.pk}, B801200005001: 1 school day, "
        "Up to 4 weeks (20 school days), Not recorded",
    ]
    for child in (found_then_missing.child, second.child):
        assert child.legal_first_name not in output
        assert child.legal_last_name not in output


def test_census_lists_no_cases_unasked(
    time_machine, found_then_missing, open_case, authority
):
    _, as_json = _census_with_cases(time_machine, open_case, authority, "--json")
    text = StringIO()
    call_command("cme_return", "2027-01-05", "--la", authority.code, stdout=text)
    as_text = text.getvalue()

    assert json.loads(as_json)["children_missing_education"] == 2
    assert "cases" not in json.loads(as_json)
    assert "Cases counted:" not in as_text
    assert not AuditEntry.objects.filter(action="cme.return_cases_listed").exists()


def test_census_leaves_out_found_child(time_machine, found_then_missing, authority):
    out = StringIO()

    call_command(
        "cme_return", "2026-11-20", "--la", authority.code, "--json", stdout=out
    )

    assert '"children_missing_education": 0' in out.getvalue()


@pytest.mark.parametrize(
    ("census_date", "counted"),
    [
        # Thursday 5 November, the last day missing.
        ("2026-11-05", 1),
        # Friday 6 November, the first day on roll.
        ("2026-11-06", 0),
    ],
)
def test_census_around_first_day_on_roll(
    time_machine, found_then_missing, authority, census_date, counted
):
    out = StringIO()

    call_command(
        "cme_return", census_date, "--la", authority.code, "--json", stdout=out
    )

    assert f'"children_missing_education": {counted}' in out.getvalue()


# Every outcome that closes the case, with the outcome date Tuesday
# 1 December 2026. A "not found" case stays open, so its period runs on.
CLOSING_OUTCOMES = [
    outcome for outcome in CmeCase.Outcome if outcome != CmeCase.Outcome.NOT_FOUND
]


@pytest.mark.parametrize("outcome", CLOSING_OUTCOMES)
def test_closed_period_ends_day_before_outcome(
    time_machine, outcome, open_case, inclusion_officer, manager, school, school_user
):
    _move(time_machine, date(2026, 12, 4))
    # Born 14 March 2010, the child left compulsory school age on Friday
    # 26 June 2026, so "over compulsory school age" fits them.
    born = (
        date(2010, 3, 14) if outcome == CmeCase.Outcome.OVER_CSA else date(2015, 3, 14)
    )
    case = open_case(referred_on=date(2026, 11, 2), date_of_birth=born)

    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=outcome,
        outcome_on=date(2026, 12, 1),
        outcome_school=school,
        outcome_destination="Lisbon, Portugal",
        outcome_evidence="Confirmed by the parent on 1 December.",
    )
    if outcomes.RULES[outcome].needs_sign_off:
        actions.sign_off(case, actor=manager)
    if outcome == CmeCase.Outcome.ON_ROLL:
        actions.confirm_on_roll(case, actor=school_user)

    case.refresh_from_db()
    period = case.missing_periods.get()
    assert not case.is_open
    assert period.ended_on == date(2026, 11, 30)
    assert was_missing_on(case, date(2026, 11, 30))
    assert not was_missing_on(case, date(2026, 12, 1))


def test_found_on_first_day_counts_no_days(
    client, time_machine, open_case, inclusion_officer
):
    _move(time_machine, date(2026, 12, 4))
    case = open_case(referred_on=date(2026, 11, 2))

    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=CmeCase.Outcome.HOME_EDUCATION,
        outcome_on=date(2026, 11, 2),
        outcome_evidence="Home education since September, confirmed by the EHE team.",
    )

    period = case.missing_periods.get()
    assert period.ended_on == date(2026, 11, 1)
    assert period.is_empty
    assert school_days_missing(case, date(2026, 12, 4), CalendarCache()) == 0
    assert not was_missing_on(case, date(2026, 11, 2))
    client.force_login(inclusion_officer)
    page = client.get(f"/cme/{case.pk}/").content.decode()
    assert "in education that day, so no days missing" in page


def test_migration_moves_old_ends_back(open_case, inclusion_officer):
    """Periods closed on the outcome date move to the day before, and back."""
    migration = importlib.import_module(
        "cme.migrations.0006_missing_period_ends_day_before"
    )
    case = open_case(referred_on=date(2026, 11, 2))
    MissingPeriod.objects.filter(case=case).update(ended_on=date(2026, 11, 6))
    still_open = open_case(referred_on=date(2026, 11, 2)).missing_periods.get()

    migration.end_day_before(django_apps, None)
    after = case.missing_periods.get().ended_on
    migration.end_on_outcome_day(django_apps, None)
    reverted = case.missing_periods.get().ended_on

    still_open.refresh_from_db()
    assert after == date(2026, 11, 5)
    assert reverted == date(2026, 11, 6)
    assert still_open.ended_on is None


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        (date(2019, 2, 10), date(2024, 3, 31)),
        (date(2019, 3, 31), date(2024, 3, 31)),
        (date(2019, 4, 1), date(2024, 8, 31)),
        (date(2019, 9, 1), date(2024, 12, 31)),
        (date(2020, 2, 29), date(2025, 3, 31)),
    ],
)
def test_compulsory_school_age_starts(born, starts):
    assert csa_starts_on(born) == starts


def test_compulsory_school_age_ends():
    # Born 23 September 2007: 16 in September 2023, after 31 August, so
    # leaves on the last Friday in June 2024.
    assert csa_ends_on(date(2007, 9, 23)) == date(2024, 6, 28)
    assert csa_ends_on(date(2008, 8, 31)) == date(2024, 6, 28)


def test_census_return_warns_of_a_future_date(time_machine, authority):
    _move(time_machine, date(2026, 12, 4))
    out, err = StringIO(), StringIO()

    call_command(
        "cme_return", "2027-01-21", "--la", authority.code, stdout=out, stderr=err
    )

    assert "2027-01-21 is in the future" in err.getvalue()
    assert "By primary reason:\n  None" in out.getvalue()
