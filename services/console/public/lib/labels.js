// The users' words: states, exchange statuses, urgency, and the API's refusals in plain Vietnamese.
export const documentStates = {
  draft: 'Dự thảo',
  'awaiting-signature': 'Chờ ký',
  signed: 'Đã ký, chờ ban hành',
  issued: 'Đã ban hành',
  refused: 'Bị từ chối',
  cancelled: 'Đã hủy',
  recalled: 'Đã thu hồi',
  replaced: 'Đã thay thế',
};

export const exchangeStatuses = {
  sent: 'Đang gửi',
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Đã phân công',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  13: 'Yêu cầu thu hồi',
  15: 'Đồng ý thu hồi',
  16: 'Từ chối thu hồi',
};

/** delivery's history events (services/delivery HistoryItem), for those without a status code. */
export const deliveryEvents = {
  submitted: 'Nơi gửi chuyển đi',
  consigned: 'Đã đến',
  'handed-over': 'Đã nhận bản văn bản',
  accepted: 'Đã tiếp nhận',
  refused: 'Từ chối tiếp nhận',
  assigned: 'Đã phân công',
  'in-progress': 'Đang xử lý',
  completed: 'Hoàn thành',
  'take-back-requested': 'Yêu cầu thu hồi',
  'take-back-accepted': 'Đồng ý thu hồi',
  'take-back-refused': 'Từ chối thu hồi',
  replaced: 'Đã được thay thế',
};

export const urgencies = { ordinary: 'Thường', urgent: 'Khẩn', 'very-urgent': 'Thượng khẩn', flash: 'Hỏa tốc' };

export const secrecies = { ordinary: 'Thường', confidential: 'Mật' };

export const documentTypes = {
  NQ: 'Nghị quyết',
  QĐ: 'Quyết định',
  CT: 'Chỉ thị',
  KL: 'Kết luận',
  QC: 'Quy chế',
  QyĐ: 'Quy định',
  HD: 'Hướng dẫn',
  BC: 'Báo cáo',
  KH: 'Kế hoạch',
  TB: 'Thông báo',
  TTr: 'Tờ trình',
  CV: 'Công văn',
};

/** A disposition's states (services/archive README "Retention and disposition"). */
export const dispositionStates = {
  proposed: 'Đang chờ phê duyệt',
  approved: 'Đã phê duyệt, đang tiêu hủy',
  rejected: 'Bị từ chối',
  done: 'Đã tiêu hủy xong',
};

export const retentions = {
  permanent: 'Vĩnh viễn',
  '70-years': '70 năm',
  '50-years': '50 năm',
  '20-years': '20 năm',
  '10-years': '10 năm',
  '5-years': '5 năm',
};

const byStatus = {
  0: 'Không kết nối được tới máy chủ',
  400: 'Yêu cầu không hợp lệ',
  401: 'Phiên đăng nhập không còn hiệu lực, xin đăng nhập lại',
  403: 'Bạn không có quyền thực hiện thao tác này',
  404: 'Không tìm thấy',
  409: 'Trạng thái hiện tại không cho phép thao tác này',
  413: 'Tệp quá lớn',
  415: 'Loại tệp không được chấp nhận',
  422: 'Dữ liệu chưa hợp lệ',
  423: 'Khóa ký đang bị khóa',
  429: 'Quá nhiều yêu cầu, xin thử lại sau',
  502: 'Dịch vụ trả lời không hợp lệ hoặc không liên lạc được',
  503: 'Dịch vụ tạm thời không sẵn sàng, xin thử lại sau',
};

