from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from clauses.accounts import services
from clauses.accounts.forms import (
    AcceptInvitationForm,
    ExistingAccountForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from clauses.accounts.models import Invitation, User
from clauses.core import audit
from clauses.core.exceptions import DomainError

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": "E-mail envoyé"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.log(actor=form.user, action="accounts.password_reset", obj=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": "Mot de passe réinitialisé"}


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("workspace:home")
    extra_context = {"title": "Changer de mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.log(actor=self.request.user, action="accounts.password_changed", obj=form.user)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


@login_not_required
def accept_invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    context = {"title": "Invitation", "invitation": invitation, "error": None, "form": None}
    try:
        services.check_invitation(invitation)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "accounts/invitation_invalid.html", context, status=410)

    existing = User.objects.filter(email__iexact=invitation.email).first()
    context["existing_account"] = existing is not None
    context["other_account"] = (
        request.user.is_authenticated and existing is not None and request.user != existing
    ) or (request.user.is_authenticated and existing is None)
    if context["other_account"]:
        return render(request, "accounts/accept_invitation.html", context)

    if request.user.is_authenticated:
        # Logged in with the invited address: a confirmation is enough.
        if request.method == "POST":
            return _accept(request, invitation, user=request.user, context=context)
        return render(request, "accounts/accept_invitation.html", context)

    if existing is not None:
        form = ExistingAccountForm(data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = authenticate(
                request, username=existing.email, password=form.cleaned_data["password"]
            )
            if user is None:
                form.add_error("password", "Mot de passe incorrect.")
            else:
                return _accept(request, invitation, user=user, context=context, form=form)
    else:
        form = AcceptInvitationForm(data=request.POST or None, invitation=invitation)
        if request.method == "POST" and form.is_valid():
            return _accept(
                request,
                invitation,
                password=form.cleaned_data["password1"],
                context=context,
                form=form,
            )
    context["form"] = form
    return render(request, "accounts/accept_invitation.html", context)


def _accept(request, invitation, *, context, user=None, password=None, form=None):
    try:
        user = services.accept_invitation(invitation=invitation, user=user, password=password)
    except DomainError as error:
        if form is not None:
            form.add_error(None, error.message)
            context["form"] = form
        else:
            messages.error(request, error.message)
        return render(request, "accounts/accept_invitation.html", context)
    if not request.user.is_authenticated:
        login(request, user, backend=MODEL_BACKEND)
    messages.success(
        request, f"Bienvenue ! Vous êtes désormais membre de {invitation.organisation}."
    )
    return redirect("workspace:organisation_detail", pk=invitation.organisation_id)
