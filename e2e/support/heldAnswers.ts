import type { BrowserContext } from '@playwright/test';

/** One request's answer, held back on its way from the server to the page. */
export interface HeldAnswer {
  /** Resolves once the server has answered the first `event` request (the answer is not yet delivered). */
  readonly held: Promise<void>;
  /** Delivers the held answer to the page. */
  release(): void;
}

/**
 * Routes a context's socket.io WebSocket through the test and holds back the server's answer (the ack frame)
 * to the first `event` request the page sends; every other frame passes untouched. Lets a test act in the
 * window between the server doing something (and broadcasting it) and the page hearing that it was done.
 * Call before the page opens its socket.
 */
export async function holdAnswer(context: BrowserContext, event: string): Promise<HeldAnswer> {
  let heard: () => void = () => {};
  let deliver: (() => void) | undefined;
  const held = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const request = new RegExp(`^42(?:/[^,]*,)?(\\d+)\\[${JSON.stringify(event)}`);
  await context.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    let requestId: string | undefined;
    ws.onMessage((frame) => {
      const asked = typeof frame === 'string' ? request.exec(frame) : null;
      if (asked && requestId === undefined && !deliver) requestId = asked[1];
      server.send(frame);
    });
    server.onMessage((frame) => {
      const answer = typeof frame === 'string' ? /^43(?:\/[^,]*,)?(\d+)\[/.exec(frame) : null;
      if (answer && requestId !== undefined && answer[1] === requestId && !deliver) {
        deliver = () => ws.send(frame);
        heard();
      } else ws.send(frame);
    });
  });
  return { held, release: () => deliver?.() };
}

/** How many answers to each request event a context's pages have received. */
export interface AnswerWatch {
  answered(event: string): number;
}

/**
 * Routes a context's socket.io WebSocket through the test, passing every frame untouched, and counts the
 * answers (ack frames) the pages receive per request event — so a test can wait until a request the page
 * makes on its own (marking a thread read) has been carried out, before it reloads. Call before the page
 * opens its socket.
 */
export async function watchAnswers(context: BrowserContext): Promise<AnswerWatch> {
  const counts = new Map<string, number>();
  await context.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    const asked = new Map<string, string>();
    ws.onMessage((frame) => {
      const request = typeof frame === 'string' ? /^42(?:\/[^,]*,)?(\d+)\["([^"]+)"/.exec(frame) : null;
      if (request) asked.set(request[1]!, request[2]!);
      server.send(frame);
    });
    server.onMessage((frame) => {
      const answer = typeof frame === 'string' ? /^43(?:\/[^,]*,)?(\d+)\[/.exec(frame) : null;
      const event = answer ? asked.get(answer[1]!) : undefined;
      if (answer && event) {
        asked.delete(answer[1]!);
        counts.set(event, (counts.get(event) ?? 0) + 1);
      }
      ws.send(frame);
    });
  });
  return { answered: (event) => counts.get(event) ?? 0 };
}
