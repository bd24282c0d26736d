from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from clauses.core.audit import action_label
from clauses.core.forms import DsfrForm
from clauses.core.models import AuditEntry

from . import perms


class LoginForm(DsfrForm, auth_forms.AuthenticationForm):
    # The field keeps Django's name "username": django-axes and authenticate() read it.
    username = auth_forms.UsernameField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(DsfrForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SetPasswordForm(DsfrForm, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DsfrForm, auth_forms.PasswordChangeForm):
    pass


class InvitationForm(DsfrForm):
    email = forms.EmailField(label="Adresse e-mail")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        roles = perms.invitable_roles(organisation)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0].value


class AcceptInvitationForm(DsfrForm):
    """A new account: choose a password (the validators apply)."""

    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            from .models import User

            user = User(
                email=self.invitation.email,
                first_name=self.invitation.first_name,
                last_name=self.invitation.last_name,
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class ExistingAccountForm(DsfrForm):
    """The invited address already has an account: its password confirms who accepts."""

    password = forms.CharField(
        label="Mot de passe de votre compte",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AuditLogFilterForm(DsfrForm):
    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.CharField(label="Adresse e-mail de l'auteur", required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True)
        self.fields["action"].choices = [("", "Toutes les actions")] + [
            (action, action_label(action)) for action in actions.distinct()
        ]

    def filter(self, queryset):
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()  # the errors say why; never widen an unknown filter
        if action := self.cleaned_data.get("action"):
            queryset = queryset.filter(action=action)
        if actor := self.cleaned_data.get("actor"):
            queryset = queryset.filter(actor_repr__icontains=actor.strip())
        return queryset
