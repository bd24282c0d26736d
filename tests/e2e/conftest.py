"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser here, so it always launches the system
Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`). Without it every browser test is
skipped with a message saying which package to install.

Every page records console errors, uncaught exceptions and Content-Security-Policy
violations; a test fails if any occurs, so the site is checked under its strict CSP.
On failure a full-page screenshot and the page HTML land in `test-artifacts/`.
"""

import os
import re
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR.parent.parent / "test-artifacts"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Injected through the DevTools protocol, so the page's CSP does not block it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
  );
});
"""


def chromium_available():
    return os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(
        reason=(
            f"Chromium absent ({CHROMIUM_PATH}) : installez le paquet Debian chromium "
            "pour lancer les tests navigateur"
        )
    )
    available = chromium_available()
    for item in items:
        if E2E_DIR not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if not available:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Fixtures read `item.rep_call` at teardown to know whether the test failed.
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread for the whole session;
    # the Django ORM would otherwise refuse to run next to it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


class BrowserErrors:
    """Console errors, uncaught exceptions and CSP violations seen by one page."""

    def __init__(self):
        self.messages = []
        self.allowed = []

    def allow(self, pattern):
        """Expect errors matching `pattern` (a regex), e.g. the console line of a 404."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self):
        return [m for m in self.messages if not any(p.search(m) for p in self.allowed)]


@pytest.fixture
def browser_errors():
    return BrowserErrors()


def artifact_name(item):
    return re.sub(r"[^\w.-]+", "_", item.name).strip("_")


def save_artifacts(page, item, suffix=""):
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    name = artifact_name(item) + suffix
    page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
    (ARTIFACTS_DIR / f"{name}.html").write_text(page.content(), encoding="utf-8")


def open_page(browser, base_url, browser_errors):
    """A page in a new browser context (its own cookies) recording errors in `browser_errors`."""
    context = browser.new_context(
        base_url=base_url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            browser_errors.messages.append(f"console: {message.text} ({message.location})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: browser_errors.messages.append(f"pageerror: {error}"))
    return page


def close_page(request, page, browser_errors, *, suffix=""):
    """Close `page` (saving artifacts if the test failed); fail on unexpected browser errors."""
    try:
        failed = (
            getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
        )
        unexpected = browser_errors.unexpected()
        if failed or unexpected:
            save_artifacts(page, request.node, suffix=suffix)
    finally:
        page.context.close()
    if unexpected:
        pytest.fail(
            "Erreurs dans la console du navigateur (CSP ou JavaScript) :\n" + "\n".join(unexpected)
        )


@pytest.fixture
def page(request, browser, live_server, browser_errors):
    page = open_page(browser, live_server.url, browser_errors)
    yield page
    close_page(request, page, browser_errors)


@pytest.fixture
def other_page(request, browser, live_server, browser_errors):
    """A second person's page: a fresh browser context, sharing no cookie with `page`."""
    page = open_page(browser, live_server.url, browser_errors)
    yield page
    close_page(request, page, browser_errors, suffix="-autre")


@pytest.fixture
def login(page):
    """Log a user in through the real form at /connexion/ (on `page`, or the page `on=`)."""
    from django.conf import settings
    from django.urls import reverse

    def _login(user, password=settings.DEMO_PASSWORD, *, on=page):
        on.goto(reverse("accounts:login"))
        # By their French labels: the form must stay usable with a screen reader.
        on.get_by_label("Adresse e-mail", exact=True).fill(user.email)
        on.get_by_label("Mot de passe", exact=True).fill(password)
        with on.expect_navigation():
            on.locator("main").get_by_role("button", name="Se connecter").click()

    return _login


# WCAG 2.0 and 2.1, levels A and AA: the RGAA's scope.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe():
    """``axe(page)`` runs axe-core (axe-playwright-python's bundled copy) on the page as it
    is and fails with every A or AA violation, its rule and the elements concerned."""
    from axe_playwright_python.sync_playwright import Axe

    engine = Axe()

    def check(page):
        results = engine.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(node["target"][0] for node in v["nodes"][:5])
            for v in violations
        ]
        assert not violations, "Violations axe-core (A/AA) :\n" + "\n".join(details)

    return check
