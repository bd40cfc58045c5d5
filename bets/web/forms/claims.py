"""Forms of the claim pages: propose and edit, forecast and withdraw, clarify, review,
resolve, and the claim list's filters."""

import json

from django import forms

from bets.claims.continuous.scale import number_parse
from bets.claims.listing import MINE, ORDERINGS, SEARCH_MAX, ListingQuery
from bets.claims.services import claim_close_time_problem
from bets.common.text import validate_no_bidi_controls
from bets.models import Claim
from bets.models.claims import (
    CLAIM_TEXT_MAX,
    OPTION_LABEL_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    TITLE_MAX,
    UNIT_MAX,
)
from bets.web.forms.base import (
    PERCENT_WORDS,
    MarkedErrorsForm,
    _computable,
    _utc_field,
    clean_probability_percent,
)


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

    kind = forms.ChoiceField(
        choices=Claim.Kind.choices, initial=Claim.Kind.BINARY, required=False,
        help_text="Binary: yes or no. Numeric or date: a number or a date in a range. "
        "Multiple choice: one of the options below.")
    range_min = forms.CharField(
        label="Range from", required=False, max_length=64,
        help_text="Numeric and date claims: the lowest value (a number, or a date such as "
        "2027-01-01).")
    range_max = forms.CharField(label="Range to", required=False, max_length=64,
                                help_text="Numeric and date claims: the highest value.")
    open_lower_bound = forms.BooleanField(
        label="The answer may fall below the range", required=False)
    open_upper_bound = forms.BooleanField(
        label="The answer may fall above the range", required=False)
    zero_point = forms.CharField(
        label="Log-scale zero point (optional)", required=False, max_length=64,
        help_text="Numeric claims: empty for a linear scale; else a number outside the range.")
    unit = forms.CharField(required=False, max_length=UNIT_MAX,
                           help_text="Shown with every number, e.g. accuracy or tokens.")
    options = forms.CharField(
        required=False, max_length=OPTIONS_MAX * (OPTION_LABEL_MAX + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Multiple choice: one label per line, {OPTIONS_MIN} to {OPTIONS_MAX}; the "
        "last is the catch-all (e.g. Other).")

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or Claim.Kind.BINARY  # a form without the field

    def clean_options(self) -> list[str] | None:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        return [line for line in lines if line] or None

    def clean_open_time(self):
        return _computable(self.cleaned_data["open_time"], "open_time")

    def clean_close_time(self):
        close_time = _computable(self.cleaned_data["close_time"], "close_time")
        problem = close_time is not None and claim_close_time_problem(close_time)
        if problem:
            raise forms.ValidationError(problem)
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
    # Ticked by a moderator who approves a claim whose spec would resolve it today (the view
    # runs the dry run and refuses the approval without it).
    confirm_decided = forms.BooleanField(required=False)


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


class StaffResolutionForm(ResolutionForm):
    """Resolve or annul from the claim's page: the reason, when the answer became known,
    the decision (one button each) and, for a claim still open, whether to close it now."""

    DECISIONS = {"yes": "Resolve YES", "no": "Resolve NO", "annul": "Annul"}
    decision = forms.ChoiceField(choices=list(DECISIONS.items()), widget=forms.HiddenInput,
                                 error_messages={"required": "Choose Resolve YES, Resolve NO "
                                                 "or Annul."})
    close_early = forms.BooleanField(
        label="Close it now", required=False,
        help_text="The claim is still open: resolving it ends forecasting and betting early.")

    def __init__(self, *args, claim_open: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = "Reason"
        if not claim_open:
            del self.fields["close_early"]


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
        # "no" is every claim without a resolver (open ones too); "hand" is what the words
        # say: claims a moderator has resolved.
        choices=[("", "Any"), ("yes", "Automatic resolver"), ("no", "A moderator resolves"),
                 ("hand", "Resolved by hand")],
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
        resolved_by_hand = data.get("resolver") == "hand"
        return ListingQuery(
            search=data.get("q") or "",
            ordering=data.get("sort") or "",
            status=data.get("status") or "",
            tag=data.get("tag") or "",
            resolver=resolver,
            resolved_by_hand=resolved_by_hand,
            mine=data.get("mine") or "",
        )


QUANTILE_ROWS = (10, 50, 90)
LADDER_ROWS = 4


def _percent(text: str, field: str) -> float:
    """A percent typed as 35 or 35% as a probability (0.35)."""
    return number_parse(text.strip().rstrip("%").strip(), field=field) / 100


def _box(label: str, *, help_text: str = "", widget: forms.Widget | None = None
         ) -> forms.CharField:
    return forms.CharField(label=label, max_length=64, required=False, help_text=help_text,
                           widget=widget or forms.TextInput)


class DistributionForecastForm(MarkedErrorsForm):
    """A forecast of a numeric, date or multiple-choice claim that works without JavaScript:
    a quantile table (numeric), a "chance before this date" ladder (date) or one number per
    option (multiple choice, renormalised). The server turns it into what is stored
    (bets.claims.forecasts.forecast_distribution_parse) and can preview it first."""

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        unit = f" ({claim.unit})" if claim.unit else ""
        if claim.kind == Claim.Kind.NUMERIC:
            for q in QUANTILE_ROWS:
                self.fields[f"q{q}"] = _box(
                    f"{q}th percentile{unit}", widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "autocomplete": "off"}),
                    help_text=f"The value you think has a {q}% chance of not being reached.")
        elif claim.kind == Claim.Kind.DATE:
            for i in range(LADDER_ROWS):
                self.fields[f"date{i}"] = _box(
                    f"Date {i + 1}", widget=forms.DateInput(attrs={"type": "date"}))
                self.fields[f"p{i}"] = _box(
                    f"Chance it happens before date {i + 1}, in percent")
        else:
            for i, label in enumerate(claim.options or []):
                self.fields[f"option{i}"] = _box(
                    label, help_text="Any number; they are scaled to sum to 100%.")
        if claim.kind != Claim.Kind.MULTIPLE_CHOICE:
            if claim.open_lower_bound:
                self.fields["below"] = _box("Chance it falls below the range, in percent")
            if claim.open_upper_bound:
                self.fields["above"] = _box("Chance it falls above the range, in percent")

    def given(self) -> dict:
        """The service's input (forecast_distribution_parse); InvalidInput names this form's
        field when a number is not one."""
        data = self.cleaned_data
        if self.claim.kind == Claim.Kind.MULTIPLE_CHOICE:
            return {"weights": [number_parse(data[f"option{i}"] or "0", field=f"option{i}")
                                for i in range(len(self.claim.options or []))]}
        given: dict = {}
        for name in ("below", "above"):
            if data.get(name):
                given[name] = _percent(data[name], name)
        if self.claim.kind == Claim.Kind.NUMERIC:
            given["quantiles"] = [{"value": number_parse(data[f"q{q}"], field=f"q{q}"),
                                   "p": q / 100} for q in QUANTILE_ROWS if data[f"q{q}"]]
        else:
            given["by_date"] = [{"date": data[f"date{i}"], "p": _percent(data[f"p{i}"] or "",
                                                                         f"p{i}")}
                                for i in range(LADDER_ROWS) if data[f"date{i}"]]
        return given

    def field_for(self, service_field: str | None) -> str | None:
        """Where a service's refusal goes: the first row of the table it is about."""
        first = {"quantiles": "q10", "by_date": "date0", "weights": "option0",
                 "probabilities": "option0"}
        name = first.get(service_field or "", service_field)
        return name if name in self.fields else None
