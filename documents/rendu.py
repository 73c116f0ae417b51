"""Rendering a document from its stored title and blocks only: plain text and PDF.

The HTML page is templates/documents/_document.html. The PDF uses ReportLab's platypus with
the standard Helvetica fonts (WinAnsi: French accents, œ, « » and € are in it; any other
character is mapped, "☐" to a drawn box or "[ ]") and `invariant=1`, so that the same stored
document always gives the same bytes.
"""

import io
import unicodedata
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

CASE_VIDE = "☐"
CASE_COCHEE = "☒"

# --- Plain text -------------------------------------------------------------------------


def texte(blocs: list[dict]) -> str:
    """The text a reader finds in the document, one line per line of the page."""
    lignes: list[str] = []
    for bloc in blocs:
        genre = bloc["type"]
        if genre == "entete":
            lignes += [*bloc["expediteur"], *bloc["destinataire"]]
        elif genre == "objet":
            lignes.append(f"Objet : {bloc['texte']}")
        elif genre in {"titre", "sous_titre", "paragraphe", "lieu_date", "mention"}:
            lignes.append(bloc["texte"])
        elif genre == "liste":
            lignes += [f"- {element}" for element in bloc["elements"]]
        elif genre == "champs":
            lignes += [f"{libelle} : {valeur or '…'}" for libelle, valeur in bloc["lignes"]]
        elif genre == "cases":
            cases = " ".join(
                f"{CASE_COCHEE if option == bloc.get('cochee') else CASE_VIDE} {option}" for option in bloc["options"]
            )
            lignes.append(f"{bloc['libelle']} : {cases}")
        elif genre == "signatures":
            for colonne in bloc["colonnes"]:
                lignes += [x for x in (colonne["titre"], colonne.get("mention", ""), colonne.get("nom", "")) if x]
        elif genre == "saut_de_page":
            lignes.append("")
    return "\n".join(lignes)


# --- PDF --------------------------------------------------------------------------------

MARGE = 20 * mm
LARGEUR_UTILE = A4[0] - 2 * MARGE
POLICE, POLICE_GRAS, POLICE_ITALIQUE = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"

_REMPLACEMENTS = {
    "☐": "[ ]",
    "□": "[ ]",
    "☑": "[X]",
    "☒": "[X]",
    "✓": "[X]",
    "✔": "[X]",
    "\u202f": "\u00a0",  # narrow no-break space, before « : » in French typography
    "\u2007": "\u00a0",
    "\u2009": " ",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2192": "->",
}


def winansi(texte: str) -> str:
    """The text in the standard fonts' encoding (cp1252), other characters mapped or dropped."""
    sortie = []
    for caractere in texte:
        if caractere == "\n":
            sortie.append(caractere)
            continue
        if caractere in _REMPLACEMENTS:
            sortie.append(_REMPLACEMENTS[caractere])
            continue
        if unicodedata.category(caractere) == "Cc":
            continue
        try:
            caractere.encode("cp1252")
            sortie.append(caractere)
        except UnicodeEncodeError:
            decompose = unicodedata.normalize("NFKD", caractere).encode("cp1252", "ignore").decode("cp1252")
            sortie.append(decompose or "?")
    return "".join(sortie)


def balisage(texte: str) -> str:
    """Text for a ReportLab Paragraph: encoded, escaped, line breaks kept."""
    return escape(winansi(texte)).replace("\n", "<br/>")


def _style(nom, **options) -> ParagraphStyle:
    return ParagraphStyle(nom, **{"fontName": POLICE, "fontSize": 10, "leading": 13, **options})


STYLES = {
    "normal": _style("normal", spaceAfter=6),
    "gras": _style("gras", fontName=POLICE_GRAS, spaceAfter=6),
    "titre": _style("titre", fontName=POLICE_GRAS, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=10),
    "sous_titre": _style("sous_titre", fontName=POLICE_GRAS, fontSize=11, leading=14, spaceBefore=6, spaceAfter=6),
    "objet": _style("objet", spaceBefore=6, spaceAfter=10),
    "lieu_date": _style("lieu_date", alignment=TA_RIGHT, spaceBefore=6, spaceAfter=10),
    "mention": _style("mention", fontSize=8, leading=10, textColor=colors.HexColor("#333333"), spaceAfter=4),
    "liste": _style("liste", leftIndent=14, bulletIndent=4, spaceAfter=2),
    "cellule": _style("cellule"),
    "cellule_gras": _style("cellule_gras", fontName=POLICE_GRAS),
    "signature_mention": _style("signature_mention", fontName=POLICE_ITALIQUE, fontSize=8, leading=10),
    "pied": _style("pied", fontSize=7, leading=9),
}


class Case(Flowable):
    """A check box drawn on the page, crossed when checked."""

    cote = 3.2 * mm

    def __init__(self, cochee: bool):
        super().__init__()
        self.cochee = cochee
        self.width = self.height = self.cote

    def draw(self):
        toile = self.canv
        toile.setLineWidth(0.8)
        toile.rect(0, 0, self.cote, self.cote)
        if self.cochee:
            toile.line(0, 0, self.cote, self.cote)
            toile.line(0, self.cote, self.cote, 0)


def _p(texte: str, style: str = "normal") -> Paragraph:
    return Paragraph(balisage(texte), STYLES[style])


