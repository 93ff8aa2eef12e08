"""An officer takes a child from application to checked off in a real browser.

Playwright drives Debian's Chromium (/usr/bin/chromium), which `make test`
installs from the Debian package; Playwright's own browser download is never
used.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from casework.timeline import events_for
from placements.models import Placement
from placements.states import State

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Debian's Chromium is not installed at {CHROMIUM}. Run `make browser` "
            "(apt-get install chromium) and try again."
        )
    # Playwright's synchronous API runs an event loop in this thread, which
    # makes Django refuse ORM calls from the test body without this flag.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, time_machine):
    time_machine.move_to("2026-12-04 10:00 +0000")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _fill_date(page: Page, name: str, day: int, month: int, year: int) -> None:
    page.fill(f"#id_{name}_0", str(day))
    page.fill(f"#id_{name}_1", str(month))
    page.fill(f"#id_{name}_2", str(year))


def _take_action(page: Page, label: str) -> None:
    page.get_by_role("button", name=label).click()


def test_application_to_checked_off(page: Page, officer, school):
    page.goto("/sign-in/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Worklist")

    # A new application, first with an invalid UPN: the error names the value
    # and everything typed is still there.
    page.get_by_role("link", name="New application").click()
    page.fill("#id_legal_first_name", "Robin")
    page.fill("#id_legal_last_name", "Ashworth")
    _fill_date(page, "date_of_birth", 14, 3, 2015)
    page.check("#id_sex_0")
    page.fill("#id_upn", "A801200005001")
    page.fill("#id_address_line_1", "12 Mill Lane")
    page.fill("#id_address_town", "Loughborough")
    page.fill("#id_address_postcode", "LE11 1AA")
    page.fill("#id_contact_name", "Jo Ashworth")
    page.fill("#id_contact_relationship", "Mother")
    page.fill("#id_contact_phone", "07700 900123")
    _fill_date(page, "received_on", 16, 11, 2026)
    page.select_option("#id_year_group", label="Year 7")
    page.get_by_role("button", name="Save and open the case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("UPN A801200005001 has the wrong check letter")
    expect(page.locator("#id_legal_first_name")).to_have_value("Robin")
    page.fill("#id_upn", "B801200005001")
    page.get_by_role("button", name="Save and open the case").click()
    expect(page.locator("main")).to_contain_text("Application received")

    # The officer records the vulnerability profile and a risk assessment.
    page.get_by_role("link", name="Robin Ashworth").first.click()
    page.get_by_role("link", name="Add a vulnerability characteristic").click()
    page.select_option("#id_kind", "child_in_need")
    page.fill("#id_evidence", "Open child in need plan since October.")
    page.fill("#id_source", "Children's social care")
    _fill_date(page, "recorded_on", 16, 11, 2026)
    page.get_by_role("button", name="Add characteristic").click()
    expect(page.locator("body")).to_contain_text("Child in need")
    page.get_by_role("link", name="Record a risk assessment").click()
    page.check("input[name=level][value='3']")
    for answer in page.locator("input[type=radio][value=no]").all():
        answer.check()
    _fill_date(page, "completed_on", 17, 11, 2026)
    _fill_date(page, "next_review_on", 17, 12, 2026)
    page.get_by_role("button", name="Record assessment").click()
    expect(page.locator("body")).to_contain_text("High")

    placement = Placement.objects.get(child__legal_last_name="Ashworth")
    page.goto(f"/placements/{placement.pk}/")
    page.get_by_role("button", name="Record vulnerability assessment").click()
    _take_action(page, "Record vulnerability assessment")

    page.get_by_role("button", name="Offer a place").click()
    page.fill("#id_school", str(school.urn))
    _fill_date(page, "offered_on", 23, 11, 2026)
    _fill_date(page, "agreed_start_on", 30, 11, 2026)
    _take_action(page, "Offer a place")

    page.get_by_role("button", name="Send on-roll request to the school").click()
    _take_action(page, "Send on-roll request to the school")
    expect(page.locator("body")).to_contain_text("On-roll request sent")

    # The check-off list shows the vulnerable child until checked off.
    page.get_by_role("link", name="Check-off list").click()
    expect(page.locator("main")).to_contain_text("Robin Ashworth")
    page.goto(f"/placements/{placement.pk}/")

    page.get_by_role(
        "button", name="Record that the school has put the child on roll"
    ).click()
    _fill_date(page, "starting_on", 30, 11, 2026)
    _take_action(page, "Record that the school has put the child on roll")

    page.get_by_role("button", name="Confirm the child is attending").click()
    _fill_date(page, "confirmed_on", 2, 12, 2026)
    page.check("#id_confirmed_with_0")
    _take_action(page, "Confirm the child is attending")

    page.get_by_role("button", name="Check the child off").click()
    _take_action(page, "Check the child off")
    expect(page.locator("body")).to_contain_text("Checked off")

    page.get_by_role("link", name="Check-off list").click()
    expect(page.locator("main")).not_to_contain_text("Robin Ashworth")

    placement.refresh_from_db()
    assert placement.state == State.CHECKED_OFF
    assert [event.kind for event in events_for(placement)] == [
        "placement.received",
        "placement.assess",
        "placement.offer",
        "placement.send_request",
        "placement.confirm_on_roll",
        "placement.confirm_attendance",
        "placement.check_off",
    ]
