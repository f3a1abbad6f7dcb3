import { Command, Option } from 'commander';
import type { BackendName } from '../../main/engine/model/backend.ts';
import { BACKEND_NAMES, parseNonNegative, parsePositiveInt, runTrainingJob } from './train.ts';

interface ResumeCliOptions {
  epochs?: number;
  stepsPerEpoch?: number;
  checkpointMinutes?: number;
  earlyStopping?: number;
  backend?: BackendName;
  cacheDir?: string;
  inProcess?: boolean;
  json?: boolean;
}

/** `continuo resume <modelDir>`: continue a stopped (or finished) training run from its checkpoint. */
export function resumeCommand(): Command {
  return new Command('resume')
    .description('Continue training a model folder from its last checkpoint')
    .argument('<modelDir>', 'model folder written by continuo train')
    .option('--epochs <n>', 'new total number of epochs (counted from the start)', parsePositiveInt)
    .option('--steps-per-epoch <n>', 'cap on steps per epoch (from the next epoch)', parsePositiveInt)
    .option('--checkpoint-minutes <x>', 'minutes between checkpoints within an epoch', parseNonNegative)
    .option('--early-stopping <n>', 'stop after n epochs without a better validation loss', parsePositiveInt)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend to start from').choices(BACKEND_NAMES))
    .option('--cache-dir <dir>', 'token cache folder')
    .option('--in-process', 'train in this process instead of a child process')
    .option('--json', 'print one JSON object per line on stdout for each progress event, and a summary')
    .action(async (modelDir: string, options: ResumeCliOptions) => {
      await runTrainingJob(
        {
          kind: 'resume',
          modelDir,
          overrides: {
            epochs: options.epochs,
            stepsPerEpoch: options.stepsPerEpoch,
            checkpointMinutes: options.checkpointMinutes,
            earlyStoppingPatience: options.earlyStopping,
            backend: options.backend,
            cacheDir: options.cacheDir,
          },
        },
        { json: options.json, inProcess: options.inProcess },
      );
    });
}
