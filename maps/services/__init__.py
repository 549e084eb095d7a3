"""Writes. The only code that changes maps-app models; each entry point checks the
caller's role and owns its transaction.

    workspaces      workspaces
    memberships     who belongs to a workspace, in which role
    personas        personas
    empathy_maps    a map's details
    sealing         sealing and unsealing, and the guard against writing to a sealed map
    notes           a map's notes, one at a time or in bulk
    imports         map files and board exports stored as notes
    pairs           pairs of an internal and a customer map
    demo_workspace  the demo workspace of `make run`

The entry points and the errors callers catch are importable from here too
(`from maps import services; services.note_create(...)`).
"""

from maps.services.demo_workspace import demo_load
from maps.services.empathy_maps import map_create, map_delete, map_update
from maps.services.imports import (
    BoardImportResult,
    FileImportResult,
    ImportRejected,
    map_import,
    map_import_board,
    map_import_file,
    map_import_read,
)
from maps.services.memberships import (
    LAST_OWNER_MESSAGE,
    membership_add,
    membership_join,
    membership_leave,
    membership_remove,
    membership_update,
)
from maps.services.notes import (
    BulkRejected,
    NoteData,
    note_create,
    note_delete,
    note_move,
    note_update,
    notes_bulk_create,
    notes_bulk_delete,
    notes_bulk_update,
    notes_paste,
)
from maps.services.pairs import pair_create, pair_delete
from maps.services.personas import persona_create, persona_delete, persona_update
from maps.services.sealing import MapSealed, map_seal, map_unseal
from maps.services.workspaces import workspace_create, workspace_delete, workspace_update

__all__ = [
    "LAST_OWNER_MESSAGE",
    "BulkRejected",
    "BoardImportResult",
    "FileImportResult",
    "ImportRejected",
    "MapSealed",
    "NoteData",
    "demo_load",
    "map_create",
    "map_delete",
    "map_import",
    "map_import_board",
    "map_import_file",
    "map_import_read",
    "map_seal",
    "map_unseal",
    "map_update",
    "membership_add",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_update",
    "note_create",
    "note_delete",
    "note_move",
    "note_update",
    "notes_bulk_create",
    "notes_bulk_delete",
    "notes_bulk_update",
    "notes_paste",
    "pair_create",
    "pair_delete",
    "persona_create",
    "persona_delete",
    "persona_update",
    "workspace_create",
    "workspace_delete",
    "workspace_update",
]
