import { BusError } from './errors.ts';

const topicPattern = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Checks topic names against Kafka's rules (legal characters `[A-Za-z0-9._-]`, at most
 * 249 of them; `.` and `..` are reserved) so that both transports accept the same names.
 */
export function assertTopics(topics: readonly string[]): void {
  for (const topic of topics) {
    if (typeof topic !== 'string' || !topicPattern.test(topic) || topic === '.' || topic === '..') {
      throw new BusError('BUS_TOPIC_INVALID', JSON.stringify(topic));
    }
  }
}
