"""Fixtures for the conversation tests: an open claim, and helpers for verified emails."""



from bets.models import Profile


def verify_email(user, email: str | None = None) -> None:
    """Give `user` a verified address, as the verification link would."""
    user.email = email or f"{user.username}@example.org"
    user.save(update_fields=["email"])
    Profile.objects.update_or_create(user=user, defaults={"verified_email": user.email})
