"""Synthetic enforcement cases: register fields, parties, places, numbers and Vietnamese formatting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: The day the 2025 reorganisation took effect: Cục/Chi cục became THADS tỉnh / Phòng THADS khu vực,
#: district courts became "Tòa án nhân dân khu vực N - <tỉnh>".
REFORM_DATE = dt.date(2025, 7, 1)
#: Generated papers never post-date this day.
REFERENCE_DATE = dt.date(2025, 11, 20)

REGISTER_HEADER = (
    "ma_ho_so",
    "so_qd_tha",
    "ngay_qd_tha",
    "so_ban_an",
    "ngay_ban_an",
    "toa_an",
    "nguoi_phai_thi_hanh",
    "nguoi_duoc_thi_hanh",
    "loai",
    "don_vi",
    "trang_thai",
    "ngay_cap_nhat",
)

#: ``ma_ho_so`` (dossier code): ``THADS-<unit code>-<year of the QĐTHA>-<6-digit sequence>``.
MA_HO_SO_RE = re.compile(r"^THADS-(?P<unit>[A-Z]{2,3}(?:-KV\d{1,2})?)-(?P<year>\d{4})-(?P<seq>\d{6})$")

STATE_BUDGET = "Ngân sách Nhà nước"

TRANG_THAI = (
    "Đang thi hành",
    "Đã thi hành xong",
    "Chưa có điều kiện thi hành",
    "Hoãn thi hành",
    "Đình chỉ thi hành",
)


@dataclass(frozen=True)
class District:
    """A pre-2025 district-level unit and the regional office (khu vực) that took over its cases."""

    kind: str  # huyện | thành phố | quận | thị xã
    name: str
    kv: int
    old_province: str = ""  # the province it belonged to before the 2025 merger, when different


@dataclass(frozen=True)
class Province:
    """A province (after the 2025 merger) with the old districts and current communes used in addresses."""

    name: str
    code: str
    city: bool  # thành phố trực thuộc trung ương
    districts: tuple[District, ...]
    communes: tuple[str, ...]  # "phường X" / "xã Y"

    @property
    def full(self) -> str:
        return f"{'thành phố' if self.city else 'tỉnh'} {self.name}"


def _d(spec: str) -> tuple[District, ...]:
    """"kind|name|kv[|old province]; …" -> districts."""
    out = []
    for item in spec.split(";"):
        kind, name, kv, *old = (f.strip() for f in item.split("|"))
        out.append(District(kind, name, int(kv), old[0] if old else ""))
    return tuple(out)


PROVINCES: tuple[Province, ...] = (
    Province("Tuyên Quang", "TQ", False,
             _d("thành phố|Tuyên Quang|1; huyện|Yên Sơn|1; huyện|Sơn Dương|2; huyện|Hàm Yên|3;"
                "huyện|Chiêm Hóa|3; thành phố|Hà Giang|4|Hà Giang; huyện|Vị Xuyên|4|Hà Giang;"
                "huyện|Bắc Quang|5|Hà Giang"),
             ("phường Minh Xuân", "phường An Tường", "phường Nông Tiến", "xã Sơn Dương", "xã Đông Thọ",
              "xã Hàm Yên", "xã Chiêm Hóa", "phường Hà Giang 1", "xã Vị Xuyên", "xã Bắc Quang")),
    Province("Thái Nguyên", "TN", False,
             _d("thành phố|Thái Nguyên|1; thành phố|Phổ Yên|2; huyện|Đại Từ|3; huyện|Phú Bình|2;"
                "thành phố|Bắc Kạn|4|Bắc Kạn; huyện|Chợ Mới|4|Bắc Kạn"),
             ("phường Phan Đình Phùng", "phường Gia Sàng", "phường Phổ Yên", "xã Đại Từ", "xã Phú Bình",
              "phường Đức Xuân", "xã Chợ Mới")),
    Province("Phú Thọ", "PT", False,
             _d("thành phố|Việt Trì|1; huyện|Lâm Thao|1; thị xã|Phú Thọ|2; thành phố|Vĩnh Yên|3|Vĩnh Phúc;"
                "huyện|Bình Xuyên|3|Vĩnh Phúc; thành phố|Hòa Bình|4|Hòa Bình; huyện|Lương Sơn|4|Hòa Bình"),
             ("phường Việt Trì", "phường Nông Trang", "xã Lâm Thao", "phường Phú Thọ", "phường Vĩnh Yên",
              "xã Bình Xuyên", "phường Hòa Bình", "xã Lương Sơn")),
    Province("Nghệ An", "NA", False,
             _d("thành phố|Vinh|1; huyện|Nghi Lộc|1; huyện|Diễn Châu|2; huyện|Quỳnh Lưu|3; huyện|Đô Lương|4"),
             ("phường Trường Vinh", "phường Thành Vinh", "xã Nghi Lộc", "xã Diễn Châu", "xã Quỳnh Lưu",
              "xã Đô Lương")),
    Province("Hà Nội", "HN", True,
             _d("quận|Cầu Giấy|3; quận|Đống Đa|2; quận|Hoàng Mai|4; huyện|Đông Anh|6; huyện|Sóc Sơn|7;"
                "huyện|Thanh Trì|4"),
             ("phường Cầu Giấy", "phường Nghĩa Đô", "phường Đống Đa", "phường Hoàng Mai", "xã Đông Anh",
              "xã Sóc Sơn", "xã Thanh Trì")),
    Province("Hồ Chí Minh", "HCM", True,
             _d("quận|Bình Thạnh|3; quận|Gò Vấp|4; thành phố|Thủ Đức|6; huyện|Củ Chi|9;"
                "thành phố|Thủ Dầu Một|12|Bình Dương; thành phố|Vũng Tàu|15|Bà Rịa - Vũng Tàu"),
             ("phường Bình Thạnh", "phường Gia Định", "phường Gò Vấp", "phường Thủ Đức", "xã Củ Chi",
              "phường Thủ Dầu Một", "phường Vũng Tàu")),
    Province("Đắk Lắk", "DLK", False,
             _d("thành phố|Buôn Ma Thuột|1; huyện|Krông Pắc|2; huyện|Ea Kar|3; thành phố|Tuy Hòa|5|Phú Yên"),
             ("phường Buôn Ma Thuột", "phường Tân An", "xã Krông Pắc", "xã Ea Kar", "phường Tuy Hòa")),
    Province("Cần Thơ", "CT", True,
             _d("quận|Ninh Kiều|1; quận|Cái Răng|1; thành phố|Sóc Trăng|3|Sóc Trăng; thành phố|Vị Thanh|4|Hậu Giang"),
             ("phường Ninh Kiều", "phường Cái Khế", "phường Cái Răng", "phường Sóc Trăng", "phường Vị Thanh")),
    Province("Lâm Đồng", "LDG", False,
             _d("thành phố|Đà Lạt|1; thành phố|Bảo Lộc|2; huyện|Đức Trọng|1; thành phố|Gia Nghĩa|4|Đắk Nông;"
                "thành phố|Phan Thiết|6|Bình Thuận"),
             ("phường Xuân Hương - Đà Lạt", "phường Lâm Viên - Đà Lạt", "phường 1 Bảo Lộc", "xã Đức Trọng",
              "phường Bắc Gia Nghĩa", "phường Phan Thiết")),
    Province("Quảng Ninh", "QN", False,
             _d("thành phố|Hạ Long|1; thành phố|Cẩm Phả|2; thành phố|Uông Bí|3; thành phố|Móng Cái|4"),
             ("phường Hạ Long", "phường Bãi Cháy", "phường Cẩm Phả", "phường Uông Bí", "phường Móng Cái 1")),
    Province("Thanh Hóa", "TH", False,
             _d("thành phố|Thanh Hóa|1; thành phố|Sầm Sơn|2; huyện|Hoằng Hóa|2; huyện|Thọ Xuân|4"),
             ("phường Hạc Thành", "phường Đông Sơn", "phường Sầm Sơn", "xã Hoằng Hóa", "xã Thọ Xuân")),
    Province("An Giang", "AG", False,
             _d("thành phố|Long Xuyên|1; thành phố|Châu Đốc|2; thành phố|Rạch Giá|5|Kiên Giang; huyện|Châu Thành|1"),
             ("phường Long Xuyên", "phường Mỹ Thới", "phường Châu Đốc", "phường Rạch Giá", "xã Châu Thành")),
)

FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 30), ("Trần", 10), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 3), ("Phan", 4),
    ("Vũ", 3.5), ("Võ", 3), ("Đặng", 2.5), ("Bùi", 2.5), ("Đỗ", 2.5), ("Hồ", 1.5), ("Ngô", 1.5),
    ("Dương", 1.5), ("Lý", 1), ("Đoàn", 1.5), ("Doãn", 1), ("Đinh", 1.2), ("Trịnh", 1), ("Lương", 0.8),
    ("Mai", 0.6), ("Cao", 0.6), ("Lâm", 0.5), ("Tạ", 0.5), ("Chu", 0.4), ("Hà", 0.8), ("Triệu", 0.5),
    ("Nông", 0.5), ("Ma", 0.3), ("Quách", 0.3), ("Kiều", 0.3), ("Lò", 0.3), ("Thái", 0.3), ("Vương", 0.3),
)
MIDDLE_M = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Ngọc", "Đình",
            "Mạnh", "Trọng", "Thế", "Duy", "Hoàng", "Tiến", "Anh")
MIDDLE_F = ("Thị", "Thị", "Thị", "Thị Thu", "Thị Thanh", "Thị Hồng", "Thị Minh", "Ngọc", "Thu", "Thanh",
            "Bích", "Kim", "Thị Ngọc", "Thị Kim", "Hồng")
GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
           "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
           "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn", "Việt", "Vinh",
           "Hưng", "Lực", "Thuận", "Khải", "Tiến", "Đức", "Quý", "Hòa", "Thủy", "Trường", "Vượng")
GIVEN_F = ("Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
           "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "Ngọc", "Nhung", "Oanh", "Phượng",
           "Quỳnh", "Thảo", "Thơm", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Xuân", "Yến", "Nguyệt", "Ngân",
           "Thư", "Hòa", "Thùy", "Ngoãn")
HAMLETS = ("thôn Đồng Mới", "thôn Tân Thành", "thôn Làng Chùa", "thôn Phú Lợi", "xóm Bãi", "xóm Trại",
           "thôn Hòa Bình", "thôn Thủy Khẩu", "ấp Phú Hòa", "bản Nà Khà", "thôn Ngọc Lâm")
WARD_PARTS = ("tổ dân phố Tân Hà", "tổ dân phố số 5", "tổ 12", "khu phố 3", "tổ dân phố Thủy Tiên")
STREETS = ("đường Lê Lợi", "đường Trần Hưng Đạo", "phố Quang Trung", "đường Nguyễn Trãi", "đường Hai Bà Trưng",
           "đường Lý Thái Tổ", "đường 17/8", "phố Phan Chu Trinh", "đường Võ Nguyên Giáp", "đường Bình Thuận")
COMPANIES = ("Công ty TNHH Thương mại Hoàng Phát", "Công ty TNHH Xây dựng Minh Long",
             "Công ty cổ phần Vật tư nông nghiệp Tân Tiến", "Công ty TNHH MTV Vận tải Đức Thịnh",
             "Doanh nghiệp tư nhân Hùng Cường", "Hợp tác xã Dịch vụ nông nghiệp Thành Công")
BANKS = ("Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "Ngân hàng TMCP Công Thương Việt Nam",
         "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", "Ngân hàng Chính sách xã hội",
         "Quỹ tín dụng nhân dân Phú Lợi")

#: Court-case kinds: code, dispute summaries (V/v …), first-instance decision type.
CASE_KINDS: dict[str, tuple[str, ...]] = {
    "DS": ("tranh chấp hợp đồng vay tài sản", "tranh chấp hợp đồng đặt cọc",
           "tranh chấp hợp đồng chuyển nhượng quyền sử dụng đất", "đòi tài sản",
           "yêu cầu bồi thường thiệt hại ngoài hợp đồng"),
    "HNGĐ": ("ly hôn, tranh chấp về nuôi con, cấp dưỡng", "ly hôn, chia tài sản chung khi ly hôn",
             "tranh chấp về cấp dưỡng nuôi con"),
    "KDTM": ("tranh chấp hợp đồng tín dụng", "tranh chấp hợp đồng mua bán hàng hóa",
             "tranh chấp hợp đồng thi công xây dựng"),
    "LĐ": ("tranh chấp về đơn phương chấm dứt hợp đồng lao động", "tranh chấp về tiền lương, trợ cấp thôi việc"),
    "HC": ("khiếu kiện quyết định hành chính về xử phạt vi phạm hành chính",
           "khiếu kiện quyết định về bồi thường, hỗ trợ khi Nhà nước thu hồi đất"),
    "HS": ("Trộm cắp tài sản", "Lừa đảo chiếm đoạt tài sản", "Cố ý gây thương tích", "Đánh bạc",
           "Vi phạm quy định về tham gia giao thông đường bộ"),
}
KIND_WEIGHTS = {"DS": 40, "HNGĐ": 20, "KDTM": 12, "LĐ": 4, "HC": 4, "HS": 20}


@dataclass(frozen=True)
class Party:
    """A party: a person (with honorific) or an organisation, with an address and, for people, ID data."""

    name: str  # as written in the register: "Ông Nguyễn Văn An", "Ngân hàng …"
    address: str
    person: bool = True
    male: bool = True
    born: int = 0
    cccd: str = ""

    @property
    def bare(self) -> str:
        """The name without honorific."""
        return strip_honorific(self.name)

    @property
    def honorific(self) -> str:
        return ("ông" if self.male else "bà") if self.person else ""


@dataclass(frozen=True)
class Obligation:
    """One thing the debtor must do, as the judgment and the QĐTHA state it."""

    text: str  # "trả cho bà Lê Thị Hoa số tiền"
    amount: int  # đồng; 0 when not a sum of money
    to_state: bool = False
    monthly: bool = False


@dataclass(frozen=True)
class CaseTruth:
    """One enforcement case: the register fields first (same names as REGISTER_HEADER), then the details
    the generated documents print."""

    ma_ho_so: str  # dossier code, see MA_HO_SO_RE
    so_qd_tha: str  # number of the enforcement decision, "125/QĐ-THADS"
    ngay_qd_tha: dt.date
    so_ban_an: str  # number of the court judgment/decision, "07/2025/DS-ST"
    ngay_ban_an: dt.date
    toa_an: str  # court that issued it
    nguoi_phai_thi_hanh: str  # debtor(s) as in the register
    nguoi_duoc_thi_hanh: str  # creditor(s) as in the register; STATE_BUDGET for fees and fines
    loai: str  # "chu_dong" (ex officio) | "theo_yeu_cau" (on request)
    don_vi: str  # current unit code: "TQ" (THADS tỉnh) or "TQ-KV2" (Phòng THADS khu vực 2)
    ten_don_vi: str  # its name
    trang_thai: str  # one of TRANG_THAI
    ngay_cap_nhat: dt.date  # last update of the register entry
    tinh: str = ""
    loai_an: str = "DS"  # DS | HNGĐ | KDTM | LĐ | HC | HS
    cap_xet_xu: str = "ST"  # ST | PT
    quyet_dinh_toa: bool = False  # the court paper is a decision (QĐST/QĐ-CNHG), not a judgment
    trich_yeu_ban_an: str = ""  # "tranh chấp hợp đồng vay tài sản"
    co_quan_thi_hanh: str = ""  # office that issued the QĐTHA, as printed in its heading
    old_district: str = ""  # pre-2025 district ("huyện Sơn Dương") the case came from
    tinh_cu: str = ""  # pre-2025 province of the case's territory ("Vĩnh Phúc" for a Phú Thọ case from Vĩnh Yên)
    debtors: tuple[Party, ...] = ()
    creditors: tuple[Party, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    so_tien: int = 0  # total money owed (đồng), excluding monthly payments
    decoy_of: str = ""  # for decoys: ma_ho_so of the case it imitates
    decoy_kind: str = ""

    @property
    def year(self) -> int:
        return self.ngay_qd_tha.year

    @property
    def province(self) -> Province:
        return province_by_name(self.tinh)

    def register_row(self, date_style: str = "iso") -> dict[str, str]:
        """The register.csv row; ``date_style`` is "iso" (yyyy-mm-dd) or "dmy" (dd/mm/yyyy)."""
        row = {}
        for name in REGISTER_HEADER:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat() if date_style == "iso" else value.strftime("%d/%m/%Y")
            elif name == "don_vi":
                value = f"{self.don_vi} {self.ten_don_vi}"
            row[name] = nfc(str(value))
        return row

    def as_dict(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["don_vi_ten"] = data.pop("ten_don_vi")
        return data


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def province_by_name(name: str) -> Province:
    for p in PROVINCES:
        if p.name == name:
            return p
    raise KeyError(name)


def strip_honorific(name: str) -> str:
    return re.sub(r"^(Ông|Bà|ông|bà)\s+", "", name)


# --- Vietnamese formatting -----------------------------------------------------------------------------


def fmt_money(amount: int) -> str:
    """150000000 -> "150.000.000" (dot as thousands separator)."""
    return f"{amount:,}".replace(",", ".")


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _three(n: int, full: bool) -> str:
    h, t, u = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or h:
        words += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and words:
            words += ["lẻ", _DIGITS[u]]
        elif u:
            words.append(_DIGITS[u])
    else:
        words += ["mười"] if t == 1 else [_DIGITS[t], "mươi"]
        if u == 1 and t > 1:
            words.append("mốt")
        elif u == 5:
            words.append("lăm")
        elif u:
            words.append(_DIGITS[u])
    return " ".join(words)


def money_in_words(amount: int) -> str:
    """150000000 -> "Một trăm năm mươi triệu đồng" (the "Bằng chữ" of Vietnamese papers)."""
    if amount == 0:
        return "Không đồng"
    groups = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    names = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ")
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words.append(_three(g, full=i < len(groups) - 1))
        if names[i]:
            words.append(names[i])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def date_long(d: dt.date) -> str:
    """"ngày 05 tháng 01 năm 2025": day padded, month padded only for 1 and 2 (Decree 30/2020/NĐ-CP)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def date_slash(d: dt.date, pad: bool = True) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if pad else f"{d.day}/{d.month}/{d.year}"


