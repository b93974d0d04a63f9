from django.contrib import admin

from dyad.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Institution admins read the whole log here; nobody edits it."""

    list_display = ["at", "program", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "program"]
    search_fields = ["action", "target_id", "actor__email"]
    list_select_related = ["program", "actor"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
