"""The national seed of the cost catalogue (kostenkengetallen), with their public sources.

These figures are Dutch data (names stay Dutch; they are not translated). Each one names
its source; where the source only gives an approximate or local figure, the ``note`` says
so ("indicatief"). The data migration ``0002_seed_cost_catalogue`` holds a *copy* of this
list, so editing it here never rewrites history: add a new year as a new row (same
``code``) through the admin or the CSV import instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorbraak.catalogue.models import CostUnit, Payer


@dataclass(frozen=True)
class SeedCostItem:
    code: str
    name: str
    unit: str
    amount_cents: int
    payer: str
    source: str
    valid_year: int
    note: str
    source_url: str = ""


NATIONAL_SEED: tuple[SeedCostItem, ...] = (
    SeedCostItem(
        code="huisuitzetting-corporatie",
        name="Huisuitzetting: kosten woningcorporatie (ondergrens)",
        unit=CostUnit.EVENT,
        amount_cents=174_600,
        payer=Payer.HOUSING_CORPORATION,
        source=(
            "Aedes, enquête huurverhoging 2024: gemiddelde huur corporatiewoning eind 2023 "
            "€ 582 per maand (via Nul20, 'Corporatiehuren in Nederland gemiddeld met "
            "5,1 procent omhoog', 2024)"
        ),
        source_url="https://nul20.nl/corporatiehuren-nederland-gemiddeld-met-51-procent-omhoog",
        valid_year=2023,
        note=(
            "Indicatief, ondergrens: een ontruiming volgt doorgaans pas na minimaal drie "
            "maanden huurachterstand; 3 × € 582 = € 1.746 aan gederfde huur. Proces-, "
            "deurwaarders-, ontruimings- en leegstandskosten komen daar nog bij en zijn "
            "niet meegerekend, omdat geen landelijk gepubliceerd bedrag is gevonden."
        ),
    ),
    SeedCostItem(
        code="huisuitzetting-maatschappij",
        name="Huisuitzetting: maatschappelijke kosten (gemeente en instanties)",
        unit=CostUnit.EVENT,
        amount_cents=10_000_000,
        payer=Payer.MUNICIPALITY,
        source=(
            "BN DeStem, 'Huisuitzettingen kosten samenleving miljoenen en lossen niets op' "
            "(2017), raming van woningcorporatie Stadlander op basis van een masterthesis "
            "uit november 2015 (W. Dircken)"
        ),
        source_url=(
            "https://www.bndestem.nl/bergen-op-zoom/"
            "huisuitzettingen-kosten-samenleving-miljoenen-en-lossen-niets-op~a79243d8/"
        ),
        valid_year=2016,
        note=(
            "Indicatief, afgerond, lokale raming (Bergen op Zoom): het totaal dat instanties "
            "jarenlang maken om de gevolgen van één ontruiming op te vangen (opvang, zorg, "
            "hulpverlening). Geen landelijk kengetal; vervang door een eigen gemeentelijk "
            "cijfer zodra dat er is."
        ),
    ),
    SeedCostItem(
        code="maatschappelijke-opvang",
        name="Maatschappelijke opvang (een jaar)",
        unit=CostUnit.YEAR,
        amount_cents=2_323_600,
        payer=Payer.MUNICIPALITY,
        source=(
            "Cebeon (2011), kosten maatschappelijke opvang feitelijk daklozen, zoals "
            "berekend in Stichting Zwerfjongeren Nederland, 'Van kosten naar investering' "
            "(2018): € 280 miljoen / 12.050 feitelijk daklozen"
        ),
        source_url=(
            "https://issuu.com/stichtingzwerfjongerennederland/docs/"
            "20180209_van_kosten_naar_investerin"
        ),
        valid_year=2011,
        note="€ 23.236 gemiddeld per deelnemer per jaar, prijspeil 2011, niet geïndexeerd.",
    ),
    SeedCostItem(
        code="maatschappelijke-opvang",
        name="Maatschappelijke opvang (een jaar)",
        unit=CostUnit.YEAR,
        amount_cents=1_500_000,
        payer=Payer.MUNICIPALITY,
        source=(
            "EenVandaag (AVROTROS), 'Daklozen zijn een van duurste bevolkingsgroepen voor "
            "overheid' (23 december 2025), uitspraak van N. Boesveldt (Vrije Universiteit "
            "Amsterdam): 'Een plek in de opvang kost al gauw 15.000 euro per jaar'"
        ),
        source_url=(
            "https://eenvandaag.avrotros.nl/artikelen/daklozen-zijn-een-van-duurste-"
            "bevolkingsgroepen-voor-overheid-maar-dat-hoeft-niet-zorg-wordt-pas-ingezet-"
            "als-het-misgaat-162301"
        ),
        valid_year=2025,
        note=(
            "Indicatief, afgerond, ondergrens voor een opvangplek zonder zware zorg; met "
            "ggz-begeleiding tot ca. € 70.000 per jaar (zelfde bron). Lager dan het "
            "Cebeon-cijfer van 2011, dat ook andere kosten rond feitelijk daklozen bevat."
        ),
    ),
    SeedCostItem(
        code="bijstand-alleenstaande",
        name="Bijstandsuitkering alleenstaande, 21 jaar tot AOW-leeftijd (een jaar)",
        unit=CostUnit.YEAR,
        amount_cents=1_614_540,
        payer=Payer.MUNICIPALITY,
        source=(
            "Rijksoverheid, normbedragen Participatiewet per 1 januari 2025: alleenstaande "
            "21 jaar tot pensioengerechtigde leeftijd € 1.345,45 per maand inclusief "
            "vakantietoeslag (overgenomen in Gemeente Westland, 'Normenoverzicht "
            "minimuminkomen voor de bijzondere bijstand', 2025)"
        ),
        source_url=(
            "https://www.gemeentewestland.nl/aanvragen-en-regelen/toeslagen-vergoedingen-en-"
            "bijdragen/normenoverzicht-minimuminkomen-voor-de-bijzondere-bijstand"
        ),
        valid_year=2025,
        note=(
            "12 × € 1.345,45 = € 16.145,40: alleen de uitkering, zonder uitvoeringskosten "
            "en zonder de verhoging per 1 juli 2025."
        ),
    ),
    SeedCostItem(
        code="schuldhulpverlening-traject",
        name="Schuldhulpverleningstraject (per schuldgeval)",
        unit=CostUnit.EVENT,
        amount_cents=150_000,
        payer=Payer.MUNICIPALITY,
        source=(
            "Stichting Zwerfjongeren Nederland, 'Van kosten naar investering' (2018), "
            "overzichtstabel kosten/baten: schuldhulpverlening € 1.500 per schuldgeval "
            "(cijfer uit 2005)"
        ),
        source_url=(
            "https://issuu.com/stichtingzwerfjongerennederland/docs/"
            "20180209_van_kosten_naar_investerin"
        ),
        valid_year=2005,
        note=(
            "Indicatief, prijspeil 2005, niet geïndexeerd; de huidige kosten van een "
            "minnelijk traject of een Wsnp-traject liggen waarschijnlijk hoger. Vervang "
            "door een eigen gemeentelijk cijfer."
        ),
    ),
    SeedCostItem(
        code="beschermingsbewind",
        name="Beschermingsbewind eenpersoonshuishouden (eerste jaar)",
        unit=CostUnit.YEAR,
        amount_cents=234_861,
        payer=Payer.MUNICIPALITY,
        source=(
            "Landelijk Overleg Vakinhoud Civiel en Kanton (LOVCK), tarieven curatoren, "
            "bewindvoerders en mentoren 2024: intake € 751,41 en € 133,10 per maand, incl. "
            "btw (zoals gepubliceerd door Geldzaken op de rit, 'Tarieven 2024')"
        ),
        source_url="https://www.geldzakenopderit.nl/tarieven",
        valid_year=2024,
        note=(
            "€ 751,41 + 12 × € 133,10 = € 2.348,61 in het eerste jaar; volgende jaren "
            "€ 1.597,20. Bij een minimuminkomen betaalt de gemeente via bijzondere bijstand."
        ),
    ),
    SeedCostItem(
        code="uithuisplaatsing-kind",
        name="Uithuisplaatsing van een kind (een jaar)",
        unit=CostUnit.YEAR,
        amount_cents=4_000_000,
        payer=Payer.MUNICIPALITY,
        source=(
            "NRC Checkt, 'Jeugdzorg kreeg 50.000 euro voor uithuisplaatsing' (1 augustus "
            "2015): bekostiging van ca. € 40.000 per jaar per uithuisplaatsing (2008)"
        ),
        source_url=(
            "https://www.nrc.nl/nieuws/2015/08/01/"
            "jeugdzorg-kreeg-50000-euro-voor-uithuisplaatsi-1519307-a1304290"
        ),
        valid_year=2008,
        note=(
            "Indicatief, afgerond, prijspeil 2008. Pleegzorg is goedkoper, residentiële "
            "jeugdzorg duurder; sinds 2015 betaalt de gemeente (Jeugdwet)."
        ),
    ),
    SeedCostItem(
        code="jeugdhulp-client",
        name="Jeugdhulp per cliënt (een jaar)",
        unit=CostUnit.YEAR,
        amount_cents=1_250_000,
        payer=Payer.MUNICIPALITY,
        source=(
            "Gemeente Nijmegen, Sociale Wijkmonitor 2018, 'Jeugdhulp': totale kosten "
            "individuele jeugdhulp 2016 ca. € 35 miljoen, ca. 2.800 cliënten"
        ),
        source_url="https://swm2018-nijmegen.pcportal.nl/p30855/jeugdhulp",
        valid_year=2016,
        note=(
            "Indicatief, afgerond, lokaal cijfer: € 35 mln / ca. 2.800 cliënten ≈ € 12.500 "
            "per cliënt per jaar, met en zonder verblijf samen."
        ),
    ),
    SeedCostItem(
        code="leerlingenvervoer",
        name="Leerlingenvervoer (een leerling, een jaar)",
        unit=CostUnit.YEAR,
        amount_cents=397_800,
        payer=Payer.MUNICIPALITY,
        source=(
            "Oberon (J. de Roode, W. de Geus), 'Monitor leerlingenvervoer, meting 2024', "
            "schooljaar 2023/24: gemiddelde vervoersprijs € 3.978 per leerling"
        ),
        source_url="https://issuu.com/oberononderzoekadvies/docs/monitor_leerlingenvervoer_2024",
        valid_year=2023,
        note="Landelijk gemiddelde; aangepast vervoer (taxi, busje) is duurder dan ov.",
    ),
    SeedCostItem(
        code="auto-vaste-lasten",
        name="Auto voor werk of school: vaste lasten (miniklasse)",
        unit=CostUnit.MONTH,
        amount_cents=17_250,
        payer=Payer.HOUSEHOLD,
        source=(
            "Nibud, vaste kosten auto miniklasse € 172,50 per maand (aangehaald in "
            "Gaspedaal.nl, 'De kosten van een auto: hoeveel ben je per maand en per jaar "
            "kwijt?', 12 december 2023)"
        ),
        source_url=(
            "https://www.gaspedaal.nl/blog/auto-rijden/rijkosten/"
            "167-kosten-van-een-auto-per-maand-en-jaar"
        ),
        valid_year=2023,
        note=(
            "Alleen vaste kosten (afschrijving, verzekering, motorrijtuigenbelasting, vast "
            "onderhoud); brandstof en variabel onderhoud komen erbij."
        ),
    ),
    SeedCostItem(
        code="cjib-verhoging-boete-100",
        name="CJIB-verhogingen op een boete van € 100 na twee aanmaningen",
        unit=CostUnit.EVENT,
        amount_cents=20_000,
        payer=Payer.HOUSEHOLD,
        source=(
            "NOS, 'CJIB wil bevoegdheid om te kunnen stoppen met verhogen van "
            "verkeersboetes' (augustus 2024); AutoWeek, 'Al jaren kritiek op "
            "boeteverhogingen, maar Justitie weigert aanpassingen' (1 december 2025)"
        ),
        source_url=(
            "https://nos.nl/artikel/2532560-cjib-wil-bevoegdheid-om-te-kunnen-stoppen-met-"
            "verhogen-van-verkeersboetes"
        ),
        valid_year=2025,
        note=(
            "Rekenvoorbeeld: eerste aanmaning +50% (€ 100 → € 150), tweede aanmaning "
            "verdubbelt het verhoogde bedrag (→ € 300); de verhogingen samen zijn € 200. "
            "Administratiekosten niet meegerekend. Pas aan naar de werkelijke boete."
        ),
    ),
    SeedCostItem(
        code="huurachterstand-maand",
        name="Huurachterstand van een maand (corporatiewoning)",
        unit=CostUnit.MONTH,
        amount_cents=58_200,
        payer=Payer.HOUSING_CORPORATION,
        source=(
            "Aedes, enquête huurverhoging 2024: gemiddelde huur corporatiewoning eind 2023 "
            "€ 582 per maand (via Nul20, 'Corporatiehuren in Nederland gemiddeld met "
            "5,1 procent omhoog', 2024)"
        ),
        source_url="https://nul20.nl/corporatiehuren-nederland-gemiddeld-met-51-procent-omhoog",
        valid_year=2023,
        note="Gemiddelde kale huur; per 1 juli 2024 gemiddeld 5,1% hoger.",
    ),
)
