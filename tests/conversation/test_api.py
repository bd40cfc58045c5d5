"""The comments, follow and notification endpoints, including bad input."""

from datetime import timedelta

import pytest

from bets.models import Comment, CommentVote

pytestmark = pytest.mark.django_db


def _url(claim) -> str:
    return f"/api/claims/{claim.pk}/comments/"


def test_comments_are_written_and_listed_with_inert_html(claim, ann_client, anon):
    created = ann_client.post(_url(claim), {"body": "<script>x()</script> *yes*",
                                            "stance": "yes"}, format="json")
    assert created.status_code == 201
    body = anon.get(_url(claim)).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["author"] == "ann" and row["stance"] == "yes"
    assert "<script>" not in row["html"] and "&lt;script&gt;" in row["html"]
    assert "<em>yes</em>" in row["html"]


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"body": ""}, "body", "cannot be empty"),
    ({"body": "   "}, "body", "cannot be empty"),
    ({"body": "x" * 10_001}, "body", "at most 10000 characters"),
    ({"body": "ok", "stance": "maybe"}, "stance", "not a valid choice"),
    ({"body": "ok", "parent": 10**19}, "parent", "less than or equal"),
    ({"body": "ok", "parent": 10**15}, "parent", "not on this claim"),
    ({}, "body", "required"),
    ({"body": ["a list"]}, "body", "Give a string"),
])
def test_bad_comments_are_refused_clearly_and_nothing_is_written(
    claim, ann_client, payload, field, message
):
    response = ann_client.post(_url(claim), payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Comment.objects.exists()


def test_anonymous_posting_is_refused(claim, anon):
    assert anon.post(_url(claim), {"body": "hi"}, format="json").status_code == 401
    assert not Comment.objects.exists()


def test_editing_and_deleting_follow_the_rules(claim, ann_client, bob_client):
    pk = ann_client.post(_url(claim), {"body": "first"}, format="json").json()["id"]
    assert bob_client.patch(f"/api/comments/{pk}/", {"body": "mine"},
                            format="json").status_code == 403
    edited = ann_client.patch(f"/api/comments/{pk}/", {"body": "second"}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "second"
    Comment.objects.filter(pk=pk).update(created_at=Comment.objects.get(pk=pk).created_at
                                         - timedelta(minutes=20))
    late = ann_client.patch(f"/api/comments/{pk}/", {"body": "third"}, format="json")
    assert late.status_code == 409 and "15 minutes" in late.json()["detail"]
    assert Comment.objects.get(pk=pk).body == "second"
    gone = ann_client.delete(f"/api/comments/{pk}/")
    assert gone.json()["state"] == "deleted" and gone.json()["body"] == ""


def test_voting_twice_answers_409_and_counts_once(claim, ann_client, bob_client):
    pk = ann_client.post(_url(claim), {"body": "vote me"}, format="json").json()["id"]
    assert bob_client.post(f"/api/comments/{pk}/vote/").status_code == 201
    second = bob_client.post(f"/api/comments/{pk}/vote/")
    assert second.status_code == 409 and "already voted" in second.json()["detail"]
    assert CommentVote.objects.count() == 1
    assert bob_client.post("/api/comments/999999999999999999/vote/").status_code == 404


def test_hiding_needs_staff_and_a_reason(claim, ann_client, bob_client, mod_client):
    pk = ann_client.post(_url(claim), {"body": "spam"}, format="json").json()["id"]
    assert bob_client.post(f"/api/comments/{pk}/hide/", {"reason": "x"},
                           format="json").status_code == 403
    assert mod_client.post(f"/api/comments/{pk}/hide/", {"reason": ""},
                           format="json").status_code == 400
    hidden = mod_client.post(f"/api/comments/{pk}/hide/", {"reason": "Spam"}, format="json")
    assert hidden.json()["state"] == "hidden" and hidden.json()["hidden_reason"] == "Spam"


def test_follow_and_unfollow(claim, bob_client, ann_client):
    url = f"/api/claims/{claim.pk}/follow/"
    assert bob_client.get(url).json() == {"claim": claim.pk, "following": False}
    bob_client.post(url)
    assert bob_client.get(url).json()["following"] is True
    assert ann_client.get(url).json()["following"] is True  # the author, automatically
    ann_client.delete(url)
    assert ann_client.get(url).json()["following"] is False


def test_comments_of_a_missing_claim_are_a_404(ann_client):
    assert ann_client.get("/api/claims/999999999/comments/").status_code == 404
    assert ann_client.post("/api/claims/999999999/comments/", {"body": "x"},
                           format="json").status_code == 404
