"""The 移送书 and its 回执 (回证) as Word documents, filled from the record, laid out after the forms
of the 2017 rules linking environmental enforcement and criminal justice (环环监〔2017〕17号):
number, the parties, the facts, the legal basis, the list of materials, the contact, the signature
and seal blocks, on A4 with the margins of official documents (GB/T 9704).

Where the record has no value yet (a 回执 printed before receipt) the line is left blank for a
pen. Nothing is written to the database.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.domain import ReferralKind
from core.i18n import translate
from core.ledger.evidence import Owner, attachments_of
from core.referrals.access import readable_referral
from core.referrals.states import FILING_KINDS
from db.models import Item, Referral, ReferralItem, ReferralStep, Unit, User

BODY_FONT, TITLE_FONT, LATIN_FONT = "仿宋_GB2312", "方正小标宋简体", "Times New Roman"
BODY_PT, TITLE_PT, SMALL_PT, LINE_PT = 16, 22, 12, 28     # 三号, 二号, 小四; fixed 28 pt lines
BLANK = "\u3000" * 6                                        # a space to fill in by hand
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class _Facts:
    """What both documents print, read once."""

    referral: Referral
    kind: ReferralKind
    number: str
    sender: str
    receiver: str
    items: list[tuple[str, str]]      # (编号, 问题描述)
    materials: list[str]
    files: list[str]
    receiver_person: str | None


def _facts(session: Session, actor: Actor, referral_id: int) -> _Facts:
    referral = readable_referral(session, actor, referral_id)
    names = dict(session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_([referral.from_unit_id, referral.to_unit_id]))).all())
    items = session.execute(select(Item.code, Item.description)
                            .join(ReferralItem, ReferralItem.item_id == Item.id)
                            .where(ReferralItem.referral_id == referral.id).order_by(Item.id)).all()
    person = session.scalar(select(User.display_name).join(ReferralStep, ReferralStep.actor_id == User.id)
                            .where(ReferralStep.referral_id == referral.id,
                                   ReferralStep.move == "receive")
                            .order_by(ReferralStep.id.desc()).limit(1))
    files = [a.filename for a in attachments_of(session, owner=Owner("referral", referral.id))
             if a.purpose == "referral_material"]
    return _Facts(referral, ReferralKind(referral.kind), referral.doc_no or referral.code,
                  names[referral.from_unit_id], names[referral.to_unit_id],
                  [(c, d) for c, d in items], list(referral.materials or []), files, person)


# ------------------------------------------------------------------ layout helpers

def _font(run, name: str, size: int, *, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = LATIN_FONT, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PT)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def _para(doc, text: str = "", *, align=None, indent: bool = False, size: int = BODY_PT,
          font: str = BODY_FONT, bold: bool = False, before: int = 0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * size)   # two characters
    p.paragraph_format.space_before = Pt(before)
    if text:
        _font(p.add_run(text), font, size, bold=bold)
    return p


def _title(doc, text: str, number: str, lang: str) -> None:
    _para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_PT, font=TITLE_FONT)
    number = _para(doc, translate("doc.number", lang, number=number),
                   align=WD_ALIGN_PARAGRAPH.CENTER, size=SMALL_PT + 2)
    number.paragraph_format.space_after = Pt(LINE_PT / 2)


def _charge(cause: str, lang: str) -> str:
    """The cause as the documents word it: "涉嫌…" in Chinese (whether or not it was typed so)."""
    bare = cause.removeprefix("涉嫌")
    return bare if lang == "en" else f"涉嫌{bare}"


def _day(day: date | None, lang: str) -> str:
    if day is None:
        return translate("doc.blank_date", lang)
    return translate("doc.date", lang, y=day.year, m=day.month, d=day.day)


def _table(doc, rows: list[tuple[str, ...]], widths: list[float], *, header: bool = True):
    table = doc.add_table(rows=len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)      # the grid: what LibreOffice lays out by
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Cm(widths[c])
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing = Pt(20)
            _font(p.add_run(value), BODY_FONT, SMALL_PT + 2, bold=header and r == 0)
    return table


def _signature(doc, unit: str, day: date | None, lang: str) -> None:
    # room for the seal above the date, as on the printed forms
    _para(doc, translate("doc.seal", lang, unit=unit), align=WD_ALIGN_PARAGRAPH.RIGHT,
          before=LINE_PT)
    _para(doc, _day(day, lang), align=WD_ALIGN_PARAGRAPH.RIGHT)


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ the 移送书

def _letter_body(doc, f: _Facts, lang: str) -> None:
    r, kind = f.referral, f.kind.value
    party = r.party or translate("doc.party_unknown", lang)
    _para(doc, translate("doc.letter.facts", lang, party=party, charge=_charge(r.cause, lang)),
          indent=True)
    if r.facts:
        _para(doc, r.facts, indent=True)
    answer = "doc.answer.filing" if f.kind in FILING_KINDS else "doc.answer.result"
    due = _day(r.feedback_due_on, lang) if r.feedback_due_on else translate("doc.due_blank", lang)
    _para(doc, translate("doc.letter.basis", lang, basis=r.legal_basis or "",
                         handling=translate(f"doc.handling.{kind}", lang),
                         due=due, answer=translate(answer, lang)), indent=True)
    if f.items:
        codes = translate("list.sep", lang).join(code for code, _ in f.items)
        _para(doc, translate("doc.letter.items", lang, codes=codes), indent=True)


def _materials(doc, f: _Facts, lang: str) -> None:
    _para(doc, translate("doc.letter.annex", lang, n=len(f.materials)), before=6)
    rows = [(translate("doc.col.no", lang), translate("doc.col.material", lang))]
    rows += [(str(i), m) for i, m in enumerate(f.materials, 1)]
    _table(doc, rows, [2.0, 13.6])
    if f.files:
        _para(doc, translate("doc.letter.files", lang,
                             files=translate("list.sep", lang).join(f.files)), size=SMALL_PT)


def referral_letter(session: Session, *, actor: Actor, referral_id: int, lang: str = "zh") -> bytes:
    """The 移送书 (.docx): number, addressee, parties and cause, facts, legal basis and what is
    asked by when, related items, the materials list, contact, the sender's signature and seal,
    and (police) the copy to the procuratorate. Raises PermissionDenied, NotFound."""
    f = _facts(session, actor, referral_id)
    doc = _document()
    _title(doc, translate(f"doc.letter.title.{f.kind.value}", lang), f.number, lang)
    _para(doc, translate("doc.addressee", lang, unit=f.receiver))
    _letter_body(doc, f, lang)
    _materials(doc, f, lang)
    _para(doc, translate("doc.contact", lang, contact=f.referral.contact or BLANK), before=6)
    _signature(doc, f.sender, f.referral.sent_on, lang)
    if f.kind is ReferralKind.POLICE:
        _para(doc, translate("doc.letter.copy", lang), size=SMALL_PT + 2, before=LINE_PT / 2)
    return _bytes(doc)


# ------------------------------------------------------------------ the 回执

def referral_receipt(session: Session, *, actor: Actor, referral_id: int, lang: str = "zh") -> bytes:
    """The 回执 (回证, .docx) the receiver signs: what was received from whom, when and by whom
    (blank to fill in by hand until the receipt is recorded), the receiver's signature and seal.
    Raises PermissionDenied, NotFound."""
    f = _facts(session, actor, referral_id)
    r = f.referral
    doc = _document()
    _title(doc, translate(f"doc.receipt.title.{f.kind.value}", lang), f.number, lang)
    _para(doc, translate("doc.addressee", lang, unit=f.sender))
    body = _para(doc, translate("doc.receipt.body", lang, sent=_day(r.sent_on, lang),
                         party=r.party or translate("doc.party_unknown", lang),
                         charge=_charge(r.cause, lang),
                         number=f.number, n=len(f.materials)), indent=True)
    body.paragraph_format.space_after = Pt(LINE_PT / 2)
    rows = [(translate(k, lang), v) for k, v in (
        ("doc.col.number", f.number), ("doc.col.sender", f.sender), ("doc.col.receiver", f.receiver),
        ("doc.col.cause", r.cause),
        ("doc.col.materials", translate("list.sep", lang).join(f.materials)),
        ("doc.col.received_on", _day(r.receipt_on, lang)),
        ("doc.col.received_by", (f.receiver_person if r.receipt_on else None) or BLANK))]
    _table(doc, rows, [4.0, 11.6], header=False)
    _signature(doc, f.receiver, r.receipt_on, lang)
    _para(doc, translate("doc.receipt.note", lang), size=SMALL_PT, before=LINE_PT)
    return _bytes(doc)


def file_names(code: str, lang: str = "zh") -> tuple[str, str]:
    """The download names of a referral's 移送书 and 回执."""
    return (translate("doc.letter.file", lang, code=code), translate("doc.receipt.file", lang, code=code))
