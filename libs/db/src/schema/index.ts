export * from './users';
export * from './feature-flags';
export * from './billing';
export * from './uploads';
export * from './expired-uploads';
