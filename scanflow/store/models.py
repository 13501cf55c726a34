"""SQLAlchemy models: batches, dossiers (hồ sơ), their originals, documents and pages, and the case register."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class DossierStatus(enum.StrEnum):
    """Where a dossier is in its life; the values are what `--json` and the database show."""

    received = "received"
    processing = "processing"
    archived = "archived"
    needs_review = "needs_review"
    quarantined = "quarantined"
    duplicate = "duplicate"


class Batch(Base):
    """One run of `process`, `reprocess`, or one watch session's unit of work."""

    __tablename__ = "batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # process | watch | reprocess
    profile: Mapped[str] = mapped_column(String(80))
    host: Mapped[str] = mapped_column(String(255), default="")
    station: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    dossiers: Mapped[list[Dossier]] = relationship(back_populates="batch")


class Dossier(Base):
    """One input PATH (a folder, a multi-page file, an image, a PDF): one hồ sơ or part of one."""

    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    input_path: Mapped[str] = mapped_column(Text)  # as given on the command line / found in the inbox
    station: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default=DossierStatus.received, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # over all originals, in order
    ma_ho_so: Mapped[str | None] = mapped_column(String(64), index=True)  # mã hồ sơ of the register case
    confidence: Mapped[float | None] = mapped_column(Float)
    match_method: Mapped[str | None] = mapped_column(String(20))  # qr | auto | manual
    match_detail: Mapped[dict | None] = mapped_column(JSON)  # top candidates and reasons
    profile: Mapped[str] = mapped_column(String(80))
    don_vi: Mapped[str | None] = mapped_column(String(120), index=True)  # đơn vị: the office
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    pages_in: Mapped[int] = mapped_column(Integer, default=0)  # pages read from the originals
    pages_out: Mapped[int] = mapped_column(Integer, default=0)  # pages in the archived PDFs
    blank_pages: Mapped[int] = mapped_column(Integer, default=0)
    output_dir: Mapped[str | None] = mapped_column(Text)  # relative to the home's archive/
    seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)

    batch: Mapped[Batch] = relationship(back_populates="dossiers")
    originals: Mapped[list[Original]] = relationship(
        back_populates="dossier", order_by="Original.seq", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="dossier", order_by="Document.ordinal", cascade="all, delete-orphan"
    )
    pages: Mapped[list[Page]] = relationship(
        back_populates="dossier", order_by="Page.seq", cascade="all, delete-orphan"
    )


class Original(Base):
    """A master file as received, copied under originals/ by content hash and kept for reprocessing."""

    __tablename__ = "original"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # order within the dossier
    name: Mapped[str] = mapped_column(Text)  # file name as received (NFC), relative to the input PATH
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    stored_path: Mapped[str] = mapped_column(Text)  # relative to the home
    kind: Mapped[str] = mapped_column(String(10))  # tiff | jpeg | png | pdf | ...
    page_count: Mapped[int] = mapped_column(Integer, default=0)

    dossier: Mapped[Dossier] = relationship(back_populates="originals")


