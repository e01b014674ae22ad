"""Snippets with the real Dutch analyzer: best sentences, variants marked, escaping, cuts."""
import html

import pytest

from indexer.analysis import get_analyzer
from indexer.ranking import snippets, term_memo
from indexer.ranking.snippets import SNIPPET_WORDS, Snippeter

FILLER = "Dit is een zin over het weer en de trein naar huis vandaag."  # 13 words, no query term


@pytest.fixture(scope="module")
def analyzer():
    return get_analyzer()


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch):
    monkeypatch.setattr(term_memo, "_CACHES", {})


def test_the_best_sentence_is_shown_not_the_first(analyzer):
    answer = "De huiswerkbegeleiding voor leerlingen start na schooltijd in de bibliotheek."
    text = " ".join([FILLER] * 5 + [answer] + [FILLER] * 5)
    out = Snippeter(analyzer, "begeleiding bij huiswerk").snippet(text)
    assert out.startswith("… ") and out.endswith(" …")
    assert "<mark>huiswerkbegeleiding</mark> voor leerlingen start na schooltijd" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "").split()) <= SNIPPET_WORDS * 1.5 + 2


def test_neighbouring_sentence_with_more_query_terms_is_preferred(analyzer):
    text = " ".join([FILLER] * 3 + ["Ouders lezen voor.", FILLER, "Ouders en school lezen samen voor."])
    out = Snippeter(analyzer, "ouders school").snippet(text, max_words=6)
    assert "<mark>Ouders</mark> en <mark>school</mark> lezen samen voor." in out


def test_words_inside_punctuated_tokens_are_marked_alone(analyzer):
    text = "Betrek (ouders/buren), vooral de vaders. Het mbo-student project loopt."
    out = Snippeter(analyzer, "ouders").snippet(text)
    assert "(<mark>ouders</mark>/buren)," in out
    assert "<mark>mbo-student</mark>" in Snippeter(analyzer, "mbo-student").snippet(text)


def test_markup_in_text_is_escaped_and_whitespace_collapsed(analyzer):
    text = 'De <script>alert("x")</script> ouders &\n\n  school   samen.'
    out = Snippeter(analyzer, "ouders").snippet(text)
    assert out == 'De &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>ouders</mark> &amp; school samen.'


@pytest.mark.parametrize("address", [
    "https://www.example.nl/ouderbetrokkenheid-in-de-klas?ouders=1&amp=2",
    "www.example.nl/ouderbetrokkenheid",
    "nro.nl/onderzoeksprojecten/ouderbetrokkenheid",
    "ouderbetrokkenheid@school.nl",
    "ouderbetrokkenheid.nl",
])
def test_a_web_address_is_shown_whole_and_escaped_never_marked(analyzer, address):
    # a query word in a link's slug is no word of the text: marking it broke the address up
    text = f"Meer over ouderbetrokkenheid staat op ({address}). Ouders zijn welkom."
    out = Snippeter(analyzer, "ouderbetrokkenheid ouders").snippet(text)
    assert f"({html.escape(address)})." in out
    assert out.count("<mark>") == 2 and "<mark>ouderbetrokkenheid</mark> staat op" in out


def test_no_match_shows_the_start_and_empty_query_marks_nothing(analyzer):
    text = " ".join([FILLER] * 10)
    for query in ("klimaatbeleid", ""):
        out = Snippeter(analyzer, query).snippet(text)
        assert out.startswith("Dit is een zin") and "<mark>" not in out and out.endswith(" …")


def test_a_page_of_snippets_matches_one_by_one(analyzer):
    texts = ["Ouders helpen. " + FILLER, FILLER + " Leraren en ouders praten.", "", FILLER]
    one = [Snippeter(analyzer, "ouders leraren").snippet(t) for t in texts]
    assert Snippeter(analyzer, "ouders leraren").snippets(texts) == one
    assert one[2] == "" and "<mark>Leraren</mark>" in one[1]


def test_concurrent_queries_with_a_memo_emptied_all_the_time_mark_alike(analyzer, monkeypatch):
    import random
    import sys
    import threading

    texts = ["De huiswerkbegeleiding start na schooltijd. Ouders helpen mee bij het lezen.",
             "Leraren en ouders praten samen over de overgang naar het voortgezet onderwijs.",
             "In Schiedam krijgen leerlingen met een taalachterstand extra lessen Nederlands.",
             "Voorlezen thuis helpt jonge kinderen. " + FILLER + " De bibliotheek leent boeken uit."]
    queries = ["huiswerk", "ouders", "achterstand in taal", "voorlezen", "overgang vo", "boeken lenen"]
    work = [(q, random.Random(i).sample(texts, 3)) for i, q in enumerate(queries * 3)]
    expected = [Snippeter(analyzer, q).snippets(ts) for q, ts in work]
    monkeypatch.setattr(term_memo.TermMemo, "MAX_WORDS", 8)  # emptied every few tokens
    monkeypatch.setattr(term_memo, "_CACHES", {})
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    wrong = []

    def run(seed):
        rng = random.Random(seed)
        for _ in range(60):
            i = rng.randrange(len(work))
            if Snippeter(analyzer, work[i][0]).snippets(work[i][1]) != expected[i]:
                wrong.append(i)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(4)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not wrong


