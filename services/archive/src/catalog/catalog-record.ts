/** A record of the catalog as the archive keeps it and the search filters over it. */

/** One archived document's catalog entry (the document's metadata, not its bytes). */
export interface CatalogRecord {
  /** The document's id. */
  id: string;
  /** `issued` by the issuing office (receivingOffices its recipients) or `received` by the receiving office. */
  kind: 'issued' | 'received';
  issuingOffice: string;
  receivingOffices: string[];
  /** The number in the issuing office's register. */
  number: number;
  /** Number and symbol, e.g. `12-CT/TU`. */
  symbol: string;
  /** A libs/records document type code (`CT`, `KH`, `QĐ`). */
  documentType: string;
  /** The document's date (ngày tháng), `YYYY-MM-DD`. */
  issuedDate: string;
  signer: { name: string; subject: string };
  status: string;
  /** The file (hồ sơ) code of the file plan, when filed. */
  file: string | null;
  /** The subject (trích yếu). */
  subject: string;
}

/** A catalog record with when the archive first wrote it. */
export interface StoredRecord extends CatalogRecord {
  createdAt: Date;
}

/** What a search asks for; every field narrows (AND). Text fields arrive already checked by the service. */
export interface RecordFilters {
  /** Words of the subject, with or without diacritics; "quoted words" must be adjacent. */
  q?: string;
  number?: number;
  symbol?: string;
  type?: string;
  /** Issuing or receiving office. */
  office?: string;
  /** Issued on or after (`YYYY-MM-DD`). */
  from?: string;
  /** Issued on or before (`YYYY-MM-DD`). */
  to?: string;
  /** The signer's name (diacritics optional) or subject. */
  signer?: string;
  status?: string;
  file?: string;
}

/** Where a page ended: by relevance (`rank`, then date, then id) or by date then id. */
export type RecordPosition =
  { by: 'rank'; rank: string; date: string; id: string } | { by: 'date'; date: string; id: string };
