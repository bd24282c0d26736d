import pytest

# Shared fixtures living in their own modules: a real local SMTP server.
pytest_plugins = ["tests.smtp"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
