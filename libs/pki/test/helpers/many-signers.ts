// A CMS SignedData with the same SignerInfo repeated: the hostile input of issue 15 ("2,000
// SignerInfos in one CMS are all verified").
import { children, encoded, explicit, parseDer, sequence } from '../../src/der/reader.ts';
import { ctx, seq, tlv } from '../../src/der/writer.ts';

/** `cms` (a ContentInfo holding SignedData) with its first SignerInfo repeated `count` times. */
export function repeatSignerInfo(cms: Uint8Array, count: number): Uint8Array {
  const [contentType, wrapped] = sequence(parseDer(cms), 'ContentInfo');
  const parts = sequence(explicit(wrapped!), 'SignedData');
  const signerInfos = parts[parts.length - 1]!;
  const one = encoded(children(signerInfos)[0]!);
  const copies = Array.from({ length: count }, () => one);
  const rest = parts.slice(0, -1).map((p) => encoded(p));
  return seq(encoded(contentType!), ctx(0, seq(...rest, tlv(0x31, ...copies))));
}
