"""Writes with business rules on accounts: invitations and memberships.

Every function is keyword-only, atomic, raises ``DomainError`` with a French message
and writes an audit entry.
"""

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clauses.core import audit
from clauses.core.exceptions import DomainError

from . import emails, perms
from .enums import Role
from .models import Invitation, Membership, User

INVITATION_VALIDITY = datetime.timedelta(days=14)


def _normalise_email(email):
    return (email or "").strip().lower()


@transaction.atomic
def invite_member(*, organisation, invited_by, email, first_name, last_name, role, base_url):
    """Invite someone to join ``organisation`` with ``role``; e-mails them a link."""
    if not perms.can_invite(invited_by, organisation):
        raise DomainError("Vous ne pouvez pas inviter de membres dans cette organisation.")
    email = _normalise_email(email)
    if not email:
        raise DomainError("L'adresse e-mail est obligatoire.", field="email")
    if role not in perms.invitable_roles(organisation):
        raise DomainError("Ce rôle n'est pas possible pour ce type d'organisation.", field="role")
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise DomainError("Cette personne est déjà membre de l'organisation.", field="email")
    if Invitation.objects.pending().filter(organisation=organisation, email__iexact=email).exists():
        raise DomainError(
            "Une invitation est déjà en attente pour cette adresse e-mail.", field="email"
        )
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    audit.log(
        actor=invited_by,
        action="accounts.invitation_sent",
        obj=invitation,
        changes={"email": email, "role": role, "organisation": organisation.name},
    )
    emails.send_invitation(invitation, base_url=base_url)
    return invitation


def check_invitation(invitation):
    """Raise DomainError unless ``invitation`` can still be accepted."""
    if invitation.cancelled_at is not None:
        raise DomainError("Cette invitation a été annulée.")
    if invitation.accepted_at is not None:
        raise DomainError("Cette invitation a déjà été utilisée.")
    if invitation.expires_at <= timezone.now():
        raise DomainError("Cette invitation a expiré.")
    if not invitation.organisation.is_active:
        raise DomainError("L'organisation de cette invitation n'est plus active.")


def _membership_scope(organisation, role):
    if role != Role.COORDINATOR:
        return {"scope_region": None, "scope_departement": None}
    region = organisation.region or (
        organisation.departement.region if organisation.departement_id else None
    )
    return {"scope_region": region, "scope_departement": None}


@transaction.atomic
def accept_invitation(*, invitation, user=None, password=None):
    """Accept ``invitation``: for an existing ``user`` (already authenticated with the
    invited address), or by creating the account with ``password``. Returns the user."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    check_invitation(invitation)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError(
                "Un compte existe déjà pour cette adresse e-mail : connectez-vous pour "
                "accepter l'invitation."
            )
        user = User(
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
        )
        try:
            validate_password(password or "", user=user)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="password1") from error
        user.set_password(password)
        user.save()
        audit.log(actor=user, action="accounts.user_created", obj=user)
    elif _normalise_email(user.email) != _normalise_email(invitation.email):
        raise DomainError(
            "Cette invitation a été envoyée à une autre adresse e-mail que celle de votre compte."
        )

    membership = Membership.objects.filter(user=user, organisation=invitation.organisation).first()
    if membership is not None and membership.is_active:
        raise DomainError("Vous êtes déjà membre de cette organisation.")
    scope = _membership_scope(invitation.organisation, invitation.role)
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.role, **scope
        )
    else:
        membership.role = invitation.role
        membership.is_active = True
        membership.scope_region = scope["scope_region"]
        membership.scope_departement = scope["scope_departement"]
        membership.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.log(
        actor=user,
        action="accounts.invitation_accepted",
        obj=membership,
        changes={"organisation": invitation.organisation.name, "role": invitation.role},
    )
    # Drop the cached memberships so that the new one counts at once.
    user.__dict__.pop("active_memberships", None)
    return user


@transaction.atomic
def cancel_invitation(*, invitation, cancelled_by):
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not perms.can_manage_invitations(cancelled_by, invitation.organisation):
        raise DomainError("Vous ne pouvez pas gérer les invitations de cette organisation.")
    if invitation.accepted_at is not None:
        raise DomainError("Cette invitation a déjà été acceptée.")
    if invitation.cancelled_at is not None:
        raise DomainError("Cette invitation est déjà annulée.")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit.log(
        actor=cancelled_by,
        action="accounts.invitation_cancelled",
        obj=invitation,
        changes={"email": invitation.email},
    )
    return invitation
