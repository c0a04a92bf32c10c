"""Kommunekompasset's eight focus areas, with stable keys 1–8."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FOCUS_AREAS = {
    1: _l("Offentlighet og demokrati"),
    2: _l("Tilgjengelighet, innbygger- og brukerorientering"),
    3: _l("Politisk styring og kontroll"),
    4: _l("Lederskap, ansvar og delegasjon"),
    5: _l("Resultatfokus og effektivitet"),
    6: _l("Kommunen som arbeidsgiver"),
    7: _l("Utviklingsstrategi og lærende organisasjon"),
    8: _l("Kommunen som samfunnsutvikler"),
}

#: One sentence per area: what Kommunekompasset looks at there
FOCUS_AREA_DESCRIPTIONS = {
    1: _l("Hvor åpen kommunen er, og hvordan innbyggerne kan påvirke og delta i lokaldemokratiet."),
    2: _l(
        "Hvor lett det er å nå kommunen, og hvordan tjenestene lytter til innbyggere og brukere."
    ),
    3: _l("Hvordan de folkevalgte setter mål, følger opp resultatene og fører kontroll."),
    4: _l("Hvordan ledere leder, og hvordan ansvar og myndighet er delegert i organisasjonen."),
    5: _l("Hvordan kommunen måler og forbedrer resultatene og bruker ressursene godt."),
    6: _l("Hvordan kommunen rekrutterer, utvikler og tar vare på medarbeiderne."),
    7: _l("Hvordan kommunen planlegger utvikling, evaluerer tiltak og lærer av erfaringene."),
    8: _l(
        "Hvordan kommunen arbeider med næringsliv, frivillighet og andre for å utvikle "
        "lokalsamfunnet."
    ),
}

#: Most points an area can give (the total is out of 800)
AREA_MAX = 100
