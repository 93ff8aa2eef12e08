from django.contrib import admin

from cme.models import CmeCase


@admin.register(CmeCase)
class CmeCaseAdmin(admin.ModelAdmin):
    """Read-only until CME casework has pages and actions of its own."""

    list_display = ("pk", "child", "source", "state", "opened_at", "authority")
    list_filter = ("source", "state", "authority")
    search_fields = ("child__legal_last_name", "child__upn")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
