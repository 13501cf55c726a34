"""The papers of an enforcement dossier, written out as laid-out elements with their ground-truth metadata."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from samples.casegen import (
    BANKS,
    REFORM_DATE,
    CaseTruth,
    Party,
    date_dash,
    date_long,
    date_slash,
    fmt_money,
    make_person,
    messy_number,
    money_in_words,
    nfc,
    office_suffix,
    old_style_tones,
)
from samples.pagelayout import Columns, Element, Para, Signature, Spacer

DOC_TYPES = ("qd_tha", "ban_an", "don_yeu_cau", "bb_xac_minh", "qd_cuong_che", "bb_ke_bien", "qd_hoan",
             "qd_tam_dinh_chi", "qd_dinh_chi", "qd_chua_co_dk", "thong_bao", "bien_lai", "khac")
#: Papers that must be in a complete dossier (Circular 04/2023/TT-BTP art. 31).
REQUIRED = {"chu_dong": ("qd_tha", "ban_an"), "theo_yeu_cau": ("qd_tha", "don_yeu_cau", "ban_an")}

NATIONAL_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_2 = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class DocSpec:
    """One paper: ground-truth metadata plus the elements that print it. ``filler`` paragraphs go between
    ``head`` and ``tail``; the dossier builder uses as many as it takes to reach ``target_pages``."""

    type: str
    number: str | None  # canonical, as the register would hold it
    number_printed: str | None  # exactly as printed (may carry stray spaces)
    date: dt.date
    issuer: str
    title: str
    summary: str
    signer: str
    head: list[Element]
    tail: list[Element]
    filler: list[Element] = field(default_factory=list)
    target_pages: int = 1
    tone_style: str = "new"  # "old" = tone marks placed the older way (hoà, thuỷ)

    def elements(self, n_filler: int) -> list[Element]:
        els = self.head + self.filler[:n_filler] + self.tail
        if self.tone_style == "old":
            return [_map_text(e, old_style_tones) for e in els]
        return els


def _map_text(el: Element, fn: Callable[[str], str]) -> Element:
    if isinstance(el, Para):
        return dataclasses.replace(el, text=fn(el.text))
    if isinstance(el, Columns):
        return dataclasses.replace(el, left=tuple(_map_text(e, fn) for e in el.left),  # type: ignore[misc]
                                   right=tuple(_map_text(e, fn) for e in el.right))  # type: ignore[misc]
    return el


# --- building blocks -------------------------------------------------------------------------------------


def P(text: str, **kw: object) -> Para:  # short: reads like markup in the templates below
    """A paragraph with its whitespace collapsed and its text in NFC."""
    return Para(nfc(" ".join(text.split())), **kw)  # type: ignore[arg-type]


def center(text: str, style: str = "bold", size: float = 0.0, before: float = 0.0, **kw: object) -> Para:
    return P(text, style=style, size=size, align="center", before=before, **kw)


def money(amount: int, words: bool = True) -> str:
    s = f"{fmt_money(amount)} đồng"
    return f"{s} (Bằng chữ: {money_in_words(amount)})" if words else s


def who(p: Party) -> str:
    """How a party is named mid-sentence: "ông Nguyễn Văn An", "Công ty …"."""
    return f"{p.honorific} {p.bare}".strip()


def who_cap(p: Party) -> str:
    s = who(p)
    return s[0].upper() + s[1:]


def party_desc(p: Party, rng: random.Random) -> str:
    if not p.person:
        return f"{p.name}; địa chỉ trụ sở: {p.address}"
    birthday = dt.date(p.born, 1 + p.born % 12, 1 + p.born % 27)
    birth = f"sinh năm {p.born}" if rng.random() < 0.7 else f"sinh ngày {date_slash(birthday)}"
    cccd = f"; CCCD số {p.cccd}" if rng.random() < 0.5 else ""
    return f"{who_cap(p)}, {birth}{cccd}; địa chỉ: {p.address}"


def national(rng: random.Random, size: float = 12.5) -> list[Para]:
    return [center(NATIONAL_1, size=size, fit=True), center(NATIONAL_2, size=size + 1, rule=1.0, fit=True)]


def place_name(case: CaseTruth, d: dt.date, rng: random.Random) -> str:
    """The place in a date line: the district or the province as it was named on ``d``."""
    if d < REFORM_DATE:
        if case.old_district.startswith("huyện") and rng.random() < 0.7:
            return case.old_district.split(" ", 1)[1]
        name = case.tinh_cu or case.tinh
    else:
        name = case.tinh
    if name == "Hồ Chí Minh":
        return rng.choice(("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"))
    return name


def _old_full(case: CaseTruth) -> str:
    """The case's province as pre-reform papers name it."""
    if case.tinh_cu and case.tinh_cu != case.tinh:
        return f"tỉnh {case.tinh_cu}"
    return case.province.full


def date_line(place: str, d: dt.date) -> Para:
    return P(f"{place}, {date_long(d)}", style="italic", align="center", size=13.5, before=6, fit=True)


def _kv(case: CaseTruth) -> int | None:
    return int(case.don_vi.rsplit("KV", 1)[1]) if "-KV" in case.don_vi else None


def office(case: CaseTruth, d: dt.date, phong: bool) -> tuple[list[Para], str, str]:
    """Top-left heading lines, issuer name and the office's title for an enforcement paper dated ``d``.
    ``phong`` = issued by the regional office (post-reform) / district office (pre-reform) when the
    case is theirs."""
    prov = case.province
    up = prov.full.upper()
    kv = _kv(case)
    if d >= REFORM_DATE:
        if phong and kv is not None:
            lines = [center(f"THI HÀNH ÁN DÂN SỰ {up}", style="regular", size=12.5, fit=True),
                     center("PHÒNG THI HÀNH ÁN DÂN SỰ", size=12.5, fit=True),
                     center(f"KHU VỰC {kv}", size=12.5, rule=0.5, fit=True)]
            return lines, f"Phòng Thi hành án dân sự khu vực {kv} - {prov.name}", "TRƯỞNG PHÒNG"
        lines = [center("THI HÀNH ÁN DÂN SỰ", size=12.5, fit=True), center(up, size=12.5, rule=0.45, fit=True)]
        return lines, f"Thi hành án dân sự {prov.full}", "THỦ TRƯỞNG"
    up = _old_full(case).upper()
    if kv is not None and case.old_district:
        kind, name = case.old_district.split(" ", 1)
        lines = [center(f"CỤC THADS {up}", style="regular", size=12.5, fit=True),
                 center("CHI CỤC THI HÀNH ÁN DÂN SỰ", size=12.5, fit=True),
                 center(f"{kind} {name}".upper(), size=12.5, rule=0.45, fit=True)]
        return lines, f"Chi cục Thi hành án dân sự {kind} {name}", "CHI CỤC TRƯỞNG"
    lines = [center("TỔNG CỤC THI HÀNH ÁN DÂN SỰ", style="regular", size=12.5, fit=True),
             center("CỤC THI HÀNH ÁN DÂN SỰ", size=12.5, fit=True), center(up, size=12.5, rule=0.45, fit=True)]
    return lines, f"Cục Thi hành án dân sự {_old_full(case)}", "CỤC TRƯỞNG"


def heading(left: list[Para], right: list[Para], split: float = 0.42) -> Columns:
    return Columns(tuple(left), tuple(right), split)


def footer(noi_nhan: Sequence[str], titles: Sequence[str], signer: str, stamp: str, rng: random.Random,
           split: float = 0.45) -> Columns:
    left: list[Para | Spacer | Signature] = [P("Nơi nhận:", style="bolditalic", size=12, align="left",
                                                indent=0, before=10)]
    left += [P(f"- {n}", size=11, align="left", indent=0, before=0) for n in noi_nhan]
    right: list[Para | Spacer | Signature] = [center(t, size=13, before=10 if i == 0 else 0)
                                              for i, t in enumerate(titles)]
    right.append(Signature(height=rng.uniform(20, 26), stamp=stamp))
    right.append(center(signer, size=13.5))
    return Columns(tuple(left), tuple(right), split)


def _name(rng: random.Random, case: CaseTruth) -> str:
    return make_person(rng, case.province).bare


def _person(rng: random.Random, case: CaseTruth, lower: bool = False) -> str:
    """A random official named with the honorific matching their sex: "Ông Trần Văn Nam"."""
    name = make_person(rng, case.province).name
    return name[0].lower() + name[1:] if lower else name


