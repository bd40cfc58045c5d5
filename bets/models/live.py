"""Model endpoints and live evaluation runs: a resolver attempt that runs the benchmark.

A LiveRun belongs to one ResolutionAttempt and is split into LiveShards (sample ranges) that
Celery workers on the `evals` queue take one at a time; LiveProgress counts samples and tokens
per (shard, model, condition) while they run.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

ENDPOINT_NAME = RegexValidator(r"^[a-z0-9][a-z0-9_-]{0,62}$",
                               "Lowercase letters, digits, - and _ (at most 63).")
ENV_NAME = RegexValidator(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$", "An environment variable name.")


class Endpoint(models.Model):
    """An OpenAI-compatible chat-completions server an admin registered.

    The API key is never stored: `api_key_env` names the environment variable that holds it
    on the workers. Specs name the endpoint and its models, never the URL.
    """

    name = models.CharField(max_length=63, unique=True, validators=[ENDPOINT_NAME])
    base_url = models.URLField(max_length=500, help_text="e.g. https://models.example.org/v1")
    served_models = models.JSONField(default=list,
                                     help_text='Model names it serves: ["gen1", "gen2"]')
    api_key_env = models.CharField(max_length=100, blank=True, validators=[ENV_NAME],
                                   help_text="Environment variable holding its API key.")
    allow_private = models.BooleanField(
        default=False, help_text="A model server on this host or network: skip the guard "
                                  "that refuses private and loopback addresses.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LiveRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHING = "finishing", "Reading the logs"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    attempt = models.OneToOneField("bets.ResolutionAttempt", on_delete=models.CASCADE,
                                   related_name="live_run")
    claim = models.ForeignKey("bets.Claim", on_delete=models.CASCADE, related_name="live_runs")
    log_dir = models.CharField(max_length=500)
    shards = models.PositiveIntegerField()
    shards_done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    deadline_at = models.DateTimeField()
    cancel_reason = models.TextField(blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Live run {self.pk} (attempt {self.attempt_id}): {self.status}"


class LiveShard(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    run = models.ForeignKey(LiveRun, on_delete=models.CASCADE, related_name="shard_rows")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Who holds the shard: the delivery that won the compare-and-swap writes its token and
    # keeps heartbeat_at fresh; a stale heartbeat lets a redelivery take over.
    token = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"],
                                               name="live_shard_index_once")]

    def __str__(self) -> str:
        return f"Shard {self.index} of run {self.run_id}: {self.status}"


class LiveProgress(models.Model):
    """Samples done per (model, condition) of one shard, as the run reports them."""

    shard = models.ForeignKey(LiveShard, on_delete=models.CASCADE, related_name="progress")
    model = models.CharField(max_length=200)
    condition = models.CharField(max_length=32)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    tokens = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shard", "model", "condition"],
                                               name="live_progress_once")]

    def __str__(self) -> str:
        return f"{self.model} {self.condition}: {self.done}/{self.total} samples"
