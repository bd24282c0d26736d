from django.apps import AppConfig

AUDIT_ACTIONS = {
    "meetings.registered": "Inscription à une rencontre",
    "meetings.registration_updated": "Inscription modifiée par la personne",
    "meetings.promoted": "Sortie de liste d'attente",
    "meetings.cancelled": "Inscription annulée",
    "meetings.approved": "Inscription validée",
    "meetings.refused": "Inscription refusée",
    "meetings.capacity_changed": "Jauge d'une rencontre modifiée",
    "meetings.checked_in": "Présence pointée",
    "meetings.check_in_undone": "Pointage annulé",
    "meetings.personal_data_deleted": "Données d'une inscription supprimées par la personne",
    "meetings.personal_data_purged": "Données des inscriptions anonymisées (fin de conservation)",
    "meetings.satisfaction_recorded": "Questionnaire de satisfaction rempli",
    # Back-office.
    "meetings.meeting_created": "Rencontre créée",
    "meetings.meeting_updated": "Rencontre modifiée",
    "meetings.published": "Rencontre publiée",
    "meetings.unpublished": "Rencontre dépubliée",
    "meetings.programme_changed": "Programme d'une rencontre modifié",
    "meetings.questions_changed": "Questions d'une rencontre modifiées",
    "meetings.practices_changed": "Pratiques présentées modifiées",
    "meetings.document_added": "Document de rencontre publié",
    "meetings.document_deleted": "Document de rencontre supprimé",
}


class MeetingsConfig(AppConfig):
    name = "clauses.meetings"
    label = "meetings"
    verbose_name = "Rencontres régionales"

    def ready(self):
        from clauses.core.audit import register_actions

        register_actions(AUDIT_ACTIONS)
