from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from access.models import Organisation, Share, Team, User


@admin.register(User)
class OnrollUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (
        ("Onroll", {"fields": ("role", "organisation", "team")}),
    )
    # User.clean() needs the role and organisation, so the add page asks for
    # them with the username and password.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "organisation",
                    "team",
                ),
            },
        ),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "organisation",
        "team",
    )
    list_filter = ("role", "organisation__kind", "organisation")
    list_select_related = ("organisation", "team")


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "authority", "school")
    list_filter = ("kind", "authority")
    search_fields = ("name",)
    raw_id_fields = ("school",)
    inlines = [TeamInline]


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    """Read-only: shares are made and revoked on the child's page."""

    list_display = ("child", "organisation", "shared_by", "shared_at", "revoked_at")
    list_filter = ("organisation",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
