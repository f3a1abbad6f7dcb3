import cliProgress from 'cli-progress';
import path from 'node:path';

/** Reports progress of a long job; `stop` clears it. */
export interface ProgressReporter {
  update(done: number, total: number, current: string): void;
  stop(): void;
}

/** A cli-progress bar on stderr when stderr is a terminal, else silence (so pipes and logs stay clean). */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} {bar} {value}/{total} files | {file}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, current) {
      const file = path.basename(current).slice(0, 40);
      if (!started) {
        bar.start(total, done, { file });
        started = true;
      } else bar.update(done, { file });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
