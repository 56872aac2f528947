export type { DevUser } from './dev-user';
export type { DevIdentityProvider, DevIdentityProviderOptions, IssueTokenOverrides } from './dev-identity-provider';
export { defaultDevUsers } from './default-dev-users';
export { startDevIdentityProvider } from './start-dev-identity-provider';
