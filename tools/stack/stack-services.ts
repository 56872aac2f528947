/** Every service `npm start` runs, in start order (the edge last, once its upstreams answer). */
export interface StackService {
  name: string;
  entry: string;
  portVariable: string;
  defaultPort: number;
}

export const STACK_SERVICES: StackService[] = [
  { name: 'user', entry: 'apps/user/src/main.ts', portVariable: 'USER_PORT', defaultPort: 4001 },
  { name: 'flags', entry: 'apps/flags/src/main.ts', portVariable: 'FLAGS_PORT', defaultPort: 4004 },
  { name: 'billing', entry: 'apps/billing/src/main.ts', portVariable: 'BILLING_PORT', defaultPort: 4003 },
  { name: 'upload', entry: 'apps/upload/src/main.ts', portVariable: 'UPLOAD_PORT', defaultPort: 4002 },
  { name: 'upload-worker', entry: 'apps/upload/src/worker-main.ts', portVariable: 'UPLOAD_WORKER_PORT', defaultPort: 4005 },
  { name: 'edge', entry: 'apps/edge/src/main.ts', portVariable: 'EDGE_PORT', defaultPort: 4000 },
];
