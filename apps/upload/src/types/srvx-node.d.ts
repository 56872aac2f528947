// srvx's declarations sit behind its package "exports", which this repo's moduleResolution
// ("node") does not read: this names them, nothing is declared by hand.
declare module 'srvx/node' {
  export * from 'srvx/dist/adapters/node.mjs';
}
