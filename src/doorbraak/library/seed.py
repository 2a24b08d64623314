"""The national law library: articles that give room for a tailored solution.

Seeded into :class:`~doorbraak.breakthroughs.models.Regulation` by migration 0004. The
descriptions are our own plain-Dutch summaries (data, not interface text, so no gettext):
what the article says and how it helps when a household is stuck between organisations.
``url`` points to the law on wetten.overheid.nl only where the BWB identifier is certain.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Article(NamedTuple):
    law: str
    article: str
    citation: str
    kind: str  # RegulationKind value
    description: str
    deviation: str  # Deviation value
    url: str


WETTEN: Final = "https://wetten.overheid.nl/"
AWB: Final = WETTEN + "BWBR0005537"
PW: Final = WETTEN + "BWBR0015703"
WMO: Final = WETTEN + "BWBR0035362"
JW: Final = WETTEN + "BWBR0034925"
GEMW: Final = WETTEN + "BWBR0005416"
INVW: Final = WETTEN + "BWBR0004770"
WGS: Final = WETTEN + "BWBR0031164"
FW: Final = WETTEN + "BWBR0001860"
BW6: Final = WETTEN + "BWBR0005289"
BW7: Final = WETTEN + "BWBR0005290"
RV: Final = WETTEN + "BWBR0001827"
AWIR: Final = WETTEN + "BWBR0018472"
ZVW: Final = WETTEN + "BWBR0018450"
BRP: Final = WETTEN + "BWBR0033715"
HVW: Final = WETTEN + "BWBR0035303"

LAW: Final = "wet"
NONE: Final = "geen"
HARDSHIP: Final = "hardheid"
DISCRETION: Final = "beleidsruimte"

AWB_NAME: Final = "Algemene wet bestuursrecht"
PW_NAME: Final = "Participatiewet"
WMO_NAME: Final = "Wet maatschappelijke ondersteuning 2015"
WGS_NAME: Final = "Wet gemeentelijke schuldhulpverlening"
FW_NAME: Final = "Faillissementswet"
ZVW_NAME: Final = "Zorgverzekeringswet"
BRP_NAME: Final = "Wet basisregistratie personen"

NATIONAL_ARTICLES: Final[tuple[Article, ...]] = (
    # --- Algemene wet bestuursrecht -----------------------------------------------------
    Article(
        AWB_NAME,
        "3:2",
        "Awb art. 3:2",
        LAW,
        "Een overheidsorganisatie moet eerst de feiten en belangen goed uitzoeken voordat zij "
        "beslist. Wie een besluit neemt zonder de hele situatie van het huishouden te kennen, "
        "handelt niet zorgvuldig. Dit is de basis om te vragen dat een organisatie eerst met het "
        "huishouden en de andere betrokken partijen praat.",
        NONE,
        AWB,
    ),
    Article(
        AWB_NAME,
        "3:4 lid 2",
        "Awb art. 3:4 lid 2",
        LAW,
        "De nadelige gevolgen van een besluit mogen niet onevenredig zijn in verhouding tot het "
        "doel ervan. Als een regel voor dit huishouden veel zwaarder uitpakt dan bedoeld, moet "
        "de organisatie dat meewegen. Zo onderbouwt u waarom een mildere oplossing nodig is.",
        DISCRETION,
        AWB,
    ),
    Article(
        AWB_NAME,
        "4:84",
        "Awb art. 4:84",
        LAW,
        "Een organisatie volgt haar eigen beleidsregels, behalve als dat in een bijzonder geval "
        "onevenredig uitpakt. Dan moet zij van die beleidsregel afwijken. Dit is de algemene "
        "afwijkingsbevoegdheid voor maatwerk wanneer alleen beleid (geen wet) in de weg zit.",
        HARDSHIP,
        AWB,
    ),
    Article(
        AWB_NAME,
        "4:94",
        "Awb art. 4:94",
        LAW,
        "Een overheidsorganisatie mag iemand uitstel van betaling geven. Zolang het uitstel "
        "loopt, mag zij niet aanmanen of invorderen. Zo krijgt een huishouden rust om eerst de "
        "schulden of het inkomen op orde te brengen.",
        DISCRETION,
        AWB,
    ),
    # --- Participatiewet ----------------------------------------------------------------
    Article(
        PW_NAME,
        "15 lid 1",
        "Participatiewet art. 15 lid 1",
        LAW,
        "Bijstand is een vangnet: wie een beroep kan doen op een andere voorziening (zoals een "
        "uitkering of toeslag), moet die eerst gebruiken. Als die andere voorziening vastloopt, "
        "kan dat een huishouden tussen twee loketten laten vallen. Dit artikel maakt zichtbaar "
        "welke organisatie eerst aan zet is.",
        NONE,
        PW,
    ),
    Article(
        PW_NAME,
        "16",
        "Participatiewet art. 16",
        LAW,
        "Ook iemand die volgens de wet geen recht op bijstand heeft, kan die toch krijgen als er "
        "zeer dringende redenen zijn, bijvoorbeeld een acute noodsituatie. Het moet dan "
        "onontkoombaar zijn dat geholpen wordt. Dit is de noodrem als alle andere deuren "
        "dicht zijn.",
        HARDSHIP,
        PW,
    ),
    Article(
        PW_NAME,
        "18 lid 1",
        "Participatiewet art. 18 lid 1",
        LAW,
        "De gemeente stemt de bijstand en de verplichtingen af op de omstandigheden, "
        "mogelijkheden en middelen van de persoon. Dat geeft ruimte om niet alleen naar de norm "
        "maar naar het hele huishouden te kijken. Het is een belangrijke basis voor maatwerk in "
        "de bijstand.",
        DISCRETION,
        PW,
    ),
    Article(
        PW_NAME,
        "35",
        "Participatiewet art. 35",
        LAW,
        "Bijzondere bijstand is voor noodzakelijke kosten die door bijzondere omstandigheden "
        "ontstaan en die iemand niet zelf kan betalen. Ook mensen met een inkomen iets boven "
        "bijstandsniveau kunnen er recht op hebben. De gemeente heeft veel ruimte om te bepalen "
        "wat in dit geval noodzakelijk is.",
        DISCRETION,
        PW,
    ),
    Article(
        PW_NAME,
        "36",
        "Participatiewet art. 36",
        LAW,
        "Wie lang een laag inkomen heeft en geen uitzicht op verbetering, kan een individuele "
        "inkomenstoeslag krijgen. De gemeente regelt de voorwaarden in een verordening en kijkt "
        "naar de persoonlijke situatie. Zo kan een huishouden extra ruimte krijgen voor vervanging "
        "van spullen.",
        DISCRETION,
        PW,
    ),
    Article(
        PW_NAME,
        "40",
        "Participatiewet art. 40",
        LAW,
        "Dit artikel bepaalt bij welke gemeente iemand bijstand aanvraagt: in principe de gemeente "
        "waar hij woont. Voor mensen zonder vaste woonplek, zoals dak- en thuislozen, geeft het "
        "artikel een eigen regeling. Het helpt als gemeenten elkaar naar elkaar verwijzen.",
        NONE,
        PW,
    ),
    Article(
        PW_NAME,
        "43",
        "Participatiewet art. 43",
        LAW,
        "Het college stelt het recht op bijstand vast na een aanvraag, maar kan dat ook uit "
        "zichzelf (ambtshalve) doen als het dat nodig vindt. Zo hoeft een huishouden dat het "
        "overzicht kwijt is niet altijd eerst zelf een aanvraag rond te krijgen.",
        DISCRETION,
        PW,
    ),
    Article(
        PW_NAME,
        "44",
        "Participatiewet art. 44",
        LAW,
        "Bijstand gaat in vanaf de dag dat iemand zich meldt om een aanvraag te doen, niet "
        "eerder. Een eerdere ingangsdatum is alleen in uitzonderlijke gevallen mogelijk, zo blijkt "
        "uit de rechtspraak. Daarom is het belangrijk dat een huishouden zich zo vroeg mogelijk "
        "meldt, ook als nog niet alle papieren compleet zijn.",
        NONE,
        PW,
    ),
    Article(
        PW_NAME,
        "52",
        "Participatiewet art. 52",
        LAW,
        "Als de gemeente nog niet heeft beslist over een aanvraag, moet zij binnen vier weken "
        "een voorschot geven als het recht op bijstand waarschijnlijk is. Zo ontstaan er geen "
        "nieuwe schulden terwijl de aanvraag nog loopt.",
        NONE,
        PW,
    ),
    Article(
        PW_NAME,
        "58",
        "Participatiewet art. 58",
        LAW,
        "De gemeente kan te veel of ten onrechte betaalde bijstand terugvorderen. Het artikel laat "
        "haar ook geheel of gedeeltelijk afzien van terugvordering als daar dringende redenen voor "
        "zijn. Dat geeft ruimte als terugvorderen het herstel van het huishouden blokkeert.",
        HARDSHIP,
        PW,
    ),
    # --- Wmo 2015 en Jeugdwet -----------------------------------------------------------
    Article(
        WMO_NAME,
        "2.3.2",
        "Wmo 2015 art. 2.3.2",
        LAW,
        "Na een melding onderzoekt de gemeente samen met de inwoner wat hij nodig heeft, in een "
        "gesprek en binnen een vaste termijn. Daarbij kijkt de gemeente ook naar wat familie, "
        "het netwerk en andere voorzieningen kunnen doen. Zo komt de hele situatie op tafel, niet "
        "alleen één hulpvraag.",
        NONE,
        WMO,
    ),
    Article(
        WMO_NAME,
        "2.3.5",
        "Wmo 2015 art. 2.3.5",
        LAW,
        "De gemeente kent een maatwerkvoorziening toe als iemand niet zelf, met zijn netwerk of "
        "met algemene voorzieningen voldoende zelfredzaam kan zijn of kan meedoen. De voorziening "
        "moet passend zijn voor de persoonlijke situatie. Dit is de kern van maatwerk in de "
        "ondersteuning thuis.",
        DISCRETION,
        WMO,
    ),
    Article(
        WMO_NAME,
        "2.3.6",
        "Wmo 2015 art. 2.3.6",
        LAW,
        "Een inwoner kan ervoor kiezen de maatwerkvoorziening als persoonsgebonden budget te "
        "krijgen en zelf de hulp in te kopen, als hij dat kan beheren. Dat helpt wanneer de "
        "gewone hulp van de gemeente niet aansluit bij het huishouden.",
        NONE,
        WMO,
    ),
    Article(
        "Jeugdwet",
        "2.3",
        "Jeugdwet art. 2.3",
        LAW,
        "Als een kind of de ouders jeugdhulp nodig hebben die zij niet zelf of met hun netwerk "
        "kunnen regelen, zorgt de gemeente voor een passende voorziening. De gemeente kijkt "
        "daarbij naar de situatie van het hele gezin. Zo kan hulp voor kinderen aansluiten op de "
        "rest van het plan.",
        DISCRETION,
        JW,
    ),
    # --- Belastingen en invordering -----------------------------------------------------
    Article(
        "Gemeentewet",
        "255",
        "Gemeentewet art. 255",
        LAW,
        "Bij gemeentelijke belastingen gelden de regels voor invordering en kwijtschelding van "
        "het Rijk, maar de gemeenteraad mag binnen grenzen eigen keuzes maken. Zo kan de gemeente "
        "ruimer kwijtschelden dan de landelijke norm. Dit artikel is de basis voor de lokale "
        "kwijtscheldingsverordening.",
        DISCRETION,
        GEMW,
    ),
    Article(
        "Invorderingswet 1990",
        "26",
        "Invorderingswet 1990 art. 26",
        LAW,
        "Wie een belastingaanslag niet kan betalen, kan onder voorwaarden kwijtschelding krijgen. "
        "De regels bepalen welk inkomen en vermogen iemand daarvoor mag hebben. Het geldt ook "
        "voor gemeentelijke belastingen zoals afvalstoffenheffing.",
        NONE,
        INVW,
    ),
    # --- Schulden ----------------------------------------------------------------------
    Article(
        WGS_NAME,
        "3",
        "Wgs art. 3",
        LAW,
        "Het college beslist op een verzoek om schuldhulpverlening. De wet geeft maar enkele "
        "gronden om hulp te weigeren, zoals bepaalde fraude, en ook dan is weigeren een "
        "bevoegdheid en geen plicht. Zo is toegang tot schuldhulp de regel en uitsluiting de "
        "uitzondering.",
        DISCRETION,
        WGS,
    ),
    Article(
        WGS_NAME,
        "4",
        "Wgs art. 4",
        LAW,
        "Na een verzoek om schuldhulp moet binnen korte tijd een eerste gesprek volgen. Bij "
        "dreigende huisuitzetting of afsluiting van energie of water moet dat veel sneller, "
        "binnen enkele werkdagen. Zo voorkomt de gemeente dat een crisis escaleert.",
        NONE,
        WGS,
    ),
    Article(
        WGS_NAME,
        "4a",
        "Wgs art. 4a",
        LAW,
        "Woningverhuurders, energie- en drinkwaterbedrijven en zorgverzekeraars geven "
        "betalingsachterstanden door aan de gemeente. De gemeente biedt dan uit zichzelf hulp "
        "aan. Zo wordt een huishouden bereikt voordat de schulden groot zijn (vroegsignalering).",
        NONE,
        WGS,
    ),
    Article(
        FW_NAME,
        "287a",
        "Faillissementswet art. 287a",
        LAW,
        "Als bijna alle schuldeisers instemmen met een schuldregeling maar één of enkele weigeren, "
        "kan de rechter die weigeraars dwingen mee te werken (dwangakkoord). Zo kan één "
        "schuldeiser een goede regeling niet blokkeren.",
        DISCRETION,
        FW,
    ),
    Article(
        FW_NAME,
        "287b",
        "Faillissementswet art. 287b",
        LAW,
        "De rechter kan een afkoelingsperiode (moratorium) van maximaal zes maanden uitspreken "
        "waarin schuldeisers niet mogen invorderen, ontruimen of afsluiten. Dat geeft rust om een "
        "schuldregeling voor te bereiden, bijvoorbeeld bij dreigende huisuitzetting.",
        DISCRETION,
        FW,
    ),
    Article(
        FW_NAME,
        "288",
        "Faillissementswet art. 288",
        LAW,
        "Dit artikel bepaalt wanneer iemand wordt toegelaten tot de wettelijke schuldsanering "
        "(Wsnp), onder meer dat hij te goeder trouw moet zijn geweest. De rechter kan iemand toch "
        "toelaten als de omstandigheden die tot de schulden leidden nu onder controle zijn. Dat "
        "biedt een uitweg als de minnelijke regeling is mislukt.",
        HARDSHIP,
        FW,
    ),
    Article(
        "Wetboek van Burgerlijke Rechtsvordering",
        "475d",
        "Rv art. 475d",
        LAW,
        "Bij beslag op inkomen moet altijd een beslagvrije voet overblijven, zodat iemand kan "
        "blijven leven en de vaste lasten kan betalen. Een goed berekende beslagvrije voet "
        "voorkomt dat beslag nieuwe schulden of een huurachterstand veroorzaakt.",
        NONE,
        RV,
    ),
    # --- Wonen --------------------------------------------------------------------------
    Article(
        "Burgerlijk Wetboek Boek 6",
        "6:265",
        "BW art. 6:265",
        LAW,
        "Een overeenkomst mag worden ontbonden als een partij tekortschiet, tenzij de tekortkoming "
        "te klein of te bijzonder is om dat te rechtvaardigen. Bij een beperkte huurachterstand "
        "met een betalingsregeling kan de rechter daarom ontbinding weigeren.",
        DISCRETION,
        BW6,
    ),
    Article(
        "Burgerlijk Wetboek Boek 7",
        "7:231",
        "BW art. 7:231",
        LAW,
        "Een huurovereenkomst van een woning kan de verhuurder in de regel alleen via de rechter "
        "laten ontbinden, niet zelf. Zo is er altijd een moment waarop de rechter de situatie van "
        "het huishouden kan meewegen voordat het de woning kwijtraakt.",
        NONE,
        BW7,
    ),
    Article(
        "Huisvestingswet 2014",
        "12",
        "Huisvestingswet 2014 art. 12",
        LAW,
        "De gemeenteraad kan in de huisvestingsverordening regelen dat mensen met dringende "
        "woonnood voorrang krijgen op een woning (urgentie). De gemeente bepaalt zelf welke "
        "situaties daarvoor in aanmerking komen. Dit is de ingang voor een woning als wonen de "
        "rest van het plan blokkeert.",
        DISCRETION,
        HVW,
    ),
    Article(
        BRP_NAME,
        "2.39",
        "Wet BRP art. 2.39",
        LAW,
        "Wie geen woonadres heeft, geeft een briefadres op waar de post van de overheid "
        "binnenkomt. Zonder inschrijving lopen uitkering, zorgverzekering en toeslagen vast. Een "
        "briefadres houdt een huishouden zonder woning bereikbaar voor alle organisaties.",
        NONE,
        BRP,
    ),
    Article(
        BRP_NAME,
        "2.41",
        "Wet BRP art. 2.41",
        LAW,
        "Als inschrijving op het echte woonadres om veiligheidsredenen niet verstandig is, "
        "bijvoorbeeld bij huiselijk geweld, kan iemand in plaats daarvan een briefadres kiezen. "
        "Zo blijft hij bereikbaar zonder dat zijn verblijfplaats bekend wordt.",
        NONE,
        BRP,
    ),
    # --- Toeslagen, zorgverzekering, boetes ----------------------------------------------
    Article(
        "Algemene wet inkomensafhankelijke regelingen",
        "26",
        "Awir art. 26",
        LAW,
        "Als een toeslag achteraf te hoog blijkt, moet het teveel ontvangen bedrag worden "
        "terugbetaald. Dienst Toeslagen kan daarvoor een betalingsregeling naar draagkracht "
        "afspreken. Het is belangrijk dit vroeg te regelen, zodat het inkomen niet onder het "
        "bestaansminimum zakt.",
        NONE,
        AWIR,
    ),
    Article(
        ZVW_NAME,
        "18a",
        "Zvw art. 18a",
        LAW,
        "Bij een premieachterstand van twee maanden moet de zorgverzekeraar een betalingsregeling "
        "aanbieden. Zo kan een huishouden een oplopende schuld voorkomen en de verzekering houden.",
        NONE,
        ZVW,
    ),
    Article(
        ZVW_NAME,
        "18c",
        "Zvw art. 18c",
        LAW,
        "Bij een premieachterstand van zes maanden meldt de zorgverzekeraar de verzekerde aan bij "
        "het CAK. Daarna betaalt hij een hogere bestuursrechtelijke premie, die vaak op het "
        "inkomen wordt ingehouden. Schuldhulpverlening kan deze regeling voor wanbetalers weer "
        "beëindigen.",
        NONE,
        ZVW,
    ),
    Article(
        "Wet administratiefrechtelijke handhaving verkeersvoorschriften",
        "23",
        "WAHV art. 23",
        LAW,
        "Een verkeersboete die niet op tijd is betaald, wordt stapsgewijs verhoogd. Voor een "
        "huishouden met weinig geld lopen kleine boetes zo snel op. Vroeg een betalingsregeling "
        "aanvragen bij het CJIB voorkomt verdere verhogingen.",
        NONE,
        "",
    ),
)
