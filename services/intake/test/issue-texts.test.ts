/**
 * The texts of an issue: the stamped date in its Vietnamese form and local time (UTC+7:
 * 17:30 UTC on 31 December is already the next year there), the recipients line of the
 * register book, and the signer's visible block (authority form, title in capitals, name).
 */
import t from 'tap';
import type { StoredDocument } from '../src/documents/document-repository.ts';
import { blockLines } from '../src/issue/document-signing.ts';
import { recipientsLine, vietnameseDate } from '../src/issue/issue-texts.ts';

void t.test('the date: two-digit day and month, local time UTC+7', async (t) => {
  t.equal(vietnameseDate(new Date('2026-05-04T03:00:00Z')), 'ngày 04 tháng 05 năm 2026');
  t.equal(vietnameseDate(new Date('2026-12-31T17:30:00Z')), 'ngày 01 tháng 01 năm 2027', 'past midnight in Hà Nội');
  t.equal(vietnameseDate(new Date('2026-12-31T16:59:59Z')), 'ngày 31 tháng 12 năm 2026');
  t.equal(vietnameseDate(new Date('2026-12-31T17:30:00Z'), 0), 'ngày 31 tháng 12 năm 2026', 'another offset');
});

void t.test('the recipients line: offices, then groups after @', async (t) => {
  t.equal(recipientsLine({ offices: ['HU-A1', 'TU-B'], groups: ['A-XA'] }), 'HU-A1, TU-B, @A-XA');
  t.equal(recipientsLine({ groups: ['A-XA'] }), '@A-XA');
});

void t.test("the signer's block: authority and whom it acts for, title in capitals, name", async (t) => {
  const document = (signer: Record<string, string>) => ({ metadata: { signer } }) as unknown as StoredDocument;
  const person = { name: 'Nguyễn Văn An', title: 'Phó Bí thư' };
  t.same(blockLines(document({ person: 'an', authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' }), person), [
    'T/M BAN THƯỜNG VỤ',
    'PHÓ BÍ THƯ',
    'Nguyễn Văn An',
  ]);
  t.same(blockLines(document({ person: 'an' }), person), ['PHÓ BÍ THƯ', 'Nguyễn Văn An'], 'no authority form');
  t.same(blockLines(document({ person: 'an', authority: 'K/T' }), undefined), ['K/T'], 'no longer in the directory');
});
