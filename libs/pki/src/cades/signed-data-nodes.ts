import { TagClass, children, explicit, is, parseDer, sequence, type DerNode } from '../der/reader.ts';
import { PkiError } from '../errors.ts';

/** The encoded parts of a ContentInfo holding SignedData (RFC 5652 §5.1), as they appear in the input. */
export interface SignedDataNodes {
  readonly contentType: DerNode;
  readonly version: DerNode;
  readonly digestAlgorithms: DerNode;
  readonly encapContentInfo: DerNode;
  /** eContentType OBJECT IDENTIFIER inside encapContentInfo. */
  readonly eContentType: DerNode;
  /** CertificateChoices in `certificates` [0], in order. */
  readonly certificates: readonly DerNode[];
  /** RevocationInfoChoice in `crls` [1], in order. */
  readonly crls: readonly DerNode[];
  readonly signerInfos: readonly DerNode[];
}

/** Splits a ContentInfo/SignedData into its encoded parts without re-encoding anything. Throws PkiError MALFORMED. */
export function signedDataNodes(cms: Uint8Array): SignedDataNodes {
  const [ct, wrapped] = sequence(parseDer(cms), 'ContentInfo');
  if (ct === undefined || wrapped === undefined || !is(wrapped, 0, TagClass.context))
    throw new PkiError('MALFORMED', 'Not a ContentInfo.');
  const parts = sequence(explicit(wrapped), 'SignedData');
  const [version, digestAlgorithms, encapContentInfo] = parts;
  if (version === undefined || digestAlgorithms === undefined || encapContentInfo === undefined)
    throw new PkiError('MALFORMED', 'SignedData is incomplete.');
  const [eContentType] = sequence(encapContentInfo, 'EncapsulatedContentInfo');
  let i = 3;
  let certificates: DerNode[] = [];
  let crls: DerNode[] = [];
  if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) certificates = children(parts[i++]!);
  if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context)) crls = children(parts[i++]!);
  const signerSet = parts[i++];
  if (signerSet === undefined || !is(signerSet, 0x11) || i !== parts.length)
    throw new PkiError('MALFORMED', 'Missing signerInfos.');
  return {
    contentType: ct,
    version,
    digestAlgorithms,
    encapContentInfo,
    eContentType: eContentType!,
    certificates,
    crls,
    signerInfos: children(signerSet),
  };
}
