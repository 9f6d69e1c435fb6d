"""The talent search index: an embedded tantivy index (BM25 relevance over name, skills and bio;
exact filters on union status, skills, languages and home base; birth dates for age ranges) kept
in this process's memory as a read model of the talent collection.

Only the talent id is stored in the index: names, bios and birth dates are indexed to be
matched, never handed back (personal data stays in the store, behind its guards).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date

import tantivy

from casting.domain.search import IndexedTalent, TalentQuery

_EPOCH = date(1970, 1, 1)
_TEXT_FIELDS = ["name", "skills", "bio"]
_BOOSTS = {"name": 3.0, "skills": 2.0, "bio": 1.0}
WRITER_HEAP = 50_000_000


def _days(day: date) -> int:
    return (day - _EPOCH).days


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in _TEXT_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    for name in ("skill", "language", "home", "union"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("born", stored=False, indexed=True, fast=True)
    return builder.build()


class TalentIndex:
    """The index in memory; `put` and `remove` apply changes, `search` answers. Thread-safe for
    one writer at a time (the use cases refresh it under their own lock)."""

    def __init__(self) -> None:
        self._schema = _schema()
        self._index = tantivy.Index(self._schema)
        self._writer = self._index.writer(WRITER_HEAP, 1)
        self._lock = threading.Lock()
        self.size = 0

    def put(self, talent: Sequence[IndexedTalent]) -> None:
        """Add or replace these talent (by id) and make them searchable."""
        if not talent:
            return
        with self._lock:
            for t in talent:
                self._writer.delete_documents_by_term("id", t.id)
                self._writer.add_document(self._document(t))
            self._writer.commit()
            self._index.reload()
            self.size = self._index.searcher().num_docs

    def _document(self, t: IndexedTalent) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("id", t.id)
        doc.add_text("name", t.name)
        doc.add_text("skills", " ".join(t.skills))
        doc.add_text("bio", t.bio)
        for skill in t.skills:
            doc.add_text("skill", skill.casefold())
        for language in t.languages:
            doc.add_text("language", language.casefold())
        if t.home_base:
            doc.add_text("home", t.home_base.casefold())
        if t.union_status is not None:
            doc.add_text("union", t.union_status.value)
        doc.add_integer("born", _days(t.date_of_birth))
        return doc

    def search(self, query: TalentQuery, *, limit: int, offset: int) -> tuple[list[str], int]:
        """The ids of the best matches from `offset` (relevance first, then id), and how many
        match in all."""
        searcher = self._index.searcher()
        result = searcher.search(self._query(query), limit=limit, offset=offset, count=True)
        ids = [searcher.doc(address)["id"][0] for _, address in result.hits]
        # `count` is there at run time; the package's stub leaves it out.
        total: int | None = getattr(result, "count", None)
        return ids, total or 0

    def stored(self, talent_id: str) -> dict[str, list[object]]:
        """What the index hands back for a talent: its stored fields (only the id)."""
        searcher = self._index.searcher()
        query = tantivy.Query.term_query(self._schema, "id", talent_id)
        hits = searcher.search(query, limit=1).hits
        return {} if not hits else dict(searcher.doc(hits[0][1]).to_dict())

    def _query(self, q: TalentQuery) -> tantivy.Query:
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if q.words:
            must.append(
                (
                    tantivy.Occur.Must,
                    self._index.parse_query(q.words, _TEXT_FIELDS, field_boosts=_BOOSTS),
                )
            )
        terms = [
            *(("skill", s) for s in q.skills),
            *(("language", lang) for lang in q.languages),
        ]
        if q.home_base:
            terms.append(("home", q.home_base))
        if q.union_status is not None:
            terms.append(("union", q.union_status.value))
        for field, value in terms:
            must.append((tantivy.Occur.Must, tantivy.Query.term_query(self._schema, field, value)))
        if q.born_after is not None or q.born_on_or_before is not None:
            must.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(
                        self._schema,
                        "born",
                        tantivy.FieldType.Integer,
                        _days(q.born_after) + 1 if q.born_after is not None else None,
                        _days(q.born_on_or_before) if q.born_on_or_before is not None else None,
                    ),
                )
            )
        if not must:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query(must)
