/** The zod schemas the contract is built from, for both ends and the UI's types. */
export * from './ids.ts';
export * from './datasets.ts';
export * from './engine.ts';
export * from './note_sequence.ts';
export * from './models.ts';
export * from './training.ts';
export * from './generation.ts';
export * from './settings.ts';
export * from './projects.ts';
export * from './launch.ts';
export * from './uploads.ts';
