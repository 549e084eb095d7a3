"""Web pages of the maps app, one module per thing a page shows or changes.

Thin views: every object is fetched through a scoped selector (another workspace's
object answers 404), every write goes through a service (which checks the role and
raises PermissionDenied, Django's 403). Write views also check the editor role before
showing a form, so a viewer gets 403 whether they GET or POST. Service errors go onto
the form; nothing is swallowed.

    pages         the page frame, confirmations and checks every view shares
    workspaces    the home page and workspaces
    personas      personas
    empathy_maps  a map's details, deletion and export
    board         the map board: six segments of note cards with their editors
    notes         adding, pasting, editing, moving and deleting notes
    imports       map files (Excel, CSV, JSON) brought into a map, the import template
    board_imports Miro/Mural boards brought into a map: preview, mapping, confirm
    sealing       sealing and unsealing a map's hypotheses
    pairs         pairs of an internal and a customer map
"""
