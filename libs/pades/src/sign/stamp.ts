import { type ByteSource, type FieldAppearanceBuilder, type PdfSink, vietnameseFieldAppearance } from '@lienthong/pdf';
import { appendRevision } from './signature-revision.ts';
import { DATE_FIELD, fillTextField, NUMBER_FIELD } from './stamp-fields.ts';

/** What the office stamps after the signer signed: số (registry number) and ngày (date). */
export interface StampOptions {
  /** e.g. "Số 138-CV/VPTU". */
  readonly number: string;
  /** e.g. "Hà Nam, ngày 01 tháng 06 năm 2026". */
  readonly date: string;
  /** Builds each field's appearance; default {@link vietnameseFieldAppearance} (embedded Noto Sans subset). */
  readonly appearance?: FieldAppearanceBuilder;
  readonly numberField?: string;
  readonly dateField?: string;
}

/**
 * Stamps the registry number and date into their text fields in an
 * incremental update (not a signature): /V and a regenerated appearance
 * stream for each (ISO 32000-1 §12.7.4.3). Under DocMDP /P 2 with those
 * fields unlocked this is a permitted form-filling change.
 */
export async function stampPdf(source: ByteSource, sink: PdfSink, options: StampOptions): Promise<void> {
  const appearance = options.appearance ?? vietnameseFieldAppearance;
  await appendRevision(source, sink, async (edits) => {
    await fillTextField(edits, options.numberField ?? NUMBER_FIELD, options.number, appearance);
    await fillTextField(edits, options.dateField ?? DATE_FIELD, options.date, appearance);
  });
}
