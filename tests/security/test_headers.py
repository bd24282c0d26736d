"""Security headers and the strict Content-Security-Policy on the public pages."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


class ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def home(client, db):
    return client.get(reverse("www:home"))


def test_script_src_requires_a_nonce_and_no_inline_code(home):
    script_src = csp_directives(home)["script-src"]

    assert "'self'" in script_src
    assert any(re.fullmatch(r"'nonce-[\w+/=-]+'", value) for value in script_src)
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


def test_csp_forbids_framing_plugins_and_foreign_forms(home):
    directives = csp_directives(home)

    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]


def test_every_script_carries_the_nonce(home):
    [nonce_source] = [v for v in csp_directives(home)["script-src"] if v.startswith("'nonce-")]
    nonce = nonce_source.removeprefix("'nonce-").removesuffix("'")
    parser = ScriptCollector()
    parser.feed(home.content.decode())

    assert parser.scripts
    assert [script.get("nonce") for script in parser.scripts] == [nonce] * len(parser.scripts)


def test_nonce_changes_with_every_response(client, db):
    first = csp_directives(client.get(reverse("www:home")))["script-src"]
    second = csp_directives(client.get(reverse("www:home")))["script-src"]

    assert first != second


def test_page_cannot_be_framed(home):
    assert home.headers["X-Frame-Options"] == "DENY"


def test_content_type_sniffing_is_disabled(home):
    assert home.headers["X-Content-Type-Options"] == "nosniff"


def test_referrer_policy_stays_on_the_site(home):
    assert home.headers["Referrer-Policy"] == "same-origin"


def test_login_post_without_csrf_token_is_refused(db):
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "demo-clauses-2026"}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_form_carries_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)

    response = client.get(reverse("accounts:login"))

    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
