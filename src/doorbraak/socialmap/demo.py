"""The demo municipality's social map: about 60 invented services, imported as CSV.

Every organisation, address, phone number and name here is made up ("(fictief)", phone
numbers in the demo municipality's own 0999 area, ``.example`` addresses). The map goes in
through the same import the functional administrator uses, and a few services get a history
of long waiting times, so that the "always full" list has something to show.
"""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from doorbraak.accounts.models import Municipality, User
from doorbraak.lib.spreadsheet import csv_text
from doorbraak.socialmap.models import Service
from doorbraak.socialmap.services import (
    CSV_COLUMNS,
    CSV_DELIMITER,
    ImportResult,
    service_report_waiting_time,
    services_import_csv,
)

# (code, organisation, service, description, target group, life domains, cost, weeks, walk-in)
Spec = tuple[str, str, str, str, str, str, str, int | None, str]
CITY_WIDE: tuple[Spec, ...] = (
    (
        "schuldhulp-intake",
        "Schuldhulp Demostad",
        "Schuldhulpverlening: aanmelding en intake",
        "Een schuldhulpverlener brengt alle schulden in kaart, neemt contact op met "
        "schuldeisers en "
        "zoekt samen met het huishouden naar een regeling of een schuldsanering.",
        "Inwoners met problematische schulden",
        "financien",
        "gratis",
        6,
        "",
    ),
    (
        "schuldhulp-crisis",
        "Schuldhulp Demostad",
        "Crisisinterventie bij dreigende huisuitzetting",
        "Binnen drie werkdagen contact met de verhuurder of energieleverancier om een "
        "uitzetting of "
        "afsluiting te voorkomen.",
        "Huishoudens met een dreigende uitzetting of afsluiting",
        "financien,huisvesting",
        "gratis",
        0,
        "",
    ),
    (
        "budgetcoach",
        "Stichting Geldmaatjes Demostad (fictief)",
        "Budgetcoach aan huis",
        "Een getrainde vrijwilliger helpt een jaar lang met het overzicht in de post, "
        "de rekeningen "
        "en een weekbudget.",
        "Volwassenen die overzicht in hun geld willen houden",
        "financien",
        "gratis",
        3,
        "",
    ),
    (
        "thuisadministratie",
        "Humanitas Demostad (fictief)",
        "Thuisadministratie",
        "Vrijwilligers helpen thuis bij het ordenen van de administratie en het aanvragen van "
        "toeslagen.",
        "Iedereen die de papieren niet meer overziet",
        "financien",
        "gratis",
        4,
        "",
    ),
    (
        "sociaal-raadslieden",
        "Sociaal Raadslieden Demostad (fictief)",
        "Sociaal raadslieden",
        "Gratis advies over toeslagen, uitkeringen, bezwaar maken, huur en brieven van instanties.",
        "Alle inwoners",
        "financien,justitie",
        "gratis",
        1,
        "Ma en do 9.00-12.00 uur in het stadskantoor",
    ),
    (
        "juridisch-loket",
        "Juridisch Spreekuur Demostad (fictief)",
        "Juridisch spreekuur",
        "Een advocaat of jurist geeft een eerste advies over huur, werk, schulden en familierecht; "
        "verwijst zo nodig naar gesubsidieerde rechtsbijstand.",
        "Inwoners met een laag inkomen",
        "justitie,financien",
        "gratis",
        2,
        "Wo 18.30-20.00 uur, zonder afspraak",
    ),
    (
        "maatschappelijk-werk",
        "Maatschappelijk Werk Demostad (fictief)",
        "Algemeen maatschappelijk werk",
        "Kortdurende hulp bij problemen in het gezin, rouw, eenzaamheid, geldzorgen of werk; de "
        "maatschappelijk werker denkt mee en verwijst door.",
        "Volwassenen en gezinnen",
        "huiselijke_relaties,sociaal_netwerk,geestelijke_gezondheid",
        "gratis",
        5,
        "",
    ),
    (
        "ggz-inloop-centrum",
        "GGZ Inloop De Haven (fictief)",
        "GGZ-inloop",
        "Een plek om zonder afspraak binnen te lopen voor koffie, een gesprek en activiteiten, met "
        "ervaringsdeskundigen.",
        "Volwassenen met psychische kwetsbaarheid",
        "geestelijke_gezondheid,sociaal_netwerk,dagbesteding",
        "gratis",
        0,
        "Ma t/m vr 10.00-16.00 uur",
    ),
    (
        "ggz-basis",
        "Praktijk Psyche Demostad (fictief)",
        "Basis-GGZ behandeling",
        "Kortdurende behandeling bij depressie, angst en spanning, na verwijzing door de huisarts.",
        "Volwassenen met lichte tot matige psychische klachten",
        "geestelijke_gezondheid",
        "eigen_bijdrage",
        14,
        "",
    ),
    (
        "verslaving-inloop",
        "Verslavingszorg Midden (fictief)",
        "Inloopspreekuur verslaving",
        "Anoniem advies over alcohol, drugs, gokken en gamen, voor de gebruiker en naasten.",
        "Iedereen die zich zorgen maakt over gebruik",
        "verslaving,geestelijke_gezondheid",
        "gratis",
        1,
        "Di 13.00-16.00 uur",
    ),
    (
        "formulierenbrigade",
        "Formulierenbrigade Demostad (fictief)",
        "Formulierenbrigade",
        "Hulp bij het invullen van formulieren: toeslagen, kwijtschelding, bijzondere bijstand, "
        "DigiD aanvragen.",
        "Alle inwoners",
        "financien",
        "gratis",
        1,
        "In de bibliotheek: di en vr 10.00-12.00 uur",
    ),
    (
        "kwijtschelding",
        "Gemeente Demostad, Werk en Inkomen",
        "Kwijtschelding gemeentelijke belastingen",
        "Aanvraag van kwijtschelding van afvalstoffenheffing en rioolheffing bij een laag inkomen.",
        "Huishoudens met een inkomen rond het bijstandsniveau",
        "financien",
        "gratis",
        4,
        "",
    ),
    (
        "bijzondere-bijstand",
        "Gemeente Demostad, Werk en Inkomen",
        "Bijzondere bijstand",
        "Een vergoeding voor noodzakelijke kosten die niet uit het inkomen betaald kunnen worden.",
        "Inwoners met een laag inkomen",
        "financien",
        "gratis",
        6,
        "",
    ),
    (
        "werkcoach",
        "Werkplein Demostad (fictief)",
        "Werkcoach en leerwerkplek",
        "Begeleiding naar werk of een opleiding, met een proefplaatsing en een werkcoach.",
        "Inwoners met een uitkering die willen werken",
        "dagbesteding,maatschappelijke_participatie",
        "gratis",
        8,
        "",
    ),
    (
        "dagbesteding-atelier",
        "Atelier Kleurrijk (fictief)",
        "Dagbesteding in het atelier",
        "Creatieve dagbesteding in een kleine groep, drie dagdelen per week.",
        "Volwassenen zonder werk of dagritme",
        "dagbesteding,sociaal_netwerk",
        "gratis",
        10,
        "",
    ),
    (
        "taalcafe",
        "Bibliotheek Demostad (fictief)",
        "Taalcafé",
        "Elke week oefenen met Nederlands praten, met vrijwilligers; ook hulp bij digitale "
        "vaardigheden.",
        "Anderstaligen en laaggeletterden",
        "maatschappelijke_participatie,sociaal_netwerk",
        "gratis",
        0,
        "Do 14.00-16.00 uur",
    ),
    (
        "digitaal-hulpplein",
        "Bibliotheek Demostad (fictief)",
        "Digitaal hulpplein",
        "Hulp bij DigiD, de app van de bank en online formulieren van de overheid.",
        "Iedereen die moeite heeft met digitale zaken",
        "maatschappelijke_participatie,financien",
        "gratis",
        0,
        "Ma t/m za tijdens openingstijden",
    ),
    (
        "mantelzorg",
        "Steunpunt Mantelzorg Demostad (fictief)",
        "Mantelzorgondersteuning",
        "Advies, lotgenotencontact en respijtzorg zodat de mantelzorger het volhoudt.",
        "Mantelzorgers",
        "sociaal_netwerk,adl",
        "gratis",
        2,
        "",
    ),
    (
        "clientondersteuning",
        "Cliëntondersteuning Demostad (fictief)",
        "Onafhankelijke cliëntondersteuning",
        "Een cliëntondersteuner gaat mee naar gesprekken met de gemeente, het zorgkantoor of de "
        "zorgverzekeraar.",
        "Inwoners die hulp of zorg aanvragen",
        "adl,lichamelijke_gezondheid",
        "gratis",
        2,
        "",
    ),
    (
        "wijkverpleging",
        "Thuiszorg Vecht en Rijn (fictief)",
        "Wijkverpleging",
        "Verpleging en persoonlijke verzorging thuis, na indicatie door de wijkverpleegkundige.",
        "Inwoners die thuis zorg nodig hebben",
        "lichamelijke_gezondheid,adl",
        "gratis",
        1,
        "",
    ),
    (
        "maaltijdservice",
        "Maaltijdservice Smakelijk (fictief)",
        "Warme maaltijd aan huis",
        "Dagelijks een warme maaltijd thuisbezorgd; ook dieetmaaltijden.",
        "Ouderen en mensen die niet zelf kunnen koken",
        "adl,lichamelijke_gezondheid",
        "betaald",
        1,
        "",
    ),
    (
        "opvoedsteunpunt",
        "Centrum Jeugd en Gezin Demostad (fictief)",
        "Opvoedspreekuur",
        "Vragen over opvoeden, slapen, eten en puberteit; een pedagoog denkt mee.",
        "Ouders van kinderen van 0 tot 18 jaar",
        "huiselijke_relaties",
        "gratis",
        1,
        "Wo 9.00-11.00 uur in het consultatiebureau",
    ),
    (
        "home-start",
        "Humanitas Demostad (fictief)",
        "Home-Start gezinsondersteuning",
        "Een ervaren vrijwilliger komt wekelijks bij gezinnen met jonge kinderen voor steun en "
        "praktische hulp.",
        "Gezinnen met minstens één kind onder de 7",
        "huiselijke_relaties,sociaal_netwerk",
        "gratis",
        6,
        "",
    ),
    (
        "huiselijk-geweld",
        "Steunpunt Veilig Thuis Regio (fictief)",
        "Advies bij huiselijk geweld",
        "Advies en melding bij huiselijk geweld en kindermishandeling, dag en nacht bereikbaar.",
        "Slachtoffers, omstanders en professionals",
        "huiselijke_relaties,justitie",
        "gratis",
        0,
        "Dag en nacht telefonisch",
    ),
    (
        "huurteam",
        "Huurteam Demostad (fictief)",
        "Huurteam",
        "Controle van de huurprijs en servicekosten, hulp bij gebreken en een huurverhoging.",
        "Huurders",
        "huisvesting,financien",
        "gratis",
        3,
        "",
    ),
    (
        "energiecoach",
        "Energiebank Demostad (fictief)",
        "Energiecoach aan huis",
        "Een energiecoach komt langs met tips en kleine besparende maatregelen, zoals tochtstrips "
        "en ledlampen.",
        "Huishoudens met een hoge energierekening",
        "financien,huisvesting",
        "gratis",
        2,
        "",
    ),
    (
        "woonbegeleiding",
        "Stichting Thuisbasis (fictief)",
        "Ambulante woonbegeleiding",
        "Begeleiding thuis bij het op orde houden van huis, geld en afspraken, met een "
        "Wmo-indicatie.",
        "Volwassenen die moeite hebben zelfstandig te wonen",
        "huisvesting,adl,financien",
        "gratis",
        12,
        "",
    ),
    (
        "nachtopvang",
        "Stichting Onderdak Demostad (fictief)",
        "Nachtopvang en aanmelding daklozenzorg",
        "Een slaapplek voor de nacht en een aanmelding voor maatschappelijke opvang.",
        "Dak- en thuislozen",
        "huisvesting",
        "gratis",
        0,
        "Elke dag vanaf 21.00 uur",
    ),
    (
        "reclassering",
        "Reclassering Regio (fictief)",
        "Nazorg na detentie",
        "Hulp bij ID-bewijs, inkomen, onderdak en zorg na een detentie.",
        "Ex-gedetineerden",
        "justitie,huisvesting,financien",
        "gratis",
        3,
        "",
    ),
    (
        "vrijwilligerscentrale",
        "Vrijwilligerscentrale Demostad (fictief)",
        "Vrijwilligerswerk vinden",
        "Een gesprek over wat iemand kan en wil, en een passende vrijwilligersplek.",
        "Iedereen die iets voor een ander wil doen",
        "maatschappelijke_participatie,dagbesteding",
        "gratis",
        1,
        "",
    ),
    (
        "kledingbank",
        "Kledingbank Demostad (fictief)",
        "Kledingbank",
        "Gratis kleding en schoenen voor volwassenen en kinderen, op verwijzing.",
        "Huishoudens met een laag inkomen",
        "financien",
        "gratis",
        0,
        "Za 10.00-13.00 uur",
    ),
    (
        "speelgoedbank",
        "Speelgoedbank Demostad (fictief)",
        "Speelgoedbank",
        "Verjaardagscadeaus en speelgoed voor kinderen in gezinnen met weinig geld.",
        "Gezinnen met kinderen tot 12 jaar en een laag inkomen",
        "financien,sociaal_netwerk",
        "gratis",
        2,
        "",
    ),
    (
        "sportfonds",
        "Jeugdfonds Sport en Cultuur Demostad (fictief)",
        "Sport- en cultuurfonds",
        "De contributie van een sportclub of muziekles voor kinderen wordt betaald.",
        "Kinderen van 4 tot 18 jaar in gezinnen met weinig geld",
        "maatschappelijke_participatie,sociaal_netwerk",
        "gratis",
        2,
        "",
    ),
    (
        "repair-cafe",
        "Repair Café Demostad (fictief)",
        "Repair café",
        "Samen met vrijwilligers kapotte spullen repareren, met koffie.",
        "Iedereen",
        "sociaal_netwerk,financien",
        "gratis",
        0,
        "Laatste zaterdag van de maand",
    ),
    (
        "poh-ggz",
        "Huisartsen Demostad (fictief)",
        "Praktijkondersteuner GGZ",
        "Enkele gesprekken bij de huisarts bij somberheid, stress of slapeloosheid.",
        "Patiënten van de huisartsen in Demostad",
        "geestelijke_gezondheid,lichamelijke_gezondheid",
        "gratis",
        3,
        "",
    ),
)

