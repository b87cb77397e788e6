/**
 * A corpus of realistic subjects (trích yếu) of Party documents, generated from parts: plans
 * for congresses, directives, resolutions, reports, approvals, guidance and notices, with
 * đ/Đ, ư, ơ and every tone. Each record is issued by one of four offices to some of the
 * others; ids, numbers and dates are deterministic.
 */
import type { CatalogRecord } from '../src/catalog/catalog-record.ts';

/** The offices of the corpus: a province office, two district committees and a commune. */
export const corpusOffices = ['VPTU-CM', 'HU-DAMDOI', 'HU-NAMCAN', 'DU-TANPHU'] as const;

/** The body abbreviation each office numbers under. */
const bodies: Record<string, string> = {
  'VPTU-CM': 'VPTU',
  'HU-DAMDOI': 'HUDD',
  'HU-NAMCAN': 'HUNC',
  'DU-TANPHU': 'ĐUTP',
};

const units = [
  'xã Tân Phú',
  'xã Khánh Hưng',
  'phường Hòa Bình',
  'thị trấn Sông Đốc',
  'huyện Đầm Dơi',
  'huyện Năm Căn',
  'xã Nguyễn Huân',
  'phường Tân Thành',
];
const topics = [
  'phòng, chống tham nhũng, lãng phí, tiêu cực',
  'bảo vệ chính trị nội bộ',
  'kiểm tra, giám sát của Đảng',
  'xây dựng Đảng trong sạch, vững mạnh',
  'dân vận trong tình hình mới',
  'cải cách hành chính và chuyển đổi số',
  'phát triển đảng viên ở cơ sở',
  'quốc phòng, an ninh ở địa bàn biên giới biển',
];
const areas = [
  'nông nghiệp ứng dụng công nghệ cao',
  'thủy sản bền vững',
  'du lịch sinh thái rừng ngập mặn',
  'hạ tầng giao thông nông thôn',
];
const periods = ['2021 - 2025', '2026 - 2030'];
const quarters = ['quý I năm 2026', '6 tháng đầu năm 2026', 'năm 2025'];
const people = [
  { name: 'Nguyễn Tiến Hải', subject: 'person:nguyen-tien-hai' },
  { name: 'Phạm Thành Ngại', subject: 'person:pham-thanh-ngai' },
  { name: 'Lữ Văn Hùng', subject: 'person:lu-van-hung' },
  { name: 'Đỗ Thị Thu Hương', subject: 'person:do-thi-thu-huong' },
];

/** A subject of the corpus and its document type. */
interface Subject {
  type: string;
  subject: string;
  /** Which query of the tests it is meant to answer first, if any. */
  theme?: 'congress-plan';
}

function subjects(): Subject[] {
  const out: Subject[] = [];
  for (const unit of units)
    for (const n of ['IX', 'X', 'XI'])
      out.push({
        type: 'KH',
        subject: `Kế hoạch tổ chức Đại hội đảng bộ ${unit} lần thứ ${n}, nhiệm kỳ 2025 - 2030`,
        theme: 'congress-plan',
      });
  for (const topic of topics) {
    out.push({ type: 'CT', subject: `Chỉ thị về tăng cường công tác ${topic}` });
    out.push({ type: 'CT', subject: `Chỉ thị về tăng cường sự lãnh đạo của Đảng đối với công tác ${topic}` });
    out.push({ type: 'HD', subject: `Hướng dẫn thực hiện công tác ${topic} năm 2026` });
    for (const q of quarters) out.push({ type: 'BC', subject: `Báo cáo tình hình thực hiện công tác ${topic} ${q}` });
    out.push({ type: 'KH', subject: `Kế hoạch kiểm tra việc thực hiện công tác ${topic}` });
  }
  for (const area of areas)
    for (const period of periods) {
      out.push({ type: 'NQ', subject: `Nghị quyết về phát triển kinh tế ${area} giai đoạn ${period}` });
      out.push({ type: 'KL', subject: `Kết luận của Ban Thường vụ về phát triển ${area} giai đoạn ${period}` });
    }
  for (const unit of units) {
    out.push({ type: 'QĐ', subject: `Quyết định chuẩn y kết quả bầu cử Ban Chấp hành Đảng bộ ${unit}` });
    out.push({ type: 'QĐ', subject: `Quyết định chuẩn y Bí thư, Phó Bí thư Đảng ủy ${unit}` });
    out.push({ type: 'TB', subject: `Thông báo kết luận của Thường trực về công tác chuẩn bị Đại hội ở ${unit}` });
    // Decoys: every syllable of "kế hoạch đại hội", but far apart (the plan first, the congress at the end).
    out.push({
      type: 'BC',
      subject: `Báo cáo kết quả thực hiện kế hoạch phát triển kinh tế - xã hội năm 2025 của ${unit} sau Đại hội`,
    });
    out.push({ type: 'CV', subject: `Công văn về việc rà soát, bổ sung quy hoạch cán bộ ${unit}` });
  }
  for (const [u, unit] of units.entries())
    for (const [k, topic] of topics.entries())
      out.push(
        (u + k) % 2 === 0
          ? { type: 'BC', subject: `Báo cáo sơ kết công tác ${topic} của Đảng bộ ${unit}` }
          : { type: 'NQ', subject: `Nghị quyết chuyên đề về lãnh đạo công tác ${topic} ở ${unit}` },
      );
  out.push({ type: 'QC', subject: 'Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XVII' });
  out.push({
    type: 'TTr',
    subject: 'Tờ trình về việc đề nghị khen thưởng tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ',
  });
  out.push({ type: 'GM', subject: 'Giấy mời dự hội nghị sơ kết 6 tháng đầu năm 2026' });
  out.push({ type: 'ĐA', subject: 'Đề án nâng cao chất lượng sinh hoạt chi bộ giai đoạn 2026 - 2030' });
  return out;
}

/** A deterministic UUID (version 4 shape) for record `i` of a corpus. */
export function corpusId(i: number, salt = 0): string {
  const hex = (salt * 1_000_000 + i).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/** The corpus: every subject once, issued over the first half of 2026 by the offices in turn. */
export function corpus(): Array<CatalogRecord & { theme?: string }> {
  return subjects().map((s, i) => {
    const issuer = corpusOffices[i % corpusOffices.length]!;
    const others = corpusOffices.filter((o) => o !== issuer);
    const day = new Date(Date.UTC(2026, 0, 1 + ((i * 7) % 180)));
    return {
      id: corpusId(i),
      kind: 'issued',
      issuingOffice: issuer,
      receivingOffices: others.slice(0, 1 + (i % others.length)),
      number: i + 1,
      symbol: `${i + 1}-${s.type}/${bodies[issuer]}`,
      documentType: s.type,
      issuedDate: day.toISOString().slice(0, 10),
      signer: people[i % people.length]!,
      status: i % 10 === 0 ? 'recalled' : 'issued',
      file: i % 3 === 0 ? `HS-2026-${String(1 + (i % 12)).padStart(2, '0')}` : null,
      subject: s.subject,
      ...(s.theme === undefined ? {} : { theme: s.theme }),
    };
  });
}
