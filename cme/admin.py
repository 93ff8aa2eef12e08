from django.contrib import admin

from cme.models import CmeCase, EnquiryKind


@admin.register(CmeCase)
class CmeCaseAdmin(admin.ModelAdmin):
    """Read-only: every change to a case goes through cme.actions and its pages."""

    list_display = ("pk", "child", "source", "state", "opened_at", "authority")
    list_filter = ("source", "state", "authority")
    search_fields = ("child__legal_last_name", "child__upn")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EnquiryKind)
class EnquiryKindAdmin(admin.ModelAdmin):
    """Each authority's checklist of reasonable enquiries.

    Administrators rename, reorder, add and retire items, and choose which
    ones a case needs before "not found". Items already used on a case cannot
    be deleted, so retire them by clearing "active".
    """

    list_display = (
        "label",
        "authority",
        "order",
        "active",
        "required_before_not_found",
    )
    list_editable = ("order", "active", "required_before_not_found")
    list_filter = ("authority", "active", "required_before_not_found")
    ordering = ("authority", "order")
