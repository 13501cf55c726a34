"""Realistic document texts and an OCR noiser shared by the tagging tests (plus tests of the noiser)."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

from scanflow.tagging import RegisterCase

# Tone marks on circumflex vowels that Tesseract's vie model confuses with one another (ể→ế, ồ→ố…).
_STACKED = {
    "ấ": "ầẩẫ", "ầ": "ấẩ", "ẩ": "ấẫ", "ẫ": "ẩấ", "ế": "ềể", "ề": "ếể", "ể": "ếễ", "ễ": "ểế",
    "ố": "ồổ", "ồ": "ốổ", "ổ": "ốỗ", "ỗ": "ổố",
}  # fmt: skip
_LOOKALIKE = {"i": "l", "I": "l", "l": "I", "m": "rn", "n": "ri", "e": "c", "ư": "u", "ơ": "o", "h": "b"}
_NUMBER = re.compile(r"\d{1,4}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9/\-]*")


@dataclass(frozen=True)
class Case:
    """A synthetic enforcement case, as the register and its documents describe it."""

    ma_ho_so: str = "HS-2025-0125"
    so_qd_tha: str = "125/QĐ-THADS"
    ngay_qd_tha: date = date(2025, 11, 5)
    so_ban_an: str = "07/2025/DS-ST"
    ngay_ban_an: date = date(2025, 10, 11)
    toa_an: str = "Tòa án nhân dân khu vực 1 - Tuyên Quang"
    debtor: str = "Nguyễn Văn An"
    creditor: str = "Trần Thị Bình"
    loai: str = "theo_yeu_cau"
    amount: str = "150.000.000"
    don_vi: str = "THI HÀNH ÁN DÂN SỰ TỈNH TUYÊN QUANG"


def long_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def short_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def header(issuer: list[str], number: str | None, place_date: str, *, merged: bool = True) -> str:
    """The two-column header as OCR returns it: merged line by line, or left block then right block."""
    left = [*issuer, f"Số: {number}"] if number else list(issuer)
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", place_date]
    if not merged:
        return "\n".join(left + right)
    rows = max(len(left), len(right))
    left += [""] * (rows - len(left))
    right = right[:2] + [""] * (rows - len(right)) + right[2:]
    return "\n".join(f"{a}    {b}".strip() for a, b in zip(left, right, strict=True))


def qd_tha_text(c: Case, *, merged: bool = True) -> str:
    kind = "theo yêu cầu" if c.loai == "theo_yeu_cau" else "chủ động"
    request = (
        f"Căn cứ đơn yêu cầu thi hành án của bà {c.creditor} ngày {short_date(c.ngay_ban_an)};\n"
        if c.loai == "theo_yeu_cau"
        else ""
    )
    duty = (
        f"Trả cho bà {c.creditor} số tiền {c.amount} đồng (Một trăm năm mươi triệu đồng)."
        if c.loai == "theo_yeu_cau"
        else "Nộp án phí dân sự sơ thẩm 7.500.000 đồng sung công quỹ Nhà nước."
    )
    return f"""{
        header(
            ["THI HÀNH ÁN DÂN SỰ", "TỈNH TUYÊN QUANG"],
            c.so_qd_tha,
            f"Tuyên Quang, {long_date(c.ngay_qd_tha)}",
            merged=merged,
        )
    }

QUYẾT ĐỊNH
Thi hành án {kind}

THỦ TRƯỞNG CƠ QUAN THI HÀNH ÁN DÂN SỰ TỈNH TUYÊN QUANG

Căn cứ Điều 23, Điều 35, Điều 36 Luật Thi hành án dân sự số 26/2008/QH12;
Căn cứ Nghị định số 62/2015/NĐ-CP ngày 18/7/2015 của Chính phủ;
Căn cứ Bản án số {c.so_ban_an} ngày {short_date(c.ngay_ban_an)} của {c.toa_an};
{request}
QUYẾT ĐỊNH:
Điều 1. Cho thi hành án đối với:
Ông {c.debtor}, sinh năm 1975; địa chỉ: thôn Đồng Chằm, xã Trung Môn, tỉnh Tuyên Quang.
Khoản phải thi hành: {duty}
Điều 2. Người phải thi hành án có trách nhiệm tự nguyện thi hành trong thời hạn 10 ngày.
Điều 3. Chấp hành viên, người phải thi hành án, người được thi hành án chịu trách nhiệm thi hành.
"""


def ban_an_text(c: Case) -> str:
    return f"""TÒA ÁN NHÂN DÂN KHU VỰC 1    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TUYÊN QUANG    Độc lập - Tự do - Hạnh phúc
