// Hostile files on a budget (issue 15): each hostile input of `support/hostile-files.ts` is
// refused with a code and a message naming the limit it broke, in about the time of a clean
// file, and the budgets behind them (decoded bytes, xref entries, objects, items, string
// bytes, fields, image bytes) scale with the file and can be set. The heavy files run in a child process each, so
// their memory is measured alone; time and memory are comments, never assertions.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { verifyPdf } from '@lienthong/pades';
import {
  decodePng,
  DEFAULT_LIMITS,
  isAppearanceError,
  isPdfError,
  listFields,
  listPages,
  MAX_IMAGE_BYTES,
  memorySink,
  memorySource,
  PdfBudget,
  PdfDocument,
  resolveLimits,
  type PdfErrorCode,
} from '../src/index.ts';
import { encodePng } from '../src/appearance/png-encode.ts';
import { fixturePdf } from './fixtures.ts';
import type { HostileOutcome } from './support/hostile-child.ts';
import { MIB, pngBomb, stringAliasBomb } from './support/hostile-files.ts';

const child = new URL('./support/hostile-child.ts', import.meta.url).pathname;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

async function runChild(which: string, mode: 'open' | 'verify'): Promise<HostileOutcome> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child, which, mode], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as HostileOutcome;
}

function comment(t: Test, what: string, o: HostileOutcome): void {
  t.comment(
    `${what}: ${o.bytes.toLocaleString('en-US')}-byte input answered in ${o.seconds.toFixed(2)} s, ` +
      `peak RSS ${mb(o.peakRss)} (idle ${mb(o.idleRss)}, ${mb(o.peakRss - o.idleRss)} over), peak heap ${mb(o.peakHeap)}`,
  );
}

async function fails(t: Test, what: string, run: () => Promise<unknown>, code: PdfErrorCode, limit: RegExp) {
  try {
    await run();
    t.fail(`${what}: no error`);
  } catch (e) {
    t.ok(isPdfError(e, code), `${what}: ${code}`);
    t.match((e as Error).message, limit, `${what}: the message names the limit`);
  }
}

void t.test('an 8 KB xref stream claiming 8,000,000 rows is refused: maxXrefEntries', async (t) => {
  const opened = await runChild('xref-rows', 'open');
  comment(t, 'PdfDocument.open', opened);
  t.equal(opened.kind, 'error');
  t.equal(opened.code, 'PDF_LIMIT_EXCEEDED');
  t.match(opened.message, /8,000,000 entries.*maxXrefEntries 262,144 = max\(262,144, file size \/ 32\)/);
  t.ok(opened.bytes < 12_000, `the file is ${opened.bytes} bytes`);
  const verified = await runChild('xref-rows', 'verify');
  comment(t, 'verifyPdf', verified);
  t.equal(verified.code, 'TOTAL_FAILED/FORMAT_FAILURE');
  t.match(verified.message, /^The PDF exceeds a safety limit: .*maxXrefEntries/);
});

void t.test('four such sections on a /Prev chain are refused at the first', async (t) => {
  const opened = await runChild('xref-sections', 'open');
  comment(t, 'PdfDocument.open', opened);
  t.equal(opened.code, 'PDF_LIMIT_EXCEEDED');
  t.match(opened.message, /maxXrefEntries/);
  const verified = await runChild('xref-sections', 'verify');
  comment(t, 'verifyPdf', verified);
  t.equal(verified.code, 'TOTAL_FAILED/FORMAT_FAILURE');
  t.match(verified.message, /maxXrefEntries/);
});

void t.test('150 fields over five object streams of 60 MiB each are refused: maxDecodedBytes', async (t) => {
  const opened = await runChild('object-streams', 'open');
  comment(t, 'PdfDocument.open + listFields', opened);
  t.equal(opened.code, 'PDF_LIMIT_EXCEEDED');
  t.match(opened.message, /decoded-bytes budget.*maxDecodedBytes 33,554,432 = max\(32 MiB, 8 × file size\)/);
  const verified = await runChild('object-streams', 'verify');
  comment(t, 'verifyPdf', verified);
  t.equal(verified.code, 'TOTAL_FAILED/FORMAT_FAILURE');
  t.match(verified.message, /^The PDF exceeds a safety limit: .*maxDecodedBytes/);
});

