"""The stories behind the demo bottlenecks and breakthroughs, and the routes they take.

Dutch texts are data (they play the part of what professionals type), not interface text.
Synthetic only; the situations come from the project's seed documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorbraak.breakthroughs.models import BottleneckKind, RequestStatus, Theme
from doorbraak.catalogue.models import Payer

#: Bottlenecks per 60; about three in four get a breakthrough.
BREAKTHROUGH_SHARE = 0.75


@dataclass(frozen=True)
class Line:
    code: str
    quantity: str
    probability: int
    note: str = ""


@dataclass(frozen=True)
class OwnLine:
    """A household-specific amount (not in the cost catalogue), with the source of it."""

    description: str
    amount_cents: int
    unit: str
    payer: str
    quantity: str
    source: str


@dataclass(frozen=True)
class Story:
    """A bottleneck and the breakthrough that unblocks it (Dutch demo data)."""

    theme: str
    kind: str
    title: str
    description: str
    blocked: str
    citations: tuple[str, ...]
    organisations: tuple[str, ...]  # short names
    partner: str  # short name of the organisation asked at level 2
    bt_title: str
    proposal: str
    basis: str  # citation of the legal basis
    reasoning: str
    engagement: str
    commitment: str
    question: str
    status_quo: tuple[Line, ...]
    with_breakthrough: tuple[Line, ...] = ()
    direct_cost_cents: int = 0
    payer: str = Payer.MUNICIPALITY
    horizon: int = 12
    pause: str = ""  # what a time-out would pause
    own_with_breakthrough: tuple[OwnLine, ...] = ()
    carried_out: str = "Uitgevoerd zoals afgesproken; het huishouden is op de hoogte gebracht."
    evaluation: str = "Het knelpunt is opgelost; het huishouden houdt zich aan de afspraken."


STORIES: tuple[Story, ...] = (
    Story(
        theme=Theme.INCOME,
        kind=BottleneckKind.RULES_CLASH,
        title="Geen uitkering zonder woonadres",
        description=(
            "Na de scheiding slaapt vader bij wisselende vrienden. Zonder inschrijving in de "
            "BRP stopt UWV de WW-uitkering en kan hij geen bijstand aanvragen; zonder inkomen "
            "vindt hij geen kamer."
        ),
        blocked="Een briefadres bij het buurtteam, zodat de uitkering doorloopt terwijl hij "
        "een kamer zoekt.",
        citations=("Wet BRP art. 2.39", "Participatiewet art. 40"),
        organisations=("UWV", "W&I"),
        partner="UWV",
        bt_title="Briefadres bij het buurtteam en de WW-uitkering laten doorlopen",
        proposal=(
            "Het buurtteam wordt voor zes maanden briefadresgever. UWV hervat de WW-uitkering "
            "vanaf de dag van inschrijving op het briefadres en betaalt na."
        ),
        basis="Wet BRP art. 2.39",
        reasoning=(
            "Wie geen woonadres heeft, geeft een briefadres op. Met die inschrijving is vader "
            "weer bereikbaar voor UWV en voldoet hij aan de voorwaarden voor de uitkering."
        ),
        engagement="Vader haalt zijn post twee keer per week op en zoekt zelf een kamer.",
        commitment="Ik kom elke dinsdag en vrijdag mijn post ophalen en ik schrijf me in bij "
        "drie kamerbemiddelaars.",
        question="Kunt u de WW-uitkering hervatten op het briefadres bij het buurtteam, met "
        "nabetaling vanaf de inschrijving?",
        status_quo=(
            Line("maatschappelijke-opvang", "0.5", 60, "Dakloos zonder inkomen"),
            Line("bijstand-alleenstaande", "1", 80, "Bijstand in plaats van WW"),
        ),
        with_breakthrough=(Line("bijstand-alleenstaande", "0.25", 30, "Tijdelijk aanvullen"),),
        pause="Terugvordering van de WW over de periode zonder adres",
        carried_out="Briefadres geregistreerd; UWV heeft de uitkering hervat en nabetaald.",
        evaluation="Vader woont inmiddels op een kamer en heeft een vast inkomen. Opvang was "
        "niet nodig.",
    ),
    Story(
        theme=Theme.JUSTICE,
        kind=BottleneckKind.PRACTICE,
        title="Boetes van het CJIB stapelen zich op",
        description=(
            "Moeder heeft vier verkeersboetes uit de tijd dat haar ex-partner de auto "
            "gebruikte. Door de verhogingen is de schuld verdubbeld; het CJIB dreigt met "
            "beslag."
        ),
        blocked="Eén betalingsregeling die past bij het inkomen, zonder nieuwe verhogingen, "
        "zodat het schuldhulptraject kan starten.",
        citations=("WAHV art. 23", "Rv art. 475d"),
        organisations=("CJIB", "Schuldhulp"),
        partner="CJIB",
        bt_title="Verhogingen stoppen en één betalingsregeling bij het CJIB",
        proposal="Het CJIB zet de verhogingen stop en spreekt een regeling af van € 25 per "
        "maand. Het buurtteam stuurt het budgetplan mee.",
        basis="Awb art. 3:4 lid 2",
        reasoning=(
            "De verhogingen pakken voor dit huishouden onevenredig zwaar uit: ze maken de "
            "schuld onbetaalbaar en blokkeren de schuldhulp die de boetes juist aflost."
        ),
        engagement="Moeder opent haar post samen met de vrijwilliger van de thuisadministratie.",
        commitment="Ik betaal elke maand € 25 op de dag dat mijn uitkering binnenkomt.",
        question="Kunt u de verhogingen stopzetten en een regeling van € 25 per maand afspreken?",
        status_quo=(
            Line("cjib-verhoging-boete-100", "4", 90, "Vier boetes, verdere verhogingen"),
            Line("schuldhulpverlening-traject", "1", 70),
        ),
        with_breakthrough=(Line("schuldhulpverlening-traject", "1", 40),),
        pause="Verhogingen en inning van de verkeersboetes",
        carried_out="Het CJIB heeft de verhogingen stopgezet; de regeling loopt sinds deze maand.",
        evaluation="Vier termijnen op tijd betaald; geen nieuwe verhogingen of beslag.",
    ),
    Story(
        theme=Theme.HOUSING,
        kind=BottleneckKind.PRACTICE,
        title="Huurachterstand loopt uit op ontruiming",
        description=(
            "Drie maanden huurachterstand na het wegvallen van de toeslagen. De verhuurder "
            "heeft de deurwaarder ingeschakeld; de zitting over ontbinding is over vijf weken. "
            "De twee kinderen gaan in de wijk naar school."
        ),
        blocked="Het gezin blijft in de woning met een betalingsregeling (Voorkom Huisuitzetting).",
        citations=("BW art. 7:231", "BW art. 6:265", "Wgs art. 4"),
        organisations=("De Linde", "Schuldhulp"),
        partner="De Linde",
        bt_title="Ontruiming van tafel: achterstand uit het Voorkom Erger Potje en een regeling",
        proposal=(
            "De gemeente betaalt twee maanden achterstand (€ 1.164) uit het Voorkom Erger "
            "Potje; de verhuurder trekt de ontbinding in en het gezin lost de derde maand af "
            "in zes termijnen."
        ),
        basis="Participatiewet art. 35",
        reasoning=(
            "Bijzondere bijstand is voor noodzakelijke kosten door bijzondere omstandigheden. "
            "Het wegvallen van de toeslagen was niet te voorzien en de woning behouden is "
            "noodzakelijk voor de kinderen."
        ),
        direct_cost_cents=116_400,
        engagement="Het gezin meldt zich bij Schuldhulp en zet de huur op automatische betaling.",
        commitment="Wij betalen de huur voortaan op de eerste van de maand, automatisch.",
        question="Wilt u de ontbinding intrekken als de gemeente twee maanden achterstand "
        "betaalt en het gezin de rest in zes termijnen aflost?",
        status_quo=(
            Line("huisuitzetting-corporatie", "1", 70),
            Line("maatschappelijke-opvang", "0.5", 50, "Gezin in de opvang"),
            Line("huurachterstand-maand", "3", 100),
            Line("jeugdhulp-client", "1", 30),
        ),
        with_breakthrough=(Line("huurachterstand-maand", "1", 100, "Regeling derde maand"),),
        pause="Ontruimingsprocedure en de zitting over ontbinding",
        carried_out="Achterstand betaald uit het potje; de ontbinding is ingetrokken.",
        evaluation="Een half jaar later geen nieuwe achterstand; de kinderen zitten nog op "
        "dezelfde school.",
    ),
    Story(
        theme=Theme.MOBILITY,
        kind=BottleneckKind.RULES_CLASH,
        title="Vader moest zijn auto verkopen; zoon kan niet meer naar school",
        description=(
            "Voor de bijstand moest vader zijn auto verkopen (vermogen). Zijn zoon gaat naar "
            "speciaal onderwijs aan de andere kant van de stad en er rijdt op die tijden geen "
            "openbaar vervoer. Nu is leerlingenvervoer aangevraagd."
        ),
        blocked="Vader houdt een goedkope auto en brengt zijn zoon zelf naar school.",
        citations=("Participatiewet art. 18 lid 1", "Awb art. 4:84"),
        organisations=("W&I",),
        partner="W&I",
        bt_title="Auto buiten het vermogen laten in plaats van leerlingenvervoer",
        proposal="De auto (dagwaarde € 2.500) telt niet mee als vermogen zolang de zoon naar "
        "deze school gaat; vader brengt en haalt hem zelf.",
        basis="Awb art. 4:84",
        reasoning=(
            "De beleidsregel over vermogen pakt hier onevenredig uit: het leerlingenvervoer "
            "kost de gemeente meer dan de auto, en vader verliest de regie over het vervoer."
        ),
        engagement="Vader brengt zijn zoon zelf en houdt contact met de school.",
        commitment="Ik breng mijn zoon elke dag en gebruik de auto niet voor andere ritten "
        "dan nodig.",
        question="Kunt u de auto buiten het vermogen laten zolang de zoon naar deze school gaat?",
        status_quo=(Line("leerlingenvervoer", "1", 100, "Taxi naar speciaal onderwijs"),),
        with_breakthrough=(Line("auto-vaste-lasten", "12", 100, "Betaalt het huishouden"),),
        own_with_breakthrough=(
            OwnLine(
                description="Brandstof voor de schoolritten van vader",
                amount_cents=8_500,
                unit="maand",
                payer=Payer.HOUSEHOLD,
                quantity="12",
                source="Opgave van vader, tankbonnen van drie maanden",
            ),
        ),
        carried_out="Vermogen opnieuw vastgesteld zonder de auto; leerlingenvervoer ingetrokken.",
        evaluation="De zoon is het hele schooljaar op tijd geweest; vader heeft weer regie.",
    ),
    Story(
        theme=Theme.BENEFITS,
        kind=BottleneckKind.PRACTICE,
        title="Terugvordering huurtoeslag slokt het leefgeld op",
        description=(
            "Dienst Toeslagen vordert € 3.400 huurtoeslag terug omdat het inkomen vorig jaar "
            "hoger was (tijdelijk werk). De verrekening laat te weinig over voor boodschappen; "
            "er ontstaat een nieuwe huurachterstand."
        ),
        blocked="Een betalingsregeling naar draagkracht, zodat huur en eten betaald worden.",
        citations=("Awir art. 26", "Rv art. 475d"),
        organisations=("Toeslagen", "Schuldhulp"),
        partner="Toeslagen",
        bt_title="Terugvordering huurtoeslag naar draagkracht",
        proposal="Toeslagen stopt de verrekening en spreekt een regeling naar draagkracht af "
        "(€ 40 per maand, 24 maanden); daarna wordt het restant opnieuw bekeken.",
        basis="Awir art. 26",
        reasoning="Toeslagen kan een betalingsregeling naar draagkracht afspreken; de "
        "draagkracht is met het budgetplan aangetoond.",
        engagement="Het huishouden geeft wijzigingen in het inkomen voortaan direct door.",
        commitment="Ik geef elke wijziging in mijn inkomen binnen een week door aan Toeslagen.",
        question="Kunt u de verrekening stoppen en een regeling naar draagkracht afspreken?",
        status_quo=(
            Line("huurachterstand-maand", "2", 60),
            Line("schuldhulpverlening-traject", "1", 50),
        ),
        with_breakthrough=(Line("schuldhulpverlening-traject", "1", 20),),
        pause="Verrekening van de terugvordering met de toeslagen",
    ),
    Story(
        theme=Theme.CARE,
        kind=BottleneckKind.RULES_CLASH,
        title="Wanbetaler zorgverzekering: bestuursrechtelijke premie via het CAK",
        description=(
            "Na zes maanden premieachterstand is moeder aangemeld bij het CAK. De hogere "
            "premie wordt op de uitkering ingehouden; de eigen bijdrage voor de ggz kan zij "
            "niet meer betalen en de behandeling is gestopt."
        ),
        blocked="Uit de wanbetalersregeling via schuldhulp, zodat de gewone premie en de "
        "behandeling doorlopen.",
        citations=("Zvw art. 18c", "Zvw art. 18a", "Wgs art. 3"),
        organisations=("CAK", "ZV Midden", "Schuldhulp"),
        partner="CAK",
        bt_title="Afmelden bij het CAK via het schuldhulptraject",
        proposal="Schuldhulp Demostad start een minnelijk traject; het CAK meldt moeder af en "
        "de zorgverzekeraar int weer de gewone premie.",
        basis="Zvw art. 18c",
        reasoning="Wie via schuldhulpverlening een regeling treft, kan uit de "
        "bestuursrechtelijke premie worden afgemeld; het traject is gestart.",
        engagement="Moeder hervat de behandeling en werkt mee aan het schuldhulptraject.",
        commitment="Ik ga naar elke afspraak bij Schuldhulp en bij de behandelaar.",
        question="Kunt u moeder afmelden uit de bestuursrechtelijke premie nu het "
        "schuldhulptraject loopt?",
        status_quo=(Line("beschermingsbewind", "1", 50),),
        with_breakthrough=(Line("schuldhulpverlening-traject", "1", 100),),
        pause="Inhouding van de bestuursrechtelijke premie op de uitkering",
    ),
    Story(
        theme=Theme.EDUCATION,
        kind=BottleneckKind.RULES_CLASH,
        title="DUO-schuld blokkeert de schuldregeling",
        description=(
            "De dochter (22) heeft een studieschuld uit een afgebroken opleiding. DUO doet "
            "niet mee aan de schuldregeling, waardoor de andere schuldeisers ook weigeren."
        ),
        blocked="Een schuldregeling waaraan alle schuldeisers meedoen, zodat zij haar "
        "opleiding kan afmaken.",
        citations=("Faillissementswet art. 287a", "Wgs art. 3"),
        organisations=("DUO", "Schuldhulp"),
        partner="DUO",
        bt_title="DUO stelt de aflossing op nul en doet mee aan de regeling",
        proposal="DUO stelt de aflossing op € 0 op grond van de draagkrachtmeting en doet mee "
        "aan de regeling voor de andere schulden.",
        basis="Faillissementswet art. 287a",
        reasoning="Als één schuldeiser een redelijke regeling blokkeert, kan de rechter een "
        "dwangakkoord opleggen; meedoen is daarom nu al redelijk.",
        engagement="De dochter schrijft zich opnieuw in voor haar opleiding.",
        commitment="Ik maak mijn opleiding af en meld elke inkomenswijziging bij Schuldhulp.",
        question="Wilt u meedoen aan de schuldregeling met een aflossing van € 0 naar draagkracht?",
        status_quo=(
            Line("schuldhulpverlening-traject", "1", 80),
            Line("bijstand-alleenstaande", "1", 50),
        ),
        with_breakthrough=(Line("schuldhulpverlening-traject", "1", 100),),
        pause="Invordering van de studieschuld",
    ),
    Story(
        theme=Theme.INCOME,
        kind=BottleneckKind.MISSING,
        title="Geen bijzondere bijstand voor een ticket van € 250",
        description=(
            "Moeder kan een baan krijgen in de zorg, maar moet eerst haar diploma laten "
            "legaliseren in haar geboorteland. Bijzondere bijstand wijst de reis af: geen "
            "noodzakelijke kosten volgens de beleidsregel."
        ),
        blocked="Een retourticket van € 250, zodat zij het diploma kan ophalen en met werk "
        "kan beginnen.",
        citations=("Participatiewet art. 35", "Awb art. 4:84"),
        organisations=("W&I",),
        partner="W&I",
        bt_title="Ticket van € 250 vergoeden uit bijzondere bijstand",
        proposal="De gemeente vergoedt het retourticket van € 250 als bijzondere bijstand om "
        "niet. Moeder tekent het contract zodra het diploma is gelegaliseerd.",
        basis="Participatiewet art. 35",
        reasoning="Het ticket is een noodzakelijke kost door bijzondere omstandigheden: "
        "zonder gelegaliseerd diploma gaat de baan niet door.",
        direct_cost_cents=25_000,
        horizon=6,
        engagement="Moeder regelt zelf de afspraak bij het ministerie in haar geboorteland.",
        commitment="Ik boek de reis zelf en lever de bonnen en het diploma in.",
        question="Kunt u het ticket van € 250 vergoeden als bijzondere bijstand?",
        status_quo=(Line("bijstand-alleenstaande", "0.5", 70, "Blijft in de bijstand"),),
        carried_out="Ticket vergoed; het diploma is gelegaliseerd.",
        evaluation="Moeder werkt sinds twee maanden 24 uur per week in de thuiszorg.",
    ),
    Story(
        theme=Theme.DEBTS,
        kind=BottleneckKind.PRACTICE,
        title="UWV verrekent een oude WW-schuld onder de beslagvrije voet",
        description=(
            "UWV verrekent een terugvordering uit 2021 met de huidige uitkering. Er blijft "
            "minder over dan de beslagvrije voet; de huur van deze maand is niet betaald."
        ),
        blocked="Verrekening die rekening houdt met de beslagvrije voet, zodat de vaste "
        "lasten betaald blijven.",
        citations=("Rv art. 475d", "Awb art. 4:94"),
        organisations=("UWV", "Schuldhulp"),
        partner="UWV",
        bt_title="Verrekening stoppen en de beslagvrije voet opnieuw berekenen",
        proposal="UWV stopt de verrekening drie maanden, berekent de beslagvrije voet opnieuw "
        "met de huidige woonlasten en betaalt het te veel ingehouden bedrag terug.",
        basis="Rv art. 475d",
        reasoning="Bij verrekening moet de beslagvrije voet overblijven; met de huidige "
        "woonlasten is die te laag berekend.",
        engagement="Het huishouden levert de huurspecificatie en bankafschriften zelf aan.",
        commitment="Ik lever mijn huurspecificatie en afschriften binnen een week aan.",
        question="Kunt u de verrekening drie maanden stoppen en de beslagvrije voet opnieuw "
        "berekenen?",
        status_quo=(
            Line("huurachterstand-maand", "2", 70),
            Line("schuldhulpverlening-traject", "1", 60),
        ),
        with_breakthrough=(Line("schuldhulpverlening-traject", "1", 20),),
        pause="Verrekening van de terugvordering met de uitkering",
        carried_out="UWV heeft de verrekening gestopt en € 310 terugbetaald.",
        evaluation="De huur is weer op tijd betaald; de terugvordering loopt mee in de "
        "schuldregeling.",
    ),
    Story(
        theme=Theme.HOUSING,
        kind=BottleneckKind.RULES_CLASH,
        title="Geen urgentie na scheiding: moeder en kinderen in de opvang",
        description=(
            "Na huiselijk geweld verblijft moeder met twee kinderen in de opvang. Urgentie is "
            "afgewezen omdat zij 'zelf de woning heeft verlaten'. De opvangplek loopt over "
            "acht weken af."
        ),
        blocked="Voorrang op een sociale huurwoning, zodat de kinderen op hun school kunnen "
        "blijven.",
        citations=("Huisvestingswet 2014 art. 12", "Wet BRP art. 2.41"),
        organisations=("De Linde", "W&I"),
        partner="De Linde",
        bt_title="Directe bemiddeling naar een woning van De Linde",
        proposal="De verhuurder biedt buiten de urgentieregeling om een passende woning aan in "
        "de wijk van de school; het buurtteam begeleidt het eerste jaar.",
        basis="Huisvestingswet 2014 art. 12",
        reasoning="De verordening geeft voorrang bij dringende woonnood; vertrek na huiselijk "
        "geweld is geen verwijtbaar vertrek.",
        engagement="Moeder zoekt mee naar woningen en gaat met de kinderen naar de "
        "ouderbegeleiding.",
        commitment="Ik accepteer een passende woning in de wijk en betaal de huur automatisch.",
        question="Kunt u een passende woning aanbieden in de wijk van de school, buiten de "
        "urgentieregeling om?",
        status_quo=(
            Line("maatschappelijke-opvang", "1", 80),
            Line("jeugdhulp-client", "2", 40, "Twee kinderen"),
        ),
        with_breakthrough=(Line("maatschappelijke-opvang", "0.25", 100, "Tot de sleutel"),),
        carried_out="Huurcontract getekend; het gezin is verhuisd.",
        evaluation="De kinderen zitten nog op hun eigen school; de jeugdhulp is afgeschaald.",
    ),
    Story(
        theme=Theme.HOUSING,
        kind=BottleneckKind.PRACTICE,
        title="Verhuizen kan niet zolang er een huurachterstand is",
        description=(
            "De woning heeft ernstige schimmel en de jongste heeft astma. De verhuurder wil "
            "pas een andere woning aanbieden als de oude achterstand van € 900 is afgelost."
        ),
        blocked="Verhuizen naar een gezonde woning, met de achterstand in een regeling.",
        citations=("BW art. 6:265", "Wgs art. 4a"),
        organisations=("De Linde", "ZV Midden"),
        partner="De Linde",
        bt_title="Nu verhuizen, de achterstand in de regeling",
        proposal="De verhuurder biedt een gezonde woning aan; de achterstand van € 900 gaat mee "
        "in een regeling van € 50 per maand.",
        basis="BW art. 6:265",
        reasoning="Een beperkte achterstand met een betalingsregeling rechtvaardigt geen "
        "weigering; de gezondheid van het kind weegt zwaarder.",
        engagement="Het gezin betaalt de regeling en de nieuwe huur automatisch.",
        commitment="Wij betalen elke maand € 50 extra tot de achterstand weg is.",
        question="Kunt u nu een gezonde woning aanbieden en de achterstand in een regeling "
        "van € 50 per maand opnemen?",
        status_quo=(
            Line("huurachterstand-maand", "1.5", 100),
            Line("jeugdhulp-client", "1", 30),
        ),
        with_breakthrough=(Line("huurachterstand-maand", "1.5", 30),),
        pause="Incasso van de oude huurachterstand",
    ),
    Story(
        theme=Theme.HOUSING,
        kind=BottleneckKind.INFORMATION,
        title="Briefadres geweigerd: de post komt nergens aan",
        description=(
            "Een jongeman (19) uit de jeugdzorg heeft geen woonadres. Burgerzaken weigert een "
            "briefadres bij zijn tante. Brieven van DUO en de zorgverzekeraar komen niet aan; "
            "boetes lopen op."
        ),
        blocked="Een briefadres, zodat hij bereikbaar is en zijn zorgverzekering houdt.",
        citations=("Wet BRP art. 2.39",),
        organisations=("W&I", "DUO"),
        partner="W&I",
        bt_title="Briefadres bij de tante registreren",
        proposal="Burgerzaken registreert het briefadres bij de tante, die schriftelijk "
        "instemt; het buurtteam controleert na drie maanden of de post aankomt.",
        basis="Wet BRP art. 2.39",
        reasoning="Wie geen woonadres heeft, heeft recht op een briefadres; de tante stemt in.",
        engagement="De jongeman haalt wekelijks zijn post op en opent die met zijn mentor.",
        commitment="Ik haal elke zaterdag mijn post op bij mijn tante.",
        question="Kunt u het briefadres bij de tante registreren?",
        status_quo=(
            Line("maatschappelijke-opvang", "0.5", 40),
            Line("bijstand-alleenstaande", "0.5", 50),
        ),
        with_breakthrough=(Line("bijstand-alleenstaande", "0.25", 30),),
    ),
    Story(
        theme=Theme.INCOME,
        kind=BottleneckKind.INFORMATION,
        title="Tussen twee loketten: WW gestopt, bijstand wacht op UWV",
        description=(
            "UWV heeft de WW stopgezet na een gemiste afspraak. De gemeente wil pas bijstand "
            "geven als UWV op het bezwaar heeft beslist (voorliggende voorziening). Het gezin "
            "heeft al zes weken geen inkomen."
        ),
        blocked="Inkomen tijdens het bezwaar, zodat er geen nieuwe schulden ontstaan.",
        citations=("Participatiewet art. 15 lid 1", "Participatiewet art. 52", "Awb art. 3:2"),
        organisations=("UWV", "W&I"),
        partner="UWV",
        bt_title="UWV beslist versneld op het bezwaar; de gemeente geeft een voorschot",
        proposal="UWV behandelt het bezwaar binnen twee weken; tot die tijd geeft de gemeente "
        "een voorschot op de bijstand.",
        basis="Participatiewet art. 52",
        reasoning="Is het recht op bijstand waarschijnlijk, dan geeft de gemeente binnen vier "
        "weken een voorschot; zo ontstaan er geen nieuwe schulden.",
        engagement="Vader gaat naar elke afspraak bij UWV, met de klantmanager erbij.",
        commitment="Ik zet elke afspraak in mijn telefoon en meld me af als ik niet kan.",
        question="Kunt u het bezwaar binnen twee weken behandelen?",
        status_quo=(
            Line("huurachterstand-maand", "2", 70),
            Line("schuldhulpverlening-traject", "1", 50),
        ),
        with_breakthrough=(Line("bijstand-alleenstaande", "0.1", 100, "Voorschot"),),
        pause="Terugvordering van de WW over de gemiste afspraak",
        carried_out="UWV heeft het bezwaar gegrond verklaard; de WW is hervat.",
        evaluation="Het voorschot is verrekend; er zijn geen nieuwe schulden ontstaan.",
    ),
)


@dataclass(frozen=True)
class Plan:
    """The route one breakthrough takes; ``due`` times an open one's deadline."""

    steps: tuple[str, ...]
    due: str = ""  # "near" or "passed" for breakthroughs left open
    contact: bool = False  # the partner asked must have a demo contact person
    pause: bool = False  # the story must have something a time-out can pause
    lead: bool = False  # a household of the demo team lead's team


