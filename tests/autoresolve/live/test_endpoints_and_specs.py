"""Endpoints are registered by admins with the SSRF guard; live-run specs naming anything that
does not exist, or asking for more than the budgets, are refused at proposal with the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bets.claims.services import claim_propose
from bets.common.errors import InvalidInput
from bets.models import Claim, Endpoint
from tests.autoresolve.live.conftest import live_source, register

pytestmark = pytest.mark.django_db

GAP = {"kind": "gap", "model": "gen2", "a": "cot", "b": "snap", "metric": "accuracy",
       "min_gap": 0.1}


def propose(author, source: dict, criterion: dict | None = None) -> Claim:
    now = timezone.now()
    return claim_propose(author=author, title="Live claim", statement="s",
                         resolution_criteria="r", open_time=now,
                         close_time=now + timedelta(days=1),
                         resolve_after=now + timedelta(days=1),
                         resolver_spec={"source": source, "criterion": criterion or GAP})


@pytest.mark.parametrize("fields, path", [
    ({"task": "chess"}, "source.task: unknown task 'chess'"),
    ({"conditions": ["snap", "cot", "sorcery"]}, "source.conditions[2]: unknown recipe"),
    ({"endpoint": "nowhere"}, "source.endpoint: unknown endpoint 'nowhere'"),
    ({"models": ["gen2", "gen9"]}, "source.models[1]: endpoint 'stub' does not serve model"),
    ({"shards": 0}, "source.shards: must be at least 1"),
    ({"shards": 21}, "source.shards: 21 shards for 20 samples"),
    ({"budget_seconds": 10**7}, "source.budget_seconds: must be at most"),
    ({"budget_tokens": 10**12}, "source.budget_tokens: must be at most"),
    ({"limit": 200, "epochs": 100}, "source.limit: the run would take 40000 samples"),
    ({"generate": {"temperature": 9}}, "source.generate.temperature: must be between"),
    ({"generate": {"system": "x"}}, "source.generate.system: unknown field"),
    ({"url": "http://example.org"}, "source.url: unknown field"),
    ({"visibility": "secret"}, "source.visibility: expected one of public, aggregates, private"),
    ({"log_samples": False, "shards": 2}, "source.log_samples: false needs a single shard"),
])
def test_a_bad_live_spec_is_refused_at_proposal_naming_the_field(ann, stub, endpoint, fields,
                                                                 path):
    with pytest.raises(InvalidInput) as refused:
        propose(ann, live_source(**fields))
    assert refused.value.field == "resolver_spec"
    assert path in refused.value.message
    assert not Claim.objects.exists()


def test_a_criterion_naming_a_recipe_the_run_does_not_use_is_refused(ann, endpoint):
    with pytest.raises(InvalidInput, match=r"criterion.a: condition 'tools' is not defined"):
        propose(ann, live_source(), {**GAP, "a": "tools"})


def test_a_good_live_spec_is_accepted(ann, endpoint):
    assert propose(ann, live_source()).resolver_spec["source"]["kind"] == "inspect_run"


def test_endpoint_add_registers_an_endpoint_without_its_key(capsys, monkeypatch, db):
    monkeypatch.setenv("LAB_KEY", "sk-secret-value")
    call_command("endpoint_add", "lab", "--base-url", "http://127.0.0.1:9/v1", "--model",
                 "gen1", "--model", "gen2", "--api-key-env", "LAB_KEY", "--allow-private")
    endpoint = Endpoint.objects.get(name="lab")
    assert endpoint.served_models == ["gen1", "gen2"] and endpoint.api_key_env == "LAB_KEY"
    assert "sk-secret-value" not in repr(Endpoint.objects.values().get(name="lab"))
    assert "sk-secret-value" not in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["lab", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"], "base_url"),
    (["lab", "--base-url", "http://10.1.2.3/v1", "--model", "m"], "base_url"),
    (["lab", "--base-url", "ftp://example.org/v1", "--model", "m"], "only http"),
    (["Lab Server", "--base-url", "https://example.org/v1", "--model", "m"], "name"),
    (["lab", "--base-url", "https://example.org/v1", "--model", "m", "--model", "m"],
     "listed twice"),
    (["lab", "--base-url", "https://example.org/v1", "--model", "m", "--api-key-env",
      "NOT A NAME"], "api_key_env"),
])
def test_endpoint_add_refuses_bad_input_and_private_addresses_not_marked_private(db, args,
                                                                                 message):
    with pytest.raises(CommandError, match=message):
        call_command("endpoint_add", *args)
    assert not Endpoint.objects.exists()


def test_a_second_endpoint_of_the_same_name_is_refused(db, stub):
    register(stub, name="lab")
    with pytest.raises(CommandError, match="exists already"):
        call_command("endpoint_add", "lab", "--base-url", "http://127.0.0.1:9/v1",
                     "--model", "m", "--allow-private")