void t.test('a 4000x4000 16-bit PNG is refused from its header, before inflating: MAX_IMAGE_BYTES', async (t) => {
  const decoded = await runChild('png', 'open');
  comment(t, 'decodePng', decoded);
  t.equal(decoded.code, 'IMAGE_UNSUPPORTED');
  t.match(decoded.message, /4000x4000 with 4 samples of 16 bits a pixel: 128,004,000 bytes.*MAX_IMAGE_BYTES/);
  // The same header over a zlib stream of one row: still the size refusal, so nothing was inflated.
  t.throws(() => decodePng(pngBomb({ full: false })), /MAX_IMAGE_BYTES/);
  try {
    decodePng(pngBomb({ full: false }));
  } catch (e) {
    t.ok(isAppearanceError(e, 'IMAGE_UNSUPPORTED'));
  }
  // Within the budget: 1000x1000 RGBA at 16 bits (8 MB of rows) decodes.
  const rows = new Uint8Array(1000 * 1000 * 8);
  const ok = decodePng(encodePng({ width: 1000, height: 1000, colorType: 6, depth: 16, rows }));
  t.equal(ok.width, 1000);
  t.ok(MAX_IMAGE_BYTES >= 1000 * 8001);
});

for (const [which, what, limit] of [
  [
    'array',
    'a catalog of 15,000,000 numbers in a 48 KB file',
    /more than 1,000,000 items parsed.*maxItems 1,000,000 = max\(1,000,000, file size \/ 2\)/,
  ],
  [
    'dictionary',
    'a catalog of 5,000,000 empty dictionaries in a 27 KB file',
    /more than 1,000,000 items parsed.*maxItems 1,000,000/,
  ],
  ['depth', 'a catalog nesting 1,000,000 arrays', /nested deeper than 64 \(MAX_DEPTH\)/],
] as const)
  void t.test(`${what} is refused naming the limit`, async (t) => {
    const opened = await runChild(which, 'open');
    comment(t, 'PdfDocument.open + listFields', opened);
    t.equal(opened.kind, 'error');
    t.equal(opened.code, 'PDF_LIMIT_EXCEEDED');
    t.match(opened.message, limit);
    const verified = await runChild(which, 'verify');
    comment(t, 'verifyPdf', verified);
    t.equal(verified.code, 'TOTAL_FAILED/FORMAT_FAILURE');
    t.match(verified.message, /^The PDF exceeds a safety limit: /);
    t.match(verified.message, limit);
  });

void t.test('one 8 MiB string read as 40 fields: maxStringBytes', async (t) => {
  const pdf = stringAliasBomb({ fields: 40, bytes: 8 * MIB });
  t.ok(pdf.length < 64_000, `the file is ${pdf.length} bytes`);
  const doc = await PdfDocument.open(memorySource(pdf));
  await fails(
    t,
    'listFields',
    () => listFields(doc),
    'PDF_LIMIT_EXCEEDED',
    /more than 33,554,432 bytes of strings and names parsed.*maxStringBytes 33,554,432 = max\(32 MiB, 2 × file size\)/,
  );
  t.ok(doc.budget.stringBytes <= 5 * 8 * MIB, 'refused at the fifth copy');
  const report = await verifyPdf(memorySource(pdf));
  t.equal(report.subIndication, 'FORMAT_FAILURE');
  t.match(report.message, /maxStringBytes/);
  const few = await listFields(await PdfDocument.open(memorySource(stringAliasBomb({ fields: 3, bytes: 8 * MIB }))));
  t.equal(few.length, 3, 'three copies fit the budget');
});

void t.test('a clean 200-page PDF and the fixtures are read within the default items and string bytes', async (t) => {
  for (const useObjectStreams of [false, true]) {
    const pdf = await fixturePdf({ pages: 200, useObjectStreams });
    const doc = await PdfDocument.open(memorySource(pdf));
    t.equal((await listPages(doc)).length, 200);
    await listFields(doc);
    t.ok(doc.budget.items > 200 && doc.budget.items < doc.budget.limits.maxItems / 100, `${doc.budget.items} items`);
    t.ok(doc.budget.stringBytes > 0 && doc.budget.stringBytes < doc.budget.limits.maxStringBytes / 100);
    t.comment(
      `200 pages${useObjectStreams ? ' in object streams' : ''}: ${doc.budget.items} items, ${doc.budget.stringBytes} string bytes, ${doc.budget.objects} objects`,
    );
  }
});

