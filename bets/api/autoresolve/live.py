"""Live-run progress in the API: the `live` object of GET /api/attempts/{id}/."""

from rest_framework import serializers

from bets.autoresolve.live.selectors import live_progress


class LivePairSerializer(serializers.Serializer):
    model = serializers.CharField()
    condition = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    tokens = serializers.IntegerField()
    percent = serializers.FloatField()


class LiveShardSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.CharField()
    deliveries = serializers.IntegerField()
    range = serializers.ListField(child=serializers.IntegerField())


class LiveProgressSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["running", "finishing", "finished", "cancelled"])
    shards = serializers.IntegerField()
    shards_done = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Samples finished, over every model and condition.")
    total = serializers.IntegerField()
    percent = serializers.FloatField()
    tokens = serializers.IntegerField()
    elapsed_seconds = serializers.FloatField()
    eta_seconds = serializers.FloatField(allow_null=True)
    cancel_reason = serializers.CharField(allow_blank=True)
    pairs = LivePairSerializer(many=True)
    shard_states = LiveShardSerializer(many=True)


def attempt_live(attempt) -> dict | None:
    """The attempt's live-run progress (from the page's attach or one lookup), or None."""
    found = getattr(attempt, "live", None)
    if found is None:
        found = live_progress([attempt.pk]).get(attempt.pk)
    return found
