"""Builds ``przyklad-strategia-pl.pdf``, the example strategy in the README quick start (project-written text).

Run from the repository root with the test extra installed: ``python corpus/examples/build_example.py``.
"""

from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

PAGES = [
    ("Strategia Rozwoju Miasta Nowa Wola 2030 — wyciąg",
     "Cel strategiczny 1. Miasto neutralne dla klimatu i efektywne energetycznie.\n\n"
     "Diagnoza. W 2022 roku emisja gazów cieplarnianych na terenie gminy wyniosła 412 tys. ton CO2e, z czego 46% "
     "pochodziło z ogrzewania budynków, 31% z transportu drogowego, a 14% ze zużycia energii elektrycznej. Miejski "
     "system ciepłowniczy opiera się w 78% na węglu kamiennym, a straty przesyłowe sięgają 14%.\n\n"
     "Kierunek działań 1.1. Transformacja ciepłownictwa. Spółka ciepłownicza wybuduje do 2028 roku kocioł "
     "biomasowy o mocy 12 MW, instalację fotowoltaiczną o mocy 4 MW oraz pompy ciepła dużej mocy zasilane energią "
     "z odnawialnych źródeł. Udział OZE w produkcji ciepła wzrośnie z 6% do 55%. Koszt: 186 mln zł, źródła: "
     "FEnIKS, Fundusz Modernizacyjny, środki własne spółki.\n\n"
     "Kierunek działań 1.2. Termomodernizacja budynków publicznych. Kompleksowa termomodernizacja 38 budynków "
     "szkół, przedszkoli i urzędów: ocieplenie ścian i stropodachów, wymiana okien, modernizacja instalacji c.o. i "
     "oświetlenia LED. Zużycie energii końcowej w budynkach spadnie o 45%. Wskaźnik: liczba budynków po "
     "termomodernizacji (2024: 6; 2030: 44)."),
    ("Strategia Rozwoju Miasta Nowa Wola 2030 — wyciąg",
     "Cel strategiczny 2. Zrównoważona mobilność miejska.\n\n"
     "Kierunek działań 2.1. Transport publiczny. Miasto zakupi 24 autobusy elektryczne wraz z infrastrukturą "
     "ładowania i przebuduje węzeł przesiadkowy przy dworcu kolejowym. Do 2030 roku cały tabor komunikacji miejskiej "
     "będzie zeroemisyjny. Udział transportu zbiorowego w podróżach mieszkańców wzrośnie z 21% do 30%.\n\n"
     "Kierunek działań 2.2. Ruch rowerowy i pieszy. Powstanie 42 km nowych dróg rowerowych łączących osiedla "
     "z centrum, system roweru miejskiego z 300 rowerami oraz strefa uspokojonego ruchu w śródmieściu. "
     "Wskaźnik: długość sieci dróg rowerowych (2024: 58 km; 2030: 100 km).\n\n"
     "Kierunek działań 2.3. Strefa czystego transportu. Od 2027 roku w ścisłym centrum obowiązywać będzie strefa "
     "czystego transportu, ograniczająca wjazd najbardziej emisyjnych pojazdów, co poprawi jakość powietrza."),
    ("Strategia Rozwoju Miasta Nowa Wola 2030 — wyciąg",
     "Cel strategiczny 3. Aktywni i kompetentni mieszkańcy.\n\n"
     "Kierunek działań 3.1. Edukacja dla przyszłości. We wszystkich szkołach podstawowych powstaną pracownie "
     "przyrodnicze i cyfrowe, a nauczyciele przejdą szkolenia z edukacji klimatycznej. Miejskie centrum kształcenia "
     "ustawicznego uruchomi kursy zawodowe z montażu instalacji OZE dla 400 osób, w tym dla pracowników "
     "zamykanej kopalni.\n\n"
     "Kierunek działań 3.2. Partycypacja. Budżet obywatelski wzrośnie do 1,5% wydatków miasta, a konsultacje "
     "społeczne wszystkich dokumentów strategicznych będą prowadzone na platformie internetowej i w punktach "
     "konsultacyjnych w dzielnicach. Co roku miasto opublikuje raport z realizacji strategii z danymi otwartymi."),
]


def build(path: Path = HERE / "przyklad-strategia-pl.pdf") -> Path:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", FONT)
    for n, (header, body) in enumerate(PAGES, 1):
        pdf.add_page()
        pdf.set_font("DejaVu", size=8)
        pdf.set_xy(15, 8)
        pdf.cell(0, 5, header)
        pdf.set_font("DejaVu", size=11)
        pdf.set_xy(15, 22)
        pdf.multi_cell(180, 6, body)
        pdf.set_auto_page_break(False)
        pdf.set_font("DejaVu", size=8)
        pdf.set_xy(100, 285)
        pdf.cell(10, 5, str(n))
        pdf.set_auto_page_break(True, margin=20)
    pdf.output(str(path))
    return path


if __name__ == "__main__":
    print(build())
