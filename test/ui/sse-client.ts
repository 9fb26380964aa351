/** Reads a server-sent event stream in tests: each message as `{ event, data }`, data parsed as JSON. */
export interface ReceivedMessage {
  readonly event: string;
  readonly data: any;
}

export interface SseReader {
  /** Resolves with the first message (from the start of the stream) that `match` accepts. */
  waitFor(match: (message: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  readonly messages: readonly ReceivedMessage[];
  close(): void;
}

export async function readSse(url: string): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data !== '') messages.push({ event, data: JSON.parse(data) });
        }
        for (const wake of [...waiters]) wake();
      }
    } catch {
      // aborted
    }
  })();
  return {
    messages,
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(', ')}`));
        }, timeoutMs);
        function check() {
          const found = messages.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        }
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
