from django.urls import path

from maps.views import board, empathy_maps, imports, notes, pairs, personas, sealing, workspaces

urlpatterns = [
    path("", workspaces.home, name="home"),
    path("workspaces/new/", workspaces.workspace_create, name="workspace-create"),
    path("workspaces/<int:pk>/", workspaces.workspace_detail, name="workspace-detail"),
    path(
        "workspaces/<int:workspace_pk>/personas/new/",
        personas.persona_create,
        name="persona-create",
    ),
    path("workspaces/<int:workspace_pk>/maps/new/", empathy_maps.map_create, name="map-create"),
    path("workspaces/<int:workspace_pk>/pairs/new/", pairs.pair_create, name="pair-create"),
    path("personas/<int:pk>/edit/", personas.persona_edit, name="persona-edit"),
    path("personas/<int:pk>/delete/", personas.persona_delete, name="persona-delete"),
    path("maps/<int:pk>/", board.map_board, name="map-board"),
    path("maps/<int:pk>/edit/", empathy_maps.map_edit, name="map-edit"),
    path("maps/<int:pk>/delete/", empathy_maps.map_delete, name="map-delete"),
    path("maps/<int:pk>/import/", imports.map_import, name="map-import"),
    path("maps/<int:pk>/import-board/", imports.map_import_board, name="map-import-board"),
    path(
        "import-template.csv",
        imports.import_template,
        {"file_format": "csv"},
        name="import-template-csv",
    ),
    path(
        "import-template.xlsx",
        imports.import_template,
        {"file_format": "xlsx"},
        name="import-template-xlsx",
    ),
    path("maps/<int:pk>/seal/", sealing.map_seal, name="map-seal"),
    path("maps/<int:pk>/unseal/", sealing.map_unseal, name="map-unseal"),
    path("maps/<int:pk>/export/<slug:file_format>/", empathy_maps.map_export, name="map-export"),
    path("maps/<int:pk>/notes/", notes.note_create, name="note-create"),
    path("maps/<int:pk>/notes/paste/", notes.notes_paste, name="notes-paste"),
    path("notes/<int:pk>/edit/", notes.note_edit, name="note-edit"),
    path("notes/<int:pk>/delete/", notes.note_delete, name="note-delete"),
    path("notes/<int:pk>/move/", notes.note_move, name="note-move"),
    path("pairs/<int:pk>/", pairs.pair_detail, name="pair-detail"),
    path("pairs/<int:pk>/delete/", pairs.pair_delete, name="pair-delete"),
]
