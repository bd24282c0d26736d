from django.contrib import admin

from .models import (
    Edition,
    Meeting,
    MeetingDocument,
    PresentedPractice,
    ProgrammeSlot,
    Question,
    Registration,
    SatisfactionResponse,
)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["name", "year_start", "year_end"]
    prepopulated_fields = {"slug": ["name"]}


class SlotInline(admin.TabularInline):
    model = ProgrammeSlot
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    fk_name = "meeting"
    extra = 0


class PracticeInline(admin.TabularInline):
    model = PresentedPractice
    extra = 0


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "region", "starts_at", "capacity", "mode", "is_published"]
    list_filter = ["edition", "region", "mode", "is_published"]
    search_fields = ["title", "venue_city"]
    date_hierarchy = "starts_at"
    list_select_related = ["edition", "region"]
    # Capacity changes promote the waiting list: they go through the back-office.
    readonly_fields = ["capacity", "personal_data_purged_at", "followup_sent_at"]
    inlines = [SlotInline, QuestionInline, PracticeInline, DocumentInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: registrations change through the services (places, waiting list, audit)."""

    list_display = ["__str__", "status", "actor_family", "created_at", "checked_in_at"]
    list_filter = ["status", "actor_family", "meeting__edition"]
    search_fields = ["last_name", "first_name", "email", "organisation_name"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting", "contact"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionResponse)
class SatisfactionResponseAdmin(admin.ModelAdmin):
    list_display = ["registration", "rating", "useful", "submitted_at"]

    def has_change_permission(self, request, obj=None):
        return False