def date_dash(d: dt.date) -> str:
    """"12-3-2025", as in a judgment's "Ngày: 12-3-2025"."""
    return f"{d.day}-{d.month}-{d.year}"


_OLD_TONE = {
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
    "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ",
    "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TONE) + r")(?![a-zA-Zà-ỹđĐ])", re.IGNORECASE)


def old_style_tones(text: str) -> str:
    """Move tone marks to the older placement some offices still print: "Hòa" -> "Hoà", "thủy" -> "thuỷ"."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        new = _OLD_TONE[s.lower()]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(s, new, strict=True))

    return _OLD_TONE_RE.sub(repl, nfc(text))


# --- people and places ---------------------------------------------------------------------------------


def make_person(rng: random.Random, province: Province, male: bool | None = None,
                family: str | None = None) -> Party:
    male = rng.random() < 0.6 if male is None else male
    fam = family or rng.choices([f for f, _ in FAMILY_NAMES], [w for _, w in FAMILY_NAMES])[0]
    middle = rng.choice(MIDDLE_M if male else MIDDLE_F)
    given = rng.choice(GIVEN_M if male else GIVEN_F)
    name = f"{'Ông' if male else 'Bà'} {fam} {middle} {given}"
    born = rng.randint(1955, 2002)
    century = (0 if born < 2000 else 2) + (0 if male else 1)
    cccd = f"{rng.randint(1, 96):03d}{century}{born % 100:02d}{rng.randint(0, 999999):06d}"
    return Party(name, make_address(rng, province), True, male, born, cccd)


def make_address(rng: random.Random, province: Province) -> str:
    commune = rng.choice(province.communes)
    ward = commune.startswith("phường")
    if province.city or (ward and rng.random() < 0.6):
        place = f"số {rng.randint(1, 250)}, {rng.choice(STREETS)}"
    else:
        place = rng.choice(WARD_PARTS if ward else HAMLETS)
    return f"{place}, {commune}, {province.full}"


def make_org(rng: random.Random, province: Province, bank: bool) -> Party:
    name = rng.choice(BANKS) if bank else rng.choice(COMPANIES)
    if bank and rng.random() < 0.7:
        name += f" - Chi nhánh {province.name}"
    return Party(name, make_address(rng, province), person=False)


# --- numbers -------------------------------------------------------------------------------------------


def _number_for(d: dt.date, per_day: float, rng: random.Random) -> int:
    """Administrative numbers restart every year and grow through it; a plausible number for date d."""
    doy = d.timetuple().tm_yday
    return max(1, int(doy * per_day + rng.randint(-5, 5)))


def qd_tha_symbol(issued: dt.date, provincial: bool) -> str:
    if issued >= REFORM_DATE:
        return "QĐ-THADS"
    return "QĐ-CTHADS" if provincial else "QĐ-CCTHADS"


def office_suffix(issued: dt.date, provincial: bool) -> str:
    """The part after the type code in the symbol of other enforcement papers (TB-…, BB-…, …)."""
    return qd_tha_symbol(issued, provincial).removeprefix("QĐ-")


def court_number(n: int, year: int, kind: str, instance: str, decision: str | None) -> str:
    """"07/2025/DS-ST", "72/2025/QĐST-HNGĐ", "10/2025/QĐ-CNHG-DS"."""
    if decision == "cnhg":
        return f"{n:02d}/{year}/QĐ-CNHG-{kind}"
    if decision:
        return f"{n:02d}/{year}/QĐ{instance}-{kind}"
    return f"{n:02d}/{year}/{kind}-{instance}"


def messy_number(number: str, rng: random.Random) -> str:
    """The number as a clerk might have typed it: stray spaces around '-' or after '/'."""
    choice = rng.random()
    if choice < 0.45:
        return re.sub(r"-(?=[A-ZĐ])", "- ", number, count=1)
    if choice < 0.85:
        return re.sub(r"(?<=[A-ZĐ])-(?=[A-ZĐ])", " - ", number, count=1)
    return number.replace("/", "/ ", 1)


def old_province_full(province: Province, district: District) -> str:
    """The province as papers named it before the 2025 merger: "tỉnh Vĩnh Phúc" for Vĩnh Yên."""
    return f"tỉnh {district.old_province}" if district.old_province else province.full


def court_name(province: Province, decided: dt.date, instance: str, district: District, provincial: bool) -> str:
    """The court as its papers name it on ``decided``: district / regional court, or the provincial court
    for appeals and provincial first-instance cases."""
    if decided < REFORM_DATE:
        old = old_province_full(province, district)
        if instance == "PT" or provincial:
            return f"Tòa án nhân dân {old}"
        return f"Tòa án nhân dân {district.kind} {district.name}, {old}"
    if instance == "PT" or provincial:
        return f"Tòa án nhân dân {province.full}"
    return f"Tòa án nhân dân khu vực {district.kv} - {province.name}"


def unit_for(province: Province, kv: int | None) -> tuple[str, str]:
    """(code, name) of the enforcement unit that now holds the dossier."""
    if kv is None:
        return province.code, f"Thi hành án dân sự {province.full}"
    return f"{province.code}-KV{kv}", f"Phòng Thi hành án dân sự khu vực {kv} - {province.name}"


def enforcement_office(province: Province, issued: dt.date, district: District, provincial: bool) -> str:
    """Name of the office that issued a paper on ``issued`` (pre-reform: Cục / Chi cục of the old province)."""
    if issued >= REFORM_DATE:
        return f"Thi hành án dân sự {province.full}"
    if provincial:
        return f"Cục Thi hành án dân sự {old_province_full(province, district)}"
    return f"Chi cục Thi hành án dân sự {district.kind} {district.name}"


# --- cases ---------------------------------------------------------------------------------------------


def _rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _round_amount(rng: random.Random, lo: int, hi: int, step: int = 500_000) -> int:
    return rng.randint(lo // step, hi // step) * step


def _obligations(rng: random.Random, kind: str, loai: str, creditors: Sequence[Party]) -> tuple[Obligation, ...]:
    out: list[Obligation] = []
    cred = creditors[0] if creditors else None
    if cred is not None:
        who = f"{cred.honorific} {cred.bare}".strip()
        if kind == "HNGĐ" and rng.random() < 0.6:
            out.append(Obligation(f"cấp dưỡng nuôi con chung cho {who} mỗi tháng", _round_amount(
                rng, 1_000_000, 5_000_000), monthly=True))
        elif kind == "KDTM":
            out.append(Obligation(f"trả cho {who} tiền nợ gốc và lãi tổng cộng",
                                  _round_amount(rng, 200_000_000, 5_000_000_000, 1_000_000)))
        elif kind == "HS":
            out.append(Obligation(f"bồi thường cho {who} số tiền", _round_amount(rng, 5_000_000, 120_000_000)))
        elif kind == "LĐ":
            out.append(Obligation(f"trả cho {who} tiền lương và trợ cấp thôi việc là",
                                  _round_amount(rng, 20_000_000, 250_000_000)))
        elif loai == "chu_dong":
            out.append(Obligation(f"trả lại cho {who} số tiền", _round_amount(rng, 5_000_000, 200_000_000)))
        else:
            out.append(Obligation(f"trả cho {who} số tiền", _round_amount(rng, 10_000_000, 900_000_000)))
    main = sum(o.amount for o in out if not o.monthly) or _round_amount(rng, 2_000_000, 80_000_000)
    fee = max(300_000, int(round(main * 0.05, -3)))
    if kind == "HS":
        out.append(Obligation("nộp án phí hình sự sơ thẩm", 200_000, to_state=True))
        if rng.random() < 0.5:
            out.append(Obligation("nộp phạt sung ngân sách Nhà nước số tiền",
                                  _round_amount(rng, 5_000_000, 50_000_000), to_state=True))
        if out[0].to_state:
            return tuple(out)
    fee_name = {"HC": "án phí hành chính sơ thẩm", "KDTM": "án phí kinh doanh thương mại sơ thẩm",
                "LĐ": "án phí lao động sơ thẩm"}.get(kind, "án phí dân sự sơ thẩm")
    out.append(Obligation(f"nộp {fee_name}", 300_000 if kind == "HC" else fee, to_state=True))
    return tuple(out)


def make_case(rng: random.Random, *, province: str | None = None, loai: str | None = None,
              year: int | None = None, seq: int | None = None) -> CaseTruth:
    """A random but coherent enforcement case. Every choice comes from ``rng``; the optional arguments pin
    the province name, "chu_dong"/"theo_yeu_cau", the QĐTHA year and the dossier sequence number."""
    prov = province_by_name(province) if province else rng.choice(PROVINCES)
    loai = loai or ("theo_yeu_cau" if rng.random() < 0.6 else "chu_dong")
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    if loai == "theo_yeu_cau" and kind == "HC":
        kind = "DS"
    year = year or rng.choices((2021, 2022, 2023, 2024, 2025), (1, 2, 3, 5, 7))[0]
    ngay_qd = _rand_date(rng, dt.date(year, 1, 5), min(dt.date(year, 12, 28), REFERENCE_DATE - dt.timedelta(days=20)))

    instance = "PT" if rng.random() < 0.15 else "ST"
    decision: str | None = None
    if instance == "ST" and kind in ("HNGĐ", "DS", "KDTM") and rng.random() < 0.35:
        decision = "cnhg" if rng.random() < 0.3 else "st"
    lag = rng.randint(25, 150)
    ngay_ban_an = ngay_qd - dt.timedelta(days=lag)
    if ngay_ban_an.year < ngay_qd.year - 1:
        ngay_ban_an = dt.date(ngay_qd.year - 1, 12, 1)
    district = rng.choice(prov.districts)
    provincial_case = instance == "PT" or (kind == "KDTM" and rng.random() < 0.4)
    toa_an = court_name(prov, ngay_ban_an, instance, district, provincial_case)
    n_court = _number_for(ngay_ban_an, rng.uniform(0.1, 0.6), rng)
    so_ban_an = court_number(n_court, ngay_ban_an.year, kind, instance, decision)

    kv = None if provincial_case else district.kv
    don_vi, ten_don_vi = unit_for(prov, kv)
    office = enforcement_office(prov, ngay_qd, district, provincial_case)
    so_qd = f"{_number_for(ngay_qd, rng.uniform(0.2, 3.0), rng):02d}/{qd_tha_symbol(ngay_qd, provincial_case)}"

    debtors: list[Party] = []
    creditors: list[Party] = []
    if kind == "KDTM" and rng.random() < 0.4:
        debtors.append(make_org(rng, prov, bank=False))
    else:
        debtors.append(make_person(rng, prov, male=rng.random() < 0.7))
        if rng.random() < 0.1 and kind in ("DS", "KDTM"):
            spouse = make_person(rng, prov, male=not debtors[0].male)
            debtors.append(dataclasses.replace(spouse, address=debtors[0].address))
    if kind == "HNGĐ":
        creditors.append(make_person(rng, prov, male=not debtors[0].male))
    elif kind == "KDTM":
        creditors.append(make_org(rng, prov, bank=rng.random() < 0.7))
    elif kind == "HC" or (loai == "chu_dong" and rng.random() < 0.4):
        pass
    else:
        creditors.append(make_person(rng, prov))
    if creditors and creditors[0].name == debtors[0].name:
        creditors[0] = make_person(rng, prov, male=not debtors[0].male)
    obligations = _obligations(rng, kind, loai, creditors)

    def names(parties: Sequence[Party]) -> str:
        if not parties:
            return STATE_BUDGET
        first, *rest = [p.name for p in parties]
        return " và ".join([first] + [r[0].lower() + r[1:] if r.startswith(("Ông", "Bà")) else r for r in rest])

    trang_thai = rng.choices(TRANG_THAI, (45, 20, 20, 8, 7))[0]
    seq = seq if seq is not None else rng.randint(1, 2400)
    return CaseTruth(
        ma_ho_so=f"THADS-{don_vi}-{ngay_qd.year}-{seq:06d}",
        so_qd_tha=so_qd,
        ngay_qd_tha=ngay_qd,
        so_ban_an=so_ban_an,
        ngay_ban_an=ngay_ban_an,
        toa_an=toa_an,
        nguoi_phai_thi_hanh=names(debtors),
        nguoi_duoc_thi_hanh=names(creditors),
        loai=loai,
        don_vi=don_vi,
        ten_don_vi=ten_don_vi,
        trang_thai=trang_thai,
        ngay_cap_nhat=ngay_qd,  # set by the document plan to the last paper's date (+ a lag)
        tinh=prov.name,
        loai_an=kind,
        cap_xet_xu=instance,
        quyet_dinh_toa=decision is not None,
        trich_yeu_ban_an=rng.choice(CASE_KINDS[kind]),
        co_quan_thi_hanh=office,
        old_district="" if provincial_case else f"{district.kind} {district.name}",
        tinh_cu=district.old_province or prov.name,
        debtors=tuple(debtors),
        creditors=tuple(creditors),
        obligations=obligations,
        so_tien=sum(o.amount for o in obligations if not o.monthly),
    )


def _bump_number(number: str, rng: random.Random) -> str:
    """Change the leading number of "NN/…" by a small non-zero amount (a near-miss decoy)."""
    head, _, rest = number.partition("/")
    n = max(1, int(head) + rng.choice((-3, -2, -1, 1, 2, 3, 10, 11)))
    if n == int(head):
        n += 1
    return f"{n:02d}/{rest}"


def make_decoys(case: CaseTruth, rng: random.Random, k: int) -> list[CaseTruth]:
    """``k`` register cases that could be confused with ``case``: they share the parties' names (and
    sometimes the year and the court) but differ in the numbers — for register-matching tests.

    Kinds (``decoy_kind``): "same_parties_other_year" (another case between the same people),
    "same_debtor" (the debtor's other case with another creditor), "near_numbers" (same court, year and
    parties, numbers off by a little), "namesake" (another person with the debtor's exact name)."""
    kinds = ("same_parties_other_year", "same_debtor", "near_numbers", "namesake")
    out: list[CaseTruth] = []
    for i in range(k):
        kind = kinds[i] if i < len(kinds) else rng.choice(kinds)
        if kind == "same_parties_other_year":
            years = [y for y in (case.year - 2, case.year - 1, case.year + 1) if 2019 <= y <= 2025]
            base = make_case(rng, province=case.tinh, loai=case.loai, year=rng.choice(years))
            decoy = dataclasses.replace(base, nguoi_phai_thi_hanh=case.nguoi_phai_thi_hanh,
                                        nguoi_duoc_thi_hanh=case.nguoi_duoc_thi_hanh,
                                        debtors=case.debtors, creditors=case.creditors)
        elif kind == "same_debtor":
            base = make_case(rng, province=case.tinh)
            decoy = dataclasses.replace(base, nguoi_phai_thi_hanh=case.nguoi_phai_thi_hanh, debtors=case.debtors)
        elif kind == "near_numbers":
            shift = rng.randint(3, 25) * rng.choice((-1, 1))
            ngay_qd = case.ngay_qd_tha + dt.timedelta(days=shift)
            if ngay_qd.year != case.year or (ngay_qd >= REFORM_DATE) != (case.ngay_qd_tha >= REFORM_DATE):
                ngay_qd = case.ngay_qd_tha - dt.timedelta(days=shift)
            ngay_ba = case.ngay_ban_an + dt.timedelta(days=rng.randint(1, 30))
            if ngay_ba.year != case.ngay_ban_an.year:
                ngay_ba = case.ngay_ban_an - dt.timedelta(days=rng.randint(1, 30))
            decoy = dataclasses.replace(
                case, so_qd_tha=_bump_number(case.so_qd_tha, rng), so_ban_an=_bump_number(case.so_ban_an, rng),
                ngay_qd_tha=ngay_qd, ngay_ban_an=ngay_ba, ngay_cap_nhat=ngay_qd + dt.timedelta(rng.randint(0, 40)),
                trang_thai=rng.choice(TRANG_THAI))
        else:
            base = make_case(rng, province=case.tinh)
            first = case.debtors[0]
            other = make_person(rng, case.province, male=first.male)
            namesake = dataclasses.replace(first, address=other.address, born=other.born, cccd=other.cccd)
            decoy = dataclasses.replace(base, nguoi_phai_thi_hanh=first.name, debtors=(namesake,))
        seq = rng.randint(1, 2400)
        decoy = dataclasses.replace(decoy, ma_ho_so=f"THADS-{decoy.don_vi}-{decoy.year}-{seq:06d}",
                                    decoy_of=case.ma_ho_so, decoy_kind=kind)
        out.append(decoy)
    return out


def case_keys(case: CaseTruth) -> tuple[str, str]:
    """What must be unique across a register: the dossier code, and the decision number per office and year."""
    return case.ma_ho_so, f"{case.co_quan_thi_hanh}|{case.year}|{case.so_qd_tha}"

