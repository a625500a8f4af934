"""The typed fact: what the extractor produces and every later stage consumes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXTRACTOR_VERSION = "kg-extract/0.1"

# relation -> the fields that identify a fact of that relation
RELATIONS: dict[str, tuple[str, ...]] = {
    "holds": ("person", "post", "body"),
    "held": ("person", "post", "body"),
    "elected": ("person", "post", "body"),
    "appointed": ("person", "post", "body"),
    "dismissed": ("person", "post", "body"),
    "chairs": ("person", "event"),
    "awards": ("giver", "award", "recipient"),
    "adopts": ("body", "resolution"),
    "mentions": ("person",),
}
MEMBERSHIP_RELATIONS = ("holds", "held", "elected", "appointed", "dismissed")

# The columns of the facts export, in order (a stable interface: add at the end only).
EXPORT_FIELDS = (
    "article", "relation", "person", "post", "body", "giver", "award", "recipient",
    "resolution", "event", "date", "sentence", "start", "end", "confidence",
    "sentence_index", "post_id", "extractor",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fact:
    """One extracted fact with its provenance.

    ``start``/``end`` index ``Article.text`` (title, blank line, body); ``sentence`` is
    the evidence sentence and ``sentence_index`` its position in the article.
    Field values keep the article's spelling.
    """

    article: str
    relation: str
    person: str = ""
    post: str = ""
    body: str = ""
    giver: str = ""
    award: str = ""
    recipient: str = ""
    resolution: str = ""
    event: str = ""
    date: str = ""
    sentence: str = ""
    start: int = 0
    end: int = 0
    confidence: float = 1.0
    sentence_index: int = 0
    post_id: str = ""  # IRI of the SKOS post concept
    extractor: str = EXTRACTOR_VERSION
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def row(self) -> dict[str, object]:
        d = asdict(self)
        d.pop("extra")
        return {k: d[k] for k in EXPORT_FIELDS}

    def identity(self) -> tuple[str, ...]:
        """What makes two facts of one article the same fact (for de-duplication)."""
        return (self.relation, *(getattr(self, f) for f in RELATIONS[self.relation]))
