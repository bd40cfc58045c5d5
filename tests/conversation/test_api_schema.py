"""schemathesis over the conversation endpoints only (comments, votes, follows, inbox): no
server error and no difference between the schema and what the API does, with a token."""

import pytest
from rest_framework.authtoken.models import Token

from bets.conversation import comments as svc
from tests.api.test_schemathesis import _verdict, schemathesis
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_conversation_endpoints_conform_to_the_schema(live_server, tmp_path):
    staff, ann = make_user("fuzz-staff", staff=True), make_user("ann")
    claim = make_open_claim(author=ann, moderator=staff, title="Talked about")
    svc.comment_create(claim_id=claim.pk, author=ann, body="A first comment")
    token = Token.objects.create(user=staff).key
    run = schemathesis(live_server.url, tmp_path, "-H", f"Authorization: Token {token}",
                       "--seed", "3", "--include-path-regex", "comments|follow|notifications")
    assert run.returncode == 0, _verdict(run)
