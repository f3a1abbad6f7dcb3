import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The PyTorch peer of the LSTM benchmarks (`../shared/peers/torch_lstm.py`), run side by side
 * with ours in one `npm run bench`, so the ratio is measured under the same machine load.
 * Benchmarks only: it needs Debian's python3-torch, which CI does not install.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** What the peer prints. */
const PeerFiguresSchema = z.object({
  trainTokensPerSec: z.number().positive(),
  genMsPerEvent: z.number().positive(),
});
export type PeerFigures = z.infer<typeof PeerFiguresSchema>;

/** The peer script, or null when it (or PyTorch) is not there; the reason goes to `why`. */
export function torchPeerScript(): { script: string | null; why: string } {
  const dir = process.env.CONTINUO_PEERS_DIR ?? path.resolve(REPO_ROOT, '..', 'shared', 'peers');
  const script = path.join(dir, 'torch_lstm.py');
  if (!existsSync(script)) return { script: null, why: `no ${script}` };
  if (!existsSync(PYTHON)) return { script: null, why: `no ${PYTHON}` };
  return { script, why: '' };
}

/**
 * Runs the peer once for the reference config. `OPENBLAS_CORETYPE=SkylakeX`: Debian's
 * OpenBLAS 0.3.21 takes this Xeon for a Prescott and runs 2-3x slower without it.
 */
export function runTorchPeer(script: string, vocab: number): Promise<PeerFigures> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [script, String(vocab)],
      {
        env: { ...process.env, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? 'SkylakeX' },
        timeout: 600_000,
      },
      (error, stdout, stderr) => {
        if (error)
          return reject(
            new Error(`PyTorch peer failed: ${stderr.trim().split('\n').at(-1) ?? error.message}`),
          );
        try {
          resolve(PeerFiguresSchema.parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')));
        } catch (parseError) {
          reject(new Error(`PyTorch peer printed no figures: ${(parseError as Error).message}`));
        }
      },
    );
  });
}
