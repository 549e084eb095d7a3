from django.urls import path

from maps import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workspaces/new/", views.workspace_create, name="workspace-create"),
    path("workspaces/<int:pk>/", views.workspace_detail, name="workspace-detail"),
    path(
        "workspaces/<int:workspace_pk>/personas/new/",
        views.persona_create,
        name="persona-create",
    ),
    path("workspaces/<int:workspace_pk>/maps/new/", views.map_create, name="map-create"),
    path("workspaces/<int:workspace_pk>/pairs/new/", views.pair_create, name="pair-create"),
    path("personas/<int:pk>/edit/", views.persona_edit, name="persona-edit"),
    path("personas/<int:pk>/delete/", views.persona_delete, name="persona-delete"),
    path("maps/<int:pk>/", views.map_board, name="map-board"),
    path("maps/<int:pk>/edit/", views.map_edit, name="map-edit"),
    path("maps/<int:pk>/delete/", views.map_delete, name="map-delete"),
    path("maps/<int:pk>/import/", views.map_import, name="map-import"),
    path("maps/<int:pk>/import-board/", views.map_import_board, name="map-import-board"),
    path("maps/<int:pk>/seal/", views.map_seal, name="map-seal"),
    path("maps/<int:pk>/unseal/", views.map_unseal, name="map-unseal"),
    path("maps/<int:pk>/export/<slug:file_format>/", views.map_export, name="map-export"),
    path("maps/<int:pk>/notes/", views.note_create, name="note-create"),
    path("maps/<int:pk>/notes/paste/", views.notes_paste, name="notes-paste"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note-delete"),
    path("notes/<int:pk>/move/", views.note_move, name="note-move"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair-detail"),
    path("pairs/<int:pk>/delete/", views.pair_delete, name="pair-delete"),
]
