/** Every service `npm start` runs, in start order (the edge last, once its upstreams answer). */
export interface StackService {
  name: string;
  entry: string;
  portVariable: string;
  defaultPort: number;
}

export const STACK_SERVICES: StackService[] = [
  { name: 'user', entry: 'apps/user/src/main.ts', portVariable: 'USER_PORT', defaultPort: 4001 },
  { name: 'edge', entry: 'apps/edge/src/main.ts', portVariable: 'EDGE_PORT', defaultPort: 4000 },
];
