import { parseDer, readOid, sequence } from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { readGeneralName, type GeneralName } from './general-name.ts';

/** id-ad-ocsp and id-ad-caIssuers (RFC 5280 §4.2.2.1). */
export const ACCESS_METHOD = { ocsp: '1.3.6.1.5.5.7.48.1', caIssuers: '1.3.6.1.5.5.7.48.2' } as const;

/** AccessDescription (RFC 5280 §4.2.2.1): how (accessMethod) and where (accessLocation). */
export interface AccessDescription {
  readonly method: string;
  readonly location: GeneralName;
}

/** Reads authorityInfoAccess or subjectInfoAccess (SEQUENCE SIZE (1..MAX) OF AccessDescription). */
export function readInfoAccess(der: Uint8Array): AccessDescription[] {
  const descriptions = sequence(parseDer(der), 'AuthorityInfoAccessSyntax');
  if (descriptions.length === 0)
    throw new PkiError('MALFORMED', 'An info access extension must hold at least one AccessDescription.');
  return descriptions.map((d) => {
    const [method, location] = sequence(d, 'AccessDescription');
    if (location === undefined) throw new PkiError('MALFORMED', 'AccessDescription without an accessLocation.');
    return { method: readOid(method, 'accessMethod'), location: readGeneralName(location) };
  });
}

/** The URIs of one access method (e.g. the OCSP responders a certificate names). */
export function accessUris(descriptions: readonly AccessDescription[] | undefined, method: string): string[] {
  return (descriptions ?? []).flatMap((d) =>
    d.method === method && d.location.kind === 'uri' ? [d.location.value] : [],
  );
}