class Document(Base):
    """One paper document of the dossier, archived as one PDF/A-2b file."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)  # position in the dossier (the NNN of the file name)
    type: Mapped[str] = mapped_column(String(30), default="khac")  # code from DOMAIN.md
    number: Mapped[str | None] = mapped_column(String(120))  # số và ký hiệu
    date: Mapped[dt.date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(Text)  # cơ quan ban hành
    title: Mapped[str | None] = mapped_column(Text)  # tên loại
    summary: Mapped[str | None] = mapped_column(Text)  # trích yếu nội dung
    fields: Mapped[dict | None] = mapped_column(JSON)  # everything else extracted
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    output_path: Mapped[str | None] = mapped_column(Text)  # relative to the home
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    pdfa_ok: Mapped[bool] = mapped_column(Boolean, default=False)

    dossier: Mapped[Dossier] = relationship(back_populates="documents")
    pages: Mapped[list[Page]] = relationship(back_populates="document", order_by="Page.seq")


class Page(Base):
    """One scanned page: what was measured, corrected and read on it."""

    __tablename__ = "page"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1-based, scan order within the dossier
    original_id: Mapped[int | None] = mapped_column(ForeignKey("original.id", ondelete="SET NULL"))
    frame: Mapped[int] = mapped_column(Integer, default=0)  # page index within the original file
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    dpi: Mapped[float] = mapped_column(Float, default=0)
    color_mode: Mapped[str] = mapped_column(String(10), default="gray")
    skew: Mapped[float] = mapped_column(Float, default=0)  # degrees corrected, counter-clockwise positive
    orientation: Mapped[int] = mapped_column(Integer, default=0)  # degrees clockwise corrected
    orientation_method: Mapped[str | None] = mapped_column(String(10))  # image | osd
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    ink_ratio: Mapped[float] = mapped_column(Float, default=0)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)  # mean word confidence 0..100
    words: Mapped[int] = mapped_column(Integer, default=0)
    sharpness: Mapped[float] = mapped_column(Float, default=0)
    contrast: Mapped[float] = mapped_column(Float, default=0)
    fingerprint: Mapped[int | None] = mapped_column(BigInteger)  # perceptual hash, signed 64-bit
    duplicate_of: Mapped[int | None] = mapped_column(Integer)  # seq of an earlier near-identical page
    qr: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)  # OCR text, NFC
    image_bytes: Mapped[int] = mapped_column(Integer, default=0)
    timings: Mapped[dict | None] = mapped_column(JSON)  # seconds per step

    dossier: Mapped[Dossier] = relationship(back_populates="pages")
    document: Mapped[Document | None] = relationship(back_populates="pages")


class RegisterCase(Base):
    """One case of the office's register, imported from the case-management system."""

    __tablename__ = "register_case"

    ma_ho_so: Mapped[str] = mapped_column(String(64), primary_key=True)  # mã hồ sơ: the dossier code
    so_qd_tha: Mapped[str | None] = mapped_column(String(120))  # số quyết định thi hành án
    ngay_qd_tha: Mapped[dt.date | None] = mapped_column(Date)
    so_ban_an: Mapped[str | None] = mapped_column(String(120))  # số bản án / quyết định của tòa
    ngay_ban_an: Mapped[dt.date | None] = mapped_column(Date)
    toa_an: Mapped[str | None] = mapped_column(Text)
    nguoi_phai_thi_hanh: Mapped[str | None] = mapped_column(Text)  # debtor
    nguoi_duoc_thi_hanh: Mapped[str | None] = mapped_column(Text)  # creditor
    loai: Mapped[str | None] = mapped_column(String(20))  # chu_dong | theo_yeu_cau
    don_vi: Mapped[str | None] = mapped_column(String(120), index=True)
    trang_thai: Mapped[str | None] = mapped_column(String(60))
    ngay_cap_nhat: Mapped[dt.date | None] = mapped_column(Date)  # last update in the source system
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    qd_key: Mapped[str | None] = mapped_column(String(120), index=True)  # normalised QĐTHA number
    ban_an_key: Mapped[str | None] = mapped_column(String(120), index=True)  # normalised judgment number
    names_folded: Mapped[str | None] = mapped_column(Text)  # accent-folded parties, for candidate search
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RegisterImport(Base):
    """One run of `register import`: when, from what, with what outcome."""

    __tablename__ = "register_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class RegisterHistory(Base):
    """A change to a register case seen on re-import: which fields, old and new values."""

    __tablename__ = "register_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ma_ho_so: Mapped[str] = mapped_column(String(64), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("register_import.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [old, new]}


Index("ix_dossier_case_status", Dossier.ma_ho_so, Dossier.status)
Index("ix_original_sha_dossier", Original.sha256, Original.dossier_id)
