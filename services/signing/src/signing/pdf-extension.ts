/**
 * Raising a signed PDF to PAdES B-LT or B-LTA (ETSI EN 319 142-1 §5.4–5.5): validation data
 * in a DSS, then a document time-stamp from this service's TSA. The PDF is read and written
 * on a parsing worker (pdf-tasks.ts), which asks this thread for the time-stamp token.
 */
import type { CaContext } from '../ca/ca-context.ts';
import { currentCrl } from '../ca/crl-service.ts';
import { localTimeStamper } from '../ca/tsa-service.ts';
import type { ParsingPool } from '../workers/parsing-pool.ts';
import type { ExtendPdfJob, TimestampCall } from './pdf-tasks.ts';

/**
 * Raises the signed PDF at `input` to B-LT or B-LTA into `output`: a DSS with the document's
 * own certificates, this CA's root and its current CRLs, then (B-LTA) a document time-stamp
 * from this TSA. Anyone may extend a document: it adds validation data, never a signature.
 * A PDF without a signature, or one libs/pades cannot read, is 400 PDF_UNREADABLE.
 */
export async function extendPdfFile(
  ca: CaContext,
  workers: ParsingPool,
  level: 'B-LT' | 'B-LTA',
  input: string,
  output: string,
): Promise<void> {
  const { issuing, root } = ca.hierarchy;
  const job: ExtendPdfJob = {
    input,
    output,
    level,
    crls: [(await currentCrl(ca, issuing)).der, (await currentCrl(ca, root)).der],
    certificates: [ca.certificateOf(root).der, ca.certificateOf(issuing).der],
  };
  const timeStamper = localTimeStamper(ca);
  await workers.run('extendPdf', job, {
    timestamp: ({ imprint, hash }: TimestampCall) => timeStamper(imprint, hash),
  });
}
