"""Read and write empathy-map files (CSV and JSON).

Contract
    ``parse_map_file`` returns every note of a file or raises ``MapFileError``
    listing *every* problem it found (not just the first; past
    ``MAX_REPORTED_ERRORS`` one closing error says how many more there are), each
    with the row and column a person can look up. File-level problems (size,
    encoding, unreadable JSON, bad header, too many notes) come alone, with row
    and column None. Anything a user can upload ends in one of those two
    outcomes; no other exception escapes.

Layouts
    JSON when the filename ends with ``.json`` or the content starts with ``{`` or
    ``[``, otherwise CSV. UTF-8, with or without BOM. The accepted shapes and how
    their rows are numbered are described in ``csv_layout`` and ``json_layout``.

Spreadsheet formulas
    ``export_csv`` neutralises cells a spreadsheet would run, and the CSV reader
    undoes exactly that, so CSV export -> import round-trips (``maps.io.spreadsheet``).
"""

from maps.io.map_files.export import ExportNote, export_csv, export_json
from maps.io.map_files.parsing import MapFileRead, describe_read, parse_map_file, read_map_file
from maps.io.map_files.rows import COLUMNS, MapFileError, ParsedNote, RowError
from maps.io.map_files.template import template_csv, template_xlsx

__all__ = [
    "COLUMNS",
    "ExportNote",
    "MapFileError",
    "MapFileRead",
    "ParsedNote",
    "RowError",
    "describe_read",
    "export_csv",
    "export_json",
    "parse_map_file",
    "read_map_file",
    "template_csv",
    "template_xlsx",
]
