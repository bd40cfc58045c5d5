from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
]

# Auto-resolution: the claim's resolution panel and its forms.
from .views_autoresolve import autoresolve_urlpatterns  # noqa: E402

urlpatterns += autoresolve_urlpatterns()
