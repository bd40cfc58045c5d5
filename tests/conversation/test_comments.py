"""Comments and arguments: writing, replying, editing, deleting, hiding, voting, following."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse

from bets.claims.services import claim_propose
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.conversation import comments as svc
from bets.conversation import selectors
from bets.models import ClaimFollow, Comment, CommentRevision, CommentVote
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_comment_is_written_and_counted(claim, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="  I doubt it.  ")
    assert comment.body == "I doubt it."
    assert selectors.claim_thread(claim_id=claim.pk, user=bob).count == 1


def test_empty_and_oversized_comments_are_refused_and_nothing_is_written(claim, bob, settings):
    settings.CRUX_COMMENT_MAX_CHARS = 50
    with pytest.raises(InvalidInput, match="cannot be empty"):
        svc.comment_create(claim_id=claim.pk, author=bob, body="   \n ")
    with pytest.raises(InvalidInput, match="at most 50 characters; this one has 51"):
        svc.comment_create(claim_id=claim.pk, author=bob, body="x" * 51)
    assert not Comment.objects.exists()


def test_an_unknown_stance_is_refused(claim, bob):
    with pytest.raises(InvalidInput, match="'yes' or 'no'"):
        svc.comment_create(claim_id=claim.pk, author=bob, body="hm", stance="maybe")


def test_replies_go_one_level_deep(claim, ann, bob):
    top = svc.comment_create(claim_id=claim.pk, author=ann, body="Top")
    reply = svc.comment_create(claim_id=claim.pk, author=bob, body="Reply", parent_id=top.pk)
    assert reply.parent_id == top.pk
    with pytest.raises(InvalidInput, match="one level deep"):
        svc.comment_create(claim_id=claim.pk, author=ann, body="Deeper", parent_id=reply.pk)


def test_a_reply_to_a_comment_on_another_claim_is_refused(claim, ann, bob, mod):
    from tests.factories import make_open_claim

    other = make_open_claim(author=ann, moderator=mod, title="Other")
    top = svc.comment_create(claim_id=other.pk, author=ann, body="Elsewhere")
    with pytest.raises(InvalidInput, match="not on this claim"):
        svc.comment_create(claim_id=claim.pk, author=bob, body="x", parent_id=top.pk)


def test_nobody_but_the_author_and_staff_can_comment_on_a_proposal(ann, bob):
    from django.utils import timezone

    now = timezone.now()
    proposal = claim_propose(author=ann, title="P", statement="s", resolution_criteria="c",
                             open_time=now, close_time=now + timedelta(days=3),
                             resolve_after=now + timedelta(days=3))
    with pytest.raises(Http404):
        svc.comment_create(claim_id=proposal.pk, author=bob, body="Let me in")
    assert svc.comment_create(claim_id=proposal.pk, author=ann, body="Mine").pk


def test_an_edit_within_15_minutes_keeps_the_earlier_text(claim, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="First", stance="no")
    svc.comment_edit(comment_id=comment.pk, editor=bob, body="Second", stance="yes")
    comment.refresh_from_db()
    assert (comment.body, comment.stance) == ("Second", "yes")
    assert comment.edited_at is not None
    assert list(CommentRevision.objects.values_list("body", "stance")) == [("First", "no")]


def test_editing_after_15_minutes_is_refused_and_nothing_changes(claim, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="First")
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at
                                                 - timedelta(minutes=16))
    with pytest.raises(Conflict, match="edited for 15 minutes"):
        svc.comment_edit(comment_id=comment.pk, editor=bob, body="Too late")
    comment.refresh_from_db()
    assert comment.body == "First" and not CommentRevision.objects.exists()


def test_editing_someone_elses_comment_is_refused(claim, ann, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Mine")
    with pytest.raises(Forbidden, match="Only its author"):
        svc.comment_edit(comment_id=comment.pk, editor=ann, body="Yours now")
    with pytest.raises(Forbidden):
        svc.comment_delete(comment_id=comment.pk, actor=ann)
    comment.refresh_from_db()
    assert comment.body == "Mine" and comment.deleted_at is None


def test_deleting_removes_the_text_and_history_and_leaves_a_placeholder(claim, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Oops")
    svc.comment_edit(comment_id=comment.pk, editor=bob, body="Oops again")
    svc.comment_delete(comment_id=comment.pk, actor=bob)
    comment.refresh_from_db()
    assert comment.body == "" and comment.deleted_at is not None
    assert not CommentRevision.objects.exists()
    thread = selectors.claim_thread(claim_id=claim.pk, user=bob)
    assert [c.pk for c in thread.comments] == [comment.pk] and thread.count == 0


def test_staff_hide_a_comment_with_a_reason_and_others_cannot(claim, bob, cat, mod):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Spam")
    with pytest.raises(Forbidden):
        svc.comment_hide(comment_id=comment.pk, moderator=cat, reason="no")
    with pytest.raises(InvalidInput, match="reason"):
        svc.comment_hide(comment_id=comment.pk, moderator=mod, reason="  ")
    svc.comment_hide(comment_id=comment.pk, moderator=mod, reason="Advertising")
    comment.refresh_from_db()
    assert comment.hidden_reason == "Advertising" and comment.hidden_by == mod
    with pytest.raises(Conflict, match="already hidden"):
        svc.comment_hide(comment_id=comment.pk, moderator=mod, reason="Again")


def test_voting_twice_is_refused_and_counts_once(claim, ann, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Good point")
    svc.comment_vote(comment_id=comment.pk, voter=ann)
    with pytest.raises(Conflict, match="already voted"):
        svc.comment_vote(comment_id=comment.pk, voter=ann)
    comment.refresh_from_db()
    assert comment.vote_count == 1 and CommentVote.objects.count() == 1


def test_voting_for_ones_own_comment_or_a_missing_one_is_refused(claim, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Me")
    with pytest.raises(Forbidden):
        svc.comment_vote(comment_id=comment.pk, voter=bob)
    with pytest.raises(NotFound):
        svc.comment_vote(comment_id=10**17, voter=bob)


def test_the_strongest_arguments_on_each_side_lead_by_votes(claim, ann, bob, cat):
    weak = svc.comment_create(claim_id=claim.pk, author=ann, body="Weak yes", stance="yes")
    strong = svc.comment_create(claim_id=claim.pk, author=ann, body="Strong yes", stance="yes")
    no = svc.comment_create(claim_id=claim.pk, author=bob, body="A no", stance="no")
    svc.comment_create(claim_id=claim.pk, author=cat, body="Just chatting")
    for voter in (bob, cat):
        svc.comment_vote(comment_id=strong.pk, voter=voter)
    svc.comment_vote(comment_id=weak.pk, voter=cat)
    thread = selectors.claim_thread(claim_id=claim.pk, user=ann)
    assert [c.pk for c in thread.arguments_yes] == [strong.pk, weak.pk]
    assert [c.pk for c in thread.arguments_no] == [no.pk]


def test_the_rate_limit_refuses_clearly(claim, bob, settings):
    settings.CRUX_COMMENT_RATE_LIMIT = 2
    for i in range(2):
        svc.comment_create(claim_id=claim.pk, author=bob, body=f"c{i}")
    with pytest.raises(Conflict, match="please wait"):
        svc.comment_create(claim_id=claim.pk, author=bob, body="one more")
    assert Comment.objects.count() == 2


def test_authors_forecasters_and_commenters_follow_automatically_until_they_unfollow(
    claim, ann, bob, cat
):
    from bets.claims.forecasts import forecast_submit

    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.3)
    assert selectors.claim_follower_ids(claim_id=claim.pk) == {ann.pk, bob.pk}
    svc.claim_follow_set(claim_id=claim.pk, user=cat, following=True)
    svc.claim_follow_set(claim_id=claim.pk, user=bob, following=False)
    assert selectors.claim_follower_ids(claim_id=claim.pk) == {ann.pk, cat.pk}
    svc.comment_create(claim_id=claim.pk, author=bob, body="Still here, not following")
    assert not selectors.claim_is_followed(claim_id=claim.pk, user=bob)
    assert ClaimFollow.objects.filter(user=bob, following=False).exists()


# --- the web pages -------------------------------------------------------------------------


def test_html_and_script_in_a_comment_are_rendered_inert_on_the_claim_page(client, claim, bob):
    client.force_login(bob)
    body = "<script>alert(1)</script> <img src=x onerror=alert(2)> **bold** @ann"
    response = client.post(reverse("comment-create", args=[claim.pk]), {"body": body})
    assert response.status_code == 302
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "<script>alert(1)" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>bold</strong>" in page


def test_an_empty_comment_from_the_page_is_refused_with_a_message(client, claim, bob):
    client.force_login(bob)
    response = client.post(reverse("comment-create", args=[claim.pk]), {"body": "  "},
                           follow=True)
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_too_long_comment_comes_back_in_its_box_with_the_reason_beside_it(
    client, claim, bob, settings
):
    settings.CRUX_COMMENT_MAX_CHARS = 50
    client.force_login(bob)
    body = ("A careful argument that runs on " + "and on " * 10).strip()
    response = client.post(reverse("comment-create", args=[claim.pk]),
                           {"body": body, "stance": "no"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (f'<p class="error" id="new-comment-error">A comment is at most 50 characters; this '
            f'one has {len(body)}.</p>') in page
    assert f">{body}</textarea>" in page
    assert 'aria-invalid="true" autofocus' in page
    assert '<option value="no" selected>' in page
    assert not Comment.objects.exists()


def test_line_breaks_count_once_so_a_comment_at_the_limit_is_taken(client, claim, bob, settings):
    settings.CRUX_COMMENT_MAX_CHARS = 20
    client.force_login(bob)
    # What a browser sends for 20 characters typed with two line breaks: 22 with CRLF.
    response = client.post(reverse("comment-create", args=[claim.pk]),
                           {"body": "one line\r\ntwo\r\nthree l"})
    assert response.status_code == 302
    assert Comment.objects.get().body == "one line\ntwo\nthree l"


def test_a_rate_limited_comment_is_kept_with_the_reason_beside_it(client, claim, bob, settings):
    settings.CRUX_COMMENT_RATE_LIMIT = 1
    client.force_login(bob)
    client.post(reverse("comment-create", args=[claim.pk]), {"body": "First"})
    response = client.post(reverse("comment-create", args=[claim.pk]),
                           {"body": "Second, carefully written"})
    assert response.status_code == 400
    page = response.content.decode()
    assert ">Second, carefully written</textarea>" in page
    assert 'id="new-comment-error">You have written 1 comments in the last' in page
    assert Comment.objects.count() == 1


def test_a_refused_reply_shows_open_under_its_comment_with_the_text_kept(
    client, claim, ann, bob, settings
):
    parent = svc.comment_create(claim_id=claim.pk, author=ann, body="Why?")
    settings.CRUX_COMMENT_MAX_CHARS = 10
    client.force_login(bob)
    response = client.post(reverse("comment-create", args=[claim.pk]),
                           {"body": "Because of the data", "parent": str(parent.pk)})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<details class="reply-form" open>' in page
    assert ">Because of the data</textarea>" in page
    assert f'id="reply-{parent.pk}-error">A comment is at most 10 characters' in page
    assert Comment.objects.count() == 1


def test_the_claim_page_shows_arguments_votes_and_the_follow_button(client, claim, ann, bob):
    svc.comment_create(claim_id=claim.pk, author=ann, body="Because scaling", stance="yes")
    client.force_login(bob)
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "Strongest arguments for YES" in page and "Because scaling" in page
    assert ">Follow</button>" in page and "Up-vote" in page
    client.post(reverse("claim-follow", args=[claim.pk]), {"following": "1"})
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert ">Unfollow</button>" in page


def test_editing_someone_elses_comment_from_the_page_is_refused(client, claim, ann, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Mine")
    client.force_login(ann)
    response = client.post(reverse("comment-edit", args=[comment.pk]), {"body": "Hijack"})
    assert response.status_code == 403
    assert "Only its author can change a comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_only_the_author_may_open_a_comments_edit_form(client, claim, ann, bob, mod):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="In my own words")
    url = reverse("comment-edit", args=[comment.pk])
    for other in (ann, mod):
        client.force_login(other)
        response = client.get(url)
        assert response.status_code == 403
        assert "In my own words" not in response.content.decode()
    client.force_login(bob)
    assert "In my own words" in client.get(url).content.decode()


def test_a_hidden_comments_text_never_fills_the_edit_form(client, claim, ann, bob, mod):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Buy cheap pills here")
    svc.comment_hide(comment_id=comment.pk, moderator=mod, reason="Advertising")
    for viewer in (ann, mod, bob):
        client.force_login(viewer)
        response = client.get(reverse("comment-edit", args=[comment.pk]))
        assert response.status_code == 403, viewer
        assert "cheap pills" not in response.content.decode(), viewer


def test_anonymous_visitors_see_the_thread_but_cannot_post(client, claim, bob):
    svc.comment_create(claim_id=claim.pk, author=bob, body="Visible to all")
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "Visible to all" in page and "Log in</a> to comment" in page
    response = client.post(reverse("comment-create", args=[claim.pk]), {"body": "anon"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Comment.objects.count() == 1


def test_a_long_thread_renders_with_a_bounded_number_of_queries(
    client, claim, django_assert_max_num_queries
):
    people = [make_user(f"p{i}") for i in range(8)]
    for p in people:
        top = svc.comment_create(claim_id=claim.pk, author=p, body="top", stance="yes")
        svc.comment_create(claim_id=claim.pk, author=people[0], body="re", parent_id=top.pk)
    client.get(reverse("claim-detail", args=[claim.pk]))  # warm caches of other sections
    with django_assert_max_num_queries(60):
        client.get(reverse("claim-detail", args=[claim.pk]))


def test_the_claim_list_shows_each_claims_visible_comment_count(client, claim, ann, bob, mod):
    svc.comment_create(claim_id=claim.pk, author=ann, body="One")
    svc.comment_create(claim_id=claim.pk, author=bob, body="Two")
    gone = svc.comment_create(claim_id=claim.pk, author=bob, body="Three")
    svc.comment_delete(comment_id=gone.pk, actor=bob)
    page = client.get(reverse("home")).content.decode()
    assert "2 comments</a>" in page
