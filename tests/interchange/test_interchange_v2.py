"""crux-export version 2: numeric, date and multiple-choice claims go out and come back the
same; their bad fields, forecasts and resolutions are refused naming where."""

import copy
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bets.claims.forecasts import forecast_submit_distribution
from bets.claims.resolution import claim_resolve
from bets.interchange.services import InterchangeError, export_document, import_document
from bets.models import Claim, Forecast
from bets.scoring.services import claim_score
from tests.factories import make_open_claim, make_user
from tests.interchange.test_interchange import assert_same

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_new_kinds_export_import_and_export_again_the_same():
    mod, ann, bob = make_user("mod", staff=True), make_user("ann"), make_user("bob")
    numeric = make_open_claim(author=ann, moderator=mod, title="N", kind="numeric",
                              range_min=1, range_max=1e6, zero_point=0, open_upper_bound=True,
                              unit="tokens", opened_ago=timedelta(days=3))
    forecast_submit_distribution(claim_id=numeric.pk, participant=bob, given={
        "quantiles": [{"value": 100, "p": 0.2}, {"value": 1e4, "p": 0.7}]})
    claim_resolve(claim_id=numeric.pk, value=2e6, actor=mod)
    date = make_open_claim(author=ann, moderator=mod, title="D", kind="date",
                           range_min="2027-01-01", range_max="2030-01-01")
    forecast_submit_distribution(claim_id=date.pk, participant=ann, given={
        "by_date": [{"date": "2028-01-01", "p": 0.5}]})
    choice = make_open_claim(author=ann, moderator=mod, title="M", kind="multiple_choice",
                             options=["gen3", "gen4", "Other"])
    forecast_submit_distribution(claim_id=choice.pk, participant=bob,
                                 given={"probabilities": [0.5, 0.3, 0.2]})
    for resolved in (claim_resolve(claim_id=choice.pk, value="gen4", actor=mod),
                     Claim.objects.get(pk=numeric.pk)):
        assert claim_score(claim_id=resolved.pk, seq=resolved.resolution_seq)
    first = json.loads(json.dumps(export_document()))
    assert first["version"] == 2
    by_title = {c["title"]: c for c in first["claims"]}
    assert by_title["N"]["resolution"]["value"] == "above_upper_bound"
    assert (by_title["N"]["zero_point"], by_title["N"]["unit"]) == (0.0, "tokens")
    assert by_title["D"]["range_min"] == "2027-01-01T00:00:00+00:00"
    assert len(by_title["D"]["forecasts"][0]["cdf"]) == 201
    assert by_title["M"]["forecasts"][0]["probabilities"] == [0.5, 0.3, 0.2]
    # Scores of the new kinds: no Brier or log; CRPS for numeric and date claims only.
    (n_score,), (m_score,) = by_title["N"]["scores"], by_title["M"]["scores"]
    assert (n_score["brier"], n_score["log"], m_score["brier"], m_score["log"]) == (None,) * 4
    assert 0 <= n_score["crps"] <= 1 and "crps" not in m_score
    Claim.objects.all().delete()

    summary = import_document(copy.deepcopy(first))

    assert summary["claims"] == 3 and summary["forecasts"] == 3
    assert_same(export_document(), first)  # scores recomputed: equal within 1e-9
    assert Claim.objects.get(title="M").options_history[0][1] == ["gen3", "gen4", "Other"]


def v2_document() -> dict:
    cdf = list(np.linspace(0, 1, 201))
    return {
        "format": "crux-export", "version": 2, "participants": [{"username": "ann"}],
        "claims": [{
            "id": 201, "title": "Accuracy", "kind": "numeric", "range_min": 0, "range_max": 1,
            "open_lower_bound": False, "open_upper_bound": False, "zero_point": None,
            "unit": "", "open_time": iso(T0), "close_time": iso(T0 + timedelta(days=10)),
            "spot_scoring_time": iso(T0 + timedelta(days=9)),
            "resolution": {"value": 0.8, "actual_resolve_time": iso(T0 + timedelta(days=9))},
            "forecasts": [{"participant": "ann", "cdf": cdf, "start_time": iso(T0),
                           "end_time": None}],
        }, {
            "id": 202, "title": "Which", "kind": "multiple_choice", "options": ["a", "b"],
            "open_time": iso(T0), "close_time": iso(T0 + timedelta(days=10)),
            "resolution": None,
            "forecasts": [{"participant": "ann", "probabilities": [0.4, 0.6],
                           "start_time": iso(T0), "end_time": None}],
        }],
    }


def test_a_version_2_document_imports_its_kinds():
    import_document(v2_document())
    numeric = Claim.objects.get(pk=201)
    assert (numeric.status, numeric.resolution, numeric.outcome) == ("resolved", "0.8", None)
    assert numeric.spot_scoring_time == T0 + timedelta(days=9)
    assert Forecast.objects.get(claim_id=202).probabilities == [0.4, 0.6]


def first(doc):
    return doc["claims"][0]


BAD_V2 = [
    ("range reversed", lambda d: first(d).update(range_min=2), "claim 201 (claims[0]).range_max"),
    ("unknown kind", lambda d: first(d).update(kind="ordinal"), "claims[0]).kind"),
    ("cdf not monotone", lambda d: first(d)["forecasts"][0]["cdf"].reverse(),
     "forecasts[0].cdf"),
    ("cdf missing", lambda d: first(d)["forecasts"][0].pop("cdf"), "forecasts[0].cdf"),
    ("value beyond a closed bound", lambda d: first(d)["resolution"].update(value=1.5),
     "resolution.value"),
    ("a yes outcome", lambda d: first(d)["resolution"].update(outcome="yes"),
     "resolution.outcome"),
    ("probabilities not summing to 1",
     lambda d: d["claims"][1]["forecasts"][0].update(probabilities=[0.4, 0.4]),
     "claim 202 (claims[1]).forecasts[0].probabilities"),
    ("one option", lambda d: d["claims"][1].update(options=["a"]), "claims[1]).options"),
]


@pytest.mark.parametrize(("mutate", "where"), [b[1:] for b in BAD_V2], ids=[b[0] for b in BAD_V2])
def test_a_bad_version_2_document_is_refused_naming_where_and_nothing_is_written(mutate, where):
    doc = v2_document()
    mutate(doc)
    with pytest.raises(InterchangeError) as exc:
        import_document(doc)
    assert where in str(exc.value)
    assert Claim.objects.count() == 0 and Forecast.objects.count() == 0
