from django.contrib import admin

from placements.models import Placement


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    """Read-only: every change to a placement goes through placements.actions."""

    list_display = (
        "pk",
        "child",
        "state",
        "school",
        "due_on",
        "reminders_sent",
        "authority",
    )
    list_filter = ("state", "is_open", "authority")
    search_fields = ("child__legal_last_name", "child__upn", "school__name")
    raw_id_fields = ("child", "school", "owner")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
