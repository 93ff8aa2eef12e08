"""The notice form's questions per ground, with and without JavaScript."""

import pytest
from playwright.sync_api import Page, expect

from placements.tests.test_browser import browser, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, user) -> None:  # noqa: F811 (not the fixture)
    page.goto("/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_ground_questions_revealed_on_choice(page: Page, school_user):  # noqa: F811
    _sign_in(page, school_user)
    page.goto("/school/removals/new/")
    questions = page.locator("#conditional-ground-I")

    expect(questions).to_be_hidden()
    page.get_by_label("I: Continuously absent for 20 school days").check()

    expect(questions).to_be_visible()
    expect(page.locator("#conditional-ground-H")).to_be_hidden()


def test_ground_questions_shown_without_javascript(
    browser,  # noqa: F811
    live_server,
    school_user,
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    no_script = context.new_page()
    try:
        _sign_in(no_script, school_user)
        no_script.goto("/school/removals/new/")

        expect(no_script.locator("#conditional-ground-I")).to_be_visible()
        expect(no_script.locator("#conditional-ground-H")).to_be_visible()
    finally:
        context.close()
