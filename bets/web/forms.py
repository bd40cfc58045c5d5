"""Forms of the server-rendered site. They parse and explain; services decide and write."""

import json
import math
import re
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from bets.betting.offers import NOTE_MAX
from bets.betting.prices import parse_stake
from bets.claims.listing import MINE, ORDERINGS, SEARCH_MAX, ListingQuery
from bets.claims.services import claim_time_problem
from bets.common.errors import InvalidInput
from bets.common.text import validate_no_bidi_controls
from bets.models import Claim, Comment, Offer
from bets.models.claims import (
    CLAIM_TEXT_MAX,
    PERCENT_MAX,
    PERCENT_MIN,
    TITLE_MAX,
    percent_in_bounds,
)
from bets.scoring.selectors import LEADERBOARD_TYPES

# <input type="datetime-local"> sends "2030-01-31T14:05" (seconds optional); read as UTC.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
UTC_HELP = "UTC (not your local time)."


class MarkedErrorsForm(forms.Form):
    """A form whose invalid fields say so to every reader: aria-invalid (Django adds it),
    aria-describedby naming the error beside the field (id "<auto_id>_error"), and
    autofocus on the first one, so the page opens on the problem with what was typed
    kept. Errors a service adds after validation (add_error) are marked the same way."""

    def full_clean(self):
        super().full_clean()
        self._mark_errors()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_errors()

    def _mark_errors(self):
        if not hasattr(self, "cleaned_data"):
            return
        first = True
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            attrs.pop("autofocus", None)
            if name not in self.errors or isinstance(field.widget, forms.HiddenInput):
                continue
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            attrs["aria-describedby"] = " ".join(described)
            if first:
                attrs["autofocus"] = True
                first = False


def _utc_field(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        help_text=UTC_HELP,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _computable(value, field: str):
    """Refuse a time too far ahead for Crux to add its deadlines to (year 9999)."""
    problem = claim_time_problem(value, field) if value is not None else None
    if problem:
        raise forms.ValidationError(problem)
    return value


class ClaimProposeForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, validators=[validate_no_bidi_controls])
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=CLAIM_TEXT_MAX, help_text="Markdown."
    )
    resolution_criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=CLAIM_TEXT_MAX,
        help_text="Markdown. Exactly what makes this resolve YES or NO.",
    )
    fine_print = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=CLAIM_TEXT_MAX,
        help_text="Markdown. Edge cases, sources, what happens if a source disappears.",
    )
    tags = forms.CharField(
        required=False, max_length=600, help_text="Comma-separated, e.g. reasoning, benchmarks."
    )
    open_time = _utc_field("Opens for forecasts at")
    close_time = _utc_field("Closes at")
    resolve_after = _utc_field("Resolvable after")
    resolver_spec = forms.CharField(
        label="Resolver spec (optional)",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text="JSON naming a source and a criterion, for automatic resolution. "
        "Leave empty for a claim a moderator resolves by hand.",
    )

    def clean_open_time(self):
        return _computable(self.cleaned_data["open_time"], "open_time")

    def clean_close_time(self):
        close_time = _computable(self.cleaned_data["close_time"], "close_time")
        if close_time is not None and close_time <= timezone.now():
            raise forms.ValidationError("The close time is in the past; choose a future time.")
        return close_time

    def clean_resolve_after(self):
        return _computable(self.cleaned_data["resolve_after"], "resolve_after")

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean_resolver_spec(self):
        text = self.cleaned_data["resolver_spec"].strip()
        if not text:
            return None
        try:
            spec = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}") from None
        if not isinstance(spec, dict):
            raise forms.ValidationError("The spec must be a JSON object ({...}).")
        return spec


# A number as people write one: digits with an optional decimal point or comma, an
# optional % sign. Not Python's float syntax: "1e1", "1_0", "inf" and "0x1p3" are no
# percentages, and float() would read the first two as 10.
PERCENT_TEXT = re.compile(r"([+-]?)\s*([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)\s*(%?)")
PERCENT_WORDS = f"a percentage between {PERCENT_MIN:g} and {PERCENT_MAX:g}"


def parse_percent(raw: str) -> tuple[float, bool]:
    """'72.5%' -> (72.5, True); ' 72 ' -> (72.0, False). ValidationError for non-numbers."""
    match = PERCENT_TEXT.fullmatch(str(raw).strip())
    if match is None:
        raise forms.ValidationError(f"Enter {PERCENT_WORDS}, e.g. 72 for 72%.")
    sign, digits, percent_sign = match.groups()
    value = float(sign + digits.replace(",", "."))
    if not math.isfinite(value):  # 400 digits overflow to inf
        raise forms.ValidationError(f"Enter {PERCENT_WORDS}, e.g. 72 for 72%.")
    return value, percent_sign == "%"


def _pct_text(value: float) -> str:
    return f"{value:g}%"


def percent_readings(value: float) -> list[str]:
    """The readings of an ambiguous number below 1 ("0.5": 50% or 0.5%) that are valid
    probabilities in percent, as the buttons of the question show them."""
    return [_pct_text(v) for v in (value * 100, value) if percent_in_bounds(v)]