Bản án số: {c.so_ban_an}
Ngày: {c.ngay_ban_an.day}-{c.ngay_ban_an.month}-{c.ngay_ban_an.year}
V/v tranh chấp hợp đồng vay tài sản

NHÂN DANH
NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TÒA ÁN NHÂN DÂN KHU VỰC 1 - TUYÊN QUANG
- Thành phần Hội đồng xét xử sơ thẩm gồm có: Thẩm phán - Chủ tọa phiên tòa: Bà Hoàng Thị Thủy.
Ngày {c.ngay_ban_an.day} tháng {c.ngay_ban_an.month} năm {c.ngay_ban_an.year}, tại trụ sở {c.toa_an}
xét xử sơ thẩm công khai vụ án dân sự thụ lý số 45/2025/TLST-DS ngày 02 tháng 6 năm 2025 về việc
"Tranh chấp hợp đồng vay tài sản" theo Quyết định đưa vụ án ra xét xử số 50/2025/QĐXXST-DS, giữa:
- Nguyên đơn: Bà {c.creditor}, sinh năm 1980; địa chỉ: tổ 5, phường Minh Xuân, tỉnh Tuyên Quang.
- Bị đơn: Ông {c.debtor}, sinh năm 1975; địa chỉ: thôn Đồng Chằm, xã Trung Môn, tỉnh Tuyên Quang.
"""


def ban_an_page2(c: Case) -> str:
    return f"""NỘI DUNG VỤ ÁN:
Theo đơn khởi kiện, nguyên đơn trình bày: ngày 01/3/2023 bị đơn vay {c.amount} đồng, hẹn trả sau một năm.
QUYẾT ĐỊNH:
Căn cứ khoản 3 Điều 26, Điều 35, Điều 147 Bộ luật Tố tụng dân sự;
1. Chấp nhận yêu cầu khởi kiện của nguyên đơn. Buộc ông {c.debtor} trả cho bà {c.creditor}
số tiền {c.amount} đồng.
2. Án phí: ông {c.debtor} phải chịu 7.500.000 đồng án phí dân sự sơ thẩm.
"""


def court_decision_text() -> str:
    return """TÒA ÁN NHÂN DÂN KHU VỰC 2    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TUYÊN QUANG    Độc lập - Tự do - Hạnh phúc
Số: 72/2025/QĐST-HNGĐ    Tuyên Quang, ngày 15 tháng 3 năm 2025
QUYẾT ĐỊNH
CÔNG NHẬN THUẬN TÌNH LY HÔN VÀ SỰ THỎA THUẬN CỦA CÁC ĐƯƠNG SỰ
Căn cứ Điều 212 và Điều 213 của Bộ luật Tố tụng dân sự;
Căn cứ biên bản hòa giải thành ngày 05 tháng 3 năm 2025,
"""


def don_yeu_cau_text(c: Case, filed: date = date(2025, 10, 20)) -> str:
    return f"""CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

ĐƠN YÊU CẦU THI HÀNH ÁN

