"""Tests for the resolvers package (run with -p no:django: no database needed)."""
