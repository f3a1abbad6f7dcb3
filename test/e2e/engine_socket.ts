/**
 * Talks to the web host under test directly over its WebSocket (token and origin as the page
 * sends them), to ask the engine for a generation outside the page: the reference a jam answer
 * is checked against.
 */
import WebSocket from 'ws';
import type { GenerationFinished, PayloadOf } from '../../src/shared/ipc/index.ts';
import type { WebHostUnderTest } from './web_host_env.ts';

/** Runs `generation.start` with `payload` and resolves with its `generation.finished` event. */
export function engineGenerate(
  host: WebHostUnderTest,
  payload: PayloadOf<'generation.start'>,
  timeoutMs = 60_000,
): Promise<GenerationFinished> {
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin });
  return new Promise<GenerationFinished>((resolve, reject) => {
    let jobId: string | undefined;
    const early: GenerationFinished[] = [];
    const timer = setTimeout(
      () => reject(new Error('the engine did not finish the generation in time')),
      timeoutMs,
    );
    const done = (finished: GenerationFinished): void => {
      clearTimeout(timer);
      socket.close();
      resolve(finished);
    };
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, method: 'generation.start', payload })));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as
        | {
            type: 'response';
            id: number;
            response: { ok: boolean; result?: { jobId: string }; error?: unknown };
          }
        | { type: 'event'; event: string; payload: GenerationFinished };
      if (message.type === 'response' && message.id === 1) {
        if (!message.response.ok || !message.response.result) {
          clearTimeout(timer);
          reject(new Error(`generation.start failed: ${JSON.stringify(message.response.error)}`));
          return;
        }
        jobId = message.response.result.jobId;
        const mine = early.find((f) => f.jobId === jobId);
        if (mine) done(mine);
      } else if (message.type === 'event' && message.event === 'generation.finished') {
        if (jobId === undefined) early.push(message.payload);
        else if (message.payload.jobId === jobId) done(message.payload);
      }
    });
  });
}
