from django.apps import AppConfig

AUDIT_ACTIONS = {
    "survey.started": "Réponse à une enquête commencée",
    "survey.saved": "Réponse à une enquête enregistrée",
    "survey.submitted": "Réponse à une enquête envoyée",
    "survey.link_sent": "Lien personnel d'enquête envoyé",
    "survey.survey_created": "Enquête créée",
    "survey.survey_updated": "Enquête modifiée",
    "survey.section_saved": "Section d'enquête enregistrée",
    "survey.section_deleted": "Section d'enquête supprimée",
    "survey.question_saved": "Question d'enquête enregistrée",
    "survey.question_deleted": "Question d'enquête supprimée",
    "survey.contacts_imported": "Contacts d'enquête importés",
    "survey.invitations_sent": "Invitations à une enquête envoyées",
    "survey.reminders_sent": "Relances d'une enquête envoyées",
    "survey.promoted": "Réponse promue en fiche pratique",
    "survey.national_installed": "Enquête nationale installée",
}


class SurveyConfig(AppConfig):
    name = "clauses.survey"
    label = "survey"
    verbose_name = "Enquêtes"

    def ready(self):
        from clauses.core.audit import register_actions

        register_actions(AUDIT_ACTIONS)
