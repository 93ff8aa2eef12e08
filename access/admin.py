from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from access.models import User


@admin.register(User)
class OnrollUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (
        ("Onroll", {"fields": ("role", "authority", "school")}),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "authority",
        "school",
    )
    list_filter = ("role", "authority")
