"""Serve the platform and its background worker together (used by `make demo`)."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Lance le serveur web et le worker de tâches de fond."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"])
        self.stdout.write(f"Worker de tâches lancé (pid {worker.pid}).")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
