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
