/**
 * `lienthong doc sign ID --pin PIN` (the document's signer) and `lienthong doc issue ID`
 * (the registry of its office): the intake service signs with the caller's own key and
 * issues with the office's number, date and seal (services/intake README, "Signing and
 * issue"). The PIN goes in a header to intake, which passes it to signing; a USB token's
 * two steps are in doc-sign-two-step.ts.
 */
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Command } from '../io.ts';
import { asClient, type DocumentAnswer } from './doc-client.ts';
import { completeSignature, prepareSignature } from './doc-sign-two-step.ts';
import { signWithToken } from './doc-sign-token.ts';
import { asTokenUser, keyRef, tokenChoice, tokenOptionSpecs, tokenPin } from '../token/token-options.ts';

/** What intake answers an issue with. */
interface IssueAnswer {
  id: string;
  number: number;
  symbol: string;
  printed: string;
  sha256: string;
}

/** `lienthong doc sign ID --pin PIN`, or with a USB token `--token-module LIB.so`, or `--prepare` then `--complete`. */
export const docSignCommand: Command = {
  name: 'sign',
  summary: 'sign a document awaiting your signature with your key (PIN) or your USB token',
  usage: `Usage: lienthong doc sign ID --pin PIN [--invisible] [--page N] [--rect X1,Y1,X2,Y2]
         [--config FILE] [--json]
       lienthong doc sign ID --token-module LIB.so [--token-label L | --token-slot N]
         (--key-label L | --key-id HEX) (--pin-env VAR | --pin-stdin)
         [--certificate FILE] [--chain FILE]… [--invisible] [--page N] [--rect R]
         [--config FILE] [--json]
       lienthong doc sign ID --prepare --certificate FILE [--chain FILE]… -o TO-SIGN.json
         [--force] [--invisible] [--page N] [--rect R] [--config FILE] [--json]
       lienthong doc sign ID --complete TO-SIGN.json --signature FILE [--config FILE] [--json]

Signs a document of your office that names you as its signer: intake asks the
signing service to sign it with your personal key (PAdES B-T, leaving the number,
date and seal open), with a visible block of the authority form, your title and
name.

With a key on a USB token, in one command: --token-module loads the token's
PKCS#11 library, logs in with the PIN, takes the key's certificate (and its CAs)
from the token, or --certificate FILE when the token holds none, has intake
prepare the signature, signs it on the token (ECDSA: CKM_ECDSA over SHA-256/384;
RSA: CKM_SHA256_RSA_PKCS) and sends the value. The PIN comes from the variable
--pin-env names or the first line of standard input, never the command line.

Or by hand, in two steps: --prepare sends the token's certificate
and writes TO-SIGN.json (session, algorithm, signedAttributes, digest,
digestInfo, expiresAt); sign the bytes of signedAttributes (base64) on the token
with your signing tool (RSA: PKCS#1 v1.5 over digestInfo; ECDSA: DER or r||s);
--complete sends that value (the raw bytes of FILE) before expiresAt.

  --pin PIN            the PIN of your personal key (passed on, never kept)
  --token-module LIB   the USB token's PKCS#11 library (e.g. the VGCA token's .so)
  --token-label L      the token, by label (default: the only token present)
  --token-slot N       the token, by slot id ('lienthong token list')
  --key-label L        the signing key on the token, by label
  --key-id HEX         the signing key on the token, by CKA_ID
  --pin-env VAR        the environment variable holding the token's PIN
  --pin-stdin          read the token's PIN from the first line of standard input
  --prepare            step one with a USB token
  --certificate FILE   the token key's certificate (PEM or DER; more PEM blocks: its CAs);
                       with --token-module only when the token holds none
  --chain FILE         issuing CA certificates (repeatable)
  -o, --output FILE    where the to-sign file goes (--force replaces it)
  --complete FILE      step two: the to-sign file of --prepare
  --signature FILE     the token's signature value, raw bytes
  --invisible          no visible signature block
  --page N             the page of the block (default 1)
  --rect R             where the block goes, in points from the lower left
  --config FILE        client configuration (default: $LIENTHONG_CONFIG)
  --json               print the document (the to-sign file) or the problem as JSON

Exit status: 0 signed (prepared); 1 the service or the token refused (not your
document, wrong PIN, locked key, session expired, a value that does not verify …);
2 unusable command line, file, configuration, token module, or no such token or key.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc sign', args, {
      pin: { type: 'string' },
      prepare: { type: 'boolean' },
      certificate: { type: 'string' },
      chain: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      complete: { type: 'string' },
      signature: { type: 'string' },
      invisible: { type: 'boolean' },
      page: { type: 'string' },
      rect: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      ...tokenOptionSpecs,
    });
    const [id] = positionals('doc sign', rest, ['id']);
    const modes = [
      values.pin !== undefined,
      values.prepare === true,
      values.complete !== undefined,
      values['token-module'] !== undefined,
    ];
    if (modes.filter(Boolean).length > 1)
      throw new CliError('USAGE', 'doc sign: give one of --pin, --token-module, --prepare and --complete.');
    const stray = Object.keys(tokenOptionSpecs).find((o) => o !== 'token-module' && o in values);
    if (stray !== undefined && values['token-module'] === undefined)
      throw new CliError('USAGE', `doc sign: --${stray} goes with --token-module.`);
    if (values.page !== undefined && !/^[1-9]\d{0,4}$/.test(values.page))
      throw new CliError('USAGE', 'doc sign: --page must be a page number (1, 2, …).');
    const json = values.json === true;
    const block = { invisible: values.invisible === true, page: values.page, rect: values.rect };
    if (values['token-module'] !== undefined) {
      const other = (['output', 'force', 'signature'] as const).find((o) => values[o] !== undefined);
      if (other !== undefined) throw new CliError('USAGE', `doc sign: --${other} does not go with --token-module.`);
      const token = tokenChoice('doc sign', values);
      const key = keyRef('doc sign', values);
      const config = readClientConfig(io, values.config);
      const pin = await tokenPin('doc sign', io, values);
      const signing = {
        modulePath: values['token-module'],
        token,
        key,
        pin,
        ...(values.certificate !== undefined ? { certificate: values.certificate } : {}),
        ...(values.chain !== undefined ? { chain: values.chain } : {}),
      };
      return asClient(io, json, () =>
        asTokenUser(io, json, () => signWithToken(io, config, id!, signing, block, json)),
      );
    }
    if (values.prepare === true) {
      const certificate = required('doc sign', 'certificate', values.certificate);
      const output = required('doc sign', 'output', values.output);
      const config = readClientConfig(io, values.config);
      return asClient(io, json, () =>
        prepareSignature(
          io,
          config,
          id!,
          { certificate, output, force: values.force === true, ...(values.chain ? { chain: values.chain } : {}) },
          block,
          json,
        ),
      );
    }
    if (values.complete !== undefined) {
      const signature = required('doc sign', 'signature', values.signature);
      const config = readClientConfig(io, values.config);
      return asClient(io, json, () =>
        completeSignature(io, config, id!, { toSign: values.complete!, signature }, json),
      );
    }
    const pin = required('doc sign', 'pin', values.pin);
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const doc = await callService<DocumentAnswer>(io, config, 'intake', {
        method: 'POST',
        path: `/v1/documents/${encodeURIComponent(id!)}/signature`,
        headers: { 'lienthong-pin': pin },
        query: {
          visible: block.invisible ? 'false' : undefined,
          page: block.page,
          rect: block.rect,
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
