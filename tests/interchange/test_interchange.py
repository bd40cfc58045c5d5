"""The crux-export format: round trip, all-or-nothing import, located error messages."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from bets.claims.forecasts import forecast_submit, forecast_withdraw
from bets.claims.resolution import claim_annul, claim_resolve
from bets.claims.services import claim_propose
from bets.interchange.services import (
    InterchangeError,
    export_document,
    import_document,
    import_text,
)
from bets.models import Claim, Forecast, Score
from bets.scoring.services import claim_score
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def valid_document() -> dict:
    return {
        "format": "crux-export",
        "version": 1,
        "participants": [{"username": "ann"}, {"username": "bob"}],
        "claims": [
            {
                "id": 101,
                "title": "The gap widens",
                "statement": "CoT beats snap by more each generation.",
                "kind": "binary",
                "open_time": iso(T0),
                "close_time": iso(T0 + timedelta(days=10)),
                "resolution": {
                    "outcome": "yes",
                    "actual_resolve_time": iso(T0 + timedelta(days=8)),
                },
                "forecasts": [
                    {
                        "participant": "ann",
                        "probability": 0.7,
                        "start_time": iso(T0 + timedelta(days=1)),
                        "end_time": iso(T0 + timedelta(days=3)),
                    },
                    {
                        "participant": "ann",
                        "probability": 0.9,
                        "start_time": iso(T0 + timedelta(days=3)),
                        "end_time": None,
                    },
                    {
                        "participant": "bob",
                        "probability": 0.2,
                        "start_time": iso(T0 + timedelta(days=2)),
                        "end_time": None,
                    },
                ],
                "scores": [],
            },
            {
                "id": 102,
                "title": "Still open",
                "kind": "binary",
                "open_time": iso(T0),
                "close_time": "2099-01-01T00:00:00Z",
                "resolution": None,
                "forecasts": [],
            },
        ],
    }


def assert_same(a, b, path="doc"):
    """Equal documents, floats within 1e-9."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-9, rel=1e-9), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def native_history():
    """Claims made the ordinary way: resolved and scored, annulled, open with a withdrawal."""
    mod = make_user("mod", staff=True)
    ann, bob, cat = make_user("ann"), make_user("bob"), make_user("cat")
    resolved = make_open_claim(author=ann, moderator=mod, title="R", opened_ago=timedelta(days=5))
    t = resolved.open_time
    forecast_submit(
        claim_id=resolved.pk, participant=ann, probability=0.6, now=t + timedelta(hours=1)
    )
    forecast_submit(
        claim_id=resolved.pk, participant=bob, probability=0.25, now=t + timedelta(hours=2)
    )
    forecast_submit(
        claim_id=resolved.pk, participant=ann, probability=0.85, now=t + timedelta(days=1)
    )
    forecast_submit(
        claim_id=resolved.pk, participant=cat, probability=0.5, now=t + timedelta(days=2)
    )
    forecast_withdraw(claim_id=resolved.pk, participant=cat, now=t + timedelta(days=3))
    resolved = claim_resolve(
        claim_id=resolved.pk, outcome="yes", actor=mod, actual_resolve_time=t + timedelta(days=4)
    )
    claim_score(claim_id=resolved.pk, seq=resolved.resolution_seq)
    annulled = make_open_claim(author=ann, moderator=mod, title="A", opened_ago=timedelta(days=2))
    forecast_submit(claim_id=annulled.pk, participant=bob, probability=0.4)
    claim_annul(claim_id=annulled.pk, actor=mod)
    still_open = make_open_claim(author=ann, moderator=mod, title="O")
    forecast_submit(claim_id=still_open.pk, participant=cat, probability=0.3)


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_then_export_gives_the_same_document():
    native_history()
    first = export_document()
    assert len(first["claims"]) == 3 and len(first["claims"][0]["scores"]) == 3
    # A truly empty database: users too (their ledger accounts cannot be deleted row by row).
    call_command("flush", interactive=False)
    assert not User.objects.exists() and not Claim.objects.exists()

    summary = import_document(json.loads(json.dumps(first)))

    assert summary["claims"] == 3 and summary["claims_scored"] == 1
    assert_same(export_document(), first)


