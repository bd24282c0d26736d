from pathlib import PurePath

from django import forms

from clauses.core.forms import DsfrForm

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_FILES = 20
ACCEPTED = {".xlsx", ".csv", ".txt", ".zip"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(sorted(ACCEPTED))}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(DsfrForm):
    files = MultipleFileField(
        label="Fichiers à importer",
        help_text="Un classeur Excel (.xlsx) avec une feuille par objet, ou un fichier CSV par "
        "objet (séparateur ; ou ,), ou l'archive ZIP de l'export CSV. 50 Mo au plus en tout.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["files"].widget
        widget.group_class = "fr-upload-group"
        widget.attrs["class"] = "fr-upload"

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"{MAX_FILES} fichiers au plus à la fois.")
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Les fichiers dépassent 50 Mo : découpez-les.")
        contents = []
        for upload in uploads:
            if PurePath(upload.name).suffix.lower() not in ACCEPTED:
                raise forms.ValidationError(
                    f"« {upload.name} » : envoyez un classeur .xlsx, des fichiers .csv ou une "
                    "archive .zip."
                )
            contents.append((upload.name, upload.read()))
        self.cleaned_data["contents"] = contents
        return uploads
