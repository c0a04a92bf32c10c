"""Røros demo golden moments: a year of nominations and monthly winners, and reflection
prompts for the last weeks (idempotent)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.core.dates import OSLO, add_months, today
from app.core.demo import SEEDERS
from app.core.models import Unit
from app.extensions import db
from app.moments.models import Nomination, NominationState, Reflection, ReflectionPrompt, Winner
from app.moments.months import this_month, this_week

DEMO_NOMINATOR = "innbygger@roros.example"
STORIES = [
    ("Hjemmetjenesten", "Siri Bakken",
     "Mor fikk besøk av hjemmetjenesten under snøstormen i januar. Siri gikk de siste 500 "
     "meterne til fots da bilen satt fast, og tok seg tid til en kopp kaffe med henne."),
    ("Servicetorget", "Jon Flatgård",
     "Jeg skjønte ikke skjemaet for eiendomsskatt. Jon satte seg ned med meg, forklarte alt "
     "og ringte meg dagen etter for å høre om det hadde gått bra."),
    ("Renovasjon og miljø", None,
     "Søppelbilen kom tilbake en ekstra gang da vi hadde glemt å sette ut dunken før "
     "julebordet. **Tusen takk** til hele laget!"),
    ("Barnehagene", "Marit Moen",
     "Marit i Øverhagaen barnehage lagde en egen bildebok for sønnen vår som ikke snakker "
     "norsk ennå, så han kunne vise hva han trengte."),
    ("Røros skole", None,
     "Lærerne arrangerte en skidag for hele trinnet og skaffet utstyr til alle som ikke "
     "hadde det selv. Ingen ble stående utenfor."),
    ("Kultur og bibliotek", "Astrid Ryen",
     "Astrid fant fram gamle bergverkskart til slektsforskningen min og ble sittende med meg "
     "en hel ettermiddag i arkivet."),
    ("Plan, byggesak og oppmåling", "Per Rasch",
     "Per svarte på byggesøknaden vår på tre dager og ringte for å foreslå en løsning som "
     "sparte oss for en dispensasjonssøknad."),
    ("Helse og omsorg", None,
     "Nattevaktene på sykehjemmet sang for far den siste natten hans. Vi glemmer det aldri."),
]  # fmt: skip
CITATIONS = [
    "For omtanke som gikk langt utover det vanlige.",
    "For tålmodighet, tid og et smil.",
    "For å løse et problem før det ble et problem.",
    "For å se hver enkelt.",
]
PROMPTS = [
    "Når gjorde du sist noe som innbyggeren ikke forventet, men satte pris på?",
    "Hva er det vanskeligste spørsmålet innbyggerne stiller oss, og hvordan svarer vi?",
    "Hvordan tar vi imot en innbygger som er sint eller lei seg?",
    "Hvilken regel hos oss er vanskeligst å forklare, og hvorfor finnes den?",
    "Hva kan vi lære av månedens gylne serviceøyeblikk?",
    "Hvor lang tid tar det fra en innbygger spør til vi svarer, og kan vi gjøre det raskere?",
    "Hva ville du gjort annerledes hvis du selv var innbyggeren?",
    "Hvilke kollegaer i andre enheter kunne vi samarbeidet bedre med?",
    "Hva er ett lite grep vi kan gjøre denne uken for å bli lettere å nå?",
]
LEARNINGS = [
    "Vi skal ringe tilbake samme dag, også når svaret er nei.",
    "Enklere språk i brevene våre.",
    None,
    "Vi lager en felles oversikt over hvem som svarer på hva.",
]


def seed_moments() -> Iterator[str]:
    seeded = sa.select(Nomination.id).where(Nomination.nominator_email == DEMO_NOMINATOR)
    if db.session.scalar(seeded.limit(1)):
        yield "Golden moments: kept."
        return
    units = {u.name: u for u in db.session.scalars(sa.select(Unit))}
    nominator = db.session.scalar(sa.select(User).where(User.email == DEMO_NOMINATOR))
    committee = db.session.scalar(sa.select(User).where(User.email == "utvalg@roros.example"))
    rng = random.Random(5025)  # noqa: S311 - demo data, the same every time
    count = winners = 0
    # Twelve months back to this one; the current month is left for the committee to choose
    for back in range(12, -1, -1):
        month = add_months(this_month(), -back)
        nominations = []
        for i in range(3 if back <= 1 else rng.randrange(2, 5)):
            unit_name, employee, story = STORIES[(back * 3 + i) % len(STORIES)]
            if unit_name not in units:
                continue
            day = min(month + timedelta(days=rng.randrange(0, 27)), today())
            at = datetime.combine(day, time(12), tzinfo=OSLO).astimezone(UTC)
            state = NominationState.approved if i < 2 or back > 1 else NominationState.pending
            nomination = Nomination(
                unit_id=units[unit_name].id, employee_name=employee, happened_on=day,
                story=story, nominator_name=nominator.name if nominator else "Ingrid Innbygger",
                nominator_email=DEMO_NOMINATOR, nominator_id=nominator.id if nominator else None,
                may_contact=True, state=state, name_consent=employee is not None and i % 2 == 0,
                month=month, created_at=at, confirmed_at=at,
                moderated_at=at + timedelta(days=2) if state == NominationState.approved else None,
                moderated_by_id=committee.id if committee and state == NominationState.approved
                else None,
            )  # fmt: skip
            db.session.add(nomination)
            nominations.append(nomination)
            count += 1
        db.session.flush()
        approved = [n for n in nominations if n.state == NominationState.approved]
        if back > 0 and approved:
            db.session.add(Winner(
                month=month, nomination_id=approved[0].id,
                citation=CITATIONS[back % len(CITATIONS)],
                published_at=datetime.combine(add_months(month, 1), time(9), tzinfo=OSLO),
                published_by_id=committee.id if committee else None,
            ))  # fmt: skip
            winners += 1
    weeks = _seed_reflections(list(units.values()))
    yield f"Golden moments: {count} nominations, {winners} winners, {weeks} reflection prompts."


def _seed_reflections(units: list[Unit]) -> int:
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@roros.example"))
    contact = db.session.scalar(sa.select(User).where(User.email == "tjenesteleder@roros.example"))
    created = 0
    for back, text in enumerate(PROMPTS):
        week = this_week() - timedelta(weeks=len(PROMPTS) - 1 - back)
        if db.session.scalar(
            sa.select(ReflectionPrompt.id).where(ReflectionPrompt.week_start == week)
        ):
            continue
        prompt = ReflectionPrompt(week_start=week, prompt=text,
                                  created_by_id=admin.id if admin else None)  # fmt: skip
        db.session.add(prompt)
        db.session.flush()
        created += 1
        if week == this_week():
            continue  # this week's reflection is for the demo service owner to record
        for i, unit in enumerate(units):
            if (i + back) % 3 != 0:
                learning = LEARNINGS[(i + back) % len(LEARNINGS)]
                by = contact.id if contact else None
                db.session.add(Reflection(prompt_id=prompt.id, unit_id=unit.id, learning=learning,
                                          recorded_by_id=by))  # fmt: skip
    return created


SEEDERS.append(seed_moments)
