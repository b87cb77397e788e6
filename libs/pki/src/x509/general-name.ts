import { TagClass, children, content, encoded, explicit, parseDer, readOid, type DerNode } from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { readName, type Name } from './name.ts';

/** GeneralName (RFC 5280 §4.2.1.6), the forms this library interprets. */
export type GeneralName =
  | { readonly kind: 'rfc822'; readonly value: string }
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: Uint8Array }
  | { readonly kind: 'directory'; readonly value: Name }
  | { readonly kind: 'registeredId'; readonly value: string }
  | { readonly kind: 'other'; readonly tag: number; readonly der: Uint8Array };

/** Reads one GeneralName node. */
export function readGeneralName(node: DerNode): GeneralName {
  if (node.cls !== TagClass.context)
    throw new PkiError('MALFORMED', `GeneralName must be context-tagged at byte ${node.start}.`);
  const text = (): string => Buffer.from(content(node)).toString('latin1');
  switch (node.tag) {
    case 1:
      return { kind: 'rfc822', value: text() };
    case 2:
      return { kind: 'dns', value: text() };
    case 6:
      return { kind: 'uri', value: text() };
    case 7:
      return { kind: 'ip', value: Uint8Array.from(content(node)) };
    case 4:
      return { kind: 'directory', value: readName(explicit(node)) };
    case 8: {
      // [8] IMPLICIT OBJECT IDENTIFIER: read the same content octets under the universal tag.
      const b = encoded(node).slice();
      b[0] = 0x06;
      return { kind: 'registeredId', value: readOid(parseDer(b)) };
    }
    default:
      return { kind: 'other', tag: node.tag, der: Uint8Array.from(encoded(node)) };
  }
}

/** Reads GeneralNames (SEQUENCE SIZE (1..MAX) OF GeneralName) from the children of `node`. */
export function readGeneralNames(node: DerNode): GeneralName[] {
  return children(node).map(readGeneralName);
}
