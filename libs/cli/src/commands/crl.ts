import { formatName, issueCrl, toPem } from '@lienthong/pki';
import { parseCommandLine, parseInteger, parseIsoDate, positionals, required } from '../args.ts';
import { EXIT } from '../errors.ts';
import { writeOutput } from '../inputs/files.ts';
import { loadIssuer } from '../inputs/issuer.ts';
import { resolvePassphrases } from '../inputs/passphrases.ts';
import { parseRevocation } from '../inputs/revocations.ts';
import type { Command } from '../io.ts';

const NAME = 'pki crl';

const usage = `Usage: lienthong pki crl --issuer-cert FILE --issuer-key FILE --out FILE [options]

Issues a v2 CRL (RFC 5280 §5) signed by the CA given, with cRLNumber and
authorityKeyIdentifier, listing the serial numbers revoked. Writes PEM
(X509 CRL), or DER when --out ends in .der.

Options:
  --revoke SERIAL[:REASON]   revoke a serial number in hex (colons allowed), with an
                             optional reason: keyCompromise, cACompromise,
                             affiliationChanged, superseded, cessationOfOperation,
                             certificateHold, removeFromCRL, privilegeWithdrawn,
                             aACompromise, unspecified (repeatable)
  --this-update ISO-8601     thisUpdate and revocation date (default now)
  --next-update-days N       nextUpdate after thisUpdate, in days (default 7)
  --number N                 cRLNumber (default thisUpdate in seconds since 1970,
                             so that later CRLs carry larger numbers)
  --passphrase-env VAR       variable holding the passphrase of an encrypted issuer key
  -h, --help                 this help
`;

/** `lienthong pki crl`: a CRL of the given CA. */
export const crlCommand: Command = {
  name: NAME,
  summary: 'issue a CRL revoking serial numbers',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      'issuer-cert': { type: 'string' },
      'issuer-key': { type: 'string' },
      out: { type: 'string' },
      revoke: { type: 'string', multiple: true },
      'this-update': { type: 'string' },
      'next-update-days': { type: 'string' },
      number: { type: 'string' },
      'passphrase-env': { type: 'string' },
    });
    positionals(NAME, rest, []);
    const out = required(NAME, 'out', values.out);
    const thisUpdate =
      values['this-update'] === undefined ? new Date() : parseIsoDate('this-update', values['this-update']);
    const days =
      values['next-update-days'] === undefined
        ? 7
        : parseInteger('next-update-days', values['next-update-days'], 1, 3650);
    const crlNumber =
      values.number === undefined
        ? BigInt(Math.floor(thisUpdate.getTime() / 1000))
        : BigInt(parseInteger('number', values.number, 0, Number.MAX_SAFE_INTEGER));
    const revoked = (values.revoke ?? []).map((r) => parseRevocation(r, thisUpdate));
    const passphrases = resolvePassphrases(io, values, false);
    const issuer = loadIssuer(
      io,
      required(NAME, 'issuer-cert', values['issuer-cert']),
      required(NAME, 'issuer-key', values['issuer-key']),
      passphrases.issuerKey,
    );
    const crl = await issueCrl(
      { crlNumber, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + days * 86_400_000), revoked },
      issuer.certificate,
      issuer.signer,
    );
    writeOutput(io, out, out.toLowerCase().endsWith('.der') ? crl.der : toPem('X509 CRL', crl.der));
    io.stdout(
      `wrote ${out}: CRL #${crlNumber} of ${formatName(crl.issuer)}, ${crl.entries.length} revoked, thisUpdate ${thisUpdate.toISOString()}, nextUpdate ${crl.nextUpdate?.toISOString() ?? '-'}\n`,
    );
    return EXIT.ok;
  },
};
