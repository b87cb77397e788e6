/** Whether a topic is itself a dead-letter topic (its failures are logged and dropped, not re-queued). */
export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith('.dlq');
}