def test_import_creates_participants_with_unusable_passwords_and_scores_resolved_claims():
    summary = import_document(valid_document())
    assert summary == {
        "participants_created": 2,
        "claims": 2,
        "forecasts": 3,
        "claims_scored": 1,
        "scores": 2,
    }
    assert not User.objects.get(username="ann").has_usable_password()
    claim = Claim.objects.get(pk=101)
    assert claim.status == Claim.Status.RESOLVED and claim.outcome == "yes"
    assert claim.scored_seq == claim.resolution_seq == 1
    assert Claim.objects.get(pk=102).status == Claim.Status.OPEN
    ann, bob = (Score.objects.get(participant__username=u) for u in ("ann", "bob"))
    assert ann.peer > 0 > bob.peer and ann.peer + bob.peer == pytest.approx(0, abs=1e-9)


def test_import_reuses_existing_participants():
    existing = make_user("ann")
    summary = import_document(valid_document())
    assert summary["participants_created"] == 1
    assert Forecast.objects.filter(participant=existing).count() == 2


def test_reimporting_the_same_file_is_refused_and_changes_nothing():
    import_document(valid_document())
    forecasts = Forecast.objects.count()
    with pytest.raises(InterchangeError) as exc:
        import_document(valid_document())
    assert "claim 101" in str(exc.value) and "already exists" in str(exc.value)
    assert Forecast.objects.count() == forecasts


def test_claims_created_after_an_import_get_fresh_ids():
    doc = valid_document()
    doc["claims"][1]["id"] = 5000
    import_document(doc)
    now = timezone.now()
    claim = claim_propose(
        author=make_user("zed"),
        title="New",
        statement="s",
        resolution_criteria="c",
        open_time=now,
        close_time=now + timedelta(days=1),
        resolve_after=now + timedelta(days=1),
    )
    assert claim.pk > 5000


def claim0(doc):
    return doc["claims"][0]


def forecast0(doc):
    return claim0(doc)["forecasts"][0]


BAD = [
    ("wrong format", lambda d: d.update(format="other"), "format"),
    ("wrong version", lambda d: d.update(version=3), "version"),
    ("version true", lambda d: d.update(version=True), "version"),
    ("claims not a list", lambda d: d.update(claims={}), "claims"),
    ("participants not a list", lambda d: d.update(participants="ann"), "participants"),
    (
        "bad username",
        lambda d: d["participants"].append({"username": "no spaces"}),
        "participants[2].username",
    ),
    ("duplicate username", lambda d: d["participants"].append({"username": "ann"}), "twice"),
    ("unknown kind", lambda d: claim0(d).update(kind="numeric"), "claim 101 (claims[0]).kind"),
    ("missing kind", lambda d: claim0(d).pop("kind"), "claim 101 (claims[0]).kind"),
    ("id a string", lambda d: claim0(d).update(id="101"), "claims[0].id"),
    ("id negative", lambda d: claim0(d).update(id=-1), "claims[0].id"),
    ("blank title", lambda d: claim0(d).update(title=" "), "claim 101 (claims[0]).title"),
    ("title with NUL", lambda d: claim0(d).update(title="a\u0000"), "claims[0]).title"),
    ("title reversed", lambda d: claim0(d).update(title="a\u202elive"), "claims[0]).title"),
    ("duplicate ids", lambda d: d["claims"][1].update(id=101), "appears more than once"),
    (
        "close before open",
        lambda d: claim0(d).update(close_time=iso(T0 - timedelta(days=1))),
        "claim 101 (claims[0]).close_time",
    ),
    ("time not a time", lambda d: claim0(d).update(open_time="yesterday"), "open_time"),
    ("naive time", lambda d: claim0(d).update(open_time="2026-01-01T00:00:00"), "time zone"),
    ("time a number", lambda d: claim0(d).update(open_time=1767225600), "open_time"),
    (
        "probability out of range",
        lambda d: forecast0(d).update(probability=1.5),
        "claim 101 (claims[0]).forecasts[0].probability",
    ),
    ("probability zero", lambda d: forecast0(d).update(probability=0), "forecasts[0].probability"),
    ("probability a string", lambda d: forecast0(d).update(probability="0.5"), "probability"),
    ("probability true", lambda d: forecast0(d).update(probability=True), "probability"),
    ("probability huge", lambda d: forecast0(d).update(probability=10**400), "probability"),
    (
        "overlapping intervals",
        lambda d: forecast0(d).update(end_time=iso(T0 + timedelta(days=4))),
        "forecasts of 'ann' overlap",
    ),
    (
        "two standing forecasts",
        lambda d: forecast0(d).update(end_time=None),
        "forecasts of 'ann' overlap",
    ),
    (
        "end before start",
        lambda d: forecast0(d).update(end_time=iso(T0)),
        "forecasts[0].end_time",
    ),
    (
        "forecast before open",
        lambda d: forecast0(d).update(start_time=iso(T0 - timedelta(hours=1))),
        "forecasts[0].start_time",
    ),
    ("unlisted participant", lambda d: forecast0(d).update(participant="zed"), "not listed"),
    ("forecasts not a list", lambda d: claim0(d).update(forecasts={}), "forecasts"),
    (
        "unknown outcome",
        lambda d: claim0(d)["resolution"].update(outcome="maybe"),
        "resolution.outcome",
    ),
    (
        "resolved without a time",
        lambda d: claim0(d)["resolution"].update(actual_resolve_time=None),
        "resolution.actual_resolve_time",
    ),
    (
        "resolved in the future",
        lambda d: claim0(d)["resolution"].update(actual_resolve_time="2099-01-01T00:00:00Z"),
        "resolution.actual_resolve_time",
    ),
]


