import type { DevUser } from './dev-user';

/**
 * One user per tier so local runs and tests can exercise every authorization path.
 * The password is a parameter because it comes from config, never from code.
 */
export const defaultDevUsers = (password: string): DevUser[] => [
  { email: 'free@example.com', username: 'free', password, roles: [], firstName: 'Free', lastName: 'User' },
  {
    email: 'premium@example.com',
    username: 'premium',
    password,
    roles: ['premium-user'],
    firstName: 'Premium',
    lastName: 'User',
  },
  { email: 'admin@example.com', username: 'admin', password, roles: ['admin'], firstName: 'Admin', lastName: 'User' },
];
