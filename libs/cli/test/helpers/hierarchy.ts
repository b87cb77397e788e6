// A test PKI built only through the CLI, at pinned times: root → intermediate →
// seal, person, TSA, OCSP responder, and a person whose certificate is revoked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCertificate, fromPem } from '@lienthong/pki';
import { lienthong } from './cli.ts';

export const NOT_BEFORE = '2026-01-01T00:00:00Z';
export const CRL_TIME = '2026-01-02T00:00:00Z';
/** Validation time: inside every validity period and before the CRLs' nextUpdate. */
export const AT = '2026-01-10T00:00:00Z';
export const AT_EPOCH = String(Date.parse(AT) / 1000);

export const ORG = 'Văn phòng Trung ương Đảng';
export const PROVINCE = 'Tỉnh ủy Hà Nội';

export interface CliHierarchy {
  readonly dir: string;
  readonly root: string;
  readonly intermediate: string;
  readonly crls: readonly string[];
  readonly leaves: { readonly seal: string; readonly person: string; readonly tsa: string; readonly ocsp: string };
  readonly revoked: string;
}

function must(dir: string, args: string[]): void {
  const r = lienthong(dir, args);
  if (r.code !== 0) throw new Error(`lienthong ${args.join(' ')} → ${r.code}: ${r.stderr}`);
}

/** The serial of the certificate in a PEM file, hex as the CLI prints it. */
export function serialOf(path: string): string {
  return readCertificate(fromPem(readFileSync(path, 'latin1'))[0]!.der).serialHex;
}

export function buildCliHierarchy(dir: string): CliHierarchy {
  must(dir, [
    'pki',
    'ca',
    '--out',
    'root',
    '--name',
    `CN=Lienthong CLI Test Root,O=${ORG},C=VN`,
    '--key-type',
    'rsa2048',
    '--not-before',
    NOT_BEFORE,
  ]);
  must(dir, [
    'pki',
    'ca',
    '--out',
    'inter',
    '--name',
    `/C=VN/O=${ORG}/CN=Lienthong CLI Issuing CA`,
    '--key-type',
    'p256',
    '--issuer-cert',
    'root/cert.pem',
    '--issuer-key',
    'root/key.pem',
    '--path-length',
    '0',
    '--not-before',
    NOT_BEFORE,
  ]);
  const issue = (out: string, profile: string, subject: string[]): void =>
    must(dir, [
      'pki',
      'issue',
      '--profile',
      profile,
      '--issuer-cert',
      'inter/cert.pem',
      '--issuer-key',
      'inter/key.pem',
      '--out',
      out,
      '--not-before',
      NOT_BEFORE,
      '--key-type',
      'p256',
      ...subject,
    ]);
  issue('seal', 'seal', ['--organization', PROVINCE, '--common-name', 'Văn phòng Tỉnh ủy']);
  issue('person', 'person', [
    '--organization',
    PROVINCE,
    '--common-name',
    'Nguyễn Văn An',
    '--title',
    'Chánh Văn phòng',
    '--office',
    'Văn phòng Tỉnh ủy',
  ]);
  issue('tsa', 'tsa', ['--name', `CN=Lienthong TSA,O=${ORG},C=VN`]);
  issue('ocsp', 'ocsp', ['--organization', ORG, '--common-name', 'Lienthong OCSP']);
  issue('revoked', 'person', [
    '--organization',
    PROVINCE,
    '--common-name',
    'Trần Thị Bình',
    '--title',
    'Phó Chánh Văn phòng',
    '--office',
    'Văn phòng Tỉnh ủy',
  ]);
  must(dir, [
    'pki',
    'crl',
    '--issuer-cert',
    'root/cert.pem',
    '--issuer-key',
    'root/key.pem',
    '--out',
    'root.crl',
    '--this-update',
    CRL_TIME,
    '--next-update-days',
    '30',
    '--number',
    '1',
  ]);
  must(dir, [
    'pki',
    'crl',
    '--issuer-cert',
    'inter/cert.pem',
    '--issuer-key',
    'inter/key.pem',
    '--out',
    'inter.crl',
    '--this-update',
    CRL_TIME,
    '--next-update-days',
    '30',
    '--revoke',
    `${serialOf(join(dir, 'revoked', 'cert.pem'))}:keyCompromise`,
  ]);
  return {
    dir,
    root: 'root/cert.pem',
    intermediate: 'inter/cert.pem',
    crls: ['root.crl', 'inter.crl'],
    leaves: { seal: 'seal/cert.pem', person: 'person/cert.pem', tsa: 'tsa/cert.pem', ocsp: 'ocsp/cert.pem' },
    revoked: 'revoked/cert.pem',
  };
}

/** `--anchor root --intermediate inter --crl … --at AT` for a hierarchy. */
export function chainArgs(h: CliHierarchy, withCrls = true): string[] {
  return [
    '--anchor',
    h.root,
    '--intermediate',
    h.intermediate,
    ...(withCrls ? h.crls.flatMap((c) => ['--crl', c]) : []),
    '--at',
    AT,
  ];
}
