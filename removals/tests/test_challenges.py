"""The challenge state table, its letters and who may move a challenge."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.timeline import events_for
from casework.transitions import StaleCase, TransitionNotAllowed
from correspondence.models import Message
from removals import actions
from removals.models import Challenge, ChallengeLetter
from removals.states import State
from removals.tests.conftest import notice_fields, school_user_for
from schools.models import School
from schools.tests.factories import SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def challenge_at(authority, officer, django_capture_on_commit_callbacks):
    """Build an opened challenge to a notice from a school of the given type."""

    def build(kind: str = School.Type.MAINTAINED) -> Challenge:
        school = SchoolFactory(authority=authority, type=kind, trust="Oak Trust")
        notice, _ = actions.notify(actor=school_user_for(school), **notice_fields("F"))
        challenge, _ = actions.open_challenge(
            notice, actor=officer, reason="Parent denies it."
        )
        return challenge

    return build


def _move(challenge, name, officer, **kwargs):
    actions.move_challenge(challenge, name, actor=officer, **kwargs)
    challenge.refresh_from_db()


# (school type, transitions in order, final state, letters sent)
ROUTES = [
    pytest.param(
        School.Type.MAINTAINED,
        ["send_informal", "send_formal", "escalate_governing_board", "reinstate"],
        State.REINSTATED,
        ["informal", "formal", "governing_board"],
        id="maintained-to-governing-board",
    ),
    pytest.param(
        School.Type.ACADEMY,
        ["send_informal", "send_formal", "escalate_trust", "escalate_dfe", "uphold"],
        State.UPHELD,
        ["informal", "formal", "trust", "dfe"],
        id="academy-to-trust-and-dfe",
    ),
    pytest.param(
        School.Type.MAINTAINED,
        ["send_formal", "withdraw"],
        State.WITHDRAWN,
        ["formal"],
        id="straight-to-formal-then-withdrawn",
    ),
]


@pytest.mark.parametrize(("kind", "names", "final", "stages"), ROUTES)
def test_challenge_route(challenge_at, officer, settings, kind, names, final, stages):
    settings.ONROLL_DFE_EMAIL = "removals@dfe.example.org"
    challenge = challenge_at(kind)

    for name in names:
        _move(challenge, name, officer, note="Outcome agreed with the school.")

    assert challenge.state == final
    assert not challenge.is_open
    letters = list(challenge.letters.select_related("message__template_version"))
    assert [letter.stage for letter in letters] == stages
    # Each stage's letter is its own template, queued in the outbox.
    assert [letter.message.template_version.template.name for letter in letters] == [
        f"removal_challenge_{stage}" for stage in stages
    ]
    assert all(letter.message.status == Message.Status.QUEUED for letter in letters)
    assert challenge.outcome_note == "Outcome agreed with the school."


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (School.Type.ACADEMY, "escalate_governing_board"),
        (School.Type.MAINTAINED, "escalate_trust"),
        (School.Type.MAINTAINED, "escalate_dfe"),
    ],
)
def test_escalation_follows_school_type(challenge_at, officer, kind, name):
    challenge = challenge_at(kind)
    _move(challenge, "send_formal", officer)

    with pytest.raises(
        TransitionNotAllowed, match="is not an academy|is not a maintained"
    ):
        actions.move_challenge(challenge, name, actor=officer)


def test_informal_letter_sets_reply_deadline(challenge_at, officer):
    challenge = challenge_at()

    _move(challenge, "send_informal", officer)

    # 5 school days after Friday 4 December 2026.
    assert challenge.due_on == date(2026, 12, 11)
    letter = challenge.letters.get()
    assert letter.reply_due_on == date(2026, 12, 11)
    assert "11 December 2026" in letter.message.text
    assert "Parent denies it." in letter.message.text
    assert letter.message.to == challenge.notice.school.email
    kinds = [event.kind for event in events_for(challenge)]
    assert "removal_challenge.letter_sent" in kinds


def test_reply_deadline_is_a_setting(challenge_at, officer, settings):
    settings.ONROLL_REMOVALS = settings.ONROLL_REMOVALS | {"formal_reply_days": 2}
    challenge = challenge_at()

    _move(challenge, "send_formal", officer)

    assert challenge.due_on == date(2026, 12, 8)


def test_outcome_needs_a_note(challenge_at, officer):
    challenge = challenge_at()

    with pytest.raises(ValidationError):
        actions.move_challenge(challenge, "uphold", actor=officer)


def test_dfe_escalation_needs_address(challenge_at, officer, settings):
    settings.ONROLL_DFE_EMAIL = ""
    challenge = challenge_at(School.Type.ACADEMY)
    for name in ["send_formal", "escalate_trust"]:
        _move(challenge, name, officer)

    with pytest.raises(ValidationError, match="ONROLL_DFE_EMAIL"):
        actions.move_challenge(challenge, "escalate_dfe", actor=officer)

    challenge.refresh_from_db()
    assert challenge.state == State.TRUST
    assert ChallengeLetter.objects.filter(stage=State.DFE).count() == 0
    assert not Message.objects.filter(
        template_version__template__name="removal_challenge_dfe"
    ).exists()


def test_stale_version_is_refused(challenge_at, officer):
    challenge = challenge_at()
    old_version = challenge.version
    _move(challenge, "send_informal", officer)

    with pytest.raises(StaleCase):
        actions.move_challenge(
            challenge, "send_formal", actor=officer, version=old_version
        )


def test_other_authority_cannot_move_challenge(challenge_at, other_authority_officer):
    challenge = challenge_at()

    with pytest.raises(TransitionNotAllowed):
        actions.move_challenge(
            challenge, "send_informal", actor=other_authority_officer
        )


def test_school_cannot_open_challenge(school_user):
    notice, _ = actions.notify(actor=school_user, **notice_fields("F"))

    with pytest.raises(TransitionNotAllowed):
        actions.open_challenge(notice, actor=school_user, reason="No.")


def test_doubting_officer_opens_challenge_once(school_user, officer):
    notice, _ = actions.notify(actor=school_user, **notice_fields("F"))

    first, first_created = actions.open_challenge(
        notice, actor=officer, reason="Doubt."
    )
    second, second_created = actions.open_challenge(
        notice, actor=officer, reason="Doubt again."
    )

    assert first == second
    assert (first_created, second_created) == (True, False)
    assert first.owner == officer
    second.refresh_from_db()
    assert second.reason == "Doubt."
    note = events_for(first).get(kind="removal_challenge.note_added")
    assert note.note == "Doubt again."
    assert note.actor == officer


def test_letter_lists_failed_checks(authority, officer):
    school = SchoolFactory(authority=authority, type=School.Type.MAINTAINED)
    # Notified three days after the deletion: the late-notice check fails.
    notice, _ = actions.notify(
        actor=school_user_for(school),
        **notice_fields("F", deletion_on=date(2026, 12, 1)),
    )
    assert notice.findings
    challenge = Challenge.objects.get(notice=notice)

    _move(challenge, "send_informal", officer)

    message = challenge.letters.get().message
    for finding in notice.findings:
        line = f"{finding['title']}: {finding['message']} (Rule: {finding['source']})"
        assert line in message.text
        assert message.text.count(finding["message"]) == 1
        assert message.html.count(finding["message"]) == 1
    assert "What concerns us" in message.html
    assert "The notice failed one or more of the authority's checks." in message.text


def test_undelivered_letter_flagged_on_list(client, authority, officer, settings):
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@allowed.example.org"]
    school = SchoolFactory(authority=authority, email="office@school.example.net")
    notice, _ = actions.notify(actor=school_user_for(school), **notice_fields("F"))
    challenge, _ = actions.open_challenge(
        notice, actor=officer, reason="Parent denies."
    )
    client.force_login(officer)
    assert (
        "Letter not delivered"
        not in client.get("/removals/challenges/").content.decode()
    )

    _move(challenge, "send_informal", officer)

    message = challenge.letters.get().message
    assert message.status == Message.Status.REFUSED
    assert (
        "Letter not delivered" in client.get("/removals/challenges/").content.decode()
    )
    page = client.get(f"/removals/challenges/{challenge.pk}/").content.decode()
    assert "Email: Refused: address not allowed." in page


def test_timeline_names_who_acted(client, authority, officer):
    school = SchoolFactory(authority=authority)
    # Notified after the deletion, so the checks open the challenge.
    notice, _ = actions.notify(
        actor=school_user_for(school),
        **notice_fields("F", deletion_on=date(2026, 12, 1)),
    )
    challenge = Challenge.objects.get(notice=notice)
    _move(challenge, "send_informal", officer)
    client.force_login(officer)

    page = client.get(f"/removals/challenges/{challenge.pk}/").content.decode()

    events = {event.kind: event for event in events_for(challenge)}
    assert events["removal_challenge.opened"].actor_label == (
        "Onroll (automatic checks)"
    )
    assert events["removal_challenge.letter_sent"].actor == officer
    assert events["removal_challenge.send_informal"].actor == officer
    assert "Onroll (automatic checks)" in page
    assert "Onroll (automatic)" not in page


def test_challenge_page_lists_failed_checks(client, authority, officer):
    school = SchoolFactory(authority=authority)
    notice, _ = actions.notify(
        actor=school_user_for(school),
        **notice_fields("F", deletion_on=date(2026, 12, 1)),
    )
    challenge = Challenge.objects.get(notice=notice)
    client.force_login(officer)

    page = client.get(f"/removals/challenges/{challenge.pk}/").content.decode()

    assert "Failed checks" in page
    assert page.count(notice.findings[0]["message"]) == 1


@pytest.mark.parametrize(
    ("kind", "steps", "field"),
    [
        (School.Type.MAINTAINED, ["escalate_governing_board"], "governing_board_email"),
        (School.Type.ACADEMY, ["escalate_trust"], "trust_email"),
    ],
)
@pytest.mark.parametrize("address", ["", "escalations@board.example.org"])
def test_escalation_goes_to_board_or_trust_address(
    challenge_at, officer, kind, steps, field, address
):
    challenge = challenge_at(kind)
    school = challenge.notice.school
    setattr(school, field, address)
    school.save()

    for name in ["send_formal", *steps]:
        _move(challenge, name, officer)

    letter = challenge.letters.select_related("message").last()
    # Without its own address, the letter goes to the school for the board's
    # or trust's attention.
    assert letter.message.to == (address or school.email)