# Services with a location in every district: (code, organisation, service, description,
# target group, life domains, cost, weeks, walk-in). The district is added to name and code.
PER_DISTRICT: tuple[Spec, ...] = (
    (
        "buurthuis",
        "Welzijn Demostad (fictief)",
        "Buurthuis",
        "Koffieochtenden, eettafel, cursussen en een luisterend oor; de opbouwwerker helpt "
        "bewoners eigen activiteiten te beginnen.",
        "Alle bewoners van de wijk",
        "sociaal_netwerk,maatschappelijke_participatie",
        "gratis",
        0,
        "Ma t/m vr 9.00-17.00 uur",
    ),
    (
        "jongerenwerk",
        "Jongerenwerk Demostad (fictief)",
        "Jongerenwerk",
        "Jongerenwerkers op straat en in het jongerencentrum: sport, huiswerkhulp en hulp bij "
        "school, werk en geld.",
        "Jongeren van 12 tot 23 jaar",
        "dagbesteding,maatschappelijke_participatie,justitie",
        "gratis",
        0,
        "Di t/m vr 15.00-21.00 uur",
    ),
    (
        "voedselbank",
        "Voedselbank Demostad (fictief)",
        "Voedselbank uitgiftepunt",
        "Een wekelijks voedselpakket, na een toets van inkomen en uitgaven; aanmelden via het "
        "buurtteam of de schuldhulp.",
        "Huishoudens die onder de norm van de voedselbank vallen",
        "financien",
        "gratis",
        1,
        "",
    ),
    (
        "buurtsportcoach",
        "Sportbedrijf Demostad (fictief)",
        "Buurtsportcoach",
        "Laagdrempelig sporten en bewegen in de wijk, ook voor wie lang niet heeft gesport.",
        "Alle leeftijden",
        "lichamelijke_gezondheid,sociaal_netwerk",
        "gratis",
        0,
        "",
    ),
    (
        "wijkspreekuur",
        "Buurtteams Demostad",
        "Wijkspreekuur van het buurtteam",
        "Zonder afspraak binnenlopen met een vraag over geld, wonen, opvoeden of zorg.",
        "Alle bewoners van de wijk",
        "financien,huisvesting,huiselijke_relaties",
        "gratis",
        0,
        "Di 9.00-11.00 uur",
    ),
    (
        "ouderenadvies",
        "Welzijn Demostad (fictief)",
        "Ouderenadviseur",
        "Huisbezoek en advies over wonen, zorg, geld en eenzaamheid voor 75-plussers.",
        "Inwoners van 75 jaar en ouder",
        "adl,sociaal_netwerk",
        "gratis",
        3,
        "",
    ),
)

