import { generateKeyPair, issueCertificate } from '@lienthong/pki';
import { parseCommandLine, parseInteger, parseIsoDate, positionals, required } from '../args.ts';
import { parseDistinguishedName } from '../distinguished-name.ts';
import { CliError, EXIT } from '../errors.ts';
import { loadIssuer } from '../inputs/issuer.ts';
import { resolvePassphrases } from '../inputs/passphrases.ts';
import { assertSubjectComplete, parseProfile, profileTemplate } from '../inputs/profile-templates.ts';
import { parseOid } from '../inputs/validation-inputs.ts';
import type { Command } from '../io.ts';
import { parseKeyType } from '../key-types.ts';
import { assertKeyPairWritable, writeKeyPair } from '../output/key-files.ts';

const NAME = 'pki issue';

const usage = `Usage: lienthong pki issue --profile seal|person|tsa|ocsp --issuer-cert FILE --issuer-key FILE --out DIR
                          (--name DN | --organization O --common-name CN [--title T] [--office OU]) [options]

Issues an end-entity certificate and a new key pair, signed by the CA given.
Writes DIR/cert.pem and DIR/key.pem. Profiles:
  seal    the seal of an office (con dấu của cơ quan): C, O=organization,
          CN=common name; keyUsage digitalSignature + nonRepudiation
  person  a person who signs (người ký): C, O, OU=office, title, CN=name;
          --title and --office required
  tsa     a time-stamping unit (RFC 3161): extKeyUsage timeStamping, critical
  ocsp    a delegated OCSP responder (RFC 6960): OCSPSigning, ocsp-nocheck

Options:
  --name DN                    the whole subject ("CN=…,O=…,C=VN" or "/C=VN/O=…/CN=…"),
                               instead of the fields below
  --organization O, --common-name CN, --title T, --office OU
  --country C                  country (default VN)
  --email ADDRESS              rfc822Name subjectAltName (person)
  --eku OID|NAME               extra extKeyUsage (seal, person; repeatable)
  --key-type TYPE              rsa2048 (default), rsa3072, rsa4096, p256, p384
  --days N                     validity in days (default 730)
  --not-before ISO-8601        start of validity (default now)
  --policy OID                 certificatePolicies (repeatable)
  --crl-uri URI                cRLDistributionPoints (repeatable)
  --ocsp-uri URI               authorityInfoAccess OCSP (repeatable)
  --passphrase-env VAR         variable holding the passphrase that encrypts key.pem
                               (at least 16 characters); also decrypts the issuer key
                               unless --issuer-passphrase-env is given
  --issuer-passphrase-env VAR  variable holding the issuer key's passphrase
  --force                      overwrite DIR/cert.pem and DIR/key.pem
  -h, --help                   this help
`;

/** `lienthong pki issue`: an end-entity certificate of one of the project's profiles. */
export const issueCommand: Command = {
  name: NAME,
  summary: 'issue a seal, person, TSA or OCSP responder certificate',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      profile: { type: 'string' },
      'issuer-cert': { type: 'string' },
      'issuer-key': { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      organization: { type: 'string' },
      'common-name': { type: 'string' },
      title: { type: 'string' },
      office: { type: 'string' },
      country: { type: 'string' },
      email: { type: 'string' },
      eku: { type: 'string', multiple: true },
      'key-type': { type: 'string' },
      days: { type: 'string' },
      'not-before': { type: 'string' },
      policy: { type: 'string', multiple: true },
      'crl-uri': { type: 'string', multiple: true },
      'ocsp-uri': { type: 'string', multiple: true },
      'passphrase-env': { type: 'string' },
      'issuer-passphrase-env': { type: 'string' },
      force: { type: 'boolean' },
    });
    positionals(NAME, rest, []);
    const profile = parseProfile(required(NAME, 'profile', values.profile));
    const out = required(NAME, 'out', values.out);
    if (values.name !== undefined && (values.organization !== undefined || values['common-name'] !== undefined)) {
      throw new CliError('USAGE', `${NAME}: give either --name or --organization/--common-name, not both.`);
    }
    const subject = {
      ...(values.name === undefined ? {} : { dn: parseDistinguishedName(values.name) }),
      organization: values.organization,
      commonName: values['common-name'],
      title: values.title,
      office: values.office,
      email: values.email,
      country: values.country ?? 'VN',
    };
    assertSubjectComplete(profile, subject);
    const keySpec = parseKeyType(values['key-type'] ?? 'rsa2048');
    const validityDays = values.days === undefined ? 730 : parseInteger('days', values.days, 1, 36_500);
    const notBefore = values['not-before'] === undefined ? undefined : parseIsoDate('not-before', values['not-before']);
    const policies = (values.policy ?? []).map((p) => parseOid('policy', p));
    const ekus = (values.eku ?? []).map((p) => parseOid('eku', p));
    const passphrases = resolvePassphrases(io, values, true);
    const issuer = loadIssuer(
      io,
      required(NAME, 'issuer-cert', values['issuer-cert']),
      required(NAME, 'issuer-key', values['issuer-key']),
      passphrases.issuerKey,
    );
    assertKeyPairWritable(io, out, values.force === true);
    const keys = await generateKeyPair(keySpec);
    const template = profileTemplate(
      profile,
      subject,
      {
        publicKey: keys.publicKey,
        validityDays,
        ...(notBefore === undefined ? {} : { notBefore }),
        policies,
        crlUris: values['crl-uri'] ?? [],
        ocspUris: values['ocsp-uri'] ?? [],
      },
      ekus,
    );
    const certificate = await issueCertificate(template, issuer);
    writeKeyPair(io, out, certificate, keys.privateKey, passphrases.newKey);
    return EXIT.ok;
  },
};
