/**
 * `lienthong token list` and `lienthong token csr`: the signer's USB token (a PKCS#11
 * device; src/token/). `list` shows the module's slots, their tokens and, with the PIN,
 * the key and certificate objects (labels and ids, never a key value or the PIN). `csr`
 * makes a PKCS #10 certification request signed by a key on the token (generated there on
 * request), for `lienthong key request --csr`; the private key never leaves the token.
 */
import { buildCertificationRequest, toPem } from '@lienthong/pki';
import type { NameInput } from '@lienthong/pki';
import { parseCommandLine, positionals, required } from '../args.ts';
import { parseDistinguishedName } from '../distinguished-name.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, writeOutput } from '../inputs/files.ts';
import type { Command } from '../io.ts';
import { chooseSlot, listSlots, openSession, withTokenModule } from '../token/pkcs11-module.ts';
import {
  findPrivateKey,
  generateKeyPair,
  listObjects,
  publicKeyOf,
  certificateOf,
  type TokenKeySpec,
  type TokenObjectSummary,
} from '../token/token-objects.ts';
import { asTokenUser, keyRef, tokenChoice, tokenOptionSpecs, tokenPin } from '../token/token-options.ts';
import { algorithmForKey, tokenSigner } from '../token/token-signer.ts';

/** `lienthong token list`. */
export const tokenListCommand: Command = {
  name: 'list',
  summary: "list a USB token's slots, and its keys and certificates (PKCS#11)",
  usage: `Usage: lienthong token list --token-module LIB.so [--token-label L | --token-slot N]
         [--pin-env VAR | --pin-stdin] [--json]

Lists the slots of a PKCS#11 module (a USB token's library) and the token in
each: slot id, label, manufacturer, model, serial. With a PIN, also the key and
certificate objects of the token chosen (the only one present, or the one
named): class, label, CKA_ID in hex, key type, a certificate's subject and end.
No key value and no PIN is ever printed.

  --token-module LIB   the token's PKCS#11 library
  --token-label L      list the objects of this token
  --token-slot N       list the objects of the token in slot N
  --pin-env VAR        the environment variable holding the token's PIN
  --pin-stdin          read the token's PIN from the first line of standard input
  --json               print { "slots": [ … ], "objects": [ … ] }

Exit status: 0 listed; 1 the token refused the PIN; 2 unusable command line, or a
module that is not a PKCS#11 module, or no such token.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('token list', args, {
      ...tokenOptionSpecs,
      json: { type: 'boolean' },
    });
    positionals('token list', rest, []);
    if (values['key-label'] !== undefined || values['key-id'] !== undefined)
      throw new CliError(
        'USAGE',
        'token list: lists every key; --key-label and --key-id are for token csr and doc sign.',
      );
    const modulePath = required('token list', 'token-module', values['token-module']);
    const choice = tokenChoice('token list', values);
    const withPin = values['pin-env'] !== undefined || values['pin-stdin'] === true;
    const pin = withPin ? await tokenPin('token list', io, values) : undefined;
    const json = values.json === true;
    return asTokenUser(io, json, () =>
      withTokenModule(modulePath, (m) => {
        const slots = listSlots(m);
        let objects: TokenObjectSummary[] | undefined;
        if (pin !== undefined) {
          const session = openSession(m, chooseSlot(m, choice), { pin });
          try {
            objects = listObjects(session);
          } finally {
            session.close();
          }
        }
        if (json) {
          const shown = slots.map(({ id, description, token }) => ({ id, description, token: token ?? null }));
          io.stdout(`${JSON.stringify({ slots: shown, ...(objects ? { objects } : {}) }, null, 2)}\n`);
          return EXIT.ok;
        }
        for (const s of slots)
          io.stdout(
            s.token === undefined
              ? `slot ${s.id}  (no token)  ${s.description}\n`
              : `slot ${s.id}  '${s.token.label}'  ${s.token.manufacturer} ${s.token.model}, serial ${s.token.serial}${s.token.initialized ? '' : ' (not initialised)'}\n`,
          );
        for (const o of objects ?? [])
          io.stdout(
            `  ${o.class.padEnd(11)}  id ${o.id || '-'}  '${o.label}'${o.keyType ? `  ${o.keyType}` : ''}${o.subject !== undefined ? `  ${o.subject}, until ${o.notAfter}` : ''}\n`,
          );
        if (pin === undefined && slots.some((s) => s.token !== undefined))
          io.stdout('(give the PIN with --pin-env VAR or --pin-stdin to list the keys and certificates)\n');
        return EXIT.ok;
      }),
    );
  },
};

const KEY_SPECS: readonly TokenKeySpec[] = ['p-256', 'p-384', 'rsa-2048', 'rsa-3072'];

/** `lienthong token csr`. */
export const tokenCsrCommand: Command = {
  name: 'csr',
  summary: 'make a certification request signed by a key on your USB token (for key request --csr)',
  usage: `Usage: lienthong token csr --token-module LIB.so [--token-label L | --token-slot N]
         (--key-label L | --key-id HEX) [--generate p-256|p-384|rsa-2048|rsa-3072]
         (--pin-env VAR | --pin-stdin) [--subject DN] -o REQ.der [--pem] [--force] [--json]

Makes a PKCS #10 certification request (RFC 2986) for a key on the token, signed
by that key on the token (its proof of possession): the request to send with
'lienthong key request --csr REQ.der'. With --generate, the key pair is first
generated on the token under --key-label (private, sensitive, not extractable:
it never leaves the token). The CA certifies your registered name, not the
request's subject (--subject, default CN=the key label).

  --token-module LIB   the token's PKCS#11 library
  --token-label L      the token, by label (default: the only token present)
  --token-slot N       the token, by slot id ('lienthong token list')
  --key-label L        the key, by label (the new pair's label with --generate)
  --key-id HEX         the key, by CKA_ID (not with --generate)
  --generate TYPE      generate the pair on the token first
  --pin-env VAR        the environment variable holding the token's PIN
  --pin-stdin          read the token's PIN from the first line of standard input
  --subject DN         the request's subject, e.g. "CN=Nguyễn Văn An, O=Tỉnh ủy Cà Mau"
  -o, --output FILE    where the request goes: DER, or PEM with --pem (--force replaces it)
  --json               print { "file", "token", "keyLabel", "keyId", "keyType", "generated" }

Exit status: 0 written; 1 the token refused the PIN or an operation; 2 unusable
command line, a module that is not a PKCS#11 module, no such token or key, a label
already taken (--generate).
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('token csr', args, {
      ...tokenOptionSpecs,
      generate: { type: 'string' },
      subject: { type: 'string' },
      output: { type: 'string', short: 'o' },
      pem: { type: 'boolean' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    positionals('token csr', rest, []);
    const modulePath = required('token csr', 'token-module', values['token-module']);
    const choice = tokenChoice('token csr', values);
    const ref = keyRef('token csr', values);
    const generate = values.generate as TokenKeySpec | undefined;
    if (generate !== undefined && !KEY_SPECS.includes(generate))
      throw new CliError('USAGE', `token csr: --generate must be one of ${KEY_SPECS.join(', ')}.`);
    if (generate !== undefined && (ref.label === undefined || ref.id !== undefined))
      throw new CliError(
        'USAGE',
        "token csr: --generate takes the new pair's --key-label (its id is made on the token).",
      );
    const output = required('token csr', 'output', values.output);
    assertWritable(io, [output], values.force === true);
    let subject: NameInput | undefined;
    if (values.subject !== undefined) subject = parseDistinguishedName(values.subject);
    const pin = await tokenPin('token csr', io, values);
    const json = values.json === true;
    return asTokenUser(io, json, () =>
      withTokenModule(modulePath, async (m) => {
        const session = openSession(m, chooseSlot(m, choice), { pin, rw: generate !== undefined });
        try {
          const key =
            generate !== undefined ? generateKeyPair(session, ref.label!, generate) : findPrivateKey(session, ref);
          const spki = publicKeyOf(session, key) ?? certificateOf(session, key, undefined)?.certificate.spki;
          if (spki === undefined)
            throw new CliError(
              'TOKEN_KEY_NOT_FOUND',
              `token '${session.tokenLabel}' holds neither the public key nor a certificate of '${key.label}'.`,
            );
          const algorithm = algorithmForKey(spki);
          const der = await buildCertificationRequest(
            { subject: subject ?? [{ type: 'CN', value: key.label }], spki },
            tokenSigner(session, key, algorithm),
          );
          writeOutput(io, output, values.pem === true ? toPem('CERTIFICATE REQUEST', der) : der);
          const keyType = algorithm.startsWith('RSA') ? 'rsa' : algorithm === 'ECDSA-SHA384' ? 'p-384' : 'p-256';
          const summary = {
            file: output,
            token: session.tokenLabel,
            keyLabel: key.label,
            keyId: key.id.toString('hex'),
            keyType,
            generated: generate !== undefined,
          };
          io.stdout(
            json
              ? `${JSON.stringify(summary, null, 2)}\n`
              : `${output}: certification request of key '${key.label}' (id ${summary.keyId}, ${keyType}) on token '${session.tokenLabel}'${summary.generated ? ', generated there' : ''}; then: lienthong key request --csr ${output}\n`,
          );
          return EXIT.ok;
        } finally {
          session.close();
        }
      }),
    );
  },
};
