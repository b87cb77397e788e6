/** The topics and consumer group of status events, under the configured namespace (as `ingestTopics`). */
import { eventDefinitions } from '@lienthong/records';

/** The status consumer's topics and group of one installation. */
export interface StatusTopics {
  /** `document.recalled`, `document.replaced`, `document.cancelled` v1. */
  topics: string[];
  group: string;
}

/** The topics and group under `namespace` ('' for none). */
export function statusTopics(namespace: string): StatusTopics {
  const at = (name: string) => (namespace === '' ? name : `${namespace}.${name}`);
  const { documentRecalled, documentReplaced, documentCancelled } = eventDefinitions;
  return {
    topics: [documentRecalled, documentReplaced, documentCancelled].map((d) => at(d.topic)),
    group: at('archive-status'),
  };
}
