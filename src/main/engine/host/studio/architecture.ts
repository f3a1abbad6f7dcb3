import type { ArchitectureChoice } from '../../../../shared/ipc/index.ts';
import { customArchitecture, presetArchitecture, type ModelArchitecture } from '../../model/presets.ts';

/** The engine architecture a UI choice names (preset or custom layers x units). */
export function architectureOf(choice: ArchitectureChoice): ModelArchitecture {
  return choice.kind === 'preset'
    ? presetArchitecture(choice.preset)
    : customArchitecture(choice.layers, choice.units, choice.dropout);
}

/** Trainer defaults the studio shares with the estimate (see `TrainModelOptions`). */
export const DEFAULT_BATCH_SIZE = 32;
/** Tokens per training window when the user sets none. */
export const DEFAULT_SEQ_LENGTH = 64;

/** Steps of one epoch: the user's choice, else enough windows to see the training tokens once. */
export function stepsPerEpochFor(
  trainTokens: number,
  batchSize: number,
  seqLength: number,
  given?: number,
): number {
  if (given !== undefined) return given;
  // As the trainer counts them (session.ts): the last, partial batch makes a step too.
  return Math.max(1, Math.ceil(trainTokens / (batchSize * seqLength)));
}
