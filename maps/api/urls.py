from django.urls import path
from rest_framework.routers import DefaultRouter

from maps.api import views

router = DefaultRouter()
router.register("workspaces", views.WorkspaceViewSet, basename="workspace")
router.register("personas", views.PersonaViewSet, basename="persona")
router.register("maps", views.MapViewSet, basename="map")
router.register("pairs", views.PairViewSet, basename="pair")

members = views.MembershipViewSet
notes = views.NoteViewSet

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path(
        "workspaces/<int:workspace_pk>/members/",
        members.as_view({"get": "list", "post": "create"}),
        name="workspace-members",
    ),
    path(
        "workspaces/<int:workspace_pk>/members/<int:pk>/",
        members.as_view({"patch": "partial_update", "delete": "destroy"}),
        name="workspace-member-detail",
    ),
    path(
        "maps/<int:map_pk>/notes/",
        notes.as_view(
            {"get": "list", "post": "create", "patch": "bulk_update", "delete": "bulk_destroy"}
        ),
        name="map-notes",
    ),
    path(
        "maps/<int:map_pk>/notes/<int:pk>/",
        notes.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="map-note-detail",
    ),
    *router.urls,
]
