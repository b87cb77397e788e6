import type { KeyObject } from 'node:crypto';
import {
  officeSealProfile,
  ocspResponderProfile,
  personProfile,
  tsaProfile,
  type CertificateTemplate,
  type NameInput,
  type ProfileCommon,
} from '@lienthong/pki';
import { CliError } from '../errors.ts';

/** End-entity profiles of `pki issue`. */
export const PROFILES = ['seal', 'person', 'tsa', 'ocsp'] as const;

/** One of {@link PROFILES}. */
export type ProfileName = (typeof PROFILES)[number];

/** The subject as typed: a whole DN, or the fields a profile puts together. */
export interface SubjectInput {
  readonly dn?: NameInput;
  readonly organization?: string;
  readonly commonName?: string;
  readonly title?: string;
  readonly office?: string;
  readonly email?: string;
  readonly country: string;
}

/** Reads --profile. */
export function parseProfile(value: string): ProfileName {
  const p = PROFILES.find((x) => x === value);
  if (p === undefined) throw new CliError('USAGE', `--profile ${value}: expected one of ${PROFILES.join(', ')}.`);
  return p;
}

function need(profile: string, option: string, value: string | undefined): string {
  if (value === undefined || value === '')
    throw new CliError(
      'USAGE',
      `pki issue --profile ${profile}: --${option} is required unless --name gives the whole subject.`,
    );
  return value;
}

function genericSubject(profile: string, s: SubjectInput): NameInput {
  return [
    { type: 'C', value: s.country },
    { type: 'O', value: need(profile, 'organization', s.organization) },
    ...(s.office === undefined ? [] : [{ type: 'OU', value: s.office }]),
    { type: 'CN', value: need(profile, 'common-name', s.commonName) },
  ];
}

/** Checks, before any key is generated, that the fields a profile needs are there. */
export function assertSubjectComplete(profile: ProfileName, s: SubjectInput): void {
  if (s.dn !== undefined) return;
  need(profile, 'organization', s.organization);
  need(profile, 'common-name', s.commonName);
  if (profile === 'person') {
    need(profile, 'title', s.title);
    need(profile, 'office', s.office);
  }
}

/**
 * The certificate template of a profile (see libs/pki certificate-profiles):
 * seal = office seal (con dấu của cơ quan), person = signing person (người ký),
 * tsa = RFC 3161 time-stamping unit, ocsp = RFC 6960 delegated responder.
 * With a whole DN the profile's extensions are kept and its subject replaced.
 */
export function profileTemplate(
  profile: ProfileName,
  subject: SubjectInput,
  common: Omit<ProfileCommon, 'publicKey'> & { readonly publicKey: KeyObject },
  extendedKeyUsages: readonly string[],
): CertificateTemplate {
  const eku = extendedKeyUsages.length === 0 ? {} : { extendedKeyUsages };
  const dn = subject.dn;
  let template: CertificateTemplate;
  switch (profile) {
    case 'seal':
      template = officeSealProfile({
        ...common,
        ...eku,
        organisation: dn === undefined ? need(profile, 'organization', subject.organization) : '-',
        office: dn === undefined ? need(profile, 'common-name', subject.commonName) : '-',
        country: subject.country,
      });
      break;
    case 'person':
      template = personProfile({
        ...common,
        ...eku,
        name: dn === undefined ? need(profile, 'common-name', subject.commonName) : '-',
        title: dn === undefined ? need(profile, 'title', subject.title) : '-',
        office: dn === undefined ? need(profile, 'office', subject.office) : '-',
        organisation: dn === undefined ? need(profile, 'organization', subject.organization) : '-',
        country: subject.country,
        ...(subject.email === undefined ? {} : { email: subject.email }),
      });
      break;
    case 'tsa':
      template = tsaProfile({ ...common, subject: dn ?? genericSubject(profile, subject) });
      break;
    case 'ocsp':
      template = ocspResponderProfile({ ...common, subject: dn ?? genericSubject(profile, subject) });
      break;
  }
  return dn === undefined ? template : { ...template, subject: dn };
}
