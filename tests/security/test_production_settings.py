"""Production settings (config.settings.base), loaded in a fresh process."""

from tests.support.settings import PRODUCTION_SECRET_KEY, manage, read_settings, run_python

BASE = "config.settings.base"


def test_production_refuses_to_start_without_secret_key():
    result = run_python("from django.conf import settings; settings.DEBUG", BASE)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


def test_development_starts_without_secret_key():
    values = read_settings("config.settings.dev", "DEBUG")

    assert values == {"DEBUG": True}


def test_deploy_check_is_clean():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        module=BASE,
        DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_cookies_are_secure_and_session_cookie_is_http_only():
    values = read_settings(
        BASE,
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY,
    )

    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_production_redirects_to_https_with_hsts():
    values = read_settings(
        BASE,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY,
    )

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["DEBUG"] is False
