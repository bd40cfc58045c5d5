"""Forecasting in percent with the "0.5" question, the propose form's fixes, the author's edit
page and its append-only clarifications, the order book's wording, 404 and the spec docs."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bets.betting.offers import offer_accept, offer_create
from bets.claims.forecasts import forecast_submit
from bets.models import Claim, ClaimClarification, Forecast

pytestmark = pytest.mark.django_db


def _submit(client, claim, **data):
    return client.post(reverse("forecast-submit", args=[claim.pk]), data)


def test_a_number_below_one_asks_before_recording_anything(ann_client, claim):
    response = _submit(ann_client, claim, percent="0.5")
    assert response.status_code == 200
    assert response.context["question"] == ["50%", "0.5%"]
    assert "Did you mean 50% or 0.5%?" in response.content.decode()
    assert not Forecast.objects.exists()


@pytest.mark.parametrize("answer,expected", [("50%", 0.5), ("0.5%", 0.005)])
def test_each_answer_to_the_question_records_what_it_says(ann_client, claim, answer, expected):
    response = _submit(ann_client, claim, percent=answer, confirmed="1")
    assert response.status_code == 302
    assert Forecast.objects.get().probability == pytest.approx(expected)


def test_a_confirmed_plain_number_is_read_as_percent(ann_client, claim):
    assert _submit(ann_client, claim, percent="0.5", confirmed="1").status_code == 302
    assert Forecast.objects.get().probability == pytest.approx(0.005)


def test_the_question_offers_only_readings_that_are_valid_forecasts(ann_client, claim):
    response = _submit(ann_client, claim, percent="0.05")
    assert response.context["question"] == ["5%"]
    assert not Forecast.objects.exists()


def test_the_forecast_box_is_prefilled_with_my_standing_forecast(ann_client, claim, ann):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.725)
    page = ann_client.get(claim.get_absolute_url()).content.decode()
    assert 'name="percent" value="72.5"' in page
    assert 'type="range"' in page and 'value="72.5"' in page


def test_claim_page_draws_my_line_and_the_histogram_with_text_alternatives(
    ann_client, claim, ann, bob
):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.3)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.8)
    page = ann_client.get(claim.get_absolute_url()).content.decode()
    assert 'class="line mine"' in page
    assert "Histogram of 2 standing forecasts" in page
    assert "<title>" in page and "UTC:" in page and "Probability of YES" in page


def test_the_claim_page_shows_the_last_matched_price_beside_the_community(
    ann_client, claim, ann, bob
):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="no", probability=0.6,
                         max_stake=60, expires_at=timezone.now() + timedelta(hours=1))
    page = ann_client.get(claim.get_absolute_url()).content.decode()
    # ann made the offer: she sees it as hers, not as one she could take.
    assert "Your offer: you back NO at 60%." in page
    offer_accept(offer_id=offer.pk, taker=bob, stake=20)
    page = ann_client.get(claim.get_absolute_url()).content.decode()
    assert "Last matched bet: <strong>40.0%</strong> for YES" in page
    assert "If NO: ann wins 20. If YES: bob wins 30." in page


def test_an_offer_price_below_one_is_questioned_not_recorded(ann_client, claim):
    response = ann_client.post(reverse("offer-create", args=[claim.pk]), {
        "side": "yes", "price": "0.6", "max_stake": "10", "hours": "2", "note": "a <b>"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Did you mean 60% or 0.6%?" in page
    assert "Offer at 60%" in page and "Offer at 0.6%" in page
    # Each button posts the whole offer again, the note escaped; the form keeps it too.
    assert page.count('name="max_stake" value="10"') == 3
    assert 'value="a &lt;b&gt;"' in page
    assert not claim.offers.exists()


@pytest.mark.parametrize(("answer", "probability"), [("60%", 0.6), ("0.6%", 0.006)])
def test_the_offer_price_question_records_the_reading_chosen(
    ann_client, claim, answer, probability
):
    response = ann_client.post(reverse("offer-create", args=[claim.pk]), {
        "side": "yes", "price": answer, "confirmed": "1", "max_stake": "10", "hours": "2",
        "counterparty": "", "note": ""}, follow=True)
    assert "Offer made" in response.content.decode()
    [offer] = claim.offers.all()
    assert offer.probability == pytest.approx(probability)
    assert offer.max_stake == 10 and offer.side == "yes"


def _propose_data(**overrides):
    now = timezone.now()
    return {
        "title": "A claim", "statement": "It **happens**.", "resolution_criteria": "YES if so.",
        "fine_print": "", "tags": "", "resolver_spec": "",
        "open_time": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "close_time": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "resolve_after": (now + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M"),
    } | overrides


def test_propose_form_refuses_a_close_time_in_the_past(ann_client):
    past = (timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = _propose_data(open_time="2020-01-01T00:00", close_time=past)
    response = ann_client.post(reverse("claim-propose"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["close_time"])
    assert "The close time is in the past" in errors
    assert not Claim.objects.exists()


def test_propose_form_has_future_defaults_a_preview_and_the_spec_docs_link(ann_client):
    page = ann_client.get(reverse("claim-propose"))
    initial = page.context["form"].initial
    assert initial["open_time"] > timezone.now()
    assert initial["close_time"] - initial["open_time"] == timedelta(days=30)
    assert reverse("spec-docs") in page.content.decode()
    preview = ann_client.post(reverse("claim-propose"), _propose_data(preview="1"))
    assert preview.status_code == 200
    assert "<strong>happens</strong>" in preview.content.decode()
    assert not Claim.objects.exists()
    assert ann_client.get(reverse("spec-docs")).status_code == 200


def test_the_author_edits_a_claim_until_its_criteria_freeze(ann_client, claim, ann):
    url = reverse("claim-edit", args=[claim.pk])
    page = ann_client.get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    data = _propose_data(title="Gap widens a lot", open_time="2020-01-01T00:00")
    assert ann_client.post(url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.title == "Gap widens a lot"


def test_after_the_freeze_the_edit_page_only_appends_clarifications(ann_client, claim, ann, bob):
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.4)
    url = reverse("claim-edit", args=[claim.pk])
    page = ann_client.get(url)
    assert page.context["frozen"] and page.context["form"] is None
    # A whole-form post changes nothing after the freeze.
    ann_client.post(url, _propose_data(title="Sneaky"))
    claim.refresh_from_db()
    assert claim.title == "Gap widens"
    assert ann_client.post(url, {"text": "Table 2 counts."}).status_code == 302
    assert ClaimClarification.objects.get(claim=claim).text == "Table 2 counts."


def test_only_the_author_or_staff_may_open_the_edit_page(claim, bob):
    other = Client()
    other.force_login(bob)
    assert other.get(reverse("claim-edit", args=[claim.pk])).status_code == 403


def test_a_missing_page_gets_the_site_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_renders_on_its_own_without_a_request():
    # Django renders 500.html with no context at all, so it must not need one.
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "favicon.svg" in html and "<script" not in html


def test_the_propose_form_refuses_a_reversed_title_beside_the_field_and_keeps_the_rest(
    ann_client
):
    response = ann_client.post(reverse("claim-propose"),
                               _propose_data(title="Models get \u202elive"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "direction-changing character (U+202E)" in page
    assert "It **happens**." in page
    assert not Claim.objects.exists()
