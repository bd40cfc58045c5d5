"""Response headers every Crux response carries (the Content-Security-Policy comes from
django-csp, configured in settings.CONTENT_SECURITY_POLICY)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PermissionsPolicyMiddleware:
    """Switch off browser features no Crux page uses (settings.CRUX_PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.CRUX_PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.CRUX_PERMISSIONS_POLICY
        return response