def clean_probability_percent(form: forms.Form, raw: str) -> float:
    """A probability given in percent, as a decimal (72 -> 0.72), for the forecast and offer
    forms. A number below 1 without a % sign ("0.5") is ambiguous unless the form's
    `confirmed` is set: the form's `ambiguous` gets the readings to ask about and the field
    an error of code "ambiguous"."""
    value, has_sign = parse_percent(raw)
    confirmed = str(form.data.get("confirmed", "")).lower() in ("1", "true", "on")
    if 0 < value < 1 and not has_sign and not confirmed:
        form.ambiguous = percent_readings(value)  # type: ignore[attr-defined]
        raise forms.ValidationError(
            f"Did you mean {_pct_text(value * 100)} or {_pct_text(value)}?", code="ambiguous"
        )
    if not percent_in_bounds(value):
        raise forms.ValidationError(f"Enter {PERCENT_WORDS}; {value:g} is not.")
    # Rounded: 99.9 / 100 is 0.9990000000000001, which the service (rightly) refuses.
    return round(value / 100, 12)


class ForecastForm(MarkedErrorsForm):
    """A probability in percent. A number below 1 without a % sign ("0.5") is ambiguous: the
    page asks "Did you mean 50% or 0.5%?" and records nothing until the answer comes back
    (with `confirmed` set)."""

    percent = forms.CharField(
        label="Your probability of YES, in percent",
        max_length=32,
        help_text=f"{PERCENT_WORDS.capitalize()}, e.g. 72 or 72.5%.",
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "percent-box"}
        ),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    # Set by clean_percent when the number needs the question: its readings in percent that
    # are valid forecasts (0.05 offers 5% only).
    ambiguous: list[str] | None = None

    def clean_percent(self) -> float:
        """Returns the probability as a decimal (72 -> 0.72)."""
        return clean_probability_percent(self, self.cleaned_data["percent"])


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


class CommentForm(MarkedErrorsForm):
    """A comment, an argument for YES or NO, or a reply (parent). The service checks the
    length (CRUX_COMMENT_MAX_CHARS) and the rate, and its refusals come back beside the
    box."""

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), strip=True,
                           help_text="Markdown. Mention someone with @username.")
    stance = forms.ChoiceField(choices=Comment.Stance.choices, required=False, label="This is")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1,
                                max_value=10**18)

    def clean_body(self) -> str:
        # Browsers send a textarea's line breaks as CRLF but count each as one character for
        # maxlength: a comment at the limit would come in over it and be refused.
        return self.cleaned_data["body"].replace("\r\n", "\n")


class WithdrawForm(forms.Form):
    """Withdrawing a forecast: asked first, done once `confirmed`."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ClarificationForm(forms.Form):
    text = forms.CharField(
        label="Add a clarification",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Markdown. Appended below the frozen criteria; it cannot be edited later.",
    )


class ReviewForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)


class ResolutionForm(forms.Form):
    """The admin's intermediate page for resolving or annulling claims."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Why: the source, the numbers, the reasoning. Shown on the claim page.",
    )
    actual_resolve_time = _utc_field("The answer became known at", required=False)

    def __init__(self, *args, ask_time: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_time:
            self.fields["actual_resolve_time"].help_text = "UTC. Leave empty for now."
        else:  # unresolving erases the resolution time along with the rest
            del self.fields["actual_resolve_time"]


class LeaderboardFilterForm(forms.Form):
    score = forms.ChoiceField(
        choices=[(k, k.capitalize()) for k in LEADERBOARD_TYPES], required=False, initial="peer"
    )
    tag = forms.SlugField(required=False, max_length=50)
    since = forms.DateField(required=False, help_text="UTC date, inclusive.")
    until = forms.DateField(required=False, help_text="UTC date, inclusive.")
    min_claims = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label="Minimum resolved claims"
    )

    def clean(self):
        data = super().clean()
        if data is None:  # Form.clean returns cleaned_data; its signature allows None
            return data
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return data


class ClaimFilterForm(forms.Form):
    """Search, sort and filter the claim list; every field optional, blank means "any"."""

    STATUSES = [
        ("", "Any status"),
        (Claim.Status.OPEN, "Open"),
        (Claim.Status.CLOSED, "Closed"),
        (Claim.Status.RESOLVED, "Resolved"),
        (Claim.Status.ANNULLED, "Annulled"),
    ]
    q = forms.CharField(label="Search", required=False, max_length=SEARCH_MAX)
    sort = forms.ChoiceField(
        label="Sort by", choices=[("", "Newest"), *list(ORDERINGS.items())[1:]], required=False
    )
    status = forms.ChoiceField(choices=STATUSES, required=False)
    tag = forms.SlugField(required=False, max_length=50)
    resolver = forms.ChoiceField(
        label="Resolution",
        choices=[("", "Any"), ("yes", "Automatic resolver"), ("no", "Resolved by hand")],
        required=False,
    )
    mine = forms.ChoiceField(label="Mine", choices=[("", "All claims"), *MINE.items()],
                             required=False)

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not signed_in:
            del self.fields["mine"]

    def listing_query(self) -> ListingQuery:
        data = self.cleaned_data
        resolver = {"yes": True, "no": False}.get(data.get("resolver") or "")
        return ListingQuery(
            search=data.get("q") or "",
            ordering=data.get("sort") or "",
            status=data.get("status") or "",
            tag=data.get("tag") or "",
            resolver=resolver,
            mine=data.get("mine") or "",
        )