const byCode = {
  SIGNING_PIN_INCORRECT: 'Mã PIN không đúng',
  SIGNING_KEY_PIN_INCORRECT: 'Mã PIN không đúng',
  SIGNING_KEY_LOCKED: 'Khóa ký đã bị khóa do nhập sai PIN nhiều lần; liên hệ quản trị CA của văn phòng',
  SIGNING_PIN_ATTEMPTS_EXCEEDED: 'Đã nhập sai PIN quá số lần cho phép',
  SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED: 'Đã nhập sai PIN quá số lần cho phép',
  SIGNING_KEY_MISSING: 'Chưa có khóa ký cá nhân còn hiệu lực',
  SIGNING_SESSION_EXPIRED: 'Phiên ký bằng USB token đã hết hạn; hãy chuẩn bị lại',
  SIGNING_SESSION_NOT_FOUND: 'Không tìm thấy phiên ký bằng USB token của bạn',
  SIGNING_SESSION_USED: 'Phiên ký bằng USB token đã được dùng',
  SIGNATURE_VALUE_INVALID: 'Giá trị chữ ký không khớp với chứng thư số của token',
  CERTIFICATE_IDENTITY_MISMATCH: 'Chứng thư số của token không mang tên bạn như văn phòng đã đăng ký',
  DOCUMENT_SIGNER_MISMATCH: 'Văn bản này không chờ chữ ký của bạn',
  DOCUMENT_METADATA_INVALID: 'Thông tin văn bản chưa hợp lệ',
  DOCUMENT_RECIPIENT_UNKNOWN: 'Nơi nhận hoặc người ký không có trong danh bạ',
  DOCUMENT_NOT_PDF: 'Tệp không phải PDF hợp lệ',
  DOCUMENT_ALREADY_SIGNED: 'Tệp PDF đã có chữ ký',
  DOCUMENT_TOO_LARGE: 'Tệp PDF quá lớn',
  DELIVERY_ALREADY_ANSWERED: 'Văn bản đã được trả lời trước đó',
  DISPOSITION_NOT_FOUND: 'Văn phòng không có đề nghị tiêu hủy này',
  DISPOSITION_RECORDS_NOT_DUE:
    'Có hồ sơ chưa đến hạn tiêu hủy (chưa hết thời hạn, đang phong tỏa, vĩnh viễn hoặc đã đề nghị)',
  DISPOSITION_STATE: 'Đề nghị tiêu hủy đã được quyết định, hoặc hồ sơ đã bị tiêu hủy',
  DISPOSITION_SAME_PERSON: 'Người đề nghị tiêu hủy không được tự phê duyệt hay từ chối đề nghị của mình',
  RECORD_PERMANENT: 'Hồ sơ bảo quản vĩnh viễn: không gỡ phong tỏa',
  RECORD_NOT_FOUND: 'Văn phòng không có hồ sơ này',
  UNAUTHENTICATED: 'Phiên đăng nhập không còn hiệu lực, xin đăng nhập lại',
  CONSOLE_BODY_TOO_LARGE: 'Tệp quá lớn để gửi qua bảng điều khiển',
  CONSOLE_UPSTREAM_UNAVAILABLE: 'Không liên lạc được với dịch vụ',
};

/** One line saying what went wrong, in Vietnamese, then the service's own detail. */
export function describeError(error) {
  const problem = error?.problem ?? {};
  const status = error?.status ?? 0;
  const code = problem.signingCode ?? problem.code;
  const headline = byCode[code] ?? byStatus[status] ?? (status >= 500 ? 'Lỗi máy chủ' : 'Không thực hiện được');
  const extra = [];
  if (typeof problem.attemptsLeft === 'number') extra.push(`còn ${problem.attemptsLeft} lần thử`);
  if (typeof problem.retryAfterSeconds === 'number') extra.push(`thử lại sau ${problem.retryAfterSeconds} giây`);
  return { headline: extra.length > 0 ? `${headline} (${extra.join(', ')})` : headline, detail: problem.detail, code };
}

/** dd/mm/yyyy hh:mm in Vietnam's time (UTC+7). */
export function formatTime(iso) {
  if (iso === null || iso === undefined) return '';
  return new Date(iso).toLocaleString('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  });
}

export function formatDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
}
