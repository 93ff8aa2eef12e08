"""Inclusion officers and a service manager work CME cases in a real browser.

The tests use the Chromium and live server fixtures of the placements browser
tests, with the clock at 10:00 on Friday 4 December 2026. They fill fields by
their labels, as a screen reader user would find them.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from children.models import Child
from cme.models import CmeCase, Enquiry
from cme.states import State
from placements.tests.test_browser import browser, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, user) -> None:  # noqa: F811 (not the fixture)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Missing education").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Children missing education"
    )


def _date_group(page: Page, legend: str) -> Locator:  # noqa: F811
    return page.get_by_role("group", name=legend)


def _fill_date(page: Page, legend: str, day: date) -> None:  # noqa: F811
    group = _date_group(page, legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _fill_referral(page: Page, referrer: str) -> None:  # noqa: F811
    page.get_by_label("Member of the public").check()
    page.get_by_label("Name of the referrer").fill(referrer)
    _fill_date(page, "Date of referral", date(2026, 12, 3))
    page.get_by_label("Child's legal first name").fill("Kai")
    page.get_by_label("Child's legal last name").fill("Testchild")
    _fill_date(page, "Date of birth", date(2016, 5, 9))
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Why the child is thought to be missing education").fill(
        "The family's house has been empty since half term."
    )


def _case_state(page: Page) -> Locator:  # noqa: F811
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(r"^State$"))
    )
    return row.locator("dd")


def _open_case_page(page: Page, case: CmeCase) -> None:  # noqa: F811
    page.get_by_role(
        "link", name=f"{case.child.full_name} (CME case {case.pk})"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.child.full_name)


def test_second_referral_shows_duplicate(page: Page, inclusion_officer):  # noqa: F811
    _sign_in(page, inclusion_officer)
    page.get_by_role("button", name="Record a referral").click()
    _fill_referral(page, "Alex Neighbour")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kai Testchild")
    expect(page.locator("main")).to_contain_text("CME case opened for Kai Testchild")
    case = CmeCase.objects.get()

    # A shopkeeper refers the same child. The page lists the open case and
    # opens no second one unless the officer confirms a different child.
    page.get_by_role("link", name="Back to children missing education").click()
    page.get_by_role("button", name="Record a referral").click()
    _fill_referral(page, "Jo Shopkeeper")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("main")).to_contain_text(
        "This child may already have an open case"
    )
    duplicates = page.get_by_role("table", name="Possible duplicates")
    expect(duplicates).to_contain_text("9 May 2016")
    expect(duplicates).to_contain_text("3 December 2026")
    expect(
        page.get_by_role("button", name="This is a different child: open a new case")
    ).to_be_visible()
    expect(page.get_by_label("Name of the referrer")).to_have_value("Jo Shopkeeper")
    assert CmeCase.objects.count() == 1

    duplicates.get_by_role("link", name=f"Go to Kai Testchild's case {case.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kai Testchild")
    expect(page.locator("main")).to_contain_text(f"CME case {case.pk}")
    expect(page.locator("main")).to_contain_text("by Alex Neighbour")
    assert CmeCase.objects.count() == 1
    assert Child.objects.filter(legal_last_name="Testchild").count() == 1


def test_moved_abroad_signed_off_and_closed(
    page: Page,  # noqa: F811
    open_case,
    inclusion_officer,
    manager,
):
    case = open_case(legal_first_name="Lena", legal_last_name="Testchild")
    _sign_in(page, inclusion_officer)
    _open_case_page(page, case)

    page.get_by_role("link", name="Record an enquiry").click()
    page.get_by_label("Enquiry", exact=True).select_option(
        label="Confirmation of a move abroad"
    )
    _fill_date(page, "Date of the enquiry", date(2026, 12, 1))
    page.get_by_label("Child found or located").check()
    page.get_by_label("Note").fill("The grandmother says the family moved to Poland.")
    page.get_by_role("button", name="Record an enquiry").click()
    checklist = page.get_by_role("heading", name="Reasonable enquiries").locator(
        "xpath=following-sibling::ul[1]"
    )
    checklist_item = checklist.get_by_role("listitem").filter(
        has_text="Confirmation of a move abroad"
    )
    expect(checklist_item).to_contain_text("Done")
    expect(page.get_by_role("table", name="Enquiries made")).to_contain_text(
        "Child found or located"
    )

    page.get_by_role("link", name="Review the case").click()
    _fill_date(page, "Date of the review", date(2026, 12, 3))
    page.get_by_label("What the review found and what happens next").fill(
        "Move abroad confirmed by family. Record the outcome."
    )
    page.get_by_role("button", name="Review the case").click()
    expect(page.locator("main")).to_contain_text("Move abroad confirmed by family.")

    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_label("Moved abroad").check()
    _fill_date(page, "Date", date(2026, 11, 20))
    page.get_by_label("Where the child went").fill("Poland")
    page.get_by_label("Evidence").fill(
        "Grandmother confirmed by phone; school in Kraków confirmed by email."
    )
    page.get_by_role("button", name="Record the outcome").click()
    expect(_case_state(page)).to_have_text("Outcome awaiting sign-off")
    expect(page.get_by_role("link", name="Sign off the outcome")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, manager)
    _open_case_page(page, case)
    page.get_by_role("link", name="Sign off the outcome").click()
    page.get_by_label("Note").fill("Evidence of the move is enough.")
    page.get_by_role("button", name="Sign off the outcome").click()
    expect(_case_state(page)).to_have_text("Closed")
    expect(page.locator("main")).to_contain_text(
        f"Signed off by {manager.get_full_name()}"
    )

    page.get_by_role("link", name="Back to children missing education").click()
    expect(page.locator("main")).to_contain_text("There are no open cases.")
    expect(page.locator("main")).not_to_contain_text("Lena Testchild")

    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.is_open is False
    assert case.outcome == CmeCase.Outcome.ABROAD
    assert case.outcome_recorded_by == inclusion_officer
    assert case.signed_off_by == manager


def test_form_errors_keep_typed_values(page: Page, open_case, inclusion_officer):  # noqa: F811
    case = open_case(legal_first_name="Noor", legal_last_name="Testchild")
    _sign_in(page, inclusion_officer)
    _open_case_page(page, case)

    # An enquiry dated tomorrow.
    page.get_by_role("link", name="Record an enquiry").click()
    page.get_by_label("Enquiry", exact=True).select_option(label="Home visit")
    _fill_date(page, "Date of the enquiry", date(2026, 12, 5))
    page.get_by_label("No trace of the child").check()
    page.get_by_label("Note").fill("Curtains drawn, no answer at the door.")
    page.get_by_role("button", name="Record an enquiry").click()

    summary = page.locator(".govuk-error-summary")
    error = summary.get_by_role(
        "link", name="The date of the enquiry, 5 December 2026, is in the future"
    )
    expect(error).to_have_attribute("href", "#id_made_on_0")
    error.click()
    day = _date_group(page, "Date of the enquiry").get_by_label("Day")
    expect(day).to_be_focused()
    expect(day).to_have_value("5")
    expect(page.get_by_label("Enquiry", exact=True)).to_have_value(
        str(case.authority.cme_enquiry_kinds.get(code="home_visit").pk)
    )
    expect(page.get_by_label("No trace of the child")).to_be_checked()
    expect(page.get_by_label("Note")).to_have_value(
        "Curtains drawn, no answer at the door."
    )
    assert not Enquiry.objects.filter(case=case).exists()

    day.fill("4")
    page.get_by_role("button", name="Record an enquiry").click()
    expect(page.get_by_role("table", name="Enquiries made")).to_contain_text(
        "Home visit"
    )

    # A review with no note.
    page.get_by_role("link", name="Review the case").click()
    _fill_date(page, "Date of the review", date(2026, 12, 4))
    page.get_by_role("button", name="Review the case").click()
    error = page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter what the review found and what happens next"
    )
    expect(error).to_have_attribute("href", "#id_note")
    error.click()
    expect(
        page.get_by_label("What the review found and what happens next")
    ).to_be_focused()
    review_date = _date_group(page, "Date of the review")
    expect(review_date.get_by_label("Day")).to_have_value("4")
    expect(review_date.get_by_label("Month")).to_have_value("12")
    expect(review_date.get_by_label("Year")).to_have_value("2026")
    case.refresh_from_db()
    assert case.last_reviewed_on is None
