"""Read settings in a fresh interpreter, with exactly the environment a test chooses.

Settings modules read the environment at import time, so checking what production
(`config.settings.base`) does with or without a variable needs a new process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Variables a settings module reads; removed so the developer's shell cannot leak in.
SETTINGS_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
PRODUCTION_SECRET_KEY = "test-only-" + "k3y" * 20


def settings_env(module, **variables):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = module
    env.update(variables)
    return env


def run_python(code, module, **variables):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=settings_env(module, **variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read_settings(module, *names, **variables):
    """Values of `names` once `module` is loaded with the given environment variables."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = run_python(code, module, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage(*args, module, **variables):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=settings_env(module, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
