import { ia5, oid, printable, seq, setOf, utf8 } from '../der/writer.ts';
import { parseDer } from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readName, type Name } from './name.ts';

/** One attribute of a name to build: a short name (CN, O, OU, C, L, ST, title, organizationIdentifier, serialNumber, emailAddress, UID, DC, GN, SN) or an OID. */
export interface NameAttributeInput {
  readonly type: string;
  readonly value: string;
}

/** A distinguished name to build, most significant RDN first (C, then O, …, then CN). */
export type NameInput = readonly NameAttributeInput[];

const TYPES: Record<string, string> = {
  CN: OID.commonName,
  C: OID.countryName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  L: OID.localityName,
  ST: OID.stateOrProvinceName,
  title: OID.title,
  organizationIdentifier: OID.organizationIdentifier,
  serialNumber: OID.serialNumber,
  emailAddress: OID.emailAddress,
  UID: OID.userId,
  DC: OID.domainComponent,
  GN: OID.givenName,
  SN: OID.surname,
};

/**
 * Encodes a Name (RFC 5280 §4.1.2.4): one attribute per RDN; countryName and
 * serialNumber as PrintableString, emailAddress and DC as IA5String, others as
 * UTF8String (Vietnamese text keeps its diacritics).
 */
export function encodeName(input: NameInput): Uint8Array {
  return seq(
    ...input.map((a) => {
      const type = TYPES[a.type] ?? (/^\d+(\.\d+)+$/.test(a.type) ? a.type : undefined);
      if (type === undefined) throw new PkiError('INVALID_ARGUMENT', `Unknown name attribute ${a.type}.`);
      let value: Uint8Array;
      if (type === OID.countryName || type === OID.serialNumber) {
        if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(a.value))
          throw new PkiError('INVALID_ARGUMENT', `${a.type} must be a PrintableString.`);
        value = printable(a.value);
      } else if (type === OID.emailAddress || type === OID.domainComponent) value = ia5(a.value);
      else value = utf8(a.value);
      return setOf(seq(oid(type), value));
    }),
  );
}

/** Builds a {@link Name} from input. */
export function buildName(input: NameInput): Name {
  return readName(parseDer(encodeName(input)));
}