def _pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def _numbered(rng: random.Random, d: dt.date, per_day: float) -> int:
    """A plausible number for a paper issued on ``d``: numbers restart each year and grow through it."""
    return max(1, int(d.timetuple().tm_yday * per_day) + rng.randint(-4, 4))


def _obligation_lines(case: CaseTruth, rng: random.Random, lead: str = "- ") -> list[Para]:
    out = []
    for ob in case.obligations:
        text = ob.text[0].upper() + ob.text[1:]
        amount = money(ob.amount, words=ob.amount >= 1_000_000 and rng.random() < 0.7)
        tail = "; kể từ ngày bản án có hiệu lực pháp luật cho đến khi con chung đủ 18 tuổi" if ob.monthly else ""
        out.append(P(f"{lead}{text} {amount}{tail}.", indent=10))
    return out


def _law_basis(rng: random.Random) -> str:
    return _pick(rng, "Luật Thi hành án dân sự năm 2008 (sửa đổi, bổ sung năm 2014, 2022)",
                 "Luật Thi hành án dân sự (được sửa đổi, bổ sung năm 2014, 2022)",
                 "Luật Thi hành án dân sự số 26/2008/QH12 được sửa đổi, bổ sung")


def _court_ref(case: CaseTruth, printed: str, rng: random.Random) -> str:
    kind = "Quyết định" if case.quyet_dinh_toa else "Bản án"
    when = f"ngày {date_slash(case.ngay_ban_an)}" if rng.random() < 0.75 else date_long(case.ngay_ban_an)
    return f"{kind} số {printed} {when} của {case.toa_an}"


# --- the dossier's shared context --------------------------------------------------------------------------


@dataclass
class Context:
    """What the papers of one dossier share: the people who sign, the numbers already issued."""

    case: CaseTruth
    ban_an_printed: str
    don_date: dt.date | None
    chv: str  # Chấp hành viên (enforcement officer) in charge
    boss: str  # head (or deputy) of the office
    judge: str
    chv_ref: str = ""  # with honorific: "Ông Trần Văn Nam"
    judge_ref: str = ""
    qd_numbers: dict[str, int] = field(default_factory=dict)  # symbol|year -> last decision number
    cuong_che: DocSpec | None = None

    def next_number(self, symbol: str, d: dt.date, rng: random.Random, per_day: float = 1.5) -> str:
        key = f"{symbol}|{d.year}"
        base = _numbered(rng, d, per_day)
        last = self.qd_numbers.get(key, 0)
        n = max(base, last + rng.randint(1, 40))
        self.qd_numbers[key] = n
        return f"{n:02d}/{symbol}"


def make_context(case: CaseTruth, rng: random.Random, don_date: dt.date | None) -> Context:
    printed = messy_number(case.so_ban_an, rng) if rng.random() < 0.3 else case.so_ban_an
    chv, boss, judge = (make_person(rng, case.province) for _ in range(3))
    ctx = Context(case, printed, don_date, chv.bare, boss.bare, judge.bare, chv.name, judge.name)
    head = int(case.so_qd_tha.split("/")[0])
    ctx.qd_numbers[f"{case.so_qd_tha.split('/', 1)[1]}|{case.year}"] = head
    return ctx


def _qd_titles(boss: str, rng: random.Random) -> list[str]:
    return [f"KT. {boss}", f"PHÓ {boss}"] if rng.random() < 0.5 else [boss]


def _vks(case: CaseTruth, d: dt.date, rng: random.Random) -> str:
    if d >= REFORM_DATE:
        return f"VKSND {_pick(rng, 'khu vực', 'tỉnh')} {case.tinh}" if rng.random() < 0.5 else "Viện KSND cùng cấp"
    return "Viện KSND cùng cấp"


def _clock(rng: random.Random) -> tuple[int, int]:
    """A morning appointment time (hour, minute)."""
    return rng.randint(7, 10), rng.choice((0, 0, 15, 30, 30, 45))


# --- QĐTHA -----------------------------------------------------------------------------------------------


def build_qd_tha(ctx: Context, rng: random.Random) -> DocSpec:
    case = ctx.case
    d = case.ngay_qd_tha
    left, issuer, boss = office(case, d, phong=False)
    left.append(P(f"Số: {case.so_qd_tha}", align="center", size=13, before=6))
    right = national(rng) + [date_line(place_name(case, d, rng), d)]
    chu_dong = case.loai == "chu_dong"
    subtitle = _pick(rng, "Về việc thi hành án", "Về việc thi hành án",
                     "Thi hành án chủ động" if chu_dong else "Thi hành án theo yêu cầu")
    head: list[Element] = [
        heading(left, right),
        center("QUYẾT ĐỊNH", size=14, before=18, keep=True),
        center(subtitle, size=14, keep=True),
        center(f"{boss} {issuer}".upper(), size=13.5, before=14, keep=True),
        P(f"Căn cứ Điều 23, Điều 35 và Điều 36 {_law_basis(rng)};", style="italic", before=8),
    ]
    if rng.random() < 0.5:
        head.append(P("Căn cứ Nghị định số 62/2015/NĐ-CP ngày 18/7/2015 của Chính phủ quy định chi tiết và "
                      "hướng dẫn thi hành một số điều của Luật Thi hành án dân sự;", style="italic"))
    head.append(P(f"Căn cứ {_court_ref(case, ctx.ban_an_printed, rng)};", style="italic"))
    if ctx.don_date is not None:
        requester = case.creditors[0] if case.creditors else case.debtors[0]
        head.append(P(f"Căn cứ đơn yêu cầu thi hành án của {who(requester)} ngày {date_slash(ctx.don_date)};",
                      style="italic"))
    head.append(center("QUYẾT ĐỊNH:", size=14, before=10, keep=True))
    verb = "Thi hành án chủ động" if chu_dong else _pick(rng, "Cho thi hành án", "Cho thi hành án theo yêu cầu")
    head.append(P(f"Điều 1. {verb} đối với: {party_desc(case.debtors[0], rng)}."))
    for extra in case.debtors[1:]:
        head.append(P(f"Và {party_desc(extra, rng)}."))
    head.append(P("Phải thi hành các khoản sau:", indent=10))
    head += _obligation_lines(case, rng)
    filler: list[Element] = [
        P("Kể từ ngày có đơn yêu cầu thi hành án của người được thi hành án (đối với các khoản tiền phải trả "
          "cho người được thi hành án), hàng tháng bên phải thi hành án còn phải chịu khoản tiền lãi của số "
          "tiền còn phải thi hành án theo mức lãi suất quy định tại khoản 2 Điều 468 Bộ luật Dân sự năm 2015, "
          "tương ứng với thời gian chưa thi hành án."),
        P("Trường hợp người phải thi hành án có tài sản bảo đảm, Chấp hành viên xử lý tài sản bảo đảm theo quy "
          "định tại Điều 47 Luật Thi hành án dân sự để thanh toán cho người được thi hành án."),
        P(f"Hoàn trả cho {who(case.creditors[0] if case.creditors else case.debtors[0])} số tiền tạm ứng án phí "
          f"đã nộp {money(_round(rng, 300_000, 9_000_000), words=False)} theo biên lai thu số "
          f"{rng.randint(1000, 9999):07d} ngày {date_slash(case.ngay_ban_an - dt.timedelta(days=rng.randint(60, 200)))}"
          "."),
        P("Các khoản tiền, tài sản mà người phải thi hành án đã tự nguyện nộp trước khi ra quyết định này được "
          "khấu trừ khi thanh toán; Chấp hành viên lập biên bản ghi nhận theo quy định."),
    ]
    tail: list[Element] = [
        P("Điều 2. Người phải thi hành án có trách nhiệm tự nguyện thi hành án trong thời hạn 10 ngày, kể từ "
          "ngày nhận được Quyết định này hoặc được thông báo hợp lệ. Hết thời hạn trên, nếu người phải thi hành "
          "án có điều kiện thi hành án mà không tự nguyện thi hành thì bị cưỡng chế theo quy định của pháp luật."),
        P("Điều 3. Chấp hành viên được phân công tổ chức thi hành án, người phải thi hành án, người được thi "
          "hành án và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."),
        footer(["Như Điều 3;", f"{_vks(case, d, rng)};", "Lưu: VT, HSTHA."], _qd_titles(boss, rng), ctx.boss,
               issuer.upper(), rng),
    ]
    return DocSpec("qd_tha", case.so_qd_tha, case.so_qd_tha, d, issuer, f"QUYẾT ĐỊNH {subtitle}",
                   "Về việc thi hành án", ctx.boss, head, tail, filler)


