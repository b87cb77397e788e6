/** Valid values of the package's schemas, shared by the tests; each test spoils a copy. */
import type { DeliverySent, DocumentIssued, DocumentMetadata } from '../src/index.ts';

export const good = (): DocumentMetadata => ({
  type: 'CT',
  issuingOffice: 'tu-hn',
  subject: 'Về tăng cường công tác phòng, chống tham nhũng, lãng phí',
  recipients: { offices: ['hu-ba-vi', 'hu-soc-son'], groups: ['cac-huyen-uy'] },
  secrecy: 'ordinary',
  urgency: 'flash',
  deadline: '2026-03-02T17:00:00+07:00',
  signer: { person: 'nguyen-van-a', authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
  retention: 'permanent',
  file: { sha256: 'ab'.repeat(32), byteLength: 123_456, mediaType: 'application/pdf' },
});

export const issued = (): DocumentIssued => ({
  documentId: '0b7e2f8e-3c1d-4d6a-9d7e-5a1b2c3d4e5f',
  office: 'tu-hn',
  numberSymbol: { number: 12, type: 'CT', bodies: ['TU'] },
  symbol: '12-CT/TU',
  issuedAt: '2026-03-01T08:00:00+07:00',
  series: { name: 'CT', period: '2025-10-15' },
  subject: 'Về tăng cường công tác phòng, chống tham nhũng',
  recipients: { offices: ['hu-ba-vi'], groups: ['cac-huyen-uy'] },
  deliverTo: ['hu-ba-vi', 'hu-dan-phuong', 'hu-me-linh'],
  secrecy: 'ordinary',
  urgency: 'flash',
  signer: { person: 'nguyen-van-a', authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
  retention: 'permanent',
  file: {
    sha256: 'ab'.repeat(32),
    byteLength: 1000,
    mediaType: 'application/pdf',
    object: { bucket: 'lienthong-documents', key: 'documents/0b7e2f8e-3c1d-4d6a-9d7e-5a1b2c3d4e5f/issued.pdf' },
  },
});

export const sent = (): DeliverySent => ({
  deliveryId: 'd-1',
  documentId: 'doc-1',
  sender: 'tu-hn',
  recipient: 'hu-ba-vi',
  businessType: 'new',
  urgency: 'ordinary',
  symbol: '12-CT/TU',
  sentAt: '2026-03-01T01:00:00Z',
});

export const samples: Record<string, unknown> = {
  'document.issued': issued(),
  'document.recalled': {
    documentId: 'doc-1',
    office: 'tu-hn',
    symbol: '12-CT/TU',
    reason: 'Sai nơi nhận',
    recalledAt: '2026-03-01T01:00:00Z',
  },
  'document.replaced': {
    documentId: 'doc-1',
    office: 'tu-hn',
    symbol: '12-CT/TU',
    replacedBy: 'doc-2',
    reason: 'Thay thế',
    replacedAt: '2026-03-01T01:00:00Z',
  },
  'document.cancelled': { documentId: 'doc-1', office: 'tu-hn', reason: 'Hủy bỏ', cancelledAt: '2026-03-01T01:00:00Z' },
  'delivery.sent': sent(),
  'delivery.status-changed': {
    deliveryId: 'd-1',
    documentId: 'doc-1',
    sender: 'tu-hn',
    recipient: 'hu-ba-vi',
    status: '04',
    businessType: 'new',
    at: '2026-03-01T01:00:00Z',
  },
  'delivery.evidence-stamped': {
    documentId: 'doc-1',
    deliveryId: 'd-1',
    sender: 'tu-hn',
    batchId: 'b-1',
    stampedAt: '2026-03-01T01:00:05Z',
    count: 3,
    evidence: {
      sha256: 'ab'.repeat(32),
      byteLength: 9000,
      mediaType: 'application/json',
      object: { bucket: 'lienthong-delivery-evidence', key: 'deliveries/d-1/evidence/b-1.json', versionId: 'v1' },
    },
  },
  'delivery.failed': {
    deliveryId: 'd-1',
    documentId: 'doc-1',
    sender: 'tu-hn',
    recipient: 'hu-ba-vi',
    reason: 'Không kết nối được',
    attempts: 5,
    at: '2026-03-01T01:00:00Z',
  },
  'receipt.accepted': {
    receiptId: 'r-1',
    deliveryId: 'd-1',
    documentId: 'doc-1',
    sender: 'tu-hn',
    recipient: 'hu-ba-vi',
    incomingNumber: { number: 345, year: 2026 },
    acceptedAt: '2026-03-01T02:00:00Z',
    evidence: { sha256: 'cd'.repeat(32), byteLength: 4000 },
  },
  'receipt.refused': {
    receiptId: 'r-2',
    deliveryId: 'd-1',
    documentId: 'doc-1',
    sender: 'tu-hn',
    recipient: 'hu-ba-vi',
    reason: 'Gửi nhầm nơi nhận',
    refusedAt: '2026-03-01T02:00:00Z',
    evidence: { sha256: 'cd'.repeat(32), byteLength: 4000 },
  },
  'directory.changed': {
    entity: 'office',
    code: 'hu-ba-vi',
    change: 'updated',
    revision: 3,
    at: '2026-03-01T02:00:00Z',
  },
  'record.archived': {
    recordId: 'rec-1',
    documentId: 'doc-1',
    office: 'tu-hn',
    sha256: 'ef'.repeat(32),
    retention: '10-years',
    retainUntil: '2036-03-01T00:00:00Z',
    access: 'conditional',
    archivedAt: '2026-03-01T02:00:00Z',
  },
  'archive.fixity-failed': {
    recordId: 'rec-1',
    object: 'document.pdf',
    key: 'records/rec-1/document.pdf',
    versionId: 'v1',
    location: 'primary',
    outcome: 'mismatch',
    expected: { sha256: 'ef'.repeat(32), size: 9000 },
    found: { sha256: 'ab'.repeat(32), size: 9000 },
    at: '2036-03-01T02:00:00Z',
  },
};

/** A value as ASCII for a test's name: TAP is read line by line, and U+2028 or U+202E in a name would garble it. */
export function shown(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
