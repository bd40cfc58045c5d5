"""Forms of betting: make an offer, take one."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from bets.betting.offers import NOTE_MAX
from bets.betting.prices import parse_stake
from bets.common.errors import InvalidInput
from bets.models import Offer
from bets.web.forms.base import MarkedErrorsForm, clean_probability_percent

User = get_user_model()

OFFER_HOURS_MAX = 8760


def _stake(value: str, field: str) -> int:
    """The betting service's own reading of a stake, as a form error."""
    try:
        return parse_stake(value, field=field)
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from None


class OfferForm(MarkedErrorsForm):
    """Make an offer: the side, the price in percent (asked about like a forecast when it
    reads "0.6"), the max stake, the expiry in hours, optionally one counterparty and an
    off-platform stake. The service checks the rest (balance, claim open)."""

    side = forms.ChoiceField(label="You back", choices=Offer.Side.choices)
    price = forms.CharField(
        label="Your price for that side (%)", max_length=32,
        help_text="60 means you stake 60 for every 40 the taker stakes.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    max_stake = forms.CharField(
        label="Your max stake (credits)", max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    hours = forms.IntegerField(
        label="Expires in (hours)", min_value=1, max_value=OFFER_HOURS_MAX, initial=24,
        error_messages={"min_value": f"An offer expires within 1 to {OFFER_HOURS_MAX} hours.",
                        "max_value": f"An offer expires within 1 to {OFFER_HOURS_MAX} hours.",
                        "invalid": "Give the expiry in whole hours."},
    )
    counterparty = forms.CharField(label="Only for (username, optional)", required=False,
                                   max_length=150)
    note = forms.CharField(label="Off-platform stake (optional)", required=False,
                           max_length=NOTE_MAX)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    ambiguous: list[str] | None = None

    def clean_price(self) -> float:
        return clean_probability_percent(self, self.cleaned_data["price"])

    def clean_max_stake(self) -> int:
        return _stake(self.cleaned_data["max_stake"], "max_stake")

    def clean_counterparty(self):
        username = self.cleaned_data["counterparty"].strip()
        if not username:
            return None
        person = User.objects.filter(username=username).first()
        if person is None:
            raise forms.ValidationError("No participant by that username.")
        return person

    def expires_at(self):
        return timezone.now() + timedelta(hours=self.cleaned_data["hours"])


class AcceptForm(MarkedErrorsForm):
    """Take an offer: the stake, then (confirmed) the same stake again once the page has
    shown exactly what it stakes and wins."""

    stake = forms.CharField(label="Your stake (credits)", max_length=32)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_stake(self) -> int:
        return _stake(self.cleaned_data["stake"], "stake")

    @classmethod
    def for_offer(cls, offer_id: int, data=None) -> "AcceptForm":
        """The form of one offer: its ids are the offer's own, as a page shows many."""
        return cls(data, auto_id=f"offer-{offer_id}-%s")