#: The first plans cover every state, level and answer; the rest repeat them.
PLANS: tuple[Plan, ...] = (
    Plan(("draft",)),
    Plan(("submit",), due="passed"),
    Plan(("submit", "ask", "timeout"), due="near", pause=True),
    Plan(("submit", "ask", "more_info"), due="near", contact=True),
    Plan(("submit", "ask", "decline", "escalate"), due="near", contact=True),
    Plan(("submit", "ask", "decline", "lapse", "escalate"), due="near", contact=True),
    Plan(("submit", "decide_ok", "carry_out")),
    Plan(
        ("submit", "timeout_granted", "ask", "accept", "carry_out", "evaluate"),
        contact=True,
        pause=True,
    ),
    Plan(("submit", "ask", "decline", "escalate", "table_ok"), contact=True),
    Plan(("submit", "decide_no")),
    Plan(("submit", "timeout_refused"), due="near", contact=True, pause=True),
    Plan(("submit", "ask_override"), due="passed", lead=True),
    Plan(("complete",)),
    Plan(("submit", "ask", "more_info", "clarify", "accept", "carry_out"), contact=True),
    Plan(("submit", "ask", "decline", "escalate", "escalate", "admin_no"), contact=True, lead=True),
    Plan(("submit", "ask", "lapse", "escalate", "admin_ok", "carry_out", "evaluate")),
    Plan(("submit", "ask", "decline", "lapse", "table_no"), contact=True),
    Plan(("submit", "ask", "lapse"), due="passed"),
    Plan(("submit", "ask", "decline", "escalate", "escalate"), due="passed", contact=True),
    Plan(("submit",), due="near"),
    Plan(("submit", "ask", "more_info", "clarify"), due="passed", contact=True),
    Plan(("submit", "decide_ok", "carry_out", "evaluate")),
    Plan(("submit", "ask", "accept"), contact=True),
    Plan(("draft",)),
    Plan(("submit", "decide_ok")),
    Plan(
        ("submit", "ask", "decline", "escalate", "table_ok", "carry_out", "evaluate"),
        contact=True,
    ),
    Plan(("submit", "ask"), due="passed"),
    Plan(("submit", "ask", "decline"), due="near", contact=True),
)

