/** What the `doc` commands share: a document as intake answers it, and refusals printed as exit 1. */
import { reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import type { CliIo } from '../io.ts';

/** A document as intake answers it (the fields the commands print). */
export interface DocumentAnswer {
  id: string;
  state: string;
  office: string;
  type: string;
  subject: string;
  sha256: string;
  size: number;
  signer: string | null;
  createdAt: string;
  metadata: { recipients: { offices?: string[]; groups?: string[] }; secrecy: string; urgency: string };
}

/** Runs `body`, printing a service's refusal (exit 1) rather than failing. */
export async function asClient(io: CliIo, json: boolean, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ServiceRefusal) return reportRefusal(io, e, json);
    throw e;
  }
}
