from django.shortcuts import render

from . import selectors


def home(request):
    claims = selectors.claims_for_listing()[:50]
    return render(request, "bets/home.html", {"claims": claims})
