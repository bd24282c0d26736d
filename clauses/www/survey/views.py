"""Respondents' pages: start, section by section with save and resume, recap and submit.

The personal link (``/enquete/reponse/<token>/``) is the only key to a response. In
anonymous mode the token is also kept in the session so the person finds their answers
again from the survey page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from clauses.core.exceptions import DomainError
from clauses.survey import national, services
from clauses.survey.forms import SectionForm, SendLinkForm, StartForm
from clauses.survey.logic import Structure, visibility
from clauses.survey.models import Respondent, Survey

START_RATE = "10/h"
SESSION_KEY = "survey_tokens"


def _rate_limited(request):
    response = render(
        request, "survey/rate_limited.html", {"title": "Trop de demandes"}, status=429
    )
    response["Retry-After"] = "3600"
    return response


def _closed(request, survey, status=200):
    context = {"title": f"Enquête close — {survey.title}", "survey": survey}
    return render(request, "survey/closed.html", context, status=status)


@login_not_required
def home(request):
    """The national survey; the other open surveys are listed below it."""
    surveys = Survey.objects.published().order_by("-opens_at")
    national_survey = surveys.filter(slug=national.SLUG).first()
    if national_survey is not None:
        return start(request, national_survey.slug)
    context = {"title": "Enquêtes", "surveys": [s for s in surveys if s.is_open]}
    return render(request, "survey/home.html", context)


def _session_token(request, survey):
    return request.session.get(SESSION_KEY, {}).get(survey.slug, "")


def _remember(request, respondent):
    tokens = request.session.get(SESSION_KEY, {})
    tokens[respondent.survey.slug] = respondent.token
    request.session[SESSION_KEY] = tokens


@login_not_required
@ratelimit(key="ip", rate=START_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def start(request, slug):
    survey = get_object_or_404(Survey.objects.published(), slug=slug)
    if getattr(request, "limited", False):
        return _rate_limited(request)
    if not survey.is_open:
        return _closed(request, survey, status=400 if request.method == "POST" else 200)
    form = StartForm(
        request.POST if request.method == "POST" else None, anonymous=survey.is_anonymous
    )
    status = 200
    if request.method == "POST":
        if form.is_spam():
            form.add_error(None, "Votre demande n'a pas pu être enregistrée.")
            status = 400
        elif form.is_valid():
            try:
                respondent = services.start(survey=survey, email=form.cleaned_data.get("email", ""))
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 400
            else:
                if survey.is_anonymous:
                    _remember(request, respondent)
                    return redirect("survey:resume", token=respondent.token)
                request.session["survey_link_sent_to"] = respondent.email
                return redirect("survey:link_sent", slug=survey.slug)
        else:
            status = 400
    context = {
        "title": survey.title,
        "survey": survey,
        "form": form,
        "session_token": _session_token(request, survey),
        "other_surveys": [s for s in Survey.objects.published().exclude(pk=survey.pk) if s.is_open],
    }
    return render(request, "survey/start.html", context, status=status)


@login_not_required
def link_sent(request, slug):
    survey = get_object_or_404(Survey.objects.published(), slug=slug)
    context = {
        "title": f"Lien envoyé — {survey.title}",
        "survey": survey,
        "email": request.session.get("survey_link_sent_to", ""),
    }
    return render(request, "survey/link_sent.html", context)


def _respondent(request, token):
    respondent = get_object_or_404(
        Respondent.objects.select_related("survey"), token=token, survey__is_published=True
    )
    if respondent.survey.is_anonymous:
        _remember(request, respondent)
    return respondent


def _progress(response, structure):
    answers = services.stored_answers(response)
    shown_sections, shown = visibility(structure, answers)
    sections = []
    for section in structure.sections:
        if section.pk not in shown_sections:
            continue
        questions = [q for q in structure.questions_by_section[section.pk] if q.pk in shown]
        answered = sum(1 for q in questions if str(q.pk) in answers)
        sections.append(
            {
                "section": section,
                "answered": answered,
                "total": len(questions),
                "done": answered == len(questions),
            }
        )
    return sections


@login_not_required
def resume(request, token):
    """The respondent's page: progress per section, where to continue, the recap."""
    respondent = _respondent(request, token)
    survey = respondent.survey
    response = services.response_of(respondent)
    structure = Structure.load(survey)
    sections = _progress(response, structure)
    shown = [item["section"] for item in sections]
    next_section = response.resume_section if response.resume_section in shown else None
    if next_section is None and shown:
        next_section = shown[0]
    context = {
        "title": survey.title,
        "survey": survey,
        "respondent": respondent,
        "response": response,
        "sections": sections,
        "next_section": next_section,
        "is_open": survey.is_open,
        "send_link_form": SendLinkForm() if survey.is_anonymous else None,
    }
    return render(request, "survey/resume.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def section(request, token, section_id):
    respondent = _respondent(request, token)
    survey = respondent.survey
    if not survey.is_open:
        return _closed(request, survey, status=400 if request.method == "POST" else 200)
    response = services.response_of(respondent)
    structure = Structure.load(survey)
    current = next((s for s in structure.sections if s.pk == section_id), None)
    if current is None:
        raise Http404
    stored = services.stored_answers(response)
    shown_sections, _ = visibility(structure, stored)
    if current.pk not in shown_sections:
        messages.info(request, "Cette section ne vous concerne pas d'après vos réponses.")
        return redirect("survey:resume", token=token)
    existing_files = {
        a.question_id: a.value for a in response.answers.filter(question__kind="fichier")
    }
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        section=current,
        structure=structure,
        stored=stored,
        existing_files=existing_files,
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if form.is_valid() and (action == "save" or not form.missing_required()):
            services.save_section(
                response=response,
                section=current,
                answers=form.answers,
                files=form.files_by_question,
                structure=structure,
            )
            following = _following_section(response, structure, current)
            if action != "save" and following is not None:
                response.resume_section = following
                response.save(update_fields=["resume_section", "updated_at"])
            if action == "save":
                if respondent.email:
                    services.send_link_to(respondent=respondent, email=respondent.email)
                    messages.success(
                        request,
                        f"Vos réponses sont enregistrées. Le lien pour les reprendre a été "
                        f"envoyé à {respondent.email}.",
                    )
                else:
                    messages.success(
                        request,
                        "Vos réponses sont enregistrées. Gardez le lien de cette page "
                        "(ajoutez-le à vos favoris ou envoyez-le vous par e-mail).",
                    )
                return redirect("survey:resume", token=token)
            return redirect(_next_url(response, structure, current, token))
        status = 400
    position = [s.pk for s in structure.sections if s.pk in shown_sections]
    context = {
        "title": f"{current.title} — {survey.title}",
        "survey": survey,
        "respondent": respondent,
        "section": current,
        "form": form,
        "step": position.index(current.pk) + 1,
        "steps": len(position),
        "has_conditional": any(f.field.depends_on_name for f in form),
    }
    return render(request, "survey/section.html", context, status=status)


def _following_section(response, structure, current):
    """The next section shown after ``current`` for the saved answers (None at the end)."""
    shown_sections, _ = visibility(structure, services.stored_answers(response))
    return next(
        (
            s
            for s in structure.sections
            if s.pk in shown_sections and (s.position, s.pk) > (current.position, current.pk)
        ),
        None,
    )


def _next_url(response, structure, current, token):
    following = _following_section(response, structure, current)
    if following is not None:
        return reverse("survey:section", args=[token, following.pk])
    return reverse("survey:recap", args=[token])


@login_not_required
@require_http_methods(["GET", "POST"])
def recap(request, token):
    respondent = _respondent(request, token)
    survey = respondent.survey
    response = services.response_of(respondent)
    structure = Structure.load(survey)
    error = ""
    status = 200
    if request.method == "POST":
        if not survey.is_open:
            return _closed(request, survey, status=400)
        try:
            services.submit(response=response)
        except DomainError as exc:
            error = exc.message
            status = 400
        else:
            request.session["survey_just_submitted"] = token
            return redirect("survey:recap", token=token)
    missing = services.missing_answers(response, structure)
    context = {
        "title": f"Récapitulatif — {survey.title}",
        "survey": survey,
        "respondent": respondent,
        "response": response,
        "recap": services.recap(response, structure),
        "missing": missing,
        "error": error,
        "is_open": survey.is_open,
        "just_submitted": request.session.pop("survey_just_submitted", None) == token,
    }
    return render(request, "survey/recap.html", context, status=status)


@login_not_required
@ratelimit(key="ip", rate=START_RATE, method="POST", block=False)
@require_POST
def send_link(request, token):
    """Anonymous mode: e-mail the resume link to oneself (the address is not kept)."""
    if getattr(request, "limited", False):
        return _rate_limited(request)
    respondent = _respondent(request, token)
    form = SendLinkForm(request.POST)
    if form.is_valid() and respondent.survey.is_open:
        services.send_link_to(respondent=respondent, email=form.cleaned_data["email"])
        messages.success(request, f"Le lien a été envoyé à {form.cleaned_data['email']}.")
    else:
        messages.error(request, "Indiquez une adresse e-mail valide pour recevoir le lien.")
    return redirect("survey:resume", token=token)