def _entete(bloc) -> Table:
    gauche = _p("\n".join(bloc["expediteur"]), "cellule")
    droite = _p("\n".join(bloc["destinataire"]), "cellule")
    table = Table([[gauche, droite]], colWidths=[LARGEUR_UTILE * 0.55, LARGEUR_UTILE * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    # The recipient sits lower, in the window of the envelope.
    table.setStyle(TableStyle([("TOPPADDING", (1, 0), (1, 0), 14 * mm), ("BOTTOMPADDING", (0, 0), (-1, -1), 8 * mm)]))
    return table


def _champs(bloc) -> Table:
    largeur_valeur = LARGEUR_UTILE * 0.6
    # Within the cell's paddings (6 pt each side by default), with room to spare.
    pointilles = "." * int((largeur_valeur - 20) / stringWidth(".", POLICE, 10))
    lignes = [[_p(libelle, "cellule_gras"), _p(valeur or pointilles)] for libelle, valeur in bloc["lignes"]]
    table = Table(lignes, colWidths=[LARGEUR_UTILE - largeur_valeur, largeur_valeur])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _cases(bloc):
    libelle = winansi(f"{bloc['libelle']} :")
    options = [winansi(option) for option in bloc["options"]]
    largeurs = [stringWidth(libelle, POLICE_GRAS, 10) + 8]
    for option in options:
        largeurs += [Case.cote + 6, stringWidth(option, POLICE, 10) + 12]
    if sum(largeurs) > LARGEUR_UTILE:
        # Too long for one line of drawn boxes: the same in text, which wraps.
        marques = " ".join(f"{'[X]' if o == bloc.get('cochee') else '[ ]'} {o}" for o in bloc["options"])
        return _p(f"{bloc['libelle']} : {marques}")
    ligne = [libelle]
    for brut, option in zip(bloc["options"], options, strict=True):
        ligne += [Case(brut == bloc.get("cochee")), option]
    table = Table([ligne], colWidths=largeurs, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), POLICE, 10),
                ("FONT", (0, 0), (0, 0), POLICE_GRAS, 10),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _signatures(bloc) -> KeepTogether:
    colonnes = bloc["colonnes"]
    largeur = LARGEUR_UTILE / len(colonnes)
    cellules = []
    for colonne in colonnes:
        contenu = [_p(colonne["titre"], "cellule_gras")]
        if colonne.get("mention"):
            contenu.append(_p(colonne["mention"], "signature_mention"))
        contenu.append(Spacer(1, 22 * mm))
        if colonne.get("nom"):
            contenu.append(_p(colonne["nom"], "cellule"))
        cellules.append(contenu)
    table = Table([cellules], colWidths=[largeur] * len(colonnes))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return KeepTogether([Spacer(1, 4 * mm), table, Spacer(1, 4 * mm)])


def elements_pdf(blocs: list[dict]) -> list[Flowable]:
    elements: list[Flowable] = []
    for bloc in blocs:
        genre = bloc["type"]
        if genre == "entete":
            elements.append(_entete(bloc))
        elif genre == "objet":
            elements.append(Paragraph(f"<b>Objet :</b> {balisage(bloc['texte'])}", STYLES["objet"]))
        elif genre in {"titre", "sous_titre", "lieu_date", "mention"}:
            elements.append(_p(bloc["texte"], genre))
        elif genre == "paragraphe":
            elements.append(_p(bloc["texte"], "gras" if bloc.get("gras") else "normal"))
        elif genre == "liste":
            elements += [Paragraph(balisage(e), STYLES["liste"], bulletText="\u2022") for e in bloc["elements"]]
            elements.append(Spacer(1, 4))
        elif genre == "champs":
            elements += [_champs(bloc), Spacer(1, 6)]
        elif genre == "cases":
            elements.append(_cases(bloc))
        elif genre == "signatures":
            elements.append(_signatures(bloc))
        elif genre == "saut_de_page":
            if elements and not isinstance(elements[-1], PageBreak):  # never a blank page
                elements.append(PageBreak())
        else:  # valider() refused it before it was stored
            raise ValueError(f"type de bloc inconnu {genre!r}")
    while elements and isinstance(elements[-1], PageBreak):
        elements.pop()
    return elements


def pdf(document) -> bytes:
    """The PDF of a stored document: the same bytes every time for the same document."""
    emis_le = timezone.localtime(document.emis_le)
    return pdf_des_blocs(
        document.blocs,
        titre=document.titre,
        pied=f"Cafpro — {document.titre} — émis le {emis_le:%d/%m/%Y} — réf. {document.public_id}",
        sujet=document.get_nature_display(),
        auteur=f"Caf {document.caisse}",
    )


def pdf_des_blocs(blocs: list[dict], *, titre: str, pied: str, sujet: str, auteur: str) -> bytes:
    """The PDF of blocks that are not stored (controle's letter of the right of access, which
    controle may not keep): A4, the footer `pied` and the page number on every page, the same
    bytes for the same arguments."""
    tampon = io.BytesIO()
    pied = winansi(pied)

    def numeroter(toile, modele):
        toile.saveState()
        toile.setFont(POLICE, 7)
        toile.drawString(MARGE, 10 * mm, pied[:130])
        toile.drawRightString(A4[0] - MARGE, 10 * mm, f"page {toile.getPageNumber()}")
        toile.restoreState()

    modele = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        leftMargin=MARGE,
        rightMargin=MARGE,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=winansi(titre),
        subject=winansi(sujet),
        author=winansi(auteur),
        creator="Cafpro",
        producer="Cafpro",
        invariant=1,
    )
    modele.build(elements_pdf(blocs) or [Spacer(1, 1)], onFirstPage=numeroter, onLaterPages=numeroter)
    return tampon.getvalue()
