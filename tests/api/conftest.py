"""Fixtures for the API tests: users, clients and claims built through the real services."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from tests.factories import make_open_claim, make_user


@pytest.fixture
def mod(db):
    return make_user("mod", staff=True)


@pytest.fixture
def ann(db):
    return make_user("ann")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def anon():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ann_client(ann):
    return client_for(ann)


@pytest.fixture
def bob_client(bob):
    return client_for(bob)


@pytest.fixture
def mod_client(mod):
    return client_for(mod)


@pytest.fixture
def claim(ann, mod):
    return make_open_claim(
        author=ann, moderator=mod, opened_ago=timedelta(days=2), tags=["llm", "reasoning"]
    )
