"""Shared fixtures: PDFs generated here (five languages, two columns, a scanned page, bad files), a tiny labelled
corpus and a model trained on it in seconds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from corpus.shared import shared_data_dir

TEXTS = {
    "pl": (
        "Miasto Łódź planuje kompleksową termomodernizację szkół i przedszkoli. Działanie obejmuje wymianę źródeł "
        "ciepła na pompy ciepła, montaż paneli fotowoltaicznych oraz ocieplenie ścian. Zużycie energii spadnie o "
        "czterdzieści procent, a emisja dwutlenku węgla zmniejszy się o pięćset ton rocznie, jak w Gdańsku i Toruniu."
    ),
    "cs": (
        "Město Plzeň připraví rekonstrukci tramvajové trati, nový úsek tratě a nákup nízkoemisních autobusů. Opatření zlepší "
        "dostupnost veřejné dopravy, sníží hluk a znečištění ovzduší v centru a podpoří cyklistickou dopravu. "
        "Celkové náklady činí dvě stě milionů korun z Integrovaného regionálního operačního programu."
    ),
    "sk": (
        "Mesto Košice zabezpečí obnovu verejnej zelene a výsadbu stromov na sídliskách. Opatrenie zlepší "
        "mikroklímu, zníži prehrievanie ulíc počas letných horúčav a podporí biodiverzitu v mestských parkoch. "
        "Obyvatelia sa zapoja do výsadby a starostlivosti o kvetinové lúky, vŕby pri potoku a vodné prvky; mäkké úpravy ľahko obnovíme a dĺžka chodníkov sa zväčší o dôležité úseky."
    ),
    "hu": (
        "Győr városa a távhőrendszer korszerűsítését tervezi. A fejlesztés keretében megújuló energiaforrások, "
        "geotermikus hő és napelemek kerülnek bevezetésre, így csökken a földgázfelhasználás és a széndioxid-"
        "kibocsátás. A beruházás értéke hárommilliárd forint, amelyet európai uniós források finanszíroznak."
    ),
    "en": (
        "The city of Brno will extend its network of protected cycle lanes and introduce a bike-sharing scheme. "
        "The measure improves sustainable urban mobility, reduces car traffic in the centre and lowers emissions "
        "from transport. The investment of twelve million euro is co-financed by the Cohesion Fund."
    ),
}
DIACRITICS = {"pl": "ąćęłńóśźż", "cs": "ěščřžůý", "sk": "ľĺŕäô", "hu": "őűáé", "en": ""}
SAMPLE_WORDS = {"pl": "termomodernizację", "cs": "tramvajové", "sk": "mikroklímu", "hu": "korszerűsítését", "en": "cycle"}


def _font() -> str | None:
    candidates = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:
        pass
    for c in candidates:
        if c.is_file():
            return str(c)
    return None


@pytest.fixture(scope="session")
def font_path() -> str:
    font = _font()
    if font is None:
        pytest.skip("no DejaVuSans.ttf (Debian fonts-dejavu-core) to draw test PDFs with diacritics")
    return font


def make_pdf(path: Path, pages: list, font: str, header: str | None = None) -> Path:
    """Write a PDF. A page is a string (one column) or a pair of strings (two columns)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", font)
    pdf.set_font("DejaVu", size=11)
    for n, page in enumerate(pages, 1):
        pdf.add_page()
        if header:
            pdf.set_xy(15, 8)
            pdf.cell(0, 6, header)
        if isinstance(page, tuple):
            left, right = page
            pdf.set_xy(15, 25)
            pdf.multi_cell(85, 6, left)
            pdf.set_xy(110, 25)
            pdf.multi_cell(85, 6, right)
        else:
            pdf.set_xy(15, 25)
            pdf.multi_cell(180, 6, page)
        pdf.set_xy(100, 285)
        pdf.cell(10, 6, str(n))
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path, text: str, font: str) -> Path:
    """A PDF whose only page is an image of text (no text layer), like a scan."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(img)
    fnt = ImageFont.truetype(font, 44)
    y = 200
    line = ""
    for word in text.split():
        if draw.textlength(line + " " + word, font=fnt) > 1400:
            draw.text((120, y), line, font=fnt, fill=0)
            y += 70
            line = word
        else:
            line = (line + " " + word).strip()
    draw.text((120, y), line, font=fnt, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(buf, x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory, font_path) -> Path:
    d = tmp_path_factory.mktemp("pdfs")
    for lang, text in TEXTS.items():
        make_pdf(d / f"{lang}.pdf", [text, text.replace(".", ";", 1) + " " + text], font_path)
    return d


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory, font_path) -> dict[str, Path]:
    """Files that must fail with a stable error code, keyed by that code."""
    import pikepdf

    d = tmp_path_factory.mktemp("bad")
    good = make_pdf(d / "good.pdf", [TEXTS["pl"]], font_path)
    data = good.read_bytes()
    (d / "corrupt.pdf").write_bytes(data[:400] + b"\x00garbage" * 50)
    with pikepdf.open(good) as pdf:
        pdf.save(d / "encrypted.pdf", encryption=pikepdf.Encryption(user="secret", owner="owner"))
    (d / "renamed.pdf").write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip file named .pdf
    (d / "slides.pptx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    make_pdf(d / "empty.pdf", [""], font_path)
    (d / "empty.txt").write_text("   \n", encoding="utf-8")
    return {
        "corrupt_pdf": d / "corrupt.pdf",
        "encrypted_pdf": d / "encrypted.pdf",
        "not_a_pdf": d / "renamed.pdf",
        "unsupported_type": d / "slides.pptx",
        "empty_document": d / "empty.pdf",
        "file_not_found": d / "missing.pdf",
    }


TINY_CORPUS = [
    # (language, text, labels) — a few passages per language, enough to fit a model in seconds
    ("en", "Thermal retrofit of schools with heat pumps and solar panels cuts energy use and emissions.", ["sdg:7", "sdg:13", "gd:buildings", "gd:energy", "smart:environment"]),
    ("en", "New tram line and cycle lanes give residents sustainable public transport.", ["sdg:11", "gd:mobility", "smart:mobility"]),
    ("en", "Vocational training and lifelong learning courses for unemployed adults.", ["sdg:4", "sdg:8", "smart:people"]),
    ("en", "Electronic services portal lets residents file requests online and join participatory budgeting.", ["sdg:16", "smart:governance"]),
    ("pl", "Termomodernizacja szkół, pompy ciepła i fotowoltaika zmniejszą zużycie energii i emisję.", ["sdg:7", "sdg:13", "gd:buildings", "gd:energy", "smart:environment"]),
    ("pl", "Nowa linia tramwajowa i drogi rowerowe poprawią transport publiczny w mieście.", ["sdg:11", "gd:mobility", "smart:mobility"]),
    ("pl", "Kursy zawodowe i kształcenie ustawiczne dla osób bezrobotnych.", ["sdg:4", "sdg:8", "smart:people"]),
    ("pl", "Platforma e-usług pozwala mieszkańcom załatwiać sprawy urzędowe przez internet i głosować w budżecie obywatelskim.", ["sdg:16", "smart:governance"]),
    ("cs", "Zateplení škol, tepelná čerpadla a fotovoltaika sníží spotřebu energie a emise.", ["sdg:7", "sdg:13", "gd:buildings", "gd:energy", "smart:environment"]),
    ("cs", "Nová tramvajová trať a cyklostezky zlepší veřejnou dopravu ve městě.", ["sdg:11", "gd:mobility", "smart:mobility"]),
    ("cs", "Rekvalifikační kurzy a celoživotní vzdělávání pro nezaměstnané.", ["sdg:4", "sdg:8", "smart:people"]),
    ("cs", "Portál elektronických služeb umožní občanům vyřizovat žádosti online a hlasovat v participativním rozpočtu.", ["sdg:16", "smart:governance"]),
    ("sk", "Zateplenie škôl, tepelné čerpadlá a fotovoltika znížia spotrebu energie a emisie.", ["sdg:7", "sdg:13", "gd:buildings", "gd:energy", "smart:environment"]),
    ("sk", "Nová električková trať a cyklotrasy zlepšia verejnú dopravu v meste.", ["sdg:11", "gd:mobility", "smart:mobility"]),
    ("sk", "Rekvalifikačné kurzy a celoživotné vzdelávanie pre nezamestnaných.", ["sdg:4", "sdg:8", "smart:people"]),
    ("sk", "Portál elektronických služieb umožní obyvateľom vybavovať žiadosti online a hlasovať v participatívnom rozpočte.", ["sdg:16", "smart:governance"]),
    ("hu", "Az iskolák hőszigetelése, hőszivattyúk és napelemek csökkentik az energiafogyasztást és a kibocsátást.", ["sdg:7", "sdg:13", "gd:buildings", "gd:energy", "smart:environment"]),
    ("hu", "Az új villamosvonal és a kerékpárutak javítják a városi közösségi közlekedést.", ["sdg:11", "gd:mobility", "smart:mobility"]),
    ("hu", "Szakképzési tanfolyamok és egész életen át tartó tanulás munkanélkülieknek.", ["sdg:4", "sdg:8", "smart:people"]),
    ("hu", "Az e-ügyintézési portálon a lakosok online intézhetik ügyeiket és szavazhatnak a részvételi költségvetésről.", ["sdg:16", "smart:governance"]),
]


@pytest.fixture(scope="session")
def tiny_records():
    from corpus.dataset import LabelledPassage

    recs = []
    for i, (lang, text, labels) in enumerate(TINY_CORPUS):
        for v in range(3):  # three light variants so every label has cross-validation folds
            # the first label is the passage's primary one, so the tiny tagger has a primary head
            recs.append(LabelledPassage(f"t{i}-{v}", text + " " * v + ("" if v == 0 else f" ({v})"), lang, tuple(labels), "test",
                                        split="train", primary=(labels[0],)))
    return recs


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_records) -> Path:
    from classifier.artifact import save_tagger
    from classifier.train import train_tagger

    tagger, report = train_tagger(tiny_records, name="tiny", estimator_params={"n_features": 2**16, "max_weights": 5000})
    return save_tagger(tagger, tmp_path_factory.mktemp("model") / "tiny", report)


@pytest.fixture(scope="session")
def tiny_tagger(tiny_model_dir):
    from classifier.artifact import load_tagger

    return load_tagger(tiny_model_dir)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    d = shared_data_dir()
    if d is None:
        pytest.skip("../shared/data is not present (it lives beside the repository in development and CI)")
    return d