# three ~40-word sentences: each is one sentence window of the build (passages.window_groups)
SENTENCES = [
    "De school organiseert elke week een spreekuur voor ouders over de schooladviezen, zodat zij "
    "weten welke keuzes hun kind heeft en welke vragen zij aan de leerkracht kunnen stellen over "
    "het vervolg na groep acht en de overstap.",
    "In de wijk werken de bibliotheek, het buurthuis en de scholen samen aan taalactiviteiten na "
    "schooltijd, met vrijwilligers die kinderen helpen bij het lezen en de ouders uitnodigen om "
    "mee te doen met de activiteiten in de wijk.",
    "Gezinnen met weinig geld krijgen via de gemeente een bijdrage voor schoolreisjes, sportclubs "
    "en muziekles, zodat kinderen uit arme gezinnen niet buiten de boot vallen bij activiteiten "
    "die voor andere kinderen vanzelfsprekend zijn in het onderwijs.",
]


def test_window_similarity_picks_the_sentence_a_paraphrase_asks_for(analyzer):
    """An English question shares no term with the text (nor its glossary): without semantic evidence the snippet is
    the passage's start; with the windows' similarities it is the window the query is closest to."""
    from indexer.passages import sentence_windows

    text = " ".join(SENTENCES)
    assert sentence_windows(text) == SENTENCES  # the windows the build embeds
    snip = Snippeter(analyzer, "who pays for the excursions")
    assert snip.snippet(text).startswith("De school organiseert")
    out = snip.snippets([text], windows=[[0.80, 0.81, 0.86]])[0]
    assert out.startswith("… ") and "Gezinnen met weinig geld" in out and "De school organiseert" not in out


def test_keyword_evidence_outweighs_a_semantic_preference_of_noise_size(analyzer):
    text = " ".join(SENTENCES)
    snip = Snippeter(analyzer, "spreekuur schooladviezen")
    # windows within a few thousandths of each other (an engine's noise): the query's words decide
    out = snip.snippets([text], windows=[[0.850, 0.851, 0.854]])[0]
    assert out.startswith("De ") and "<mark>spreekuur</mark>" in out
    # keyword and semantic evidence in agreement: the same sentence
    assert snip.snippets([text], windows=[[0.86, 0.81, 0.80]])[0] == out


def test_a_clear_semantic_preference_outweighs_the_query_words(analyzer):
    """The sentence the question is clearly closest to is shown, also when another sentence holds
    more of its words: those are often the question's setting, not its answer."""
    text = " ".join(SENTENCES)
    out = Snippeter(analyzer, "spreekuur schooladviezen").snippets([text], windows=[[0.80, 0.81, 0.86]])[0]
    assert "Gezinnen met weinig geld" in out and "spreekuur" not in out


def test_windows_that_do_not_line_up_with_the_sentences_are_ignored(analyzer):
    text = " ".join(SENTENCES)
    snip = Snippeter(analyzer, "who pays for the excursions")
    plain = snip.snippet(text)
    assert snip.snippets([text], windows=[[0.80, 0.86]])[0] == plain  # two windows for three
    assert snip.snippets([text], windows=[[0.84, 0.84, 0.84]])[0] == plain  # no preference
    assert snip.snippets([text], windows=[[0.80, float("nan"), 0.86]])[0] == plain  # a corrupt vector
    assert snip.snippets([text, text], windows=[None, [0.80, 0.81, 0.86]])[0] == plain


def test_a_synonym_word_without_its_siblings_is_not_marked(analyzer):
    for text, lonely in (("Een hulpmiddel voor het vo.", "hulpmiddel"), ("Van de basisschool naar het vo.", "basisschool")):
        out = Snippeter(analyzer, "vo").snippet(text)
        assert "<mark>vo</mark>" in out and f"<mark>{lonely}</mark>" not in out
    both = Snippeter(analyzer, "vo").snippet("Op de middelbare school gaat het beter.")
    assert "<mark>middelbare</mark>" in both and "<mark>school</mark>" in both


