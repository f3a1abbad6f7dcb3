/** The IPC contract between the studio UI and its host, and the helpers both ends share. */
export * from './contract.ts';
export * from './errors.ts';
export * from './envelope.ts';
export * from './dispatch.ts';
export * from './api.ts';
export * from './channels.ts';
export * from './engine_contract.ts';
export * from './schemas/index.ts';
