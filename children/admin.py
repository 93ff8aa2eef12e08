from django.contrib import admin

from children.models import (
    Address,
    Child,
    Contact,
    RiskAssessment,
    VulnerabilityCharacteristic,
)


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class VulnerabilityInline(admin.TabularInline):
    model = VulnerabilityCharacteristic
    extra = 0
    raw_id_fields = ("recorded_by",)


class RiskAssessmentInline(admin.TabularInline):
    model = RiskAssessment
    extra = 0
    raw_id_fields = ("completed_by",)


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = (
        "legal_last_name",
        "legal_first_name",
        "date_of_birth",
        "upn",
        "authority",
    )
    list_filter = ("authority", "sex")
    search_fields = ("legal_last_name", "legal_first_name", "preferred_name", "upn")
    inlines = [AddressInline, ContactInline, VulnerabilityInline, RiskAssessmentInline]
