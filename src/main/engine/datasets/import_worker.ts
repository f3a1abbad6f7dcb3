/** Worker-thread entry of the import pool: imports and encodes the files it is sent. */
import { parentPort } from 'node:worker_threads';
import { importAndSummarize } from './import_file.ts';
import type { ImportRequest, ImportResponse } from './import_protocol.ts';

const port = parentPort;
if (!port) throw new Error('import_worker must run in a worker thread');

port.on('message', (request: ImportRequest) => {
  let response: ImportResponse;
  try {
    response = {
      id: request.id,
      ok: true,
      summary: importAndSummarize(request.bytes, request.file, request.codec),
    };
  } catch (error) {
    response = { id: request.id, ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(response);
});