Kính gửi: Thi hành án dân sự tỉnh Tuyên Quang
Họ và tên người yêu cầu thi hành án: {c.creditor}
Địa chỉ: tổ 5, phường Minh Xuân, tỉnh Tuyên Quang.
Họ và tên người phải thi hành án: {c.debtor}
Địa chỉ: thôn Đồng Chằm, xã Trung Môn, tỉnh Tuyên Quang.
Yêu cầu thi hành Bản án số {c.so_ban_an} ngày {short_date(c.ngay_ban_an)} của {c.toa_an}.
Nội dung yêu cầu: buộc ông {c.debtor} trả số tiền {c.amount} đồng.
Tuyên Quang, {long_date(filed)}
NGƯỜI YÊU CẦU
(Ký, ghi rõ họ tên)
{c.creditor}
"""


def _enforcement_doc(c: Case, number: str, day: date, title: str, subject: str, body: str = "") -> str:
    return f"""{header(["THI HÀNH ÁN DÂN SỰ", "TỈNH TUYÊN QUANG"], number, f"Tuyên Quang, {long_date(day)}")}
{title}
{subject}
CHẤP HÀNH VIÊN THI HÀNH ÁN DÂN SỰ TỈNH TUYÊN QUANG
Căn cứ Luật Thi hành án dân sự số 26/2008/QH12;
Căn cứ Bản án số {c.so_ban_an} ngày {short_date(c.ngay_ban_an)} của {c.toa_an};
Căn cứ Quyết định thi hành án số {c.so_qd_tha} ngày {short_date(c.ngay_qd_tha)};
{body}"""


def qd_cuong_che_text(c: Case, day: date = date(2025, 12, 15)) -> str:
    return _enforcement_doc(
        c, "30/QĐ-THADS", day, "QUYẾT ĐỊNH", "Về việc cưỡng chế kê biên, xử lý tài sản",
        f"QUYẾT ĐỊNH:\nĐiều 1. Cưỡng chế kê biên quyền sử dụng đất của ông {c.debtor}.\n",
    )  # fmt: skip


def qd_hoan_text(c: Case, day: date = date(2025, 12, 1)) -> str:
    return _enforcement_doc(c, "31/QĐ-THADS", day, "QUYẾT ĐỊNH", "Về việc hoãn thi hành án")


def qd_tam_dinh_chi_text(c: Case, day: date = date(2025, 12, 2)) -> str:
    return _enforcement_doc(c, "32/QĐ-THADS", day, "QUYẾT ĐỊNH", "Về việc tạm đình chỉ thi hành án")


def qd_dinh_chi_text(c: Case, day: date = date(2025, 12, 3)) -> str:
    return _enforcement_doc(c, "33/QĐ-THADS", day, "QUYẾT ĐỊNH", "Về việc đình chỉ thi hành án")


def qd_chua_co_dk_text(c: Case, day: date = date(2025, 12, 4)) -> str:
    return _enforcement_doc(c, "34/QĐ-THADS", day, "QUYẾT ĐỊNH", "Về việc chưa có điều kiện thi hành án")


def thong_bao_text(c: Case, day: date = date(2025, 11, 10)) -> str:
    return _enforcement_doc(
        c, "120/TB-THADS", day, "THÔNG BÁO", "Về việc thi hành án",
        f"Thông báo cho ông {c.debtor} biết Quyết định thi hành án nêu trên.\n",
    )  # fmt: skip


def bb_xac_minh_text(c: Case, day: date = date(2025, 11, 20)) -> str:
    return f"""THI HÀNH ÁN DÂN SỰ    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH TUYÊN QUANG    Độc lập - Tự do - Hạnh phúc
BIÊN BẢN
Xác minh điều kiện thi hành án
Hôm nay, vào lúc 09 giờ 00 ngày {short_date(day)}, tại xã Trung Môn, tỉnh Tuyên Quang.
Chúng tôi gồm: Ông Lê Văn Cường - Chấp hành viên.
Tiến hành xác minh điều kiện thi hành án của người phải thi hành án: Ông {c.debtor},
theo Quyết định thi hành án số {c.so_qd_tha} ngày {short_date(c.ngay_qd_tha)}.
"""


def bb_ke_bien_text(c: Case, day: date = date(2025, 12, 20)) -> str:
    return f"""THI HÀNH ÁN DÂN SỰ    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH TUYÊN QUANG    Độc lập - Tự do - Hạnh phúc
BIÊN BẢN
Kê biên, xử lý tài sản
Hôm nay, {long_date(day)}, tại thôn Đồng Chằm, xã Trung Môn, tỉnh Tuyên Quang.
Thực hiện Quyết định cưỡng chế số 30/QĐ-THADS, Chấp hành viên tiến hành kê biên tài sản của
ông {c.debtor}.
"""


def bien_lai_text(c: Case, day: date = date(2025, 11, 25)) -> str:
    return f"""THI HÀNH ÁN DÂN SỰ TỈNH TUYÊN QUANG
