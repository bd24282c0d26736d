from django.contrib import admin

from .models import Contact, Structure


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "function", "email", "visibility", "is_active"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "region", "departement", "source", "is_published"]
    list_filter = ["family", "source", "is_published", "region"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["departement", "commune", "organisation"]
    filter_horizontal = []
    autocomplete_fields = []
    readonly_fields = ["created_at", "updated_at"]
    exclude = ["qpvs"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "structure", "visibility", "is_active", "anonymised_at"]
    list_filter = ["visibility", "is_active"]
    search_fields = ["last_name", "email", "structure__name"]
    raw_id_fields = ["structure"]
