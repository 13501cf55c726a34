"""The interface's two languages: Vietnamese (the source strings) and English, plus numbers and dates per language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

LANGS = ("vi", "en")


class Formats:
    """Numbers, percentages and times written the way LANG's readers expect (12.345 / 12,345)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def int(self, value: float | None) -> str:
        if value is None:
            return "—"
        text = f"{round(value):,}"
        return text.replace(",", ".") if self.lang == "vi" else text

    def pct(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        text = f"{value * 100:.{digits}f}%"
        return text.replace(".", ",") if self.lang == "vi" else text

    def share(self, part: int, whole: int) -> str:
        """PART as a percentage of WHOLE, or a dash when WHOLE is zero."""
        return self.pct(part / whole) if whole else "—"

    def datetime(self, value: dt.datetime | None) -> str:
        """A stored time (naive UTC) in the server's time zone."""
        if value is None:
            return "—"
        local = value.replace(tzinfo=dt.UTC).astimezone()
        return local.strftime("%d/%m/%Y %H:%M") if self.lang == "vi" else local.strftime("%Y-%m-%d %H:%M")

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return "—"
        return value.strftime("%d/%m/%Y") if self.lang == "vi" else value.isoformat()

    def size(self, value: int | None) -> str:
        if value is None:
            return "—"
        for unit in ("B", "KB", "MB", "GB"):
            if value < 1024 or unit == "GB":
                number = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
                return f"{number.replace('.', ',') if self.lang == 'vi' else number} {unit}"
            value /= 1024
        return str(value)


def translator(lang: str) -> Callable[..., str]:
    """t(text, **values): TEXT (Vietnamese) in LANG, with {name} placeholders filled from VALUES."""
    table = EN if lang == "en" else {}

    def t(text: str, **values: object) -> str:
        out = table.get(text, text)
        return out.format(**values) if values else out

    return t


# Vietnamese source → English. tests/unit/test_web_app.py checks that every string passed to t() in the templates and
# routes has an entry here.
EN: dict[str, str] = {
    # frame
    "Bảng điều khiển số hóa hồ sơ": "Dossier digitisation dashboard",
    "Tổng quan": "Overview",
    "Hồ sơ": "Dossiers",
    "Xem xét": "Review",
    "Tìm kiếm": "Search",
    "Báo cáo": "Reports",
    "Người dùng": "Users",
    "Nhật ký": "Audit log",
    "Đăng xuất": "Sign out",
    "Chuyển nội dung": "Skip to content",
    "Vai trò": "Role",
    "Dữ liệu chỉ lưu trên máy này, không gửi ra ngoài.": "Data stays on this machine; nothing is sent elsewhere.",
    # roles, statuses, criteria
    "Nhân viên": "Operator",
    "Giám sát": "Supervisor",
    "Quản trị": "Administrator",
    "đã tiếp nhận": "received",
    "đang xử lý": "processing",
    "đã lưu trữ": "archived",
    "cần xem xét": "needs review",
    "cách ly": "quarantined",
    "trùng lặp": "duplicate",
    "Đúng": "Correct",
    "Đủ": "Complete",
    "Sạch": "Clean",
    "Sống": "Live",
    "gắn đúng hồ sơ trong sổ, số hiệu khớp": "tied to its register case, numbers agree",
    "đủ tài liệu bắt buộc, mọi trang có chữ": "required documents present, every page has text",
    "không trang trùng, trang trắng; PDF/A hợp lệ": "no repeated or blank pages; valid PDF/A",
    "mới hơn sổ thụ lý, sổ được nhập gần đây": "newer than the register entry; register recently imported",
    # login
    "Đăng nhập": "Sign in",
    "Tên đăng nhập": "User name",
    "Mật khẩu": "Password",
    "Sai tên đăng nhập hoặc mật khẩu.": "Wrong user name or password.",
    "Quá nhiều lần đăng nhập sai. Hãy thử lại sau {n} phút.": "Too many failed sign-ins. Try again in {n} minutes.",
    "Hệ thống số hóa hồ sơ thi hành án dân sự": "Civil judgment enforcement dossier digitisation",
    # overview
    "Năm": "Year",
    "Tất cả các năm": "All years",
    "Xem": "Show",
    "Tỷ lệ số hóa": "Coverage",
    "Đã số hóa": "Digitised",
    "hồ sơ trong sổ": "register cases",
    "{a} / {b} hồ sơ trong sổ": "{a} / {b} register cases",
    "Bốn tiêu chí": "The four criteria",
    "{p} số đã số hóa": "{p} of digitised",
    "Tồn đọng": "Backlog",
    "Chờ trong thư mục nhận": "Waiting in the inbox",
    "Đang xử lý": "Processing",
    "Cần xem xét": "Needs review",
    "Cách ly (lỗi)": "Quarantined (failed)",
    "Chưa số hóa": "Not yet digitised",
    "Tỷ lệ số hóa theo đơn vị": "Coverage per unit",
    "Số trang mỗi ngày ({n} ngày gần nhất)": "Pages per day (last {n} days)",
    "Số trang mỗi tuần ({n} tuần gần nhất)": "Pages per week (last {n} weeks)",
    "{n} trang": "{n} pages",
    "(chưa rõ đơn vị)": "(unit unknown)",
    "Theo đơn vị": "By unit",
    "Đơn vị": "Unit",
    "Trong sổ": "In register",
    "Tỷ lệ": "Coverage",
    "Số liệu": "Figures",
    "Ngày": "Day",
    "Tuần từ": "Week of",
    "Số trang": "Pages",
    "Sổ thụ lý nhập lần cuối: {d}.": "Register last imported: {d}.",
    "Sổ thụ lý chưa được nhập lại trong {n} ngày: tiêu chí Sống tính bằng 0.":
        "The register has not been imported in the last {n} days: Live counts as 0.",
    "Chưa nhập sổ thụ lý lần nào.": "The register has never been imported.",
    "Chưa có dữ liệu.": "No data yet.",
    # unit
    "Theo năm": "By year",
    "Hồ sơ gần đây": "Recent dossiers",
    "Xem tất cả {n} hồ sơ": "See all {n} dossiers",
    # dossier list
    "Danh sách hồ sơ": "Dossier list",
    "Tất cả": "All",
    "Trạng thái": "Status",
    "Không đạt tiêu chí": "Failing criterion",
    "Mã hồ sơ": "Dossier code",
    "Lọc": "Filter",
    "Bỏ lọc": "Clear",
    "{n} hồ sơ": "{n} dossiers",
    "Nguồn": "Source",
    "Trang": "Pages",
    "Độ tin cậy": "Confidence",
    "Cập nhật": "Updated",
    "Không có hồ sơ nào.": "No dossiers.",
    "Trang trước": "Previous",
    "Trang sau": "Next",
    "Trang {a}/{b}": "Page {a} of {b}",
    "chưa gắn": "not assigned",
    # dossier detail
    "Hồ sơ #{n}": "Dossier #{n}",
    "Thông tin": "Details",
    "Tệp gốc": "Source files",
    "Trạm quét": "Scanner station",
    "Hồ sơ cấu hình": "Profile",
    "Lưu trữ lúc": "Archived at",
    "Thời gian xử lý": "Processing time",
    "Trang quét / trang lưu / trang trắng": "Pages scanned / kept / blank",
    "Gắn với sổ": "Register match",
    "mã QR bìa hồ sơ": "cover-sheet QR code",
    "tự động": "automatic",
    "người xác nhận": "confirmed by a person",
    "Lỗi": "Error",
    "Trong sổ thụ lý": "In the register",
    "Số QĐ THA": "Enforcement decision no.",
    "Ngày QĐ": "Decision date",
    "Số bản án": "Judgment no.",
    "Tòa án": "Court",
    "Người phải thi hành án": "Debtor",
    "Người được thi hành án": "Creditor",
    "Loại việc": "Kind",
    "chủ động": "ex officio",
    "theo yêu cầu": "on request",
    "Sổ cập nhật": "Register updated",
    "Không có trong sổ thụ lý.": "Not in the register.",
    "Chất lượng": "Quality",
    "đạt": "met",
    "không đạt": "not met",
    "Đánh giá lúc {d}.": "Evaluated {d}.",
    "Chưa được đánh giá (chạy 'scanflow stats --refresh').": "Not evaluated yet (run 'scanflow stats --refresh').",
    "Lý do": "Reasons",
    "Tài liệu": "Documents",
    "Danh mục tài liệu": "List of documents (Danh mục)",
    "Tải PDF": "Download PDF",
    "Mở": "Open",
    "Số, ký hiệu": "Number",
    "Ngày ban hành": "Date",
    "Cơ quan ban hành": "Issuer",
    "Trích yếu": "Summary",
    "PDF/A hợp lệ": "Valid PDF/A",
    "PDF/A không hợp lệ": "Invalid PDF/A",
    "Trang {n}": "Page {n}",
    "trang trắng": "blank",
    "trùng trang {n}": "repeat of page {n}",
    "Trang không thuộc tài liệu nào": "Pages left out of the documents",
    "Chưa có tài liệu nào được lưu.": "No document archived.",
    "Xem xét hồ sơ này": "Review this dossier",
    # review
    "Hàng đợi xem xét": "Review queue",
    "Không có hồ sơ nào chờ xem xét.": "Nothing waiting for review.",
    "{n} hồ sơ chờ xem xét": "{n} dossiers waiting",
    "Hồ sơ gợi ý": "Candidate cases",
    "Không có hồ sơ gợi ý.": "No candidate case.",
    "Gắn vào hồ sơ": "Assign to case",
    "Gắn": "Assign",
    "Hoặc nhập mã hồ sơ": "Or type a dossier code",
    "Từ chối": "Reject",
    "Lý do từ chối": "Reason for rejecting",
    "Điểm": "Score",
    "Đã gắn hồ sơ {a} vào {b}.": "Dossier {a} assigned to {b}.",
    "Đã từ chối hồ sơ {a}.": "Dossier {a} rejected.",
    "Không thực hiện được: {e}": "Could not do it: {e}",
    "Chọn một hồ sơ gợi ý hoặc nhập mã hồ sơ.": "Choose a candidate or type a dossier code.",
    "Các trang": "Pages",
    "Tiếp nhận lúc": "Received at",
    "Mở để xem xét": "Open to review",
    "Văn bản nhận dạng": "Recognised text",
    # search
    "Tìm trong nội dung hồ sơ": "Search the dossiers' text",
    "Từ khóa": "Words",
    "Không phân biệt dấu": "Ignore accents",
    "Đúng dấu": "Exact accents",
    "Không tìm thấy kết quả cho “{q}”.": "No results for “{q}”.",
    "Kết quả {a}–{b}": "Results {a}–{b}",
    "Gợi ý: đặt cụm từ trong dấu ngoặc kép để tìm đúng cụm, ví dụ \"nguyễn văn an\".":
        "Tip: put words in double quotes to find them together, e.g. \"nguyễn văn an\".",
    "trang {n}": "page {n}",
    # reports
    "Báo cáo định kỳ": "Periodic reports",
    "Kỳ báo cáo": "Period",
    "Định dạng": "Format",
    "Tải báo cáo": "Download report",
    "Tháng": "Month",
    "Quý": "Quarter",
    "6 tháng": "Half-year",
    "Kỳ báo cáo không hợp lệ: {e}": "Invalid period: {e}",
    "Ví dụ: 2026-06 (tháng), 2026-Q2 (quý), 2026-H1 (6 tháng), 2026 (năm).":
        "E.g. 2026-06 (month), 2026-Q2 (quarter), 2026-H1 (half-year), 2026 (year).",
    "Tất cả đơn vị": "All units",
    "Chức năng báo cáo chưa sẵn sàng.": "Reports are not available yet.",
    # users
    "Quản lý người dùng": "Manage users",
    "Thêm người dùng": "Add a user",
    "Thêm": "Add",
    "Đang hoạt động": "Active",
    "Đã khóa": "Disabled",
    "Đăng nhập lần cuối": "Last sign-in",
    "Khóa": "Disable",
    "Mở khóa": "Enable",
    "Đổi mật khẩu": "Change password",
    "Đổi": "Change",
    "Mật khẩu mới": "New password",
    "Đã lưu.": "Saved.",
    "Tên đăng nhập không hợp lệ: dùng chữ a-z, số, '.', '_' hoặc '-'.":
        "Invalid user name: use letters a-z, digits, '.', '_' or '-'.",
    "Mật khẩu quá ngắn (ít nhất 8 ký tự).": "Password too short (at least 8 characters).",
    "Vai trò không hợp lệ.": "Unknown role.",
    "Tên đăng nhập đã tồn tại.": "That user name already exists.",
    "Không có người dùng này.": "No such user.",
    "Không thể tự khóa tài khoản của mình.": "You cannot disable your own account.",
    "Không thể tự bỏ quyền quản trị của mình.": "You cannot remove your own admin role.",
    # audit
    "Nhật ký truy cập": "Audit log",
    "Thời điểm": "Time",
    "Hành động": "Action",
    "Đối tượng": "Target",
    "Địa chỉ": "Address",
    "Chi tiết": "Detail",
    "{n} mục": "{n} entries",
    "Mọi hành động": "All actions",
    "đăng nhập": "sign-in",
    "đăng nhập sai": "failed sign-in",
    "đăng nhập bị chặn": "sign-in throttled",
    "đăng xuất": "sign-out",
    "xem hồ sơ": "dossier viewed",
    "tải tệp": "download",
    "tìm kiếm": "search",
    "gắn hồ sơ": "review: assigned",
    "từ chối hồ sơ": "review: rejected",
    "tải báo cáo": "report downloaded",
    "thêm người dùng": "user added",
    "khóa người dùng": "user disabled",
    "mở khóa người dùng": "user enabled",
    "đổi mật khẩu": "password changed",
    "đổi vai trò": "role changed",
    # document types (scanflow.documents.TYPE_NAMES)
    "Quyết định thi hành án": "Enforcement decision",
    "Bản án, quyết định của Tòa án": "Court judgment or decision",
    "Đơn yêu cầu thi hành án": "Request for enforcement",
    "Biên bản xác minh điều kiện thi hành án": "Record of verification of means",
    "Quyết định cưỡng chế": "Coercion decision",
    "Biên bản kê biên, xử lý tài sản": "Record of seizure",
    "Quyết định hoãn thi hành án": "Decision to postpone",
    "Quyết định tạm đình chỉ thi hành án": "Decision to suspend",
    "Quyết định đình chỉ thi hành án": "Decision to terminate",
    "Quyết định về việc chưa có điều kiện thi hành án": "Decision: no means to enforce yet",
    "Thông báo, giấy báo, giấy triệu tập, giấy mời": "Notice, summons or invitation",
    "Biên lai, phiếu thu, phiếu chi": "Receipt or voucher",
    "Tài liệu khác": "Other document",
    # errors
    "Không có quyền": "Not allowed",
    "Vai trò của bạn không được dùng chức năng này.": "Your role does not allow this.",
    "Không tìm thấy": "Not found",
    "Trang hoặc tệp này không tồn tại.": "This page or file does not exist.",
    "Yêu cầu bị từ chối": "Request refused",
    "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.":
        "The form has expired or is not valid. Reload the page and try again.",
    "Về trang tổng quan": "Back to the overview",
}

ROLE_LABELS = {"operator": "Nhân viên", "supervisor": "Giám sát", "admin": "Quản trị"}
STATUS_LABELS = {
    "received": "đã tiếp nhận",
    "processing": "đang xử lý",
    "archived": "đã lưu trữ",
    "needs_review": "cần xem xét",
    "quarantined": "cách ly",
    "duplicate": "trùng lặp",
}
CRITERION_LABELS = {"dung": "Đúng", "du": "Đủ", "sach": "Sạch", "song": "Sống"}
CRITERION_HINTS = {
    "dung": "gắn đúng hồ sơ trong sổ, số hiệu khớp",
    "du": "đủ tài liệu bắt buộc, mọi trang có chữ",
    "sach": "không trang trùng, trang trắng; PDF/A hợp lệ",
    "song": "mới hơn sổ thụ lý, sổ được nhập gần đây",
}
METHOD_LABELS = {"qr": "mã QR bìa hồ sơ", "auto": "tự động", "manual": "người xác nhận"}
ACTION_LABELS = {
    "login": "đăng nhập",
    "login_failed": "đăng nhập sai",
    "login_throttled": "đăng nhập bị chặn",
    "logout": "đăng xuất",
    "view_dossier": "xem hồ sơ",
    "download": "tải tệp",
    "search": "tìm kiếm",
    "review_assign": "gắn hồ sơ",
    "review_reject": "từ chối hồ sơ",
    "report_download": "tải báo cáo",
    "user_add": "thêm người dùng",
    "user_disable": "khóa người dùng",
    "user_enable": "mở khóa người dùng",
    "user_passwd": "đổi mật khẩu",
    "user_role": "đổi vai trò",
}
ACCOUNT_ERRORS = {
    "bad_name": "Tên đăng nhập không hợp lệ: dùng chữ a-z, số, '.', '_' hoặc '-'.",
    "short_password": "Mật khẩu quá ngắn (ít nhất 8 ký tự).",
    "bad_role": "Vai trò không hợp lệ.",
    "exists": "Tên đăng nhập đã tồn tại.",
    "unknown": "Không có người dùng này.",
    "self_disable": "Không thể tự khóa tài khoản của mình.",
    "self_demote": "Không thể tự bỏ quyền quản trị của mình.",
}
