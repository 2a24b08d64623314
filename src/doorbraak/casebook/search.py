"""Full-text search over examples: PostgreSQL with the Dutch configuration, FTS5 on SQLite.

PostgreSQL: the generated column ``casebook_example.search_vector`` (migration 0002) holds
the weighted tsvector of title (A), regulations (B), solution (B), bottleneck (C) and
outcome (D) under the ``dutch`` configuration, with a GIN index; a search is
``websearch_to_tsquery('dutch', …)`` ranked with ``ts_rank``.

SQLite: the FTS5 table ``casebook_example_fts`` (same columns, ``rowid`` = the example's id)
is kept in step by triggers on the example table; each word of a search is a prefix term
(a poor man's stemming), ranked with ``bm25`` and the same weights.

The SQL below interpolates only constants (table, configuration, weights); what the user
typed is always a parameter (the ``noqa: S608, S611`` marks).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "casebook_example_fts"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: bm25 weights per FTS5 column, as the PostgreSQL weights A, B, B, C, D.
_BM25 = f"bm25({FTS_TABLE}, 10.0, 4.0, 4.0, 2.0, 1.0)"


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def words(text: str, *, limit: int = 12, minimum: int = 1) -> list[str]:
    found = [w.lower() for w in _WORD.findall(text or "") if len(w) >= minimum]
    return list(dict.fromkeys(found))[:limit]


def _fts5_query(terms: list[str], *, any_term: bool) -> str:
    return (" OR " if any_term else " ").join(f'"{t}"*' for t in terms)


def match(query: str, *, any_term: bool = False) -> tuple[Q | RawSQL, RawSQL] | None:
    """``(condition, rank)`` for a search, or None when it has no words.

    ``any_term`` matches examples with any of the words (suggestions) rather than all.
    """
    terms = words(query, minimum=3 if any_term else 1)
    if not terms:
        return None
    if is_postgresql():
        if any_term:
            tsquery = "to_tsquery('dutch', %s)"
            value = " | ".join(terms)
        else:
            tsquery = "websearch_to_tsquery('dutch', %s)"
            value = query
        condition = RawSQL(  # noqa: S611 - constants only; the query is a parameter
            f"casebook_example.search_vector @@ {tsquery}",
            [value],
            output_field=BooleanField(),
        )
        rank = RawSQL(  # noqa: S611 - constants only; the query is a parameter
            f"ts_rank(casebook_example.search_vector, {tsquery})",
            [value],
            output_field=FloatField(),
        )
        return condition, rank
    fts = _fts5_query(terms, any_term=any_term)
    condition = RawSQL(  # noqa: S611 - constants only; the query is a parameter
        f"casebook_example.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
        [fts],
        output_field=BooleanField(),
    )
    rank = RawSQL(  # noqa: S611 - constants only; the query is a parameter
        f"(SELECT -{_BM25} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        f" AND rowid = casebook_example.id)",
        [fts],
        output_field=FloatField(),
    )
    return condition, rank


def ids_in(ids: list[int]) -> Q | RawSQL:
    """``pk IN ids`` for a top-level query of examples: one array parameter on PostgreSQL
    (hundreds of ids compile in no time), the plain lookup elsewhere."""
    if is_postgresql():
        return RawSQL("casebook_example.id = ANY(%s)", [list(ids)], output_field=BooleanField())
    return Q(pk__in=ids)
