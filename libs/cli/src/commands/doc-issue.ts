/**
 * `lienthong doc sign ID --pin PIN` (the document's signer) and `lienthong doc issue ID`
 * (the registry of its office): the intake service signs with the caller's own key and
 * issues with the office's number, date and seal (services/intake README, "Signing and
 * issue"). The PIN goes in a header to intake, which passes it to signing.
 */
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Command } from '../io.ts';
import { asClient, type DocumentAnswer } from './doc-client.ts';

/** What intake answers an issue with. */
interface IssueAnswer {
  id: string;
  number: number;
  symbol: string;
  printed: string;
  sha256: string;
}

/** `lienthong doc sign ID --pin PIN`. */
export const docSignCommand: Command = {
  name: 'sign',
  summary: 'sign a document awaiting your signature with your key (PIN)',
  usage: `Usage: lienthong doc sign ID --pin PIN [--invisible] [--page N] [--rect X1,Y1,X2,Y2]
         [--config FILE] [--json]

Signs a document of your office that names you as its signer: intake asks the
signing service to sign it with your personal key (PAdES B-T, leaving the number,
date and seal open), with a visible block of the authority form, your title and
name.

  --pin PIN       the PIN of your personal key (passed on, never kept)
  --invisible     no visible signature block
  --page N        the page of the block (default 1)
  --rect R        where the block goes, in points from the lower left
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print the document or the problem as JSON

Exit status: 0 signed; 1 the service refused (not your document, wrong PIN,
locked key …); 2 unusable command line or configuration.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc sign', args, {
      pin: { type: 'string' },
      invisible: { type: 'boolean' },
      page: { type: 'string' },
      rect: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('doc sign', rest, ['id']);
    const pin = required('doc sign', 'pin', values.pin);
    if (values.page !== undefined && !/^[1-9]\d{0,4}$/.test(values.page))
      throw new CliError('USAGE', 'doc sign: --page must be a page number (1, 2, …).');
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const doc = await callService<DocumentAnswer>(io, config, 'intake', {
        method: 'POST',
        path: `/v1/documents/${encodeURIComponent(id!)}/signature`,
        headers: { 'lienthong-pin': pin },
        query: {
          visible: values.invisible === true ? 'false' : undefined,
          page: values.page,
          rect: values.rect,
        },
      });
      io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : `${doc.id} ${doc.state}\n`);
      return EXIT.ok;
    });
  },
};

/** `lienthong doc issue ID`. */
export const docIssueCommand: Command = {
  name: 'issue',
  summary: 'issue a signed document: number, date and the office seal',
  usage: `Usage: lienthong doc issue ID [--config FILE] [--json]

Issues a signed document of your office (the registry): intake takes the next
number of its series from the outgoing register, stamps number and date, and
the signing service adds the office seal with a time-stamp (B-LTA). Asking
again answers the same number; after a failure the reserved number is reused.

  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print { "id", "number", "symbol", "printed", … } or the problem

Exit status: 0 issued; 1 the service refused or signing was unavailable (the
number stays reserved: run it again); 2 unusable command line or configuration.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc issue', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('doc issue', rest, ['id']);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const answer = await callService<IssueAnswer>(io, config, 'intake', {
        method: 'POST',
        path: `/v1/documents/${encodeURIComponent(id!)}/issue`,
      });
      io.stdout(json ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.printed}  ${answer.id} issued\n`);
      return EXIT.ok;
    });
  },
};