DISTRICT_CODES = {
    "Ondiep/Pijlsweerd": "ondiep",
    "Kanaleneiland": "kanaleneiland",
    "Overvecht": "overvecht",
    "Zuilen": "zuilen",
}
STREETS = ("Marktplein", "Kerkstraat", "Stationsweg", "Parklaan", "Dorpsstraat", "Havenkade")
CONTACTS = (
    ("Sanne de Wit", "coördinator"),
    ("Youssef Amrani", "teamleider"),
    ("Ingrid Bakker", "aanmeldfunctionaris"),
    ("Mehmet Yilmaz", "wijkcoördinator"),
    ("Linda Jansen", "maatschappelijk werker"),
    ("Priya Ramdin", "contactpersoon professionals"),
)
#: Services that have been full for months (their waiting-time history in the demo).
ALWAYS_FULL = {"ggz-basis": (12, 14, 16), "woonbegeleiding": (10, 12, 12)}


def _row(number: int, spec: Spec, districts: str, suffix: str = "") -> list[str]:
    code, organisation, name, description, target, domains, cost, weeks, walk_in = spec
    contact, role = CONTACTS[number % len(CONTACTS)]
    street = STREETS[number % len(STREETS)]
    slug = code.split("-")[0]
    return [
        f"{code}-{suffix}" if suffix else code,
        organisation,
        f"{name} {districts}" if suffix else name,
        description,
        target,
        domains,
        districts,
        f"{street} {number + 1}, 9999 AA Demostad",
        f"0999 {100 + number:03d} {200 + number * 3:03d}",
        f"{slug}@demostad.example",
        f"https://{slug}.demostad.example",
        walk_in,
        "Ma t/m vr 9.00-17.00 uur",
        cost,
        "Eigen bijdrage naar inkomen" if cost == "eigen_bijdrage" else "",
        "" if weeks is None else str(weeks),
        "",
        contact,
        role,
        f"0999 {300 + number:03d} {400 + number:03d}",
        "ja",
    ]


