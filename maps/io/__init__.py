"""Files in and out of a map: CSV/JSON map files and Miro/Mural board exports.

Pure Python (no Django import): the API, the services, the pages and the
``compare_files`` command share these parsers, and they are tested without a database.
They only read and validate; they never store anything.

    limits       how large a file, a map, a note and its fields may be
    map_files    XLSX/CSV/JSON map files: parse, export, the import template
    boards       Miro/Mural board exports: parse into a preview, map areas to segments
    titles       an area title or a segment cell read as a segment: names, questions, synonyms
    note_values  the rules for a note's values both readers apply, with their messages
    decoding     bytes to text (UTF-8 for JSON; UTF-16/Windows-1252/Latin-1 guessed for
                 spreadsheets), and what kind of file the bytes are
    spreadsheet  formula neutralisation of exported cells, and its undoing on import
    messages     the messages in the active language: Django's translation, installed by
                 maps.apps (English without it)
"""
