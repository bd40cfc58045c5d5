from django.contrib import admin
from django.urls import include, path

from bets.admin import accounts as admin_accounts

urlpatterns = [
    # Before the admin's own: its old-password check is counted with the log-in limits.
    path("admin/password_change/", admin_accounts.password_change),
    path("admin/", admin.site.urls),
    path("api/", include("bets.api.urls")),
    path("", include("bets.web.urls")),
]
