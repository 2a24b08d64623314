"""Seed the national cost catalogue (kostenkengetallen).

The rows are copied here BY VALUE from ``doorbraak.outcomes.catalogue`` as it was when this
migration was written, so later edits of the catalogue never change history. Reversing
deletes exactly these national rows (code and year) and nothing else.
"""

from typing import Any

from django.db import migrations

SEED: list[dict[str, Any]] = [
    {
        "code": "huisuitzetting-corporatie",
        "name": "Huisuitzetting: kosten woningcorporatie (ondergrens)",
        "unit": "gebeurtenis",
        "amount_cents": 174600,
        "payer": "woningcorporatie",
        "source": "Aedes, enquête huurverhoging 2024: gemiddelde huur corporatiewoning eind 2023 € "
        "582 per maand (via Nul20, 'Corporatiehuren in Nederland gemiddeld met 5,1 "
        "procent omhoog', 2024)",
        "valid_year": 2023,
        "note": "Indicatief, ondergrens: een ontruiming volgt doorgaans pas na minimaal drie "
        "maanden huurachterstand; 3 × € 582 = € 1.746 aan gederfde huur. Proces-, "
        "deurwaarders-, ontruimings- en leegstandskosten komen daar nog bij en zijn niet "
        "meegerekend, omdat geen landelijk gepubliceerd bedrag is gevonden.",
        "source_url": "https://nul20.nl/corporatiehuren-nederland-gemiddeld-met-51-procent-omhoog",
    },
    {
        "code": "huisuitzetting-maatschappij",
        "name": "Huisuitzetting: maatschappelijke kosten (gemeente en instanties)",
        "unit": "gebeurtenis",
        "amount_cents": 10000000,
        "payer": "gemeente",
        "source": "BN DeStem, 'Huisuitzettingen kosten samenleving miljoenen en lossen niets op' "
        "(2017), raming van woningcorporatie Stadlander op basis van een masterthesis uit "
        "november 2015 (W. Dircken)",
        "valid_year": 2016,
        "note": "Indicatief, afgerond, lokale raming (Bergen op Zoom): het totaal dat instanties "
        "jarenlang maken om de gevolgen van één ontruiming op te vangen (opvang, zorg, "
        "hulpverlening). Geen landelijk kengetal; vervang door een eigen gemeentelijk "
        "cijfer zodra dat er is.",
        "source_url": "https://www.bndestem.nl/bergen-op-zoom/huisuitzettingen-kosten-samenleving-miljoenen-en-lossen-niets-op~a79243d8/",
    },
    {
        "code": "maatschappelijke-opvang",
        "name": "Maatschappelijke opvang (een jaar)",
        "unit": "jaar",
        "amount_cents": 2323600,
        "payer": "gemeente",
        "source": "Cebeon (2011), kosten maatschappelijke opvang feitelijk daklozen, zoals berekend "
        "in Stichting Zwerfjongeren Nederland, 'Van kosten naar investering' (2018): € "
        "280 miljoen / 12.050 feitelijk daklozen",
        "valid_year": 2011,
        "note": "€ 23.236 gemiddeld per deelnemer per jaar, prijspeil 2011, niet geïndexeerd.",
        "source_url": "https://issuu.com/stichtingzwerfjongerennederland/docs/20180209_van_kosten_naar_investerin",
    },
    {
        "code": "maatschappelijke-opvang",
        "name": "Maatschappelijke opvang (een jaar)",
        "unit": "jaar",
        "amount_cents": 1500000,
        "payer": "gemeente",
        "source": "EenVandaag (AVROTROS), 'Daklozen zijn een van duurste bevolkingsgroepen voor "
        "overheid' (23 december 2025), uitspraak van N. Boesveldt (Vrije Universiteit "
        "Amsterdam): 'Een plek in de opvang kost al gauw 15.000 euro per jaar'",
        "valid_year": 2025,
        "note": "Indicatief, afgerond, ondergrens voor een opvangplek zonder zware zorg; met "
        "ggz-begeleiding tot ca. € 70.000 per jaar (zelfde bron). Lager dan het "
        "Cebeon-cijfer van 2011, dat ook andere kosten rond feitelijk daklozen bevat.",
        "source_url": "https://eenvandaag.avrotros.nl/artikelen/daklozen-zijn-een-van-duurste-bevolkingsgroepen-voor-overheid-maar-dat-hoeft-niet-zorg-wordt-pas-ingezet-als-het-misgaat-162301",
    },
    {
        "code": "bijstand-alleenstaande",
        "name": "Bijstandsuitkering alleenstaande, 21 jaar tot AOW-leeftijd (een jaar)",
        "unit": "jaar",
        "amount_cents": 1614540,
        "payer": "gemeente",
        "source": "Rijksoverheid, normbedragen Participatiewet per 1 januari 2025: alleenstaande 21 "
        "jaar tot pensioengerechtigde leeftijd € 1.345,45 per maand inclusief "
        "vakantietoeslag (overgenomen in Gemeente Westland, 'Normenoverzicht "
        "minimuminkomen voor de bijzondere bijstand', 2025)",
        "valid_year": 2025,
        "note": "12 × € 1.345,45 = € 16.145,40: alleen de uitkering, zonder uitvoeringskosten en "
        "zonder de verhoging per 1 juli 2025.",
        "source_url": "https://www.gemeentewestland.nl/aanvragen-en-regelen/toeslagen-vergoedingen-en-bijdragen/normenoverzicht-minimuminkomen-voor-de-bijzondere-bijstand",
    },
    {
        "code": "schuldhulpverlening-traject",
        "name": "Schuldhulpverleningstraject (per schuldgeval)",
        "unit": "gebeurtenis",
        "amount_cents": 150000,
        "payer": "gemeente",
        "source": "Stichting Zwerfjongeren Nederland, 'Van kosten naar investering' (2018), "
        "overzichtstabel kosten/baten: schuldhulpverlening € 1.500 per schuldgeval "
        "(cijfer uit 2005)",
        "valid_year": 2005,
        "note": "Indicatief, prijspeil 2005, niet geïndexeerd; de huidige kosten van een minnelijk "
        "traject of een Wsnp-traject liggen waarschijnlijk hoger. Vervang door een eigen "
        "gemeentelijk cijfer.",
        "source_url": "https://issuu.com/stichtingzwerfjongerennederland/docs/20180209_van_kosten_naar_investerin",
    },
    {
        "code": "beschermingsbewind",
        "name": "Beschermingsbewind eenpersoonshuishouden (eerste jaar)",
        "unit": "jaar",
        "amount_cents": 234861,
        "payer": "gemeente",
        "source": "Landelijk Overleg Vakinhoud Civiel en Kanton (LOVCK), tarieven curatoren, "
        "bewindvoerders en mentoren 2024: intake € 751,41 en € 133,10 per maand, incl. "
        "btw (zoals gepubliceerd door Geldzaken op de rit, 'Tarieven 2024')",
        "valid_year": 2024,
        "note": "€ 751,41 + 12 × € 133,10 = € 2.348,61 in het eerste jaar; volgende jaren € "
        "1.597,20. Bij een minimuminkomen betaalt de gemeente via bijzondere bijstand.",
        "source_url": "https://www.geldzakenopderit.nl/tarieven",
    },
    {
        "code": "uithuisplaatsing-kind",
        "name": "Uithuisplaatsing van een kind (een jaar)",
        "unit": "jaar",
        "amount_cents": 4000000,
        "payer": "gemeente",
        "source": "NRC Checkt, 'Jeugdzorg kreeg 50.000 euro voor uithuisplaatsing' (1 augustus "
        "2015): bekostiging van ca. € 40.000 per jaar per uithuisplaatsing (2008)",
        "valid_year": 2008,
        "note": "Indicatief, afgerond, prijspeil 2008. Pleegzorg is goedkoper, residentiële "
        "jeugdzorg duurder; sinds 2015 betaalt de gemeente (Jeugdwet).",
        "source_url": "https://www.nrc.nl/nieuws/2015/08/01/jeugdzorg-kreeg-50000-euro-voor-uithuisplaatsi-1519307-a1304290",
    },
    {
        "code": "jeugdhulp-client",
        "name": "Jeugdhulp per cliënt (een jaar)",
        "unit": "jaar",
        "amount_cents": 1250000,
        "payer": "gemeente",
        "source": "Gemeente Nijmegen, Sociale Wijkmonitor 2018, 'Jeugdhulp': totale kosten "
        "individuele jeugdhulp 2016 ca. € 35 miljoen, ca. 2.800 cliënten",
        "valid_year": 2016,
        "note": "Indicatief, afgerond, lokaal cijfer: € 35 mln / ca. 2.800 cliënten ≈ € 12.500 per "
        "cliënt per jaar, met en zonder verblijf samen.",
        "source_url": "https://swm2018-nijmegen.pcportal.nl/p30855/jeugdhulp",
    },
    {
        "code": "leerlingenvervoer",
        "name": "Leerlingenvervoer (een leerling, een jaar)",
        "unit": "jaar",
        "amount_cents": 397800,
        "payer": "gemeente",
        "source": "Oberon (J. de Roode, W. de Geus), 'Monitor leerlingenvervoer, meting 2024', "
        "schooljaar 2023/24: gemiddelde vervoersprijs € 3.978 per leerling",
        "valid_year": 2023,
        "note": "Landelijk gemiddelde; aangepast vervoer (taxi, busje) is duurder dan ov.",
        "source_url": "https://issuu.com/oberononderzoekadvies/docs/monitor_leerlingenvervoer_2024",
    },
    {
        "code": "auto-vaste-lasten",
        "name": "Auto voor werk of school: vaste lasten (miniklasse)",
        "unit": "maand",
        "amount_cents": 17250,
        "payer": "huishouden",
        "source": "Nibud, vaste kosten auto miniklasse € 172,50 per maand (aangehaald in "
        "Gaspedaal.nl, 'De kosten van een auto: hoeveel ben je per maand en per jaar "
        "kwijt?', 12 december 2023)",
        "valid_year": 2023,
        "note": "Alleen vaste kosten (afschrijving, verzekering, motorrijtuigenbelasting, vast "
        "onderhoud); brandstof en variabel onderhoud komen erbij.",
        "source_url": "https://www.gaspedaal.nl/blog/auto-rijden/rijkosten/167-kosten-van-een-auto-per-maand-en-jaar",
    },
    {
        "code": "cjib-verhoging-boete-100",
        "name": "CJIB-verhogingen op een boete van € 100 na twee aanmaningen",
        "unit": "gebeurtenis",
        "amount_cents": 20000,
        "payer": "huishouden",
        "source": "NOS, 'CJIB wil bevoegdheid om te kunnen stoppen met verhogen van verkeersboetes' "
        "(augustus 2024); AutoWeek, 'Al jaren kritiek op boeteverhogingen, maar Justitie "
        "weigert aanpassingen' (1 december 2025)",
        "valid_year": 2025,
        "note": "Rekenvoorbeeld: eerste aanmaning +50% (€ 100 → € 150), tweede aanmaning verdubbelt "
        "het verhoogde bedrag (→ € 300); de verhogingen samen zijn € 200. "
        "Administratiekosten niet meegerekend. Pas aan naar de werkelijke boete.",
        "source_url": "https://nos.nl/artikel/2532560-cjib-wil-bevoegdheid-om-te-kunnen-stoppen-met-verhogen-van-verkeersboetes",
    },
    {
        "code": "huurachterstand-maand",
        "name": "Huurachterstand van een maand (corporatiewoning)",
        "unit": "maand",
        "amount_cents": 58200,
        "payer": "woningcorporatie",
        "source": "Aedes, enquête huurverhoging 2024: gemiddelde huur corporatiewoning eind 2023 € "
        "582 per maand (via Nul20, 'Corporatiehuren in Nederland gemiddeld met 5,1 "
        "procent omhoog', 2024)",
        "valid_year": 2023,
        "note": "Gemiddelde kale huur; per 1 juli 2024 gemiddeld 5,1% hoger.",
        "source_url": "https://nul20.nl/corporatiehuren-nederland-gemiddeld-met-51-procent-omhoog",
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    CostItem = apps.get_model("outcomes", "CostItem")
    for row in SEED:
        exists = CostItem.objects.filter(
            code=row["code"], valid_year=row["valid_year"], municipality__isnull=True
        ).exists()
        if not exists:
            CostItem.objects.create(municipality=None, **row)


def unseed(apps: Any, schema_editor: Any) -> None:
    CostItem = apps.get_model("outcomes", "CostItem")
    for row in SEED:
        CostItem.objects.filter(
            code=row["code"],
            valid_year=row["valid_year"],
            municipality__isnull=True,
            amount_cents=row["amount_cents"],
            source=row["source"],
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
