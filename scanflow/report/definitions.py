"""The four criteria and the KPI explained in Vietnamese, as printed beside the figures in every report."""

CRITERIA_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Đúng", "Hồ sơ gắn với vụ việc trong sổ thụ lý bằng mã QR trên bìa, bằng đối chiếu tự động đạt ngưỡng, "
             "hoặc do người xác nhận; và số quyết định thi hành án, số bản án đọc được khớp với sổ."),
    ("Đủ", "Có quyết định thi hành án và bản án/quyết định của Tòa án (thêm đơn yêu cầu với vụ việc theo yêu "
           "cầu); mọi trang lưu đều nhận dạng được chữ."),
    ("Sạch", "Không còn trang trùng lặp chưa xử lý, không còn trang trắng trong tệp lưu trữ, tệp đạt PDF/A, "
             "văn bản chuẩn Unicode NFC, không có số quyết định thi hành án mâu thuẫn."),
    ("Sống", "Bản số hóa mới bằng hoặc mới hơn lần cập nhật cuối của vụ việc trong sổ (số hóa hoặc kiểm tra "
             "lại sau đó), và sổ thụ lý được nhập lại gần đây (mặc định trong 30 ngày)."),
    ("Tỷ lệ số hóa", "Số vụ việc trong sổ đã có hồ sơ số hóa được lưu trữ ÷ số vụ việc trong sổ; một vụ việc "
                     "quét thành nhiều phần chỉ tính một lần."),
)
