import { SEAL_FIELD, signPdf, type PadesLevel, type SignPdfOptions } from '@lienthong/pades';
import { formatName } from '@lienthong/pki';
import { parseCommandLine, positionals, required } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import { readAppearanceSpec, visibleSignature } from '../inputs/pdf-appearance.ts';
import { checkPdfOutput, transformPdf } from '../inputs/pdf-files.ts';
import { loadSigningIdentity } from '../inputs/pdf-signing-key.ts';
import { readPdfValidationData } from '../inputs/pdf-validation-data.ts';
import { resolveTimeStamper, TSA_OPTION_SPECS, TSA_USAGE } from '../inputs/timestamp-authority.ts';
import type { Command } from '../io.ts';

const NAME = 'pdf sign';

const usage = `Usage: lienthong pdf sign IN OUT --key FILE [--cert FILE] [options]

Signs IN as PAdES (ETSI EN 319 142-1) and writes OUT as an incremental update:
IN's bytes are kept, a signature revision is appended. Files are streamed;
OUT is written to OUT.tmp-<pid> and renamed, so a failure leaves no OUT.

Key:
  --key FILE             PKCS#8 PEM/DER private key (encrypted or not), or
                         a PKCS#12 file (.p12/.pfx): key, certificate, chain
  --cert FILE            signer certificate (a bundle: signer first, then CAs);
                         optional with a PKCS#12 key
  --chain FILE           issuing CA certificates to embed (repeatable)
  --passphrase-env VAR   variable holding the key passphrase / PKCS#12 password

Level and validation data:
  --level LEVEL          B-B, B-T, B-LT or B-LTA (default: B-T with a TSA,
                         else B-B)
${TSA_USAGE}
  --crl FILE             CRL(s) for the DSS of B-LT/B-LTA (repeatable)
  --ocsp FILE            OCSP response(s) for the DSS (DER or PEM, repeatable)
  --dss-cert FILE        more certificates for the DSS, e.g. the root
                         (repeatable)

Field and flow:
  --field NAME           sign this field (fills an empty signature field of
                         that name, else creates it); default Signature<n>
  --seal                 the office seal of the Party flow:
                         --field ${SEAL_FIELD}
  --allow-stamp          certify (DocMDP P 2) leaving the number, date and seal
                         fields open, creating them when the document has none,
                         so 'pdf stamp' and the seal are permitted changes
  --certify P            certification signature with DocMDP P 1, 2 or 3
  --appearance JSON      visible signature: inline JSON or a file, e.g.
                           {"page": 1, "rect": [350, 80, 550, 150],
                            "authority": "K/T BÍ THƯ", "title": "PHÓ BÍ THƯ",
                            "name": "Nguyễn Văn An", "image": "seal.png"}
                         or "lines": ["…", {"text": "…", "bold": true}];
                         "layout": "image-left" or "image-behind"; drawn in
                         Noto Sans (Vietnamese); a prepared field keeps its
                         rectangle and the appearance is fitted into it
  --reason TEXT, --location TEXT   /Reason and /Location
  --force                replace OUT if it exists
  -h, --help             this help

Exit status: 0 signed; 2 unusable input (one line on stderr; no OUT written).
`;

const LEVELS: readonly PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

/** Reads --level: one of the PAdES baseline levels (ETSI EN 319 142-1 §6). */
export function parsePadesLevel(command: string, value: string, allowed: readonly PadesLevel[] = LEVELS): PadesLevel {
  const level = allowed.find((l) => l === value.toUpperCase());
  if (level === undefined) throw new CliError('USAGE', `${command}: --level ${value}: expected ${allowed.join(', ')}.`);
  return level;
}

function certifyLevel(value: string | undefined): 1 | 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value !== '1' && value !== '2' && value !== '3')
    throw new CliError('USAGE', `--certify ${value}: expected 1, 2 or 3 (DocMDP /P).`);
  return Number(value) as 1 | 2 | 3;
}

/** `lienthong pdf sign`: a PAdES baseline signature (B-B … B-LTA) on a PDF file. */
export const pdfSignCommand: Command = {
  name: 'sign',
  summary: 'sign a PDF (PAdES B-B, B-T, B-LT, B-LTA; the Party flow)',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      key: { type: 'string' },
      cert: { type: 'string' },
      chain: { type: 'string', multiple: true },
      'passphrase-env': { type: 'string' },
      level: { type: 'string' },
      ...TSA_OPTION_SPECS,
      crl: { type: 'string', multiple: true },
      ocsp: { type: 'string', multiple: true },
      'dss-cert': { type: 'string', multiple: true },
      field: { type: 'string' },
      seal: { type: 'boolean' },
      'allow-stamp': { type: 'boolean' },
      certify: { type: 'string' },
      appearance: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      force: { type: 'boolean' },
    });
    const [input, output] = positionals(NAME, rest, ['in', 'out']);
    const files = { input: input!, output: output!, force: values.force === true };
    const key = required(NAME, 'key', values.key);
    if (values.seal === true && values.field !== undefined && values.field !== SEAL_FIELD)
      throw new CliError(
        'USAGE',
        `${NAME}: --seal signs the field ${SEAL_FIELD}; it does not go with --field ${values.field}.`,
      );
    const fieldName = values.seal === true ? SEAL_FIELD : values.field;
    checkPdfOutput(io, files);
    const identity = loadSigningIdentity(io, {
      key,
      cert: values.cert,
      chain: values.chain,
      passphraseEnv: values['passphrase-env'],
      names: { key: 'key', cert: 'cert', passphraseEnv: 'passphrase-env' },
    });
    const timeStamper = resolveTimeStamper(io, NAME, values);
    const level =
      values.level === undefined ? (timeStamper === undefined ? 'B-B' : 'B-T') : parsePadesLevel(NAME, values.level);
    if (level !== 'B-B' && timeStamper === undefined)
      throw new CliError(
        'USAGE',
        `${NAME}: --level ${level} needs a time-stamp: give --tsa URL or --tsa-key and --tsa-cert.`,
      );
    const data = readPdfValidationData(io, { crl: values.crl, ocsp: values.ocsp, certs: values['dss-cert'] });
    const appearance =
      values.appearance === undefined ? undefined : visibleSignature(readAppearanceSpec(io, values.appearance));
    const certify = certifyLevel(values.certify);
    const options: SignPdfOptions = {
      signer: identity.signer,
      certificate: identity.certificate,
      chain: identity.chain,
      level,
      ...(timeStamper === undefined ? {} : { timeStamper }),
      validationData: data,
      ...(fieldName === undefined ? {} : { fieldName }),
      ...(values['allow-stamp'] === true ? { allowStamp: true } : {}),
      ...(certify === undefined ? {} : { certify }),
      ...(appearance ?? {}),
      ...(values.reason === undefined ? {} : { reason: values.reason }),
      ...(values.location === undefined ? {} : { location: values.location }),
    };
    await transformPdf(io, files, (source, sink) => signPdf(source, sink, options));
    io.stdout(
      `${files.output}: signed PAdES ${level}${fieldName === undefined ? '' : ` in field ${fieldName}`}${values['allow-stamp'] === true ? ', certified (DocMDP P 2) with the number, date and seal fields open' : ''}; signer ${formatName(identity.certificate.subject)}.\n`,
    );
    return EXIT.ok;
  },
};
