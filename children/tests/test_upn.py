import pytest
from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.gb import upn as stdnum_upn

from children.upn import check_upn, is_temporary_upn, validate_upn

# The DfE check letter table: A-Z without I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _check_letter(body: str) -> str:
    """Compute the check letter for the 12 characters after it.

    Each character is weighted by its position in the UPN (2 to 13). A digit
    counts as itself and a letter as its index in CHECK_LETTERS. The sum
    modulo 23 indexes CHECK_LETTERS.
    """
    assert len(body) == 12
    total = 0
    for position, character in enumerate(body, start=2):
        value = (
            int(character) if character.isdigit() else CHECK_LETTERS.index(character)
        )
        total += value * position
    return CHECK_LETTERS[total % 23]


def _message(value: str) -> str:
    with pytest.raises(ValidationError) as error:
        validate_upn(value)
    [message] = error.value.messages
    return message


def test_check_letter_rule_known_upn():
    assert _check_letter("801200005001") == "B"


def test_valid_upn():
    assert check_upn("B801200005001") == "B801200005001"
    validate_upn("B801200005001")


def test_wrong_check_letter():
    with pytest.raises(InvalidChecksum):
        check_upn("A801200005001")

    message = _message("A801200005001")
    assert "A801200005001" in message
    assert "wrong check letter" in message


def test_temporary_upn_valid():
    assert _check_letter("85600012301A") == "J"
    assert check_upn("J85600012301A") == "J85600012301A"
    assert is_temporary_upn("J85600012301A")
    validate_upn("J85600012301A")


def test_permanent_upn_not_temporary():
    assert not is_temporary_upn("B801200005001")


def test_temporary_upn_wrong_check_letter():
    message = _message("K85600012301A")

    assert "K85600012301A" in message
    assert "wrong check letter" in message


@pytest.mark.parametrize(
    ("value", "length"),
    [
        ("B80120000500", "12 characters"),
        ("B8012000050012", "14 characters"),
        ("B", "1 character"),
    ],
)
def test_wrong_length(value, length):
    message = _message(value)

    assert value in message
    assert f"is {length} long" in message


@pytest.mark.parametrize("letter", ["I", "O", "S"])
def test_excluded_check_letter(letter):
    message = _message(f"{letter}801200005001")

    assert f"{letter}801200005001" in message


@pytest.mark.parametrize("letter", ["I", "O", "S"])
def test_excluded_temporary_letter(letter):
    value = f"J85600012301{letter}"

    message = _message(value)

    assert value in message
    assert "not in the right format" in message


def test_letter_in_digits_rejected():
    message = _message("X80120000A001")

    assert "X80120000A001" in message
    assert "not in the right format" in message


def test_lower_case_and_spaces_normalised():
    assert check_upn("b801 2000 05001") == "B801200005001"
    assert check_upn(" j856 0001 2301a ") == "J85600012301A"
    validate_upn("b801 2000 05001")


def test_blank_upn_allowed():
    validate_upn("")


def test_new_la_code_accepted():
    # LA code 940 (North Northamptonshire) was created in 2021, after the 2011
    # list of LA codes that python-stdnum 2.2 checks.
    body = "940123425001"
    upn = _check_letter(body) + body
    with pytest.raises(InvalidComponent):
        stdnum_upn.validate(upn)

    assert check_upn(upn) == upn
    validate_upn(upn)


def test_new_la_code_wrong_check_letter():
    body = "940123425001"
    wrong = next(letter for letter in CHECK_LETTERS if letter != _check_letter(body))

    message = _message(wrong + body)

    assert wrong + body in message
    assert "wrong check letter" in message


@pytest.mark.parametrize("code", ["838", "839", "941", "942", "943"])
def test_other_new_la_codes_accepted(code):
    body = f"{code}200025001"
    upn = _check_letter(body) + body

    assert check_upn(upn) == upn
