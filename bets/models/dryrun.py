"""The scheduled dry run of each open claim's spec: "would resolve as ... today"."""

from django.db import models


class ClaimDryRun(models.Model):
    """The latest dry run of a claim's resolver spec. One row per claim, replaced in place;
    kept while the spec and the sha256s of the files it read are unchanged (`key`)."""

    claim = models.OneToOneField("bets.Claim", on_delete=models.CASCADE, related_name="dry_run",
                                 primary_key=True)
    verdict = models.CharField(max_length=16)  # yes | no | inconclusive
    reason = models.TextField()
    # sha256 over the spec and the (locator, sha256) of every file read: an unchanged key
    # means an unchanged verdict.
    key = models.CharField(max_length=64)
    checked_at = models.DateTimeField()  # when it was last run
    changed_at = models.DateTimeField()  # when its verdict or key last changed

    def __str__(self) -> str:
        return f"Claim {self.claim_id} would resolve {self.verdict} ({self.checked_at:%Y-%m-%d})"
