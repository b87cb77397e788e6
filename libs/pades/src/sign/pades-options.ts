import type { TimeStamper, Certificate, Clock, Signer, SigningAlgorithm } from '@lienthong/pki';
import type { ByteRange } from './byte-range.ts';
import type { DssData } from './dss.ts';
import type { FieldLock, SignatureFieldOptions, SignatureInfo } from './signature-field.ts';
import type { StampFieldsOptions } from './stamp-fields.ts';

/** PAdES baseline levels (ETSI EN 319 142-1 §6). */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** The signer's own flow: certify with DocMDP /P 2 and leave the number, date and seal fields open. */
export type AllowStampOptions = StampFieldsOptions;

/** Options of a PAdES signature (ETSI EN 319 142-1). */
export interface PdfSignOptions extends SignatureFieldOptions, SignatureInfo {
  readonly certificate: Certificate;
  /** Issuing CAs to put in the CMS (and in the DSS for B-LT). */
  readonly chain?: readonly Certificate[];
  /** The claimed signing time written as /M; default the clock's now. */
  readonly clock?: Clock;
  /** Certification signature with DocMDP /P (ISO 32000-1 §12.8.2.2); default approval signature. */
  readonly certify?: 1 | 2 | 3;
  /** FieldMDP of the signature field (§12.8.2.4). */
  readonly lock?: FieldLock;
  /**
   * Create the number/date text fields and the seal's empty signature field
   * (when absent) in this revision, certify with /P 2 and lock every field
   * but those three, so a later stamp and seal signature are permitted changes.
   */
  readonly allowStamp?: boolean | AllowStampOptions;
  /** Bytes reserved for /Contents; default estimated from the certificates, level and a margin. */
  readonly contentsSize?: number;
}

/** Options of step one of two-step signing: the token's algorithm, and whether a time-stamp will be added (for the /Contents size). */
export interface PreparePdfOptions extends PdfSignOptions {
  readonly algorithm: SigningAlgorithm;
  /** A signature-time-stamp will be added at completion (B-T and up): reserves room for the token. */
  readonly timeStamped?: boolean;
}

/** Options of a one-shot signature with a {@link Signer}. */
export interface SignPdfOptions extends PdfSignOptions {
  readonly signer: Signer;
  readonly level?: PadesLevel;
  /** Needed from B-T up: the signature-time-stamp, and for B-LTA the document time-stamp. */
  readonly timeStamper?: TimeStamper;
  /** For B-LT and B-LTA: CRLs, OCSP responses and further certificates for the DSS. */
  readonly validationData?: Omit<DssData, 'vri'>;
}

/**
 * The state kept between the two steps (small, JSON-serialisable: the service
 * stores it in Postgres). It holds no certificate: pass the same certificate
 * and chain to {@link completePdfSignature}.
 */
export interface PdfSignatureState {
  readonly version: 1;
  readonly byteRange: ByteRange;
  readonly contentsOffset: number;
  readonly capacity: number;
  readonly algorithm: SigningAlgorithm;
  /** Hex digest of the ByteRange bytes (the CMS message-digest). */
  readonly documentDigest: string;
  /** Hex digest of the signed attributes (what the token signs). */
  readonly signedAttributesDigest: string;
}

/** What step one returns: the bytes or digest for the token, and the state. */
export interface PreparedPdfSignature {
  /** DER of the signed attributes: the exact bytes a {@link Signer} signs (RFC 5652 §5.4). */
  readonly signedAttributes: Uint8Array;
  /** Hash of `signedAttributes`, for tokens that sign a precomputed hash. */
  readonly digest: Uint8Array;
  /** DigestInfo of `digest`, for CKM_RSA_PKCS. */
  readonly digestInfo: Uint8Array;
  readonly state: PdfSignatureState;
}
