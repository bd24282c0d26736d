"""Every URL of the project, requested with every role (anonymous included).

A new URL pattern makes ``test_every_url_has_an_expectation`` fail until its expected
answers are written in ``EXPECTATIONS``: nobody can add a page without saying who sees it.
Objects belonging to another organisation answer 404, never 403 (as pretix does).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from shapely.geometry import box

from clauses.accounts.enums import Role
from clauses.accounts.models import Invitation
from clauses.core.models import JobProgress
from clauses.territories.models import Qpv

from .factories import DepartementFactory, MembershipFactory, OrganisationFactory, RegionFactory

ROLES = [
    "anonyme",
    "facilitateur",
    "coordinateur",
    "administrateur_national",
    "lecteur",
    "entreprise",
]
LOGGED_IN = ROLES[1:]

# Django's own admin is guarded by is_staff: its index and login stand for all its pages.
IGNORED_NAMESPACES_EXCEPT = {"admin": {"admin:index", "admin:login"}}


@dataclass
class World:
    users: dict
    org_a: object
    org_b: object
    invitation: object
    job: object
    qpv: object
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world(db):
    idf = RegionFactory(code="11", name="Île-de-France")
    occitanie = RegionFactory(code="76", name="Occitanie")
    seine_saint_denis = DepartementFactory(code="93", name="Seine-Saint-Denis", region=idf)
    haute_garonne = DepartementFactory(code="31", name="Haute-Garonne", region=occitanie)
    org_a = OrganisationFactory(name="PLIE Est 93", departement=seine_saint_denis)
    org_b = OrganisationFactory(name="PLIE Toulouse", departement=haute_garonne)
    facilitator = MembershipFactory(organisation=org_a, admin=True).user
    MembershipFactory(organisation=org_b, admin=True)
    coordination = OrganisationFactory(name="Coordination IDF", departement=seine_saint_denis)
    coordinator = MembershipFactory(organisation=coordination, coordinator=True).user
    national = MembershipFactory(national_admin=True).user
    reader = MembershipFactory(
        reader=True,
        organisation=OrganisationFactory(
            buyer=True, name="Office HLM 93", departement=seine_saint_denis
        ),
    ).user
    company = MembershipFactory(
        company=True,
        organisation=OrganisationFactory(
            company=True, name="BTP Est", departement=seine_saint_denis
        ),
    ).user
    invitation = Invitation.objects.create(
        organisation=org_a,
        email="invitee@example.org",
        first_name="Inès",
        last_name="Invitée",
        role=Role.FACILITATOR,
        invited_by=facilitator,
        expires_at=timezone.now() + timedelta(days=3),
    )
    job = JobProgress.objects.create(
        started_by=facilitator, label="Recherche QPV", status=JobProgress.Status.DONE
    )
    job.result_file.save("resultat.csv", ContentFile(b"lat,lon,code_qp\n"))
    qpv = Qpv.objects.create(
        code="QN09301M",
        name="Quartier de test",
        list_year=2024,
        departement=seine_saint_denis,
        geometry=box(2.45, 48.9, 2.46, 48.91).wkb,
        min_lon=2.45,
        min_lat=48.9,
        max_lon=2.46,
        max_lat=48.91,
    )
    return World(
        users={
            "anonyme": None,
            "facilitateur": facilitator,
            "coordinateur": coordinator,
            "administrateur_national": national,
            "lecteur": reader,
            "entreprise": company,
        },
        org_a=org_a,
        org_b=org_b,
        invitation=invitation,
        job=job,
        qpv=qpv,
    )


def _meeting(world):
    """A published meeting of organisation A, open for registration (created on first use)."""
    if "meeting" not in world.extra:
        from tests.meetings.factories import MeetingFactory

        world.extra["meeting"] = MeetingFactory(organiser=world.org_a)
    return world.extra["meeting"]


def _registration(world):
    if "registration" not in world.extra:
        from tests.meetings.factories import RegistrationFactory

        world.extra["registration"] = RegistrationFactory(meeting=_meeting(world))
    return world.extra["registration"]


def _structure(world, organisation_attr="org_a"):
    """A published directory structure of an organisation, with one public contact."""
    key = f"structure_{organisation_attr}"
    if key not in world.extra:
        from tests.directory.factories import ContactFactory, StructureFactory

        organisation = getattr(world, organisation_attr)
        structure = StructureFactory(
            organisation=organisation,
            region=organisation.region,
            departement=organisation.departement,
        )
        world.extra[key] = structure
        world.extra[f"contact_{organisation_attr}"] = ContactFactory(structure=structure)
    return world.extra[key]


def _contact_kwargs(world, organisation_attr="org_a"):
    structure = _structure(world, organisation_attr)
    return {"pk": structure.pk, "contact_pk": world.extra[f"contact_{organisation_attr}"].pk}


def _meeting_b(world):
    """A meeting of organisation B, in another region (created on first use)."""
    if "meeting_b" not in world.extra:
        from tests.meetings.factories import MeetingFactory

        world.extra["meeting_b"] = MeetingFactory(organiser=world.org_b, region=world.org_b.region)
    return world.extra["meeting_b"]


def _registration_b(world):
    if "registration_b" not in world.extra:
        from tests.meetings.factories import RegistrationFactory

        world.extra["registration_b"] = RegistrationFactory(meeting=_meeting_b(world))
    return world.extra["registration_b"]


def _document(world):
    if "document" not in world.extra:
        from tests.meetings.factories import DocumentFactory

        world.extra["document"] = DocumentFactory(meeting=_meeting(world))
    return world.extra["document"]


def _meeting_pk(world):
    return {"pk": _meeting(world).pk}


def _registration_pks(world):
    return {"pk": _meeting(world).pk, "registration_pk": _registration(world).pk}


def _practice(world, organisation_attr="org_a"):
    """A published practice sheet written by a member of an organisation, with a document."""
    key = f"practice_{organisation_attr}"
    if key not in world.extra:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from clauses.practices import services as practices

        organisation = getattr(world, organisation_attr)
        author = organisation.memberships.first().user
        practice = practices.create_practice(
            actor=author,
            data={
                "title": f"Pratique de {organisation.name}",
                "pitch": "Résumé.",
                "themes": ["publics"],
                "departement": organisation.departement,
            },
        )
        practices.publish(practice=practice, actor=world.users["administrateur_national"])
        world.extra[f"attachment_{organisation_attr}"] = practices.add_attachment(
            practice=practice,
            actor=author,
            upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4"),
            title="Note",
        )
        world.extra[key] = practice
    return world.extra[key]


def _practice_pk(world):
    return {"pk": _practice(world).pk}


def _survey_world(world):
    """A survey with a text question and a submitted response in each organisation's region."""
    if "survey" not in world.extra:
        from clauses.survey.enums import ResponseStatus
        from clauses.survey.models import Answer, Respondent, Response
        from tests.survey.factories import QuestionFactory, SurveyFactory

        survey = SurveyFactory()
        question = QuestionFactory(section__survey=survey, kind="texte_long")
        for key, organisation in (("a", world.org_a), ("b", world.org_b)):
            respondent = Respondent.objects.create(survey=survey, email=f"r{key}@exemple.fr")
            response = Response.objects.create(
                survey=survey,
                respondent=respondent,
                status=ResponseStatus.SUBMITTED,
                submitted_at=timezone.now(),
                region=organisation.departement.region,
                departement=organisation.departement,
            )
            Answer.objects.create(response=response, question=question, value="Texte")
            world.extra[f"survey_response_{key}"] = response
        world.extra.update(survey=survey, survey_question=question)
    return world.extra["survey"]


