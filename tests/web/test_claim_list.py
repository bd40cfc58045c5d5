"""The claim list: search, sort, filters, featured claims and pages, on the site and the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bets.betting.offers import offer_accept, offer_create
from bets.claims.forecasts import forecast_submit
from bets.claims.services import claim_feature
from bets.common.errors import Forbidden
from bets.models import Claim
from tests.factories import client_for, make_open_claim, make_user

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    page = response.context["page"]
    return [c.title for c in page.object_list]


@pytest.fixture
def three(ann, mod):
    soon = make_open_claim(author=ann, moderator=mod, title="Tool use beats snap", days_open=2,
                           statement="Agents with tools win on arithmetic.")
    later = make_open_claim(author=ann, moderator=mod, title="Gap widens", days_open=90,
                            resolution_criteria="YES when the reasoning gap exceeds 5 points.",
                            resolver_spec=None, tags=["reasoning"])
    mid = make_open_claim(author=ann, moderator=mod, title="Scaling holds", days_open=30)
    return soon, later, mid


def test_search_finds_words_in_title_statement_and_criteria(client, three):
    assert _titles(client.get(reverse("home"), {"q": "tools"})) == ["Tool use beats snap"]
    assert _titles(client.get(reverse("home"), {"q": "reasoning gap"})) == ["Gap widens"]
    assert _titles(client.get(reverse("home"), {"q": "nothing-like-this"})) == []


def test_a_search_reads_the_gin_index_not_every_claims_text(three, ann):
    from django.db import connection

    from bets.claims.listing import ListingQuery, claims_listing

    qs = claims_listing(query=ListingQuery(search="reasoning gap"), user=ann)
    with connection.cursor() as cursor:
        # Three rows are cheaper to scan than to look up; forbid the scan to see whether
        # the planner can match the search to the index at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_search_document" in plan, plan


def test_closing_soon_puts_the_nearest_close_first(client, three):
    titles = _titles(client.get(reverse("home"), {"sort": "closing"}))
    assert titles == ["Tool use beats snap", "Scaling holds", "Gap widens"]


def test_most_forecasters_sorts_by_standing_forecasters(client, three, ann, bob):
    _soon, later, mid = three
    for person in (ann, bob):
        forecast_submit(claim_id=later.pk, participant=person, probability=0.4)
    forecast_submit(claim_id=mid.pk, participant=ann, probability=0.4)
    titles = _titles(client.get(reverse("home"), {"sort": "forecasters"}))
    assert titles[:2] == ["Gap widens", "Scaling holds"]


def test_biggest_move_sorts_by_the_change_over_seven_days(client, ann, bob, mod):
    calm = make_open_claim(author=ann, moderator=mod, title="Calm", opened_ago=timedelta(days=20))
    moved = make_open_claim(author=ann, moderator=mod, title="Moved", opened_ago=timedelta(days=20))
    long_ago = timezone.now() - timedelta(days=10)
    for claim, now_p in ((calm, 0.52), (moved, 0.9)):
        forecast_submit(claim_id=claim.pk, participant=ann, probability=0.5, now=long_ago)
        forecast_submit(claim_id=claim.pk, participant=ann, probability=now_p)
    response = client.get(reverse("home"), {"sort": "move"})
    assert _titles(response) == ["Moved", "Calm"]
    assert response.context["page"].object_list[0].move == pytest.approx(0.4)


def test_recently_resolved_and_status_and_resolver_filters(client, three, mod):
    soon, later, mid = three
    now = timezone.now()
    Claim.objects.filter(pk=soon.pk).update(status="resolved", outcome="yes", resolved_at=now)
    Claim.objects.filter(pk=mid.pk).update(
        status="resolved", outcome="no", resolved_at=now - timedelta(days=1)
    )
    assert _titles(client.get(reverse("home"), {"sort": "resolved"}))[:2] == [
        "Tool use beats snap", "Scaling holds"]
    assert _titles(client.get(reverse("home"), {"status": "open"})) == ["Gap widens"]
    Claim.objects.filter(pk=later.pk).update(resolver_spec={"source": {}})
    assert _titles(client.get(reverse("home"), {"resolver": "yes"})) == ["Gap widens"]
    assert "Gap widens" not in _titles(client.get(reverse("home"), {"resolver": "no"}))


def test_mine_filters_to_claims_i_forecast_or_bet_on(three, ann, bob):
    soon, later, _mid = three
    forecast_submit(claim_id=later.pk, participant=bob, probability=0.3)
    offer = offer_create(claim_id=soon.pk, offerer=ann, side="yes", probability=0.6,
                         max_stake=60, expires_at=timezone.now() + timedelta(hours=2))
    offer_accept(offer_id=offer.pk, taker=bob, stake=40)
    from django.test import Client

    c = Client()
    c.force_login(bob)
    assert _titles(c.get(reverse("home"), {"mine": "forecast"})) == ["Gap widens"]
    assert _titles(c.get(reverse("home"), {"mine": "bet"})) == ["Tool use beats snap"]


def test_anonymous_visitors_get_no_mine_filter(client, three):
    response = client.get(reverse("home"), {"mine": "forecast"})
    assert "mine" not in response.context["filters"].fields
    assert len(_titles(response)) == 3


def test_featured_claims_lead_the_home_page_and_only_staff_choose_them(client, three, ann, mod):
    _soon, later, _mid = three
    with pytest.raises(Forbidden):
        claim_feature(claim_id=later.pk, moderator=ann, featured=True)
    claim_feature(claim_id=later.pk, moderator=mod, featured=True)
    response = client.get(reverse("home"))
    assert [c.title for c in response.context["featured"]] == ["Gap widens"]
    page = response.content.decode()
    assert page.index("Featured claims") < page.index("All claims")
    # A filtered list is just the list.
    assert client.get(reverse("home"), {"status": "open"}).context["featured"] == []


def test_pages_keep_the_filters_in_their_links(client, ann, mod):
    for i in range(25):
        make_open_claim(author=ann, moderator=mod, title=f"Claim {i:02}", tags=["bulk"])
    first = client.get(reverse("home"), {"tag": "bulk", "sort": "closing"})
    assert len(first.context["page"].object_list) == 20
    link = first.context["next_link"]
    assert "tag=bulk" in link and "sort=closing" in link and "page=2" in link
    second = client.get(reverse("home") + link)
    assert len(second.context["page"].object_list) == 5
    seen = {c.pk for c in first.context["page"].object_list}
    assert not seen & {c.pk for c in second.context["page"].object_list}


@pytest.mark.parametrize("query", [{"sort": "bogus"}, {"q": "x" * 500}, {"resolver": "maybe"}])
def test_odd_list_parameters_get_a_400_not_a_500(client, three, query):
    assert client.get(reverse("home"), query).status_code == 400


def test_api_list_searches_sorts_and_filters_like_the_site(three, ann, mod):
    soon, later, _mid = three
    claim_feature(claim_id=later.pk, moderator=mod, featured=True)
    forecast_submit(claim_id=later.pk, participant=ann, probability=0.35)
    api = client_for(make_user("reader"))
    found = api.get("/api/claims/", {"search": "tools"}).json()["results"]
    assert [c["title"] for c in found] == ["Tool use beats snap"]
    closing = api.get("/api/claims/", {"ordering": "closing"}).json()["results"]
    assert [c["title"] for c in closing][0] == "Tool use beats snap"
    featured = api.get("/api/claims/", {"featured": "true"}).json()["results"]
    assert [(c["title"], c["featured"], c["community_forecast"], c["forecasters"])
            for c in featured] == [("Gap widens", True, 0.35, 1)]
    assert api.get("/api/claims/", {"ordering": "sideways"}).status_code == 400
    assert api.get("/api/claims/", {"has_resolver": "perhaps"}).status_code == 400


def test_i_follow_lists_claims_followed_explicitly_or_by_taking_part_unless_unfollowed(
    three, ann, bob
):
    from bets.conversation.comments import claim_follow_set

    soon, later, mid = three
    forecast_submit(claim_id=later.pk, participant=bob, probability=0.3)  # follows by forecasting
    forecast_submit(claim_id=mid.pk, participant=bob, probability=0.3)
    claim_follow_set(claim_id=mid.pk, user=bob, following=False)  # ...unless unfollowed
    claim_follow_set(claim_id=soon.pk, user=bob, following=True)  # explicit
    from django.test import Client

    c = Client()
    c.force_login(bob)
    assert sorted(_titles(c.get(reverse("home"), {"mine": "follow"}))) == [
        "Gap widens", "Tool use beats snap"]


def test_a_reused_claim_row_shows_a_new_forecast_title_and_tag_at_once(
    client, ann, bob, mod, monkeypatch
):
    """Rows are rendered once per distinct content (bets.web.claims.rows); any value a row
    shows is part of its key, so a change shows on the very next page view."""
    from bets.web.claims import rows as claim_rows
    renders = []
    real_get_template = claim_rows.get_template
    monkeypatch.setattr(claim_rows, "get_template",
                        lambda name: renders.append(name) or real_get_template(name))
    claim_rows._rendered.clear()
    claim = make_open_claim(author=ann, moderator=mod, title="Gap widens", tags=["reasoning"])
    first = client.get(reverse("home")).content.decode()
    assert first.count("Gap widens") == 1 and "0 forecasters" in first
    assert len(renders) == 1
    assert client.get(reverse("home")).content.decode() == first
    assert len(renders) == 1  # the second view reused the row
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.7)
    after_forecast = client.get(reverse("home")).content.decode()
    assert "1 forecaster<" in after_forecast and "70%" in after_forecast
    Claim.objects.filter(pk=claim.pk).update(title="Gap narrows")
    claim.tags.add(claim.tags.model.objects.create(name="scaling"))
    after_edit = client.get(reverse("home")).content.decode()
    assert "Gap narrows" in after_edit and "Gap widens" not in after_edit
    assert "?tag=scaling" in after_edit and "?tag=reasoning" in after_edit
    assert len(renders) == 3


# Words a row template may use besides its variables: tag names, operators, the loop
# variable, the included partial's keyword and libraries.
_TEMPLATE_WORDS = {
    "if", "elif", "else", "endif", "for", "in", "endfor", "empty", "include", "with", "load",
    "url", "not", "and", "or", "is", "None", "True", "False", "crux",
}


def _names_read(path: str) -> set[str]:
    """Every name a template reads, dotted as written, with string literals and filters
    (and their arguments) taken out."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "bets/templates" / path).read_text()
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    names: set[str] = set()
    for inside in re.findall(r"\{[{%](.*?)[%}]\}", source, flags=re.S):
        inside = re.sub(r'"[^"]*"|\'[^\']*\'', "", inside)
        inside = re.sub(r"\|\s*\w+(:[\w.]+)?", "", inside)
        names |= set(re.findall(r"[A-Za-z_][\w.]*", inside)) - _TEMPLATE_WORDS
    return names


