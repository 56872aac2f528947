// file-type's own declarations sit behind its package "exports", which this repo's moduleResolution
// ("node") does not read: this names them, nothing is declared by hand.
declare module 'file-type' {
  export * from 'file-type/source/index';
}