BIÊN LAI THU TIỀN
Ký hiệu: BL/2025    Số: 0001234
Ngày: {short_date(day)}
Họ tên người nộp tiền: {c.debtor}
Nội dung: nộp tiền thi hành án theo Quyết định thi hành án số {c.so_qd_tha}
Số tiền: 20.000.000 đồng
"""


def cong_van_text(day: date = date(2025, 11, 12)) -> str:
    return f"""{header(["THI HÀNH ÁN DÂN SỰ", "TỈNH TUYÊN QUANG"], "1520/THADS-NV", f"Tuyên Quang, {long_date(day)}")}
V/v phối hợp xác minh tài sản
Kính gửi: Văn phòng Đăng ký đất đai tỉnh Tuyên Quang
Thi hành án dân sự tỉnh Tuyên Quang đề nghị Quý cơ quan cung cấp thông tin về tài sản.
"""


def qd_tha_page2(c: Case) -> str:
    return f"""Điều 4. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Ông {c.debtor};
- Bà {c.creditor};
- Lưu: VT, HSTHA.
THỦ TRƯỞNG
"""


FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đoàn", "Doãn", "Vũ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Thu", "Quang")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hòa", "Thủy", "Khoa", "Lan", "Nam", "Tuấn", "Thành")


def random_case(rng: random.Random, i: int) -> Case:
    """A random but consistent case: judgment first, QĐTHA 20–120 days later."""
    year = rng.choice([2024, 2025])
    judged = date(year, rng.randint(1, 6), rng.randint(1, 28))
    decided = (judged + timedelta(days=rng.randint(20, 120))).replace(day=rng.randint(1, 28))
    return Case(
        ma_ho_so=f"HS-{i}",
        so_qd_tha=f"{rng.randint(1, 1500):02d}/QĐ-{rng.choice(['THADS', 'CTHADS', 'CCTHADS'])}",
        ngay_qd_tha=decided,
        so_ban_an=f"{rng.randint(1, 99):02d}/{year}/{rng.choice(['DS-ST', 'HNGĐ-ST', 'KDTM-PT', 'DS-PT'])}",
        ngay_ban_an=judged,
        toa_an=f"Tòa án nhân dân khu vực {rng.randint(1, 9)} - Tuyên Quang",
        debtor=" ".join(rng.choice(part) for part in (FAMILY, MIDDLE, GIVEN)),
        creditor=" ".join(rng.choice(part) for part in (FAMILY, MIDDLE, GIVEN)),
        loai=rng.choice(["chu_dong", "theo_yeu_cau"]),
    )


def decoys(rng: random.Random, c: Case) -> list[Case]:
    """Register cases that share the real case's parties (and court, sometimes year) but not its numbers."""
    number, symbol = c.so_qd_tha.split("/", 1)
    n = int(number)
    other_loai = "chu_dong" if c.loai == "theo_yeu_cau" else "theo_yeu_cau"
    year = c.ngay_ban_an.year
    return [
        # same parties, court and year; a neighbouring QĐTHA number and another judgment
        replace(
            c, ma_ho_so=f"{c.ma_ho_so}-D1", so_qd_tha=f"{max(1, n + rng.choice([1, -1, 10, 100])):02d}/{symbol}",
            so_ban_an=f"{rng.randint(1, 99):02d}/{year}/DS-ST",
            ngay_qd_tha=c.ngay_qd_tha + timedelta(days=rng.randint(1, 60)),
        ),
        # the same judgment enforced by another QĐTHA (the other loai), possibly the same day
        replace(
            c, ma_ho_so=f"{c.ma_ho_so}-D2", so_qd_tha=f"{n + 1:02d}/{symbol}", loai=other_loai,
            ngay_qd_tha=c.ngay_qd_tha - timedelta(days=rng.randint(0, 20)),
        ),
        # the same QĐTHA number a year earlier (numbers restart every year), same names
        replace(
            c, ma_ho_so=f"{c.ma_ho_so}-D3", ngay_qd_tha=c.ngay_qd_tha.replace(year=c.ngay_qd_tha.year - 1),
            so_ban_an=f"{rng.randint(1, 99):02d}/{year - 1}/DS-ST", ngay_ban_an=c.ngay_ban_an.replace(year=year - 1),
        ),
        # a look-alike debtor (stacked-tone confusion) with unrelated numbers
        replace(
            c, ma_ho_so=f"{c.ma_ho_so}-D4", debtor=c.debtor.replace("Nguyễn", "Nguyến").replace("Đoàn", "Doãn"),
            so_qd_tha=f"{rng.randint(1, 1500):02d}/{symbol}", so_ban_an=f"{rng.randint(1, 99):02d}/{year}/HS-ST",
        ),
    ]  # fmt: skip


