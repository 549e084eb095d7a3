from django.urls import path
from rest_framework.routers import SimpleRouter

from comparison.api import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("pairs/<int:pk>/compare/", views.CompareView.as_view(), name="api-pair-compare"),
    *router.urls,
]
