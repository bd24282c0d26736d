from django.contrib import admin

from .models import AuditEntry, JobProgress


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is written by the application only: read-only here."""

    list_display = ("at", "actor_repr", "action", "object_repr")
    list_filter = ("action",)
    search_fields = ("actor_repr", "action", "object_repr")
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobProgress)
class JobProgressAdmin(admin.ModelAdmin):
    list_display = ("label", "status", "done", "total", "started_by", "created_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("label", "task_result_id")
    raw_id_fields = ("started_by",)
    readonly_fields = ("created_at", "updated_at")