def demo_social_map_csv() -> str:
    """The demo social map as the CSV an administrator would upload (about 60 rows)."""
    rows: list[list[str]] = []
    for number, spec in enumerate(CITY_WIDE):
        rows.append(_row(number, spec, ""))
    for offset, spec in enumerate(PER_DISTRICT):
        for place, (district, suffix) in enumerate(DISTRICT_CODES.items()):
            number = len(CITY_WIDE) + offset * len(DISTRICT_CODES) + place
            rows.append(_row(number, spec, district, suffix))
    return csv_text(CSV_COLUMNS, rows, delimiter=CSV_DELIMITER)


def seed_social_map(*, municipality: Municipality, actor: User) -> ImportResult:
    """Import the demo social map (again: the import updates by code, so nothing doubles)."""
    result = services_import_csv(
        actor=actor, municipality=municipality, file=io.StringIO(demo_social_map_csv())
    )
    today = timezone.localdate()
    for code, history in ALWAYS_FULL.items():
        service = Service.objects.get(municipality=municipality, code=code)
        for months_ago, weeks in zip((3, 2, 1), history, strict=True):
            day = today - datetime.timedelta(days=30 * months_ago)
            if not service.waiting_reports.filter(reported_on=day).exists():
                service_report_waiting_time(actor=actor, service=service, weeks=weeks, on=day)
    return result
