"""How large an imported file, a map, a note and its fields may be.

The models, forms, services and both file readers share these, so a note that fits
one path into a map fits every other.
"""

MAX_FILE_BYTES = 2 * 1024 * 1024  # 2 MB: ~5,000 long notes; Django promises nothing past 2.5 MB
MAX_NOTES_PER_MAP = 5_000  # the engine's dense matrices stay small (DESIGN: 5,000² per segment)
MAX_NOTE_CHARS = 500  # DESIGN: a note is 1-500 characters after trimming
MAX_AUTHOR_CHARS = 100  # Note.author's max_length
MAX_ID_CHARS = 100  # room for UUIDs and board ids (Miro, Mural) with prefixes
MAX_COLOUR_CHARS = 32  # "#RRGGBBAA" or a Miro colour name such as "light_yellow"
MAX_TITLE_CHARS = 200  # longer "titles" are paragraphs of text, shown shortened
MAX_VOTES = 1_000_000  # dot-voting weights are small; this only rejects garbage and overflow
# A file with every row wrong (wrong delimiter, wrong format) would otherwise answer with
# tens of thousands of errors; the first thousand already show the pattern.
MAX_REPORTED_ERRORS = 1_000
# An XLSX file is zipped XML: a 2 MB upload may unpack to gigabytes. 5,000 notes of 500
# characters are 2.5 MB of text; with the XML around them a real sheet stays far below.
MAX_XLSX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_XLSX_PARTS = 1_000  # a workbook of a few sheets has a few dozen parts
MAX_XLSX_COLUMNS = 50  # a note has five fields; cells further right are not read
