// Fixture PDFs built by the tests with pdf-lib (one page, several pages, object streams or classic xref).
import { PDFDocument, StandardFonts } from 'pdf-lib';

export interface FixtureOptions {
  pages?: number;
  useObjectStreams?: boolean;
  text?: string;
}

export async function fixturePdf(options: FixtureOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date('2026-06-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-06-01T00:00:00Z'));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 1); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${options.text ?? 'Cong van so 45-CV/TU'} - trang ${i + 1}`, { x: 56, y: 700, size: 14, font });
  }
  return doc.save({ useObjectStreams: options.useObjectStreams ?? true });
}
