"""The 移送书 and its 回执 open in python-docx, on A4, and hold what the record says."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from docx.shared import Cm

from core.access.permissions import SYSTEM
from core.domain import ReferralStatus
from core.errors import PermissionDenied
from core.ledger.evidence import EvidenceStore
from core.referrals import sender
from core.referrals.documents import file_names, referral_letter, referral_receipt
from db.models import Item
from tests.core.referrals.referral_cases import SENT_ON, do_move, form_values, referral_in, unit_user

S = ReferralStatus


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def a4(data: bytes) -> bool:
    section = Document(io.BytesIO(data)).sections[0]
    return (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1)) == (21.0, 29.7)


def test_the_letter_holds_number_parties_facts_basis_materials_and_signature(session, tmp_path):
    values = form_values(session)
    referral = sender.record_referral(session, actor=SYSTEM, values=values,
                                      attachments=[("监测报告.pdf", b"%PDF-1.7 x\n%%EOF\n")],
                                      store=EvidenceStore(tmp_path))
    referral = do_move(session, "send", SYSTEM, referral)
    data = referral_letter(session, actor=SYSTEM, referral_id=referral.id)
    assert a4(data)
    text = text_of(data)
    codes = [session.get(Item, i).code for i in values["item_ids"]]
    for expected in ("涉嫌环境犯罪案件移送书", "万州环移〔2025〕7号", "万州区公安局：",
                     "重庆某化工有限公司涉嫌污染环境罪一案", values["facts"],
                     "《行政执法机关移送涉嫌犯罪案件的规定》第三条", "审查，依法决定是否立案",
                     "立案或者不予立案的决定", "附件：移送材料清单（共 3 项）", "案件调查报告",
                     "现场检查笔录", "监测报告", "随附电子文件：监测报告.pdf",
                     "联系人及联系电话：王某 023-61234567",
                     "万州区生态环境局（印章）", f"{SENT_ON.year}年{SENT_ON.month}月{SENT_ON.day}日",
                     "抄送：同级人民检察院", *codes):
        assert expected in text, expected
    due = referral.feedback_due_on
    assert f"请于{due.year}年{due.month}月{due.day}日前" in text


def test_the_receipt_is_blank_until_received_then_filled(session):
    referral = referral_in(session, S.SENT)
    blank = text_of(referral_receipt(session, actor=SYSTEM, referral_id=referral.id))
    for expected in ("涉嫌环境犯罪案件移送回执", "万州区生态环境局：", "万州环移〔2025〕7号",
                     "重庆某化工有限公司涉嫌污染环境罪一案", "共 3 项已收悉", "万州区公安局（印章）",
                     "　　年　　月　　日", "本回执一式两份"):
        assert expected in blank, expected
    police = unit_user(session, display_name="钱签收")
    referral = do_move(session, "receive", police, referral)
    filled = text_of(referral_receipt(session, actor=police, referral_id=referral.id))
    day = SENT_ON + timedelta(days=1)
    assert "钱签收" in filled and f"{day.year}年{day.month}月{day.day}日" in filled
    assert "　　年　　月　　日" not in filled


def test_documents_follow_the_kind_and_the_language(session):
    from tests.factories import unit_id
    referral = referral_in(session, S.SENT, kind="discipline",
                           to_unit_id=unit_id(session, "中共重庆市纪律检查委员会 重庆市监察委员会"))
    text = text_of(referral_letter(session, actor=SYSTEM, referral_id=referral.id))
    assert "问题线索移送书" in text and "依规依纪依法处理" in text and "抄送" not in text
    english = text_of(referral_letter(session, actor=SYSTEM, referral_id=referral.id, lang="en"))
    assert "Referral of a lead for accountability" in english
    assert file_names("YS-2026-000001") == ("移送书_YS-2026-000001.docx", "回执_YS-2026-000001.docx")


def test_a_unit_outside_the_referral_gets_no_document(session):
    referral = referral_in(session, S.SENT)
    stranger = unit_user(session, "渝中区人民政府")
    with pytest.raises(PermissionDenied):
        referral_letter(session, actor=stranger, referral_id=referral.id)
    with pytest.raises(PermissionDenied):
        referral_receipt(session, actor=stranger, referral_id=referral.id)