def to_register(c: Case) -> RegisterCase:
    return RegisterCase(
        ma_ho_so=c.ma_ho_so, so_qd_tha=c.so_qd_tha, ngay_qd_tha=c.ngay_qd_tha, so_ban_an=c.so_ban_an,
        ngay_ban_an=c.ngay_ban_an, toa_an=c.toa_an, nguoi_phai_thi_hanh=c.debtor, nguoi_duoc_thi_hanh=c.creditor,
        loai=c.loai, don_vi=c.don_vi, trang_thai="đang thi hành", ngay_cap_nhat=c.ngay_qd_tha,
    )  # fmt: skip


def dossier_documents(c: Case) -> list[list[str]]:
    """A dossier's documents (each a list of page texts) in filing order."""
    docs = [[qd_tha_text(c), qd_tha_page2(c)]]
    if c.loai == "theo_yeu_cau":
        docs.append([don_yeu_cau_text(c)])
    docs.append([ban_an_text(c), ban_an_page2(c)])
    docs.append([bb_xac_minh_text(c, c.ngay_qd_tha + timedelta(days=10))])
    docs.append([qd_cuong_che_text(c, c.ngay_qd_tha + timedelta(days=40))])
    return docs


def strip_marks(word: str) -> str:
    """What OCR gives when it loses every diacritic of a word."""
    bare = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in bare if not unicodedata.combining(c)))


def _noise_number(m: re.Match[str], rng: random.Random, p: float) -> str:
    s = m.group(0)
    if rng.random() < p:
        s = s.replace("/", rng.choice(["l", "I", " / "]), 1)
    if rng.random() < p:
        s = s.replace("Đ", "D")
    if rng.random() < p:
        s = s.replace("0", "O", 1)
    if rng.random() < p:
        s = s.replace("-", " - ", 1)
    return s


def noise(text: str, seed: int, p: float = 0.3, letters: float = 0.0) -> str:
    """OCR-like noise: numbers with l for /, D for Đ, O for 0 and spaced dashes; words with their
    diacritics dropped; stacked tone marks confused (ể→ế); Đ read as D; with probability `letters` a
    word gets one look-alike letter (i→l, m→rn…). Deterministic per seed."""
    rng = random.Random(seed)
    text = _NUMBER.sub(lambda m: _noise_number(m, rng, p), text)

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if rng.random() < letters:
            spots = [i for i, c in enumerate(w) if c in _LOOKALIKE]
            if spots:
                i = rng.choice(spots)
                w = w[:i] + _LOOKALIKE[w[i]] + w[i + 1 :]
        roll = rng.random()
        if roll < p / 2:
            return strip_marks(w)
        if roll < p:
            w = "".join(rng.choice(_STACKED[c]) if c in _STACKED else c for c in w)
            return w.replace("Đ", "D", 1) if rng.random() < 0.5 else w
        return w

    return re.sub(r"[^\W\d_]+", word, text)


def test_noise_is_deterministic_and_changes_text() -> None:
    text = qd_tha_text(Case())
    assert noise(text, 1) == noise(text, 1)
    assert noise(text, 1) != text
    assert noise(text, 1, p=0.0) == text


def test_noise_confuses_stacked_tones_and_numbers() -> None:
    noisy = noise("Kể từ ngày ký, Số: 125/QĐ-THADS", 3, p=1.0)
    assert "ể" not in noisy
    assert "125/QĐ-THADS" not in noisy
