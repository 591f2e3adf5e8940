"""Payloads of the non-HTML files the sites link to: a JPEG, a one-page PDF and an MP3.

They are real files of their type (correct magic bytes and structure), small enough to
keep in the source, so a crawler that sniffs or downloads them sees the genuine thing.
"""

from __future__ import annotations

import base64
from functools import cache

#: A 16x16 baseline JPEG (the Python logo from CPython's test data, PSF licence).
_JPEG_BASE64 = (
    "/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsO"
    "CwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"
    "EBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAA"
    "BwQF/8QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/E"
    "ACMRAAECBQMFAAAAAAAAAAAAAAECEQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPk"
    "JWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXmm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kq"
    "cWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9"
    "XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhSmCg3BYlyeWDkMolvw4KO"
    "p1KM6iCNvngZHwetf//Z"
)

_MP3_FRAME_HEADER = bytes.fromhex("fffb9044")  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
_MP3_FRAME_LENGTH = 417  # 144 * 128000 // 44100, no padding


def jpeg() -> bytes:
    return base64.b64decode(_JPEG_BASE64)


def pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """A valid one-page PDF 1.4 showing title and lines in Helvetica (ASCII text)."""
    text = [f"BT /F1 18 Tf 72 720 Td ({_pdf_string(title)}) Tj /F1 11 Tf"]
    text += [f"0 -22 Td ({_pdf_string(line)}) Tj" for line in lines]
    stream = ("\n".join([*text, "ET"]) + "\n").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + _pdf_string(title).encode("latin-1") + b") /Producer (newsroom) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def mp3(title: str, frames: int = 40) -> bytes:
    """An ID3v2.3-tagged MP3 of frames silent MPEG frames (about a second)."""
    text = b"\x00" + title.encode("latin-1")  # encoding byte 0 = ISO-8859-1
    frame = b"TIT2" + len(text).to_bytes(4, "big") + b"\x00\x00" + text
    size = len(frame)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    tag = b"ID3\x03\x00\x00" + syncsafe + frame
    audio = (_MP3_FRAME_HEADER + bytes(_MP3_FRAME_LENGTH - 4)) * frames
    return tag + audio


@cache
def payload(kind: str) -> bytes:
    """The bytes served for a MediaFile.kind."""
    if kind == "jpeg":
        return jpeg()
    if kind == "pdf":
        return pdf(
            "Abraham Accords: the economic dividend",
            ("Israel Daily research report.", "Trade, tourism and investment flows, 2020-2026.",
             "This PDF is a test fixture; crawlers must not store it as an article."),
        )
    if kind == "mp3":
        return mp3("The Daily Briefing")
    raise KeyError(f"unknown media kind: {kind}")


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
