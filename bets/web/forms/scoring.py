"""The leaderboard's filters."""


from django import forms

from bets.scoring.selectors import LEADERBOARD_TYPES


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


