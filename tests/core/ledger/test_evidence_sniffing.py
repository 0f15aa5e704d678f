"""Content sniffing of evidence files: an HTML page (or script) does not pass as a PDF because
"%PDF-" appears somewhere in its first kilobyte; a real PDF still does, also after the few
bytes of whitespace some scanners put before the header."""

import pytest

from core.errors import ValidationFailed
from core.ledger import evidence
from core.ledger.evidence import EvidenceStore

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("data", [
    b"<html><body><!-- %PDF-1.4 --><script>alert(1)</script></body></html>",
    b"<!DOCTYPE html>\n<p>%PDF-1.7</p>\n%%EOF\n",
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'>%PDF-1.4</svg>%%EOF",
    b"junk before the header %PDF-1.4\n%%EOF\n",
    PDF.replace(b"%%EOF", b""),                 # no end-of-file marker: not a whole PDF
    b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
])
def test_html_or_junk_does_not_pass_as_a_pdf(tmp_path, data):
    with pytest.raises(ValidationFailed) as exc:
        evidence.check_files([("报告.pdf", data)], store=EvidenceStore(tmp_path))
    assert "不符" in exc.value.problems[0].message


@pytest.mark.parametrize("data", [PDF, b"\xef\xbb\xbf" + PDF, b"\r\n  " + PDF, PDF + b"\r\n\x00\x00"])
def test_a_real_pdf_passes(tmp_path, data):
    checked = evidence.check_files([("报告.pdf", data)], store=EvidenceStore(tmp_path))
    assert checked[0].content_type == "application/pdf"
