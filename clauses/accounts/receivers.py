"""Audit entries for logins and logouts.

Django's authentication signals are the only hook that covers every login path
(form, admin, invitation); they write the audit log and nothing else.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from clauses.core import audit


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit.log(actor=user, action="accounts.login", obj=user)


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:255]
    audit.log(actor=attempted or "inconnu", action="accounts.login_failed")


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.log(actor=user, action="accounts.logout", obj=user)
