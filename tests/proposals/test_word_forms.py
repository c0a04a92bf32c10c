"""Norwegian word forms: the same searches find the same proposals on SQLite (its FTS5 index
of the stems made in Python) and on PostgreSQL (its ``norwegian`` configuration). Every test
here but the last runs on both engines with the same expected hits."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.proposals import queries, search, services, stems
from app.proposals.models import Proposal

CORPUS = {
    "bike": ("Sykkelvei til skolen", "Bygg en trygg sykkelvei langs Hyttelva.", "Det haster."),
    "lanes": ("Nye sykkelveier i sentrum", "Fargede felt i Kjerkgata.", "Som i Trondheim."),
    "school": ("Skulen treng ein gymsal", "Elevane på skulen har ingen gymsal.", "Eg meiner det."),
    "kindergartens": ("Barnehagar i bygdene", "Fleire plassar i Glåmos.", "Det er lange køar."),
    "lights": ("Gatelys i Bergmannsgata", "Lys på hele gata.", "Mørkt om vinteren."),
}

#: query -> the proposals it finds (every word, each as a stem and a prefix)
CASES = {
    "sykkelvei": {"bike", "lanes"},
    "sykkelveier": {"bike", "lanes"},
    "sykkelveien": {"bike", "lanes"},
    "Sykkelveiene": {"bike", "lanes"},
    "sykkelveiar": {"bike", "lanes"},  # Nynorsk plural
    "sykkel": {"bike", "lanes"},  # a prefix
    "sykk": {"bike", "lanes"},
    "skole": {"bike"},
    "skolene": {"bike"},
    "skule": {"school"},
    "skular": {"school"},
    "skulane": {"school"},
    "barnehage": {"kindergartens"},
    "barnehagen": {"kindergartens"},
    "gatene": {"lights"},
    "vinter": {"lights"},
    "sykkelveier skolen": {"bike"},
    "sykkelveier og skolen": {"bike"},  # a stop word asks for nothing
    "sykkelvei, skolen!": {"bike"},
    "sykkelvei gymsal": set(),
    "trondheim": {"lanes"},
    "glåmos": {"kindergartens"},
    "glamos": set(),  # å stays å
    "elev": {"school"},
}


@pytest.fixture
def corpus(open_proposal) -> dict[int, str]:
    made = {}
    for name, (title, summary, body) in CORPUS.items():
        proposal = open_proposal(title=title, summary=summary, body=body)
        made[proposal.id] = name
    db.session.commit()
    return made


def _found(corpus: dict[int, str], query: str) -> set[str]:
    return {corpus[p.id] for p in db.session.scalars(queries.proposals(q=query))}


@pytest.mark.parametrize(("query", "expected"), CASES.items())
def test_a_search_finds_the_word_forms_of_its_words(corpus, query, expected):
    assert _found(corpus, query) == expected
    assert search.hits(query) == queries.count(q=query) == len(expected)


def test_a_search_of_stop_words_alone_searches_for_nothing(corpus):
    assert search.words("og i på det") == []
    assert search.hits("og i på det") is None
    assert queries.count(q="og i på det") == len(CORPUS)


def test_many_hits_read_in_list_order_find_the_same_word_forms(corpus):
    few = db.session.scalars(queries.proposals(q="sykkelveiene", hits=1)).all()
    many = db.session.scalars(queries.proposals(q="sykkelveiene", hits=search.MANY_HITS)).all()
    assert [p.id for p in few] == [p.id for p in many]
    assert {corpus[p.id] for p in few} == {"bike", "lanes"}


def test_similar_proposal_hints_find_word_forms(corpus):
    text = "Tryggere sykkelveiar til skulen"
    hinted = {corpus[p.id] for p in db.session.scalars(queries.similar(text))}
    assert hinted == {"bike", "lanes", "school"}
    assert not db.session.scalars(queries.similar("og i på")).all()


def test_an_edit_is_searched_in_its_new_word_forms(corpus, resident):
    proposal = db.session.get(Proposal, next(i for i, n in corpus.items() if n == "lights"))
    services.update_proposal(
        proposal.author, proposal, title="Gatelys ved skolene", summary="Lys.", body="Mørkt."
    )
    db.session.commit()
    assert _found(corpus, "skole") == {"bike", "lights"}
    assert _found(corpus, "vinter") == set()


def test_the_search_page_finds_word_forms(app, corpus):
    page = app.test_client().get("/proposals/?q=sykkelveiene").get_data(as_text=True)
    assert "2 forslag" in page
    assert "Sykkelvei til skolen" in page
    assert "Nye sykkelveier i sentrum" in page


def test_restem_catches_up_with_a_write_that_bypassed_the_app(app, corpus):
    """An UPDATE of the text outside the ORM (as in the sqlite3 shell) leaves the old stems
    on SQLite, and the index consistent with them; `flask proposals restem` writes them
    anew. PostgreSQL's tsvector follows the text by itself, and restem has nothing to do."""
    table = Proposal.__table__
    lights = next(i for i, n in corpus.items() if n == "lights")
    db.session.execute(
        sa.update(table).where(table.c.id == lights).values(summary="Lys ved skulane.")
    )
    db.session.commit()
    sqlite = db.engine.dialect.name == "sqlite"
    assert _found(corpus, "skular") == ({"school"} if sqlite else {"school", "lights"})
    result = app.test_cli_runner().invoke(args=["proposals", "restem"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{1 if sqlite else 0} proposals stemmed again\n"
    assert _found(corpus, "skular") == {"school", "lights"}
    assert _found(corpus, "vinter") == {"lights"}  # the body's words are still there
    assert search.restem() == 0


def test_upgrading_stems_the_proposals_already_there(app, corpus):
    """The migration that brings the stems fills them for the rows it finds (and its
    downgrade leaves a search of the words as written)."""
    db.session.remove()
    flask_migrate.downgrade(revision="e2b7c4d9a613")
    flask_migrate.upgrade()
    assert _found(corpus, "sykkelveier") == {"bike", "lanes"}
    assert search.hits("skular") == 1


#: Words as residents write them, in Bokmål and Nynorsk, with stop words among them
_SAMPLE = (
    "sykkelveiene skulane barnehagar kommunen kommunens vegane bygdene idrettslaget "
    "kjærligheten farlige trygghet utbyggingen fylkeskommunale heimane nynorsken og i på "
    "ikkje korleis kva eg ein det er som også husene gatelysa løypene fiskevatna"
).split()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(_SAMPLE) | st.text(alphabet="abdefgijklmnoprstuvyæøå", min_size=1),
        min_size=1,
        max_size=8,
    )
)
def test_the_stems_are_postgresqls(app, words):
    """The Python stems (what SQLite indexes and searches) are the lexemes PostgreSQL's
    norwegian configuration makes of the same words, stop words left out alike."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("compares with PostgreSQL's to_tsvector")
    text = " ".join(words)
    vector = db.session.scalar(
        sa.text("SELECT array_to_string(tsvector_to_array(to_tsvector('norwegian', :t)), ' ')"),
        {"t": text},
    )
    assert set(stems.stems([text]).split()) == set(vector.split())


#: Word forms, in Bokmål and Nynorsk, that share a stem within a group; no group's stem is
#: a prefix of another's
_FORMS = [
    group.split()
    for group in (
        "sykkelvei sykkelveien sykkelveier sykkelveiene sykkelveiar sykkelveiane",
        "skule skulen skular skulane",
        "skole skolen skoler skolene",
        "barnehage barnehagen barnehager barnehagene barnehagar barnehagane",
        "veg vegen vegar vegane",
        "bygd bygda bygder bygdene",
        "lekeplass lekeplassen lekeplasser lekeplassene",
        "gate gata gaten gater gatene",
        "kommune kommunen kommuner kommunene kommunar",
        "idrettshall idrettshallen idrettshaller idrettshallane",
    )
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    written=st.dictionaries(st.integers(0, len(_FORMS) - 1), st.integers(0, 5), max_size=4),
    asked=st.tuples(st.integers(0, len(_FORMS) - 1), st.integers(0, 5)),
    filler=st.lists(st.sampled_from(["og", "i", "på", "ikkje", "Røros", "ny", "trygg"])),
)
def test_any_form_finds_a_proposal_with_any_form_of_the_word(open_proposal, written, asked, filler):
    """A proposal that uses some form of a word is found by every form of it and by no
    form of a word it does not use, on both engines alike."""
    db.session.execute(sa.delete(Proposal))
    db.session.commit()
    forms = [_FORMS[g][n % len(_FORMS[g])] for g, n in written.items()]
    text = " ".join(forms + filler)
    proposal = open_proposal(title="Forslag", summary=text or "Ingenting.", body="Ja.")
    group, n = asked
    query = _FORMS[group][n % len(_FORMS[group])]
    expected = [proposal.id] if group in written else []
    assert [p.id for p in db.session.scalars(queries.proposals(q=query))] == expected
    assert search.hits(query) == len(expected)
