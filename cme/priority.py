"""The priority of a CME case, from the child's vulnerability and risk assessment."""

from children.models import Child
from cme.models import Priority

# Characteristics that make a missing child high priority at any risk level.
# Local authority CME procedures refer a missing child on a protection plan,
# or looked after, to social care at once. Onroll adds exploitation risk and
# child in need to the same group.
URGENT_KINDS = frozenset(
    {"child_protection", "looked_after", "exploitation_risk", "child_in_need"}
)


def priority_for(child: Child, *, safeguarding_concerns: bool = False) -> int:
    """Return the case priority: high, medium or low.

    High for a high risk assessment, an urgent characteristic or recorded
    safeguarding concerns. Medium for a medium risk, any other
    characteristic, or no risk assessment yet (an unassessed missing child is
    not low risk). Low otherwise.
    """
    kinds = set(child.vulnerabilities.values_list("kind", flat=True))
    risk = child.risk_assessments.order_by("-completed_on", "-pk").first()
    level = risk.level if risk is not None else None
    if safeguarding_concerns or level == Priority.HIGH or kinds & URGENT_KINDS:
        return Priority.HIGH
    if level is None or level == Priority.MEDIUM or kinds:
        return Priority.MEDIUM
    return Priority.LOW
