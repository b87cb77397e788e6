/** The topic and consumer group the ingest uses, under the configured namespace. */
import { eventDefinitions } from '@lienthong/records';

/** The ingest's topic and group of one installation. */
export interface IngestTopics {
  /** `document.issued` v1. */
  issued: string;
  group: string;
}

/** The topic and group under `namespace` ('' for none). */
export function ingestTopics(namespace: string): IngestTopics {
  const at = (name: string) => (namespace === '' ? name : `${namespace}.${name}`);
  return { issued: at(eventDefinitions.documentIssued.topic), group: at('archive-ingest') };
}
