"""The default catalogue: the 11 domains of the self-sufficiency matrix (ZRM).

Level descriptions are our own short wording (B1 Dutch), not the official ZRM texts.
Used by the data migration and by tests; a municipality can add its own in the admin.
"""

from __future__ import annotations

# code, name, (1 acute, 2 not self-reliant, 3 barely, 4 sufficiently, 5 fully self-reliant)
DEFAULT_DOMAINS: list[tuple[str, str, tuple[str, str, str, str, str]]] = [
    (
        "financien",
        "Financiën",
        (
            "Groeiende schulden, geen inkomen of dreigende afsluiting.",
            "Inkomen is er, maar de schulden groeien of rekeningen blijven liggen.",
            "Rondkomen lukt net; er is hulp bij schulden of budget.",
            "Geld is op orde; af en toe is advies nodig.",
            "Beheert zelf het geld, zonder betalingsachterstanden.",
        ),
    ),
    (
        "dagbesteding",
        "Dagbesteding",
        (
            "Geen enkele invulling van de dag; niet in staat tot werk of school.",
            "Nauwelijks iets omhanden; zoekt niet naar werk, school of activiteit.",
            "Enige dagbesteding, maar onregelmatig of zonder perspectief.",
            "Vaste dagbesteding, zoals vrijwilligerswerk, opleiding of deeltijdwerk.",
            "Werkt of leert naar vermogen, met een vast ritme.",
        ),
    ),
    (
        "huisvesting",
        "Huisvesting",
        (
            "Dakloos, of uitzetting staat voor de deur.",
            "Onzekere of onveilige woonplek; huurachterstand.",
            "Woont stabiel, maar de woning past niet goed of is slecht onderhouden.",
            "Veilige, passende woning met een vast contract.",
            "Woont veilig en passend, en regelt het wonen zelf.",
        ),
    ),
    (
        "huiselijke_relaties",
        "Huiselijke relaties",
        (
            "Geweld of ernstige onveiligheid in huis.",
            "Veel spanning en ruzie thuis; hulp is nodig.",
            "Relaties zijn wisselend; spanningen worden soms opgelost.",
            "Relaties thuis zijn overwegend goed.",
            "Steunende relaties thuis; problemen worden samen opgelost.",
        ),
    ),
    (
        "geestelijke_gezondheid",
        "Geestelijke gezondheid",
        (
            "Acuut gevaar voor zichzelf of anderen; crisis.",
            "Ernstige psychische klachten zonder passende behandeling.",
            "Klachten zijn er, maar met behandeling te hanteren.",
            "Weinig klachten; weet hulp te vinden als dat nodig is.",
            "Geen psychische klachten die het dagelijks leven raken.",
        ),
    ),
    (
        "lichamelijke_gezondheid",
        "Lichamelijke gezondheid",
        (
            "Acute lichamelijke nood zonder zorg.",
            "Ernstige klachten; zorg is nodig maar ontbreekt of wordt gemeden.",
            "Klachten met zorg, maar die beperken het leven duidelijk.",
            "Klachten zijn onder controle met de juiste zorg.",
            "Goede gezondheid of zelfstandig beheerde aandoening.",
        ),
    ),
    (
        "verslaving",
        "Verslaving",
        (
            "Verslaving met ernstige gevolgen voor gezondheid, geld of veiligheid.",
            "Middelengebruik of gokken veroorzaakt grote problemen.",
            "Gebruik veroorzaakt soms problemen; er is hulp.",
            "Gebruik is onder controle; geen problemen meer.",
            "Geen problematisch gebruik van middelen of gokken.",
        ),
    ),
    (
        "adl",
        "Algemene dagelijkse levensverrichtingen (ADL)",
        (
            "Kan zichzelf niet verzorgen; zorg ontbreekt.",
            "Verzorging en huishouden lukken grotendeels niet.",
            "Lukt met hulp van anderen of voorzieningen.",
            "Lukt bijna zelfstandig; kleine hulp is geregeld.",
            "Verzorgt zichzelf en het huishouden zelfstandig.",
        ),
    ),
    (
        "sociaal_netwerk",
        "Sociaal netwerk",
        (
            "Geïsoleerd, of het netwerk is schadelijk.",
            "Nauwelijks contacten die steun geven.",
            "Enkele contacten, maar weinig steun bij problemen.",
            "Voldoende contacten die steunen.",
            "Sterk netwerk dat helpt en waarin het huishouden ook helpt.",
        ),
    ),
    (
        "maatschappelijke_participatie",
        "Maatschappelijke participatie",
        (
            "Doet op geen enkele manier mee; wantrouwt instanties volledig.",
            "Doet nauwelijks mee aan activiteiten buiten huis.",
            "Doet soms mee, als iemand het organiseert.",
            "Doet regelmatig mee aan activiteiten in de buurt of de stad.",
            "Doet actief mee en zet zich in voor anderen.",
        ),
    ),
    (
        "justitie",
        "Justitie",
        (
            "Recent of dreigend ernstig strafbaar feit of detentie.",
            "Openstaande zaken, boetes of contact met politie en justitie.",
            "Lopende afspraken met justitie worden nagekomen.",
            "Geen nieuwe contacten met justitie; oude zaken afgerond.",
            "Geen contact met politie of justitie.",
        ),
    ),
]