def test_a_claim_row_reads_only_its_row_so_the_row_is_a_complete_key():
    """The row template is rendered with `row` alone, and reads nothing that changes with
    time: every name it reads must be a field of the row, or a reused row could show a stale
    value (see bets.web.claims.rows). Its dry-run partial reads only the row's dry run."""
    import re
    from dataclasses import fields
    from pathlib import Path

    from bets.web.claims.rows import ROW_TEMPLATE, ClaimRow, DryRunShown

    row_names = _names_read(ROW_TEMPLATE)
    assert "row.title" in row_names, "the pattern no longer finds the template's variables"
    allowed = {f"row.{f.name}" for f in fields(ClaimRow)} | {"row", "tag", "dry_run"}
    assert row_names <= allowed, row_names - allowed
    partial = _names_read("bets/partials/_dry_run.html")
    assert partial <= {f"dry_run.{f.name}" for f in fields(DryRunShown)} | {"dry_run", "detail"}
    templates = Path(__file__).resolve().parents[2] / "bets/templates"
    for path in (ROW_TEMPLATE, "bets/partials/_dry_run.html"):
        text = (templates / path).read_text()
        assert not re.search(r"\{%\s*now\b|\|\s*time(since|until)\b", text), path


def test_the_list_counts_a_claims_visible_comments_not_deleted_or_hidden_ones(
    client, ann, bob, mod
):
    from bets.conversation.comments import comment_create, comment_delete, comment_hide

    claim = make_open_claim(author=ann, moderator=mod, title="Talked about")
    make_open_claim(author=ann, moderator=mod, title="Quiet")
    _kept, deleted, hidden = (
        comment_create(claim_id=claim.pk, author=bob, body=f"Point {i}") for i in range(3)
    )
    comment_delete(comment_id=deleted.pk, actor=bob)
    comment_hide(comment_id=hidden.pk, moderator=mod, reason="Off topic")
    rows = {c.title: c for c in client.get(reverse("home")).context["page"].object_list}
    assert (rows["Talked about"].comment_count, rows["Quiet"].comment_count) == (1, 0)


def test_a_long_dry_run_reason_is_cut_in_the_lists_tooltip_and_whole_on_the_claim(
    client, ann, mod
):
    from bets.models import ClaimDryRun

    claim = make_open_claim(author=ann, moderator=mod, title="Checked daily")
    Claim.objects.filter(pk=claim.pk).update(resolver_spec={"source": {}})
    reason = "The measured gap was 3.1 points, below the 5 the claim needs. " * 20
    ClaimDryRun.objects.create(claim=claim, verdict="no", reason=reason, key="k",
                               checked_at=timezone.now(), changed_at=timezone.now())
    listed = client.get(reverse("home")).content.decode()
    assert "would resolve as NO today" in listed and reason.strip() not in listed
    assert reason[:200] in listed and "…" in listed
    assert reason.strip() in client.get(claim.get_absolute_url()).content.decode()
