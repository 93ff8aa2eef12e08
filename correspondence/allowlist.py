"""The allow-list of addresses a deployment that is not production may email.

A deployment that is not production (ONROLL_PRODUCTION false) emails only
the addresses on ONROLL_EMAIL_ALLOW_LIST, so a test or training system can
never write to a real school or family. An entry is a whole address
(admissions@school.example.org) or a domain written with a leading @
(@example.org), which also covers its subdomains (school.example.org).
Production sends to any address.
"""

from django.conf import settings


def is_allowed(address: str) -> bool:
    if settings.ONROLL_PRODUCTION:
        return True
    address = address.strip().lower()
    domain = address.rpartition("@")[2]
    for entry in settings.ONROLL_EMAIL_ALLOW_LIST:
        entry = entry.strip().lower()
        if entry.startswith("@"):
            if domain == entry[1:] or domain.endswith("." + entry[1:]):
                return True
        elif address == entry:
            return True
    return False


def refusal(address: str) -> str:
    return (
        f"Not sent to {address}: this is not a production deployment, and the "
        "address is not on ONROLL_EMAIL_ALLOW_LIST. Add the address or its @domain "
        "to the list to send to it from here."
    )
