"""Who looked at non-public evidence: every view or download is recorded."""

from django.conf import settings
from django.db import models


class ArtifactAccess(models.Model):
    """One view or download of a non-public evaluation file, by someone allowed to."""

    class Via(models.TextChoices):
        DOWNLOAD = "download", "Download"
        API = "api", "API download"
        BUNDLE = "bundle", "Evidence bundle"

    artifact = models.ForeignKey(
        "bets.ClaimArtifact", on_delete=models.CASCADE, related_name="accesses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    via = models.CharField(max_length=12, choices=Via.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.via} of artifact {self.artifact_id} by user {self.user_id}"
