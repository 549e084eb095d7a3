from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import LoginForm
from accounts.views import preferences
from config.staticfiles import favicon

# Oversized or over-long requests get a message naming the limit.
handler400 = "config.throttling.bad_request"
# JSON on /api/, and 503 + Retry-After while the database is unreachable.
handler500 = "config.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    # The lock-out (django-axes) sits in the authentication backends and middleware.
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", preferences.language_set, name="set_language"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a same-origin file: the CSP
    # refuses inline scripts without the nonce, and drf-spectacular's inline one has none.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("comparison.api.urls")),
    path("api/", include("maps.api.urls")),
    path("api/", include("accounts.api.urls")),
    path("", include("comparison.urls")),
    path("", include("maps.urls")),
    path("", include("accounts.urls")),
]
