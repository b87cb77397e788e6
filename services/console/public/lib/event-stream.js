// Server-sent events read with fetch (EventSource cannot send the Authorization header), resumed
// after a drop with Last-Event-ID.
import { currentSession } from './session.js';

/** Follows `url`, calling onEvent({ event, id, data }) per event; returns a function that stops it. */
export function followEvents(url, onEvent) {
  const controller = new AbortController();
  let lastId = null;
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const headers = { accept: 'text/event-stream' };
        const session = currentSession();
        if (session !== null) headers.authorization = `Bearer ${session.token}`;
        if (lastId !== null) headers['last-event-id'] = lastId;
        const res = await fetch(url, { headers, signal: controller.signal });
        if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message = { event: 'message', id: null, data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'event') message.event = text;
              else if (field === 'id') message.id = text;
              else if (field === 'data') message.data += message.data === '' ? text : `\n${text}`;
            }
            if (message.id !== null) lastId = message.id;
            if (message.data !== '') onEvent(message);
          }
        }
      } catch {
        // dropped or refused: wait, then resume after the last id seen
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
