"""Actions that create and add to a child's record.

Each action checks that the user works for the child's authority, validates
its input and saves in one transaction. Invalid input raises a
ValidationError keyed by the action's keyword argument names, and nothing is
saved. These actions record no timeline events, because events belong to
cases; the child's page shows the vulnerability profile and risk assessments
directly.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from access import policy
from access.models import User
from audit import changes as audit_changes
from audit.log import record
from casework.deadlines import london_today
from children.models import (
    Address,
    Child,
    Contact,
    RiskAssessment,
    VulnerabilityCharacteristic,
)
from children.upn import check_upn, validate_upn
from onroll.formatters import long_date

# A full UK postcode: outward code (area, district) then inward code (sector
# digit, two unit letters), the space optional. This checks the shape only.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


@dataclass(frozen=True)
class RiskQuestion:
    key: str
    question: str
    # The question as a statement, for "Select yes if ..." error messages.
    statement: str


RISK_QUESTIONS = (
    RiskQuestion(
        "out_of_education",
        "Has the child been out of education for 4 weeks or more?",
        "the child has been out of education for 4 weeks or more",
    ),
    RiskQuestion(
        "safeguarding_concern",
        "Is there a current safeguarding concern about the child?",
        "there is a current safeguarding concern about the child",
    ),
    RiskQuestion(
        "missing_episodes",
        "Has the child gone missing from home or care in the last 12 months?",
        "the child has gone missing from home or care in the last 12 months",
    ),
    RiskQuestion(
        "family_engaging",
        "Is the family engaging with the local authority?",
        "the family is engaging with the local authority",
    ),
)


def _check_can_change(actor: User, child: Child) -> None:
    if not policy.can_change_child(actor, child):
        raise PermissionDenied(
            "Only staff of the child's local authority can change this record."
        )


def _prefixed(error: ValidationError, prefix: str) -> dict[str, list]:
    """Rename a model's field errors to the action's prefixed argument names."""
    return {
        f"{prefix}{field}" if field != "__all__" else field: messages
        for field, messages in error.message_dict.items()
    }


def _normalise_postcode(postcode: str) -> str | None:
    """Return the postcode upper-cased with one space, or None if it is not one."""
    match = _POSTCODE.match(re.sub(r"\s+", "", postcode.upper()))
    if match is None:
        return None
    return f"{match[1]} {match[2]}"


@transaction.atomic
def register_child(
    *,
    actor: User,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: date,
    sex: str,
    address_line_1: str,
    address_town: str,
    address_postcode: str,
    contact_name: str,
    contact_relationship: str,
    preferred_name: str = "",
    upn: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Child:
    """Create a child of the actor's authority with an address and a parent or carer.

    The UPN is stored in compact form (upper case, no spaces).
    """
    if not policy.can_register_child(actor):
        raise PermissionDenied(
            "Only local authority staff can record a new child. Your account is not "
            "linked to a local authority with a role that works on cases."
        )
    errors: dict[str, list] = {}

    if date_of_birth >= london_today():
        errors["date_of_birth"] = [
            f"Date of birth, {long_date(date_of_birth)}, must be in the past"
        ]
    if upn:
        try:
            validate_upn(upn)
        except ValidationError as error:
            errors["upn"] = error.messages
        else:
            upn = check_upn(upn)
    postcode = _normalise_postcode(address_postcode)
    if postcode is None:
        errors["address_postcode"] = [
            f"Postcode {address_postcode} is not a UK postcode. Enter a full "
            "postcode, like LE1 6ZG"
        ]
    if not contact_phone.strip() and not contact_email.strip():
        errors["contact_phone"] = [
            "Enter a phone number or an email address for the parent or carer"
        ]

    child = Child(
        authority_id=actor.organisation.authority_id,
        legal_first_name=legal_first_name.strip(),
        legal_last_name=legal_last_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        upn=upn if "upn" not in errors else "",
    )
    address = Address(
        line_1=address_line_1.strip(),
        town=address_town.strip(),
        postcode=postcode or address_postcode.strip(),
    )
    contact = Contact(
        name=contact_name.strip(),
        relationship=contact_relationship.strip(),
        phone=contact_phone.strip(),
        email=contact_email.strip(),
    )
    for instance, prefix in ((child, ""), (address, "address_"), (contact, "contact_")):
        try:
            instance.full_clean(exclude=["child", "authority"])
        except ValidationError as error:
            for field, messages in _prefixed(error, prefix).items():
                errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)

    child.save()
    address.child = child
    address.save()
    contact.child = child
    contact.save()
    record(
        "child.create",
        actor=actor,
        target=child,
        changes=audit_changes.created(child)
        | audit_changes.created(address, prefix="address.")
        | audit_changes.created(contact, prefix="contact."),
        data={"address_id": address.pk, "contact_id": contact.pk},
    )
    return child


@transaction.atomic
def add_vulnerability(
    child: Child,
    *,
    actor: User,
    kind: str,
    evidence: str,
    source: str,
    recorded_on: date,
    detail: str = "",
) -> VulnerabilityCharacteristic:
    """Add one characteristic to the child's vulnerability profile.

    A child has at most one entry of each kind, so a second of the same kind
    raises a ValidationError on `kind`.
    """
    _check_can_change(actor, child)
    characteristic = VulnerabilityCharacteristic(
        child=child,
        kind=kind,
        detail=detail.strip(),
        evidence=evidence.strip(),
        source=source.strip(),
        recorded_on=recorded_on,
        recorded_by=actor,
    )
    errors: dict[str, list] = {}
    if recorded_on > london_today():
        errors["recorded_on"] = [
            f"Date recorded, {long_date(recorded_on)}, must be today or in the past"
        ]
    try:
        characteristic.full_clean(
            exclude=["child", "recorded_by"], validate_unique=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if "kind" not in errors and not policy.can_see_characteristic_detail(actor, kind):
        errors["kind"] = [
            f"Your role cannot record ‘{characteristic.get_kind_display()}’, because "
            "it may not read that characteristic. Ask an admissions or inclusion "
            "officer to record it."
        ]
    if "kind" not in errors and child.vulnerabilities.filter(kind=kind).exists():
        errors["kind"] = [_duplicate_message(child, characteristic)]
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            characteristic.save()
    except IntegrityError:
        # Another user added the same kind since the check above.
        raise ValidationError(
            {"kind": [_duplicate_message(child, characteristic)]}
        ) from None
    record(
        "child.add_vulnerability",
        actor=actor,
        target=characteristic,
        changes=audit_changes.created(characteristic),
    )
    return characteristic


def _duplicate_message(
    child: Child, characteristic: VulnerabilityCharacteristic
) -> str:
    return (
        f"{child.full_name}'s profile already has "
        f"‘{characteristic.get_kind_display()}’. Choose a different characteristic."
    )


@transaction.atomic
def record_risk_assessment(
    child: Child,
    *,
    actor: User,
    level: int,
    answers: dict[str, bool],
    completed_on: date,
    next_review_on: date,
    summary: str = "",
) -> RiskAssessment:
    """Record a completed risk assessment; it becomes the child's current risk.

    `answers` maps the key of every question in RISK_QUESTIONS to its yes or
    no answer. Each is stored with the question's wording, so the record still
    reads right if the questions change.
    """
    _check_can_change(actor, child)
    errors: dict[str, list] = {}
    if completed_on > london_today():
        errors["completed_on"] = [
            f"Date completed, {long_date(completed_on)}, must be today or in the past"
        ]
    if next_review_on <= completed_on:
        errors["next_review_on"] = [
            f"Next review date, {long_date(next_review_on)}, must be after the "
            f"date the assessment was completed, {long_date(completed_on)}"
        ]
    unanswered = [q for q in RISK_QUESTIONS if not isinstance(answers.get(q.key), bool)]
    for question in unanswered:
        errors[question.key] = [f"Select yes if {question.statement}"]
    unknown = sorted(set(answers) - {q.key for q in RISK_QUESTIONS})
    if unknown:
        errors.setdefault("__all__", []).append(
            f"Unknown risk questions: {', '.join(unknown)}."
        )

    assessment = RiskAssessment(
        child=child,
        level=level,
        summary=summary.strip(),
        answers={
            q.key: {"question": q.question, "answer": answers.get(q.key)}
            for q in RISK_QUESTIONS
        },
        completed_on=completed_on,
        completed_by=actor,
        next_review_on=next_review_on,
    )
    try:
        assessment.full_clean(exclude=["child", "completed_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    assessment.save()
    record(
        "child.record_risk_assessment",
        actor=actor,
        target=assessment,
        changes=audit_changes.created(assessment),
    )
    return assessment


@transaction.atomic
def register_removed_pupil(
    *,
    actor: User,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: date,
    upn: str = "",
    parents: list[dict] | None = None,
) -> Child:
    """Create the child a school's removal notice names, when none matches.

    The school is the only source of the pupil's details here, so the child
    belongs to the school's authority and carries the parents the notice gives.
    The UPN must already be valid and compact (removals.actions checks it).
    """
    if not policy.can_notify_removal(actor):
        raise PermissionDenied(
            "Only a school's staff can record a pupil through a removal notice."
        )
    child = Child(
        authority_id=actor.school.authority_id,
        legal_first_name=legal_first_name.strip(),
        legal_last_name=legal_last_name.strip(),
        date_of_birth=date_of_birth,
        upn=upn,
    )
    child.full_clean(exclude=["authority"])
    child.save()
    changes = audit_changes.created(child)
    for number, parent in enumerate(parents or [], start=1):
        if not (parent.get("name") or "").strip():
            continue
        contact = Contact.objects.create(
            child=child,
            name=parent["name"].strip(),
            relationship="Parent or carer",
            phone=(parent.get("phone") or "").strip(),
        )
        changes |= audit_changes.created(contact, prefix=f"contact{number}.")
    record("child.create", actor=actor, target=child, changes=changes)
    return child
