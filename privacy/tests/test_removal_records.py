"""Removal notices and challenges in subject access exports and retention."""

import pytest

from access.tests.factories import UserFactory
from children.tests.factories import ChildFactory
from privacy.subject_access import build_export, render_document
from privacy.tests.test_retention import _apply_retention
from removals.models import Challenge, RemovalNotice
from removals.tests.factories import ChallengeFactory, RemovalNoticeFactory
from schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def removed_child(time_machine, authority):
    time_machine.move_to("2020-12-04 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority, legal_first_name="Ines")
    notice = RemovalNoticeFactory(
        school=SchoolFactory(authority=authority),
        child=child,
        notified_by=UserFactory(authority=authority),
        upn="B801200005001",
        new_address="4 Mill Lane, Loughborough",
        siblings="Omar, Year 3",
    )
    ChallengeFactory(notice=notice, reason="The mother says she never asked.")
    return child


def test_export_lists_notices_and_challenges(removed_child):
    export = build_export(removed_child, generated_by="officer")

    [notice] = export["removal_notices"]
    [challenge] = export["removal_challenges"]
    assert notice["new_address"] == "4 Mill Lane, Loughborough"
    assert notice["ground_label"].startswith("F:")
    assert "fingerprint" not in notice
    assert challenge["reason"] == "The mother says she never asked."
    document = render_document(removed_child, export)
    assert "Notices of removal from a school roll" in document
    assert "4 Mill Lane, Loughborough" in document


def test_retention_blanks_notices_and_challenges(removed_child, time_machine):
    time_machine.move_to("2026-12-05 10:00 +0000", tick=False)

    _apply_retention()

    notice = RemovalNotice.objects.get(child=removed_child)
    challenge = Challenge.objects.get(child=removed_child)
    assert notice.first_name == notice.last_name == "Anonymised"
    assert notice.upn == ""
    assert notice.address == notice.new_address == notice.siblings == ""
    assert notice.parents == []
    assert notice.date_of_birth.month == notice.date_of_birth.day == 1
    assert notice.ground == "F"
    assert challenge.reason == ""
