"""Synthetic identities for demo children: names, birth dates, UPNs, homes, carers.

Every value comes from a `random.Random` and a Faker (en_GB locale) that the
caller seeds per child, so the same seed gives the same children. No value
belongs to a real person: streets are built from Faker surnames, phone numbers
come from Ofcom's ranges reserved for drama (07700 900000 to 900999 and
0116 496 0000 to 0999), and email addresses use example.org.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from children.models import Address, Child, Contact

# Characters of a UPN check letter, in value order: A is 0 and Z is 22.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# Shares of demo children without a UPN (not yet issued, or lost in a move)
# and with a temporary UPN (the school could not find the permanent one).
NO_UPN_SHARE = 0.10
TEMPORARY_UPN_SHARE = 0.03

# Sex split of children missing education in England at the autumn 2024/25
# census date (DfE, Children missing education): 54% male, 45% female and
# 1% not known.
SEX_WEIGHTS = {Child.Sex.MALE: 54, Child.Sex.FEMALE: 45, Child.Sex.UNKNOWN: 1}

# Year groups from Reception (0) to Year 11. In-year movers are a little more
# common at secondary age, so those years weigh more.
YEAR_GROUP_WEIGHTS = {0: 4, 1: 7, 2: 7, 3: 7, 4: 7, 5: 8, 6: 8}
YEAR_GROUP_WEIGHTS |= {7: 11, 8: 11, 9: 11, 10: 10, 11: 9}

# Real towns of each authority with their postcode districts; the sector and
# unit after the space are random, and streets are invented.
TOWNS = {
    "855": [
        ("Loughborough", "LE11"),
        ("Hinckley", "LE10"),
        ("Coalville", "LE67"),
        ("Melton Mowbray", "LE13"),
        ("Market Harborough", "LE16"),
        ("Lutterworth", "LE17"),
        ("Wigston", "LE18"),
        ("Oadby", "LE2"),
        ("Shepshed", "LE12"),
        ("Ashby-de-la-Zouch", "LE65"),
        ("Syston", "LE7"),
        ("Birstall", "LE4"),
    ],
    "856": [
        ("Leicester", "LE1"),
        ("Leicester", "LE2"),
        ("Leicester", "LE3"),
        ("Leicester", "LE4"),
        ("Leicester", "LE5"),
    ],
    "857": [
        ("Oakham", "LE15"),
        ("Uppingham", "LE15"),
        ("Cottesmore", "LE15"),
        ("Ketton", "PE9"),
    ],
}
STREET_SUFFIXES = [
    "Road",
    "Street",
    "Close",
    "Avenue",
    "Lane",
    "Drive",
    "Crescent",
    "Way",
    "Gardens",
    "Walk",
]
# Letters used in the unit part of UK postcodes (C, I, K, M, O and V are not).
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class Identity:
    """A demo child before saving, with the rows that hang off it."""

    child: Child
    year_group: int
    addresses: list[Address] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def academic_year_start(day: date) -> int:
    """Return the calendar year in which the English academic year of `day` began."""
    return day.year if day.month >= 9 else day.year - 1


def year_group_for(date_of_birth: date, today: date) -> int:
    """Return the national curriculum year of a child born on `date_of_birth`.

    Children born from 1 September to 31 August share a year. Reception is 0,
    so a child is in Year 1 in the academic year that begins after their
    fifth birthday's cohort starts Reception.
    """
    cohort_start = academic_year_start(date_of_birth)
    return academic_year_start(today) - cohort_start - 5


def year_group_label(year_group: int) -> str:
    return "Reception" if year_group == 0 else f"Year {year_group}"


def birth_date_in_year_group(rng: random.Random, year_group: int, today: date) -> date:
    """Draw a birth date for the year group, of compulsory school age today.

    A child of compulsory school age is at least 5. Reception children who
    have not turned 5 yet are moved to the part of the cohort that has.
    """
    cohort_start = academic_year_start(today) - year_group - 5
    first = date(cohort_start, 9, 1)
    last = date(cohort_start + 1, 8, 31)
    if year_group == 0:
        last = min(last, _years_before(today, 5))
    # One draw of random() whatever the span, so that the draws after it do
    # not depend on today.
    offset = int(rng.random() * ((last - first).days + 1))
    return first + timedelta(days=offset)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def upn_check_letter(body: str) -> str:
    """Return the check letter for the 12 characters that follow it in a UPN.

    Each character is weighted by its position in the full UPN (2 to 13): a
    digit counts as its value and a letter as its place in UPN_LETTERS. The
    sum modulo 23 indexes UPN_LETTERS.
    """
    total = 0
    for position, character in enumerate(body, start=2):
        value = int(character) if character.isdigit() else UPN_LETTERS.index(character)
        total += position * value
    return UPN_LETTERS[total % 23]


def draw_upn(
    rng: random.Random,
    la_code: str,
    establishment_numbers: list[str],
    issue_year: int,
    used: set[str],
) -> str:
    """Return a UPN from the LA code, an establishment and the year of issue.

    Returns "" for the share of children with no UPN. `used` contains
    the UPNs handed out so far, and a clash moves the serial on until the UPN
    is new.
    """
    kind = rng.random()
    establishment = rng.choice(establishment_numbers)
    serial = rng.randrange(1, 1000)
    temporary_letter = rng.choice(UPN_LETTERS)
    if kind < NO_UPN_SHARE:
        return ""
    temporary = kind < NO_UPN_SHARE + TEMPORARY_UPN_SHARE
    while True:
        body = f"{la_code}{establishment}{issue_year % 100:02d}{serial:03d}"
        if temporary:
            body = body[:-1] + temporary_letter
        upn = upn_check_letter(body) + body
        if upn not in used:
            used.add(upn)
            return upn
        serial = serial % 999 + 1


def draw_identity(
    rng: random.Random,
    faker: Faker,
    authority,
    establishment_numbers: list[str],
    today: date,
    used_upns: set[str],
) -> Identity:
    """Draw one child with one or two addresses and one or two carers.

    The number of draws from `rng` and `faker` does not depend on `today`, so
    a seed gives the same names, UPNs and year groups on any day.
    """
    sex = rng.choices(list(SEX_WEIGHTS), weights=list(SEX_WEIGHTS.values()))[0]
    year_group = rng.choices(
        list(YEAR_GROUP_WEIGHTS), weights=list(YEAR_GROUP_WEIGHTS.values())
    )[0]
    date_of_birth = birth_date_in_year_group(rng, year_group, today)
    if sex == Child.Sex.MALE:
        first_name = faker.first_name_male()
    elif sex == Child.Sex.FEMALE:
        first_name = faker.first_name_female()
    else:
        first_name = faker.first_name()
    last_name = faker.last_name()
    preferred_name = faker.first_name() if rng.random() < 0.08 else ""
    former_names = f"{first_name} {faker.last_name()}" if rng.random() < 0.05 else ""
    # The UPN's year is the year the child first joined a school in England.
    issue_year = academic_year_start(today) - year_group
    upn = draw_upn(rng, authority.code, establishment_numbers, issue_year, used_upns)
    child = Child(
        authority=authority,
        legal_first_name=first_name,
        legal_last_name=last_name,
        preferred_name=preferred_name,
        former_names=former_names,
        date_of_birth=date_of_birth,
        sex=sex,
        upn=upn,
    )
    return Identity(child=child, year_group=year_group_for(date_of_birth, today))


def draw_addresses(
    rng: random.Random,
    faker: Faker,
    la_code: str,
    today: date,
    *,
    temporary_accommodation: bool,
    refuge: bool,
    moves_often: bool,
) -> list[Address]:
    """Draw the current address and, for some children, the one before it.

    A refuge's address is withheld, as refuges keep their locations private.
    """
    town, district = rng.choice(TOWNS[la_code])
    recent = moves_often or temporary_accommodation or refuge
    moved_in = today - timedelta(days=rng.randrange(14, 120 if recent else 1500))
    current = _street_address(rng, faker, town, district)
    current.moved_in = moved_in
    if refuge:
        current.line_1 = "Refuge (address withheld)"
        current.line_2 = "Contact the family through the refuge's key worker"
        current.postcode = district
        current.is_refuge = True
    elif temporary_accommodation:
        current.line_1 = f"Room {rng.randrange(1, 40)}, {faker.last_name()} House"
        current.is_temporary_accommodation = True
    has_previous = rng.random() < (0.9 if recent else 0.35)
    previous_town, previous_district = rng.choice(TOWNS[la_code])
    previous = _street_address(rng, faker, previous_town, previous_district)
    previous.moved_out = moved_in
    previous.moved_in = moved_in - timedelta(days=rng.randrange(60, 2000))
    return [current, previous] if has_previous else [current]


def _street_address(
    rng: random.Random, faker: Faker, town: str, district: str
) -> Address:
    street = f"{faker.last_name()} {rng.choice(STREET_SUFFIXES)}"
    unit = "".join(rng.choice(POSTCODE_UNIT_LETTERS) for _ in range(2))
    return Address(
        line_1=f"{rng.randrange(1, 180)} {street}",
        town=town,
        postcode=f"{district} {rng.randrange(1, 10)}{unit}",
    )


# Relationships of a first contact, with weights, and whether each is a woman.
RELATIONSHIPS = {
    "Mother": (60, True),
    "Father": (25, False),
    "Stepfather": (5, False),
    "Grandmother": (7, True),
    "Aunt": (3, True),
}


def draw_contacts(
    rng: random.Random,
    faker: Faker,
    child_last_name: str,
    *,
    looked_after: bool,
) -> list[Contact]:
    """Draw one or two parents or carers with drama-range phone numbers.

    A looked-after child's first contact is the foster carer, who does not
    hold parental responsibility; a parent who does is the second contact.
    """
    relationship = rng.choices(
        list(RELATIONSHIPS), weights=[weight for weight, _ in RELATIONSHIPS.values()]
    )[0]
    is_woman = RELATIONSHIPS[relationship][1]
    two = rng.random() < 0.6
    if looked_after:
        first = _person(rng, faker, faker.last_name(), woman=rng.random() < 0.7)
        first.relationship = "Foster carer"
        first.has_parental_responsibility = False
        second = _person(rng, faker, child_last_name, woman=True)
        second.relationship = "Mother"
        second.lives_with_child = False
        return [first, second]
    first = _person(rng, faker, child_last_name, woman=is_woman)
    first.relationship = relationship
    second = _person(rng, faker, child_last_name, woman=not is_woman)
    second.relationship = "Father" if is_woman else "Mother"
    second.lives_with_child = rng.random() < 0.7
    return [first, second] if two else [first]


def _person(
    rng: random.Random, faker: Faker, family_name: str, *, woman: bool
) -> Contact:
    first_name = faker.first_name_female() if woman else faker.first_name_male()
    last_name = family_name if rng.random() < 0.7 else faker.last_name()
    if rng.random() < 0.8:
        phone = f"07700 900{rng.randrange(1000):03d}"
    else:
        phone = f"0116 496 0{rng.randrange(1000):03d}"
    local_part = re.sub(r"[^a-z.]", "", f"{first_name}.{last_name}".lower())
    email = f"{local_part}{rng.randrange(10, 100)}@example.org"
    return Contact(
        name=f"{first_name} {last_name}",
        phone=phone,
        email=email if rng.random() < 0.75 else "",
    )
