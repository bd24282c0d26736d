"""Surveys' back-office: list, builder, contacts and invitations, results and exports.

National administrators do everything; coordinators read the results, answers and
exports of the territory they coordinate (``Response.objects.for_user``).
"""

import importlib
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from clauses.core import exports
from clauses.core.exceptions import DomainError
from clauses.core.jobs import start_job
from clauses.survey import contacts as contact_lists
from clauses.survey import exporters, perms, services, tasks
from clauses.survey import results as survey_results
from clauses.survey.admin_forms import (
    ContactImportForm,
    QuestionForm,
    ResultsFilterForm,
    SectionForm,
    SurveyForm,
)
from clauses.survey.enums import TEXT_KINDS
from clauses.survey.models import Question, Respondent, Response, Section, Survey


def _require(allowed):
    """Pages out of a user's reach answer 404, as every back-office does."""
    if not allowed:
        raise Http404


def _page(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


def _survey(request, pk, *, manage=False):
    _require(
        perms.can_manage_surveys(request.user) if manage else perms.can_read_results(request.user)
    )
    return get_object_or_404(Survey.objects.for_user(request.user), pk=pk)


def _apply_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def survey_list(request):
    _require(perms.can_read_results(request.user))
    context = {
        "title": "Enquêtes",
        "surveys": Survey.objects.for_user(request.user),
        "can_manage": perms.can_manage_surveys(request.user),
    }
    return render(request, "survey_admin/list.html", context)


@require_http_methods(["GET", "POST"])
def survey_create(request):
    _require(perms.can_manage_surveys(request.user))
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            survey = services.save_survey(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Enquête créée : ajoutez-lui des sections et des questions.")
            return redirect("survey_admin:detail", pk=survey.pk)
    context = {"title": "Nouvelle enquête", "form": form, "survey": None}
    return render(request, "survey_admin/form.html", context)


@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    survey = _survey(request, pk, manage=True)
    form = SurveyForm(request.POST if request.method == "POST" else None, instance=survey)
    if form.is_valid():
        try:
            services.save_survey(actor=request.user, data=form.cleaned_data, survey=survey)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Enquête enregistrée.")
            return redirect("survey_admin:detail", pk=survey.pk)
    context = {"title": f"Modifier — {survey.title}", "form": form, "survey": survey}
    return render(request, "survey_admin/form.html", context)


def survey_detail(request, pk):
    """The builder: the survey's sections and questions, with their conditions."""
    survey = _survey(request, pk, manage=True)
    sections = []
    for section in survey.sections.select_related("depends_on"):
        questions = section.questions.select_related("depends_on").order_by("position", "pk")
        sections.append({"section": section, "questions": questions})
    answered = set(
        Question.objects.filter(section__survey=survey, answers__isnull=False).values_list(
            "pk", flat=True
        )
    )
    context = {
        "title": f"Construire — {survey.title}",
        "survey": survey,
        "sections": sections,
        "answered": answered,
        "response_count": survey.responses.submitted().count(),
    }
    return render(request, "survey_admin/detail.html", context)


@require_http_methods(["GET", "POST"])
def section_create(request, pk, section_id=None):
    survey = _survey(request, pk, manage=True)
    section = get_object_or_404(Section, survey=survey, pk=section_id) if section_id else None
    initial = {} if section else {"position": (survey.sections.count() + 1) * 10}
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        instance=section,
        initial=initial,
    )
    if form.is_valid():
        try:
            services.save_section_definition(
                actor=request.user, survey=survey, data=form.cleaned_data, section=section
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Section enregistrée.")
            return redirect("survey_admin:detail", pk=survey.pk)
    context = {
        "title": "Modifier la section" if section else "Nouvelle section",
        "form": form,
        "survey": survey,
    }
    return render(request, "survey_admin/item_form.html", context)


def section_edit(request, pk, section_id):
    return section_create(request, pk, section_id=section_id)


@require_POST
def section_delete(request, pk, section_id):
    survey = _survey(request, pk, manage=True)
    section = get_object_or_404(Section, survey=survey, pk=section_id)
    try:
        services.delete_section(actor=request.user, section=section)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Section supprimée.")
    return redirect("survey_admin:detail", pk=survey.pk)


@require_http_methods(["GET", "POST"])
def question_create(request, pk, section_id=None, question_id=None):
    survey = _survey(request, pk, manage=True)
    question = None
    if question_id:
        question = get_object_or_404(
            Question.objects.select_related("section"), section__survey=survey, pk=question_id
        )
        section = question.section
    else:
        section = get_object_or_404(Section, survey=survey, pk=section_id)
    initial = {} if question else {"position": (section.questions.count() + 1) * 10}
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        instance=question,
        initial=initial,
    )
    if form.is_valid():
        try:
            services.save_question(
                actor=request.user, section=section, data=form.cleaned_data, question=question
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Question enregistrée.")
            return redirect("survey_admin:detail", pk=survey.pk)
    context = {
        "title": "Modifier la question" if question else f"Nouvelle question — {section.title}",
        "form": form,
        "survey": survey,
    }
    return render(request, "survey_admin/item_form.html", context)


def question_edit(request, pk, question_id):
    return question_create(request, pk, question_id=question_id)


@require_POST
def question_delete(request, pk, question_id):
    survey = _survey(request, pk, manage=True)
    question = get_object_or_404(Question, section__survey=survey, pk=question_id)
    try:
        services.delete_question(actor=request.user, question=question)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Question supprimée.")
    return redirect("survey_admin:detail", pk=survey.pk)


@require_http_methods(["GET", "POST"])
def contacts(request, pk):
    survey = _survey(request, pk, manage=True)
    form = ContactImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, updated = contact_lists.import_contacts(
                    actor=request.user, survey=survey, uploaded=form.cleaned_data["file"]
                )
            except DomainError as error:
                _apply_error(form, error)
                status = 400
            else:
                messages.success(request, f"{created} contact(s) ajouté(s), {updated} mis à jour.")
                return redirect("survey_admin:contacts", pk=survey.pk)
        else:
            status = 400
    respondents = (
        Respondent.objects.filter(survey=survey)
        .exclude(email="")
        .prefetch_related("responses")
        .order_by("email")
    )
    context = {
        "title": f"Invitations — {survey.title}",
        "survey": survey,
        "form": form,
        "page_obj": _page(request, respondents, 50),
        "to_invite": contact_lists.invitation_targets(survey, reminder=False).count(),
        "to_remind": contact_lists.invitation_targets(survey, reminder=True).count(),
    }
    return render(request, "survey_admin/contacts.html", context, status=status)


@require_POST
def send_invitations(request, pk):
    survey = _survey(request, pk, manage=True)
    reminder = request.POST.get("kind") == "relance"
    if not survey.is_open:
        messages.error(request, "L'enquête n'est pas ouverte : aucun envoi possible.")
        return redirect("survey_admin:contacts", pk=survey.pk)
    label = "Relances" if reminder else "Invitations"
    job = start_job(
        user=request.user,
        label=f"{label} : {survey.title}",
        task=tasks.send_invitations,
        back_url=reverse("survey_admin:contacts", args=[survey.pk]),
        back_label="Retour aux destinataires de l'enquête",
        survey_id=survey.pk,
        reminder=reminder,
    )
    return redirect(job)


def _filters(request, survey):
    form = ResultsFilterForm(request.GET or None)
    filters = form.filters()
    responses = survey_results.filtered_responses(survey, request.user, **filters)
    query = request.GET.urlencode()
    return form, responses, query


def results(request, pk):
    survey = _survey(request, pk)
    form, responses, query = _filters(request, survey)
    context = {
        "title": f"Résultats — {survey.title}",
        "survey": survey,
        "form": form,
        "query": query,
        "total": responses.count(),
        "sections": survey_results.question_results(survey, responses),
        "can_manage": perms.can_manage_surveys(request.user),
    }
    return render(request, "survey_admin/results.html", context)


def text_answers(request, pk, question_id):
    survey = _survey(request, pk)
    question = get_object_or_404(
        Question, section__survey=survey, pk=question_id, kind__in=TEXT_KINDS
    )
    form, responses, query = _filters(request, survey)
    page = _page(request, survey_results.text_answers(survey, responses, question), 25)
    context = {
        "title": question.label,
        "survey": survey,
        "question": question,
        "form": form,
        "query": query,
        "page_obj": page,
    }
    return render(request, "survey_admin/text_answers.html", context)


def _promotion_available(user):
    """The practices app may be absent: then there is no « Promouvoir » button."""
    try:
        services_module = importlib.import_module("clauses.practices.services")
        practice_perms = importlib.import_module("clauses.practices.perms")
    except ImportError:
        return None
    if not hasattr(services_module, "create_draft_from_response"):
        return None
    if not practice_perms.can_contribute(user):
        return None
    return services_module.create_draft_from_response


def responses(request, pk):
    survey = _survey(request, pk)
    form, queryset, query = _filters(request, survey)
    queryset = queryset.select_related("region").order_by("-submitted_at", "pk")
    promoted = _promoted_ids(queryset)
    context = {
        "title": f"Réponses — {survey.title}",
        "survey": survey,
        "form": form,
        "query": query,
        "page_obj": _page(request, queryset, 25),
        "can_promote": _promotion_available(request.user) is not None,
        "promoted": promoted,
    }
    return render(request, "survey_admin/responses.html", context)


def _promoted_ids(queryset):
    try:
        from clauses.practices.models import Practice
    except ImportError:
        return {}
    return dict(
        Practice.objects.filter(source_response__in=queryset.values("pk")).values_list(
            "source_response_id", "pk"
        )
    )


def _response(request, survey, response_id):
    return get_object_or_404(
        Response.objects.for_user(request.user).filter(survey=survey).select_related("region"),
        pk=response_id,
    )


def response_detail(request, pk, response_id):
    survey = _survey(request, pk)
    response = _response(request, survey, response_id)
    context = {
        "title": f"Réponse n° {response.pk}",
        "survey": survey,
        "response": response,
        "recap": services.recap(response),
        "files": response.answers.exclude(file="").select_related("question"),
        "can_promote": _promotion_available(request.user) is not None,
        "promoted": _promoted_ids(Response.objects.filter(pk=response.pk)),
    }
    return render(request, "survey_admin/response.html", context)


def answer_file(request, pk, response_id, answer_id):
    survey = _survey(request, pk)
    response = _response(request, survey, response_id)
    answer = get_object_or_404(response.answers.exclude(file=""), pk=answer_id)
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=str(answer.value))


@require_POST
def promote(request, pk, response_id):
    survey = _survey(request, pk)
    response = _response(request, survey, response_id)
    create_draft = _promotion_available(request.user)
    if create_draft is None:
        raise Http404
    try:
        practice = create_draft(response=response, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("survey_admin:response", pk=survey.pk, response_id=response.pk)
    if not response.consent_to_publish:
        messages.warning(
            request,
            "Fiche créée en brouillon. Sans l'accord du "
            "répondant, elle ne pourra pas être publiée.",
        )
    else:
        messages.success(request, "Fiche pratique créée en brouillon à partir de la réponse.")
    services.log_promotion(actor=request.user, response=response, practice=practice)
    try:
        return redirect(reverse("practices_admin:detail", args=[practice.pk]))
    except NoReverseMatch:
        return redirect("survey_admin:response", pk=survey.pk, response_id=response.pk)


def export(request, pk, fmt):
    survey = _survey(request, pk)
    if fmt not in ("csv", "xlsx", "json"):
        raise Http404
    _, responses, _ = _filters(request, survey)
    filename = f"enquete-{survey.slug}"
    if fmt == "json":
        content = json.dumps(
            exporters.response_json(survey, responses), ensure_ascii=False, indent=2
        )
        http = HttpResponse(content, content_type="application/json; charset=utf-8")
        http["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return http
    return exports.file_response(
        exporters.response_rows(survey, responses),
        fmt=fmt,
        filename=f"{filename}.{fmt}",
        title="Réponses",
    )
