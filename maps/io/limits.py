"""How large an imported file, a map, a note and its fields may be.

The models, forms, services and both file readers share these, so a note that fits
one path into a map fits every other.
"""

MAX_FILE_BYTES = 2 * 1024 * 1024  # 2 MB: ~5,000 long notes; Django promises nothing past 2.5 MB
MAX_NOTES_PER_MAP = 5_000  # the engine's dense matrices stay small (DESIGN: 5,000² per segment)
MAX_NOTE_CHARS = 500  # DESIGN: a note is 1-500 characters after trimming
MAX_AUTHOR_CHARS = 100  # Note.author's max_length
MAX_ID_CHARS = 100  # room for UUIDs and board ids (Miro, Mural) with prefixes
MAX_VOTES = 1_000_000  # dot-voting weights are small; this only rejects garbage and overflow
# A file with every row wrong (wrong delimiter, wrong format) would otherwise answer with
# tens of thousands of errors; the first thousand already show the pattern.
MAX_REPORTED_ERRORS = 1_000
