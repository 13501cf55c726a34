"""XMP metadata for PDF/A-2b: Dublin Core, dates, producer, and the scanflow namespace with its extension schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

SCANFLOW_NS = "http://ns.scanflow.vn/xmp/1.0/"
SCANFLOW_PREFIX = "scanflow"

# The scanflow namespace: DOMAIN.md's document metadata (Circular 05/2025/TT-BNV) plus provenance.
# name -> (XMP value type, description). PDF/A requires every non-standard property to be declared
# in an extension schema inside the packet itself, which build_xmp() does from this table.
SCANFLOW_PROPERTIES: dict[str, tuple[str, str]] = {
    "maHoSo": ("Text", "Mã hồ sơ: the dossier code of the register case"),
    "thuTu": ("Integer", "Position of the document in the dossier"),
    "soKyHieu": ("Text", "Số và ký hiệu: number and symbol of the document"),
    "ngayBanHanh": ("Text", "Ngày tháng năm: date of the document, YYYY-MM-DD"),
    "maLoai": ("Text", "Document type code (qd_tha, ban_an, ...)"),
    "tenLoai": ("Text", "Tên loại: type name of the document"),
    "trichYeu": ("Text", "Trích yếu nội dung: summary"),
    "coQuanBanHanh": ("Text", "Cơ quan ban hành: issuing body"),
    "soTrang": ("Integer", "Số trang: number of pages"),
    "ngonNgu": ("Text", "Ngôn ngữ: language"),
    "mucDoTiepCan": ("Text", "Mức độ tiếp cận: access level"),
    "tinhTrangVatLy": ("Text", "Tình trạng vật lý: physical condition"),
    "profile": ("Text", "scanflow processing profile"),
    "version": ("Text", "scanflow version that produced the file"),
    "nguon": ("Text", "Names of the master files the pages came from"),
}


@dataclass
class XmpData:
    """What goes into a file's metadata; `extra` keys must be names from SCANFLOW_PROPERTIES."""

    title: str
    created: dt.datetime
    producer: str
    creator_tool: str
    identifier: str = ""
    language: str = "vi"
    keywords: str = ""
    extra: dict[str, str | int] = field(default_factory=dict)


def xmp_date(when: dt.datetime) -> str:
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.isoformat(timespec="seconds")


def pdf_date(when: dt.datetime) -> str:
    """The same instant as xmp_date(), in PDF's D:YYYYMMDDHHmmSSOHH'mm' form."""
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    offset = when.utcoffset() or dt.timedelta(0)
    sign = "+" if offset >= dt.timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _extension_schema() -> str:
    props = "".join(
        f"""
            <rdf:li rdf:parseType="Resource">
              <pdfaProperty:name>{name}</pdfaProperty:name>
              <pdfaProperty:valueType>{vtype}</pdfaProperty:valueType>
              <pdfaProperty:category>external</pdfaProperty:category>
              <pdfaProperty:description>{escape(desc)}</pdfaProperty:description>
            </rdf:li>"""
        for name, (vtype, desc) in SCANFLOW_PROPERTIES.items()
    )
    return f"""
    <rdf:Description rdf:about=""
        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>scanflow archival metadata</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>{SCANFLOW_NS}</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>{SCANFLOW_PREFIX}</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>{props}
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>"""


def build_xmp(data: XmpData) -> bytes:
    """A complete XMP packet declaring PDF/A-2b, consistent with info_dict(data)."""
    unknown = set(data.extra) - set(SCANFLOW_PROPERTIES)
    if unknown:
        raise ValueError(f"not scanflow XMP properties: {sorted(unknown)}")
    date = xmp_date(data.created)
    extra = "".join(
        f"\n      <{SCANFLOW_PREFIX}:{k}>{escape(str(v))}</{SCANFLOW_PREFIX}:{k}>"
        for k, v in data.extra.items()
        if v is not None and v != ""
    )
    identifier = f"\n      <dc:identifier>{escape(data.identifier)}</dc:identifier>" if data.identifier else ""
    keywords = f"\n      <pdf:Keywords>{escape(data.keywords)}</pdf:Keywords>" if data.keywords else ""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about=""
        xmlns:dc="http://purl.org/dc/elements/1.1/"
        xmlns:xmp="http://ns.adobe.com/xap/1.0/"
        xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
        xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
        xmlns:{SCANFLOW_PREFIX}="{SCANFLOW_NS}">
      <pdfaid:part>2</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
      <dc:format>application/pdf</dc:format>
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(data.title)}</rdf:li></rdf:Alt></dc:title>{identifier}
      <dc:language><rdf:Bag><rdf:li>{escape(data.language)}</rdf:li></rdf:Bag></dc:language>
      <xmp:CreateDate>{date}</xmp:CreateDate>
      <xmp:ModifyDate>{date}</xmp:ModifyDate>
      <xmp:MetadataDate>{date}</xmp:MetadataDate>
      <xmp:CreatorTool>{escape(data.creator_tool)}</xmp:CreatorTool>
      <pdf:Producer>{escape(data.producer)}</pdf:Producer>{keywords}{extra}
    </rdf:Description>{_extension_schema()}
  </rdf:RDF>
</x:xmpmeta>
{" " * 2000}
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


def info_dict(data: XmpData) -> dict[str, str]:
    """Document-information entries that mirror the XMP exactly (PDF/A requires them to agree)."""
    info = {
        "/Title": data.title,
        "/Creator": data.creator_tool,
        "/Producer": data.producer,
        "/CreationDate": pdf_date(data.created),
        "/ModDate": pdf_date(data.created),
    }
    if data.keywords:
        info["/Keywords"] = data.keywords
    return info
