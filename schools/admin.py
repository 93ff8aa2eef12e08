from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from schools.models import Authority, ClosureDay, School, Term

_ONE_OWNER = (
    "Choose an authority or a school, not both: a school's own terms and "
    "closure days replace or add to its authority's."
)


class _OneOwnerForm(forms.ModelForm):
    """Rejects a row given both or neither of authority and school, which the
    database constraints forbid, with a message saying what to choose."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if "authority" in self.fields and "school" in self.fields:
            has_authority = cleaned.get("authority") is not None
            has_school = cleaned.get("school") is not None
            if has_authority == has_school:
                raise forms.ValidationError(_ONE_OWNER)
        return cleaned


class AuthorityTermInline(admin.TabularInline):
    model = Term
    fk_name = "authority"
    exclude = ("school",)
    extra = 0
    verbose_name_plural = "terms"


class AuthorityClosureDayInline(admin.TabularInline):
    model = ClosureDay
    fk_name = "authority"
    exclude = ("school",)
    extra = 0
    verbose_name_plural = "closure days for every school of the authority"


class SchoolTermInline(admin.TabularInline):
    model = Term
    fk_name = "school"
    exclude = ("authority",)
    extra = 0
    verbose_name_plural = (
        "own terms (any term here for an academic year replaces all of the "
        "authority's terms for that year)"
    )


class SchoolClosureDayInline(admin.TabularInline):
    model = ClosureDay
    fk_name = "school"
    exclude = ("authority",)
    extra = 0
    verbose_name_plural = "closure days (INSET and other days without teaching)"


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "gss_code")
    search_fields = ("name", "code")
    inlines = [AuthorityTermInline, AuthorityClosureDayInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "urn",
        "authority",
        "type",
        "phase",
        "type_and_phase_provisional",
        "status",
    )
    list_filter = (
        "authority",
        "type",
        "is_special",
        "phase",
        "type_and_phase_provisional",
        "status",
    )
    list_select_related = ("authority",)
    search_fields = ("name", "=urn", "=laestab", "postcode")
    # A raw id widget, because a select box would list every school in England
    # after a full GIAS import.
    raw_id_fields = ("successors",)
    readonly_fields = ("predecessor_list",)
    actions = ["confirm_type_and_phase"]
    fieldsets = (
        (None, {"fields": ("urn", "laestab", "name", "authority", "status")}),
        (
            "Type and phase",
            {
                "description": (
                    "Schools imported from the Leicester, Leicestershire and "
                    "Rutland extract have a type and phase guessed from their "
                    "name. Correct them if needed and untick provisional, so "
                    "that importing the extract again leaves them alone."
                ),
                "fields": (
                    "type",
                    "is_special",
                    "phase",
                    "type_and_phase_provisional",
                    "statutory_low_age",
                    "statutory_high_age",
                    "trust",
                ),
            },
        ),
        ("Dates", {"fields": ("open_date", "close_date")}),
        (
            "Contact",
            {
                "fields": (
                    "email",
                    "head_teacher",
                    "governing_board_email",
                    "trust_email",
                    "town",
                    "postcode",
                )
            },
        ),
        (
            "Successors",
            {
                "fields": (
                    "successors",
                    "unmatched_successor_urns",
                    "predecessor_list",
                )
            },
        ),
    )
    inlines = [SchoolTermInline, SchoolClosureDayInline]

    @admin.display(description="Predecessors")
    def predecessor_list(self, school: School) -> str:
        return ", ".join(str(p) for p in school.predecessors.all()) or "None"

    @admin.action(description="Confirm type and phase of the selected schools")
    def confirm_type_and_phase(
        self, request: HttpRequest, queryset: QuerySet[School]
    ) -> None:
        count = queryset.filter(type_and_phase_provisional=True).update(
            type_and_phase_provisional=False
        )
        self.message_user(
            request,
            f"Confirmed the type and phase of {count} schools.",
            messages.SUCCESS,
        )


class SchoolWithOwnTermsFilter(admin.SimpleListFilter):
    """Lists only the schools that have terms of their own, which are few."""

    title = "school"
    parameter_name = "school"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        schools = School.objects.filter(terms__isnull=False).distinct()
        return [("none", "Authority terms")] + [
            (str(school.pk), str(school)) for school in schools
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(school__isnull=True)
        if self.value():
            return queryset.filter(school_id=self.value())
        return queryset


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    form = _OneOwnerForm
    list_display = (
        "academic_year",
        "name",
        "authority",
        "school",
        "first_day",
        "last_day",
        "confidence",
    )
    list_editable = ("first_day", "last_day", "confidence")
    list_filter = (
        "authority",
        SchoolWithOwnTermsFilter,
        "academic_year",
        "confidence",
    )
    list_select_related = ("authority", "school")
    search_fields = ("name", "school__name", "=school__urn")
    raw_id_fields = ("school",)
    ordering = ("authority__name", "school__name", "first_day")


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    form = _OneOwnerForm
    list_display = ("date", "kind", "authority", "school", "note")
    list_filter = ("kind", "authority")
    list_select_related = ("authority", "school")
    search_fields = ("note", "school__name", "=school__urn")
    raw_id_fields = ("school",)
    date_hierarchy = "date"
