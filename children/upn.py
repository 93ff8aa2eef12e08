"""Unique pupil number (UPN) validation.

A UPN is 13 characters: a check letter, the issuing LA's three-digit code,
a four-digit establishment number, two digits of the academic year and a
three-digit serial. A temporary UPN ends in a letter in place of the last
serial digit. The check letter is the sum of each later character times its
position (2 to 13) modulo 23, mapped to A-Z without I, O and S (DfE UPN guide
v1.2). python-stdnum implements all of this.

python-stdnum also rejects an LA code missing from its 2011 list, which would
refuse real UPNs issued by authorities created since (838, 839, 940 to 943).
A UPN keeps the code of the LA that issued it for life, so an unknown LA code
is accepted here when the check letter is right.
"""

from django.core.exceptions import ValidationError
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.gb import upn as stdnum_upn


def check_upn(value: str) -> str:
    """Return the UPN in compact form, or raise a python-stdnum ValidationError."""
    try:
        return stdnum_upn.validate(value)
    except InvalidComponent:
        upn = stdnum_upn.compact(value)
        if stdnum_upn.calc_check_digit(upn[1:]) != upn[0]:
            raise InvalidChecksum() from None
        return upn


def is_temporary_upn(value: str) -> bool:
    return stdnum_upn.compact(value)[-1:].isalpha()


def _characters(value: str) -> str:
    length = len(stdnum_upn.compact(value))
    return "1 character" if length == 1 else f"{length} characters"


def validate_upn(value: str) -> None:
    """Reject an invalid UPN with a message naming the value and how to fix it."""
    if not value:
        return
    try:
        check_upn(value)
    except InvalidLength:
        raise ValidationError(
            "UPN %(value)s is %(length)s long but a UPN has 13 characters, "
            "for example B801200005001.",
            params={"value": value, "length": _characters(value)},
            code="upn_length",
        ) from None
    except InvalidFormat:
        raise ValidationError(
            "UPN %(value)s is not in the right format. Enter a letter then 12 "
            "digits, or a letter, 11 digits and a letter for a temporary UPN.",
            params={"value": value},
            code="upn_format",
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            "UPN %(value)s has the wrong check letter. Check it against the "
            "school's records or the common transfer file.",
            params={"value": value},
            code="upn_checksum",
        ) from None