def test_a_synonym_word_is_marked_only_in_a_sentence_with_its_siblings(analyzer):
    # thuiszitters = "thuis zitten": the passage holds both words, the first sentence only "zit"
    text = ("De kern van het probleem zit in de aanpak. Veel kinderen blijven thuis en zitten zonder "
            "onderwijs. Ook thuis speelt dat.")
    out = Snippeter(analyzer, "thuiszitters").snippet(text, max_words=80)
    assert out.count("<mark>") == 2
    assert "blijven <mark>thuis</mark> en <mark>zitten</mark>" in out
    assert "probleem zit in" in out and "Ook thuis speelt" in out


@pytest.mark.parametrize("order", [("reken", "lez", "schrijv"), ("schrijv", "lez", "reken"), ("lez", "reken", "schrijv")])
def test_a_tie_between_sentences_does_not_hang_on_the_order_of_summing(analyzer, order):
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 or 0.6 by order; a sentence's terms are a set, whose
    # order changes with the process's hash seed, so the shown sentence did too
    snip = Snippeter(analyzer, "taal rekenen lezen schrijven")
    snip.weights = {"taal": 0.6, **dict(zip(order, (0.1, 0.2, 0.3)))}
    out = snip.snippet("Taal staat bij ons voorop. Rekenen, lezen en schrijven volgen daarna.", max_words=5)
    assert "<mark>Taal</mark>" in out and "Rekenen" not in out  # equal scores: the first sentence


def test_a_snippet_is_bounded_in_characters(analyzer):
    """QA: a passage of letters without spaces gave a 1.34 MB snippet."""
    from indexer.ranking.snippets import SNIPPET_MAX_CHARS

    letters = "ab&cd" * 1000  # one 5,000-character token; "&" escapes to five characters
    out = Snippeter(analyzer, "ouders").snippet(letters)
    assert len(out) <= SNIPPET_MAX_CHARS and out.startswith("ab&amp;cd") and out.endswith(" …")
    # long words, many of them marked: whole tokens, marks and all, within the cap
    words = " ".join(f"ouders-{'x' * 300}-{i}" for i in range(40)) + "."
    out = Snippeter(analyzer, "ouders").snippet(words)
    assert len(out) <= SNIPPET_MAX_CHARS and out.endswith(" …")
    assert out.count("<mark>") == out.count("</mark>") >= 1 and out.startswith("<mark>ouders-x")
    # ... and a snippet after the start of its passage
    out = Snippeter(analyzer, "ouders").snippet(" ".join([FILLER] * 6 + [words]))
    assert len(out) <= SNIPPET_MAX_CHARS and out.startswith("… ") and "<mark>ouders-x" in out


def test_the_character_cap_leaves_ordinary_snippets_as_they_were(analyzer, monkeypatch):
    text = " ".join([FILLER] * 5 + ["De huiswerkbegeleiding voor ouders & leerlingen start vroeg."] + [FILLER] * 5)
    before = [Snippeter(analyzer, q).snippet(text) for q in ("ouders", "huiswerk", "")]
    monkeypatch.setattr(snippets, "SNIPPET_MAX_CHARS", 10**9)
    assert [Snippeter(analyzer, q).snippet(text) for q in ("ouders", "huiswerk", "")] == before


def test_a_separable_verb_written_apart_is_shown_and_marked(analyzer):
    # the keyword side finds "werken ... samen" for "samenwerking"; the snippet shows why
    text = " ".join([FILLER] * 4 + ["De scholen in de wijk werken nauw samen met de buurthuizen."] + [FILLER] * 4)
    out = Snippeter(analyzer, "samenwerking").snippet(text, max_words=12)
    assert "<mark>werken</mark> nauw <mark>samen</mark> met de buurthuizen" in out
    out = Snippeter(analyzer, "een schakelklas inrichten").snippet(
        "Zo richten de scholen een schakelklas in voor nieuwkomers. Om een klas in te richten is geld nodig.")
    assert "<mark>richten</mark> de scholen een <mark>schakelklas</mark> <mark>in</mark> voor" in out
    assert "<mark>in</mark> te <mark>richten</mark> is" in out


def test_words_of_no_separable_verb_are_not_marked_for_one(analyzer):
    # "in" is a preposition here, and a passage saying "samenwerking" needs no verb marks
    assert "<mark>" not in Snippeter(analyzer, "inrichten").snippet("Ze werken in Utrecht met plezier.")
    out = Snippeter(analyzer, "samenwerking").snippet("Hun samenwerking loopt goed. Ze werken nauw samen.")
    assert out == "Hun <mark>samenwerking</mark> loopt goed. Ze werken nauw samen."
