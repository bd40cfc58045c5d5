"""Auto-resolution forms: a staff upload of a published snapshot."""

from django import forms

from bets.web.forms.base import MarkedErrorsForm


class SnapshotUploadForm(MarkedErrorsForm):
    file = forms.FileField(label="Snapshot file",
                           help_text="The exact bytes of the published file, as retrieved.")
    note = forms.CharField(label="Where it came from", max_length=500, required=False,
                           help_text="E.g. the Wayback Machine URL of the capture.")
