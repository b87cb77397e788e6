import { extendPdf, readPdfSignatures } from '@lienthong/pades';
import { parseCommandLine, positionals, required } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import { transformPdf } from '../inputs/pdf-files.ts';
import { readPdfValidationData } from '../inputs/pdf-validation-data.ts';
import { resolveTimeStamper, TSA_OPTION_SPECS, TSA_USAGE } from '../inputs/timestamp-authority.ts';
import type { Command } from '../io.ts';
import { parsePadesLevel } from './pdf-sign.ts';

const NAME = 'pdf extend';

const usage = `Usage: lienthong pdf extend IN OUT --level B-LT|B-LTA [options]

Extends the signatures of a signed PDF for the long term (ETSI EN 319 142-1
§5.4, §6.3) in incremental updates, earlier revisions untouched:
  B-LT   adds a Document Security Store (/DSS): the certificates of every
         signature and time-stamp in the file, the CRLs and OCSP responses
         given, and a /VRI entry for the newest signature;
  B-LTA  the same, then a document time-stamp (/DocTimeStamp, ETSI.RFC3161).
         On a B-LTA document this re-time-stamps: the DSS gains the previous
         time-stamp's certificates and the data given, then a new time-stamp.

Options:
  --level LEVEL          B-LT or B-LTA
${TSA_USAGE}
  --crl FILE             CRL(s) for the DSS (repeatable)
  --ocsp FILE            OCSP response(s) for the DSS (DER or PEM, repeatable)
  --dss-cert FILE        more certificates for the DSS, e.g. the root
                         (repeatable)
  --force                replace OUT if it exists
  -h, --help             this help

Exit status: 0 extended; 2 unusable input (one line on stderr; no OUT written).
`;

/** `lienthong pdf extend`: B-LT (DSS) and B-LTA (document time-stamp) on a signed PDF. */
export const pdfExtendCommand: Command = {
  name: 'extend',
  summary: 'extend a signed PDF to B-LT (DSS) or B-LTA (document time-stamp)',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      level: { type: 'string' },
      ...TSA_OPTION_SPECS,
      crl: { type: 'string', multiple: true },
      ocsp: { type: 'string', multiple: true },
      'dss-cert': { type: 'string', multiple: true },
      force: { type: 'boolean' },
    });
    const [input, output] = positionals(NAME, rest, ['in', 'out']);
    const level = parsePadesLevel(NAME, required(NAME, 'level', values.level), ['B-LT', 'B-LTA']);
    const timeStamper = resolveTimeStamper(io, NAME, values);
    if (level === 'B-LTA' && timeStamper === undefined)
      throw new CliError(
        'USAGE',
        `${NAME}: --level B-LTA needs a time-stamp: give --tsa URL or --tsa-key and --tsa-cert.`,
      );
    const data = readPdfValidationData(io, { crl: values.crl, ocsp: values.ocsp, certs: values['dss-cert'] });
    await transformPdf(io, { input: input!, output: output!, force: values.force === true }, async (source, sink) => {
      if ((await readPdfSignatures(source)).length === 0) {
        throw new CliError(
          'PDF_NOT_SIGNED',
          `${input!}: no signature or document time-stamp to extend; sign it first ('lienthong pdf sign').`,
        );
      }
      await extendPdf(source, sink, {
        level: level as 'B-LT' | 'B-LTA',
        ...(timeStamper === undefined ? {} : { timeStamper }),
        validationData: data,
      });
    });
    io.stdout(
      `${output!}: extended to PAdES ${level} (DSS${level === 'B-LTA' ? ' and a document time-stamp' : ''}).\n`,
    );
    return EXIT.ok;
  },
};
