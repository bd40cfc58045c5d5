"""The comment form."""


from django import forms

from bets.models import Comment
from bets.web.forms.base import MarkedErrorsForm


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


