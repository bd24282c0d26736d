from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    ReadOnlyPasswordHashField,
    ReadOnlyPasswordHashWidget,
)
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm

from .models import Invitation, Membership, Organisation, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")
        field_classes = {"email": forms.EmailField}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """Django's widget template reads ``password_url`` without defining it."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.setdefault("password_url", "../password/")
        return context


class PasswordHashField(ReadOnlyPasswordHashField):
    widget = PasswordHashWidget


class UserChangeForm(BaseUserChangeForm):
    password = PasswordHashField(
        label="Mot de passe", help_text=BaseUserChangeForm.base_fields["password"].help_text
    )

    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user", "organisation", "scope_region", "scope_departement")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        (
            "Droits",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_inlines(self, request, obj):
        # Memberships are added once the account exists.
        return [MembershipInline] if obj is not None else []


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "facilitator_kind",
        "siret",
        "region",
        "departement",
        "is_active",
    )
    list_filter = ("kind", "facilitator_kind", "is_active", "region")
    search_fields = ("name", "siret")
    raw_id_fields = ("region", "departement", "commune")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "is_admin", "is_active", "created_at")
    list_filter = ("role", "is_admin", "is_active")
    search_fields = ("user__email", "user__last_name", "organisation__name")
    raw_id_fields = ("user", "organisation", "scope_region", "scope_departement")
    list_select_related = ("user", "organisation")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "cancelled_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    raw_id_fields = ("organisation", "invited_by")
    readonly_fields = ("token", "created_at", "accepted_at", "cancelled_at")
    list_select_related = ("organisation",)
