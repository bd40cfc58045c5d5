"""Forms of the server-rendered site. They parse and explain; services decide and write."""

import json
import math

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone

from bets.claims.listing import MINE, ORDERINGS, SEARCH_MAX, ListingQuery
from bets.claims.services import claim_time_problem
from bets.models import Claim
from bets.scoring.selectors import LEADERBOARD_TYPES

# <input type="datetime-local"> sends "2030-01-31T14:05" (seconds optional); read as UTC.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
UTC_HELP = "UTC (not your local time)."


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


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
    title = forms.CharField(max_length=200)
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, help_text="Markdown."
    )
    resolution_criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        help_text="Markdown. Exactly what makes this resolve YES or NO.",
    )
    fine_print = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000,
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


def parse_percent(raw: str) -> tuple[float, bool]:
    """'72.5%' -> (72.5, True); ' 72 ' -> (72.0, False). ValidationError for non-numbers."""
    text = str(raw).strip()
    has_sign = text.endswith("%")
    text = text.rstrip("%").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise forms.ValidationError("Enter a number, e.g. 72 for 72%.") from None
    if not math.isfinite(value):
        raise forms.ValidationError("Enter a number, e.g. 72 for 72%.")
    return value, has_sign


class ForecastForm(forms.Form):
    """A probability in percent. A number below 1 without a % sign ("0.5") is ambiguous: the
    page asks "Did you mean 50% or 0.5%?" and records nothing until the answer comes back
    (with `confirmed` set)."""

    percent = forms.CharField(
        label="Your probability of YES, in percent",
        max_length=32,
        help_text="A percentage between 0.1 and 99.9, e.g. 72 or 72.5%.",
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
        value, has_sign = parse_percent(self.cleaned_data["percent"])
        confirmed = str(self.data.get("confirmed", "")).lower() in ("1", "true", "on")
        if 0 < value < 1 and not has_sign and not confirmed:
            self.ambiguous = percent_readings(value)
            raise forms.ValidationError(
                f"Did you mean {_pct_text(value * 100)} or {_pct_text(value)}?",
                code="ambiguous",
            )
        if not 0.1 <= value <= 99.9:
            raise forms.ValidationError("Enter a percentage between 0.1 and 99.9.")
        return value / 100


def _pct_text(value: float) -> str:
    return f"{value:g}%"


def percent_readings(value: float) -> list[str]:
    """The readings of an ambiguous number below 1 ("0.5": 50% or 0.5%) that are valid
    probabilities in percent, as the buttons of the question show them."""
    return [_pct_text(v) for v in (value * 100, value) if 0.1 <= round(v, 6) <= 99.9]


def percent_question(raw: str, *, confirmed: bool) -> list[str] | None:
    """The readings to ask about when `raw` is a number below 1 without a % sign and the
    person has not confirmed it yet; None when there is nothing to ask."""
    if confirmed:
        return None
    try:
        value, has_sign = parse_percent(raw)
    except forms.ValidationError:
        return None
    return percent_readings(value) if 0 < value < 1 and not has_sign else None


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


# --- signed agreements (bets/web/betting/agreements.py) -------------------------------------


class KeyForm(forms.Form):
    public_key = forms.CharField(
        label="Public key", max_length=16_384, strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One line of your .pub file, e.g. <code>cat ~/.ssh/id_ed25519.pub</code>.",
    )


class AgreementTermsForm(forms.Form):
    """The terms of a draft; the view turns them into the canonical JSON (the service
    checks them again and explains every refusal)."""

    side = forms.ChoiceField(label="The proposer's side", choices=[("yes", "YES"), ("no", "NO")])
    stake_amount = forms.IntegerField(label="Proposer's stake", min_value=1,
                                      max_value=10**12)
    stake_unit = forms.CharField(label="Unit of the proposer's stake", max_length=100,
                                 initial="credits",
                                 help_text='"credits" (locked when it binds) or e.g. '
                                           '"USD to the winner".')
    counterparty_amount = forms.IntegerField(label="Counterparty's stake", min_value=1,
                                             max_value=10**12)
    counterparty_unit = forms.CharField(label="Unit of the counterparty's stake",
                                        max_length=100, initial="credits")
    odds = forms.CharField(label="Odds (optional)", max_length=100, required=False,
                           help_text="Left empty: the stakes' ratio.")
    prepayment = forms.CharField(label="Prepayment (optional)", max_length=300, required=False)
    arbiter = forms.CharField(label="Arbiter's username (optional)", max_length=150,
                              required=False)
    fallback_arbiter = forms.CharField(
        label="Fallback arbiter (optional)", max_length=300, required=False,
        help_text="Left empty: whoever the two parties pick within 30 days.")
    arbiter_may_decide = forms.ChoiceField(
        label="The arbiter may decide",
        choices=[("disputes", "Only disputes"), ("disputes_and_void", "Disputes and voiding")])
    call_off = forms.CharField(
        label="Call-off clauses (optional, one per line)", required=False, max_length=3100,
        widget=forms.Textarea(attrs={"rows": 2}))
    payment_days = forms.IntegerField(label="Payment deadline (days after resolution)",
                                      min_value=1, max_value=365, initial=30)

    def terms(self) -> dict:
        d = self.cleaned_data
        return {
            "side": d["side"],
            "stake": {"amount": d["stake_amount"], "unit": d["stake_unit"]},
            "counterparty_stake": {"amount": d["counterparty_amount"],
                                   "unit": d["counterparty_unit"]},
            "odds": d["odds"], "prepayment": d["prepayment"], "arbiter": d["arbiter"] or None,
            "fallback_arbiter": d["fallback_arbiter"],
            "arbiter_may_decide": d["arbiter_may_decide"],
            "call_off": [line for line in d["call_off"].splitlines() if line.strip()],
            "payment_days": d["payment_days"],
        }


class AgreementDraftForm(AgreementTermsForm):
    counterparty = forms.CharField(label="Counterparty's username", max_length=150)

    field_order = ["counterparty"]


class SignatureForm(forms.Form):
    signature = forms.CharField(
        label="Your signature (agreement.json.sig)", max_length=16_384, strip=False,
        widget=forms.Textarea(attrs={"rows": 7, "spellcheck": "false"}),
    )


class MarkForm(forms.Form):
    kind = forms.ChoiceField(choices=[("paid", "Paid"), ("received", "Received"),
                                      ("not_received", "Not received")],
                             widget=forms.HiddenInput)
    note = forms.CharField(label="Note or receipt reference (optional)", max_length=300,
                           required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(label="Why call it off (the clause that applies)", max_length=300)
