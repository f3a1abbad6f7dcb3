import { Command, InvalidArgumentError, Option } from 'commander';
import type { GenerationLength } from '../../main/engine/generate/length.ts';
import { parseLength } from '../../main/engine/generate/length.ts';
import { parseScale } from '../../main/engine/generate/constraints.ts';
import { OutputError, outputFormatOf } from '../../main/engine/generate/outputs.ts';

/** Parsed options of `continuo generate`. */
interface GenerateCliOptions {
  model: string;
  out: string;
  seed?: string;
  length: GenerationLength;
  temperature: number;
  topK?: number;
  topP?: number;
  variations: number;
  key?: string;
  pitchRange?: [number, number];
  rngSeed?: number;
  meter?: string;
  unit?: string;
  maxTokens?: number;
  continuationOnly?: boolean;
  allowEarlyEnd?: boolean;
  simd: boolean;
  json?: boolean;
}

/** The machine-readable result of `continuo generate --json`: one object on stdout. */
export interface GenerateJson {
  /** What ran the network: "wasm-simd" (the stepper's WebAssembly SIMD kernel) or "js" (its plain-JS path). */
  backend: 'wasm-simd' | 'js';
  /** Generated tokens over all variations. */
  tokens: number;
  /** Wall milliseconds per generated token, priming excluded. */
  msPerEvent: number;
  outputs: string[];
  codec: string;
  rngSeed: number | string;
  promptTokens: number;
  variations: Array<{ tokens: number; stop: string; notes: number }>;
  aborted: boolean;
  /** Tokens sampled unmasked because the constraints left no token allowed. */
  maskIgnored: number;
}

function usage<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function integer(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || n < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function number(check: (n: number) => boolean, expected: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n))
      throw new InvalidArgumentError(`expected ${expected}`);
    return n;
  };
}

/** "48-84" -> [48, 84]. */
function pitchRange(value: string): [number, number] {
  const match = /^\s*(\d{1,3})\s*(?:-|\.\.|:)\s*(\d{1,3})\s*$/.exec(value);
  const lo = match ? Number(match[1]) : NaN;
  const hi = match ? Number(match[2]) : NaN;
  if (!match || lo > hi || hi > 127)
    throw new InvalidArgumentError(
      'expected two MIDI pitches LOW-HIGH with 0 <= LOW <= HIGH <= 127, e.g. 48-84',
    );
  return [lo, hi];
}

/** `continuo generate`: continue a seed (or start from nothing) with a trained model. */
export function generateCommand(): Command {
  return new Command('generate')
    .description('Generate music with a trained model: continue a seed, or start from nothing')
    .requiredOption('--model <dir>', 'model folder (model.json, weights.bin, meta.json)')
    .requiredOption('--out <file>', 'output file: .mid or .abc (several variations: out-1.mid, out-2.mid...)')
    .option('--seed <file>', 'seed to continue: a .mid file, or an .abc file (its first tune)')
    .addOption(
      new Option('--length <length>', 'how much to generate: tokens (200t), seconds (30s) or bars (16bars)')
        .argParser(usage(parseLength))
        .default({ unit: 'tokens', value: 200 } satisfies GenerationLength, '200t'),
    )
    .option(
      '--temperature <x>',
      'sampling temperature (0 = always the most likely token)',
      number((n) => n >= 0, 'a number >= 0'),
      1,
    )
    .option('--top-k <n>', 'sample among the k most likely tokens only (0 = all)', integer(0))
    .option(
      '--top-p <x>',
      'nucleus sampling: the most likely tokens up to this probability',
      number((n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    )
    .option('--variations <n>', 'continuations of the seed, generated in one batch', integer(1), 1)
    .option(
      '--key <name>',
      'stay in a key or scale, e.g. "D major", "A minor pentatonic"',
      usage((v) => (parseScale(v), v)),
    )
    .option('--pitch-range <low-high>', 'stay within MIDI pitches, e.g. 48-84', pitchRange)
    .option(
      '--rng-seed <n>',
      'random seed for repeatable output (default: random, printed with --json)',
      integer(0),
    )
    .option('--meter <m>', "ABC models without a seed: meter, e.g. 6/8 (default: the model's choice)")
    .option('--unit <l>', 'ABC models without a seed: unit note length, e.g. 1/8')
    .option(
      '--max-tokens <n>',
      'safety cap of tokens per variation for seconds and bars (default 10000)',
      integer(1),
    )
    .option('--continuation-only', 'write the continuation alone, without the seed')
    .option('--allow-early-end', 'ABC: let the model end the tune before --length is reached')
    .option('--no-simd', 'run the network in plain JS instead of WebAssembly SIMD')
    .addOption(new Option('--json', 'print one JSON object on stdout'))
    .action(async (options: GenerateCliOptions, command: Command) => {
      try {
        outputFormatOf(options.out);
      } catch (error) {
        if (error instanceof OutputError) command.error(`error: ${error.message}`, { exitCode: 2 });
        throw error;
      }
      // Loaded on demand so that help and usage errors answer at once.
      const { loadGenerationModel } = await import('../../main/engine/generate/load_model.ts');
      const { TokenGenerator } = await import('../../main/engine/generate/generator.ts');
      const { readSeedFile } = await import('../../main/engine/generate/seed.ts');
      const { decodeVariation, writeOutputs } = await import('../../main/engine/generate/outputs.ts');
      const model = await loadGenerationModel(options.model);
      const seed = options.seed ? await readSeedFile(options.seed) : undefined;
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      let result;
      try {
        result = await new TokenGenerator(model).generate({
          seed,
          length: options.length,
          allowEarlyEnd: options.allowEarlyEnd,
          temperature: options.temperature,
          topK: options.topK,
          topP: options.topP,
          variations: options.variations,
          key: options.key,
          pitchRange: options.pitchRange,
          rngSeed: options.rngSeed,
          meter: options.meter,
          unit: options.unit,
          maxTokens: options.maxTokens,
          simd: options.simd,
          signal: controller.signal,
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      const decoded = result.variations.map((v) => decodeVariation(model.codec, v));
      const outputs = await writeOutputs(options.out, decoded, {
        continuationOnly: options.continuationOnly,
      });
      const json: GenerateJson = {
        backend: result.backend,
        tokens: result.tokens,
        msPerEvent: Math.round(result.msPerEvent * 10000) / 10000,
        outputs,
        codec: result.codec,
        rngSeed: result.rngSeed,
        promptTokens: result.promptTokens,
        variations: result.variations.map((v, i) => ({
          tokens: v.tokens.length,
          stop: v.stop,
          notes: (options.continuationOnly ? decoded[i].continuation : decoded[i].full).sequence.notes.length,
        })),
        aborted: result.aborted,
        maskIgnored: result.maskIgnored,
      };
      if (options.json) process.stdout.write(`${JSON.stringify(json)}\n`);
      else process.stdout.write(humanReport(json));
      process.exitCode = 0;
    });
}

function humanReport(json: GenerateJson): string {
  const lines = [
    `Generated ${json.tokens} tokens in ${json.variations.length} variation${json.variations.length > 1 ? 's' : ''} ` +
      `(${json.codec} model, ${json.backend}, ${json.msPerEvent.toFixed(3)} ms/event, rng seed ${json.rngSeed})` +
      (json.aborted ? ' - interrupted' : ''),
    ...json.outputs.map((file, i) => {
      const v = json.variations[i];
      return `  ${file}  ${v.tokens} tokens, ${v.notes} notes (${v.stop === 'end' ? 'end of tune' : `stopped: ${v.stop}`})`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
