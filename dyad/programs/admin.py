from django.contrib import admin

from dyad.programs.models import (
    InstitutionAdmin,
    Invitation,
    Membership,
    Program,
    RosterImport,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = [
        "user",
        "role",
        "pgy",
        "track",
        "department",
        "start_date",
        "expected_end_date",
        "is_active",
    ]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "specialty", "pairing_model"]
    search_fields = ["name", "slug", "specialty"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "pgy", "is_active"]
    list_filter = ["program", "role", "is_active"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "program"]
    list_select_related = ["user", "program"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "program", "uploaded_by", "status", "created_at"]
    list_filter = ["status", "program"]
    readonly_fields = ["content", "summary"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: the queue is changed by send_invitations and by leaders on the roster
    page, so that every resend is audited."""

    list_display = ["user", "program", "state", "attempts", "queued_at", "sent_at"]
    list_filter = ["state", "program"]
    search_fields = ["user__email"]
    list_select_related = ["user", "program"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InstitutionAdmin)
class InstitutionAdminAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "created_at"]
    search_fields = ["user__email", "institution"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