void t.test('the defaults scale with the file and can be set', async (t) => {
  t.same(resolveLimits(8_145), {
    maxDecodedBytes: 32 * MIB,
    maxXrefEntries: DEFAULT_LIMITS.xrefEntriesFloor,
    maxObjects: DEFAULT_LIMITS.objectsFloor,
    maxItems: DEFAULT_LIMITS.itemsFloor,
    maxStringBytes: 32 * MIB,
    maxFields: DEFAULT_LIMITS.fields,
  });
  const big = 200 * MIB;
  t.same(resolveLimits(big), {
    maxDecodedBytes: 8 * big,
    maxXrefEntries: big / 32,
    maxObjects: big / 16,
    maxItems: big / 2,
    maxStringBytes: 2 * big,
    maxFields: DEFAULT_LIMITS.fields,
  });
  t.equal(resolveLimits(big, { maxDecodedBytes: 1000 }).maxDecodedBytes, 1000);
  const pdf = await fixturePdf({ useObjectStreams: true, pages: 3 });
  await fails(
    t,
    'maxDecodedBytes set low',
    async () => listPages(await PdfDocument.open(memorySource(pdf), { maxDecodedBytes: 100 })),
    'PDF_LIMIT_EXCEEDED',
    /maxDecodedBytes 100, as configured/,
  );
  await fails(
    t,
    'maxObjects set low',
    async () => listPages(await PdfDocument.open(memorySource(pdf), { maxObjects: 2 })),
    'PDF_LIMIT_EXCEEDED',
    /more than 2 objects parsed.*maxObjects 2, as configured/,
  );
  await fails(
    t,
    'maxItems set low',
    async () => listPages(await PdfDocument.open(memorySource(pdf), { maxItems: 10 })),
    'PDF_LIMIT_EXCEEDED',
    /more than 10 items parsed.*maxItems 10, as configured/,
  );
  await fails(
    t,
    'maxStringBytes set low',
    async () => listPages(await PdfDocument.open(memorySource(pdf), { maxStringBytes: 20 })),
    'PDF_LIMIT_EXCEEDED',
    /more than 20 bytes of strings and names parsed.*maxStringBytes 20, as configured/,
  );
  await fails(
    t,
    'maxXrefEntries set low',
    () => PdfDocument.open(memorySource(pdf), { maxXrefEntries: 3 }),
    'PDF_LIMIT_EXCEEDED',
    /maxXrefEntries 3, as configured/,
  );
  const doc = await PdfDocument.open(memorySource(pdf));
  t.equal((await listPages(doc)).length, 3, 'the defaults let a clean file through');
  t.ok(doc.budget.decodedBytes > 0 && doc.budget.objects > 0, 'and count what it cost');
  const report = await verifyPdf(memorySource(pdf), { pdfLimits: { maxObjects: 1 } });
  t.equal(report.subIndication, 'FORMAT_FAILURE', 'verifyPdf takes the limits');
  t.match(report.message, /maxObjects 1, as configured/);
});

