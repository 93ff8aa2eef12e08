"""Merge fields: check a template's text when it is saved, render it when sent.

Templates use Django's template language, restricted to what a letter needs:
`{{ field }}` with a few filters, and `{% if %}` on fields. Each template
lists the merge fields it may use (EmailTemplate.merge_fields), and a field
not on that list is an error that names it, so a mistyped field cannot go out
as a blank. Other tags ({% load %}, {% include %}, {% url %} and so on) are
refused, because they would let a template reach beyond its context.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import IfNode

# One engine for every email template: no loaders, so {% include %} and
# {% extends %} find nothing, and no debug or string_if_invalid tricks.
ENGINE = Engine(loaders=[], debug=False)

# linebreaksbr escapes its input before it adds <br>, so it is safe in HTML.
ALLOWED_FILTERS = frozenset(
    {"date", "default", "upper", "lower", "title", "yesno", "linebreaksbr"}
)
PARTS = {"subject": "subject", "text": "plain text", "html": "HTML"}


def _filter_expressions(node: Node) -> list[FilterExpression]:
    if isinstance(node, VariableNode):
        return [node.filter_expression]
    if isinstance(node, IfNode):
        found = []
        for condition, _ in node.conditions_nodelists:
            found.extend(_condition_expressions(condition))
        return found
    return []


def _condition_expressions(condition: Any) -> list[FilterExpression]:
    if condition is None:  # the {% else %} branch
        return []
    if isinstance(getattr(condition, "value", None), FilterExpression):
        return [condition.value]
    found = []
    for side in ("first", "second"):
        operand = getattr(condition, side, None)
        if operand is not None:
            found.extend(_condition_expressions(operand))
    return found


def _walk(nodelist) -> list[Node]:
    nodes = []
    for node in nodelist:
        nodes.append(node)
        for attr in node.child_nodelists:
            nodes.extend(_walk(getattr(node, attr, None) or []))
        if isinstance(node, IfNode):
            for _, branch in node.conditions_nodelists:
                nodes.extend(_walk(branch))
    return nodes


def fields_used(source: str, part: str = "text") -> set[str]:
    """Return the merge fields the source uses; raise ValidationError if not allowed."""
    where = PARTS.get(part, part)
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        if "{% load" in source:
            # The engine has no tag libraries, so any {% load %} fails here
            # with a message that lists none.
            raise ValidationError(
                f"The {where} uses {{% load %}}, which email templates cannot use. "
                "Use {{ field }} and {% if field %} only."
            ) from None
        raise ValidationError(
            f"The {where} is not a valid template: {error}. Check every {{{{ }}}} "
            "and {% %} is closed."
        ) from None
    used: set[str] = set()
    for node in _walk(template.nodelist):
        if isinstance(node, TextNode) and any(
            mark in node.s for mark in ("{{", "}}", "{%", "%}")
        ):
            # Django leaves a tag it cannot read, such as "{{ name }" or an
            # unclosed "{{ name", in the text, where it would be sent as is.
            raise ValidationError(
                f"The {where} has an unfinished tag near "
                f"\u201c{node.s.strip()[:40]}\u201d. Write fields as {{{{ field }}}} "
                "and tags as {% if field %}, each closed on the same line."
            )
        if not isinstance(node, TextNode | VariableNode | IfNode):
            tag = node.token.contents.split()[0] if node.token else type(node).__name__
            raise ValidationError(
                f"The {where} uses {{% {tag} %}}, which email templates cannot use. "
                "Use {{ field }} and {% if field %} only."
            )
        for expression in _filter_expressions(node):
            for func, args in expression.filters:
                for is_lookup, argument in args:
                    if is_lookup and getattr(argument, "lookups", None):
                        used.add(".".join(argument.lookups))
                name = getattr(func, "_filter_name", func.__name__)
                if name not in ALLOWED_FILTERS:
                    raise ValidationError(
                        f"The {where} uses the filter \u201c{name}\u201d, which email "
                        f"templates cannot use. Use one of: "
                        f"{', '.join(sorted(ALLOWED_FILTERS))}."
                    )
            variable = expression.var
            # A literal such as "j F Y" or 3 is not a field.
            if getattr(variable, "lookups", None):
                used.add(".".join(variable.lookups))
    return used


def validate(template_fields: list[str], **parts: str) -> None:
    """Check each part against the template's merge fields; raise naming each problem.

    The error is keyed by part (subject, text, html), so a form shows it on
    the field that has it.
    """
    allowed = set(template_fields)
    listed = ", ".join(sorted(allowed))
    errors: dict[str, list[str]] = {}
    for part, source in parts.items():
        try:
            unknown = sorted(fields_used(source, part) - allowed)
        except ValidationError as error:
            errors.setdefault(part, []).extend(error.messages)
            continue
        for field in unknown:
            errors.setdefault(part, []).append(
                f"The {PARTS[part]} uses the merge field \u201c{field}\u201d, which "
                f"this template does not have. Use one of: {listed}."
            )
    if errors:
        raise ValidationError(errors)


def render(source: str, context: dict, *, html: bool) -> str:
    """Render one part. HTML escapes every field; the subject and text do not."""
    return ENGINE.from_string(source).render(Context(context, autoescape=html))


def sample_context(template_fields: list[str]) -> dict:
    """Return made-up values for every field, to preview a template."""
    context: dict = {}
    for field in template_fields:
        *parents, last = field.split(".")
        target = context
        for parent in parents:
            target = target.setdefault(parent, {})
        if last == "date_of_birth":
            target[last] = date(2015, 3, 14)
        elif last.endswith("_on"):
            target[last] = date(2026, 12, 18)
        elif last.endswith("_at"):
            target[last] = datetime(2026, 12, 18, 17, 0)
        elif last in {"number", "reply_days", "pk"}:
            target[last] = 1
        else:
            target[last] = f"[{field}]"
    return context
