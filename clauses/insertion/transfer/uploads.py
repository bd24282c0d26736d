"""Uploaded import files kept between the preview and the confirmation.

Each upload gets a random token and a folder of the default storage,
``imports/<organisation id>/<token>/``, holding the files and ``etat.json`` (who uploaded
them, the line count, the status, the report of the last check). The organisation is part
of the path: a token only opens in the organisation that uploaded it. Uploads are deleted
once imported, and any upload older than a day is deleted at the next upload.
"""

import datetime
import json
import re
import secrets
from dataclasses import asdict, dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import get_valid_filename

from .importing import Report
from .reading import count_lines

ROOT = "imports"
STATE = "etat.json"
LIFETIME = datetime.timedelta(days=1)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

CHECKING = "verification"  # a background check runs
CHECKED = "apercu"  # the report is ready
WRITING = "ecriture"  # a background write runs
DONE = "termine"  # imported: files deleted, report kept


@dataclass
class PendingImport:
    token: str
    organisation_id: int
    user_id: int | None
    files: list  # [{"name": original name, "path": storage path}]
    lines: int
    created_at: str
    status: str = CHECKED
    job_id: int | None = None
    report_data: dict | None = field(default=None)

    @staticmethod
    def folder(organisation_id, token):
        return f"{ROOT}/{organisation_id}/{token}"

    @classmethod
    def create(cls, *, organisation, user, files):
        """Store ``files`` ((name, bytes) pairs) for ``organisation``; purge old uploads."""
        purge_expired(organisation.pk)
        token = secrets.token_urlsafe(24)
        folder = cls.folder(organisation.pk, token)
        stored = []
        for index, (name, data) in enumerate(files, start=1):
            safe = get_valid_filename(name.rsplit("/", 1)[-1]) or f"fichier-{index}"
            path = default_storage.save(f"{folder}/{index:02d}-{safe}", ContentFile(data))
            stored.append({"name": name, "path": path})
        pending = cls(
            token=token,
            organisation_id=organisation.pk,
            user_id=getattr(user, "pk", None),
            files=stored,
            lines=count_lines(files),
            created_at=timezone.now().isoformat(),
        )
        pending.save()
        return pending

    @classmethod
    def load(cls, token, organisation_id):
        """The upload of ``token`` in ``organisation_id``, or None (unknown, other
        organisation, expired)."""
        if not TOKEN_RE.match(token or ""):
            return None
        path = f"{cls.folder(organisation_id, token)}/{STATE}"
        if not default_storage.exists(path):
            return None
        with default_storage.open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
        pending = cls(**data)
        if pending.organisation_id != organisation_id or pending.is_expired:
            return None
        return pending

    @property
    def is_expired(self):
        return timezone.now() - datetime.datetime.fromisoformat(self.created_at) > LIFETIME

    @property
    def names(self):
        return [entry["name"] for entry in self.files]

    @property
    def label(self):
        names = self.names
        return names[0] if len(names) == 1 else f"{len(names)} fichiers"

    def save(self):
        path = f"{self.folder(self.organisation_id, self.token)}/{STATE}"
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(json.dumps(asdict(self)).encode("utf-8")))

    def read_files(self):
        files = []
        for entry in self.files:
            with default_storage.open(entry["path"], "rb") as f:
                files.append((entry["name"], f.read()))
        return files

    @property
    def report(self):
        return Report.from_dict(self.report_data) if self.report_data else None

    def set_report(self, report):
        self.report_data = report.as_dict()
        self.status = DONE if report.written else CHECKED
        if report.written:
            self.discard_files()

    def discard_files(self):
        for entry in self.files:
            if default_storage.exists(entry["path"]):
                default_storage.delete(entry["path"])
        self.files = [{"name": entry["name"], "path": ""} for entry in self.files]


def purge_expired(organisation_id):
    """Delete the uploads of ``organisation_id`` older than LIFETIME."""
    base = f"{ROOT}/{organisation_id}"
    try:
        tokens, _ = default_storage.listdir(base)
    except (FileNotFoundError, NotImplementedError):
        return
    for token in tokens:
        folder = PendingImport.folder(organisation_id, token)
        state = f"{folder}/{STATE}"
        try:
            with default_storage.open(state, "rb") as f:
                created_at = json.loads(f.read().decode("utf-8"))["created_at"]
            expired = timezone.now() - datetime.datetime.fromisoformat(created_at) > LIFETIME
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written, or not ours
        if not expired:
            continue
        _, names = default_storage.listdir(folder)
        for name in names:
            default_storage.delete(f"{folder}/{name}")
