"""The Røros demo compass, from Utviklingsstrategi 2 for 2018–2020 (K-sak 33/18): the
evaluations of 2013, 2017 and 2021, the target "kompasskurs 550", the four sub-strategies
with the measures the strategy lists, and 24 months of snapshots. Idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa

from app.auth.models import User
from app.compass import services
from app.compass.models import Evaluation, MeasureStatus, Snapshot, Strategy
from app.core.dates import today
from app.core.demo import SEEDERS
from app.extensions import db

SOURCE = "Kilde: Røros kommune, Utviklingsstrategi 2 for 2018–2020 (K-sak 33/18). "
EVALUATIONS = [
    {"year": 2013, "evaluator": "KS-Konsulent (Kommunekompasset)", "total": 254, "scores": {},
     "notes": "Første evaluering, desember 2013, som del av omstillingsprosjektet."},
    {"year": 2017, "evaluator": "KS-Konsulent (Kommunekompasset)", "total": 396,
     "scores": {1: 33, 2: 38, 3: 65, 6: 43, 7: 35, 8: 69},
     "national_average": 362, "group_average": 356, "best_municipality": 500,
     "notes": SOURCE + "Område 4 og 5 er ikke publisert hver for seg; til sammen 113 poeng. "
              "Gjennomsnittet for kommuner med 5 000–10 000 innbyggere er 356. "
              "De beste kommunene skårer i overkant av 500 poeng."},
    {"year": 2021, "evaluator": "KS-Konsulent (Kommunekompasset)", "total": 593, "scores": {},
     "notes": "Totalpoeng etter Utviklingsstrategi 2."},
]  # fmt: skip

P, G, D = MeasureStatus.planned, MeasureStatus.in_progress, MeasureStatus.done  # G: going on
#: (title, owner, focus areas, status, progress, description)
STRATEGIES = [
    ("Helhetlig styring – implementering og videreutvikling",
     "Styringsmetoden fra utviklingsstrategi 2014–2016 (styringskort, planmessige "
     "undersøkelser og årshjul) skal «sette seg» i organisasjonen.",
     [("Videreutvikling av arenaer", "Rådmannens strategiske ledergruppe (SLG)", [3, 7], D,
       100, ""),
      ("Videreutvikling av dokumenter", "Rådmannens strategiske ledergruppe (SLG)", [3, 5], G,
       60, "Perspektivanalyse/utfordringsdokument som legges fram hver vår, med presentasjon "
           "på dialogkonferanse 1."),
      ("Utviklingssamtale med virksomhetsledelsen", "Rådmannen", [4, 7], G, 50,
       "Med utgangspunkt i et utfordringsbilde for virksomheten."),
      ("Kvalitetsstyring", "Rådmannens strategiske ledergruppe (SLG)", [5], P, 0, ""),
      ("Implementering av vedtatte planer", "Rådmannens strategiske ledergruppe (SLG)", [3, 8],
       G, 40, "Spesielt sektorovergripende planer, satt i en helhetlig sammenheng med "
              "økonomiplanen og årsberetningen (plansystem).")]),
    ("Kommunen som politisk-demokratisk arena – innbyggerorientering og medborgerskap",
     "Gi innbyggerne større mulighet til å påvirke styring og utvikling av eget lokalsamfunn "
     "gjennom nærdemokratiske ordninger, dialogarenaer og bedre tilgang på informasjon. "
     "Komitésak for komité for kultur og samfunnsutvikling.",
     [("Ta i bruk kraften og kompetansen i innbyggernes kunnskap og engasjement",
       "Komité for kultur og samfunnsutvikling", [1, 8], G, 50,
       "En vurdering av hvordan Røros kommune i større grad kan ta i bruk den kraft og "
       "kompetanse som ligger i innbyggernes kunnskap og engasjement om eget lokalsamfunn."),
      ("Metoder for nærdemokrati, innbyggerinvolvering og barn og unges medvirkning",
       "Komité for kultur og samfunnsutvikling", [1, 8], G, 40,
       "Valg av metoder og arbeidsformer som er egnet for å styrke og utvikle nærdemokratiet, "
       "innbyggerinvolvering, barn og unges medvirkning og befolkningens engasjement."),
      ("Fysiske og digitale metoder for medborgerdialog", "Komité for kultur og "
       "samfunnsutvikling", [1], G, 60,
       "Metoder for kontakten mellom valgte politikere og innbyggere gjennom valgperioden."),
      ("Større innsikt i resultatene kommunen skaper", "Komité for kultur og samfunnsutvikling",
       [1, 5], P, 10,
       "Metoder for hvordan innbyggerne skal få større innsikt i resultatene Røros kommune "
       "skaper, for å skape politisk engasjement.")]),
    ("Servicekommunen Røros – tilgjengelighet og brukerorientering",
     "Evalueringsrapporten viste svake resultater på service, tilgjengelighet og "
     "brukerorientering; disse tiltakene skal gi forbedring.",
     [("Utvikle strategi/temaplan for brukerorientering", "Rådmannen", [2], G, 50,
       "a. Etisk refleksjon. b. Metodikk for bruk av undersøkelser – gjennomføring, "
       "kommunisering av resultat og oppfølging."),
      ("Oppfølging av vedtatt kommunikasjonsstrategi", "Kommunikasjon", [1, 2], G, 70,
       "Løfte fram kommunikasjon eksternt og internt."),
      ("Metoder for dialog – tilpasset ulike behov og målgrupper", "Servicetorget", [2], P, 20,
       ""),
      ("Etablere servicepolicy – service i alle ledd!", "Servicetorget", [2, 6], G, 60,
       "a. «Ukas servicerefleksjon» gjennomføres i virksomhetene. b. Kurs og workshops. "
       "c. Månedens gylne serviceøyeblikk."),
      ("Etablere serviceerklæringer", "Tjenestelederne", [2, 5], G, 30, "")]),
    ("Digital transformasjon",
     "Gode og tilgjengelige digitale tjenester skal styrke dialogen med innbyggere og "
     "brukere og forenkle hverdagen for innbyggere og ansatte.",
     [("Organisasjonsutvikling med digital kompetanseheving", "HR og organisasjon", [6, 7], G,
       40, "Forutsetter endringsvilje og endringsevne."),
      ("Etablere og følge opp digitaliseringsstrategi", "IKT", [7], D, 100, ""),
      ("Tjenesteutvikling og ny design av tjenesteleveransen (tjenestedesign)", "IKT", [2, 7],
       G, 30, "a. Prøve ut piloter."),
      ("Brukerpanel – tilbakemeldinger for forbedring og videreutvikling", "Servicetorget",
       [2, 7], G, 70, ""),
      ("Utvikle bruk av kommunikasjonsflater", "Kommunikasjon", [1, 2], P, 0, "")]),
]  # fmt: skip
DUE = date(2020, 12, 31)


def seed_compass() -> Iterator[str]:
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@roros.example"))
    known = set(db.session.scalars(sa.select(Evaluation.year)))
    for values in EVALUATIONS:
        if values["year"] not in known:
            services.save_evaluation(admin, None, **values)  # type: ignore[arg-type]
    if services.current_target() is None:
        services.set_target(admin, 550, 2021)
    titles = set(db.session.scalars(sa.select(Strategy.title)))
    for position, (title, description, measures) in enumerate(STRATEGIES, start=1):
        if title in titles:
            continue
        strategy = services.save_strategy(admin, None, title=title, description=description,
                                          position=position)  # fmt: skip
        for n, (m_title, owner, areas, status, progress, m_description) in enumerate(measures):
            measure = services.save_measure(
                admin, None, strategy=strategy, title=m_title, description=m_description,
                focus_areas=areas, owner=owner, due_on=DUE, position=n + 1,
            )  # fmt: skip
            if status != MeasureStatus.planned or progress:
                services.record_update(
                    admin, measure, noted_on=date(2020, 6, 1), text="Status ved halvårsrapporten.",
                    status=status, progress=progress, today=today(),
                )  # fmt: skip
    yield (
        f"Compass: {len(EVALUATIONS)} evaluations, target 550, {len(STRATEGIES)} sub-strategies "
        "with their measures."
    )


def seed_snapshots() -> Iterator[str]:
    """24 months of snapshots from the demo data, after every other domain has seeded."""
    if db.session.scalar(sa.select(sa.exists().where(Snapshot.id.is_not(None)))):
        yield "Compass snapshots: kept."
        return
    written = services.snapshot_months(today(), 24)
    yield f"Compass snapshots: {sum(written.values())} values for 24 months."


seed_snapshots.late = True  # type: ignore[attr-defined]
SEEDERS += [seed_compass, seed_snapshots]
