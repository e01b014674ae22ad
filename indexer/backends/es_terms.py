"""Which of a query's words Elasticsearch searches, and as what: decided on the client with the
project's own analyzer before the bodies are built (es_queries.keyword_query), so a question
reads as the embedded backend reads it.

- A plain word that analyses to nothing (a stop word: since mapping v8 the index's stop filter
  holds the same list, mappings/stopwords_nl.txt) is left out. Elasticsearch would keep it as a
  should-clause that matches nothing, and coordination (es_queries.coordinated_keyword_query) would count it: every
  passage's share of "hoe kan ik ouders bij school betrekken" would be out of seven words
  instead of three.
- An English glossary phrase ("early school leaving") becomes one clause of its words and its
  Dutch renderings ("voortijdig schoolverlaten"), as the embedded analyzer adds glossary terms.
- A common English word the glossary does not translate and whose analysed form is no Dutch
  word either ("the", "after") is soft: it scores where it occurs but is not required.
- A % sign typed apart from its number ("36 %") goes with the number ("36%"), which the index's
  gka_percent char filter reads as "36 procent", as the embedded analyzer adds procent.
- A verb whose particle stands apart ("hoe pak je thuiszitten aan") is searched with the joined
  verb too ("pak aanpakken"), as the embedded analyzer adds its term.
"""
from __future__ import annotations

from indexer.analysis.text_norm import PERCENT_DIGITS, fold, tokenize
from indexer.backends.es_queries import PlannedQuery
from indexer.ranking.query_syntax import Clause, ParsedQuery
from indexer.analysis.english import is_english_form


def plan_query(query: ParsedQuery, analyzer) -> ParsedQuery:
    """``query`` as this backend searches it; unchanged when it has no plain word to plan, or
    when nothing would be left to search."""
    clauses: list[Clause] = []
    soft: list[str] = []
    run: list[tuple[str, str]] = []  # adjacent one-word clauses: (word as typed, folded)
    # the whole question decides whether it is Dutch, as for the embedded backend's query terms
    context = [fold(t.surface) for t in tokenize(query.text)]

    def flush() -> None:
        spans = {start: (end, renderings)
                 for start, end, renderings in analyzer.glossary_spans([w for _, w in run], context)}
        joined = analyzer.separable_verbs(" ".join(typed for typed, _ in run))
        i = 0
        while i < len(run):
            if i in spans:
                end, renderings = spans[i]
                clauses.append(Clause(terms=(" ".join([t for t, _ in run[i:end]] + list(renderings)),)))
                i = end
                continue
            typed, word = run[i]
            terms = analyzer.query_terms(typed)
            if _english_only(word, terms, analyzer):
                soft.append(typed)
            elif terms or i in joined:
                clauses.append(Clause(terms=(f"{typed} {joined[i]}" if i in joined else typed,)))
            i += 1
        run.clear()

    for clause in query.clauses:
        plain = len(clause.terms) == 1 and not clause.phrases
        words = [fold(t.surface) for t in tokenize(clause.terms[0])] if plain else []
        if plain and len(words) == 1:
            run.append((clause.terms[0], words[0]))
        elif plain and clause.terms[0] == "%" and run and run[-1][0][-1] in PERCENT_DIGITS:
            # "36 %": the sign is a clause of its own, searched alone it is nothing; the embedded
            # analyzer reads it after the number (36 and procent), so the number is sent with it
            # for the index's gka_percent char filter ("36%" -> "36 procent")
            typed, word = run[-1]
            run[-1] = (typed + "%", word)
        elif not plain or words:  # a plain "?" or "-" analyses to nothing, as a stop word
            flush()
            clauses.append(clause)
    flush()
    if not clauses and not query.phrases:
        return query
    return PlannedQuery(raw=query.raw, text=query.text, clauses=tuple(clauses), excluded=query.excluded,
                        phrases=query.phrases, soft=tuple(soft))


def _english_only(word: str, terms, analyzer) -> bool:
    """A common English word that neither itself nor its analysed form is Dutch: "after",
    "schools" (stemmed "schol"); not "students" or "projects", whose stems Dutch passages hold."""
    if not is_english_form(word) or analyzer.is_dutch_word(word):
        return False
    return not any(analyzer.is_dutch_word(t.term) for t in terms if t.origin == "word")