/** A classic-xref PDF: catalog with `fields` text fields in its AcroForm. */
function formPdf(fields: number): Uint8Array {
  const bodies = [
    `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${Array.from({ length: fields }, (_, i) => `${4 + i} 0 R`).join(' ')}] >> >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>',
    ...Array.from({ length: fields }, (_, i) => `<< /FT /Tx /T (f${i}) >>`),
  ];
  let pdf = '%PDF-1.7\n';
  const offsets: number[] = [];
  bodies.forEach((b, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${b}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${bodies.length + 1}\n0000000000 65535 f\r\n`;
  for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  pdf += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

void t.test('fields visited: maxFields', async (t) => {
  const pdf = formPdf(30);
  t.equal((await listFields(await PdfDocument.open(memorySource(pdf)))).length, 30);
  await fails(
    t,
    '30 fields, maxFields 10',
    async () => listFields(await PdfDocument.open(memorySource(pdf), { maxFields: 10 })),
    'PDF_LIMIT_EXCEEDED',
    /more than 10 fields \(limit maxFields 10, as configured\)/,
  );
});

/** One xref stream section over the handmade skeleton's objects, with `rows` rows of /W `w` and the given data. */
function xrefStreamPdf(w: [number, number, number], index: number[], rows: Uint8Array): Uint8Array {
  const head = '%PDF-1.7\n';
  const objs = [
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n',
  ];
  const at = head.length + objs.join('').length;
  const packed = deflateSync(rows);
  return Buffer.concat([
    Buffer.from(head + objs.join(''), 'latin1'),
    Buffer.from(
      `3 0 obj\n<< /Type /XRef /Size ${index[0]! + index[1]!} /Index [${index.join(' ')}] /W [${w.join(' ')}] /Root 1 0 R /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
      'latin1',
    ),
    packed,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`, 'latin1'),
  ]);
}

void t.test('xref rows are bounded by the bytes that hold them; free rows are runs, not entries', async (t) => {
  const objOffsets = [9, 9 + '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'.length];
  // 8,000,000 free rows (type 0) and the two objects: /W [1 1 0], 16 MB of zeros inflated.
  const rows = 8_000_000;
  const data = new Uint8Array(rows * 2);
  data.set([1, objOffsets[0]!, 1, objOffsets[1]!], 2);
  const started = performance.now();
  const doc = await PdfDocument.open(memorySource(xrefStreamPdf([1, 1, 0], [0, rows], data)));
  t.comment(`8,000,000 free rows read in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  t.equal(doc.sections[0]!.entries.size, 2, 'only the two objects in use are kept');
  t.equal(doc.sections[0]!.freed.count, 2, 'the free rows are two runs');
  t.ok(doc.sections[0]!.freed.has(7_999_999) && !doc.sections[0]!.freed.has(1));
  t.equal(doc.budget.xrefEntries, 4);
  t.equal(doc.entries.size, 2);
  t.equal((await doc.catalog()).ref.num, 1);
  // More rows claimed than the decoded data holds: refused before any is read.
  await fails(
    t,
    'rows beyond the data',
    () => PdfDocument.open(memorySource(xrefStreamPdf([1, 1, 0], [0, 1000], new Uint8Array(100)))),
    'PDF_LIMIT_EXCEEDED',
    /claims 1,000 rows of 2 bytes; its 100 decoded bytes hold at most 50/,
  );
  await fails(
    t,
    '/W without field 2',
    () => PdfDocument.open(memorySource(xrefStreamPdf([1, 0, 0], [0, 3], new Uint8Array(3)))),
    'PDF_XREF_INVALID',
    /no field 2/,
  );
});

/** `base` (classic xref) plus an update: each object number given a new body, or freed (null). */
function appendUpdate(base: Uint8Array, changes: Record<number, string | null>): Uint8Array {
  const text = Buffer.from(base).toString('latin1');
  const prev = Number(/startxref\n(\d+)/.exec(text.slice(text.lastIndexOf('startxref')))![1]);
  const size = Number(/\/Size (\d+)/.exec(text)![1]);
  let body = '';
  let rows = 'xref\n0 1\n0000000000 65535 f\r\n';
  for (const [num, value] of Object.entries(changes)) {
    if (value === null) rows += `${num} 1\n0000000000 00001 f\r\n`;
    else {
      rows += `${num} 1\n${String(base.length + body.length).padStart(10, '0')} 00000 n\r\n`;
      body += `${num} 0 obj\n${value}\nendobj\n`;
    }
  }
  const at = base.length + body.length;
  const update = `${body}${rows}trailer\n<< /Size ${size} /Root 1 0 R /Prev ${prev} >>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.concat([base, Buffer.from(update, 'latin1')]);
}

void t.test('a free entry still hides the object in later revisions; revision views share the sections', async (t) => {
  const pdf = appendUpdate(formPdf(3), { 5: null });
  const doc = await PdfDocument.open(memorySource(pdf));
  t.equal(doc.revisions.length, 2);
  t.equal(await doc.getObject(5), null, 'object 5 is free in the last revision');
  t.notOk(doc.entries.has(5));
  t.same(
    (await listFields(doc)).map((f) => f.name),
    ['f0', 'f2'],
  );
  const before = await doc.revisionView(doc.revisions[0]!);
  t.ok(before.entries.has(5), 'and in use in the first');
  t.equal((await listFields(before)).length, 3);
  t.equal(before.sections[0], doc.sections[1], 'the view reads the same section object, not a copy');
  t.equal(before.budget, doc.budget, 'and charges the same budget');
  t.equal(before.source.size, doc.revisions[0]!.end);
  const sink = memorySink();
  await sink.append(pdf);
  t.equal((await PdfDocument.open(sink)).size, 7, 'the next object number counts the freed one');
});

void t.test('an object freed, then given a body again: each revision sees its own state', async (t) => {
  const pdf = appendUpdate(appendUpdate(formPdf(3), { 5: null }), { 5: '<< /FT /Tx /T (again) >>' });
  const doc = await PdfDocument.open(memorySource(pdf));
  t.same(
    (await listFields(doc)).map((f) => f.name),
    ['f0', 'again', 'f2'],
  );
  const [first, second] = await Promise.all(doc.revisions.slice(0, 2).map((r) => doc.revisionView(r)));
  t.same(
    (await listFields(first!)).map((f) => f.name),
    ['f0', 'f1', 'f2'],
  );
  t.same(
    (await listFields(second!)).map((f) => f.name),
    ['f0', 'f2'],
  );
});

void t.test('a budget can be shared: a second document charged to it', async (t) => {
  const pdf = await fixturePdf({ useObjectStreams: true });
  const budget = new PdfBudget(pdf.length);
  await listPages(await PdfDocument.open(memorySource(pdf), budget));
  const spent = budget.objects;
  await listPages(await PdfDocument.open(memorySource(pdf), budget));
  t.equal(budget.objects, 2 * spent);
});
