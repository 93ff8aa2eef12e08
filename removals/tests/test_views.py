"""The removal pages through the test client: forms, uploads, lists, reports."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from access.tests.factories import ShareFactory
from children.tests.factories import ChildFactory, VulnerabilityFactory
from cme.models import CmeCase
from removals.models import Challenge, RemovalNotice, RemovalUpload
from removals.tests.conftest import school_user_for
from removals.tests.factories import (
    ChallengeFactory,
    PartnerFlagFactory,
    RemovalNoticeFactory,
)
from schools.models import School
from schools.tests.factories import SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def _form_data(**overrides) -> dict:
    data = {
        "first_name": "Maya",
        "last_name": "Testpupil",
        "date_of_birth_day": "14",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2015",
        "address": "12 Station Road, Hinckley LE10 1AA",
        "parent_name": "Sam Testpupil",
        "parent_address": "12 Station Road, Hinckley LE10 1AA",
        "parent_phone": "01455 000000",
        "ground": "F",
        "q_F_parent_told_in_writing": "yes",
        "deletion_on_day": "4",
        "deletion_on_month": "12",
        "deletion_on_year": "2026",
        "destination": "home_education",
        "notifier_name": "Pat Registrar",
        "notifier_role": "Attendance officer",
    }
    data.update(overrides)
    return data


# Notice form -------------------------------------------------------------------


def test_form_explains_every_ground(client, school_user):
    client.force_login(school_user)

    response = client.get("/school/removals/new/")

    for letter in "ABCDEFGHIJKLMNO":
        assertContains(response, f'id="id_ground_{letter}"')
    assertContains(response, "Continuously absent for 20 school days")
    assertContains(response, "SI 2024/208 reg 9(1)(i)")
    assertContains(response, 'data-aria-controls="conditional-ground-I"')


def test_form_saves_notice(client, school_user, school):
    client.force_login(school_user)

    response = client.post("/school/removals/new/", _form_data())

    notice = RemovalNotice.objects.get()
    assert response.status_code == 302
    assert response.url == f"/school/removals/{notice.pk}/"
    assert notice.school == school
    assert notice.answers == {"parent_told_in_writing": True}
    assert notice.parents[0]["phone"] == "01455 000000"


def test_form_asks_only_the_chosen_grounds_questions(client, school_user):
    client.force_login(school_user)
    # Ground I chosen without its answers; a half-typed date under ground H
    # is ignored because H is not chosen.
    data = _form_data(ground="I", q_H_leave_ended_on_day="99")

    response = client.post("/school/removals/new/", data)

    assert response.status_code == 200
    assert not RemovalNotice.objects.exists()
    errors = response.context["form"].errors
    assert "q_I_joint_enquiries_done" in errors
    assert "q_I_first_absence_on" in errors
    assert not any(name.startswith("q_H_") for name in errors)
    assertContains(response, 'value="Maya"')


def test_blank_form_names_each_required_field(client, school_user):
    client.force_login(school_user)

    response = client.post("/school/removals/new/", {})

    errors = response.context["form"].errors
    expected = {
        "first_name": "Enter the pupil's first name",
        "last_name": "Enter the pupil's last name",
        "date_of_birth": "Enter the pupil's date of birth",
        "ground": "Choose the ground for deletion",
        "deletion_on": "Enter the date of deletion",
        "destination": "Choose where the pupil is going",
        "notifier_name": "Enter your name",
        "notifier_role": "Enter your role",
    }
    assert errors == {name: [message] for name, message in expected.items()}
    assertNotContains(response, "This field is required")


def test_form_shows_la_questions_to_special_school(client, authority):
    special = SchoolFactory(authority=authority, type=School.Type.SPECIAL)
    client.force_login(school_user_for(special))

    response = client.post("/school/removals/new/", _form_data())

    assert response.status_code == 200
    assert "q_special_placed_by_la" in response.context["form"].errors
    assertContains(response, "You need not answer these questions for grounds D, E")


def test_form_asks_special_academy_la_questions(client, authority):
    academy = SchoolFactory(
        authority=authority, type=School.Type.ACADEMY, is_special=True
    )
    client.force_login(school_user_for(academy))

    response = client.post("/school/removals/new/", _form_data())

    assert response.status_code == 200
    assert "q_special_la_consent_given" in response.context["form"].errors


def test_special_school_notifies_death_without_la_questions(client, authority):
    special = SchoolFactory(authority=authority, type=School.Type.SPECIAL)
    client.force_login(school_user_for(special))
    data = _form_data(ground="K")
    del data["q_F_parent_told_in_writing"]

    response = client.post("/school/removals/new/", data)

    notice = RemovalNotice.objects.get()
    assert response.status_code == 302
    assert notice.answers == {}
    assert notice.findings == []


# Upload ------------------------------------------------------------------------

HEADER = (
    "first_name,last_name,date_of_birth,upn,address,parent_name,parent_address,"
    "parent_phone,ground,deletion_on,destination,notifier_name,notifier_role,"
    "parent_told_in_writing,joint_enquiries_done\n"
)
GOOD_ROW = (
    "Maya,Testpupil,2015-03-14,,1 Road,Sam,1 Road,01,F,2026-12-04,"
    "home_education,Pat,Registrar,yes,\n"
)
SECOND_GOOD_ROW = (
    "Leo,Testpupil,2014-05-02,,1 Road,Sam,1 Road,01,F,2026-12-04,"
    "unknown,Pat,Registrar,yes,\n"
)
BAD_ROWS = (
    # Line 4: not a date; line 5: ground I without its answers; line 6: no
    # such destination and an invalid UPN; line 7: too many values.
    "Ava,Testpupil,14/03/2015,,1 Road,Sam,1 Road,01,F,2026-12-04,"
    "home_education,Pat,Registrar,yes,\n"
    "Ben,Testpupil,2015-01-01,,1 Road,Sam,1 Road,01,I,2026-12-04,"
    "unknown,Pat,Registrar,,no\n"
    "Cy,Testpupil,2015-01-01,X123,1 Road,Sam,1 Road,01,F,2026-12-04,"
    "mars,Pat,Registrar,yes,\n"
    "Di,Testpupil,2015-01-01,,1 Road,Sam,1 Road,01,F,2026-12-04,"
    "unknown,Pat,Registrar,yes,,extra\n"
)


def _upload(client, content: str, name: str = "removals.csv"):
    file = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post("/school/removals/upload/", {"file": file})


def test_upload_reports_each_rows_problems(client, school_user):
    client.force_login(school_user)

    response = _upload(client, HEADER + GOOD_ROW + SECOND_GOOD_ROW + BAD_ROWS)

    upload = RemovalUpload.objects.get()
    assert response.url == f"/school/removals/upload/{upload.pk}/"
    problems = {(p["line"], p["field"]) for p in upload.problems}
    assert problems == {
        (4, "date_of_birth"),
        (5, "first_absence_on"),
        (5, "sessions_coded_gno"),
        (5, "sickness_or_unavoidable"),
        (6, "destination"),
        (6, "upn"),
        (7, "row"),
    }
    assert [row["line"] for row in upload.rows] == [2, 3]
    assert not RemovalNotice.objects.exists()
    page = client.get(response.url)
    assertContains(page, "“14/03/2015” is not a date")
    assertContains(page, "Save 2 notices")


def test_upload_saves_only_on_confirm_and_never_twice(client, school_user):
    client.force_login(school_user)
    content = HEADER + GOOD_ROW + SECOND_GOOD_ROW + BAD_ROWS

    preview = _upload(client, content)
    assert not RemovalNotice.objects.exists()
    confirmed = client.post(preview.url)

    assert confirmed.status_code == 302
    assert RemovalNotice.objects.count() == 2
    assert CmeCase.objects.count() == 1  # Leo's unknown destination

    again = _upload(client, content, name="renamed.csv")
    assert again.url == preview.url
    second_confirm = client.post(again.url)
    assert second_confirm.status_code == 200
    assertContains(second_confirm, "already confirmed")
    assertContains(second_confirm, "2 new notices saved")

    # The same rows in a different file are recognised row by row.
    _upload(client, HEADER + SECOND_GOOD_ROW + GOOD_ROW)
    client.post(f"/school/removals/upload/{RemovalUpload.objects.latest('pk').pk}/")
    assert RemovalNotice.objects.count() == 2
    assert CmeCase.objects.count() == 1


def test_confirmed_upload_keeps_counts_not_rows(client, school_user):
    client.force_login(school_user)
    # Maya is notified on the form first, so her line in the file is old.
    client.post("/school/removals/new/", _form_data())
    preview = _upload(client, HEADER + GOOD_ROW + SECOND_GOOD_ROW + BAD_ROWS)

    client.post(preview.url)

    upload = RemovalUpload.objects.get()
    assert upload.rows == []
    assert upload.problems == []
    assert upload.rows_cleared_at == upload.confirmed_at
    assert (upload.saved_count, upload.already_notified_count) == (1, 1)
    page = client.get(preview.url)
    assertContains(page, "1 new notice saved, and 1 line already notified before")
    assertNotContains(page, "Leo")
    assertNotContains(page, "14/03/2015")
    assertNotContains(page, "Save ")


def test_expired_upload_is_read_again(client, school_user):
    client.force_login(school_user)
    content = HEADER + GOOD_ROW
    preview = _upload(client, content)
    upload = RemovalUpload.objects.get()
    upload.rows = []
    upload.problems = []
    upload.rows_cleared_at = upload.uploaded_at
    upload.save()

    expired = client.get(preview.url)
    refused = client.post(preview.url)
    again = _upload(client, content)
    confirmed = client.post(again.url)

    assertContains(expired, "was not confirmed in time")
    assertNotContains(expired, "Save ")
    assertContains(refused, "Upload the file again")
    assert again.url == preview.url
    assert confirmed.status_code == 302
    assert RemovalNotice.objects.get().first_name == "Maya"


def test_upload_rejects_deletion_far_ahead(client, school_user):
    client.force_login(school_user)
    far_ahead = GOOD_ROW.replace("2026-12-04", "2035-12-04")

    _upload(client, HEADER + SECOND_GOOD_ROW + far_ahead)

    upload = RemovalUpload.objects.get()
    assert [row["line"] for row in upload.rows] == [2]
    assert len(upload.problems) == 1
    problem = upload.problems[0]
    assert (problem["line"], problem["field"]) == (3, "deletion_on")
    assert "4 December 2035" in problem["message"]
    assert "60 days" in problem["message"]


def test_form_rejects_deletion_far_ahead(client, school_user):
    client.force_login(school_user)

    response = client.post("/school/removals/new/", _form_data(deletion_on_year="2035"))

    assert response.status_code == 200
    assert not RemovalNotice.objects.exists()
    [message] = response.context["form"].errors["deletion_on"]
    assert "4 December 2035" in message


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        (b"\xff\xfe\x00", "file", "not UTF-8"),
        (b"name,date\nA,B\n", "header", "missing: first_name"),
        (
            (HEADER.strip() + ",colour\n").encode(),
            "header",
            "not known: colour",
        ),
        (HEADER.encode(), "row", "no notices"),
    ],
)
def test_malformed_file_is_reported(client, school_user, content, field, message):
    client.force_login(school_user)
    file = SimpleUploadedFile("bad.csv", content, content_type="text/csv")

    client.post("/school/removals/upload/", {"file": file})

    problem = RemovalUpload.objects.get().problems[0]
    assert problem["field"] == field
    assert message in problem["message"]


# Permissions ---------------------------------------------------------------------


def test_school_sees_only_its_own_removals(client, school, school_user, other_school):
    own = RemovalNoticeFactory(school=school, notified_by=school_user)
    other = RemovalNoticeFactory(school=other_school, notified_by=school_user)
    client.force_login(school_user)

    response = client.get("/school/removals/")

    assertContains(response, own.pupil_name)
    assertNotContains(response, other.pupil_name)
    assert client.get(f"/school/removals/{other.pk}/").status_code == 404


def test_school_notifies_only_for_itself(client, school_user, other_school):
    client.force_login(school_user)

    client.post("/school/removals/new/", _form_data())

    assert RemovalNotice.objects.get().school == school_user.school


def test_other_authority_officer_cannot_see_removal(
    client, school, officer, other_authority_officer
):
    notice = RemovalNoticeFactory(school=school, notified_by=officer)
    client.force_login(other_authority_officer)

    assert client.get(f"/removals/{notice.pk}/").status_code == 404
    assertNotContains(client.get("/removals/"), notice.pupil_name)


def test_destination_authority_sees_the_move(
    client, school, officer, other_authority, other_authority_officer
):
    notice = RemovalNoticeFactory(
        school=school,
        notified_by=officer,
        destination="other_authority",
        destination_authority=other_authority,
    )
    client.force_login(other_authority_officer)

    assert client.get(f"/removals/{notice.pk}/").status_code == 200
    assertContains(client.get("/removals/"), notice.pupil_name)


def test_partner_sees_flag_while_shared(client, school, officer, police, partner):
    notice = RemovalNoticeFactory(school=school, notified_by=officer)
    PartnerFlagFactory(notice=notice, organisation=police)
    share = ShareFactory(child=notice.child, organisation=police, shared_by=officer)
    client.force_login(partner)

    assertContains(client.get("/removals/flags/"), notice.pupil_name)
    assert client.get(f"/removals/{notice.pk}/").status_code == 200

    share.revoked_at = share.shared_at
    share.save()
    assertNotContains(client.get("/removals/flags/"), notice.pupil_name)
    assert client.get(f"/removals/{notice.pk}/").status_code == 404


@pytest.mark.parametrize("identity_shared", [True, False])
def test_partner_sees_identity_only_if_shared(
    client, school, officer, police, partner, identity_shared
):
    notice = RemovalNoticeFactory(
        school=school,
        notified_by=officer,
        date_of_birth=date(2015, 3, 14),
        upn="B801200005001",
    )
    PartnerFlagFactory(notice=notice, organisation=police)
    ShareFactory(
        child=notice.child,
        organisation=police,
        shared_by=officer,
        identity=identity_shared,
    )
    client.force_login(partner)

    response = client.get(f"/removals/{notice.pk}/")

    assert response.status_code == 200
    assertContains(response, notice.pupil_name)
    if identity_shared:
        assertContains(response, "14 March 2015")
        assertContains(response, "B801200005001")
    else:
        assertNotContains(response, "14 March 2015")
        assertNotContains(response, "B801200005001")


def test_officer_sees_pupil_identity(client, school, officer):
    notice = RemovalNoticeFactory(
        school=school,
        notified_by=officer,
        date_of_birth=date(2015, 3, 14),
        upn="B801200005001",
    )
    client.force_login(officer)

    response = client.get(f"/removals/{notice.pk}/")

    assertContains(response, "14 March 2015")
    assertContains(response, "B801200005001")


def test_vulnerable_removal_reaches_partner_page(
    client, school_user, authority, officer, police, partner
):
    child = ChildFactory(authority=authority, upn="B801200005001")
    VulnerabilityFactory(child=child)
    ShareFactory(child=child, organisation=police, shared_by=officer)
    client.force_login(school_user)
    client.post("/school/removals/new/", _form_data(upn="B801200005001"))
    client.force_login(partner)

    response = client.get("/removals/flags/")

    assertContains(response, "Maya Testpupil")


# Lists and reports -------------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("officer", "/removals/"),
        ("officer", "/removals/home-education/"),
        ("officer", "/removals/challenges/"),
        ("officer", "/removals/reports/unknown-destinations/?month=2026-12"),
        ("officer", "/removals/reports/counts/"),
        ("school_user", "/school/removals/"),
        ("partner", "/removals/flags/"),
    ],
)
def test_list_queries_do_not_grow_with_rows(
    client, request, school, officer, police, persona, url
):
    def add(n: int) -> None:
        for _ in range(n):
            notice = RemovalNoticeFactory(
                school=school, notified_by=officer, destination="unknown"
            )
            ChallengeFactory(notice=notice)
            PartnerFlagFactory(notice=notice, organisation=police)
            ShareFactory(child=notice.child, organisation=police, shared_by=officer)
            RemovalNoticeFactory(
                school=SchoolFactory(authority=school.authority),
                notified_by=officer,
                destination="school",
                destination_school=school,
                arrival="awaited",
                arrival_due_on=date(2026, 12, 18),
            )

    client.force_login(request.getfixturevalue(persona))
    add(2)
    client.get(url)
    with_2 = _count_queries(client, url)
    add(8)
    with_10 = _count_queries(client, url)

    assert with_10 == with_2


def test_unknown_destinations_report_by_month(client, school, officer):
    november = RemovalNoticeFactory(
        school=school,
        notified_by=officer,
        destination="unknown",
        deletion_on=date(2026, 11, 30),
    )
    december = RemovalNoticeFactory(
        school=school, notified_by=officer, destination="unknown"
    )
    home = RemovalNoticeFactory(school=school, notified_by=officer)
    client.force_login(officer)

    page = client.get("/removals/reports/unknown-destinations/?month=2026-11")
    download = client.get(
        "/removals/reports/unknown-destinations/?month=2026-11&format=csv"
    )

    assertContains(page, november.pupil_name)
    assertNotContains(page, december.pupil_name)
    assertNotContains(page, home.pupil_name)
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert download["Content-Type"].startswith("text/csv")
    assert [row[0] for row in rows[1:]] == [str(november.pk)]


@pytest.mark.parametrize("month", ["2026-13", "November", "2026-00"])
def test_invalid_month_shows_no_removals(client, school, officer, month):
    notice = RemovalNoticeFactory(
        school=school, notified_by=officer, destination="unknown"
    )
    client.force_login(officer)
    url = f"/removals/reports/unknown-destinations/?month={month}"

    page = client.get(url)
    download = client.get(url + "&format=csv")

    assert page.status_code == 400
    assertContains(page, "Enter the month as year-month", status_code=400)
    assertNotContains(page, notice.pupil_name, status_code=400)
    assertNotContains(page, "Download this month", status_code=400)
    assert download.status_code == 400
    assert download["Content-Type"].startswith("text/plain")
    assert "Enter the month as year-month" in download.content.decode()
    assert notice.pupil_name not in download.content.decode()


def test_counts_report_groups_by_school_ground_destination(
    client, school, other_school, officer
):
    for _ in range(3):
        RemovalNoticeFactory(school=school, notified_by=officer, ground="F")
    RemovalNoticeFactory(
        school=other_school, notified_by=officer, ground="I", destination="unknown"
    )
    client.force_login(officer)

    download = client.get("/removals/reports/counts/?format=csv")
    page = client.get("/removals/reports/counts/?from=not-a-date")

    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["school", "urn", "ground", "destination", "removals"]
    assert rows[1] == [school.name, str(school.urn), "F", "home_education", "3"]
    assert rows[2] == [other_school.name, str(other_school.urn), "I", "unknown", "1"]
    assertContains(page, "“not-a-date” is not a date")


def test_home_education_list_shows_only_home_education(client, school, officer):
    home = RemovalNoticeFactory(school=school, notified_by=officer)
    unknown = RemovalNoticeFactory(
        school=school, notified_by=officer, destination="unknown"
    )
    client.force_login(officer)

    response = client.get("/removals/home-education/")

    assertContains(response, home.pupil_name)
    assertNotContains(response, unknown.pupil_name)


def test_officer_opens_challenge_from_notice(client, school, officer):
    notice = RemovalNoticeFactory(school=school, notified_by=officer)
    client.force_login(officer)

    empty = client.post(f"/removals/{notice.pk}/challenge/", {"reason": ""})
    response = client.post(
        f"/removals/{notice.pk}/challenge/", {"reason": "The parent disputes it."}
    )

    assertContains(empty, "Enter why the removal is being challenged")
    challenge = Challenge.objects.get()
    assert response.url == f"/removals/challenges/{challenge.pk}/"
    assert challenge.owner == officer


@pytest.mark.parametrize(
    ("name", "note_required"),
    [
        ("send_informal", False),
        ("reinstate", True),
        ("uphold", True),
        ("withdraw", True),
    ],
)
def test_outcome_note_is_labelled_required(
    client, school, officer, name, note_required
):
    challenge = ChallengeFactory(notice__school=school, notice__notified_by=officer)
    client.force_login(officer)
    url = f"/removals/challenges/{challenge.pk}/{name}/"

    page = client.get(url)
    blank = client.post(url, {"version": challenge.version, "note": ""})

    label = page.content.decode().split('for="id_note"', 1)[1].split("</label>")[0]
    assert ("(optional)" in label) is not note_required
    if note_required:
        assert blank.status_code == 200
        assertContains(blank, "Enter the outcome and how it was reached")
        challenge.refresh_from_db()
        assert challenge.is_open
    else:
        assert blank.status_code == 302


def test_notice_with_open_challenge_links_to_it(client, school, officer):
    challenge = ChallengeFactory(notice__school=school, notice__notified_by=officer)
    client.force_login(officer)

    page = client.get(f"/removals/{challenge.notice.pk}/")

    assertNotContains(page, "Challenge this removal")
    assertContains(page, f'href="/removals/challenges/{challenge.pk}/"')
    assertContains(page, f"Go to the open challenge {challenge.pk}")


def test_second_challenge_adds_reason_as_note(client, school, officer):
    challenge = ChallengeFactory(notice__school=school, notice__notified_by=officer)
    client.force_login(officer)

    form = client.get(f"/removals/{challenge.notice.pk}/challenge/")
    response = client.post(
        f"/removals/{challenge.notice.pk}/challenge/",
        {"reason": "The family were seen at home last week."},
        follow=True,
    )

    assertContains(form, "is already open")
    assert Challenge.objects.count() == 1
    assert response.redirect_chain[-1][0] == f"/removals/challenges/{challenge.pk}/"
    assertContains(response, "your reason was added to its timeline as a note")
    assertContains(response, "The family were seen at home last week.")
    challenge.refresh_from_db()
    assert challenge.reason == "The parent says they did not ask for home education."


@pytest.mark.parametrize("is_special", [False, True])
def test_upload_page_lists_grounds_and_their_columns(client, school_user, is_special):
    school_user.school.is_special = is_special
    school_user.school.save()
    client.force_login(school_user)

    page = client.get("/school/removals/upload/").content.decode()

    # Ground H needs the joint enquiries answer; K (died) needs no consent.
    row_h = page[page.index("Not back after a leave of absence") :]
    assert "joint_enquiries" in row_h[: row_h.index("</tr>")]
    assert ("K*" in page) is False
    assert ("H*" in page) is is_special
    assert ("placed_by_la and la_consent_given" in page) is is_special


def test_counts_report_refuses_reversed_dates(client, officer):
    client.force_login(officer)

    page = client.get("/removals/reports/counts/?from=2026-12-31&to=2026-12-01")

    content = page.content.decode()
    assert "The from date, 31 December 2026, is after the to date" in content
    assert "<title>Error: Removals by school" in content


def test_bad_month_title_says_error_once(client, officer):
    client.force_login(officer)

    page = client.get("/removals/reports/unknown-destinations/?month=2026-13")

    assert (
        "<title>Error: Unknown destinations – Onroll</title>" in page.content.decode()
    )
