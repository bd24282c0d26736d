import pytest

# Shared fixtures living in their own modules: a real local SMTP server.
pytest_plugins = ["tests.smtp"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, whose PostgreSQL sessions are ended before it is dropped.

    A live-server thread still answering a browser's last request when the session ends
    (htmx polling, a download) may hold a connection to the test database; dropping it
    would then fail with « database is being accessed by other users ».
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
