"""Fixtures for the API tests: an open claim built through the real services (people and
clients come from tests/conftest.py)."""