def _survey_pk(world):
    return {"pk": _survey_world(world).pk}


def _survey_token(world):
    return {"token": _survey_world(world) and world.extra["survey_response_a"].respondent.token}


def _survey_section_kwargs(world):
    survey = _survey_world(world)
    return {**_survey_token(world), "section_id": survey.sections.first().pk}


def _survey_question_kwargs(world):
    return {**_survey_pk(world), "question_id": world.extra["survey_question"].pk}


def _survey_section_pk(world):
    return {**_survey_pk(world), "section_id": world.extra["survey_question"].section_id}


def _survey_response_kwargs(world, key="a"):
    return {**_survey_pk(world), "response_id": world.extra[f"survey_response_{key}"].pk}


def _survey_file_kwargs(world, key="a"):
    """A file joined to the response of organisation ``key``'s region."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.survey.factories import QuestionFactory

    kwargs = _survey_response_kwargs(world, key)
    response = world.extra[f"survey_response_{key}"]
    question = QuestionFactory(section=world.extra["survey_question"].section, kind="fichier")
    answer = response.answers.create(
        question=question,
        value="bilan.pdf",
        file=SimpleUploadedFile("bilan.pdf", b"%PDF-1.4"),
    )
    return {**kwargs, "answer_id": answer.pk}


def everyone(status):
    return dict.fromkeys(ROLES, status)


def members(status, *, anonymous=302):
    return {"anonyme": anonymous, **dict.fromkeys(LOGGED_IN, status)}


def only(roles, status=200, *, others=404, anonymous=302):
    expected = members(others, anonymous=anonymous)
    expected.update(dict.fromkeys(roles, status))
    return expected


@dataclass
class Case:
    expected: dict
    kwargs: object = None  # callable(world) -> dict of URL kwargs


ORG_A_READERS = ["facilitateur", "coordinateur", "administrateur_national"]
SURVEY_READERS = ["coordinateur", "administrateur_national"]

EXPECTATIONS = {
    # Public site.
    "www:home": Case(everyone(200)),
    "www:legal_notice": Case(everyone(200)),
    "www:accessibility": Case(everyone(200)),
    "www:personal_data": Case(everyone(200)),
    "www:observatory": Case(everyone(200)),
    # Meetings, public side: the pages and each registration's personal link (its token is
    # the only key: anyone holding it sees the registration, logged in or not).
    "meetings:list": Case(everyone(200)),
    "meetings:detail": Case(everyone(200), lambda w: {"slug": _meeting(w).slug}),
    "meetings:places": Case(everyone(200), lambda w: {"slug": _meeting(w).slug}),
    "meetings:register": Case(everyone(200), lambda w: {"slug": _meeting(w).slug}),
    "meetings:registration": Case(everyone(200), lambda w: {"token": _registration(w).token}),
    "meetings:registration_edit": Case(everyone(200), lambda w: {"token": _registration(w).token}),
    "meetings:registration_cancel": Case(
        everyone(200), lambda w: {"token": _registration(w).token}
    ),
    "meetings:registration_data": Case(everyone(200), lambda w: {"token": _registration(w).token}),
    "meetings:registration_delete": Case(
        everyone(200), lambda w: {"token": _registration(w).token}
    ),
    "meetings:satisfaction": Case(everyone(200), lambda w: {"token": _registration(w).token}),
    # Directory: public list and sheets; each member's own sheet; organisation A's sheet is
    # edited by its members, its regional coordinator and the national administrators; the
    # export is for organisers only.
    "directory:list": Case(everyone(200)),
    "directory:detail": Case(everyone(200), lambda w: {"pk": _structure(w).pk}),
    "directory:my_structure": Case(members(200)),
    "directory:edit": Case(only(ORG_A_READERS), lambda w: {"pk": _structure(w).pk}),
    "directory:contact_add": Case(only(ORG_A_READERS), lambda w: {"pk": _structure(w).pk}),
    "directory:contact_edit": Case(only(ORG_A_READERS), _contact_kwargs),
    "directory:contact_remove": Case(members(405), _contact_kwargs),
    "directory:export": Case(
        only(["coordinateur", "administrateur_national"]), lambda w: {"fmt": "csv"}
    ),
    # Accounts.
    "accounts:login": Case(members(302, anonymous=200)),  # members go to their workspace
    "accounts:logout": Case(everyone(405)),
    "accounts:password_reset": Case(everyone(200)),
    "accounts:password_reset_done": Case(everyone(200)),
    "accounts:password_reset_confirm": Case(
        everyone(200), lambda w: {"uidb64": "MQ", "token": "jeton-invalide"}
    ),
    "accounts:password_reset_complete": Case(everyone(200)),
    "accounts:accept_invitation": Case(everyone(200), lambda w: {"token": w.invitation.token}),
    # Workspace: organisation A is seen by its members, its regional coordinator and the
    # national administrators; organisation B (another region) only by the latter.
    "workspace:home": Case(members(200)),
    "workspace:password_change": Case(members(200)),
    "workspace:organisation_list": Case(members(200)),
    "workspace:organisation_detail": Case(only(ORG_A_READERS), lambda w: {"pk": w.org_a.pk}),
    "workspace:invite": Case(
        only(["facilitateur", "administrateur_national"]), lambda w: {"pk": w.org_a.pk}
    ),
    "workspace:cancel_invitation": Case(
        members(405),
        lambda w: {"pk": w.org_a.pk, "invitation_pk": w.invitation.pk},
    ),
    "workspace:audit_log": Case(only(["administrateur_national"])),
    "workspace:job": Case(
        only(["facilitateur", "administrateur_national"]), lambda w: {"pk": w.job.pk}
    ),
    "workspace:job_result": Case(
        only(["facilitateur", "administrateur_national"]), lambda w: {"pk": w.job.pk}
    ),
    # Meetings' back-office: the organiser's members, the regional coordinator and the
    # national administrators; 404 for the others (POST-only actions answer 405 to a GET).
    "meetings_admin:list": Case(members(200)),
    "meetings_admin:create": Case(only(ORG_A_READERS)),
    "meetings_admin:detail": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:edit": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:publish": Case(members(405), _meeting_pk),
    "meetings_admin:programme": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:questions": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:practices": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:documents": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:document_delete": Case(
        members(405), lambda w: {"pk": _meeting(w).pk, "document_pk": _document(w).pk}
    ),
    "meetings_admin:registrations": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:approve": Case(members(405), _registration_pks),
    "meetings_admin:refuse": Case(only(ORG_A_READERS), _registration_pks),
    "meetings_admin:cancel": Case(only(ORG_A_READERS), _registration_pks),
    "meetings_admin:export": Case(
        only(ORG_A_READERS),
        lambda w: {"pk": _meeting(w).pk, "identifier": "inscriptions", "fmt": "xlsx"},
    ),
    "meetings_admin:sign_in_sheet": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:badges": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:check_in": Case(only(ORG_A_READERS), _meeting_pk),
    "meetings_admin:check_in_mark": Case(members(405), _registration_pks),
    "meetings_admin:check_in_registration": Case(
        only(ORG_A_READERS),
        lambda w: {"pk": _meeting(w).pk, "token": _registration(w).token},
    ),
    # Territories: the QPV lookup is a public service; the CSV upload is a POST for members.
    "territories:qpv_lookup": Case(everyone(200)),
    "territories:qpv_csv_upload": Case(members(405)),
    "territories:qpv_detail": Case(everyone(200), lambda w: {"code": w.qpv.code}),
    # Django admin (staff only; none of the roles is staff).
    # Good practices: the public collection; the back-office for the sheet's organisation,
    # its regional coordinator and the national administrators.
    "practices:list": Case(everyone(200)),
    "practices:feed": Case(everyone(200)),
    "practices:recueil": Case(everyone(200)),
    "practices:open_data": Case(everyone(200), lambda w: {"fmt": "json"}),
    "practices:territory": Case(everyone(200), lambda w: {"kind": "region", "code": "11"}),
    "practices:detail": Case(everyone(200), lambda w: {"slug": _practice(w).slug}),
    "practices:pdf": Case(everyone(200), lambda w: {"slug": _practice(w).slug}),
    "practices_admin:list": Case(members(200)),
    "practices_admin:create": Case(only(ORG_A_READERS)),
    "practices_admin:detail": Case(only(ORG_A_READERS), _practice_pk),
    "practices_admin:edit": Case(only(ORG_A_READERS), _practice_pk),
    "practices_admin:version": Case(
        only(ORG_A_READERS), lambda w: {"pk": _practice(w).pk, "number": 1}
    ),
    "practices_admin:transition": Case(
        members(405), lambda w: {"pk": _practice(w).pk, "action": "publier"}
    ),
    "practices_admin:attachment_add": Case(members(405), _practice_pk),
    "practices_admin:attachment_delete": Case(
        members(405),
        lambda w: {"pk": _practice(w).pk, "attachment_pk": w.extra["attachment_org_a"].pk},
    ),
    # Surveys, public side: the personal link (token) is the only key to a response.
    "survey:home": Case(everyone(200)),
    "survey:start": Case(everyone(200), lambda w: {"slug": _survey_world(w).slug}),
    "survey:link_sent": Case(everyone(200), lambda w: {"slug": _survey_world(w).slug}),
    "survey:resume": Case(everyone(200), _survey_token),
    "survey:section": Case(everyone(200), _survey_section_kwargs),
    "survey:recap": Case(everyone(200), _survey_token),
    "survey:send_link": Case(everyone(405), _survey_token),
    # Surveys' back-office: national administrators build and invite; coordinators read
    # the results of their territory.
    "survey_admin:list": Case(only(SURVEY_READERS)),
    "survey_admin:create": Case(only(["administrateur_national"])),
    "survey_admin:detail": Case(only(["administrateur_national"]), _survey_pk),
    "survey_admin:edit": Case(only(["administrateur_national"]), _survey_pk),
    "survey_admin:section_create": Case(only(["administrateur_national"]), _survey_pk),
    "survey_admin:section_edit": Case(only(["administrateur_national"]), _survey_section_pk),
    "survey_admin:section_delete": Case(members(405), _survey_section_pk),
    "survey_admin:question_create": Case(only(["administrateur_national"]), _survey_section_pk),
    "survey_admin:question_edit": Case(only(["administrateur_national"]), _survey_question_kwargs),
    "survey_admin:question_delete": Case(members(405), _survey_question_kwargs),
    "survey_admin:contacts": Case(only(["administrateur_national"]), _survey_pk),
    "survey_admin:send_invitations": Case(members(405), _survey_pk),
    "survey_admin:results": Case(only(SURVEY_READERS), _survey_pk),
    "survey_admin:text_answers": Case(only(SURVEY_READERS), _survey_question_kwargs),
    "survey_admin:responses": Case(only(SURVEY_READERS), _survey_pk),
    "survey_admin:response": Case(only(SURVEY_READERS), _survey_response_kwargs),
    "survey_admin:promote": Case(members(405), _survey_response_kwargs),
    "survey_admin:answer_file": Case(only(SURVEY_READERS), _survey_file_kwargs),
    "survey_admin:export": Case(only(SURVEY_READERS), lambda w: {**_survey_pk(w), "fmt": "xlsx"}),
    "admin:index": Case(everyone(302)),
    "admin:login": Case(everyone(200)),
}

# The same pages, on objects of another organisation: 404 for everyone but national admins.
CROSS_ORGANISATION = {
    "survey_admin:response": lambda w: _survey_response_kwargs(w, "b"),
    "survey_admin:answer_file": lambda w: _survey_file_kwargs(w, "b"),
    "practices_admin:detail": lambda w: {"pk": _practice(w, "org_b").pk},
    "practices_admin:edit": lambda w: {"pk": _practice(w, "org_b").pk},
    "practices_admin:version": lambda w: {"pk": _practice(w, "org_b").pk, "number": 1},
    "workspace:organisation_detail": lambda w: {"pk": w.org_b.pk},
    "workspace:invite": lambda w: {"pk": w.org_b.pk},
    "meetings_admin:detail": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:edit": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:questions": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:documents": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:registrations": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:refuse": lambda w: {
        "pk": _meeting_b(w).pk,
        "registration_pk": _registration_b(w).pk,
    },
    "meetings_admin:export": lambda w: {
        "pk": _meeting_b(w).pk,
        "identifier": "presences",
        "fmt": "csv",
    },
    "meetings_admin:sign_in_sheet": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:badges": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:check_in": lambda w: {"pk": _meeting_b(w).pk},
    "meetings_admin:check_in_registration": lambda w: {
        "pk": _meeting_b(w).pk,
        "token": _registration_b(w).token,
    },
    "directory:edit": lambda w: {"pk": _structure(w, "org_b").pk},
    "directory:contact_add": lambda w: {"pk": _structure(w, "org_b").pk},
    "directory:contact_edit": lambda w: _contact_kwargs(w, "org_b"),
}


# The tracking workspace's pages are declared area by area in tests/tracking/url_roles_*.py.
from tests.tracking import url_roles as _tracking_url_roles  # noqa: E402

EXPECTATIONS.update(_tracking_url_roles.EXPECTATIONS)
from tests.observatory import url_roles as _observatory_url_roles  # noqa: E402

EXPECTATIONS.update(_observatory_url_roles.EXPECTATIONS)
CROSS_ORGANISATION.update(_tracking_url_roles.CROSS_ORGANISATION)
CROSS_ORGANISATION.update(_observatory_url_roles.CROSS_ORGANISATION)


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def project_url_names():
    names = set()
    for name in _url_names():
        ns = name.split(":", 1)[0] if ":" in name else ""
        if ns in IGNORED_NAMESPACES_EXCEPT and name not in IGNORED_NAMESPACES_EXCEPT[ns]:
            continue
        names.add(name)
    return sorted(names)


def test_every_url_has_an_expectation():
    missing = [name for name in project_url_names() if name not in EXPECTATIONS]
    assert not missing, f"URL sans attente dans EXPECTATIONS : {missing}"
    stale = [name for name in EXPECTATIONS if name not in project_url_names()]
    assert not stale, f"Attentes pour des URL qui n'existent plus : {stale}"


def _close_streamed_file(response):
    """Close a FileResponse's file without closing the test's database connection
    (request_finished would, as Django's test client itself avoids)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _answers(client, world, url):
    answers = {}
    for role in ROLES:
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        answers[role] = response.status_code
        if response.streaming:
            _close_streamed_file(response)
    return answers


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_url_answers_each_role(client, world, name):
    case = EXPECTATIONS[name]
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    assert _answers(client, world, url) == case.expected, url


@pytest.mark.parametrize("name", sorted(CROSS_ORGANISATION))
def test_other_organisation_objects_answer_404(client, world, name):
    url = reverse(name, kwargs=CROSS_ORGANISATION[name](world))
    expected = only(["administrateur_national"])
    assert _answers(client, world, url) == expected, url


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("workspace:home"))
    assert response.url.startswith(reverse("accounts:login"))
