"""Territories tests share one real subset of the official data, loaded once per package.

The subset is committed outside the per-test transactions and deleted after the last test
of the package, so other test packages never see it.
"""

import email.parser
import email.policy
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from clauses.territories import geo
from clauses.territories.loader import load_territories
from clauses.territories.models import Commune, Departement, Epci, PostalCode, Qpv, Region

SUBSET = ["93", "75", "31", "13", "69"]
RECORDINGS = Path(__file__).parent / "recordings"
# Replayed BAN answers for GET /search/?q=…; any other query gets an empty answer.
SEARCH_RECORDINGS = {
    "20 rue de la Goutte d'Or 75018 Paris": "search_goutte_dor.json",
    "20 avenue de Ségur 75007 Paris": "search_segur.json",
}


@pytest.fixture(scope="package", autouse=True)
def territories(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_territories(departements=SUBSET)
    yield
    with django_db_blocker.unblock():
        Qpv.objects.all().delete()
        PostalCode.objects.all().delete()
        Commune.objects.filter(parent__isnull=False).delete()
        Commune.objects.all().delete()
        Epci.objects.all().delete()
        Departement.objects.all().delete()
        Region.objects.all().delete()
    geo.invalidate_index()


class BanReplayHandler(BaseHTTPRequestHandler):
    """Answers like api-adresse.data.gouv.fr, from the files in ``recordings/``.

    Those files follow the real BAN formats (GeoJSON of /search/, CSV of /search/csv/) with
    the coordinates of real addresses; any unexpected request gets a 400.
    """

    def log_message(self, format, *args):
        pass

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        self.server.requests.append(("GET", url.path, params))
        if url.path != "/search/" or params.get("limit") != ["1"] or "q" not in params:
            self._send(400, b'{"code": 400, "message": "Failed parsing query"}', "application/json")
            return
        name = SEARCH_RECORDINGS.get(params["q"][0], "search_empty.json")
        self._send(200, (RECORDINGS / name).read_bytes(), "application/json; charset=utf-8")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        raw = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
        self.server.requests.append(("POST", self.path, fields))
        expected = (RECORDINGS / "search_csv_request.csv").read_bytes()
        if (
            self.path != "/search/csv/"
            or fields.get("columns") != b"adresse"
            or fields.get("data", b"").replace(b"\r\n", b"\n") != expected.replace(b"\r\n", b"\n")
        ):
            self._send(400, b'{"code": 400, "message": "Unexpected request"}', "application/json")
            return
        response = (RECORDINGS / "search_csv_response.csv").read_bytes()
        self._send(200, response, "text/csv; charset=utf-8")


@pytest.fixture
def ban(settings):
    """A local BAN replaying recorded answers; ``ban.requests`` lists what it received."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BanReplayHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BAN_API_URL = f"http://127.0.0.1:{server.server_address[1]}/"
    settings.BAN_API_TIMEOUT = 5
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def silent_ban(settings):
    """A BAN that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings.BAN_API_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
        settings.BAN_API_TIMEOUT = 0.2
        yield listener


@pytest.fixture
def unreachable_ban(settings):
    """A BAN URL on which nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BAN_API_URL = f"http://127.0.0.1:{port}"


def load_json(name):
    return json.loads((RECORDINGS / name).read_text())
