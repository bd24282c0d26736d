"""django-axes reads the attempted login from here (settings.AXES_USERNAME_CALLABLE).

Our login form posts the e-mail address in the ``username`` field (Django's
AuthenticationForm keeps that name whatever USERNAME_FIELD is); we lower-case it so that
« Nom@Exemple.fr » and « nom@exemple.fr » share one failure counter.
"""


def get_username(request, credentials=None):
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return value.strip().lower() if value else None
