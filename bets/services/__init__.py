"""Every write path of Crux. Views, the API, the admin, commands and tasks call these.

Services take keyword-only arguments, are named <entity>_<action>, raise bets.errors on bad
input, and dispatch Celery work only after commit.
"""