#: Working days between one step and the one before it.
GAPS = {
    "submit": 3,
    "ask": 2,
    "ask_override": 1,
    "timeout": 1,
    "timeout_granted": 1,
    "timeout_refused": 1,
    "more_info": 4,
    "clarify": 2,
    "accept": 5,
    "decline": 6,
    "escalate": 4,
    "table_ok": 8,
    "table_no": 8,
    "admin_ok": 12,
    "admin_no": 12,
    "decide_ok": 2,
    "decide_no": 2,
    "carry_out": 6,
    "evaluate": 40,
}
LEVEL_CHANGES = {"submit", "ask", "ask_override", "lapse", "escalate"}

CONTACT_PROFILES = {
    "contactpersoon": (
        "Terugvordering of verrekening opschorten tot 6 maanden; betalingsregeling op maat; "
        "uitkering met voorrang hervatten.",
        500_000,
        "088-0000101",
    ),
    "corporatie": (
        "Ontruiming opschorten tot 6 maanden; huurachterstand tot € 3.000 in een regeling "
        "of kwijtschelden; een andere woning met voorrang aanbieden.",
        300_000,
        "030-0000202",
    ),
}
CONSENT_BASIS = "Toestemming van het huishouden (AVG art. 6 lid 1 sub a)"
OVERRIDE_BASIS = "Vitaal belang en publieke taak (AVG art. 6 lid 1 sub d en e)"
OVERRIDE_REASON = (
    "Acute dreiging: de zitting is over drie dagen en de hoofdbewoner is opgenomen, dus "
    "toestemming kan niet op tijd worden gevraagd. Afgestemd met de bewindvoerder."
)
L1_MANDATE = "Eigen mandaat buurtteam: doe wat nodig is, tot € 1.000 per huishouden"
TABLE_MANDATE = "Voorzitter doorbraaktafel Demostad, mandaat van het college tot € 10.000"
ADMIN_MANDATE = "Bestuurlijke escalatie: besluit namens de wethouder Werk en Inkomen"
REASONS = {
    "decide_ok": "Binnen ons mandaat; de doorbraak voorkomt hogere kosten en het huishouden "
    "doet zelf mee.",
    "decide_no": "Niet meer nodig: de familie heeft het zelf opgelost. Het knelpunt blijft "
    "gesignaleerd voor de beleidsadviseur.",
    "table_ok": "De tafel ziet een duidelijk maatschappelijk rendement; de gemeente neemt het "
    "risico en de partner voert uit.",
    "table_no": "De wet laat hier geen ruimte (geen hardheidsclausule). De tafel legt het "
    "knelpunt via de beleidsadviseur voor aan het Rijk.",
    "admin_ok": "De wethouder stemt in: het rendement is aangetoond en het huishouden doet mee.",
    "admin_no": "Afgewezen: dit vraagt een wetswijziging. Het knelpunt gaat mee in de "
    "signalering aan het ministerie.",
}
ANSWERS = {
    RequestStatus.ACCEPTED: "Akkoord binnen mijn mandaat; wij passen het deze week aan.",
    RequestStatus.DECLINED: "Dit valt buiten mijn mandaat: onze landelijke regels laten "
    "geen uitzondering toe. Graag naar de doorbraaktafel.",
    RequestStatus.MORE_INFORMATION: "Kunt u het budgetplan en de inkomensgegevens van de "
    "afgelopen drie maanden meesturen?",
}
CLARIFICATION = (
    "Budgetplan en inkomensoverzicht via beveiligde mail gestuurd; het huishouden heeft "
    "daarvoor toestemming gegeven."
)
ESCALATE_REASONS = {
    2: "De partnerorganisatie wees het verzoek af; de doorbraaktafel moet beslissen.",
    3: "De tafel kan hier niet over beslissen: het gaat om landelijk beleid. Bestuurlijk "
    "opschalen.",
}
