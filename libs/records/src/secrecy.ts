/**
 * Secrecy levels (độ mật; Luật 29/2018, replaced from 1 March 2026 by Luật 117/2025/QH15)
 * and what each requires of electronic exchange (docs/DOMAIN.md "Secrecy and urgency"):
 * ordinary documents travel over the network; Mật only encrypted with approved
 * cryptography; Tối mật and Tuyệt mật not over the network at all.
 */
import { RecordsError } from './errors.ts';
import { quote } from './text.ts';

/** The secrecy levels' ids, from least to most secret. */
export const secrecyLevelIds = ['ordinary', 'confidential', 'secret', 'top-secret'] as const;

/** A secrecy level's id: `ordinary` (no mark), `confidential` (Mật), `secret` (Tối mật), `top-secret` (Tuyệt mật). */
export type SecrecyLevelId = (typeof secrecyLevelIds)[number];

/** What a level requires of electronic exchange. */
export type ExchangeRequirement =
  { exchange: 'plain' } | { exchange: 'encrypted'; reason: string } | { exchange: 'refused'; reason: string };

/** One secrecy level. */
export interface SecrecyLevel {
  id: SecrecyLevelId;
  /** The mark as printed (empty for ordinary documents). */
  mark: string;
  /** The Vietnamese name. */
  name: string;
  requirement: ExchangeRequirement;
}

const encrypted = 'Mật documents travel only encrypted with approved cryptography (docs/DOMAIN.md)';
const refused = (name: string): string => `${name} documents are not sent over the network at all (docs/DOMAIN.md)`;

/** The levels as data. */
export const secrecyLevels: readonly SecrecyLevel[] = Object.freeze(
  (
    [
      { id: 'ordinary', mark: '', name: 'Thường', requirement: { exchange: 'plain' } },
      { id: 'confidential', mark: 'MẬT', name: 'Mật', requirement: { exchange: 'encrypted', reason: encrypted } },
      {
        id: 'secret',
        mark: 'TỐI MẬT',
        name: 'Tối mật',
        requirement: { exchange: 'refused', reason: refused('Tối mật') },
      },
      {
        id: 'top-secret',
        mark: 'TUYỆT MẬT',
        name: 'Tuyệt mật',
        requirement: { exchange: 'refused', reason: refused('Tuyệt mật') },
      },
    ] satisfies SecrecyLevel[]
  ).map((l) => Object.freeze({ ...l, requirement: Object.freeze(l.requirement) })),
);

/** The level of `id`, or undefined. */
export function findSecrecyLevel(id: string): SecrecyLevel | undefined {
  return secrecyLevels.find((l) => l.id === id);
}

/**
 * What electronic exchange of a document at `id` requires: `plain`, `encrypted` or
 * `refused` (with the reason). Throws `RECORDS_CODE_UNKNOWN` for an unknown level.
 */
export function exchangeRequirement(id: string): ExchangeRequirement {
  const level = findSecrecyLevel(id);
  if (level === undefined) throw new RecordsError('RECORDS_CODE_UNKNOWN', `${quote(id)} is not a secrecy level`);
  return level.requirement;
}

/** Throws `RECORDS_SECRECY_NOT_EXCHANGEABLE` when a document at `id` may not be exchanged electronically. */
export function assertExchangeable(id: string): void {
  const requirement = exchangeRequirement(id);
  if (requirement.exchange === 'refused')
    throw new RecordsError('RECORDS_SECRECY_NOT_EXCHANGEABLE', requirement.reason);
}
