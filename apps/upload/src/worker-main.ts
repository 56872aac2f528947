import { runService } from '@tp/http';
import { uploadWorkerService } from './worker-service';
import { createUploadWorker } from './worker/upload-worker';

void runService(uploadWorkerService({ consumer: createUploadWorker }));