@pytest.mark.parametrize(("mutate", "where"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_document_is_refused_naming_where_and_nothing_is_written(mutate, where):
    doc = copy.deepcopy(valid_document())
    mutate(doc)
    users = User.objects.count()
    with pytest.raises(InterchangeError) as exc:
        import_document(doc)
    assert where in str(exc.value)
    assert Claim.objects.count() == 0 and Forecast.objects.count() == 0
    assert User.objects.count() == users


@pytest.mark.parametrize(
    "text",
    ['{"format": ', "[1]", '{"format": "crux-export", "version": NaN}', b"\xff\xfe", "[" * 100_000],
)
def test_text_that_is_not_a_crux_export_object_is_refused(text):
    with pytest.raises(InterchangeError):
        import_text(text)
    assert Claim.objects.count() == 0


def test_every_problem_is_reported_at_once():
    doc = valid_document()
    forecast0(doc)["probability"] = 2
    doc["claims"][1]["kind"] = "date"
    with pytest.raises(InterchangeError) as exc:
        import_document(doc)
    assert len(exc.value.errors) == 2
    assert "claim 102 (claims[1]).kind" in exc.value.errors[1]


def test_scores_in_the_file_are_ignored_and_recomputed():
    doc = valid_document()
    claim0(doc)["scores"] = [
        {"participant": "bob", "baseline": 999, "peer": 999, "coverage": 1, "brier": 0, "log": 0}
    ]
    import_document(doc)
    assert Score.objects.get(participant__username="bob").peer < 0


def test_the_commands_export_to_a_file_and_import_it(tmp_path):
    import_document(valid_document())
    path = tmp_path / "out.json"
    call_command("export_crux", "--output", str(path))
    exported = json.loads(path.read_text())
    Claim.objects.all().delete()
    call_command("import_crux", str(path))
    assert_same(export_document(), exported)


def test_the_import_command_lists_problems_and_fails_without_writing(tmp_path, capsys):
    doc = valid_document()
    forecast0(doc)["probability"] = 7
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_crux", str(path))
    assert "forecasts[0].probability" in capsys.readouterr().err
    assert Claim.objects.count() == 0


def test_the_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_crux", str(tmp_path / "missing.json"))