def _round(rng: random.Random, lo: int, hi: int, step: int = 100_000) -> int:
    return rng.randint(lo // step, hi // step) * step


# --- Đơn yêu cầu -----------------------------------------------------------------------------------------


def build_don_yeu_cau(ctx: Context, rng: random.Random) -> DocSpec:
    case = ctx.case
    assert ctx.don_date is not None
    d = ctx.don_date
    requester = case.creditors[0] if case.creditors else case.debtors[0]
    _, issuer_office, _ = office(case, d, phong=False)
    head: list[Element] = [*national(rng, size=13), Spacer(2)]
    title = _pick(rng, "ĐƠN YÊU CẦU THI HÀNH ÁN", "ĐƠN YÊU CẦU THI HÀNH ÁN DÂN SỰ")
    head += [
        center(title, size=15, before=22, keep=True),
        P(f"Kính gửi: {issuer_office}", align="center", style="bold" if rng.random() < 0.5 else "regular",
          before=12),
    ]
    if requester.person:
        head += [
            P(f"Họ và tên người yêu cầu thi hành án: {requester.bare}", indent=0, before=12),
            P(f"Năm sinh: {requester.born}. Số CCCD: {requester.cccd}", indent=0),
        ]
    else:
        head.append(P(f"Tên tổ chức yêu cầu thi hành án: {requester.name}", indent=0, before=12))
        head.append(P(f"Người đại diện theo ủy quyền: {_name(rng, case)} - Cán bộ xử lý nợ", indent=0))
    head.append(P(f"Địa chỉ: {requester.address}", indent=0))
    debtor = case.debtors[0]
    head += [
        P(f"Họ và tên người phải thi hành án: {debtor.bare if debtor.person else debtor.name}", indent=0, before=8),
        P(f"Địa chỉ: {debtor.address}", indent=0),
        P("Nội dung yêu cầu thi hành án:", style="bold", indent=0, before=8),
        P(f"Căn cứ {_court_ref(case, ctx.ban_an_printed, rng)}, đã có hiệu lực pháp luật. Đến nay "
          f"{who(debtor)} chưa tự nguyện thi hành. Tôi làm đơn này đề nghị {issuer_office} ra quyết định thi "
          f"hành án, buộc {who(debtor)} phải thi hành các khoản sau:"),
    ]
    for ob in case.obligations:
        if not ob.to_state:
            head.append(P(f"- {ob.text[0].upper()}{ob.text[1:]} {money(ob.amount, words=False)}"
                          f"{' cho đến khi con chung đủ 18 tuổi' if ob.monthly else ''};", indent=10))
    head.append(P("- Tiền lãi do chậm thi hành án theo quy định của pháp luật.", indent=10))
    filler: list[Element] = [
        P(f"Thông tin về tài sản, điều kiện thi hành án của người phải thi hành án (nếu có): {who(debtor)} "
          f"hiện đang quản lý, sử dụng thửa đất tại {debtor.address.split(', ', 1)[-1]} và có "
          f"{_pick(rng, 'xe ô tô', 'xe mô tô', 'tài khoản tại ngân hàng', 'nhà ở cấp 4')} đứng tên."),
        P("Tôi xin cam đoan những thông tin trên là đúng sự thật và chịu trách nhiệm trước pháp luật về nội "
          "dung yêu cầu của mình."),
        P("Tài liệu kèm theo:", style="italic", indent=0),
        P(f"- Bản sao {'Quyết định' if case.quyet_dinh_toa else 'Bản án'} số {ctx.ban_an_printed};", indent=10),
        P("- Bản sao Căn cước công dân của người yêu cầu.", indent=10),
    ]
    tail: list[Element] = [
        Columns((Spacer(1),), (date_line(place_name(case, d, rng), d),
                               center("NGƯỜI YÊU CẦU", size=13.5, before=4),
                               center("(Ký và ghi rõ họ tên)", style="italic", size=12),
                               Signature(height=rng.uniform(18, 24)),
                               center(requester.bare if requester.person else _name(rng, case), size=13.5)),
                split=0.4),
    ]
    return DocSpec("don_yeu_cau", None, None, d, requester.bare, title, "Yêu cầu thi hành án", requester.bare,
                   head, tail, filler)


# --- Bản án / Quyết định của Tòa án ---------------------------------------------------------------------


def _court_lines(toa_an: str) -> list[str]:
    rest = toa_an.removeprefix("Tòa án nhân dân ").upper()
    return ["TÒA ÁN NHÂN DÂN", *[s.strip() for s in rest.split(",")]]


def _counterparty(case: CaseTruth, rng: random.Random) -> Party:
    return case.creditors[0] if case.creditors else make_person(rng, case.province)


def _story(case: CaseTruth, rng: random.Random, a: Party, b: Party) -> list[str]:
    """Paragraphs of "NỘI DUNG VỤ ÁN" / "NHẬN ĐỊNH" material for the case's kind; the first is required."""
    a_up, a_, b_ = who_cap(a), who(a), who(b)
    amount = next((o.amount for o in case.obligations if not o.to_state), 50_000_000)
    d0 = case.ngay_ban_an - dt.timedelta(days=rng.randint(400, 1500))
    d1 = case.ngay_ban_an - dt.timedelta(days=rng.randint(90, 300))
    kind = case.loai_an
    if kind == "HS":
        crime = case.trich_yeu_ban_an
        return [
            f"Khoảng {rng.randint(8, 22)} giờ ngày {date_slash(d1)}, tại {b.address}, bị cáo {b_} đã thực hiện "
            f"hành vi phạm tội \"{crime}\" gây thiệt hại cho {a_} với tổng giá trị {money(amount, words=False)}.",
            f"Tại Cơ quan điều tra và tại phiên tòa, bị cáo {b_} đã khai nhận toàn bộ hành vi phạm tội như nội "
            "dung bản cáo trạng đã nêu. Lời khai của bị cáo phù hợp với lời khai của bị hại, người làm chứng, "
            "vật chứng thu giữ và các tài liệu, chứng cứ khác có trong hồ sơ vụ án.",
            f"Về trách nhiệm dân sự: {a_up} yêu cầu bị cáo bồi thường số tiền {money(amount, words=False)}. Tại "
            "phiên tòa, bị cáo đồng ý bồi thường theo yêu cầu của bị hại.",
            f"Bản cáo trạng số {rng.randint(10, 300)}/CT-VKS ngày {date_slash(d1 + dt.timedelta(days=60))} của "
            f"Viện kiểm sát nhân dân truy tố bị cáo {b_} về tội \"{crime}\" theo quy định của Bộ luật Hình sự.",
            "Xét tính chất, mức độ nguy hiểm của hành vi phạm tội, nhân thân của bị cáo và các tình tiết giảm "
            "nhẹ trách nhiệm hình sự như thành khẩn khai báo, ăn năn hối cải, Hội đồng xét xử thấy cần áp dụng "
            "mức hình phạt tương xứng để cải tạo, giáo dục bị cáo và phòng ngừa chung.",
            "Đại diện Viện kiểm sát giữ nguyên quyết định truy tố và đề nghị Hội đồng xét xử tuyên bố bị cáo "
            "phạm tội như cáo trạng đã nêu.",
        ]
    if kind == "HNGĐ":
        child = make_person(rng, case.province)
        return [
            f"Nguyên đơn {a_} trình bày: {a_up} và {b_} tự nguyện tìm hiểu và đăng ký kết hôn ngày {date_slash(d0)} "
            f"tại Ủy ban nhân dân xã nơi cư trú. Thời gian đầu vợ chồng chung sống hạnh phúc, đến năm "
            f"{d1.year - 1} thì phát sinh mâu thuẫn do bất đồng quan điểm sống, thường xuyên cãi vã.",
            f"Về con chung: vợ chồng có 01 con chung là cháu {child.bare.split()[0]} {child.bare.split()[-1]}, "
            f"sinh năm {rng.randint(2012, 2021)}. Nguyên đơn đề nghị được trực tiếp nuôi con và yêu cầu bị đơn "
            "cấp dưỡng nuôi con theo quy định.",
            "Về tài sản chung và nợ chung: các đương sự tự thỏa thuận, không yêu cầu Tòa án giải quyết.",
            f"Bị đơn {b_} thừa nhận mâu thuẫn vợ chồng như nguyên đơn trình bày và đồng ý ly hôn; đồng ý để "
            f"{a_} trực tiếp nuôi con chung.",
            "Tòa án đã tiến hành hòa giải để các đương sự đoàn tụ nhưng không thành.",
        ]
    if kind == "KDTM":
        return [
            f"Ngày {date_slash(d0)}, {a_up} và {b_} ký kết Hợp đồng tín dụng số {rng.randint(100, 9999)}/HĐTD, "
            f"theo đó {a_} cho vay số tiền {money(int(amount * 0.8), words=False)}, thời hạn vay "
            f"{rng.choice((12, 24, 36))} tháng, mục đích vay bổ sung vốn kinh doanh. Tài sản bảo đảm là quyền "
            "sử dụng đất và tài sản gắn liền với đất theo hợp đồng thế chấp đã được đăng ký giao dịch bảo đảm.",
            f"Quá trình thực hiện hợp đồng, {b_} vi phạm nghĩa vụ trả nợ. Tính đến ngày xét xử, {b_} còn nợ "
            f"{a_} tổng số tiền {money(amount, words=False)}, trong đó nợ gốc và lãi trong hạn, lãi quá hạn.",
            f"Bị đơn {b_} thừa nhận khoản nợ nhưng đề nghị được gia hạn thời gian trả nợ do khó khăn trong "
            "sản xuất kinh doanh.",
            "Tòa án đã tiến hành phiên họp kiểm tra việc giao nộp, tiếp cận, công khai chứng cứ và hòa giải "
            "nhưng các đương sự không thỏa thuận được.",
        ]
    summary = case.trich_yeu_ban_an
    claim = f"{a_} trình bày"
    if kind == "LĐ":
        first = (f"Theo đơn khởi kiện ngày {date_slash(d1)}, nguyên đơn {claim}: {a_} làm việc cho {b_} theo hợp "
                 f"đồng lao động không xác định thời hạn ký ngày {date_slash(d0)}. Ngày "
                 f"{date_slash(d1 - dt.timedelta(days=40))}, {b_} ra quyết định đơn phương chấm dứt hợp đồng lao "
                 "động mà không báo trước, không có lý do chính đáng.")
    elif kind == "HC":
        first = (f"Người khởi kiện {b_} trình bày: ngày {date_slash(d1)}, Chủ tịch Ủy ban nhân dân ban hành quyết "
                 f"định số {rng.randint(10, 999)}/QĐ-UBND liên quan đến quyền lợi của người khởi kiện. Người khởi "
                 "kiện cho rằng quyết định trên không đúng quy định của pháp luật nên khởi kiện yêu cầu hủy.")
    elif "đặt cọc" in summary:
        first = (f"Theo đơn khởi kiện ngày {date_slash(d1)}, nguyên đơn {claim}: Ngày {date_slash(d0)}, {a_} và "
                 f"{b_} ký hợp đồng đặt cọc, theo đó {a_} giao cho {b_} số tiền đặt cọc {money(amount, False)} để "
                 f"bảo đảm việc chuyển nhượng quyền sử dụng đất. Sau đó {b_} không thực hiện cam kết.")
    elif "chuyển nhượng" in summary:
        first = (f"Theo đơn khởi kiện ngày {date_slash(d1)}, nguyên đơn {claim}: Ngày {date_slash(d0)}, {a_} nhận "
                 f"chuyển nhượng của {b_} thửa đất số {rng.randint(10, 900)}, tờ bản đồ số {rng.randint(1, 50)}, "
                 f"đã thanh toán số tiền {money(amount, False)} nhưng {b_} không làm thủ tục chuyển nhượng.")
    elif "bồi thường" in summary:
        first = (f"Theo đơn khởi kiện ngày {date_slash(d1)}, nguyên đơn {claim}: Ngày {date_slash(d0)}, {b_} điều "
                 f"khiển xe mô tô va chạm với {a_} gây thương tích. Tổng chi phí điều trị, thu nhập bị mất và tổn "
                 f"thất tinh thần là {money(amount, False)}.")
    elif "đòi tài sản" in summary:
        first = (f"Theo đơn khởi kiện ngày {date_slash(d1)}, nguyên đơn {claim}: Ngày {date_slash(d0)}, {a_} giao "
                 f"cho {b_} quản lý tài sản trị giá {money(amount, False)}. Đến nay {b_} không trả lại tài sản.")
    else:
        first = (f"Theo đơn khởi kiện ngày {date_slash(d1)} và lời khai trong quá trình giải quyết vụ án, nguyên "
                 f"đơn {claim}: Ngày {date_slash(d0)}, {a_} cho {b_} vay số tiền {money(amount, False)}, thời hạn "
                 f"vay {rng.choice((3, 6, 12))} tháng, lãi suất thỏa thuận {rng.choice(('1', '1,5', '2'))}%/tháng. "
                 "Khi vay hai bên có viết giấy biên nhận, bên vay ký và ghi rõ họ tên.")
    return [
        first,
        f"Mặc dù {a_} đã nhiều lần yêu cầu nhưng {b_} không thực hiện nghĩa vụ. Nay {a_} khởi kiện yêu cầu Tòa "
        f"án buộc {b_} phải thanh toán số tiền {money(amount, False)} theo quy định của pháp luật.",
        f"Bị đơn {b_} trình bày: thừa nhận nội dung nguyên đơn trình bày là đúng. Do hoàn cảnh kinh tế khó khăn "
        f"nên chưa có khả năng thanh toán; đề nghị được trả dần mỗi tháng "
        f"{money(_round(rng, 1_000_000, 5_000_000, 500_000), words=False)}.",
        "Tòa án đã tiến hành hòa giải nhưng các đương sự không thỏa thuận được với nhau về việc giải quyết vụ án.",
        "Tại phiên tòa, nguyên đơn giữ nguyên yêu cầu khởi kiện; bị đơn vắng mặt lần thứ hai không có lý do mặc "
        "dù đã được Tòa án triệu tập hợp lệ.",
    ]


_GENERIC_STORY = (
    "Đại diện Viện kiểm sát nhân dân phát biểu ý kiến: Thẩm phán, Hội đồng xét xử, Thư ký phiên tòa và những "
    "người tham gia tố tụng đã chấp hành đúng quy định của pháp luật tố tụng kể từ khi thụ lý vụ án đến trước "
    "thời điểm Hội đồng xét xử nghị án.",
    "Tại biên bản kiểm tra việc giao nộp, tiếp cận, công khai chứng cứ và hòa giải, các đương sự đều xác nhận "
    "đã được tiếp cận đầy đủ tài liệu, chứng cứ có trong hồ sơ vụ án và không yêu cầu thu thập thêm chứng cứ.",
    "Căn cứ vào các tài liệu, chứng cứ đã được xem xét tại phiên tòa, kết quả tranh tụng tại phiên tòa, Hội đồng "
    "xét xử nhận thấy yêu cầu của đương sự là có cơ sở, phù hợp với quy định của pháp luật.",
    "Người có quyền lợi, nghĩa vụ liên quan đã được Tòa án tống đạt hợp lệ các văn bản tố tụng nhưng không có ý "
    "kiến và không có yêu cầu độc lập trong vụ án.",
    "Trong quá trình giải quyết vụ án, Tòa án đã tiến hành xác minh, thu thập chứng cứ theo quy định; kết quả "
    "xác minh phù hợp với lời khai của các đương sự và các tài liệu khác có trong hồ sơ.",
    "Các tình tiết, sự kiện không phải chứng minh theo quy định tại Điều 92 Bộ luật Tố tụng dân sự đã được "
    "các đương sự thừa nhận tại phiên tòa.",
)


def build_ban_an(ctx: Context, rng: random.Random) -> DocSpec:
    case = ctx.case
    d = case.ngay_ban_an
    inst = "sơ thẩm" if case.cap_xet_xu == "ST" else "phúc thẩm"
    debtor = case.debtors[0]
    other = _counterparty(case, rng)
    court_up = case.toa_an.upper()
    summary = case.trich_yeu_ban_an
    lines = _court_lines(case.toa_an)
    left = [center(t, size=12.5, rule=0.45 if i == len(lines) - 1 else 0.0, fit=True) for i, t in enumerate(lines)]
    right = national(rng)
    judge_title = "THẨM PHÁN"
    story: list[str] = []
    if case.quyet_dinh_toa:
        left.append(P(f"Số: {ctx.ban_an_printed}", align="center", size=13, before=6))
        right.append(date_line(place_name(case, d, rng), d))
        cnhg = "CNHG" in case.so_ban_an
        title = ("QUYẾT ĐỊNH CÔNG NHẬN KẾT QUẢ HÒA GIẢI THÀNH TẠI TÒA ÁN" if cnhg else
                 "QUYẾT ĐỊNH CÔNG NHẬN THUẬN TÌNH LY HÔN VÀ SỰ THỎA THUẬN CỦA CÁC ĐƯƠNG SỰ"
                 if case.loai_an == "HNGĐ" else "QUYẾT ĐỊNH CÔNG NHẬN SỰ THỎA THUẬN CỦA CÁC ĐƯƠNG SỰ")
        head: list[Element] = [
            heading(left, right),
            center(title, size=14, before=18, keep=True),
            center(court_up, size=13.5, before=10, keep=True),
            P("Căn cứ Điều 212 và Điều 213 của Bộ luật Tố tụng dân sự;", style="italic", before=8),
            P(f"Căn cứ biên bản ghi nhận sự tự nguyện ly hôn và hòa giải thành ngày "
              f"{date_slash(d - dt.timedelta(days=rng.randint(7, 20)))};" if case.loai_an == "HNGĐ" else
              f"Căn cứ biên bản hòa giải thành ngày {date_slash(d - dt.timedelta(days=rng.randint(7, 20)))};",
              style="italic"),
            P("Xét thấy: thỏa thuận của các đương sự được ghi trong biên bản là hoàn toàn tự nguyện, không vi phạm "
              "điều cấm của luật và không trái đạo đức xã hội. Đã hết thời hạn 07 ngày kể từ ngày lập biên bản, "
              "không có đương sự nào thay đổi ý kiến về sự thỏa thuận đó.", before=6),
        ]
        mid = "QUYẾT ĐỊNH:"
    else:
        if rng.random() < 0.7:
            left += [P(f"Bản án số: {ctx.ban_an_printed}", align="center", size=13, before=6),
                     P(f"Ngày: {date_dash(d)}", align="center", size=13),
                     P(f"V/v {summary}", align="center", size=12.5, style="italic")]
            title_block: list[Element] = []
            title = "BẢN ÁN"
        else:
            title = f"BẢN ÁN SỐ: {ctx.ban_an_printed}"
            title_block = [center(title, size=14, before=10, keep=True),
                           center(f"Ngày: {date_dash(d)}", style="regular", size=13),
                           center(f"V/v {summary}", style="italic", size=13)]
        head = [
            heading(left, right),
            center("NHÂN DANH", size=14, before=18, keep=True),
            center("NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=14, keep=True),
            *title_block,
            center(court_up, size=13.5, before=10, keep=True),
            P(f"- Thành phần Hội đồng xét xử {inst} gồm có:", indent=0, before=8),
            P(f"Thẩm phán - Chủ tọa phiên tòa: {ctx.judge_ref}.", indent=10, before=0),
            P(f"Các Hội thẩm nhân dân: {_person(rng, case)}; "
              f"{_person(rng, case, lower=True)}.", indent=10, before=0),
            P(f"- Thư ký phiên tòa: {_person(rng, case)} - Thư ký Tòa án.", indent=0),
            P(f"Ngày {date_slash(d)}, tại trụ sở {case.toa_an} xét xử {inst} công khai vụ án thụ lý số "
              f"{rng.randint(5, 400)}/{d.year}/TL{case.cap_xet_xu}-{case.loai_an} về việc \"{summary[0].upper()}"
              f"{summary[1:]}\", giữa các đương sự:", before=6),
        ]
        if case.loai_an == "HS":
            head += [P(f"- Bị cáo: {party_desc(debtor, rng)}.", indent=0),
                     P(f"- Bị hại: {party_desc(other, rng)}.", indent=0)]
        elif case.loai_an == "HC":
            head += [P(f"- Người khởi kiện: {party_desc(debtor, rng)}.", indent=0),
                     P(f"- Người bị kiện: Chủ tịch Ủy ban nhân dân {debtor.address.split(', ')[-2]}.", indent=0)]
        else:
            head += [P(f"- Nguyên đơn: {party_desc(other, rng)}.", indent=0),
                     P(f"- Bị đơn: {party_desc(debtor, rng)}.", indent=0)]
        story = _story(case, rng, other, debtor)
        head += [center("NỘI DUNG VỤ ÁN:", size=13.5, before=10, keep=True), P(story.pop(0))]
        mid = "QUYẾT ĐỊNH:"
        judge_title = "THẨM PHÁN - CHỦ TỌA PHIÊN TÒA"
    extra = list(_GENERIC_STORY)
    rng.shuffle(extra)
    filler: list[Element] = [P(t) for t in story + extra]
    tail: list[Element] = []
    if not case.quyet_dinh_toa:
        tail += [center("NHẬN ĐỊNH CỦA TÒA ÁN:", size=13.5, before=10, keep=True),
                 P(f"[1] Về tố tụng: Đây là vụ án \"{summary}\" thuộc thẩm quyền giải quyết của {case.toa_an} "
                   "theo quy định của pháp luật tố tụng. Việc triệu tập, tống đạt các văn bản tố tụng cho các "
                   "đương sự được thực hiện đúng quy định."),
                 P("[2] Về nội dung: Căn cứ các tài liệu, chứng cứ có trong hồ sơ vụ án và kết quả tranh tụng tại "
                   "phiên tòa, có đủ cơ sở chấp nhận yêu cầu của đương sự như phần quyết định dưới đây.")]
    tail.append(center(mid, size=14, before=10, keep=True))
    tail.append(P("Căn cứ các điều luật đã viện dẫn; Nghị quyết số 326/2016/UBTVQH14 ngày 30/12/2016 của Ủy ban "
                  "Thường vụ Quốc hội quy định về mức thu, miễn, giảm, thu, nộp, quản lý và sử dụng án phí và lệ "
                  "phí Tòa án.", style="italic"))
    n = 1
    if case.loai_an == "HS":
        tail.append(P(f"{n}. Tuyên bố bị cáo {debtor.bare} phạm tội \"{case.trich_yeu_ban_an}\". Xử phạt bị cáo "
                      f"{rng.randint(6, 48)} tháng tù{_pick(rng, '', ' nhưng cho hưởng án treo')}."))
        n += 1
    elif case.loai_an == "HNGĐ":
        if case.quyet_dinh_toa:
            ruling = f"Công nhận sự thuận tình ly hôn giữa {who(other)} và {who(debtor)}"
        else:
            ruling = f"Xử cho {who(other)} được ly hôn {who(debtor)}"
        tail.append(P(f"{n}. Về quan hệ hôn nhân: {ruling}."))
        n += 1
    for ob in case.obligations:
        amount = money(ob.amount, words=rng.random() < 0.5)
        tail.append(P(f"{n}. Buộc {who(debtor)} phải {ob.text} {amount}."))
        n += 1
    tail.append(P(f"{n}. Trường hợp bản án, quyết định được thi hành theo quy định tại Điều 2 Luật Thi hành án "
                  "dân sự thì người được thi hành án dân sự, người phải thi hành án dân sự có quyền thỏa thuận thi "
                  "hành án, quyền yêu cầu thi hành án, tự nguyện thi hành án hoặc bị cưỡng chế thi hành án theo "
                  "quy định tại các Điều 6, 7, 7a và 9 Luật Thi hành án dân sự; thời hiệu thi hành án được thực "
                  "hiện theo quy định tại Điều 30 Luật Thi hành án dân sự."))
    if case.cap_xet_xu == "ST" and not case.quyet_dinh_toa:
        tail.append(P("Các đương sự có mặt được quyền kháng cáo bản án trong thời hạn 15 ngày kể từ ngày tuyên án; "
                      "đương sự vắng mặt được quyền kháng cáo trong thời hạn 15 ngày kể từ ngày nhận được bản án "
                      "hoặc bản án được niêm yết."))
    court_short = case.toa_an.removeprefix("Tòa án nhân dân ")
    hd = f"TM. HỘI ĐỒNG XÉT XỬ {inst.upper()}"
    titles = ["THẨM PHÁN"] if case.quyet_dinh_toa else [hd, judge_title]
    if d >= REFORM_DATE:
        thads = f"THADS {case.province.full}"
    else:
        thads = f"Chi cục THADS {case.old_district}" if case.old_district else f"Cục THADS {_old_full(case)}"
    tail.append(footer([f"VKSND {court_short};", f"{thads};", "Các đương sự;",
                        "Lưu hồ sơ vụ án."], titles, ctx.judge, case.toa_an.upper(), rng, split=0.4))
    return DocSpec("ban_an", case.so_ban_an, ctx.ban_an_printed, d, case.toa_an, title, f"V/v {summary}",
                   ctx.judge, head, tail, filler)


# --- later papers ----------------------------------------------------------------------------------------


def _qd_ref(ctx: Context, rng: random.Random) -> str:
    case = ctx.case
    when = f"ngày {date_slash(case.ngay_qd_tha)}" if rng.random() < 0.7 else date_long(case.ngay_qd_tha)
    return f"Quyết định thi hành án số {case.so_qd_tha} {when} của {case.co_quan_thi_hanh}"


def _signers(pairs: Sequence[tuple[str, str]], rng: random.Random, stamp: str = "") -> Columns:
    """Signature row of a record (biên bản): one block per signer, left and right."""
    blocks: list[tuple[Para | Spacer | Signature, ...]] = []
    for i, (title, name) in enumerate(pairs[:2]):
        blocks.append((center(title, size=13, before=10), Signature(rng.uniform(18, 24), stamp if i == 1 else ""),
                       center(name, size=13)))
    return Columns(blocks[0], blocks[1], 0.5)


def _qd_later(ctx: Context, rng: random.Random, d: dt.date, kind: str, subtitle: str, can_cu: Sequence[str],
              articles: Sequence[str], by_chv: bool = False) -> DocSpec:
    case = ctx.case
    left, issuer, boss = office(case, d, phong=False)
    number = ctx.next_number(f"QĐ-{office_suffix(d, 'KV' not in case.don_vi)}", d, rng)
    left.append(P(f"Số: {number}", align="center", size=13, before=6))
    right = national(rng) + [date_line(place_name(case, d, rng), d)]
    authority = f"CHẤP HÀNH VIÊN {issuer.upper()}" if by_chv else f"{boss} {issuer}".upper()
    head: list[Element] = [
        heading(left, right),
        center("QUYẾT ĐỊNH", size=14, before=18, keep=True),
        center(subtitle, size=14, keep=True),
        center(authority, size=13.5, before=14, keep=True),
    ]
    head += [P(f"Căn cứ {c};", style="italic", before=8 if i == 0 else None) for i, c in enumerate(can_cu)]
    head.append(P(f"Căn cứ {_qd_ref(ctx, rng)};", style="italic"))
    filler: list[Element] = [
        P(f"Xét đề nghị của Chấp hành viên {ctx.chv} tại Tờ trình ngày "
          f"{date_slash(d - dt.timedelta(days=rng.randint(1, 6)))}.", style="italic"),
        P("Căn cứ các tài liệu có trong hồ sơ thi hành án và kết quả xác minh điều kiện thi hành án của người "
          "phải thi hành án.", style="italic"),
    ]
    tail: list[Element] = [center("QUYẾT ĐỊNH:", size=14, before=10, keep=True)]
    tail += [P(f"Điều {i}. {a}") for i, a in enumerate(articles, 1)]
    tail.append(P(f"Điều {len(articles) + 1}. Chấp hành viên, người phải thi hành án, người được thi hành án và các "
                  "cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."))
    titles = ["CHẤP HÀNH VIÊN"] if by_chv else _qd_titles(boss, rng)
    signer = ctx.chv if by_chv else ctx.boss
    tail.append(footer([f"Như Điều {len(articles) + 1};", f"{_vks(case, d, rng)};", "Lưu: VT, HSTHA."], titles,
                       signer, issuer.upper(), rng))
    return DocSpec(kind, number, number, d, issuer, f"QUYẾT ĐỊNH {subtitle}", subtitle, signer, head, tail, filler)


def _debtor_ref(ctx: Context) -> str:
    return who(ctx.case.debtors[0])


def build_qd_cuong_che(ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    case = ctx.case
    debtor_ref = _debtor_ref(ctx)
    asset = _asset(ctx, rng)
    measure = rng.choice((
        ("Về việc cưỡng chế kê biên, xử lý tài sản", f"Cưỡng chế kê biên, xử lý tài sản của {debtor_ref} là {asset} để "
         "bảo đảm thi hành án."),
        ("Về việc cưỡng chế khấu trừ tiền trong tài khoản", f"Khấu trừ số tiền {money(case.so_tien, False)} "
         f"trong tài khoản của {debtor_ref} mở tại {rng.choice(BANKS)} - Chi nhánh {case.tinh}."),
        ("Về việc cưỡng chế trừ vào thu nhập của người phải thi hành án",
         f"Trừ vào thu nhập hàng tháng của {debtor_ref} "
         f"mỗi tháng {money(_round(rng, 1_000_000, 4_000_000, 500_000), False)} cho đến khi thi hành xong."),
    ))
    doc = _qd_later(ctx, rng, d, "qd_cuong_che", measure[0],
                    ["Điều 20, Điều 46, Điều 70 và Điều 71 Luật Thi hành án dân sự"],
                    [measure[1], f"Thời gian tổ chức cưỡng chế: hồi {_clock(rng)[0]:02d} giờ 00 phút, ngày "
                     f"{date_slash(d + dt.timedelta(days=rng.randint(10, 30)))}. Địa điểm: {case.debtors[0].address}."],
                    by_chv=True)
    ctx.cuong_che = doc
    return doc


def _asset(ctx: Context, rng: random.Random) -> str:
    addr = ctx.case.debtors[0].address.split(", ", 1)[-1]
    return rng.choice((
        f"quyền sử dụng đất tại thửa đất số {rng.randint(12, 980)}, tờ bản đồ số {rng.randint(1, 60)}, diện tích "
        f"{rng.randint(60, 900)},{rng.randint(0, 9)} m² và tài sản gắn liền với đất tại {addr}",
        f"xe ô tô nhãn hiệu {rng.choice(('Toyota Vios', 'Kia Morning', 'Hyundai Accent', 'Mazda 3'))}, biển kiểm "
        f"soát {rng.randint(11, 99)}A-{rng.randint(100, 999)}.{rng.randint(10, 99)}",
        f"nhà ở cấp 4 diện tích {rng.randint(40, 150)} m² trên thửa đất số {rng.randint(12, 980)}, tờ bản đồ số "
        f"{rng.randint(1, 60)} tại {addr}",
    ))


def _record(ctx: Context, rng: random.Random, d: dt.date, kind: str, title: str, summary: str,
            intro: Sequence[str], body: Sequence[str], filler: Sequence[str], signers: Sequence[tuple[str, str]],
            numbered: bool = False) -> DocSpec:
    """A biên bản (record): office heading, title, "Hồi … giờ …" opening, findings, the signers."""
    case = ctx.case
    left, issuer, _ = office(case, d, phong=True)
    number = None
    if numbered:
        number = ctx.next_number(f"BB-{office_suffix(d, 'KV' not in case.don_vi)}", d, rng, per_day=0.8)
        left.append(P(f"Số: {number}", align="center", size=13, before=6))
    head: list[Element] = [heading(left, national(rng))]
    if rng.random() < 0.5:
        head += [center("BIÊN BẢN", size=14, before=20, keep=True), center(summary, size=14, keep=True)]
        shown = f"BIÊN BẢN {summary}"
    else:
        head.append(center(title, size=14, before=20, keep=True))
        shown = title
    h, m = _clock(rng)
    head.append(P(f"Hồi {h:02d} giờ {m:02d} phút, {date_long(d)}, tại {intro[0]}, chúng tôi gồm:", before=10))
    head += [P(f"{i}. {x}", indent=10, before=0) for i, x in enumerate(intro[1:], 1)]
    head += [P(x) for x in body]
    h2 = min(h + rng.randint(1, 3), 11)
    tail: list[Element] = [
        P(f"Biên bản kết thúc vào hồi {h2:02d} giờ {rng.choice((0, 15, 30, 45)):02d} phút cùng ngày, đã đọc lại "
          "cho những người có mặt cùng nghe, thống nhất nội dung và ký tên dưới đây./."),
        _signers(signers, rng),
    ]
    return DocSpec(kind, number, number, d, issuer, shown, summary, ctx.chv, head, tail, [P(x) for x in filler])


def build_bb_xac_minh(ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    case = ctx.case
    debtor = case.debtors[0]
    commune = debtor.address.split(", ")[-2]
    debtor_ref = who(debtor)
    _, issuer, _ = office(case, d, phong=True)
    has_assets = case.trang_thai not in ("Chưa có điều kiện thi hành", "Hoãn thi hành")
    officer_p = make_person(rng, case.province)
    officer, officer_ref = officer_p.bare, officer_p.name
    intro = [f"Ủy ban nhân dân {commune}", f"{ctx.chv_ref} - Chấp hành viên {issuer};",
             f"{_person(rng, case)} - Thư ký thi hành án;",
             f"{officer_ref} - Công chức địa chính - xây dựng {commune};",
             f"{_person(rng, case)} - {_pick(rng, 'Trưởng thôn', 'Tổ trưởng tổ dân phố')}."]
    if has_assets:
        assets = f"1. Về tài sản: {debtor_ref} đang đứng tên {_asset(ctx, rng)}; tài sản hiện không có tranh chấp."
    else:
        assets = (f"1. Về tài sản: Qua kiểm tra hồ sơ địa chính, {debtor_ref} không đứng tên quyền sử dụng đất, "
                  "quyền sở hữu nhà ở nào trên địa bàn; không có phương tiện, tài sản có giá trị.")
    income = rng.choice((f"2. Về thu nhập: {debtor_ref} làm nghề tự do, thu nhập không ổn định.",
                         f"2. Về thu nhập: {debtor_ref} hiện làm công nhân, thu nhập khoảng "
                         f"{money(_round(rng, 5_000_000, 12_000_000, 500_000), False)}/tháng.",
                         f"2. Về thu nhập: {debtor_ref} làm nông nghiệp, thu nhập chỉ đủ bảo đảm cuộc sống tối thiểu."))
    body = [f"Tiến hành xác minh điều kiện thi hành án của {debtor_ref}; địa chỉ: {debtor.address}, theo "
            f"{_qd_ref(ctx, rng)}.",
            "Kết quả xác minh như sau:", assets, income,
            f"3. Về hoàn cảnh gia đình: {debtor_ref} hiện đang sinh sống cùng {rng.randint(2, 6)} người trong gia "
            "đình."]
    filler = [f"Ý kiến của người phải thi hành án: {debtor_ref} trình bày hiện chưa có khả năng thi hành án, xin "
              "được trả "
              "dần khi có điều kiện.",
              f"Ý kiến của đại diện chính quyền địa phương: thống nhất với kết quả xác minh nêu trên; {debtor_ref} "
              "chấp hành "
              "tốt chủ trương, chính sách của Đảng, pháp luật của Nhà nước tại địa phương.",
              "Ngoài ra, qua xác minh tại các tổ chức tín dụng trên địa bàn, người phải thi hành án không có tài "
              "khoản tiền gửi có số dư đủ để thi hành án."]
    return _record(ctx, rng, d, "bb_xac_minh", "BIÊN BẢN XÁC MINH ĐIỀU KIỆN THI HÀNH ÁN",
                   "Xác minh điều kiện thi hành án", intro, body, filler,
                   [("ĐẠI DIỆN UBND XÃ", officer), ("CHẤP HÀNH VIÊN", ctx.chv)], numbered=rng.random() < 0.2)


def build_bb_ke_bien(ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    case = ctx.case
    debtor_ref = _debtor_ref(ctx)
    _, issuer, _ = office(case, d, phong=True)
    witness_p = make_person(rng, case.province)
    witness, witness_ref = witness_p.bare, witness_p.name
    intro = [case.debtors[0].address, f"{ctx.chv_ref} - Chấp hành viên {issuer};",
             f"{_person(rng, case)} - Đại diện Viện kiểm sát nhân dân;",
             f"{_person(rng, case)} - Đại diện Ủy ban nhân dân xã, phường;",
             f"{witness_ref} - Người chứng kiến."]
    ref = (f"Quyết định cưỡng chế số {ctx.cuong_che.number} ngày {date_slash(ctx.cuong_che.date)}"
           if ctx.cuong_che else _qd_ref(ctx, rng))
    body = [f"Tiến hành kê biên tài sản của {debtor_ref} theo {ref}.", f"Tài sản kê biên gồm: {_asset(ctx, rng)}.",
            f"Tình trạng tài sản: tài sản được mô tả chi tiết tại sơ đồ kèm theo biên bản này. Giao tài sản kê biên "
            f"cho {debtor_ref} bảo quản; người được giao bảo quản không được chuyển nhượng, tẩu tán, hủy hoại tài sản."]
    filler = ["Trong quá trình kê biên, người phải thi hành án có mặt và không có ý kiến phản đối.",
              "Việc kê biên được tiến hành công khai, có sự chứng kiến của đại diện chính quyền địa phương và "
              "người chứng kiến; không xảy ra tranh chấp, khiếu nại.",
              "Các bên thống nhất việc định giá tài sản kê biên sẽ được thực hiện theo quy định tại Điều 98 Luật "
              "Thi hành án dân sự."]
    return _record(ctx, rng, d, "bb_ke_bien", "BIÊN BẢN KÊ BIÊN, XỬ LÝ TÀI SẢN", "Về việc kê biên, xử lý tài sản",
                   intro, body, filler, [("NGƯỜI CHỨNG KIẾN", witness), ("CHẤP HÀNH VIÊN", ctx.chv)])


def build_thong_bao(ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    case = ctx.case
    left, issuer, boss = office(case, d, phong=True)
    sfx = office_suffix(d, "KV" not in case.don_vi)
    kinds = [("THÔNG BÁO", "TB", "Về việc thi hành án"), ("THÔNG BÁO", "TB", "Về việc tự nguyện thi hành án"),
             ("GIẤY MỜI", "GM", "")]
    if case.creditors:
        kinds.append(("GIẤY BÁO", "TB", "Về việc nhận tiền thi hành án"))
    kind, code, subtitle = rng.choice(kinds)
    number = ctx.next_number(f"{code}-{sfx}", d, rng, per_day=2.5)
    left.append(P(f"Số: {number}", align="center", size=13, before=6))
    right = national(rng) + [date_line(place_name(case, d, rng), d)]
    target = case.creditors[0] if subtitle.endswith("nhận tiền thi hành án") and case.creditors else case.debtors[0]
    h, m = _clock(rng)
    when = d + dt.timedelta(days=rng.randint(3, 12))
    head: list[Element] = [heading(left, right), center(kind, size=14, before=18, keep=True)]
    if subtitle:
        head.append(center(subtitle, size=14, keep=True))
    head += [P(f"Kính gửi: {who_cap(target)}", align="center", before=10),
             P(f"Địa chỉ: {target.address}", indent=0, before=6),
             P(f"Thực hiện {_qd_ref(ctx, rng)}, {issuer} {'trân trọng mời' if code == 'GM' else 'thông báo và mời'} "
               f"{who(target)} có mặt tại trụ sở {issuer}:"),
             P(f"Vào hồi {h:02d} giờ {m:02d} phút, ngày {date_slash(when, pad=rng.random() < 0.6)}.", indent=10),
             P(f"Để {_pick(rng, 'giải quyết việc thi hành án', 'làm việc về việc thi hành án')}"
               f" theo {'Quyết định' if case.quyet_dinh_toa else 'Bản án'} số {ctx.ban_an_printed}.", indent=10)]
    filler = [P("Khi đến mang theo giấy mời này và giấy tờ tùy thân. Nếu vắng mặt không có lý do chính đáng, "
                "cơ quan thi hành án sẽ giải quyết theo quy định của pháp luật."),
              P("Trường hợp không thể có mặt theo thời gian trên, đề nghị liên hệ với Chấp hành viên "
                f"{ctx.chv} để được hướng dẫn.")]
    titles = ["CHẤP HÀNH VIÊN"] if rng.random() < 0.5 else [f"KT. {boss}", f"PHÓ {boss}"]
    signer = ctx.chv if titles == ["CHẤP HÀNH VIÊN"] else ctx.boss
    tail: list[Element] = [footer(["Như trên;", "Lưu: HSTHA."], titles, signer, issuer.upper(), rng)]
    title = f"{kind} {subtitle}".strip()
    return DocSpec("thong_bao", number, number, d, issuer, title, subtitle or kind.capitalize(), signer, head,
                   tail, filler)


def build_bien_lai(ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    case = ctx.case
    _, issuer, _ = office(case, d, phong=True)
    payer = case.debtors[0]
    amount = (case.so_tien if case.trang_thai == "Đã thi hành xong" and rng.random() < 0.5
              else max(500_000, _round(rng, 1_000_000, max(1_100_000, case.so_tien), 500_000)))
    number = f"{rng.randint(1, 99999):07d}"
    receipt = rng.random() < 0.7
    title = "BIÊN LAI THU TIỀN" if receipt else "PHIẾU THU"
    left = [center(issuer.upper(), size=12.5, rule=0.4)]
    right = [P(f"Quyển số: {rng.randint(1, 60):04d}", align="left", indent=0, size=13),
             P(f"Số: {number}", align="left", indent=0, size=13)]
    head: list[Element] = [heading(left, right, split=0.55)]
    if rng.random() < 0.5:  # receipts often carry no national heading
        head += national(rng)
    head += [center(title, size=16, before=14, keep=True),
             P(f"Ngày {d.day:02d} tháng {d.month:02d} năm {d.year}", style="italic", align="center", before=2),
             P(f"Họ, tên người nộp tiền: {payer.bare if payer.person else payer.name}", indent=0, before=14),
             P(f"Địa chỉ: {payer.address}", indent=0),
             P(f"Nội dung thu: Nộp tiền thi hành án theo Quyết định thi hành án số {case.so_qd_tha} ngày "
               f"{date_slash(case.ngay_qd_tha)}", indent=0),
             P(f"Số tiền: {fmt_money(amount)} đồng", indent=0, style="bold"),
             P(f"Viết bằng chữ: {money_in_words(amount)}", indent=0),
             P(f"Hình thức thanh toán: {_pick(rng, 'Tiền mặt', 'Chuyển khoản')}", indent=0)]
    tail: list[Element] = [_signers([("NGƯỜI NỘP TIỀN", payer.bare if payer.person else _name(rng, case)),
                                     ("NGƯỜI THU TIỀN", _name(rng, case))], rng)]
    return DocSpec("bien_lai", number, number, d, issuer, title, "Thu tiền thi hành án", "", head, tail, [])


def build_status_decision(kind: str, ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    debtor_ref = _debtor_ref(ctx)
    if kind == "qd_hoan":
        reason = rng.choice(("người phải thi hành án bị ốm nặng, có xác nhận của cơ sở y tế có thẩm quyền",
                             "người được thi hành án đồng ý cho người phải thi hành án hoãn thi hành án",
                             "tài sản kê biên có tranh chấp đã được Tòa án thụ lý giải quyết"))
        return _qd_later(ctx, rng, d, kind, "Về việc hoãn thi hành án", ["Điều 20 và Điều 48 Luật Thi hành án dân sự"],
                         [f"Hoãn thi hành án đối với {debtor_ref} do {reason}.",
                          f"Thời hạn hoãn thi hành án: {rng.randint(1, 3)} tháng kể từ ngày ký Quyết định này."])
    if kind == "qd_tam_dinh_chi":
        return _qd_later(ctx, rng, d, kind, "Về việc tạm đình chỉ thi hành án",
                         ["Điều 20 và Điều 49 Luật Thi hành án dân sự"],
                         [f"Tạm đình chỉ thi hành án đối với {debtor_ref} do nhận được quyết định tạm đình chỉ thi "
                          "hành án của "
                          "người có thẩm quyền kháng nghị theo thủ tục giám đốc thẩm.",
                          "Khi có quyết định tiếp tục thi hành án, Chấp hành viên tiếp tục tổ chức thi hành."])
    if kind == "qd_dinh_chi":
        reason = rng.choice(("người được thi hành án có văn bản yêu cầu đình chỉ toàn bộ quyền lợi được hưởng",
                             "người phải thi hành án chết không để lại di sản",
                             "bản án, quyết định bị hủy một phần hoặc toàn bộ"))
        return _qd_later(ctx, rng, d, kind, "Về việc đình chỉ thi hành án",
                         ["Điều 20 và Điều 50 Luật Thi hành án dân sự"],
                         [f"Đình chỉ thi hành án đối với {debtor_ref} theo {_qd_ref(ctx, rng)}, do {reason}."])
    return _qd_later(ctx, rng, d, "qd_chua_co_dk", "Về việc chưa có điều kiện thi hành án",
                     ["Điều 44 và Điều 44a Luật Thi hành án dân sự"],
                     [f"Xác định {debtor_ref} chưa có điều kiện thi hành án theo quy định tại khoản 1 Điều 44a Luật "
                      "Thi hành "
                      "án dân sự, do người phải thi hành án không có thu nhập hoặc có thu nhập thấp, chỉ bảo đảm cuộc "
                      "sống tối thiểu và không có tài sản để thi hành án.",
                      "Khi người phải thi hành án có điều kiện thi hành án thì Chấp hành viên tiếp tục tổ chức thi "
                      "hành án theo quy định."])


def build_khac(ctx: Context, rng: random.Random, d: dt.date) -> DocSpec:
    case = ctx.case
    left, issuer, boss = office(case, d, phong=False)
    sfx = office_suffix(d, "KV" not in case.don_vi)
    number = ctx.next_number(f"{sfx}-NV", d, rng, per_day=1.0)
    recipient, subject = rng.choice((
        (f"Văn phòng Đăng ký đất đai {case.province.full if d >= REFORM_DATE else _old_full(case)}",
         "cung cấp thông tin về tài sản của người phải thi hành án"),
        (f"Công an {case.debtors[0].address.split(', ')[-2]}", "phối hợp tống đạt văn bản và bảo vệ cưỡng chế"),
        (f"Ngân hàng TMCP Công Thương Việt Nam - Chi nhánh {case.tinh}", "cung cấp thông tin tài khoản"),
    ))
    left += [P(f"Số: {number}", align="center", size=13, before=6),
             P(f"V/v {subject}", align="center", size=12, style="italic")]
    right = national(rng) + [date_line(place_name(case, d, rng), d)]
    head: list[Element] = [heading(left, right), P(f"Kính gửi: {recipient}.", align="center", before=18),
                           P(f"Thực hiện {_qd_ref(ctx, rng)}, hiện nay {issuer} đang tổ chức thi hành án đối với "
                             f"{_debtor_ref(ctx)}; địa chỉ: {case.debtors[0].address}.", before=12),
                           P(f"Để có căn cứ tổ chức thi hành án theo quy định của pháp luật, {issuer} đề nghị "
                             f"{recipient} {subject} có liên quan đến người phải thi hành án nêu trên.")]
    filler = [P("Văn bản trả lời xin gửi về cơ quan thi hành án trong thời hạn 05 ngày làm việc kể từ ngày nhận "
                "được văn bản này theo quy định tại Điều 44 Luật Thi hành án dân sự."),
              P(f"Mọi chi tiết xin liên hệ Chấp hành viên {ctx.chv}, điện thoại 0{rng.randint(200, 999)}."
                f"{rng.randint(100, 999)}.{rng.randint(100, 999)}.")]
    tail: list[Element] = [P("Trân trọng./."), footer(["Như trên;", "Lưu: VT, HSTHA."], _qd_titles(boss, rng), ctx.boss,
                                                        issuer.upper(), rng)]
    return DocSpec("khac", number, number, d, issuer, "CÔNG VĂN", f"V/v {subject}", ctx.boss, head, tail, filler)


LATER_BUILDERS: dict[str, Callable[[Context, random.Random, dt.date], DocSpec]] = {
    "bb_xac_minh": build_bb_xac_minh,
    "qd_cuong_che": build_qd_cuong_che,
    "bb_ke_bien": build_bb_ke_bien,
    "thong_bao": build_thong_bao,
    "bien_lai": build_bien_lai,
    "khac": build_khac,
    **{k: (lambda c, r, d, k=k: build_status_decision(k, c, r, d))
       for k in ("qd_hoan", "qd_tam_dinh_chi", "qd_dinh_chi", "qd_chua_co_dk")},
}

#: Later papers that plausibly follow for each register status (the last one sets the status).
STORYLINES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Đang thi hành": (("thong_bao", "bb_xac_minh"), ("bb_xac_minh", "qd_cuong_che", "bb_ke_bien"),
                      ("thong_bao", "bien_lai"), ("khac", "bb_xac_minh", "thong_bao"), ()),
    "Đã thi hành xong": (("thong_bao", "bien_lai"), ("bien_lai",), ("bb_xac_minh", "bien_lai", "bien_lai")),
    "Chưa có điều kiện thi hành": (("bb_xac_minh", "qd_chua_co_dk"),
                                   ("thong_bao", "bb_xac_minh", "khac", "qd_chua_co_dk")),
    "Hoãn thi hành": (("qd_hoan",), ("bb_xac_minh", "qd_hoan")),
    "Đình chỉ thi hành": (("qd_dinh_chi",), ("thong_bao", "qd_tam_dinh_chi", "qd_dinh_chi")),
}
#: The paper a status depends on; kept when papers are dropped to fit a page budget.
STATUS_DOC = {"Chưa có điều kiện thi hành": "qd_chua_co_dk", "Hoãn thi hành": "qd_hoan",
              "Đình chỉ thi hành": "qd_dinh_chi"}
