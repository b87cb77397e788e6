import { caProfile, generateKeyPair, issueCertificate, keySigner } from '@lienthong/pki';
import { parseCommandLine, parseInteger, parseIsoDate, positionals, required } from '../args.ts';
import { parseDistinguishedName } from '../distinguished-name.ts';
import { EXIT } from '../errors.ts';
import { loadIssuer } from '../inputs/issuer.ts';
import { issuerPair, resolvePassphrases } from '../inputs/passphrases.ts';
import { parseOid } from '../inputs/validation-inputs.ts';
import type { Command } from '../io.ts';
import { parseKeyType } from '../key-types.ts';
import { assertKeyPairWritable, writeKeyPair } from '../output/key-files.ts';

const NAME = 'pki ca';

const usage = `Usage: lienthong pki ca --out DIR --name DN [options]

Creates a CA (RFC 5280 §4.2.1.9 basicConstraints cA, keyUsage keyCertSign and
cRLSign): a self-signed root, or an intermediate when --issuer-cert and
--issuer-key are given. Writes DIR/cert.pem and DIR/key.pem (PKCS#8; encrypted
when --passphrase-env names a variable holding the passphrase).

Options:
  --out DIR                    output folder (required)
  --name DN                    subject, RFC 4514 "CN=…,O=…,C=VN" or "/C=VN/O=…/CN=…" (required)
  --key-type TYPE              rsa2048, rsa3072 (default), rsa4096, p256, p384
  --days N                     validity in days (default 3650 for a root, 1825 otherwise)
  --not-before ISO-8601        start of validity (default now)
  --issuer-cert FILE           certificate of the issuing CA (makes an intermediate)
  --issuer-key FILE            private key of the issuing CA
  --path-length N              pathLenConstraint (RFC 5280 §4.2.1.9)
  --policy OID                 certificatePolicies (repeatable)
  --crl-uri URI                cRLDistributionPoints (repeatable)
  --passphrase-env VAR         name of the environment variable holding the passphrase
                               that encrypts key.pem (at least 16 characters); it also
                               decrypts an encrypted issuer key unless
                               --issuer-passphrase-env names another variable
  --issuer-passphrase-env VAR  variable holding the issuer key's passphrase
  --force                      overwrite DIR/cert.pem and DIR/key.pem
  -h, --help                   this help

The passphrase is read only from the variable named; never pass it on the
command line. The private key is never printed.
`;

/** `lienthong pki ca`: a root or intermediate CA certificate and key. */
export const caCommand: Command = {
  name: NAME,
  summary: 'create a root or intermediate CA (cert.pem, key.pem)',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      out: { type: 'string' },
      name: { type: 'string' },
      'key-type': { type: 'string' },
      days: { type: 'string' },
      'not-before': { type: 'string' },
      'issuer-cert': { type: 'string' },
      'issuer-key': { type: 'string' },
      'path-length': { type: 'string' },
      policy: { type: 'string', multiple: true },
      'crl-uri': { type: 'string', multiple: true },
      'passphrase-env': { type: 'string' },
      'issuer-passphrase-env': { type: 'string' },
      force: { type: 'boolean' },
    });
    positionals(NAME, rest, []);
    const out = required(NAME, 'out', values.out);
    const subject = parseDistinguishedName(required(NAME, 'name', values.name));
    const keySpec = parseKeyType(values['key-type'] ?? 'rsa3072');
    const issuerFiles = issuerPair(NAME, values['issuer-cert'], values['issuer-key']);
    const validityDays =
      values.days === undefined
        ? issuerFiles === undefined
          ? 3650
          : 1825
        : parseInteger('days', values.days, 1, 36_500);
    const notBefore = values['not-before'] === undefined ? undefined : parseIsoDate('not-before', values['not-before']);
    const pathLenConstraint =
      values['path-length'] === undefined ? undefined : parseInteger('path-length', values['path-length'], 0, 32);
    const policies = (values.policy ?? []).map((p) => parseOid('policy', p));
    const passphrases = resolvePassphrases(io, values, true);
    const issuer =
      issuerFiles === undefined ? undefined : loadIssuer(io, issuerFiles.cert, issuerFiles.key, passphrases.issuerKey);
    assertKeyPairWritable(io, out, values.force === true);
    const keys = await generateKeyPair(keySpec);
    const template = caProfile({
      subject,
      publicKey: keys.publicKey,
      validityDays,
      ...(notBefore === undefined ? {} : { notBefore }),
      ...(pathLenConstraint === undefined ? {} : { pathLenConstraint }),
      policies,
      crlUris: values['crl-uri'] ?? [],
    });
    const certificate = await issueCertificate(template, issuer ?? { signer: keySigner(keys.privateKey) });
    writeKeyPair(io, out, certificate, keys.privateKey, passphrases.newKey);
    return EXIT.ok;
  },
};
