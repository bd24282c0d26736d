"""Tests: strict (warnings are errors via pytest, undefined template variables fail)."""

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BAN_API_URL = ""
OBSERVATORY_CACHE_SECONDS = 0  # figures recomputed at every request (tests enable it)
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405

# Live-server request threads must not keep a database connection open between requests
# (browser keep-alive): PostgreSQL refuses to drop a test database that is still in use.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
