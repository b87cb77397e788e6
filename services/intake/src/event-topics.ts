/**
 * Where intake's events go: the topic of their definition (libs/records), under the
 * installation's namespace when it has one (`LIENTHONG_INTAKE_TOPIC_NAMESPACE`), as
 * delivery's and the archive's namespaces read them (`<namespace>.lienthong.document.issued.v1`).
 */

/** `topic` under `namespace` ('' for none). */
export function topicIn(namespace: string, topic: string): string {
  return namespace === '' ? topic : `${namespace}.${topic}`;
}
