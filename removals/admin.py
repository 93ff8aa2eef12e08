from django.contrib import admin

from removals.models import Challenge, RemovalNotice


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: notices and challenges change only through removals.actions."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RemovalNotice)
class RemovalNoticeAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "school",
        "ground",
        "destination",
        "deletion_on",
        "notified_at",
        "arrival",
    )
    list_filter = ("ground", "destination", "arrival", "authority")
    search_fields = ("last_name", "upn", "school__name")
    date_hierarchy = "deletion_on"


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "notice", "state", "due_on", "authority")
    list_filter = ("state", "authority")
    search_fields = ("notice__last_name", "notice__school__name")
