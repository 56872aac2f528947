import { startUploadWorker } from './worker/start-upload-worker';

// The processing worker's own entry for `npm start` / `nx run upload:serve-worker`; the bundle
// runs the same code as `node dist/apps/upload/main.js --worker`.
void startUploadWorker();
